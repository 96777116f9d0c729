"""The repository's promises about itself: quick start, table of contents, packaging.

* The README's "Quick start" block holds exactly the two commands, and `.ci/run`
  runs them.
* `_toc.yml` lists every page in `book/` and every page it lists exists.
* `mfnet` builds as a wheel whose only dependency is numpy.
* The workflows pass actionlint, when actionlint is installed (`python3 dev.py lint`).

And the notebooks as a reader meets them (the numbers behind MAX_LINE are
measured, see its comment):

* every line of a code cell and of a stored text output (stream, text/plain)
  is at most 79 characters (the hidden Colab set-up cell too: Colab shows
  it), and so is every
  line of library code a chapter shows with `literalinclude`, which also names
  its file in a `:caption:` and shows no tool noise (`# pragma`, reST roles);
* code comments cite equations by number, never by internal label;
* every chapter opens with `**Goal of this chapter.**` and ends with
  `## Summary` and `## Exercises` (with at least one exercise);
* glue calls (`record(`, `glue(`) only in cells tagged `remove-cell`;
* every figure cell has `mystnb.figure.caption`, `mystnb.figure.name` and a
  `mystnb.image.alt` that is a description, and the prose references the
  figure with `{numref}`.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from _support import toc_files

ROOT = Path(__file__).resolve().parents[1]
QUICK_START = ["python3 dev.py book", "python3 dev.py test"]


def test_readme_quick_start_has_exactly_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = re.search(r"^## Quick start\n(.*?)(?=^## )", readme, re.S | re.M)
    assert section, "README.md has no '## Quick start' section"
    blocks = re.findall(r"^```[a-z]*\n(.*?)^```", section.group(1), re.S | re.M)
    assert len(blocks) == 1, f"expected one fenced block in Quick start, found {len(blocks)}"
    commands = [line.strip() for line in blocks[0].splitlines() if line.strip()]
    assert commands == QUICK_START


def test_ci_runs_the_quick_start_commands():
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    lines = [line.strip() for line in script.splitlines()]
    for command in QUICK_START:
        assert command in lines, f".ci/run does not run `{command}`"
    assert lines.index(QUICK_START[0]) < lines.index(QUICK_START[1]), (
        ".ci/run must build the book before the tests (the browser test reads it)")


def test_toc_and_book_folder_agree():
    listed = toc_files()
    assert len(listed) == len(set(listed)), f"_toc.yml lists a page twice: {listed}"
    for entry in listed:
        assert any((ROOT / f"{entry}{suffix}").exists() for suffix in (".ipynb", ".md")), (
            f"_toc.yml lists {entry}, which does not exist")
    pages = {str(p.relative_to(ROOT).with_suffix("")) for p in (ROOT / "book").iterdir()
             if p.suffix in (".ipynb", ".md") and not p.name.startswith(("_", "."))}
    missing = sorted(pages - set(listed))
    assert not missing, f"pages in book/ that _toc.yml does not list: {missing}"


def test_chapters_are_numbered_in_toc_order():
    chapters = [f for f in toc_files() if re.match(r"book/\d\d_", f)]
    numbers = [int(f[5:7]) for f in chapters]
    assert numbers == list(range(1, len(numbers) + 1)), chapters


def test_mfnet_wheel_depends_on_numpy_only(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path),
         str(ROOT)], capture_output=True, text=True, timeout=300)
    if proc.returncode != 0 and "Could not find a version that satisfies" in proc.stderr:
        pytest.skip(f"pip could not get the build back-end: {proc.stderr.strip()[-300:]}")
    assert proc.returncode == 0, proc.stderr[-3000:]
    wheels = list(tmp_path.glob("mfnet-*.whl"))
    assert len(wheels) == 1, wheels
    with zipfile.ZipFile(wheels[0]) as wheel:
        names = wheel.namelist()
        metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
        text = wheel.read(metadata).decode()
    requires = [line.split(":", 1)[1].strip() for line in text.splitlines()
                if line.startswith("Requires-Dist:")]
    assert requires == ["numpy"], requires
    assert "mfnet/__init__.py" in names


def test_workflows_pass_actionlint():
    bin_dir = Path(sys.executable).parent
    actionlint = shutil.which("actionlint") or (
        str(bin_dir / "actionlint") if (bin_dir / "actionlint").exists() else None)
    if actionlint is None:
        reason = "actionlint is not installed (`python3 dev.py lint` installs it)"
        print(f"SKIPPED: {reason}")
        pytest.skip(reason)
    workflows = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
    assert workflows, "no workflows"
    proc = subprocess.run([actionlint, *map(str, workflows)], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


# -- the notebooks as a reader sees them ------------------------------------------------
sys.path.insert(0, str(ROOT))
from mfnet_book import truth  # noqa: E402  (standard library only; installed with the project)

# The longest line that fits. Measured in headless Chromium (tests/_chromium.py)
# on the built book at a 1280 px viewport, with _static/mfnet.css: code is 13 px
# monospace (DejaVu Sans Mono on Debian, 7.83 px per character); the narrowest
# box is a code cell's input `pre`, 662 px wide with 16 px padding on each side,
# so 630 px hold 80 characters; output `pre` boxes are 666 px (81 characters),
# literalinclude listings 686 px (83). 79 leaves one character of margin.
# tests/test_browser.py re-measures the capacity on every built page.
from _support import MAX_LINE  # noqa: E402  (79)
NOTEBOOKS = sorted(p for p in (ROOT / "book").glob("*.ipynb") if not p.name.startswith("_"))
CHAPTERS = truth.chapters(ROOT / "book")
HIDDEN = {"remove-cell", "remove_cell"}
LITERALINCLUDE = re.compile(
    r"^(?P<fence>`{3,}|:{3,})\{literalinclude\}\s+(?P<path>\S+)\s*\n(?P<options>(?:[ \t]*:[\w-]+:.*\n)*)",
    re.M)
TOOL_NOISE = re.compile(r"#\s*(?:pragma|noqa|type:\s*ignore|pylint|fmt:)|"
                        r":(?:py:)?(?:func|class|meth|mod|attr|data|exc|obj|const|math|ref|doc):`")
LABEL_IN_COMMENT = re.compile(r"\(?\b(?:eq|fig|sec|ex|tab)-[a-z0-9][\w-]*\)?")


def long_lines(text: str) -> list[tuple[int, str]]:
    return [(n, line) for n, line in enumerate(text.splitlines(), 1) if len(line) > MAX_LINE]


def shown_texts(cell: dict):
    """(what, text) of the cell's source and its stored text outputs (not glue)."""
    yield "source", truth.source(cell)
    for out in cell.get("outputs", []):
        if "scrapbook" in out.get("metadata", {}):
            continue
        if out.get("output_type") == "stream":
            yield f"{out.get('name', 'stream')} output", truth.text_of(out.get("text", ""))
        elif "text/plain" in out.get("data", {}):
            yield "text/plain output", truth.text_of(out["data"]["text/plain"])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_code_and_text_outputs_fit_the_column(path):
    """Every line of code and of stored text output is at most MAX_LINE (79) characters.

    Measured in headless Chromium (tests/_chromium.py) at 1280 px: 13 px
    monospace is 7.83 px per character, and the narrowest box, a code cell's
    input `pre`, has 630 px inside its padding (662 px wide): 80 characters fit.
    """
    nb = truth.load(path)
    problems = []
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        for what, text in shown_texts(cell):
            for number, line in long_lines(text):
                problems.append(f"cell {index}, {what} line {number}: {len(line)} characters: "
                                f"{line[:100]!r}")
    assert not problems, (
        f"{path.name}: {len(problems)} line(s) longer than {MAX_LINE} characters, which run "
        "past the code box at 1280 px (wrap the code; np.set_printoptions(linewidth=79); "
        "print fewer columns):\n" + "\n".join(problems[:60]))


