"""The built book, as a reader's browser shows it.

Headless Chromium (Debian's ``chromium``), driven through ``tests/_chromium.py``
(the DevTools protocol over a pipe, one browser for the whole module), loads
every page of ``_build/html`` that ``_toc.yml`` lists, chapters and back
matter, at a 1280 px and at a true 390 px viewport (device emulation; Chromium's
``--window-size`` cannot go below 500 px). Collapsed parts (hidden inputs,
solutions) are opened before measuring.

Layout, on every page:

* at 1280 px nothing overflows: no display formula (``div.math``, MathJax's
  display containers), no ``pre`` block (code, text output, listing) and no
  table is wider than its box (``scrollWidth`` vs ``clientWidth``) or reaches
  past the right edge of the article column;
* at 390 px nothing is cut: an element wider than its box must be a scroll
  box of its own (``overflow-x: auto|scroll`` on the element), and a display
  equation that scrolls keeps its number (``span.eqno``) inside the visible
  part of the page; the page itself never scrolls sideways;
* at both widths no inline formula (which can neither wrap nor scroll)
  reaches past the column, outside a table or display that scrolls;
* every image in the article is a figure: inside a ``figure`` with a
  ``figcaption``, with an alt text that is not a file name; every chapter has
  at least one figure, chapters 2 to 6 at least two, and the landing page one.

Content, for every chapter notebook:

* no cell shows an error: no traceback, no error or stderr output, no docutils
  system message;
* every number pasted into the prose with ``{glue:text}`` is in the page, formatted
  as the role asks, with the value the build's own execution glued;
* every output the reader should see is there: printed matrices and arrays as
  text, LaTeX outputs (sympy matrices) either rendered by MathJax or as their
  TeX source, images as images;
* MathJax rendered the formulas without a TeX error or an undefined macro.
  The pages load MathJax (``tex-mml-chtml.js``) from a CDN, which CI machines
  cannot reach: with a local MathJax 3 (``MFNET_MATHJAX``, or the copy
  ``.ci/run`` unpacks), the test loads the same bundle the page names from
  it (see ``_chromium.matching_bundle``), so that it measures the layout the
  readers get; without one, pages show the TeX source, which is then what is
  checked, and the layout checks of formulas are skipped with the reason.

The worked example (chapter 6) must in addition show matrices and glued numbers.

Pages come from ``python3 dev.py book``, which ``.ci/run`` runs before the tests;
``MFNET_HTML`` names another built site (e.g. ``python3 dev.py preview
/tmp/p`` and ``MFNET_HTML=/tmp/p/_build/html``). Without chromium or without a
built page the test is skipped with the reason; ``MFNET_REQUIRE_BROWSER=1``
(set by ``.ci/run`` when chromium is installed) turns those skips into
failures, so that CI cannot pass without looking at the pages.
"""
from __future__ import annotations

import html.parser
import json
import os
import re
from pathlib import Path

import pytest
import _chromium
from _support import MAX_LINE, format_glued, toc_files

ROOT = Path(__file__).resolve().parents[1]
HTML = Path(os.environ.get("MFNET_HTML") or ROOT / "_build" / "html").resolve()
EXECUTED = HTML.parent / "jupyter_execute"
WORKED_EXAMPLE = "book/06_worked_example"
REQUIRED = os.environ.get("MFNET_REQUIRE_BROWSER", "") not in ("", "0")
WIDTHS = (1280, 390)
# Chapters and how many figures each must have at least.
MIN_FIGURES = {n: (2 if 2 <= n <= 6 else 1) for n in range(1, 13)}
FILE_NAME = re.compile(r"^\s*[\w./%-]+\.(?:png|jpe?g|svg|gif|webp|pdf)\s*$", re.I)

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
    return _chromium.chromium()


def toc_pages() -> list[str]:
    """Every document of _toc.yml (chapters and back matter), without suffix."""
    return [f.removesuffix(".ipynb").removesuffix(".md") for f in toc_files()]


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
    """The local MathJax 3 bundle the pages are shown with (None: pages show TeX)."""
    return _chromium.local_mathjax()


