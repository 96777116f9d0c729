"""What the book's notebooks say about their own truth, read from their JSON.

The status page (``book/status.ipynb``) and the tests that enforce the book's
conventions (``tests/test_truth.py``, ``tests/test_repository.py``,
``tests/test_notation.py``) share this parser, so that the page reports
exactly what the tests check. Standard library only; nothing here runs a
notebook.

* :func:`typed_numbers` finds numerals in a chapter's prose that are neither
  glued, nor mathematics stating an input or a definition, nor on the
  notebook's allowlist ``metadata.mfnet.allowed_numbers``;
* :func:`glued` lists the values a notebook glues (``record``/``glue``);
* :func:`assert_counts` counts the checks of each code cell (AST);
* :func:`proofs` reads the ``mfnet.proof`` cell metadata;
* :func:`solutions` finds the exercise solutions that run code and whether
  that code checks itself (contains an assert);
* :func:`nbval_exemptions` lists the cells nbval does not compare, with the
  clocks they call (only timing cells may be exempt).
"""
from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"


# -- notebooks ---------------------------------------------------------------------------
def chapters(book: Path = BOOK) -> list[Path]:
    """The chapter notebooks ``book/NN_*.ipynb``, in chapter order."""
    return sorted(p for p in book.glob("[0-9][0-9]_*.ipynb"))


def load(path: Path) -> dict:
    """A notebook's JSON as a dict."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def source(cell: dict) -> str:
    """The source text of a cell (lists of lines joined)."""
    text = cell.get("source", "")
    return "".join(text) if isinstance(text, list) else text


def text_of(value) -> str:
    """A notebook string field (a string or a list of lines) as one string."""
    return "".join(value) if isinstance(value, list) else str(value)


def tags(cell: dict) -> set[str]:
    """The cell's tags."""
    return set(cell.get("metadata", {}).get("tags", []))


def python_source(code: str) -> str:
    """Cell source with IPython magics and shell escapes commented out (parsable)."""
    lines = []
    for line in code.splitlines():
        stripped = line.lstrip()
        if stripped.startswith(("%", "!")):
            lines.append(line[: len(line) - len(stripped)] + "#" + stripped)
        else:
            lines.append(line)
    return "\n".join(lines)


def parse_cell(cell: dict) -> ast.Module | None:
    """The AST of a code cell (None if it does not parse)."""
    try:
        return ast.parse(python_source(source(cell)))
    except SyntaxError:
        return None


# -- masking markdown: what is prose and what is not ------------------------------------
# Directives whose body is prose (it is scanned); all other fenced blocks are
# code, data or math and are masked.
PROSE_DIRECTIVES = {
    "exercise", "solution", "note", "warning", "tip", "important", "hint", "seealso",
    "attention", "caution", "danger", "error", "admonition", "epigraph", "figure",
    "table", "list-table", "dropdown", "margin", "sidebar", "topic", "card",
    "tab-item", "tab-set", "glue:figure", "glue:math", "div", "container",
}
# Directives whose argument is a label or a path, not prose.
LABEL_ARGUMENT = {"solution", "solution-start", "solution-end", "literalinclude",
                  "include", "glue:figure", "glue:math", "glue", "bibliography",
                  "image", "figure", "nb-exec-table", "code-cell"}
MATH_DIRECTIVES = {"math"}
FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,}|:{3,})\s*"
                   r"(?:\{(?P<name>[^}]*)\})?\s*(?P<arg>.*)$")
OPTION_LINE = re.compile(r"^\s*:[\w-]+:(?:\s.*)?$")
ROLE = re.compile(r"\{(?P<name>[\w:.+-]+)\}(?P<ticks>`+)(?P<body>.*?)(?P=ticks)", re.S)
INLINE_CODE = re.compile(r"(?P<ticks>`+)(?!`)(?P<body>.+?)(?<!`)(?P=ticks)(?!`)", re.S)
TARGET = re.compile(r"^\s*\([\w:.-]+\)=\s*$", re.M)
HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
HTML_TAG = re.compile(r"</?[a-zA-Z][^<>]*>")
LINK_TARGET = re.compile(r"\]\((?P<url>[^)\s]*)(?:\s+\"[^\"]*\")?\)")
REFERENCE_DEF = re.compile(r"^\s*\[[^\]]+\]:\s*\S+.*$", re.M)
AUTOLINK = re.compile(r"<(?:https?|ftp|mailto):[^>\s]+>")
URL = re.compile(r"\b(?:https?|ftp)://[^\s<>)\]]+|\bwww\.[^\s<>)\]]+")
FOOTNOTE = re.compile(r"\[\^[\w-]+\]")
EQ_LABEL = re.compile(r"(?<=\$\$)[ \t]*\([\w:.-]+\)")
DISPLAY_MATH = re.compile(r"(?<!\\)\$\$(?P<body>.+?)(?<!\\)\$\$", re.S)
INLINE_MATH = re.compile(r"(?<![\\$])\$(?!\$)(?P<body>(?:\\.|[^$\\])+?)(?<!\\)\$(?!\$)", re.S)
AMS_ENV = re.compile(r"\\begin\{(?P<env>equation|align|gather|multline|eqnarray|alignat|flalign)"
                     r"(?P<star>\*?)\}.*?\\end\{(?P=env)(?P=star)\}", re.S)


def _blank(text: str, start: int, end: int) -> str:
    """``text`` with ``[start, end)`` replaced by spaces (newlines kept, positions kept)."""
    piece = re.sub(r"[^\n]", " ", text[start:end])
    return text[:start] + piece + text[end:]


@dataclass
class Masked:
    """A markdown cell with everything but prose blanked out.

    ``prose`` has the length of the original text: masked parts are spaces, so
    that positions in it are positions in ``original``. ``math`` holds
    ``(start, end, body_start)`` of every math span of the original.
    """
    original: str
    prose: str
    math: list[tuple[int, int, int]] = field(default_factory=list)
    readable: str = ""  # the original with fences, options and code blanked