def listings(nb: dict):
    """(cell index, path as written, options) of every literalinclude in the markdown."""
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "markdown":
            for m in LITERALINCLUDE.finditer(truth.source(cell) + "\n"):
                options = dict(re.findall(r"^\s*:([\w-]+):\s*(.*)$", m.group("options"), re.M))
                yield index, m.group("path"), options


def pyobject_lines(path: Path, dotted: str) -> list[str]:
    """The source lines Sphinx's :pyobject: shows (decorators included), by the AST."""
    import ast

    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    scope: list = ast.parse(text).body
    nodes = []
    parts = dotted.split(".")
    for depth, name in enumerate(parts):
        found = [n for n in scope if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                    ast.ClassDef)) and n.name == name]
        if not found:
            return []
        if depth == len(parts) - 1:
            nodes = found
        else:
            scope = found[0].body
    shown = []
    for node in nodes:
        first = min([node.lineno] + [d.lineno for d in node.decorator_list])
        shown += lines[first - 1:node.end_lineno]
    return shown


LISTING_OPTIONS = ("pyobject", "start-at", "start-after", "end-at", "end-before", "lines",
                   "dedent")


def shown_lines(path: Path, options: dict) -> list[str] | None:
    """The lines a literalinclude with these options shows, read as Sphinx reads them.

    Sphinx's own reader applies :pyobject:, :start-at:/:start-after:,
    :end-at:/:end-before:, :lines: and :dedent: (None: it cannot read them);
    without Sphinx, the object's lines from the AST (pyobject only).
    """
    wanted = {k: v for k, v in options.items() if k in LISTING_OPTIONS}
    if "dedent" in wanted:
        wanted["dedent"] = int(wanted["dedent"]) if str(wanted["dedent"]).strip() else None
    try:
        from types import SimpleNamespace

        from sphinx.directives.code import LiteralIncludeReader
    except ImportError:
        if "pyobject" in wanted:
            return pyobject_lines(path, wanted["pyobject"]) or None
        return path.read_text(encoding="utf-8").splitlines()
    try:
        text, _ = LiteralIncludeReader(str(path), wanted,
                                       SimpleNamespace(source_encoding="utf-8-sig")).read()
    except (ValueError, OSError):
        return None
    return text.splitlines()


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_library_listings_fit_name_their_file_and_show_no_tool_noise(path):
    nb = truth.load(path)
    problems = []
    for index, written, options in listings(nb):
        source_file = (path.parent / written).resolve()
        name = source_file.relative_to(ROOT).as_posix() if source_file.is_relative_to(ROOT) \
            else written
        where = f"cell {index}, literalinclude {written}" + (
            f" :pyobject: {options['pyobject']}" if "pyobject" in options else "")
        if not source_file.exists():
            problems.append(f"{where}: no such file")
            continue
        shown = shown_lines(source_file, options)
        if shown is None:
            problems.append(f"{where}: Sphinx cannot read this listing from {name} "
                            "(no such object, or a start/end pattern not found)")
            continue
        if name not in options.get("caption", ""):
            problems.append(f"{where}: add `:caption: {name}` so that the listing names its "
                            "file")
        for line in shown:
            if len(line) > MAX_LINE:
                problems.append(f"{where}: a line of {len(line)} characters in {name} "
                                f"(wrap it there): {line.strip()[:90]!r}")
            if TOOL_NOISE.search(line):
                problems.append(f"{where}: tool noise shown to the reader in {name}: "
                                f"{line.strip()[:90]!r} (remove the pragma/reST role from "
                                "the shown object, or show less)")
    assert not problems, f"{path.name}:\n" + "\n".join(problems)