MEASURE = r"""
(async () => {
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  document.querySelectorAll('.toggle-hidden').forEach(e => e.classList.remove('toggle-hidden'));
  // Lazy images load now, so that their natural sizes can be measured.
  await Promise.all([...document.images].map(img => {
    img.loading = 'eager';
    return img.complete ? null : new Promise(r => {
      img.addEventListener('load', r); img.addEventListener('error', r);
      setTimeout(r, 10000); });
  }));
  await new Promise(r => requestAnimationFrame(() => setTimeout(r, 50)));
  const art = document.querySelector('article.bd-article') || document.querySelector('main')
              || document.body;
  const box = art.getBoundingClientRect();
  const colRight = box.right - parseFloat(getComputedStyle(art).paddingRight || 0);
  const vw = document.documentElement.clientWidth;
  const headings = [...art.querySelectorAll('h1, h2, h3')];
  const label = el => {
    const math = el.closest('div.math');
    const eq = math && math.querySelector('span.eqno');
    const number = eq ? eq.textContent.replace('#', '').trim() + ' ' : '';
    let text = (el.textContent || '').trim().replace(/\s+/g, ' ');
    if (el.tagName === 'PRE') {  // the longest line is the one that does not fit
      const lines = (el.textContent || '').split('\n');
      const longest = lines.reduce((a, b) => (b.length > a.length ? b : a), '');
      text = `longest line (${longest.length} characters): ${longest.trim()}`;
    }
    let heading = null;
    for (const h of headings) {
      if (h.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING) heading = h;
    }
    return {what: number + text.slice(0, 130),
            section: heading ? heading.textContent.replace('#', '').trim() : ''};
  };
  const items = [];
  const inline = 'mjx-container:not([display="true"])';
  for (const el of art.querySelectorAll(`div.math, mjx-container[display="true"], pre, table, ${inline}`)) {
    if (!el.getClientRects().length) continue;
    // Inline formulas cannot wrap or scroll: one that reaches past the column
    // is cut (inside a table or a display it is measured with its box).
    if (el.matches(inline) && el.closest('table, div.math, pre')) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0) continue;
    // (an inline formula's own scroll width means nothing: only its right edge)
    const over = el.matches(inline) ? 0 : el.scrollWidth - el.clientWidth;
    const past = r.right - colRight;
    if (over <= 1 && past <= 1) continue;
    const cs = getComputedStyle(el);
    const math = el.closest('div.math');
    const eqno = math ? math.querySelector('span.eqno') : null;
    let eqno_visible = null;
    if (eqno) {
      const e = eqno.getBoundingClientRect();
      eqno_visible = e.width > 0 && e.left >= -1 && e.right <= Math.min(vw, colRight) + 1;
    }
    items.push(Object.assign(label(el), {
      tag: el.tagName.toLowerCase(), over: Math.round(over), past: Math.round(past),
      scrolls: /auto|scroll/.test(cs.overflowX), eqno_visible,
      cue: /gradient/.test(cs.backgroundImage),
      output: !!el.closest('div.cell_output'), solution: !!el.closest('div.solution')}));
  }
  // Characters that fit the narrowest code/output box (no wrapping at this width).
  let capacity = null, narrowest = '';
  for (const pre of art.querySelectorAll('div.highlight pre, div.cell_output pre')) {
    if (!pre.getClientRects().length || getComputedStyle(pre).whiteSpace !== 'pre') continue;
    const cs = getComputedStyle(pre);
    const probe = document.createElement('span');
    probe.style.whiteSpace = 'pre';
    probe.textContent = '0'.repeat(100);
    pre.appendChild(probe);
    const char = probe.getBoundingClientRect().width / 100;
    probe.remove();
    const inner = pre.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
    const fits = Math.floor(inner / char + 1e-6);
    if (capacity === null || fits < capacity) {
      capacity = fits;
      const box = pre.closest('.admonition, .solution, .exercise, blockquote, li');
      const where = box ? `inside ${box.tagName.toLowerCase()}.${[...box.classList].join('.')}`
                        : 'in the column';
      narrowest = `${pre.clientWidth} px box ${where}, ${cs.fontSize} font, ` +
                  `${char.toFixed(2)} px/char: ` +
                  JSON.stringify((pre.textContent || '').trim().slice(0, 50));
    }
  }
  // Code and output blocks that wrap their lines (white-space other than pre).
  const wrapping = [...art.querySelectorAll('div.highlight pre, div.cell_output pre, div.output pre')]
    .filter(pre => pre.getClientRects().length && getComputedStyle(pre).whiteSpace !== 'pre')
    .map(pre => Object.assign(label(pre), {white_space: getComputedStyle(pre).whiteSpace}));
  // Icons: FontAwesome's script is gone, so each icon must be drawn by a CSS rule.
  const icons = [...document.querySelectorAll('i[class*="fa-"], span[class*="fa-"]')]
    .filter(i => getComputedStyle(i).display !== 'none' && !i.closest('[hidden]'))
    .filter(i => !/url\(/.test(getComputedStyle(i).maskImage || getComputedStyle(i).webkitMaskImage || ''))
    .map(i => i.className);
  const images = [...art.querySelectorAll('img')].map(img => {
    const figure = img.closest('figure');
    const caption = figure ? figure.querySelector('figcaption') : null;
    const r = img.getBoundingClientRect();
    const link = img.closest('a[href]');
    const file = (img.getAttribute('src') || '').split('/').pop();
    return {natural: [img.naturalWidth, img.naturalHeight], shown: [r.width, r.height],
            css_width: parseFloat(img.getAttribute('width')) || img.naturalWidth,
            full_size: !!link && link.getAttribute('href').split('/').pop() === file,
            column: art.clientWidth - parseFloat(getComputedStyle(art).paddingLeft || 0)
                    - parseFloat(getComputedStyle(art).paddingRight || 0),
            pans: !!link && /auto|scroll/.test(getComputedStyle(link).overflowX)
                  && link.scrollWidth > link.clientWidth,
            src: img.getAttribute('src') || '', alt: img.getAttribute('alt') || '',
            caption: caption ? caption.textContent.trim().replace(/\s+/g, ' ') : '',
            number: caption && caption.querySelector('.caption-number')
                    ? caption.querySelector('.caption-number').textContent.trim() : ''};
  });
  return {viewport: vw, page_width: document.documentElement.scrollWidth, capacity, narrowest,
          mathjax: document.querySelectorAll('mjx-container').length, items, images,
          wrapping, icons};
})()
"""


