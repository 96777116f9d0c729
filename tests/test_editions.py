"""The book's editions: the PDF, the student edition and the offline archive.

``python3 dev.py editions`` (run by ``.ci/run`` after ``dev.py book``) writes them
beside the site, where the Pages workflow publishes them:

* ``_build/html/mfnet-book.pdf``: the whole book (xelatex). Checked with
  ``pdftotext`` and the LaTeX log: every chapter title of ``_toc.yml`` in order,
  the numbered chapters with the online numbers, the glued numbers in the text,
  no "??", no undefined reference or citation, no glyph missing from the fonts,
  no line overfull by more than ``OVERFULL_PT`` and a plausible page count.
* ``_build/html/student/``: the book without solutions, and
  ``student/mfnet-book-exercises.zip``, the notebooks without solutions. Every
  exercise of every notebook is on its page; no line of any solution is, while
  the same lines are on the full edition's page (so the check can fail).
* ``_build/html/mfnet-book-offline.zip``: unpacked and opened in headless
  Chromium with the network switched off, every request stays in ``file://``,
  no local file is missing and every formula is typeset by the archive's MathJax.

Nothing here names a chapter: titles come from ``_toc.yml`` and the notebooks,
exercises and solutions from the notebooks' sources, glued values from their
stored outputs.

An edition that is missing or older than the sources is built by the test
(``dev.py pdf`` takes about a minute, ``student`` and ``offline`` seconds). The
PDF tests need TeX Live (xelatex, latexmk) and poppler's pdftotext; without them
they are skipped with the reason, unless ``MFNET_REQUIRE_PDF=1`` (set by
``.ci/run`` when they are installed), which turns the skip into a failure. The
offline test needs chromium and MathJax likewise (``MFNET_REQUIRE_BROWSER``).
"""
from __future__ import annotations

import html
import html.parser
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from _support import format_glued, toc_files

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "html"
PDF = SITE / "mfnet-book.pdf"
PDF_LOG = ROOT / "_build" / "editions" / "pdf" / "_build" / "latex" / "mfnet-book.log"
PDF_BUILD_LOG = ROOT / "_build" / "editions" / "pdf" / "build.log"  # Sphinx's messages
STUDENT = SITE / "student"
EXERCISES_ZIP = STUDENT / "mfnet-book-exercises.zip"
OFFLINE_ZIP = SITE / "mfnet-book-offline.zip"

# The PDF's lines may stick out of the text block by at most this much. TeX
# reports an overfull box from 0.1 pt (line breaking in justified prose often
# leaves a fraction of a point); 3 pt is about 1 mm, less than half a character
# of the 8.5 pt code font, so nothing is cut, while one character too many
# in a code line or a too wide matrix (tens of points) fails.
OVERFULL_PT = 3.0
# A page's contents may run at most this far below the text block (Overfull
# \vbox); the footer's rule is about 30 pt below it (report class \footskip),
# and a code box that ran into it was 25-32 pt too high.
OVERFULL_VBOX_PT = 10.0
REQUIRE_PDF = os.environ.get("MFNET_REQUIRE_PDF", "") not in ("", "0")
REQUIRE_BROWSER = os.environ.get("MFNET_REQUIRE_BROWSER", "") not in ("", "0")
REQUIRE_BUILT_BOOK = os.environ.get("MFNET_REQUIRE_BUILT_BOOK", "") not in ("", "0")

GLUE_ROLE = re.compile(r"\{glue(?::(?P<kind>[a-z]*))?\}`(?P<body>[^`]+)`")
DIRECTIVE = re.compile(r"^\s*(?P<fence>`{3,}|:{3,})\{(?P<name>[a-z-]+)\}\s*(?P<arg>.*)$")


def skip_or_fail(reason: str, required: bool, variable: str) -> None:
    if required:
        pytest.fail(f"{reason} ({variable} is set, so this cannot be skipped)")
    print(f"SKIPPED editions test: {reason}")
    pytest.skip(reason)