def comments(code: str) -> list[tuple[int, str]]:
    """(line, text) of every comment of a cell (tokenised, so strings do not count)."""
    import io
    import tokenize

    found = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(truth.python_source(code)).readline):
            if token.type == tokenize.COMMENT:
                found.append((token.start[0], token.string))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        found = [(n, line[line.index("#"):]) for n, line in enumerate(code.splitlines(), 1)
                 if "#" in line]
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_code_comments_cite_equation_numbers_not_labels(path):
    nb = truth.load(path)
    problems = [f"cell {i}, line {n}: {text.strip()!r}"
                for i, cell in enumerate(nb["cells"]) if cell["cell_type"] == "code"
                for n, text in comments(truth.source(cell)) if LABEL_IN_COMMENT.search(text)]
    assert not problems, (
        f"{path.name}: code comments cite internal labels, which the reader never sees; "
        "cite the number the page shows, e.g. `# (4.5)`:\n" + "\n".join(problems))


def headings(nb: dict) -> list[tuple[int, int, str]]:
    """(cell index, level, title) of every markdown heading outside code fences."""
    found = []
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "markdown":
            continue
        fenced = False
        for line in truth.source(cell).splitlines():
            if re.match(r"^\s*(`{3,}|~{3,})", line):
                fenced = not fenced
            m = re.match(r"^(#{1,6})\s+(.*?)\s*#*\s*$", line)
            if m and not fenced:
                found.append((index, len(m.group(1)), m.group(2)))
    return found


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_chapter_opens_with_its_goal_and_ends_with_summary_and_exercises(path):
    nb = truth.load(path)
    problems = []
    first = next((c for c in nb["cells"] if c["cell_type"] == "markdown"), None)
    if first is None or "**Goal of this chapter.**" not in truth.source(first):
        problems.append("the first markdown cell must contain a paragraph starting "
                        "`**Goal of this chapter.**` (bold, with the full stop inside)")
    sections = [(i, title) for i, level, title in headings(nb) if level == 2]
    titles = [t for _, t in sections]
    if "Summary" not in titles:
        problems.append(f"no `## Summary` heading (sections: {titles})")
    if "Exercises" not in titles:
        problems.append(f"no `## Exercises` heading (sections: {titles})")
    if titles[-2:] != ["Summary", "Exercises"]:
        problems.append(f"the last two sections must be `## Summary` and `## Exercises`, "
                        f"in that order (sections: {titles})")
    if "Exercises" in titles:
        start = sections[titles.index("Exercises")][0]
        after = {"cells": nb["cells"][start:]}
        if truth.exercises(after) < 1:
            problems.append("`## Exercises` has no ```{exercise}``` directive")
    assert not problems, f"{path.name}:\n" + "\n".join(problems)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_glue_calls_only_in_hidden_cells(path):
    nb = truth.load(path)
    problems = [f"cell {i} calls {sorted(set(calls))} but is not tagged remove-cell: "
                f"{truth.source(cell).strip().splitlines()[0][:70]!r}"
                for i, cell in enumerate(nb["cells"]) if cell["cell_type"] == "code"
                for calls in [truth.glue_calls(cell)] if calls
                and not truth.tags(cell) & HIDDEN]
    assert not problems, (
        f"{path.name}: glue calls in teaching cells (move them into a cell tagged "
        "remove-cell, `from mfnet_book import record`):\n" + "\n".join(problems))