class Pages:
    """Each built page loaded once per width in one Chromium; DOM and measurements kept."""

    def __init__(self) -> None:
        self._browser: _chromium.Browser | None = None
        self._cache: dict[tuple[str, int], dict] = {}

    def get(self, doc: str, width: int) -> dict:
        key = (doc, width)
        if key not in self._cache:
            if self._browser is None:
                self._browser = _chromium.Browser()
            page = self._browser.open(HTML / f"{doc}.html", width=width)
            try:
                dom = page.evaluate("document.documentElement.outerHTML") if width == 1280 \
                    else ""
                self._cache[key] = {"dom": dom, **page.evaluate(MEASURE)}
            finally:
                page.close()
        return self._cache[key]

    def close(self) -> None:
        if self._browser is not None:
            self._browser.close()


@pytest.fixture(scope="module")
def pages():
    loader = Pages()
    yield loader
    loader.close()


def dump_dom(page: Path, pages: Pages) -> str:
    """The DOM of a built page after its scripts ran (MathJax included), at 1280 px."""
    doc = page.relative_to(HTML).with_suffix("").as_posix()
    dom = pages.get(doc, 1280)["dom"]
    assert "<html" in dom.lower(), f"chromium gave no DOM for {page}"
    return dom


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
        skip_or_fail(f"{page} is not built: run `python3 dev.py book` first")
    if page.stat().st_mtime < source.stat().st_mtime:
        skip_or_fail(f"{page} is older than its notebook: run `python3 dev.py book` again")
    # The notebook as the build executed it (its outputs are what the page
    # shows); myst-nb removes the glue outputs from it, so the glued values come
    # from the stored notebook, which nbval keeps identical to a fresh run.
    stored = json.loads(source.read_text(encoding="utf-8"))
    executed = EXECUTED / f"{doc}.ipynb"
    nb = json.loads(executed.read_text(encoding="utf-8")) if executed.exists() else stored
    return page, nb, {**glued_values(stored), **glued_values(nb)}