def mask(text: str) -> Masked:
    """Separate a markdown cell into prose and math (see :class:`Masked`)."""
    out = text
    math: list[tuple[int, int, int]] = []
    # 1. Fenced blocks, line by line (nesting by fence length).
    lines = text.splitlines(keepends=True)
    offsets, pos = [], 0
    for line in lines:
        offsets.append(pos)
        pos += len(line)
    stack: list[tuple[str, int, str]] = []  # (fence char, length, kind)
    option_zone = False
    for line, start in zip(lines, offsets):
        end = start + len(line.rstrip("\n"))
        inner = stack[-1][2] if stack else "prose"
        m = FENCE.match(line.rstrip("\n"))
        if m and stack and m.group("fence")[0] == stack[-1][0] \
                and len(m.group("fence")) >= stack[-1][1] and not m.group("name") \
                and not m.group("arg").strip():
            stack.pop()
            out = _blank(out, start, end)
            option_zone = False
            continue
        if inner != "prose":
            if inner == "math":
                math.append((start, end, start))
            out = _blank(out, start, end)
            continue
        if m:
            name = (m.group("name") or "").strip()
            if not name:
                kind = "code"  # a plain code fence (``` or ```python)
            elif name in MATH_DIRECTIVES:
                kind = "math"
            elif name in PROSE_DIRECTIVES or name.startswith(("prf:", "admonition")):
                kind = "prose"
            else:
                kind = "code"
            stack.append((m.group("fence")[0], len(m.group("fence")), kind))
            if kind == "prose" and name not in LABEL_ARGUMENT and m.group("arg").strip():
                # The directive's title is prose: keep it, blank the fence and name.
                out = _blank(out, start, start + m.start("arg"))
            else:
                out = _blank(out, start, end)
            option_zone = True
            continue
        if option_zone and OPTION_LINE.match(line):
            out = _blank(out, start, end)
            continue
        option_zone = False
    readable = out
    # Option lines elsewhere (a directive without a fence we recognised).
    for m in re.finditer(r"^\s*:(?:label|class|name|width|align|alt|caption|"
                         r"pyobject|lines|emphasize-lines|linenos|language|"
                         r"start-after|end-before|figwidth|height|scale|"
                         r"header-rows|widths|nowrap|enumerated):.*$", out, re.M):
        out = _blank(out, m.start(), m.end())

    # 2. Comments, targets, URLs, link targets, footnote markers.
    for pattern in (HTML_COMMENT, TARGET, REFERENCE_DEF, AUTOLINK):
        for m in pattern.finditer(out):
            out = _blank(out, m.start(), m.end())
    for m in LINK_TARGET.finditer(out):
        out = _blank(out, m.start("url"), m.end("url"))
    for pattern in (URL, FOOTNOTE, HTML_TAG):
        for m in pattern.finditer(out):
            out = _blank(out, m.start(), m.end())

    # 3. Roles (glue, cite, eq, numref, doc, math, ...) and inline code.
    for m in ROLE.finditer(out):
        if m.group("name") == "math":
            math.append((m.start(), m.end("body"), m.start("body")))
        out = _blank(out, m.start(), m.end())
    for m in INLINE_CODE.finditer(out):
        out = _blank(out, m.start(), m.end())

    # 4. Math: amsmath environments, $$...$$ (with its (label)), $...$.
    for pattern in (AMS_ENV, DISPLAY_MATH):
        for m in pattern.finditer(out):
            if "body" in pattern.groupindex:
                math.append((m.start(), m.end("body"), m.start("body")))
            else:
                math.append((m.start(), m.end(), m.start()))
            out = _blank(out, m.start(), m.end())
    for m in EQ_LABEL.finditer(text):  # the `$$ (label)` of a numbered display
        out = _blank(out, m.start(), m.end())
    for m in INLINE_MATH.finditer(out):
        math.append((m.start(), m.end("body"), m.start("body")))
        out = _blank(out, m.start(), m.end())
    math.sort()
    return Masked(text, out, math, readable)


# -- typed numbers ----------------------------------------------------------------------
NUMERAL = re.compile(r"(?<![\w.\\])\d+(?:[.,]\d+)*(?:[eE][-+]?\d+)?")
# Spelled-out numbers in the forms results take ("eight times as many",
# "nine digits", "three orders of magnitude"): a count word alone ("two
# layers") is ordinary language and not flagged.
NUMBER_WORDS = ("two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
                "fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|"
                "forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|"
                "billion|half|twice|thrice|dozen")
SPELLED = re.compile(
    rf"\b(?P<number>(?:{NUMBER_WORDS})(?:[- ](?:{NUMBER_WORDS}))*)\b"
    r"(?=\s+(?:(?:or|to)\s+(?:" + NUMBER_WORDS + r")\s+)?"
    r"(?:times\s+(?:as|more|less|fewer|larger|smaller|faster|slower|bigger|higher|lower)"
    r"|orders?\s+of\s+magnitude|(?:significant\s+|correct\s+)?digits|percent))"
    rf"|(?<=factor of )(?P<factor>(?:{NUMBER_WORDS})(?:[- ](?:{NUMBER_WORDS}))*)\b"
    rf"|\b(?P<fold>(?:{NUMBER_WORDS})fold)\b"
    r"|\b(?P<as>twice|thrice|half)(?=\s+as\s+(?:many|much|large|fast|slow|long|big|small|"
    r"high|low|often))",
    re.I)
# Inside math: a relation, and what may stand on its left for the left side to
# be "arithmetic on numbers".
RELATION = re.compile(r"=|\\approx|\\simeq|\\leq?(?![a-zA-Z])|\\geq?(?![a-zA-Z])|<|>|"
                      r"\\lt(?![a-zA-Z])|\\gt(?![a-zA-Z])|\\ne(?:q)?(?![a-zA-Z])")
SEPARATOR = re.compile(r",|;|\\quad|\\qquad|\\text\{[^}]*\}|\\mathrm\{[^}]*\}\s*(?=\\|$)"
                       r"|\\(?:mbox|textrm)\{[^}]*\}|\\tag\{[^}]*\}")
ARITHMETIC_NOISE = re.compile(
    r"\\(?:cdot|times|div|frac|dfrac|tfrac|sqrt|left|right|bigl|bigr|Bigl|Bigr|big|Big|"
    r"pm|mp|,|;|!|:| )|[\s{}()\[\]+\-*/^&−·×\\.]|\\\\")
OPERATOR = re.compile(r"\\(?:cdot|times|div|frac|dfrac|tfrac|sqrt)(?![a-zA-Z])|[+\-*/^−·×]")
MATH_NUMBER = re.compile(r"(?<![\w.\\])\d+(?:\.\d+)?(?![\w])")
LEADING = re.compile(r"^(?:\s|\\[,;!: ]|\\left|\\bigl|\\Bigl|[{(\[]|-|−)*")


@dataclass
class Finding:
    """One typed number: where it is and why it counts as typed."""
    number: str
    kind: str       # "prose", "math-result", "math-decimal", "spelled"
    start: int      # position in the cell's text
    sentence: str   # the sentence around it, for the message


def significant_digits(numeral: str) -> int:
    """Significant digits of a decimal numeral: ``0.0125`` has 3, ``2.50`` has 3."""
    digits = numeral.replace(".", "").replace(",", "").lstrip("0")
    return len(digits)