IMAGE_MIMES = ("image/png", "image/svg+xml", "image/jpeg", "image/gif")
FILE_NAME = re.compile(r"^\s*[\w./-]+\.(?:png|jpe?g|svg|gif|pdf)\s*$", re.I)


def figure_cells(nb: dict):
    """(index, cell) of every code cell whose image output the page shows."""
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code" or truth.tags(cell) & (HIDDEN | {"remove-output",
                                                                     "remove_output"}):
            continue
        if any(mime in out.get("data", {}) for out in cell.get("outputs", [])
               if "scrapbook" not in out.get("metadata", {}) for mime in IMAGE_MIMES):
            yield index, cell


def markdown_text(nb: dict) -> str:
    return "\n".join(truth.source(c) for c in nb["cells"] if c["cell_type"] == "markdown")


def numref_targets(text: str) -> set[str]:
    """Labels referenced by {numref}`label` or {numref}`Fig. %s <label>`."""
    targets = set()
    for body in re.findall(r"\{numref\}`([^`]+)`", text):
        m = re.search(r"<([^>]+)>\s*$", body)
        targets.add(m.group(1) if m else body.strip())
    return targets


def check_alt(alt) -> str:
    if not isinstance(alt, str) or not alt.strip():
        return "no alt text"
    if FILE_NAME.match(alt) or len(alt.split()) < 3:
        return f"alt text {alt!r} is a file name or a label, not a description"
    return ""


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_figures_have_number_caption_alt_text_and_are_referenced(path):
    nb = truth.load(path)
    referenced = numref_targets(markdown_text(nb))
    problems = []
    for index, cell in figure_cells(nb):
        meta = cell.get("metadata", {}).get("mystnb", {})
        figure, image = meta.get("figure", {}), meta.get("image", {})
        where = f"cell {index} (a figure)"
        if not str(figure.get("caption", "")).strip():
            problems.append(f"{where}: no metadata mystnb.figure.caption")
        name = figure.get("name")
        if not name:
            problems.append(f"{where}: no metadata mystnb.figure.name (e.g. 'fig-cNN-what')")
        elif name not in referenced:
            problems.append(f"{where}: figure {name!r} is never referenced with "
                            f"{{numref}}`{name}` in the prose")
        alt = check_alt(image.get("alt"))
        if alt:
            problems.append(f"{where}: mystnb.image.alt: {alt}")
    # Glued figures, shown by the glue:figure directive, need the same three things.
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "markdown":
            continue
        for m in re.finditer(r"^(`{3,}|:{3,})\{glue:figure\}\s*(\S+)\s*\n(.*?)^\1\s*$",
                             truth.source(cell), re.M | re.S):
            body = m.group(3)
            options = dict(re.findall(r"^\s*:([\w-]+):\s*(.*)$", body, re.M))
            caption = "\n".join(line for line in body.splitlines()
                                if not re.match(r"^\s*:[\w-]+:", line)).strip()
            where = f"cell {index}, glue:figure {m.group(2)}"
            if not caption:
                problems.append(f"{where}: no caption (the directive's content)")
            if not options.get("name"):
                problems.append(f"{where}: no :name:")
            elif options["name"] not in referenced:
                problems.append(f"{where}: {options['name']!r} is never referenced with "
                                "{numref}")
            alt = check_alt(options.get("alt"))
            if alt:
                problems.append(f"{where}: :alt: {alt}")
    assert not problems, f"{path.name}:\n" + "\n".join(problems)