@pytest.mark.parametrize("doc", toc_notebooks())
def test_page_shows_outputs_and_no_errors(doc, pages):
    page, nb, glued = page_and_notebook(doc)
    raw = dump_dom(page, pages)
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
        # (SVG output: a red-filled mtext; CHTML, the site's: an mjx-mtext in red.)
        undefined = re.findall(r'data-mml-node="mtext"[^>]*fill="red"|fill="red"[^>]*'
                               r'data-mml-node="mtext"|<mjx-mtext[^>]*style="[^"]*color:\s*red',
                               raw)
        assert not undefined, f"{doc}: {len(undefined)} undefined TeX macro(s) in the page"
    shown = [src for src in dom.images if "_images/" in src or src.startswith("data:image")]
    assert len(shown) >= images, f"{doc}: {images} image outputs, {len(shown)} images shown"


def test_worked_example_shows_matrices_and_glued_numbers(pages):
    page, nb, _ = page_and_notebook(WORKED_EXAMPLE)
    dom = _Dom()
    dom.feed(dump_dom(page, pages))
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


# -- layout: every page at 1280 px and at 390 px ------------------------------------------
def built_page(doc: str) -> Path:
    page = HTML / f"{doc}.html"
    if chromium() is None:
        skip_or_fail("chromium is not installed (Debian: apt-get install chromium)")
    if not page.exists():
        skip_or_fail(f"{page} is not built: run `python3 dev.py book` first")
    return page


def chapter_number(doc: str) -> int | None:
    m = re.match(r"book/(\d\d)_", doc)
    return int(m.group(1)) if m else None


REMEDY = {
    "pre": f"wrap the code or print less, at most {MAX_LINE} characters a line",
    "table": "fewer or narrower columns, shorter cells",
    "div": "split the display into lines (aligned, multline) or show fewer columns",
    "mjx-container": "split the display into lines (aligned, multline) or show fewer "
                     "columns; an inline formula that long becomes a display",
}


def overflow_problems(items: list[dict], width: int, with_mathjax: bool) -> list[str]:
    """What the page's measured elements do wrong at this width (see the module doc)."""
    problems = []
    for item in items:
        if item["tag"] in ("div", "mjx-container") and not with_mathjax:
            continue  # formulas as TeX source: their width says nothing
        where = (f"{item['tag']}{' (output)' if item['output'] else ''} in "
                 f"\"{item['section']}\": {item['what']!r}")
        if item["past"] > 1:
            problems.append(f"{where} reaches {item['past']} px past the article column")
        elif width >= 1280:
            problems.append(f"{where} is {item['over']} px wider than its box "
                            f"({'scrolls' if item['scrolls'] else 'cut'}); at 1280 px "
                            f"everything must fit: {REMEDY.get(item['tag'], REMEDY['div'])}"
                            + (" (inside a solution the box is narrower: see "
                               "test_code_boxes_hold_the_line_length...)"
                               if item.get("solution") and item["tag"] == "pre" else ""))
        elif not item["scrolls"]:
            problems.append(f"{where} is cut: {item['over']} px wider than its box, which "
                            "does not scroll")
        elif item["eqno_visible"] is False:
            problems.append(f"{where} scrolls, but its equation number is out of view")
        elif not item.get("cue", True):
            problems.append(f"{where} scrolls without showing it: no edge shadow "
                            "(the background gradients of _static/mfnet.css)")
    return problems


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("doc", toc_pages())
def test_nothing_overflows_the_column(doc, width, pages):
    built_page(doc)
    measured = pages.get(doc, width)
    with_mathjax = mathjax() is not None
    if not with_mathjax:
        print(f"no local MathJax: formulas of {doc} are not measured (set MFNET_MATHJAX)")
    problems = overflow_problems(measured["items"], width, with_mathjax)
    if width < 600 and measured["page_width"] > measured["viewport"] + 1:
        problems.append(f"the whole page scrolls sideways: {measured['page_width']} px wide "
                        f"in a {measured['viewport']} px viewport")
    assert not problems, (f"{doc} at {width} px: {len(problems)} element(s) do not fit:\n"
                          + "\n".join(problems[:40]))


