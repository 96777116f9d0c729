"""The built book, as a reader's browser shows it.

Headless Chromium (Debian's ``chromium``) loads each built chapter page from
``_build/html`` and the test reads the DOM after the page's scripts ran. For
every chapter it checks that

* no cell shows an error: no traceback, no error or stderr output, no docutils
  system message;
* every number pasted into the prose with ``{glue:text}`` is in the page, formatted
  as the role asks, with the value the build's own execution glued;
* every output the reader should see is there: printed matrices and arrays as
  text, LaTeX outputs (sympy matrices) either rendered by MathJax or as their
  TeX source (MathJax comes from a CDN, which CI machines cannot reach), images
  as images;
* MathJax rendered the formulas without a TeX error (when ``MFNET_MATHJAX``
  names a local MathJax 3 bundle, as ``.ci/run`` arranges; without it, pages
  offline show the TeX source, which is then what is checked).

The worked example (chapter 6) must in addition show matrices and glued numbers.

Pages come from ``python3 dev.py book``, which ``.ci/run`` runs before the tests.
Without chromium or without a built page the test is skipped with the reason;
``MFNET_REQUIRE_BROWSER=1`` (set by ``.ci/run`` when chromium is installed) turns
those skips into failures, so that CI cannot pass without looking at the pages.
"""
from __future__ import annotations

import ast
import html.parser
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from _support import toc_files

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
EXECUTED = ROOT / "_build" / "jupyter_execute"
WORKED_EXAMPLE = "book/06_worked_example"
REQUIRED = os.environ.get("MFNET_REQUIRE_BROWSER", "") not in ("", "0")

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--disable-extensions", "--mute-audio",
    "--virtual-time-budget=10000",
]

# The order in which myst-nb picks the MIME type it renders for HTML.
RENDER_PRIORITY = [
    "application/vnd.jupyter.widget-view+json", "application/javascript", "text/html",
    "image/svg+xml", "image/png", "image/jpeg", "text/markdown", "text/latex", "text/plain",
]
HIDDEN_TAGS = {"remove-cell", "remove-output", "remove_cell", "remove_output"}
GLUE_ROLE = re.compile(r"\{glue(?::(?P<kind>[a-z]*))?\}`(?P<body>[^`]+)`")


def skip_or_fail(reason: str) -> None:
    if REQUIRED:
        pytest.fail(f"{reason} (MFNET_REQUIRE_BROWSER is set, so this cannot be skipped)")
    print(f"SKIPPED browser test: {reason}")
    pytest.skip(reason)


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


def toc_notebooks() -> list[str]:
    """Documents of _toc.yml that are notebooks, in order (paths without suffix)."""
    # Markdown pages are not checked; a missing notebook is reported by the test.
    docs = [f.removesuffix(".ipynb").removesuffix(".md") for f in toc_files()]
    return [d for d in docs if not (ROOT / f"{d}.md").exists()]


class _Dom(html.parser.HTMLParser):
    """Collects the visible text of a page, its classes and its images."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.classes: list[str] = []
        self.images: list[str] = []
        self.mathjax = 0
        self.math_errors: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style", "template"):
            self._skip += 1
        if attrs.get("class"):
            self.classes.append(attrs["class"])
        if tag == "img":
            self.images.append(attrs.get("src") or "")
        if tag == "mjx-container":
            self.mathjax += 1
        if tag == "mjx-merror" or "data-mjx-error" in attrs:
            self.math_errors.append(attrs.get("data-mjx-error") or tag)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


def squash(text: str) -> str:
    """Whitespace-normalised text, for comparing outputs with page text."""
    return " ".join(text.split())


def mathjax() -> Path | None:
    """A local MathJax 3 bundle (MFNET_MATHJAX), used instead of the CDN's."""
    path = os.environ.get("MFNET_MATHJAX", "")
    return Path(path) if path and Path(path).is_file() else None


def dump_dom(page: Path) -> str:
    """The DOM of the page after its scripts ran, as Chromium shows it.

    The pages load MathJax from a CDN, which machines without internet cannot
    reach; with MFNET_MATHJAX set, a copy of the page that loads the local
    bundle instead is shown (next to the original, so relative links work).
    """
    browser = chromium()
    shown = page
    local = mathjax()
    if local is not None:
        html_text = page.read_text(encoding="utf-8")
        html_text, n = re.subn(r'src="[^"]*mathjax[^"]*\.js"', f'src="{local.as_uri()}"', html_text)
        if n:
            shown = page.with_name(f".mathjax-{page.name}")
            shown.write_text(html_text, encoding="utf-8")
    try:
        with tempfile.TemporaryDirectory(prefix="mfnet-chromium-") as profile:
            proc = subprocess.run(
                [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom",
                 shown.as_uri()],
                capture_output=True, text=True, timeout=180)
    finally:
        if shown != page:
            shown.unlink(missing_ok=True)
    assert proc.returncode == 0, f"chromium failed on {page}:\n{proc.stderr[-3000:]}"
    assert "<html" in proc.stdout.lower(), f"chromium printed no DOM for {page}"
    return proc.stdout