GLUE_ROLE_KEY = re.compile(r"\{glue(?::[a-z]*)?\}`(?P<key>[^`:<]+?)(?::[^`]*)?`")


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_glued_names_carry_the_chapter_prefix_and_every_pasted_name_is_glued(path):
    nb = truth.load(path)
    prefix = f"c{path.name[:2]}-"
    glued = {g["name"] for g in truth.glued(nb)}
    pasted = {m.group("key").strip() for m in GLUE_ROLE_KEY.finditer(markdown_text(nb))
              if "::" not in m.group("key")}
    problems = [f"glued name {name!r} does not start with {prefix!r}"
                for name in sorted(glued | pasted) if not name.startswith(prefix)]
    problems += [f"the prose pastes {name!r}, which no stored output of the notebook glues "
                 "(re-execute it: python3 dev.py execute " f"book/{path.name})"
                 for name in sorted(pasted - glued)]
    assert not problems, f"{path.name}:\n" + "\n".join(problems)


def test_glue_name_check_catches_a_missing_and_a_misnamed_value(tmp_path):
    nb = {"cells": [
        {"cell_type": "markdown", "source": "Loss {glue:text}`c06-loss:.4f`, "
                                            "steps {glue:text}`c06-steps`."},
        {"cell_type": "code", "source": "record(c06_loss=J, loss=J)",
         "metadata": {"tags": ["remove-cell"]}, "outputs": [
             {"output_type": "display_data", "data": {"text/plain": "0.25"},
              "metadata": {"scrapbook": {"name": name}}} for name in ("c06-loss", "loss")]}],
        "metadata": {}}
    path = tmp_path / "06_planted.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    with pytest.raises(AssertionError) as failure:
        test_glued_names_carry_the_chapter_prefix_and_every_pasted_name_is_glued(path)
    message = str(failure.value)
    assert "'loss' does not start with 'c06-'" in message
    assert "pastes 'c06-steps', which no stored output" in message
    assert "'c06-loss'" not in message.split("pastes")[-1]


def test_listing_check_sees_exactly_the_shown_lines(tmp_path):
    module = tmp_path / "m.py"
    module.write_text(
        "def f(x):\n"
        '    """A docstring line that is much too long for the code box at 1280 px, '
        'really."""\n'
        "    y = x + 1  # pragma: no cover\n"
        "    return y\n", encoding="utf-8")
    whole = shown_lines(module, {"pyobject": "f"})
    assert len(whole) == 4 and len(whole[1]) > MAX_LINE
    body = shown_lines(module, {"pyobject": "f", "start-at": "y = x", "dedent": "4"})
    assert body == ["y = x + 1  # pragma: no cover", "return y"]
    assert TOOL_NOISE.search(body[0])
    assert shown_lines(module, {"pyobject": "g"}) is None