@pytest.mark.parametrize("doc", toc_pages())
def test_code_boxes_hold_the_line_length_the_repository_test_allows(doc, pages):
    """At 1280 px the narrowest code or output box holds MAX_LINE (79) characters."""
    built_page(doc)
    measured = pages.get(doc, 1280)
    if measured["capacity"] is None:
        pytest.skip(f"{doc} has no code or output box")
    assert measured["capacity"] >= MAX_LINE, (
        f"{doc}: the narrowest code box holds {measured['capacity']} characters "
        f"({measured['narrowest']}), fewer than the {MAX_LINE} that tests/test_repository.py "
        "allows: _static/mfnet.css and the limit disagree")


def image_problems(images: list[dict]) -> list[str]:
    problems = []
    for image in images:
        name = image["src"].rsplit("/", 1)[-1][:24]
        if not image["caption"]:
            problems.append(f"image {name}... has no caption (it must be a figure with a "
                            "caption: myst-nb metadata mystnb.figure.caption and .name)")
        alt = image["alt"].strip()
        if not alt or FILE_NAME.match(alt) or alt == image["src"]:
            problems.append(f"image {name}... has alt text {alt[:40]!r}, not a description "
                            "(metadata mystnb.image.alt)")
    return problems


@pytest.mark.parametrize("doc", toc_pages())
def test_every_image_is_a_figure_with_caption_and_alt_text(doc, pages):
    built_page(doc)
    images = pages.get(doc, 1280)["images"]
    problems = image_problems(images)
    number = chapter_number(doc)
    if doc == "book/index" and not any(image["caption"] for image in images):
        problems.append("the landing page has no picture with a caption (issue 9: one line "
                        "per chapter and a picture)")
    if number in MIN_FIGURES:
        figures = sum(1 for image in images if image["caption"])
        if figures < MIN_FIGURES[number]:
            problems.append(f"chapter {number} has {figures} figure(s) with a caption; it "
                            f"needs at least {MIN_FIGURES[number]}")
    assert not problems, f"{doc}:\n" + "\n".join(problems)


ASPECT_TOLERANCE = 0.03   # rendered aspect ratio vs the image's own (issue 19)
# On a phone a figure's smallest label must stay readable: at least 9.5 px.
# Figures are drawn at 100 px per inch and their smallest text is one point
# below mfnet_book.networks.FONT, so a figure may be shrunk to no less than
# MIN_SCALE of its width at 1280 px (a wider one scrolls in its box). Each
# figure also links to its full size.
MIN_LABEL_PX = 9.5


def _min_scale() -> float:
    from mfnet_book.networks import FONT
    return MIN_LABEL_PX / ((FONT - 1) * 100 / 72)


MIN_SCALE = _min_scale()