def format_glued(plain: str, fmt: str) -> str:
    """The text the {glue:text} role shows (independent re-implementation)."""
    try:
        value = ast.literal_eval(plain)
    except (SyntaxError, ValueError):
        value = plain
    if fmt == "":
        return str(value)
    kind = fmt[-1]
    if kind == "s":
        value = str(value)
    elif kind in "bcdoxX":
        value = int(value)
    elif kind in "eEfFgGn%":
        value = float(value)
    return format(value, fmt)


def math_blocks(nb: dict) -> int:
    """Rough count of formulas in the markdown cells ($...$ and $$...$$)."""
    return sum("".join(c["source"]).count("$") // 2 for c in nb["cells"]
               if c["cell_type"] == "markdown")


def deliberate_errors(nb: dict) -> int:
    """Number of error outputs of cells tagged raises-exception."""
    return sum(1 for cell in nb["cells"] if cell["cell_type"] == "code"
               and "raises-exception" in cell.get("metadata", {}).get("tags", [])
               for out in cell.get("outputs", []) if out["output_type"] == "error")


def glued_values(nb: dict) -> dict[str, dict]:
    values = {}
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            meta = out.get("metadata", {}).get("scrapbook")
            if meta:
                values[meta["name"]] = out.get("data", {})
    return values


def visible_outputs(nb: dict):
    """(mime, content) of every output the rendered page shows."""
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & HIDDEN_TAGS:
            continue
        for out in cell.get("outputs", []):
            kind = out["output_type"]
            if kind == "stream":
                if out.get("name") == "stdout" and "remove-stdout" not in tags:
                    yield "stream", "".join(out["text"]) if isinstance(out["text"], list) else out["text"]
            elif kind in ("execute_result", "display_data"):
                if "scrapbook" in out.get("metadata", {}):
                    continue  # glued values are shown where they are pasted
                data = out.get("data", {})
                for mime in RENDER_PRIORITY:
                    if mime in data:
                        value = data[mime]
                        yield mime, "".join(value) if isinstance(value, list) else value
                        break


def page_and_notebook(doc: str) -> tuple[Path, dict, dict]:
    page = HTML / f"{doc}.html"
    source = ROOT / f"{doc}.ipynb"
    if chromium() is None:
        skip_or_fail("chromium is not installed (Debian: apt-get install chromium)")
    if not source.exists():
        skip_or_fail(f"{source.relative_to(ROOT)} does not exist yet")
    if not page.exists():
        skip_or_fail(f"{page.relative_to(ROOT)} is not built: run `python3 dev.py book` first")
    if page.stat().st_mtime < source.stat().st_mtime:
        skip_or_fail(f"{page.relative_to(ROOT)} is older than its notebook: "
                     "run `python3 dev.py book` again")
    # The notebook as the build executed it (its outputs are what the page
    # shows); myst-nb removes the glue outputs from it, so the glued values come
    # from the stored notebook, which nbval keeps identical to a fresh run.
    stored = json.loads(source.read_text(encoding="utf-8"))
    executed = EXECUTED / f"{doc}.ipynb"
    nb = json.loads(executed.read_text(encoding="utf-8")) if executed.exists() else stored
    return page, nb, {**glued_values(stored), **glued_values(nb)}