def load_dev():
    """dev.py as a module (for strip_solutions and remote_assets)."""
    spec = importlib.util.spec_from_file_location("mfnet_dev", ROOT / "dev.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def sources() -> list[Path]:
    """What an edition is built from: the pages of _toc.yml and the configuration."""
    paths = [ROOT / "_config.yml", ROOT / "_toc.yml", ROOT / "book" / "references.bib",
             ROOT / "mfnet_book" / "editions.py"]
    for doc in toc_files():
        for suffix in (".ipynb", ".md"):
            if (ROOT / f"{doc}{suffix}").exists():
                paths.append(ROOT / f"{doc}{suffix}")
    return paths


def stale(target: Path) -> bool:
    if not target.exists():
        return True
    return max(p.stat().st_mtime for p in sources()) > target.stat().st_mtime


def build(command: str, *options: str) -> None:
    result = subprocess.run([sys.executable, str(ROOT / "dev.py"), command, *options],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, (
        f"`python3 dev.py {command}` failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}")


def read_doc(doc: str) -> tuple[str, dict | None]:
    """(markdown text, notebook or None) of a _toc.yml document."""
    path = ROOT / f"{doc}.ipynb"
    if path.exists():
        nb = json.loads(path.read_text(encoding="utf-8"))
        text = "\n\n".join("".join(c["source"]) for c in nb["cells"]
                           if c["cell_type"] == "markdown")
        return text, nb
    return (ROOT / f"{doc}.md").read_text(encoding="utf-8"), None


def title_of(doc: str) -> str:
    text, _ = read_doc(doc)
    for line in text.splitlines():
        if line.startswith("# "):
            return re.sub(r"[`*_]", "", line[2:]).strip()
    raise AssertionError(f"{doc} has no '# title'")


def toc_parts() -> list[tuple[bool, list[str]]]:
    """(numbered, documents) of every part of _toc.yml, in order."""
    import yaml
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    return [(bool(part.get("numbered")), [str(ch["file"]) for ch in part.get("chapters", [])])
            for part in toc.get("parts", [])]


def squash(text: str) -> str:
    """Text without whitespace and with the typographic variants TeX prints unified."""
    for fancy, plain in (("\u2212", "-"), ("\u2013", "-"), ("\u2014", "-"), ("\u2018", "'"),
                         ("\u2019", "'"), ("\u201c", '"'), ("\u201d", '"'), ("\xa0", " ")):
        text = text.replace(fancy, plain)
    return re.sub(r"\s+", "", text)


def glued_values(nb: dict) -> dict[str, str]:
    """The text/plain of every value the notebook's stored outputs glue."""
    values = {}
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            meta = out.get("metadata", {}).get("scrapbook")
            if not meta:
                continue
            # myst-nb's glue stores the value under its mime prefix.
            data = out.get("data", {})
            plain = data.get(meta.get("mime_prefix", "") + "text/plain", data.get("text/plain"))
            if plain is not None:
                values[meta["name"]] = plain if isinstance(plain, str) else "".join(plain)
    return values


# -- the PDF --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def pdf() -> dict:
    missing = [tool for tool in ("xelatex", "latexmk", "pdftotext", "pdfinfo")
               if shutil.which(tool) is None]
    if missing:
        skip_or_fail(f"no {', '.join(missing)} (apt-get install texlive-xetex latexmk "
                     "poppler-utils ...)", REQUIRE_PDF, "MFNET_REQUIRE_PDF")
    if stale(PDF) or not PDF_LOG.exists():
        build("pdf")
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(PDF), "-"], capture_output=True,
                          text=True, check=True).stdout
    info = subprocess.run(["pdfinfo", str(PDF)], capture_output=True, text=True,
                          check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    build_log = (PDF_BUILD_LOG.read_text(encoding="utf-8", errors="replace")
                 if PDF_BUILD_LOG.exists() else "")
    return {"text": text, "pages": pages, "build_log": build_log,
            "log": PDF_LOG.read_text(encoding="utf-8", errors="replace")}


def body_of(text: str) -> str:
    """The PDF's text after the table of contents (which lists every title too)."""
    # The first part's opening page comes after the contents: its title appears a
    # second time there. Fall back to the whole text.
    first_part_chapter = title_of(toc_parts()[0][1][0])
    hits = [m.start() for m in re.finditer(re.escape(squash(first_part_chapter)).lower(),
                                           squash(text).lower())]
    return squash(text).lower()[hits[1]:] if len(hits) > 1 else squash(text).lower()


def test_pdf_has_every_chapter_title_in_order_with_the_online_numbers(pdf):
    body = body_of(pdf["text"])
    position, number = 0, 0
    for numbered, docs in toc_parts():
        for doc in docs:
            title = squash(title_of(doc)).lower()
            found = body.find(title, position)
            assert found >= 0, (f"chapter title {title_of(doc)!r} ({doc}) not found in the "
                                "PDF after the previous chapter")
            position = found + len(title)
            if numbered:
                number += 1
                # LaTeX's running footer: "Chapter 6. A worked example".
                assert squash(f"Chapter {number}. {title_of(doc)}").lower() in body, (
                    f"{doc}: no page footer 'Chapter {number}. {title_of(doc)}': the chapter "
                    "numbers differ from the site's")
    # Unnumbered parts (the back matter) stay unnumbered, as online.
    assert squash(f"Chapter {number + 1}.").lower() not in body, (
        f"the PDF numbers a chapter {number + 1}; online there are {number}")


def test_pdf_contains_the_glued_values(pdf):
    text = squash(pdf["text"])
    # Keys the build itself found no value for (myst-nb: "No key 'x' found in glue
    # data"): a chapter whose prose and outputs disagree, which the book's own
    # build (-W) fails on; the PDF cannot show them, so they are reported, not checked.
    unknown = set(re.findall(r"No key '([^']+)' found in glue data", pdf["build_log"]))
    checked, missing, incomplete = [], [], []
    for doc in toc_files():
        source, nb = read_doc(doc)
        if nb is None:
            continue
        glued = glued_values(nb)
        roles = [(m.group("body").partition(":")[0], m.group("body").partition(":")[2] or None)
                 for m in GLUE_ROLE.finditer(source) if m.group("kind") in ("text", None, "")]
        if not roles:
            continue
        if any(key not in glued or key in unknown for key, _ in roles):
            incomplete.append(doc)  # a chapter being edited: its outputs lag its prose
            continue
        for key, fmt in roles:
            expected = format_glued(glued[key], fmt)
            # (a hyphen where TeX broke the line, as in "0.9295-0.9370", is
            # dropped by pdftotext when it joins the lines)
            if squash(expected) not in text and squash(expected).replace("-", "") \
                    not in text.replace("-", ""):
                missing.append(f"{doc}: {key} = {expected!r}")
        checked.append(doc)
    print(f"glued values checked in {len(checked)} chapters; not checked (glue keys without "
          f"stored values): {incomplete}")
    assert checked, "no chapter's glued values could be checked"
    assert not missing, "glued values missing from the PDF:\n" + "\n".join(missing)


def test_pdf_has_no_unresolved_reference(pdf):
    assert "??" not in pdf["text"], (
        "the PDF shows '??' (an unresolved reference) near: "
        + pdf["text"][max(0, pdf["text"].find("??") - 200):pdf["text"].find("??") + 50])
    # Sphinx: a reference it cannot resolve is printed as plain text, without "??".
    unresolved = re.findall(r"WARNING: ((?:undefined label|unknown document|term not in "
                            r"glossary|citation not found|Could not find)[^\n\x1b]*)",
                            pdf["build_log"])
    assert not unresolved, f"unresolved references in the PDF's build: {unresolved[:10]}"
    log = pdf["log"]
    for pattern in (r"Reference `[^']*' on page \d+ undefined", r"Citation `[^']*' on page \d+",
                    r"There were undefined references", r"Hyper reference `[^']*' on page"):
        found = re.findall(pattern, log)
        assert not found, f"LaTeX log ({PDF_LOG}): {found[:5]}"


def test_pdf_misses_no_glyph_and_nothing_is_overfull(pdf):
    log = pdf["log"]
    lost = sorted(set(re.findall(r"Missing character: There is no (.*?) in font", log)))
    assert not lost, f"characters the PDF's fonts do not have (they vanish): {lost}"
    overfull = [(float(pt), line) for pt, line in re.findall(
        r"Overfull \\hbox \((\d+(?:\.\d+)?)pt too wide\)[^\n]*?(?:at lines? (\d+)|$)", log, re.M)]
    worst = max((pt for pt, _ in overfull), default=0.0)
    print(f"{len(overfull)} overfull lines, the widest by {worst:.1f} pt (allowed {OVERFULL_PT})")
    too_wide = [f"{pt:.1f} pt at line {line} of mfnet-book.tex" for pt, line in overfull
                if pt > OVERFULL_PT]
    assert not too_wide, (f"lines wider than the page by more than {OVERFULL_PT} pt "
                          f"(see {PDF_LOG}): {too_wide}")
    too_high = [f"{float(pt):.1f} pt ({where.strip()})" for pt, where in re.findall(
        r"Overfull \\vbox \((\d+(?:\.\d+)?)pt too high\)([^\n]*)", log)
        if float(pt) > OVERFULL_VBOX_PT]
    assert not too_high, (f"pages whose contents run more than {OVERFULL_VBOX_PT} pt "
                          f"into the foot of the page: {too_high}")


def test_pdf_page_count_is_plausible(pdf):
    docs = toc_files()
    words = len(pdf["text"].split())
    # A chapter is several pages of prose, code and figures; a page holds at most
    # about a thousand words of this layout.
    assert len(docs) * 3 <= pdf["pages"] <= len(docs) * 40, (
        f"{pdf['pages']} pages for {len(docs)} documents")
    assert words / pdf["pages"] < 1000, f"{words} words on {pdf['pages']} pages"
    assert words / pdf["pages"] > 100, f"{words} words on {pdf['pages']} pages: pages empty?"


def test_pdf_shows_exercises_and_solutions_with_the_online_numbers(pdf):
    body = body_of(pdf["text"])
    number = 0
    for numbered, docs in toc_parts():
        for doc in docs:
            number += numbered
            _, nb = read_doc(doc)
            if nb is None or not numbered:
                continue
            n_ex = sum(not e["nonumber"] for e in exercises(nb))
            for k in range(1, n_ex + 1):
                assert squash(f"Exercise {number}.{k}").lower() in body, (
                    f"{doc}: no 'Exercise {number}.{k}' in the PDF")
            if solutions(nb):
                assert squash(f"Solution to Exercise {number}.").lower() in body, (
                    f"{doc}: its solutions are not in the PDF")


def pdf_pages(path: Path) -> list[str]:
    """The text of every page of a PDF (pdftotext's form feeds split them)."""
    text = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"],
                          capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def page_offset(pages: list[str]) -> int:
    """PDF page index minus printed page number in the main matter (the front
    matter is numbered apart): read off the pages whose footer is the number."""
    offsets = set()
    for index, page in enumerate(pages, start=1):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        if lines and lines[-1].isdigit() and index > 10:
            offsets.add(index - int(lines[-1]))
    assert len(offsets) == 1, f"page numbers do not follow the pages: offsets {offsets}"
    return offsets.pop()


def test_pdf_title_page_names_edition_date_commit_address_and_licences(pdf):
    title = squash(pdf_pages(PDF)[0]).lower()
    for needed in ("backpropagation from scratch", "complete edition", "built on",
                   "from commit", "mfnet-book.github.io/mfnet-book", "cc-by-4.0", "mit"):
        assert squash(needed) in title, f"the title page does not say {needed!r}: {title[:400]}"


def test_pdf_solutions_sit_at_the_end_of_their_chapter_with_page_references(pdf):
    """Each exercise with a solution points to it ("Solution on page N"), and the
    solution back ("Exercise on page N"); the solutions come after the exercises."""
    pages = pdf_pages(PDF)
    offset = page_offset(pages)
    on_page = {}
    for number, page in enumerate(pages, start=1):
        for kind, target in re.findall(r"(Solution|Exercise) on page (\d+)\.", page):
            on_page.setdefault(kind, []).append((number, int(target) + offset))
    n_solutions = sum(len(solutions(read_doc(doc)[1] or {"cells": []}))
                      for doc in toc_files() if read_doc(doc)[1] is not None)
    assert n_solutions > 0
    assert len(on_page.get("Solution", [])) == len(on_page.get("Exercise", [])) >= n_solutions
    for here, there in on_page["Solution"]:
        assert there >= here, f"page {here} points forward to its solution, not to page {there}"
        # (the label sits just before its box, which may start the next page)
        assert "solutiontoexercise" in squash("".join(pages[there - 1:there + 1])).lower(), (
            here, there)
    for here, there in on_page["Exercise"]:
        assert there <= here, f"the solution on page {here} points back, not to page {there}"
        assert "exercise" in squash("".join(pages[there - 1:there + 1])).lower(), (here, there)


def test_pdf_references_name_chapters_and_pages(pdf):
    text = squash(pdf["text"])
    # The landing page's figure caption cites chapter 4 with {doc}; the PDF says so.
    assert re.search(r"transposedweights\(chapter4\)", text, re.I), (
        "a {doc} reference to a chapter does not print 'Chapter N' in the PDF")
    # Figure, table and equation references carry varioref's page reference,
    # which prints "on page N" (or "on the next page") only when the target is
    # out of sight: with figures beside the sentences that cite them, most
    # print nothing, so the LaTeX source is what is checked.
    tex = PDF_LOG.with_suffix(".tex").read_text(encoding="utf-8")
    refs = re.findall(r"\\hyperref\[\\detokenize\{[^}]*:fig-[^}]*\}\]"
                      r"\{Fig\.\\@ \\ref\{\\detokenize\{[^}]*\}\}\}(\\vpageref)?", tex)
    assert refs and all(refs), "a figure reference without its page reference"


def test_pdf_has_an_index_of_the_main_terms(pdf):
    pages = pdf_pages(PDF)
    index = [p for p in pages[-12:] if re.search(r"^\s*Index\s*$", p, re.M | re.I)]
    assert index, "no index at the end of the PDF"
    words = squash(" ".join(pages[pages.index(index[0]):])).lower()
    for term in ("backpropagation", "learning rate", "softmax", "jacobian"):
        assert squash(term) in words, f"the index lacks {term!r}"


def test_pdf_has_no_nearly_empty_page(pdf):
    """A page with almost no text and no picture is wasted paper; a blank page
    (after the title page or the contents) carries no running head."""
    pages = pdf_pages(PDF)
    sparse = [n for n, page in enumerate(pages, start=1)
              if 0 < len(page.split()) <= 4 and n > 2
              and not re.match(r"\s*Part [IVX]+\s", page)]  # a part's title page
    assert not sparse, f"pages with a running head and nothing else: {sparse[:10]}"


def test_student_pdf_has_the_exercises_and_no_solution(pdf):
    student = SITE / "mfnet-book-student.pdf"
    if stale(student):
        build("pdf", "--student")
    text = squash(" ".join(pdf_pages(student))).lower()
    assert "studentedition" in text[:2000]
    assert "exercise2.1" in text
    assert "solutiontoexercise" not in text and "solutiononpage" not in text


# -- exercises and solutions in the sources -------------------------------------------------
def exercises(nb: dict) -> list[dict]:
    """label and first text line of every exercise directive of the notebook."""
    found = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        lines = "".join(cell["source"]).splitlines()
        for i, line in enumerate(lines):
            m = DIRECTIVE.match(line)
            if not m or m.group("name") not in ("exercise", "exercise-start"):
                continue
            label, first, nonumber = None, None, False
            for nxt in lines[i + 1:]:
                if nxt.strip().startswith(":label:"):
                    label = nxt.split(":label:", 1)[1].strip()
                elif nxt.strip().startswith(":nonumber:"):
                    nonumber = True   # the checked exercises: "Exercise (5.A, ...)"
                elif nxt.strip().startswith(":"):
                    continue
                elif nxt.strip():
                    first = nxt.strip()
                    break
            found.append({"label": label, "first": first, "nonumber": nonumber})
    return found


def solutions(nb: dict) -> list[str]:
    """The text of every solution: `solution` bodies and all from solution-start to -end."""
    texts, inside, current = [], False, []
    for cell in nb["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "code":
            if inside:
                current.append(source)
            continue
        skip_to = None
        for line in source.splitlines():
            m = DIRECTIVE.match(line)
            if skip_to is not None:
                stripped = line.strip()
                if stripped and set(stripped) == {skip_to[0]} and len(stripped) >= len(skip_to):
                    skip_to = None
                    if not inside and current:
                        texts.append("\n".join(current))
                        current = []
                elif not stripped.startswith(":"):
                    current.append(line)
                continue
            if m and m.group("name") == "solution":
                skip_to, current = m.group("fence"), []
            elif m and m.group("name") == "solution-start":
                skip_to, inside, current = m.group("fence"), True, []
            elif m and m.group("name") == "solution-end":
                skip_to, inside = m.group("fence"), False
                texts.append("\n".join(current))
                current = []
            elif inside:
                current.append(line)
    return [t for t in texts if t.strip()]


def telling_lines(nb: dict, solution: str) -> list[str]:
    """Lines of a solution that occur nowhere else in the notebook (so their absence
    from a page means the solution is absent)."""
    outside = "\n".join("".join(c["source"]) for c in nb["cells"])
    for text in solutions(nb):
        outside = outside.replace(text, "")
    # A checked exercise's empty stub (its answer cell's metadata) is what the
    # student gets in place of the solution: its lines are not telling.
    outside += "\n".join(str(c.get("metadata", {}).get("mfnet", {}).get("exercise", {})
                              .get("stub", "")) for c in nb["cells"])
    outside = squash(outside)  # pages are compared without whitespace, across lines
    lines = []
    for line in solution.splitlines():
        line = line.strip()
        if len(line) >= 24 and not line.startswith(("#", "```", ":::", "import ", "from ")) \
                and squash(line) not in outside:
            lines.append(line)
    return lines


class PageText(html.parser.HTMLParser):
    """The text of a built page (scripts and styles left out) and its element ids."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts, self.ids, self.classes, self._skip = [], set(), [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if attrs.get("class"):
            self.classes.append(attrs["class"])
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def page_text(path: Path) -> PageText:
    parser = PageText()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.text = squash("".join(parser.parts))
    return parser


def test_strip_solutions_keeps_exercises_and_drops_gated_cells():
    """dev.py's notebook stripper on a notebook of every solution form."""
    strip = load_dev().strip_solutions
    md = lambda text: {"cell_type": "markdown", "metadata": {}, "source": text}  # noqa: E731
    code = lambda text: {"cell_type": "code", "metadata": {}, "source": text,  # noqa: E731
                         "outputs": [], "execution_count": None}
    nb = {"cells": [
        md("## Exercises\n\n```{exercise}\n:label: ex-a\n\nCompute A.\n```\n\n"
           "````{solution} ex-a\n:class: dropdown\n\nThe answer is A.\n```python\nA = 1\n```\n"
           "````\n\nText after."),
        md(":::{exercise}\n:label: ex-b\nCompute B.\n:::\n\n```{solution-start} ex-b\n"
           ":class: dropdown\n```\nSolved with code:"),
        code("B = 2  # solution code"),
        md("and then\n```{solution-end}\n```\n\nThe end."),
    ], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    stripped, count = strip(nb)
    text = json.dumps(stripped)
    assert count == 2
    for kept in ("Compute A.", "Compute B.", "Text after.", "The end.", "ex-a", "ex-b"):
        assert kept in text, kept
    for gone in ("The answer is A", "A = 1", "Solved with code", "B = 2", "and then",
                 "solution"):
        assert gone not in text, gone
    assert [c["cell_type"] for c in stripped["cells"]] == ["markdown"] * 3
    # The sources' own parser agrees on what the solutions are.
    assert len(solutions(nb)) == 2 and "B = 2" in solutions(nb)[1]


# -- the student edition --------------------------------------------------------------------
@pytest.fixture(scope="module")
def student() -> Path:
    if stale(STUDENT / "index.html") or not EXERCISES_ZIP.exists():
        build("student")
    return STUDENT


def reader_exercises(nb: dict) -> int:
    """Exercises of a reader's notebook: blockquotes headed **Exercise ...**."""
    return sum(len(re.findall(r"^> \*\*Exercise\b", "".join(c["source"]), re.M))
               for c in nb["cells"] if c["cell_type"] == "markdown")


def chapter_notebooks() -> list[tuple[str, dict]]:
    out = []
    for doc in toc_files():
        _, nb = read_doc(doc)
        if nb is not None and exercises(nb):
            out.append((doc, nb))
    return out


def test_student_edition_has_every_exercise_and_no_solution(student):
    notebooks = chapter_notebooks()
    assert notebooks, "no notebook with exercises in _toc.yml"
    full_checked = 0
    for doc, nb in notebooks:
        page = page_text(student / f"{doc}.html")
        for ex in exercises(nb):
            if ex["label"]:
                assert ex["label"] in page.ids, f"{doc}: exercise {ex['label']} missing"
            if ex["first"]:
                # Math, roles and markup render differently: the words before the first.
                words = squash(re.split(r"[`*$\\{}<\[]", ex["first"])[0])[:40]
                assert words in page.text, f"{doc}: exercise text {ex['first'][:60]!r} missing"
        n_shown = sum(1 for c in page.classes if re.search(r"\bexercise\b", c)
                      and "admonition" in c)
        assert n_shown == len(exercises(nb)), (
            f"{doc}: {len(exercises(nb))} exercises in the notebook, {n_shown} on the page")
        assert not any(re.search(r"\bsolution\b", c) for c in page.classes), (
            f"{doc}: a solution element is in the student edition")
        assert "Solutionto" not in page.text, f"{doc}: 'Solution to' in the student edition"
        full = SITE / f"{doc}.html"
        full_text = page_text(full).text if full.exists() else None
        for solution in solutions(nb):
            for line in telling_lines(nb, solution):
                assert squash(line) not in page.text, (
                    f"{doc}: a line of a solution is in the student edition: {line!r}")
                if full_text is not None and squash(line) in full_text:
                    full_checked += 1
    if (SITE / "index.html").exists():
        # Against the full edition: the lines looked for are the ones it does show.
        assert full_checked > 0, "no solution line found in the full edition either"


def test_student_downloads_are_the_notebooks_without_solutions(student):
    for doc, _ in chapter_notebooks():
        page = (student / f"{doc}.html").read_text(encoding="utf-8")
        assert re.search(r'href="[^"]*mfnet-book-exercises\.zip"', page), (
            f"{doc}: the student page's download menu does not link the notebooks")
    with zipfile.ZipFile(EXERCISES_ZIP) as zf:
        names = set(zf.namelist())
        for doc, nb in chapter_notebooks():
            name = f"mfnet-book-exercises/{doc}.ipynb"
            assert name in names, f"{name} not in {EXERCISES_ZIP.name}"
            shipped = json.loads(zf.read(name))
            served = json.loads(
                (student / "_sources" / f"{doc}.ipynb").read_text(encoding="utf-8"))
            for kept in (shipped, served):
                # The reader's notebooks (mfnet_book/reader.py) write an exercise as
                # a blockquote headed "**Exercise 5.1**"; the sources as directives.
                assert len(exercises(kept)) + reader_exercises(kept) == len(exercises(nb))
                assert not solutions(kept), f"{doc}: a solution is left in the notebook"
                sources = "\n".join("".join(c["source"]) for c in kept["cells"])
                for solution in solutions(nb):
                    for line in telling_lines(nb, solution):
                        assert squash(line) not in squash(sources), (
                            f"{doc}: solution line left: {line!r}")
            code = lambda n: sum(c["cell_type"] == "code" for c in n["cells"])  # noqa: E731
            assert code(shipped) < code(nb)
        for needed in ("mfnet/__init__.py", "mfnet_book/__init__.py", "requirements.txt"):
            assert f"mfnet-book-exercises/{needed}" in names, needed


# -- the full site's download menu ------------------------------------------------------------
def test_every_page_download_menu_links_every_edition():
    """Whatever order the editions and the site were built in (the menus do not
    wait for a file to exist)."""
    pages = [SITE / f"{doc}.html" for doc in toc_files()]
    if not all(p.exists() for p in pages):
        skip_or_fail("the book is not built (python3 dev.py book)", REQUIRE_BUILT_BOOK,
                     "MFNET_REQUIRE_BUILT_BOOK")
    editions = {"mfnet-book.pdf": SITE / "mfnet-book.pdf",
                "student/index.html": SITE / "student" / "index.html",
                "mfnet-book-offline.zip": SITE / "mfnet-book-offline.zip"}
    for page in pages:
        text = page.read_text(encoding="utf-8")
        menu = re.search(r'<div[^>]*dropdown-download-buttons.*?</ul>', text, re.S)
        assert menu, f"{page.name}: no download menu"
        for name, target in editions.items():
            links = re.findall(rf'href="([^"]*{re.escape(name)})"', menu.group(0))
            assert links, f"{page.relative_to(SITE)}: the download menu does not link {name}"
            assert (page.parent / links[0]).resolve() == target.resolve(), (page, links[0])


# -- the offline archive --------------------------------------------------------------------
@pytest.fixture(scope="module")
def offline(tmp_path_factory) -> Path:
    sys.path.insert(0, str(ROOT / "tests"))
    import _chromium
    if _chromium.chromium() is None:
        skip_or_fail("chromium is not installed", REQUIRE_BROWSER, "MFNET_REQUIRE_BROWSER")
    if not (SITE / "index.html").exists():
        skip_or_fail("the book is not built (python3 dev.py book)", REQUIRE_BUILT_BOOK,
                     "MFNET_REQUIRE_BUILT_BOOK")
    if load_dev().mathjax_es5() is None:
        skip_or_fail("no MathJax 3 (npm pack mathjax@3.2.2, see .ci/run)", REQUIRE_BROWSER,
                     "MFNET_REQUIRE_BROWSER")
    site_time = (SITE / "index.html").stat().st_mtime
    if not OFFLINE_ZIP.exists() or OFFLINE_ZIP.stat().st_mtime < site_time:
        build("offline")
    folder = tmp_path_factory.mktemp("offline")
    with zipfile.ZipFile(OFFLINE_ZIP) as zf:
        zf.extractall(folder)
    (root,) = [p for p in folder.iterdir() if p.is_dir()]
    return root


def local_targets(page: Path) -> list[str]:
    text = page.read_text(encoding="utf-8")
    return re.findall(r'(?:src|href)="(?!https?:|mailto:|#|javascript:|data:)([^"]+)"', text)


def test_offline_archive_is_complete_and_loads_nothing_remote(offline):
    remote = load_dev().remote_assets(offline)
    assert not remote, f"the archive loads from the network: {remote[:5]}"
    missing = []
    # The pages (the theme's _static/*.html are template fragments, never opened).
    for page in sorted(p for p in offline.rglob("*.html") if "_static" not in p.parts):
        for target in local_targets(page):
            path = target.split("#")[0].split("?")[0]
            if path and not (page.parent / html.unescape(path)).exists():
                missing.append(f"{page.relative_to(offline)} -> {target}")
    assert not missing, f"links and assets missing from the archive: {missing[:10]}"
    for doc in toc_files():
        assert (offline / f"{doc}.html").exists(), f"{doc}.html is not in the archive"
    assert (offline / "mfnet-book.pdf").exists(), "the archive does not hold the PDF it links"


def test_offline_pages_typeset_every_formula_without_network(offline):
    sys.path.insert(0, str(ROOT / "tests"))
    import _chromium
    pages = [offline / f"{doc}.html" for doc in toc_files()]
    with _chromium.OfflineBrowser() as browser:
        # The recorder sees the network: the site's own page asks for MathJax's CDN.
        online_page = SITE / f"{toc_files()[1]}.html"
        if "cdn.jsdelivr" in online_page.read_text(encoding="utf-8"):
            browser.open(online_page, mathjax=False).close()
            assert browser.remote_requests(), "the request recorder saw no request to the CDN"
            browser.requests.clear()
            browser.failed.clear()
        typeset = 0
        for page in pages:
            source = page.read_text(encoding="utf-8")
            tab = browser.open(page, mathjax=False)
            state = tab.evaluate("""(() => {
                const article = document.querySelector('article') || document.body;
                const clone = article.cloneNode(true);
                clone.querySelectorAll('pre, code, mjx-container, script')
                     .forEach(e => e.remove());
                return {
                    mathjax: window.MathJax && MathJax.version || null,
                    containers: document.querySelectorAll('mjx-container').length,
                    errors: document.querySelectorAll('mjx-merror, [data-mjx-error]').length,
                    math: document.querySelectorAll('span.math, div.math').length,
                    raw: (clone.innerText.match(/\\\\\\(|\\\\\\[|\\$\\$/g) || []).length,
                };
            })()""")
            tab.close()
            name = page.relative_to(offline)
            if re.search(r'<script[^>]*src="[^"]*mathjax', source, re.I):
                assert state["mathjax"], f"{name}: MathJax did not load from the archive"
            assert state["errors"] == 0, f"{name}: {state['errors']} formulas with TeX errors"
            assert state["raw"] == 0, f"{name}: {state['raw']} formulas left as TeX source"
            assert state["containers"] >= state["math"], (
                f"{name}: {state['math']} formulas, {state['containers']} typeset")
            typeset += state["containers"]
        remote = browser.remote_requests()
        assert not remote, f"requests that left file://: {sorted(set(remote))[:10]}"
        failed = [f for f in browser.failed if f[0].startswith("file:")]
        assert not failed, f"files the pages asked for and the archive lacks: {failed[:10]}"
    assert typeset > 0, "no formula was typeset in the whole archive"