def phone_image_problems(images: list[dict]) -> list[str]:
    """Figures drawn out of proportion, or shrunk too far without a full-size link."""
    problems = []
    for image in images:
        name = image["src"].rsplit("/", 1)[-1][:24]
        (nw, nh), (w, h) = image["natural"], image["shown"]
        if not (nw and nh):
            problems.append(f"image {name}... did not load")
            continue
        if not (w and h):
            continue  # not displayed (e.g. inside a closed part)
        own, shown = nw / nh, w / h
        if abs(shown / own - 1) > ASPECT_TOLERANCE:
            problems.append(
                f"image {name}... is drawn at {w:.0f}x{h:.0f} px, aspect {shown:.3f}; its own "
                f"is {own:.3f} ({nw}x{nh}): {100 * abs(shown / own - 1):.0f} % out of "
                "proportion (an inline height? see mfnet_book/webpage.py)")
        scale = w / image["css_width"] if image["css_width"] else 1
        if scale < MIN_SCALE:
            problems.append(
                f"image {name}... is shown at {100 * scale:.0f} % of its width ({w:.0f} of "
                f"{image['css_width']:.0f} px): its labels are too small to read "
                f"(at least {100 * MIN_SCALE:.0f} %, in a box that scrolls)")
        if scale < 1 - 0.005 and w > image["column"] + 1 and not image["pans"]:
            problems.append(
                f"image {name}... is {w:.0f} px wide in a {image['column']:.0f} px column "
                "and its box does not scroll sideways")
        if not image["full_size"]:
            problems.append(f"image {name}... does not link to its full size")
    return problems


@pytest.mark.parametrize("doc", toc_pages())
def test_phone_figures_keep_their_proportions_and_open_full_size(doc, pages):
    """At 390 px every figure keeps its aspect (within 3 %), is shown at 70 % of
    its width or more (a wider one scrolls in its box) and links to its full size."""
    built_page(doc)
    images = pages.get(doc, 390)["images"]
    problems = phone_image_problems(images)
    assert not problems, f"{doc} at 390 px:\n" + "\n".join(problems)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("doc", toc_pages())
def test_code_and_outputs_never_wrap_and_icons_are_drawn(doc, width, pages):
    """Code and printed outputs keep their lines (white-space: pre, they scroll
    instead); every icon of the page is drawn by _static/mfnet-icons.css."""
    built_page(doc)
    measured = pages.get(doc, width)
    problems = [f"{item['section']}: {item['what']!r} wraps (white-space: "
                f"{item['white_space']})" for item in measured["wrapping"]]
    problems += [f"icon {icon!r} has no rule in _static/mfnet-icons.css"
                 for icon in sorted(set(measured["icons"]))]
    assert not problems, f"{doc} at {width} px:\n" + "\n".join(problems[:40])


def test_screenshot_tiles_are_the_page_as_laid_out():
    """dev.py shot: tile 0 is exactly what the viewport shows; the tiles cover the page."""
    page = built_page("book/index")
    import base64
    import io
    import tempfile
    import matplotlib.image
    with _chromium.Browser() as browser, tempfile.TemporaryDirectory() as tmp:
        tab = browser.open(page, width=1280, height=700)
        tiles = tab.screenshot_tiles(Path(tmp) / "t")   # ends scrolled back to the top
        height = tab.evaluate("document.documentElement.scrollHeight")
        direct = base64.b64decode(tab.send("Page.captureScreenshot", {"format": "png"})["data"])
        sizes = [int.from_bytes(t.read_bytes()[20:24], "big") for t in tiles]
        first = matplotlib.image.imread(tiles[0])[..., :3]
        tab.close()
    shown = matplotlib.image.imread(io.BytesIO(direct))[..., :3]
    assert height > 700, "the landing page fits one viewport: the test needs a taller page"
    assert sum(sizes) == height, f"tiles of {sizes} px do not cover the page's {height} px"
    assert first.shape == shown.shape, f"tile 0 is {first.shape}, the viewport {shown.shape}"
    # The page re-laid out (the old captureBeyondViewport tiles) moved the column
    # by 294 px: most pixels change. A focus ring or hover may change a few.
    changed = float((abs(first - shown).sum(axis=-1) > 0.01).mean())
    # A relaid page (the bug this guards against) shifts everything, far more
    # than 2 % of the pixels; an idle run differs in none, a loaded machine in
    # up to 0.5 % (measured: late lazy images and the scroll cues' shading).
    assert changed < 0.02, (f"tile 0 differs from the viewport in {100 * changed:.2f} % of "
                             "its pixels: the page was laid out again for the screenshot")