@pytest.mark.parametrize("doc", toc_notebooks())
def test_page_shows_outputs_and_no_errors(doc):
    page, nb, glued = page_and_notebook(doc)
    raw = dump_dom(page)
    dom = _Dom()
    dom.feed(raw)
    text = squash(" ".join(dom.text))

    # 1. No cell shows an error, except the tracebacks of cells tagged
    #    `raises-exception` (a deliberate demonstration of an error).
    shown_errors = [c for c in dom.classes if re.search(r"\btraceback\b", c)
                    or re.search(r"\boutput\b.*\berror\b", c)]
    expected = deliberate_errors(nb)
    assert len(shown_errors) <= expected, (
        f"{doc}: {len(shown_errors)} error outputs in the page, {expected} deliberate")
    problems = [c for c in dom.classes if re.search(r"\b(stderr|system-message)\b", c)]
    assert not problems, f"{doc}: stderr output or build error in the page: {problems[:5]}"
    for needle in ("Error in glue", "CellExecutionError"):
        assert needle not in text, f"{doc}: the page shows {needle!r}"
    if not expected:
        assert "Traceback (most recent call last)" not in text, f"{doc}: the page shows a traceback"

    # 2. Every {glue:text} number is in the page, as formatted by the role.
    sources = "".join("".join(c["source"]) if isinstance(c["source"], list) else c["source"]
                      for c in nb["cells"] if c["cell_type"] == "markdown")
    roles = 0
    for match in GLUE_ROLE.finditer(sources):
        kind, body = match.group("kind") or "any", match.group("body")
        if "::" in body or kind not in ("text", "", "any"):
            continue
        if kind == "text":
            key, sep, fmt = body.rpartition(":")
            if not sep:
                key, fmt = body, "s"
        else:
            key, fmt = body, None
        roles += kind == "text"
        if key not in glued:
            # Not in the stored outputs (a cell tagged nbval-ignore-output whose
            # outputs were cleared, e.g. sizes that depend on the local data):
            # the build glued it, or it would have failed; count it below.
            continue
        plain = glued[key].get("text/plain")
        if plain is None:
            continue
        expected = format_glued(plain, fmt) if fmt is not None else plain
        assert squash(expected) in text, f"{doc}: glued {key!r} = {expected!r} not in the page"

    pasted = sum(1 for c in dom.classes if "pasted-text" in c.split())
    assert pasted >= roles, f"{doc}: {roles} {{glue:text}} roles, {pasted} pasted values in the page"

    # 3. Every visible output is in the page.
    latex = images = 0
    for mime, content in visible_outputs(nb):
        if mime in ("stream", "text/plain"):
            assert squash(content) in text, (
                f"{doc}: output not found in the page:\n{content[:500]}")
        elif mime == "text/latex":
            latex += 1
            tex = squash(content.strip().strip("$"))
            assert dom.mathjax or tex in text, f"{doc}: LaTeX output missing:\n{tex[:300]}"
        elif mime.startswith("image/"):
            images += 1
    if latex and (dom.mathjax or mathjax() is not None):
        assert dom.mathjax >= latex, f"{doc}: {latex} LaTeX outputs, {dom.mathjax} rendered"
    # 4. MathJax (when it could load) rendered every formula without a TeX error.
    assert not dom.math_errors, f"{doc}: MathJax errors: {dom.math_errors[:5]}"
    if mathjax() is not None:
        if math_blocks(nb):
            assert dom.mathjax, f"{doc}: the page has formulas but MathJax rendered none"
        # A math element still holding only text was not typeset (e.g. unbalanced braces).
        raw_math = re.findall(r'<(?:span|div) class="math[^"]*">([^<]+)</(?:span|div)>', raw)
        assert not raw_math, f"{doc}: formulas MathJax could not typeset: {raw_math[:5]}"
        # Undefined macros are typeset as red text (MathJax's noundefined extension).
        undefined = re.findall(r'data-mml-node="mtext"[^>]*fill="red"|fill="red"[^>]*'
                               r'data-mml-node="mtext"', raw)
        assert not undefined, f"{doc}: {len(undefined)} undefined TeX macro(s) in the page"
    shown = [src for src in dom.images if "_images/" in src or src.startswith("data:image")]
    assert len(shown) >= images, f"{doc}: {images} image outputs, {len(shown)} images shown"


def test_worked_example_shows_matrices_and_glued_numbers():
    page, nb, _ = page_and_notebook(WORKED_EXAMPLE)
    dom = _Dom()
    dom.feed(dump_dom(page))
    text = squash(" ".join(dom.text))

    matrices = [content for mime, content in visible_outputs(nb)
                if (mime == "text/latex" and "matrix" in content)
                or (mime in ("text/plain", "stream") and "[[" in content)]
    assert matrices, "the worked example shows no matrix output"
    for content in matrices:
        if "[[" in content:
            assert squash(content) in text
        else:
            assert dom.mathjax or squash(content.strip().strip("$")) in text

    sources = "".join("".join(c["source"]) if isinstance(c["source"], list) else c["source"]
                      for c in nb["cells"] if c["cell_type"] == "markdown")
    assert GLUE_ROLE.search(sources), "the worked example pastes no glued number into its prose"
    assert "pasted-text" in " ".join(dom.classes), "no glued number was rendered in the page"
