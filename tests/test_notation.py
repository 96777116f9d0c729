"""One notation: the symbols that drifted between chapters stay fixed.

The notation page (``book/notation.md``) is the single source. This test reads
the mathematics of every chapter (the markdown's ``$...$``, ``$$...$$``,
amsmath environments and ``{math}`` roles, and the LaTeX outputs the code
cells display, e.g. with ``mfnet_book.show``) and refuses the forms that
drifted in the first version:

* ``\\tilde{Y}`` (the targets are $Y$, in the augmented shape of $\\hat Y$);
* a sample index ``s`` (``_{js}``, ``_{ks}``, ``_s``, ``\\sum_{s=1}``): the
  sample index is ``i``;
* matrix entries written with the upper-case matrix, ``W_{jk}`` or
  ``W^{[l]}_{jk}`` (entries are ``w^{[l]}_{jk}``; the same for ``Z``, ``A``,
  ``\\Delta``);
* ``\\epsilon`` or the lunate ``ϵ`` (the book's epsilon is ``\\varepsilon``, ε);
* ``k`` for the number of outputs or classes (it is $n^{[L]}$, or $n$ in the
  losses and activations chapters): "$k$ classes", "$k$ outputs",
  ``1, \\dots, k``, ``(k + 1) \\times m``.

It also refuses a symbol used with a second meaning (the notation page's
five rules): a bar over a lower-case letter (the bar means "without the bias
row", on $W$, $A$, $Z$ only; an upstream gradient is written
$\\partial J / \\partial v$); a sample written as a subscript ($\\hat y_i$,
$x_1, \\dots, x_m$: a sample's column is $\\hat y^{(i)}$); a layer written as
a subscript ($W_1$, $\\Delta_L$, $w_l$, $\\delta_2$: layers are bracketed
superscripts). Chapters that still use an old form are listed in
``SECOND_MEANINGS_PENDING`` (strict xfail: a chapter that is fixed fails the
test until its entry is removed).

And the notation page defines every symbol the test polices and both error
measures by name.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from mfnet_book import truth  # noqa: E402

CHAPTERS = truth.chapters(ROOT / "book")
NOTATION = ROOT / "book" / "notation.md"

# (pattern in TeX, what is wrong, what to write instead)
MATH_RULES = [
    (re.compile(r"\\(?:wide)?tilde\s*\{?\s*(?:\\mathbf\s*\{?\s*|\\boldsymbol\s*\{?\s*)?Y"),
     "\\tilde{Y}", "the targets are $Y$ (augmented like $\\hat Y$); there is no \\tilde{Y}"),
    (re.compile(r"_\{\s*(?:[a-z]\s*,?\s*)?s\s*\}|_s(?![A-Za-z])|\\sum_\{?\s*s\s*=|"
                r"\^\{\(s\)\}|(?<![A-Za-z\\])s\s*=\s*1\s*,\s*\\[lc]?dots"),
     "sample index s", "the sample index is i: $z^{[l]}_{ji}$, $\\sum_{i=1}^{m}$"),
    (re.compile(r"(?<![A-Za-z\\])(?:W|Z|A|\\Delta)\s*(?:\^\{[^{}]*\}|\^\{\[[^\]]*\]\})?\s*"
                r"_\{?\s*[a-z](?:\s*,?\s*[a-z])?\s*\}?(?![A-Za-z])"),
     "an entry written with the upper-case matrix",
     "entries are lower case with the layer: $w^{[l]}_{jk}$, $z^{[l]}_{ji}$, "
     "$a^{[l]}_{ki}$, $\\delta^{[l]}_{ji}$"),
    (re.compile(r"\\epsilon(?![A-Za-z])"), "\\epsilon", "write \\varepsilon"),
    (re.compile(r"\\[lc]?dots\s*,?\s*k(?![A-Za-z_^])|\(\s*k\s*\+\s*1\s*\)\s*\\times|"
                r"(?<![A-Za-z\\])k\s*\\times\s*m(?![A-Za-z])"),
     "k as a count", "the number of outputs or classes is $n^{[L]}$ ($n$ in the losses "
     "and activations chapters); k is a neuron index"),
]
# One symbol, one meaning: (pattern in TeX, what is wrong, what to write instead)
_HAT_Y = r"(?:\\hat\s*\{?\s*y\s*\}?|\\hat\s*\{\s*y\s*\})"
SECOND_MEANING_RULES = [
    (re.compile(r"\\(?:bar|overline)\s*\{?\s*(?:[a-z]|\\[a-z]+)(?![A-Za-z])"),
     "a bar over a lower-case symbol",
     "the bar means \"without the bias row\" (\\bar W, \\bar A, \\bar Z) only; write an "
     "upstream gradient as \\partial J / \\partial v and a mean in words"),
    (re.compile(r"(?<![A-Za-z\\])(?:" + _HAT_Y + r"|[xyaz])\s*_\s*(?:\{\s*i\s*\}|i)"
                r"(?![A-Za-z0-9{])|(?<![A-Za-z\\])(?:" + _HAT_Y + r"|[xyaz])\s*_\s*\{?\s*m\s*\}?"
                r"(?![A-Za-z0-9])"),
     "a sample written as a subscript",
     "plain subscripts are neurons; sample i is a column: x^{(i)}, \\hat y^{(i)}, "
     "a^{[l](i)}, or the entry \\hat y_{ji}"),
    (re.compile(r"(?<![A-Za-z\\])(?:W|Z|A|\\Delta|V)\s*_\s*(?:\{\s*(?:[0-9]|[lL](?:\s*[+-]\s*1)?)"
                r"\s*\}|[0-9lL])(?![A-Za-z0-9])|"
                r"(?<![A-Za-z\\])(?:\\delta|w|b|z|a)\s*_\s*(?:\{\s*[lL](?:\s*[+-]\s*1)?\s*\}|[lL])"
                r"(?![A-Za-z0-9])|"
                r"\\delta\s*_\s*\{?\s*[1-9]\s*\}?(?![A-Za-z0-9])"),
     "a layer written as a subscript",
     "layers are bracketed superscripts: W^{[1]}, \\Delta^{[L]}, \\delta^{[2]}_j; "
     "a plain subscript is a neuron"),
]
# Chapters owned by others that still use a second meaning on main (strict xfail:
# remove a chapter's entry when it is fixed).
SECOND_MEANINGS_PENDING = {
    "11_regression_california.ipynb": "\\hat y_i for a sample; \\bar y for a mean",
    "12_classification_mnist.ipynb": "z_i for a sample's column",
}

# In the prose (math masked to "$M$"): k as a count, and the lunate epsilon.
PROSE_RULES = [
    (re.compile(r"\$k\$\s+(?:classes|outputs|output units|labels|categories)|"
                r"(?:number of (?:classes|outputs)|classes|outputs)\s*,?\s*\$k\$"),
     "k as a count", "the number of outputs or classes is $n^{[L]}$"),
]
ANYWHERE = [(re.compile("\u03f5"), "the lunate epsilon \u03f5", "write \\varepsilon (\u03b5)"),
            (re.compile("\u1ef8|Y\u0303"), "Ỹ", "the targets are Y")]


def math_of(text: str) -> list[str]:
    masked = truth.mask(text)
    return [text[body:end] for _, end, body in masked.math]


def prose_with_math_kept(text: str) -> str:
    """The prose with each formula shown as `$...$` (so "$k$ classes" reads as such)."""
    masked = truth.mask(text)
    out, last = [], 0
    for start, end, body in masked.math:
        out.append(masked.prose[last:start])
        out.append("$" + text[body:end].strip() + "$")
        last = max(end, start)
        while last < len(text) and text[last] == "$":
            last += 1
    out.append(masked.prose[last:])
    return "".join(out)


def second_meanings(text: str, math: list[str] | None = None) -> list[tuple[str, str, str]]:
    """(what, snippet, fix) for every symbol used with a second meaning."""
    found = []
    for formula in (math_of(text) if math is None else math):
        for pattern, what, fix in SECOND_MEANING_RULES:
            for m in pattern.finditer(formula):
                snippet = formula[max(0, m.start() - 25):m.end() + 25]
                found.append((what, " ".join(snippet.split()), fix))
    return found


def latex_outputs(cell: dict) -> list[str]:
    return [truth.text_of(out["data"]["text/latex"]) for out in cell.get("outputs", [])
            if "text/latex" in out.get("data", {})]


def violations(text: str, math: list[str] | None = None) -> list[tuple[str, str, str]]:
    """(what, the offending snippet, the fix) found in a markdown text (or given formulas)."""
    found = []
    for formula in (math_of(text) if math is None else math):
        for pattern, what, fix in MATH_RULES:
            for m in pattern.finditer(formula):
                snippet = formula[max(0, m.start() - 25):m.end() + 25]
                found.append((what, " ".join(snippet.split()), fix))
    if math is None:
        prose = prose_with_math_kept(text)
        for pattern, what, fix in PROSE_RULES:
            for m in pattern.finditer(prose):
                found.append((what, " ".join(prose[max(0, m.start() - 30):m.end() + 30]
                                             .split()), fix))
    for pattern, what, fix in ANYWHERE:
        for m in pattern.finditer(text if math is None else " ".join(math)):
            found.append((what, m.group(), fix))
    return found


@pytest.mark.parametrize("text, what", [
    (r"targets $\tilde{Y}$ of shape", "\\tilde{Y}"),
    (r"$\tilde Y = Y$", "\\tilde{Y}"),
    (r"$$ \delta_{js} = a_{js} - y_{js} $$", "sample index s"),
    (r"$\sum_{s=1}^{m} z_{ks}$", "sample index s"),
    (r"the weight $W_{jk}$", "an entry written with the upper-case matrix"),
    (r"the weight $W^{[l]}_{jk}$", "an entry written with the upper-case matrix"),
    (r"$\Delta^{[l]}_{ji}$", "an entry written with the upper-case matrix"),
    (r"a step $\epsilon = 10^{-6}$", "\\epsilon"),
    ("a step \u03f5", "the lunate epsilon \u03f5"),
    (r"with $k$ classes", "k as a count"),
    (r"labels in $\{0, 1, \dots, k\}$", "k as a count"),
    (r"targets of shape $(k + 1) \times m$", "k as a count"),
])
def test_drifted_forms_are_found(text, what):
    assert what in [w for w, _, _ in violations(text)], violations(text)


@pytest.mark.parametrize("text", [
    r"$z^{[l]}_{ji} = \sum_{k=0}^{n^{[l-1]}} w^{[l]}_{jk} \, a^{[l-1]}_{ki}$",
    r"$\delta^{[l]}_{ji}$, $\Delta^{[l]} = \partial J / \partial Z^{[l]}$",
    r"$\hat Y$ and $Y$ have $n^{[L]} + 1$ rows; $\varepsilon = 10^{-6}$",
    r"$k = 1, \dots, n^{[l-1]}$ and $j = 0, \dots, n^{[l]}$",
    r"the $W^{[l]}$ of layer $l$, $\bar{W}^{[l]}$ and $W^{[l]\top}$",
    r"$\partial J / \partial W^{[l]} = \Delta^{[l]} A^{[l-1]\top}$",
    r"neuron $k$ of layer $l-1$; ten classes, $n = n^{[L]}$ outputs",
    r"$t_{\text{batch}}$ seconds, $10\,\mathrm{s}$",
])
def test_book_notation_passes(text):
    assert violations(text) == []


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_chapter_uses_the_notation_page(path):
    nb = truth.load(path)
    problems, fixes = [], {}
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "markdown":
            found = violations(truth.source(cell))
        elif cell["cell_type"] == "code":
            found = violations("", math=latex_outputs(cell))
        else:
            continue
        problems += [f"cell {index}: {what}: ...{snippet}..." for what, snippet, _ in found]
        fixes.update({what: fix for what, _, fix in found})
    assert not problems, (f"{path.name}: notation that book/notation.md does not use:\n"
                          + "\n".join(problems) + "\nWhat to write instead:\n"
                          + "\n".join(f"  {what}: {fix}" for what, fix in fixes.items()))


# Forms taken from the chapters before the notation was unified (main at a99edd8).
@pytest.mark.parametrize("text, what", [
    (r"gradient arriving from its output (the *upstream* gradient, $\bar{a}$ for "
     r"$\partial J / \partial a$)", "a bar over a lower-case symbol"),
    (r"$$ \bar{w}_1 = x \times \bar{z}_1 $$", "a bar over a lower-case symbol"),
    (r"$\sum_i (y_i - \bar y)^2$", "a bar over a lower-case symbol"),
    (r"$J = \frac{1}{2m}\sum_i \lVert \hat{y}_i - y_i \rVert^2$",
     "a sample written as a subscript"),
    (r"$(\hat y_i - y_i)^2$", "a sample written as a subscript"),
    (r"For $m$ samples $x_1, \dots, x_m$ with $n^{[0]}$ features",
     "a sample written as a subscript"),
    (r"the gradient reaching $a_1$ is $w_2 \, \delta_2$, the error of the second layer",
     "a layer written as a subscript"),
    (r"$W_1 A_0$ and $\Delta_L$", "a layer written as a subscript"),
    (r"$\partial z_l / \partial z_k$", "a layer written as a subscript"),
])
def test_second_meanings_are_found(text, what):
    assert what in [w for w, _, _ in second_meanings(text)], second_meanings(text)


@pytest.mark.parametrize("text", [
    r"$\bar{W}^{[l]} \bar{A}^{[l-1]}$ and $g^{[l]}(\bar Z^{[l]})$, $b + \bar{W} x$",
    r"$\partial J / \partial a$ is the upstream gradient of the sigmoid gate",
    r"$\hat y^{(i)}$, $x^{(1)}, \dots, x^{(m)}$, $a^{[l](i)}$, $\hat{y}_{ji} - y_{ji}$",
    r"$\delta^{[2]}_1 w^{[2]}_{11}$, $\delta^{[l]}_j$, $x_k$, $w_k x_k$, $a^{[l]}_0$",
    r"$\sum_{i=1}^{m} \delta^{[l]}_{ji}$, $z^{[l]}_{ji}$, $W^{[l+1]\top} \Delta^{[l+1]}$",
    r"$\lambda_{\max}$, $\mu_k$, $\sigma_k$, $\delta_{jk}$, $x_1$ and $x_2$ (features)",
])
def test_one_meaning_forms_pass(text):
    assert second_meanings(text) == []


def _one_meaning_problems(path):
    nb = truth.load(path)
    problems, fixes = [], {}
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "markdown":
            found = second_meanings(truth.source(cell))
        elif cell["cell_type"] == "code":
            found = second_meanings("", math=latex_outputs(cell))
        else:
            continue
        problems += [f"cell {index}: {what}: ...{snippet}..." for what, snippet, _ in found]
        fixes.update({what: fix for what, _, fix in found})
    return problems, fixes


@pytest.mark.parametrize("path", [
    pytest.param(p, marks=pytest.mark.xfail(strict=True, reason=SECOND_MEANINGS_PENDING[p.name]))
    if p.name in SECOND_MEANINGS_PENDING else p for p in CHAPTERS], ids=lambda p: p.name)
def test_chapter_gives_each_symbol_one_meaning(path):
    problems, fixes = _one_meaning_problems(path)
    assert not problems, (f"{path.name}: a symbol with a second meaning:\n"
                          + "\n".join(problems) + "\nWhat to write instead:\n"
                          + "\n".join(f"  {what}: {fix}" for what, fix in fixes.items()))


def test_notation_page_gives_each_symbol_one_meaning():
    text = NOTATION.read_text(encoding="utf-8")
    # the page quotes the forbidden forms once, in its rules ("never ..."); leave those out
    rules = [line for line in text.splitlines() if "never" not in line]
    found = second_meanings("\n".join(rules))
    assert not found, found


def squash(text: str) -> str:
    return " ".join(text.replace("\\hat{Y}", "\\hat Y").split())


def test_notation_page_defines_what_the_test_polices():
    page = squash(NOTATION.read_text(encoding="utf-8"))
    required = {
        "the sample index i": r"\$i\$ \| sample index",
        "entries w^{[l]}_{jk}": r"w\^\{\[l\]\}_\{jk\}",
        "entries z, a, delta with the layer": r"z\^\{\[l\]\}_\{ji\}.*a\^\{\[l\]\}_\{ki\}.*"
                                               r"\\delta\^\{\[l\]\}_\{ji\}",
        "the number of outputs n^{[L]}": r"\$n\^\{\[L\]\}\$ \| number of outputs",
        "the shorthand n = n^{[L]}": r"\$n\$ \| shorthand for \$n\^\{\[L\]\}\$",
        "k is never a count": r"never called \$k\$",
        "the targets Y in the augmented shape of \\hat Y": r"\$Y\$ \|[^|]*\| targets, in the "
                                                           r"same augmented shape",
        "epsilon as \\varepsilon": r"\$\\varepsilon\$ \|",
        "the biases b^{[l]}": r"\$b\^\{\[l\]\}\$, \$b\^\{\[l\]\}_j\$ \|",
        "\\bar W": r"\$\\bar W\^\{\[l\]\}\$ \|",
        "\\bar A, \\bar Z": r"\$\\bar A\^\{\[l\]\}\$, \$\\bar Z\^\{\[l\]\}\$ \|",
        "a sample's column x^{(i)}": r"\$x\^\{\(i\)\}\$ \|",
        "the upstream gradient dJ/dv": r"\$\\partial J / \\partial v\$ \| in a circuit",
        "the Jacobian": r"\*\*Jacobian\*\*",
        "lambda_max": r"\\lambda_\{\\max\}",
        "the bias row as a stop-gradient, with its reason": r"(?s)not a parameter.*"
                                                             r"stop-gradient.*\*\*not\*\* zero",
        "the normwise relative error": r"(?i)normwise relative error",
        "the entrywise relative error": r"(?i)entrywise relative error",
        "mfnet.relative_error": r"mfnet\.relative_error",
        "mfnet.entrywise_relative_error": r"mfnet\.entrywise_relative_error",
    }
    missing = [name for name, pattern in required.items() if not re.search(pattern, page)]
    assert not missing, f"book/notation.md does not define: {missing}"
    # The page itself uses the notation it defines.
    drift = [v for v in violations(NOTATION.read_text(encoding="utf-8"))]
    assert not drift, f"book/notation.md uses drifted forms: {drift}"


@pytest.mark.parametrize("name", ["02_signal_flow.ipynb", "03_backprop_index.ipynb"])
def test_the_chapters_before_the_unified_notation_fail(name, tmp_path):
    """Chapters 2 and 3 as they were before this test (commit a99edd8) used a bar for an
    upstream gradient, layers as subscripts and samples as subscripts: the test sees it."""
    import subprocess

    try:
        old = subprocess.run(["git", "-C", str(ROOT), "show", f"a99edd8:book/{name}"],
                             capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("the old commit is not in this clone (shallow clone?)")
    path = tmp_path / name
    path.write_bytes(old)
    problems, _ = _one_meaning_problems(path)
    assert problems