def test_overflow_rules_on_measured_samples():
    """The rules above, on measurements like those the pages give (so they can fail)."""
    fits = {"tag": "pre", "over": 0, "past": 0, "scrolls": True, "eqno_visible": None,
            "output": False, "what": "x", "section": "s"}
    wide_code = {**fits, "over": 68}
    scrolling_eq = {**fits, "tag": "mjx-container", "over": 120, "eqno_visible": True}
    hidden_number = {**scrolling_eq, "eqno_visible": False}
    cut = {**fits, "tag": "table", "over": 30, "scrolls": False}
    no_cue = {**scrolling_eq, "cue": False}
    past_column = {**fits, "past": 40}
    assert overflow_problems([wide_code], 1280, True)
    assert overflow_problems([scrolling_eq], 1280, True)
    assert overflow_problems([wide_code, scrolling_eq], 390, True) == []
    assert overflow_problems([hidden_number], 390, True)
    assert overflow_problems([no_cue], 390, True)
    assert overflow_problems([cut], 390, True)
    assert overflow_problems([past_column], 390, True)
    assert overflow_problems([scrolling_eq], 1280, False) == []  # TeX source only
    image = {"src": "../_images/ab12.png", "alt": "../_images/ab12.png", "caption": ""}
    assert len(image_problems([image])) == 2
    assert image_problems([{**image, "alt": "Loss contours with three paths",
                            "caption": "Fig. 9.1 Gradient descent"}]) == []
    fig = {"src": "../_images/ab12.png", "natural": [1300, 700], "shown": [455, 245],
           "css_width": 650, "full_size": True, "column": 342, "pans": True}
    assert phone_image_problems([fig]) == []
    assert phone_image_problems([{**fig, "shown": [455, 320]}])       # squeezed: 1.42 vs 1.86
    assert phone_image_problems([{**fig, "shown": [342, 184.2]}])     # labels at 53 %
    assert phone_image_problems([{**fig, "pans": False}])             # cut at the column
    assert phone_image_problems([{**fig, "full_size": False}])
    small = {**fig, "natural": [600, 400], "shown": [300, 200], "css_width": 300}
    assert phone_image_problems([{**small, "pans": False}]) == []


def test_webpage_rewrite_sizes_images_defers_scripts_and_runs_once(tmp_path):
    """mfnet_book.webpage on a small page: the numbers come from the PNG written here."""
    import struct
    import zlib
    from mfnet_book import webpage
    (tmp_path / "_images").mkdir()
    ihdr = struct.pack(">IIBBBBB", 1300, 700, 8, 2, 0, 0, 0)
    chunk = struct.pack(">I", len(ihdr)) + b"IHDR" + ihdr + struct.pack(
        ">I", zlib.crc32(b"IHDR" + ihdr))
    (tmp_path / "_images" / "f.png").write_bytes(b"\x89PNG\r\n\x1a\n" + chunk)
    page = tmp_path / "index.html"   # the landing page: its first picture loads at once
    text = ('<html><head><script src="_static/doctools.js"></script>'
            '<script src="searchindex.js"></script>'
            '<script defer src="_static/scripts/fontawesome.js?digest=1"></script></head>'
            '<body><article class="bd-article"><figure>'
            '<img alt="a" src="_images/f.png" style="width: 650px; height: 400px;" />'
            '<img alt="b" src="_images/f.png" style="width: 650px; height: 400px;" />'
            '</figure></article></body></html>')
    once = webpage.rewrite_page(text, page)
    assert "fontawesome" not in once
    assert '<script defer src="_static/doctools.js">' in once
    assert "searchindex" not in once
    imgs = re.findall(r"<img[^>]*>", once)
    assert len(imgs) == 2 and all('width="650" height="350"' in i for i in imgs), imgs
    assert all("height: 400px" not in i for i in imgs)
    assert 'loading="lazy"' not in imgs[0] and 'loading="lazy"' in imgs[1]
    assert once.count('href="_images/f.png"') == 2
    assert all("--mfnet-width: 650px;--mfnet-phone-width: 455px;" in i for i in imgs)
    assert webpage.rewrite_page(once, page) == once
    # A figure myst-nb already links keeps its one link, which gets the class.
    linked = text.replace('<img alt="b"', '<a class="reference internal" href="_images/f.png">'
                          '<img alt="b"').replace('400px;" /></figure>', '400px;" /></a></figure>')
    twice = webpage.rewrite_page(linked, page)
    assert twice.count("<a ") == 2 and twice.count('class="mfnet-fullsize') == 2, twice