def sentence_at(text: str, pos: int, limit: int = 240) -> str:
    """The sentence of ``text`` around position ``pos``, whitespace squashed."""
    boundary = re.compile(r"(?<=[.!?:])\s+(?=[A-Z*`{$(])|\n\s*\n|\n\s*[-*]\s|\n#+\s"
                          r"|\n\s*\|")
    start = 0
    for m in boundary.finditer(text, 0, pos):
        start = m.end()
    m = boundary.search(text, pos)
    end = m.start() if m else len(text)
    head = " ".join(text[start:pos].split())
    tail = " ".join(text[pos:end].split())
    gap = " " if head and text[pos - 1].isspace() else ""
    if len(head) > limit // 2:
        head = "..." + head[-(limit // 2):]
    if len(tail) > limit // 2:
        tail = tail[: limit // 2] + "..."
    return head + gap + tail


def _arithmetic_on_numbers(left: str) -> bool:
    """Is ``left`` (TeX) made of numbers and arithmetic only, with an operator?"""
    if not MATH_NUMBER.search(left) or not OPERATOR.search(left):
        return False
    rest = ARITHMETIC_NOISE.sub("", MATH_NUMBER.sub("", left))
    return rest == "" and len(MATH_NUMBER.findall(left)) >= 2


def scan_math(body: str) -> list[tuple[str, str, int]]:
    """Typed results in one formula: ``(number, kind, offset in body)``.

    * ``math-result``: a number right after ``=``, ``\\approx``, ``<``, ``>``,
      ``\\le``, ``\\ge`` whose left side (back to the previous relation, comma,
      ``\\quad`` or text) is arithmetic on numbers, like ``5 \\cdot 5 + 5 = 30``;
    * ``math-decimal``: a decimal with at least 3 significant digits.
    """
    found = []
    # "\cdot5" is "\cdot 5": a control word ends where a digit starts.
    body = re.sub(r"(\\[A-Za-z]+)(?=\d)", r"\1 ", body)
    left_start = 0
    cut = [0] + [m.end() for m in SEPARATOR.finditer(body)]
    for m in RELATION.finditer(body):
        left_start = max([c for c in cut if c <= m.start()] + [left_start])
        left = body[left_start:m.start()]
        right = body[m.end():]
        lead = LEADING.match(right).end()
        number = MATH_NUMBER.match(right, lead)
        if number and _arithmetic_on_numbers(left):
            found.append((number.group(), "math-result", m.end() + number.start()))
        left_start = m.end()
    for m in re.finditer(r"(?<![\w.\\])\d*\.\d+(?![\w])", body):
        if significant_digits(m.group()) >= 3:
            found.append((m.group(), "math-decimal", m.start()))
    return found


def scan_markdown(text: str) -> list[Finding]:
    """Every number of a markdown cell that counts as typed (allowlist not applied)."""
    masked = mask(text)
    findings = []
    where = masked.readable
    for m in NUMERAL.finditer(masked.prose):
        findings.append(Finding(m.group(), "prose", m.start(), sentence_at(where, m.start())))
    for m in SPELLED.finditer(masked.prose):
        word = next(g for g in m.group("number", "factor", "fold", "as") if g)
        findings.append(Finding(word.lower(), "spelled", m.start(),
                                sentence_at(where, m.start())))
    for start, end, body_start in masked.math:
        body = text[body_start:end]
        for number, kind, offset in scan_math(body):
            findings.append(Finding(number, kind, body_start + offset,
                                    sentence_at(where, body_start + offset)))
    findings.sort(key=lambda f: f.start)
    return findings


def allowlist(nb: dict) -> list[dict]:
    """The notebook's ``metadata.mfnet.allowed_numbers`` (a list of {number, reason})."""
    return list(nb.get("metadata", {}).get("mfnet", {}).get("allowed_numbers", []))


def allowlist_problems(nb: dict) -> list[str]:
    """What is wrong with the allowlist: missing reasons, duplicates, unused entries."""
    problems, seen = [], set()
    found = {f.number for _, f in all_numbers(nb)}
    for entry in allowlist(nb):
        if not isinstance(entry, dict) or "number" not in entry:
            problems.append(f"entry {entry!r} is not {{'number': ..., 'reason': ...}}")
            continue
        number = str(entry["number"])
        if not str(entry.get("reason", "")).strip():
            problems.append(f"entry {number!r} has no reason: say why it is not a "
                            "computed result (an input, a definition, chapter structure)")
        if number in seen:
            problems.append(f"entry {number!r} is listed twice")
        seen.add(number)
        compound = not (NUMERAL.fullmatch(number) or not re.search(r"\d", number))
        if (compound and not compound_spans(nb, number)) or (not compound
                                                             and number not in found):
            problems.append(f"entry {number!r} does not occur in the prose any more: "
                            "remove it (the list stays short and honest)")
    return problems


def prose_texts(nb: dict):
    """``(cell index, text)`` of the prose a reader sees: markdown cells and figure captions.

    A caption (code-cell metadata ``mystnb.figure.caption``) is Markdown, shown
    under the figure; its numbers are held to the same rule as the text's.
    """
    for i, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") == "markdown":
            yield i, source(cell)
        else:
            caption = cell.get("metadata", {}).get("mystnb", {}).get("figure", {}).get(
                "caption")
            if isinstance(caption, str) and caption.strip():
                yield i, caption


def all_numbers(nb: dict) -> list[tuple[int, Finding]]:
    """``(cell index, finding)`` for every typed-looking number of the prose and captions."""
    return [(i, f) for i, text in prose_texts(nb) for f in scan_markdown(text)]


def compound_spans(nb: dict, compound: str) -> set[tuple[int, int]]:
    """(cell, position) of every numeral inside an occurrence of ``compound`` in the prose.

    A compound allowlist entry such as ``"784-32-16-10"`` (a network's layer
    sizes) covers its numbers where they appear in that order, joined so.
    """
    pattern = re.compile(r"(?<![\w.\\-])" + re.escape(compound) + r"(?![\w-])")
    covered = set()
    for i, text in prose_texts(nb):
        prose = mask(text).prose
        for m in pattern.finditer(prose):
            covered |= {(i, m.start() + n.start()) for n in NUMERAL.finditer(m.group())}
    return covered


def _allowed(nb: dict) -> tuple[set[str], set[tuple[int, int]]]:
    plain, covered = set(), set()
    for entry in allowlist(nb):
        if not isinstance(entry, dict):
            continue
        number = str(entry.get("number"))
        if NUMERAL.fullmatch(number) or not re.search(r"\d", number):
            plain.add(number)
        else:
            covered |= compound_spans(nb, number)
    return plain, covered


def typed_numbers(nb: dict) -> list[tuple[int, Finding]]:
    """The numbers of :func:`all_numbers` that the allowlist does not cover."""
    plain, covered = _allowed(nb)
    return [(i, f) for i, f in all_numbers(nb)
            if f.number not in plain and (i, f.start) not in covered]


KIND_HELP = {
    "prose": "a numeral in the prose",
    "spelled": "a spelled-out result",
    "math-result": "a number typed as the result of arithmetic on numbers in math",
    "math-decimal": "a decimal with 3 or more significant digits in math",
}


REMEDY = ("if a number is computed, glue it: record(cNN_name=value) in a remove-cell cell, "
          "and write {glue:text}`cNN-name:fmt` in the prose; if it is an input, a "
          "definition or chapter structure, add {\"number\": \"...\", \"reason\": "
          "\"...\"} to the notebook's metadata.mfnet.allowed_numbers")


def describe(name: str, index: int, finding: Finding, remedy: bool = True,
             caption: bool = False) -> str:
    """A failure message: notebook, cell, number, sentence (and what to do)."""
    where = f"cell {index}" + (" (its figure caption)" if caption else "")
    message = (f"{name}, {where}: {finding.number!r}, {KIND_HELP[finding.kind]}, in\n"
               f"    \"{finding.sentence}\"")
    return message + ("\n  -> " + REMEDY if remedy else "")


# -- glue -------------------------------------------------------------------------------
GLUE_FUNCTIONS = {"glue", "record"}


def call_name(node: ast.Call) -> str:
    """Dotted name of the called function (``np.testing.assert_allclose``), or ''."""
    parts, func = [], node.func
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    if isinstance(func, ast.Name):
        parts.append(func.id)
        return ".".join(reversed(parts))
    return ""


def glue_calls(cell: dict) -> list[str]:
    """Names of the glue functions (``glue``, ``record``) a code cell calls."""
    tree = parse_cell(cell)
    if tree is None:
        return []
    return [call_name(n) for n in ast.walk(tree) if isinstance(n, ast.Call)
            and call_name(n).split(".")[-1] in GLUE_FUNCTIONS]


def glued(nb: dict) -> list[dict]:
    """Every glued value of the stored outputs: name, text, and the cell's index."""
    values = []
    for i, cell in enumerate(nb.get("cells", [])):
        for out in cell.get("outputs", []):
            meta = out.get("metadata", {}).get("scrapbook")
            if meta:
                data = out.get("data", {})
                text = next((text_of(v) for k, v in data.items() if k.endswith("text/plain")),
                            "")
                values.append({"name": meta.get("name", "?"), "value": text, "cell": i,
                               "timing": "timing" in tags(cell)})
    return values


# -- asserts ----------------------------------------------------------------------------
def assert_counts(cell: dict) -> tuple[int, int]:
    """``(assert statements, assert_* calls such as np.testing.assert_allclose)``."""
    tree = parse_cell(cell)
    if tree is None:
        return 0, 0
    statements = sum(isinstance(n, ast.Assert) for n in ast.walk(tree))
    calls = sum(isinstance(n, ast.Call) and call_name(n).split(".")[-1].startswith("assert_")
                for n in ast.walk(tree))
    return statements, calls


def checks(nb: dict) -> int:
    """All checks of a notebook: assert statements plus ``assert_*`` calls."""
    return sum(sum(assert_counts(c)) for c in nb.get("cells", []) if c.get("cell_type") == "code")


# -- proofs -----------------------------------------------------------------------------
def proofs(nb: dict) -> list[dict]:
    """Cells with ``metadata.mfnet.proof``: claim, generality, scope, cell index."""
    found = []
    for i, cell in enumerate(nb.get("cells", [])):
        proof = cell.get("metadata", {}).get("mfnet", {}).get("proof")
        if proof is not None:
            found.append({"cell": i, "claim": proof.get("claim", ""),
                          "generality": proof.get("generality", ""),
                          "scope": proof.get("scope", ""),
                          "asserts": sum(assert_counts(cell))})
    return found


PROOF_GENERALITY = {"general", "illustration"}


# -- exercise solutions -----------------------------------------------------------------
SOLUTION_START = re.compile(r"\{solution-start\}\s*(?P<label>[\w:.-]+)")
SOLUTION_END = re.compile(r"\{solution-end\}")
EXERCISE = re.compile(r"^\s*(`{3,}|:{3,})\s*\{exercise\}", re.M)


def solutions(nb: dict) -> list[dict]:
    """Gated solutions: label, code cells inside, and whether the code asserts."""
    found, current = [], None
    for i, cell in enumerate(nb.get("cells", [])):
        text = source(cell)
        if cell.get("cell_type") == "markdown":
            # One cell may close a solution and open the next (or open and
            # close one): take the markers in the order they are written.
            markers = sorted([(m.start(), m) for m in SOLUTION_START.finditer(text)]
                             + [(m.start(), None) for m in SOLUTION_END.finditer(text)],
                             key=lambda pair: pair[0])
            for _, start in markers:
                if start is None:
                    current = None
                else:
                    current = {"label": start.group("label"), "cells": [], "asserts": 0,
                               "start": i}
                    found.append(current)
        elif current is not None and cell.get("cell_type") == "code":
            current["cells"].append(i)
            current["asserts"] += sum(assert_counts(cell))
    return found


def exercises(nb: dict) -> int:
    """Number of ``{exercise}`` directives in the markdown."""
    return sum(len(EXERCISE.findall(source(c))) for c in nb.get("cells", [])
               if c.get("cell_type") == "markdown")


# -- nbval ------------------------------------------------------------------------------
IGNORE_TAGS = {"nbval-ignore-output", "pytest-validate-ignore-output"}
SKIP_TAGS = {"nbval-skip"}
COMMENT_MARKERS = re.compile(r"^\s*#\s*(NBVAL_IGNORE_OUTPUT|NBVAL_SKIP|"
                             r"PYTEST_VALIDATE_IGNORE_OUTPUT)\s*$", re.M)
TIMING_TAG = "timing"
# The callables that measure time, by module. A timing cell must call one.
TIMING_CALLABLES = {
    "time": {"perf_counter", "perf_counter_ns", "time", "time_ns", "process_time",
             "process_time_ns", "monotonic", "monotonic_ns", "thread_time"},
    "timeit": {"timeit", "repeat", "default_timer", "Timer"},
    # benchmarks/speed.py: each of these reads a clock (time.perf_counter or
    # time.process_time) around the work it is given.
    "benchmarks.speed": {"time_trainers", "run_benchmark", "epoch_time"},
    # A profiler measures the time spent in each function.
    "cProfile": {"Profile", "run", "runctx"},
    "profile": {"Profile", "run", "runctx"},
}
TIMING_MAGICS = re.compile(r"^\s*%{1,2}(timeit|time)\b", re.M)


def imports(nb: dict) -> dict[str, str]:
    """Local name -> dotted origin of every import in the notebook's code cells."""
    names: dict[str, str] = {}
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        tree = parse_cell(cell)
        if tree is None:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        names[alias.asname] = alias.name
                    else:
                        names[alias.name.split(".")[0]] = alias.name.split(".")[0]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for alias in node.names:
                    names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return names


def clock_calls(cell: dict, names: dict[str, str] | None = None) -> list[str]:
    """The timing callables (of :data:`TIMING_CALLABLES`) a code cell calls."""
    names = names or {}
    found = [f"%{m.group(1)}" for m in TIMING_MAGICS.finditer(source(cell))]
    tree = parse_cell(cell)
    if tree is None:
        return found
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        dotted = call_name(node)
        if not dotted:
            continue
        head, _, rest = dotted.partition(".")
        full = names.get(head, head) + ("." + rest if rest else "")
        module, _, attr = full.rpartition(".")
        if attr in TIMING_CALLABLES.get(module, ()):
            found.append(full)
    return found


def nbval_markers(cell: dict) -> set[str]:
    """The nbval markers of a code cell: tags and ``# NBVAL_...`` comments."""
    marks = {t for t in tags(cell) if t in IGNORE_TAGS | SKIP_TAGS}
    marks |= {m.group(1) for m in COMMENT_MARKERS.finditer(source(cell))}
    return marks


def assigned_names(tree: ast.Module) -> set[str]:
    """Names bound at the top level of a cell (assignments, for-loops, with-as)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
    return names


def reads_measurements(cell: dict, measured: set[str]) -> list[str]:
    """The names bound by earlier timing cells that this cell reads (sorted).

    A cell that only processes what a timing cell measured (a table of the
    times, a cost model fitted to them, the ``record(...)`` that glues them)
    depends on the machine as much as the measurement itself.
    """
    tree = parse_cell(cell)
    if tree is None or not measured:
        return []
    read = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)
            and isinstance(n.ctx, ast.Load)}
    return sorted(read & measured)


def nbval_exemptions(nb: dict) -> list[dict]:
    """Every code cell that nbval does not compare, or that claims to be a timing cell.

    Each entry: cell index, markers, whether tagged ``timing``, the clocks it
    calls (or the timing cells whose measurements it uses), and ``problem``
    (empty when the cell follows the rule: tagged both ``timing`` and
    ``nbval-ignore-output``, and either calling a clock or using a value that
    a timing cell above measured).
    """
    names = imports(nb)
    found = []
    measured: dict[str, int] = {}  # name -> the timing cell that bound it
    for i, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        marks, timing = nbval_markers(cell), TIMING_TAG in tags(cell)
        if not marks and not timing:
            continue
        clocks = clock_calls(cell, names)
        if timing and not clocks:
            used = reads_measurements(cell, set(measured))
            if used:
                cells = sorted({measured[n] for n in used})
                clocks = [f"uses what cell {', '.join(map(str, cells))} measured "
                          f"({', '.join(used[:4])}{', ...' if len(used) > 4 else ''})"]
        if timing and clocks:
            tree = parse_cell(cell)
            for name in assigned_names(tree) if tree else set():
                measured.setdefault(name, i)
        problem = ""
        if marks & (SKIP_TAGS | {"NBVAL_SKIP"}):
            problem = ("skips the cell entirely (nbval-skip): no cell of the book may skip; "
                       "make it run")
        elif marks - {"nbval-ignore-output"}:
            problem = (f"uses {sorted(marks - {'nbval-ignore-output'})}: mark timing cells "
                       "with the tags `timing` and `nbval-ignore-output` only")
        elif not timing:
            problem = ("skips output comparison (nbval-ignore-output) without being a timing "
                       "cell: make its output deterministic (seed, round, print less) and "
                       "remove the tag; only a cell that measures time may carry it, "
                       "together with the tag `timing`")
        elif not marks:
            problem = ("is tagged `timing` but not `nbval-ignore-output`: add it, or remove "
                       "`timing` if the output is deterministic")
        elif not clocks:
            problem = ("is tagged `timing` but neither calls a clock (one of "
                       + ", ".join(f"{m}.{a}" for m, attrs in TIMING_CALLABLES.items()
                                   for a in sorted(attrs))
                       + ") nor uses a value that a timing cell above measured: its "
                       "output does not depend on the machine, so remove both tags and "
                       "let nbval compare it")
        found.append({"cell": i, "markers": sorted(marks), "timing": timing,
                      "clocks": sorted(set(clocks)), "problem": problem,
                      "first_line": next((line for line in source(cell).splitlines()
                                          if line.strip() and not line.startswith("#")), "")})
    return found


# -- one summary per notebook ------------------------------------------------------------
def summary(path: Path) -> dict:
    """Everything the status page reports about one notebook."""
    nb = load(path)
    sols = solutions(nb)
    return {
        "name": Path(path).stem,
        "glued": glued(nb),
        "asserts": sum(assert_counts(c)[0] for c in nb["cells"] if c["cell_type"] == "code"),
        "assert_calls": sum(assert_counts(c)[1] for c in nb["cells"]
                            if c["cell_type"] == "code"),
        "proofs": proofs(nb),
        "solutions": sols,
        "exercises": exercises(nb),
        "exempt": nbval_exemptions(nb),
        "typed": typed_numbers(nb),
        "allowed": allowlist(nb),
    }


# -- the status page's tables -------------------------------------------------------------
def title(nb: dict, fallback: str = "") -> str:
    """The notebook's first ``# `` heading."""
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            m = re.search(r"^#\s+(.+?)\s*$", source(cell), re.M)
            if m:
                return m.group(1)
    return fallback


def _cell(value) -> str:
    """Text safe inside a Markdown table cell."""
    text = " ".join(str(value).split())
    return text.replace("|", "\\|") if text else "–"


def md_table(header: list[str], rows: list[list]) -> str:
    """A GitHub-flavoured Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join("---" for _ in header) + " |"]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def _chapter(path: Path) -> str:
    nb = load(path)
    number = Path(path).stem.split("_", 1)[0]
    return f"{int(number)}. {title(nb, Path(path).stem)}" if number.isdigit() else \
        title(nb, Path(path).stem)


def status_overview(paths: list[Path]) -> str:
    """One row per chapter: what it glues, asserts, proves, and what nbval skips."""
    rows = []
    for path in paths:
        s = summary(path)
        general = sum(p["generality"] == "general" for p in s["proofs"])
        checked = sum(1 for sol in s["solutions"] if sol["asserts"])
        coded = sum(1 for sol in s["solutions"] if sol["cells"])
        nb = load(path)
        found = all_claims(nb)
        tied = sum(t for _, _, t in found)
        claims = f"{tied} / {len(found) - tied - len(untied_claims(nb))} / {len(untied_claims(nb))}"
        rows.append([_number(path), len(s["glued"]), s["asserts"] + s["assert_calls"],
                     f"{general} / {len(s['proofs']) - general}", f"{checked} of {coded}",
                     claims, len(s["exempt"]), len(s["typed"])])
    return md_table(["chapter", "glued", "asserts", "proofs", "solutions", "claims",
                     "exempt", "typed"], rows)


def _value(entry: dict, limit: int = 48) -> str:
    if entry["timing"]:
        return "(a time: differs from run to run)"
    value = entry["value"]
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _number(path: Path) -> str:
    head = Path(path).stem.split("_", 1)[0]
    return str(int(head)) if head.isdigit() else Path(path).stem


def status_glued(paths: list[Path]) -> str:
    """Every glued number: chapter number, name, the value stored in the notebook."""
    rows = [[_number(path), f"`{g['name']}`", _value(g)]
            for path in paths for g in glued(load(path))]
    return md_table(["chapter", "name", "value"], rows)


def status_proofs(paths: list[Path]) -> str:
    """Every cell with ``mfnet.proof`` metadata: the identity, its generality, its scope."""
    # Generality, scope and the asserts share a column: in columns of their
    # own, single words ("general", "asserts") are wider than the narrow
    # columns LaTeX gives them in the PDF.
    rows = [[_chapter(path), p["claim"],
             f'{p["generality"]}: {p["scope"]} ({p["asserts"]} asserts)']
            for path in paths for p in proofs(load(path))]
    return md_table(["chapter", "identity", "proved for"], rows)


def status_solutions(paths: list[Path]) -> str:
    """Every gated exercise solution that runs code, and how many checks it makes."""
    rows = [[_chapter(path), f"`{sol['label']}`", len(sol["cells"]), sol["asserts"],
             "yes" if sol["asserts"] else "no"]
            for path in paths for sol in solutions(load(path)) if sol["cells"]]
    return md_table(["chapter", "exercise", "code cells", "checks", "checks itself"], rows)


def status_exempt(paths: list[Path]) -> str:
    """Every cell nbval does not compare, with the reason (the clock it reads)."""
    rows = []
    for path in paths:
        for e in nbval_exemptions(load(path)):
            calls = [c for c in e["clocks"] if not c.startswith("uses ")]
            reason = "; ".join((["measures time: calls " + ", ".join(calls)] if calls else [])
                               + [c for c in e["clocks"] if c.startswith("uses ")]) \
                or "no clock call, no measured value"
            rows.append([_chapter(path), e["cell"], reason,
                         "follows it" if not e["problem"] else "breaks it"])
    return md_table(["chapter", "cell", "reason", "the timing rule"], rows)


def status_allowlists(paths: list[Path]) -> str:
    """The numbers each chapter may type in its prose, with the reason given."""
    rows = [[_chapter(path), f"`{e.get('number')}`", e.get("reason", "")]
            for path in paths for e in allowlist(load(path))]
    return md_table(["chapter", "number", "reason"], rows)


def pinned_versions(requirements: Path = ROOT / "requirements.txt") -> list[tuple[str, str, str]]:
    """(package, version pinned with == in requirements.txt, version installed)."""
    import importlib.metadata

    rows = []
    for line in requirements.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^\s*([A-Za-z0-9_.-]+)\s*==\s*([^\s;#]+)", line)
        if m:
            try:
                installed = importlib.metadata.version(m.group(1))
            except importlib.metadata.PackageNotFoundError:
                installed = "not installed"
            rows.append((m.group(1), m.group(2), installed))
    return rows


# -- comparative claims -------------------------------------------------------------------
# A sentence that compares or explains ("beats", "causes", "grows like", "three
# times faster") must rest on a controlled, repeated experiment
# (mfnet_book.experiments): its markdown cell pastes a glue value recorded from
# a Spread or a Comparison, or the notebook's metadata.mfnet.allowed_claims
# lists the phrase with a reason.
CLAIM = re.compile(
    r"\b(?:beat(?:s|en)?|outperform(?:s|ed)?|(?:better|worse) than|faster|slower"
    r"|caus(?:e|es|ed)|cur(?:e|es|ed)|dominat(?:e|es|ed)|grows? like|costs? little"
    r"|(?:more|less|fewer) than|ahead of|lags? behind"
    r"|times\s+(?:as|more|less|fewer|larger|smaller|faster|slower|lower|higher|better"
    r"|worse))\b"
    r"|(?<![\d\s])\s?×(?!\s?\d)|(?<=\s)×(?=\s)", re.I)
# The functions whose results count as experiments, and the names they bind.
EXPERIMENT_FUNCTIONS = {"over_seeds", "compare"}


@dataclass
class Claim:
    """One comparative phrase in the prose: where it is and its sentence."""
    phrase: str
    start: int
    sentence: str


def scan_claims(text: str) -> list[Claim]:
    """Every comparative phrase of a markdown cell's prose (math, code, roles masked)."""
    masked = mask(text)
    return [Claim(" ".join(m.group().split()).lower(), m.start(),
                  sentence_at(masked.readable, m.start()))
            for m in CLAIM.finditer(masked.prose)]


def _names_in(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _calls_experiment(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Call) and call_name(n).split(".")[-1] in EXPERIMENT_FUNCTIONS
               for n in ast.walk(node))


def experiment_glue(nb: dict) -> set[str]:
    """Glue names (with hyphens) whose recorded value comes from an experiment.

    A name bound by a call to :data:`EXPERIMENT_FUNCTIONS` (``over_seeds``,
    ``compare``, directly or inside a comprehension or function), or computed
    from such a name, is *experimental*; so is a ``record``/``glue`` keyword
    whose value reads one. Read in cell order, like the kernel runs them.
    """
    tainted: set[str] = set()
    glue_names: set[str] = set()
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        tree = parse_cell(cell)
        if tree is None:
            continue
        for _ in range(3):  # a few passes: names computed from tainted names
            for node in ast.walk(tree):
                targets, value = [], None
                if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    value = node.value
                elif isinstance(node, (ast.FunctionDef, ast.Lambda)) and \
                        _calls_experiment(node):
                    if isinstance(node, ast.FunctionDef):
                        tainted.add(node.name)
                    continue
                if value is None:
                    continue
                if _calls_experiment(value) or _names_in(value) & tainted:
                    for target in targets:
                        tainted |= {n.id for n in ast.walk(target)
                                    if isinstance(n, ast.Name)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and \
                    call_name(node).split(".")[-1] in GLUE_FUNCTIONS:
                for kw in node.keywords:
                    if kw.arg and (_calls_experiment(kw.value)
                                   or _names_in(kw.value) & tainted):
                        glue_names.add(kw.arg.replace("_", "-"))
                if len(node.args) >= 2 and isinstance(node.args[0], ast.Constant) and \
                        (_calls_experiment(node.args[1]) or _names_in(node.args[1]) & tainted):
                    glue_names.add(str(node.args[0].value).replace("_", "-"))
    return glue_names


GLUE_ROLE = re.compile(r"\{glue(?::text)?\}`(?P<name>[\w.-]+?)(?::[^`]*)?`")


def allowed_claims(nb: dict) -> list[dict]:
    """The notebook's ``metadata.mfnet.allowed_claims`` (a list of {phrase, reason})."""
    return list(nb.get("metadata", {}).get("mfnet", {}).get("allowed_claims", []))


def _squash(text: str) -> str:
    return " ".join(text.split()).lower()


def all_claims(nb: dict) -> list[tuple[int, Claim, bool]]:
    """``(cell, claim, tied)``: every comparative phrase, and whether an experiment backs it.

    A claim is tied when its cell pastes a glue value of :func:`experiment_glue`.
    """
    experimental = experiment_glue(nb)
    found = []
    for i, text in prose_texts(nb):
        claims = scan_claims(text)
        if not claims:
            continue
        pasted = {m.group("name") for m in GLUE_ROLE.finditer(text)}
        tied = bool(pasted & experimental)
        found.extend((i, c, tied) for c in claims)
    return found


def untied_claims(nb: dict) -> list[tuple[int, Claim]]:
    """Comparative phrases neither tied to an experiment nor on ``allowed_claims``."""
    allowed = [_squash(str(e.get("phrase", ""))) for e in allowed_claims(nb)
               if isinstance(e, dict)]
    return [(i, c) for i, c, tied in all_claims(nb) if not tied
            and not any(a and a in _squash(c.sentence) and c.phrase in a for a in allowed)]


def claim_allowlist_problems(nb: dict) -> list[str]:
    """Entries of ``allowed_claims`` without a reason, without a comparative word, unused."""
    problems = []
    sentences = [_squash(c.sentence) for _, c, _ in all_claims(nb)]
    for entry in allowed_claims(nb):
        if not isinstance(entry, dict) or "phrase" not in entry:
            problems.append(f"entry {entry!r} is not {{'phrase': ..., 'reason': ...}}")
            continue
        phrase = _squash(str(entry["phrase"]))
        if not str(entry.get("reason", "")).strip():
            problems.append(f"entry {phrase!r} has no reason: say why the sentence needs "
                            "no experiment (a definition, a mathematical fact, a proof)")
        if not CLAIM.search(phrase):
            problems.append(f"entry {phrase!r} holds no comparative word: quote the "
                            "words around it")
        elif not any(phrase in s for s in sentences):
            problems.append(f"entry {phrase!r} does not occur in the prose any more: "
                            "remove it")
    return problems


CLAIM_REMEDY = ("back the sentence with mfnet_book.experiments (compare(...) or "
                "over_seeds(...) over five or more seeds, assert_a_better, then "
                "record(cNN_name=...) from the result and paste {glue:text}`cNN-name` in "
                "the same cell); or, if it needs no experiment (a definition, a proved "
                "identity), add {\"phrase\": \"words around it\", \"reason\": \"...\"} to "
                "the notebook's metadata.mfnet.allowed_claims")


def describe_claim(name: str, index: int, claim: Claim) -> str:
    """A failure message: notebook, cell, phrase, sentence."""
    return f"{name}, cell {index}: {claim.phrase!r} in\n    \"{claim.sentence}\""


# -- the status page: where each glued number is used, the summary, folded tables ------------
HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<title>.+?)\s*$", re.M)


def section_id(title: str) -> str:
    """The HTML id Sphinx gives a section with this (MyST) title.

    Markup is dropped first (roles, inline code and math keep their text),
    then docutils' ``make_id`` applies, as Sphinx does for section titles.
    """
    from docutils.nodes import make_id

    text = re.sub(r"\{[\w:.+-]+\}`([^`]*)`", r"\1", title)
    text = re.sub(r"[`*$]", "", text)
    return make_id(text)


def page_name(path: Path) -> str:
    """The built page of a notebook of ``book/``: ``11_regression_california.html``."""
    return Path(path).stem + ".html"


# Characters whose rendering differs from the source (markup, math, roles,
# quotes and dashes that Sphinx's smartquotes changes): a text fragment stops there.
NOT_PLAIN = re.compile(
    r"""[$`{}*_\[\]()<>|\\"'~^#]|--|\.\.\.|\n\s*\n|\n\s*(?:[-+]|\d+\.)\s""")
FRAGMENT_WORDS = 6      # words of the sentence a link asks the browser to find
FRAGMENT_MIN_WORDS = 3  # fewer are too common to find the right sentence


def plain_words_near(text: str, start: int, end: int) -> str:
    """Up to FRAGMENT_WORDS words of plain prose just before TEXT[start:end] (or,
    when fewer than FRAGMENT_MIN_WORDS are plain there, just after it): words
    the built page shows exactly as written, for a link's text fragment. '' if
    neither side has enough."""
    before = text[max(0, start - 400):start]
    cuts = list(NOT_PLAIN.finditer(before))
    tail = before[cuts[-1].end() if cuts else 0:]
    words = tail.split()
    if cuts and tail[:1].strip() and cuts[-1].start() > 0 \
            and before[cuts[-1].start() - 1].isalnum():
        words = words[1:]   # cut inside a word (the s of error's): not plain
    words = words[-FRAGMENT_WORDS:]
    while words and not any(ch.isalnum() for ch in words[0]):
        words = words[1:]   # a fragment starts at a word, not at a ';'
    if len(words) >= FRAGMENT_MIN_WORDS:
        return " ".join(words)
    after = text[end:end + 400]
    stop = NOT_PLAIN.search(after)
    words = after[:stop.start() if stop else len(after)].split()
    while words and not any(ch.isalnum() for ch in words[0]):
        words = words[1:]
    words = words[:FRAGMENT_WORDS]
    # a sentence's last word keeps its full stop; a fragment may end there
    return " ".join(words) if len(words) >= FRAGMENT_MIN_WORDS else ""


def text_fragment(words: str) -> str:
    """``:~:text=`` directive for WORDS (percent-encoded, with '-', ',' and '&')."""
    from urllib.parse import quote
    return ":~:text=" + quote(words, safe="").replace("-", "%2D") if words else ""


def glue_uses(nb: dict) -> dict[str, list[dict]]:
    """Where the prose pastes each glue name:
    ``{name: [{cell, section, anchor, sentence, words}]}``.

    ``section`` is the title of the heading above the use (in the same cell
    or an earlier one), ``anchor`` its HTML id (:func:`section_id`), and
    ``words`` plain words of the sentence next to the number
    (:func:`plain_words_near`): a link ``page.html#anchor:~:text=words`` (a
    text fragment, which browsers scroll to and highlight) lands on the
    sentence, and on its section where text fragments are not supported.
    """
    uses: dict[str, list[dict]] = {}
    section = ""
    values = {g["name"]: g["value"].strip("'\"") for g in glued(nb)}
    for i, text in prose_texts(nb):
        cell = nb["cells"][i]
        headings = [(m.start(), m.group("title")) for m in HEADING.finditer(text)] \
            if cell.get("cell_type") == "markdown" else []
        for m in GLUE_ROLE.finditer(text):
            above = [title for start, title in headings if start < m.start()]
            here = above[-1] if above else section
            words = plain_words_near(text, m.start(), m.end())
            uses.setdefault(m.group("name"), []).append({
                "cell": i, "section": here, "anchor": section_id(here) if here else "",
                "words": words,
                "sentence": GLUE_ROLE.sub(lambda g: values.get(g.group("name"), "…"),
                                          sentence_at(text, m.start()))})
        if headings:
            section = headings[-1][1]
    return uses


def executed_in_order(nb: dict) -> bool:
    """Do the stored outputs come from one complete run, top to bottom?

    Every code cell carries an execution count, and they increase by one
    from 1, as a fresh kernel running the notebook from the top leaves them.
    """
    counts = [c.get("execution_count") for c in nb.get("cells", [])
              if c.get("cell_type") == "code"]
    return bool(counts) and counts == list(range(1, len(counts) + 1))


def build_stamp(root: Path = ROOT) -> str:
    """``"commit 1a2b3c4, 2026-12-07"``: the checkout's commit and today's date (UTC).

    nbval compares the status page with the line masked (``book/sanitize.cfg``,
    section ``status_build``): a commit and a date carry no result.
    """
    import datetime
    import subprocess

    try:
        commit = subprocess.run(["git", "-C", str(root), "rev-parse", "--short=10", "HEAD"],
                                capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    commit = commit if re.fullmatch(r"[0-9a-f]{7,40}", commit) else "unknown"
    today = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    return f"commit {commit}, {today}"


def status_summary(paths: list[Path], tests: Path = ROOT / "tests") -> list[str]:
    """The status page's first lines: what is checked, where, and how much.

    Each line is Markdown. Every count is read from the notebooks (and the
    test files' names), nothing is typed.
    """
    summaries = [summary(p) for p in paths]
    nbs = [load(p) for p in paths]
    glued_all = [g for s in summaries for g in s["glued"]]
    timings = sum(g["timing"] for g in glued_all)
    checks_all = sum(s["asserts"] + s["assert_calls"] for s in summaries)
    claims = [(c, tied) for nb in nbs for _, c, tied in all_claims(nb)]
    tied = sum(t for _, t in claims)
    allowed = sum(len(allowed_claims(nb)) for nb in nbs)
    untied = sum(len(untied_claims(nb)) for nb in nbs)
    in_order = sum(executed_in_order(nb) for nb in nbs)
    typed = sum(len(s["typed"]) for s in summaries)
    test_files = sorted(p.name for p in Path(tests).glob("test_*.py"))
    return [
        f"**Build.** Made from {build_stamp()} (UTC).",
        f"**Tests.** `python3 dev.py test` runs {len(test_files)} test files under `tests/` "
        f"(the library against finite differences and PyTorch, the book's conventions, the "
        f"built pages) and nbval, which re-runs all {len(paths)} chapters and compares every "
        "stored output with the fresh one. Their result is the CI run's; this page shows what "
        "the notebooks themselves hold.",
        f"**Numbers glued.** {len(glued_all) - timings} numbers in the prose are pasted from "
        f"computations and reproduced exactly by nbval; {timings} more are times, measured "
        f"anew at every run and not checked. Typed numbers outside the allowlists: {typed}.",
        f"**Checks.** {checks_all} `assert` statements and `assert_*` calls in the chapters' "
        "code. Comparative sentences (\"better than\", \"times as long\", \"dominates\"): "
        f"{tied} are tied to an experiment over five or more seeds (`mfnet_book.experiments`), "
        f"{allowed} allowlisted with a reason (definitions, stated expectations), {untied} "
        "not yet tied.",
        f"**Executed.** {in_order} of {len(paths)} chapters hold the outputs of one complete, "
        "in-order run of a fresh kernel.",
    ]


class Folded:
    """A long table folded into an HTML ``<details>`` box; one line of text elsewhere.

    In the HTML pages the box opens on a click. The PDF (LaTeX) uses the
    plain-text form, so the long tables stay out of the printed book.
    """

    def __init__(self, summary: str, header: list[str], rows: list[list[str]]):
        self.summary, self.header, self.rows = summary, header, rows

    def __repr__(self) -> str:
        return f"{self.summary}: {len(self.rows)} rows, in the HTML edition."

    def _repr_html_(self) -> str:
        import html

        head = "".join(f"<th>{html.escape(h)}</th>" for h in self.header)
        body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>\n"
                       for row in self.rows)
        return (f'<details class="mfnet-status"><summary>{html.escape(self.summary)} '
                f"({len(self.rows)} rows)</summary>\n<div style=\"overflow-x: auto\">\n<table>\n<thead><tr>{head}</tr></thead>\n"
                f"<tbody>\n{body}</tbody>\n</table>\n</div>\n</details>")


def _links(path: Path, uses: list[dict]) -> str:
    import html

    links = []
    for use in uses:
        label = html.escape(use["section"] or "top")
        fragment = use["anchor"] + text_fragment(use.get("words", ""))
        anchor = f"#{fragment}" if fragment else ""
        links.append(f'<a href="{page_name(path)}{anchor}" '
                     f'title="{html.escape(use["sentence"])}">{label}</a>')
    return "; ".join(links) or "not pasted in the prose"


def status_glued_folded(paths: list[Path], timing: bool) -> Folded:
    """The glued numbers (``timing=False``) or times (``True``), each linked to its uses."""
    import html

    rows = []
    for path in paths:
        nb = load(path)
        uses = glue_uses(nb)
        for g in glued(nb):
            if g["timing"] != timing:
                continue
            value = "measured at every run" if timing else html.escape(_value(g))
            rows.append([_number(path), f"<code>{html.escape(g['name'])}</code>", value,
                         _links(path, uses.get(g["name"], []))])
    what = "Times: measured anew at every run, not checked" if timing else \
        "Glued numbers, checked by nbval"
    return Folded(what, ["chapter", "name", "value", "used in"], rows)


def folded(markdown_table: str, summary: str) -> Folded:
    """A table made by :func:`md_table`, folded (cells keep their text, escaped)."""
    import html

    lines = markdown_table.splitlines()
    split = lambda line: [c.strip().replace("\\|", "|")  # noqa: E731
                          for c in line.strip().strip("|").split(" | ")]
    header, rows = split(lines[0]), [split(line) for line in lines[2:]]
    code = re.compile(r"`([^`]*)`")
    rows = [[code.sub(r"<code>\1</code>", html.escape(c)) for c in row] for row in rows]
    return Folded(summary, header, rows)
