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