def test_theme_script_patch_takes_out_the_load_time_layout(tmp_path):
    """mfnet_book.webpage.patch_theme_script: on a script shaped like the theme's
    (the call this expects, minified), once; a script without it is an error."""
    from mfnet_book import webpage
    script = tmp_path / webpage.THEME_SCRIPT
    script.parent.mkdir(parents=True)
    theme = ('function I(){const e=()=>{document.querySelectorAll(["pre"]).forEach(e=>{'
             'e.tabIndex=e.scrollWidth>e.clientWidth?0:-1})};e()}'
             'd(x),"complete"===document.readyState?I():window.addEventListener("load",I)})();'
             "\n//# sourceMappingURL=pydata-sphinx-theme.js.map")
    script.write_text(theme, encoding="utf-8")
    assert webpage.patch_theme_script(tmp_path)
    patched = script.read_text(encoding="utf-8")
    assert 'addEventListener("load"' not in patched and "?I()" not in patched
    assert "d(x),void 0" in patched and patched.endswith("pydata-sphinx-theme.js.map")
    assert webpage.patch_theme_script(tmp_path) and script.read_text(encoding="utf-8") == patched
    script.write_text(theme.replace('"load",I', '"load",J'), encoding="utf-8")
    with pytest.raises(RuntimeError, match="THEME_TABSTOPS_CALL"):
        webpage.patch_theme_script(tmp_path)
    assert not webpage.patch_theme_script(tmp_path / "elsewhere")


TAB_STOPS = r"""
(async () => {
  const sleep = ms => new Promise(r => setTimeout(r, ms));
  await sleep(300);
  const boxes = [...document.querySelectorAll('article.bd-article div.highlight pre')]
    .filter(b => b.getClientRects().length);
  const last = boxes[boxes.length - 1];
  const farBefore = last.tabIndex;
  const found = {far_before: farBefore, wide: null, narrow: null};
  for (const box of boxes) {
    box.scrollIntoView({block: 'center'});
    await sleep(120);
    const over = box.scrollWidth > box.clientWidth;
    const key = over ? 'wide' : 'narrow';
    if (found[key] === null) found[key] = box.tabIndex;
    if (found.wide !== null && found.narrow !== null) break;
  }
  return found;
})()
"""


def test_boxes_that_scroll_get_a_tab_stop_when_they_come_near(pages):
    """The theme's load-time measurement is out of its script (it laid out the
    whole page); _static/mfnet-tabstops.js gives a code box that scrolls a tab
    stop and takes it from one that does not, once it comes near the viewport;
    a box far below keeps one until then (a keyboard reader can reach it)."""
    page = built_page("book/07_losses")
    theme = (HTML / "_static" / "scripts" / "pydata-sphinx-theme.js").read_text(
        encoding="utf-8")
    from mfnet_book import webpage
    assert webpage.THEME_PATCHED in theme and not webpage.THEME_TABSTOPS_CALL.search(theme)
    with _chromium.Browser() as browser:
        tab = browser.open(page, width=390, height=800)
        found = tab.evaluate(TAB_STOPS)
        tab.close()
    assert found == {"far_before": 0, "wide": 0, "narrow": -1}, found
