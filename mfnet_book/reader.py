"""The reader's notebooks: the chapters as a notebook front end shows them.

``python3 dev.py notebooks [OUTDIR]`` (after ``dev.py book`` or
``dev.py preview``) turns every chapter ``book/NN_*.ipynb`` into a notebook
that reads well in JupyterLab, Colab and on GitHub, in
``OUTDIR/notebooks/book/`` (default ``_build/html``, so the site publishes
them), and makes each page's ``.ipynb`` download that notebook:

* glued values written in (``{glue:text}`name:fmt```, read from the
  notebook's stored ``application/papermill.record`` outputs);
* MyST roles as plain text, numbered as in the built book, whose Sphinx
  environment gives the numbers: ``{numref}`` as "Figure 6.2",
  ``{eq}`` as "(4.3)", ``{doc}`` as "Chapter 5 (*Layers*)", ``{ref}`` as
  the title or "Exercise 6.1", ``{cite}`` as "[RHW86]" with a "References"
  section at the end, code roles as code;
* directives as Markdown: exercises and solutions as bold headings in
  blockquotes, admonitions as blockquotes, ``literalinclude`` as the code
  it includes, labelled display math with ``\\tag{4.3}``; ``(label)=``
  targets removed;
* figures kept (the outputs), each followed by its numbered caption;
* the Colab set-up cell first and visible; cells the book removes or
  folds stay (later cells may need them) with their source hidden.

Reads the environment pickle (``_build/.doctrees/environment.pickle``) with
the Sphinx of the book's virtual environment.
"""
from __future__ import annotations

import ast
import copy
import json
import pickle
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"

# Markup a notebook front end cannot render (tests/test_reader_notebooks.py).
LEFTOVER = re.compile(
    r"\{(glue|glue:\w+|numref|eq|doc|cite(?::\w+)?|ref|func|class|meth|mod|"
    r"math|term|download)\}`"
    r"|^\s*(`{3,}|:{3,})\s*\{[\w:-]+\}"
    r"|^\s*\([\w.:-]+\)=\s*$"
    r"|^:(label|class|nonumber|caption|name):", re.M)


class Numbers:
    """Numbers and titles of the built book, from Sphinx's environment."""

    def __init__(self, env_pickle: Path) -> None:
        with open(env_pickle, "rb") as f:
            env = pickle.load(f)
        self.fignumbers = env.toc_fignumbers
        self.secnumbers = env.toc_secnumbers
        self.titles = {d: t.astext() for d, t in env.titles.items()}
        self.labels = env.domaindata["std"]["labels"]
        self.equations = env.domaindata["math"]["objects"]
        self.citations = {}
        for c in env.domaindata.get("cite", {}).get("citations", []):
            entry = c.formatted_entry
            self.citations[c.key] = (entry.label,
                                     entry.text.render_as("text"))

    def chapter(self, docname: str) -> str:
        number = self.secnumbers.get(docname, {}).get("")
        title = self.titles.get(docname, docname)
        if number:
            return f"Chapter {'.'.join(map(str, number))} (*{title}*)"
        return f"*{title}*"

    def numbered(self, label: str, kinds=("figure", "table", "exercise",
                                          "code-block", "displaymath")):
        """("Figure", "6.2") for a label, or None."""
        names = {"figure": "Figure", "table": "Table", "exercise": "Exercise",
                 "code-block": "Listing", "displaymath": "eq."}
        for docname, kinds_found in self.fignumbers.items():
            for kind in kinds:
                ids = kinds_found.get(kind, {})
                for key in (label, label.lower(), _make_id(label),
                            _make_id(f"equation-{label}")):
                    if key in ids:
                        return names[kind], ".".join(map(str, ids[key]))
        return None

    def equation(self, label: str) -> str | None:
        found = self.numbered(label, ("displaymath",))
        return found[1] if found else None


def _make_id(text: str) -> str:
    from docutils.nodes import make_id
    return make_id(text)


def _source(cell) -> str:
    s = cell.get("source", "")
    return s if isinstance(s, str) else "".join(s)


def glue_values(nb: dict) -> dict:
    """{name: value} of the values the notebook glues."""
    values = {}
    for cell in nb.get("cells", []):
        for out in cell.get("outputs", []):
            meta = out.get("metadata", {}).get("scrapbook")
            if not meta:
                continue
            data = out.get("data", {})
            text = next((v for k, v in data.items()
                         if k.endswith("text/plain")), "")
            text = text if isinstance(text, str) else "".join(text)
            try:
                value = ast.literal_eval(text)
            except (ValueError, SyntaxError):
                value = text.strip("'\"")
            values[meta.get("name")] = value
    return values


def _glue(match, values: dict, where: str) -> str:
    key, _, fmt = match.group(1).partition(":")
    if key not in values:
        raise KeyError(f"{where}: no glued value {key!r}")
    value = values[key]
    if fmt:
        return format(value, fmt)
    return str(value)


def _literalinclude(arg: str, options: dict, folder: Path) -> str:
    from sphinx.directives.code import LiteralIncludeReader

    class Config:
        source_encoding = "utf-8-sig"
        highlight_language = "python"
    opts = {k: (int(v) if k == "dedent" else v) for k, v in options.items()
            if k in ("pyobject", "start-at", "end-at", "start-after",
                     "end-before", "lines", "dedent")}
    text, _ = LiteralIncludeReader(str((folder / arg).resolve()), opts,
                                   Config()).read()
    language = options.get("language", "python")
    caption = options.get("caption")
    head = f"*{caption}*\n\n" if caption else ""
    return f"{head}```{language}\n{text.rstrip()}\n```"


DIRECTIVE = re.compile(
    r"^(?P<fence>`{3,}|:{3,})\{(?P<name>[\w:-]+)\}[ \t]*(?P<arg>[^\n]*)\n"
    r"(?P<body>.*?)^(?P=fence)[ \t]*$", re.M | re.S)


def _options(body: str) -> tuple[dict, str]:
    options, lines = {}, body.split("\n")
    while lines and re.match(r"^:[\w-]+:", lines[0]):
        key, _, value = lines.pop(0)[1:].partition(":")
        options[key] = value.strip()
    return options, "\n".join(lines).strip("\n")


def _quote(text: str) -> str:
    return "\n".join("> " + line if line.strip() else ">"
                     for line in text.strip("\n").split("\n"))


class Converter:
    """Turns one chapter's Markdown into plain Markdown."""

    def __init__(self, numbers: Numbers, docname: str, values: dict,
                 folder: Path) -> None:
        self.n, self.doc, self.values, self.folder = (numbers, docname,
                                                      values, folder)
        self.cited: list[str] = []
        self.solution_open = False

    def exercise_name(self, label: str) -> str:
        found = self.n.numbered(label, ("exercise",))
        if found:
            return f"Exercise {found[1]}"
        title = self.n.labels.get(label, (None, None, ""))[2]
        return f"Exercise ({title})" if title else "the exercise"

    def directive(self, m) -> str:
        name, arg = m.group("name"), m.group("arg").strip()
        options, body = _options(m.group("body"))
        body = self.markdown(body)
        if name == "exercise":
            label = options.get("label", "")
            number = (self.n.numbered(label, ("exercise",))
                      if "nonumber" not in options else None)
            head = f"**Exercise {number[1]}**" if number else "**Exercise**"
            if arg:
                head += f" ({self.markdown(arg)})"
            return _quote(f"{head}\n\n{body}")
        if name in ("solution", "solution-start"):
            head = f"**Solution to {self.exercise_name(arg)}**"
            self.solution_open = name == "solution-start"
            return _quote(f"{head}\n\n{body}" if body else head)
        if name == "solution-end":
            return ""
        if name == "literalinclude":
            return _literalinclude(arg, options, self.folder)
        if name == "nb-exec-table":
            return ""
        if name in ("math",):
            return f"$$\n{body}\n$$"
        # admonitions: note, warning, tip, important, admonition, ...
        title = arg or name.capitalize()
        return _quote(f"**{self.markdown(title)}**\n\n{body}")

    def role(self, m) -> str:
        role, text = m.group(1), m.group(2)
        explicit = re.match(r"^(.*?)\s*<([^<>]+)>$", text, re.S)
        shown, target = (explicit.group(1), explicit.group(2)) if explicit \
            else (None, text)
        if role.startswith("glue"):
            return _glue(re.match(r"(.*)", target), self.values, self.doc)
        if role == "eq":
            number = self.n.equation(target)
            if number is None:
                raise KeyError(f"{self.doc}: no equation {target!r}")
            return f"({number})"
        if role == "numref":
            found = self.n.numbered(target)
            if found is None:
                raise KeyError(f"{self.doc}: no numbered target {target!r}")
            kind, number = found
            if shown:
                return shown.replace("%s", number).replace("{number}", number)
            return f"{kind} {number}"
        if role == "doc":
            docname = str((Path(self.doc).parent / target)).replace("\\", "/")
            docname = re.sub(r"\.(ipynb|md)$", "", docname)
            chapter = self.n.chapter(docname)
            return f"{shown} ({chapter})" if shown else chapter
        if role == "ref":
            if target in self.n.labels:
                docname, _, title = self.n.labels[target]
            else:
                title = ""
            found = self.n.numbered(target, ("exercise",))
            text = f"Exercise {found[1]}" if found else (title or target)
            return shown or text
        if role.startswith("cite"):
            labels = []
            for key in (k.strip() for k in target.split(",")):
                self.cited.append(key)
                labels.append(self.n.citations.get(key, (key, ""))[0])
            return "[" + ", ".join(labels) + "]"
        if role == "math":
            return f"${target}$"
        return f"`{shown or target}`"

    def math(self, m) -> str:
        number = self.n.equation(m.group("label"))
        if number is None:
            raise KeyError(f"{self.doc}: no equation {m.group('label')!r}")
        return f"$$\n{m.group('body').strip()}\n\\tag{{{number}}}\n$$"

    def markdown(self, text: str) -> str:
        text = re.sub(r"^\([\w.:-]+\)=[ \t]*\n?", "", text, flags=re.M)
        text = re.sub(r"\$\$(?P<body>.*?)\$\$[ \t]*\((?P<label>[\w.:-]+)\)",
                      self.math, text, flags=re.S)
        text = DIRECTIVE.sub(self.directive, text)
        text = re.sub(r"\{([\w:-]+)\}`([^`]*)`", self.role, text)
        return text


def _hide(cell: dict, outputs: bool = False) -> None:
    meta = cell.setdefault("metadata", {}).setdefault("jupyter", {})
    meta["source_hidden"] = True
    if outputs:
        meta["outputs_hidden"] = True


def _attachments(cell: dict, folder: Path) -> None:
    """Local images of a Markdown cell as attachments (the notebook stands
    alone)."""
    import base64

    def attach(m):
        alt, path = m.group(1), m.group(2)
        file = folder / path
        if path.startswith(("http:", "https:", "attachment:", "data:")) \
                or not file.exists():
            return m.group(0)
        mime = "image/png" if file.suffix == ".png" else "image/svg+xml"
        cell.setdefault("attachments", {})[file.name] = {
            mime: base64.b64encode(file.read_bytes()).decode()}
        return f"![{alt}](attachment:{file.name})"
    cell["source"] = re.sub(r"!\[([^\]]*)\]\(([^)\s]+)\)", attach,
                            cell["source"])


def student_transform(nb: dict) -> dict:
    """The student's notebook (stubs, no solutions), as dev.py makes it."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("mfnet_dev", ROOT / "dev.py")
    dev = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(dev)
    return dev.student_notebook(nb)


def convert(path: Path, numbers: Numbers, transform=None) -> dict:
    """The reader's notebook of one chapter (``transform``: applied to the
    source notebook first, e.g. :func:`student_transform`)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    docname = f"book/{path.stem}"
    values = glue_values(nb)        # of the whole chapter, solutions too
    if transform is not None:
        nb = transform(nb)
    conv = Converter(numbers, docname, values, path.parent)
    cells, setup = [], None
    for cell in copy.deepcopy(nb["cells"]):
        tags = cell.get("metadata", {}).get("tags", [])
        if cell["cell_type"] == "markdown":
            cell["source"] = conv.markdown(_source(cell)).strip("\n")
            _attachments(cell, path.parent)
            if cell["source"].strip():
                cells.append(cell)
            continue
        if cell["cell_type"] != "code":
            cells.append(cell)
            continue
        if setup is None and "Colab set-up" in _source(cell):
            setup = cell
            cell["metadata"]["tags"] = [t for t in tags if t != "remove-cell"]
            continue
        if "remove-cell" in tags:
            _hide(cell, outputs=True)
        elif "remove-input" in tags or "hide-input" in tags:
            _hide(cell)
        if "remove-output" in tags:
            cell["outputs"] = []
        cells.append(cell)
        figure = cell.get("metadata", {}).get("mystnb", {}).get("figure")
        if figure:
            found = numbers.numbered(figure.get("name", ""), ("figure",))
            head = f"**Figure {found[1]}.** " if found else ""
            caption = conv.markdown(figure.get("caption", ""))
            cells.append({"cell_type": "markdown", "metadata": {},
                          "source": f"{head}{caption}"})
    if conv.cited:
        seen = list(dict.fromkeys(conv.cited))
        entries = [f"- **[{numbers.citations[k][0]}]** "
                   f"{numbers.citations[k][1]}" for k in seen
                   if k in numbers.citations]
        cells.append({"cell_type": "markdown", "metadata": {},
                      "source": "## References\n\n" + "\n".join(entries)})
    if setup is not None:
        setup["outputs"] = []
        cells.insert(0, setup)
    for i, cell in enumerate(cells):
        cell.setdefault("id", f"reader-{i}")
    nb["cells"] = cells
    return nb


def leftovers(nb: dict) -> list[str]:
    """Markup left in the Markdown cells that a front end shows raw."""
    found = []
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "markdown":
            for m in LEFTOVER.finditer(_source(cell)):
                found.append(f"cell {i}: {m.group(0)!r}")
    return found


def write(outdir: Path, env_pickle: Path, chapters=None) -> list[Path]:
    """Write the reader's notebooks under outdir/notebooks/book/ and make
    outdir/_sources/book/NN.ipynb (the download button) the same file."""
    numbers = Numbers(env_pickle)
    written = []
    target = outdir / "notebooks" / "book"
    target.mkdir(parents=True, exist_ok=True)
    for path in chapters or sorted(BOOK.glob("[0-9][0-9]_*.ipynb")):
        nb = convert(path, numbers)
        problems = leftovers(nb)
        if problems:
            raise ValueError(f"{path.name}: markup left: {problems[:5]}")
        text = json.dumps(nb, indent=1, ensure_ascii=False) + "\n"
        (target / path.name).write_text(text, encoding="utf-8")
        source = outdir / "_sources" / "book" / path.name
        if source.parent.exists():
            source.write_text(text, encoding="utf-8")
        written.append(target / path.name)
    return written


def find_env(outdir: Path) -> Path | None:
    for candidate in (outdir.parent / ".doctrees" / "environment.pickle",
                      ROOT / "_build" / ".doctrees" / "environment.pickle",
                      ROOT / "_build" / "preview" / "_build" / ".doctrees"
                      / "environment.pickle"):
        if candidate.exists():
            return candidate
    return None


def write_student(folder: Path, env_pickle: Path) -> list[Path]:
    """The student's reader's notebooks (stubs, no solutions) in folder."""
    numbers = Numbers(env_pickle)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for path in sorted(BOOK.glob("[0-9][0-9]_*.ipynb")):
        nb = convert(path, numbers, student_transform)
        problems = leftovers(nb)
        if problems:
            raise ValueError(f"{path.name}: markup left: {problems[:5]}")
        (folder / path.name).write_text(
            json.dumps(nb, indent=1, ensure_ascii=False) + "\n",
            encoding="utf-8")
        written.append(folder / path.name)
    return written


def main(argv: list[str]) -> int:
    if argv[:1] == ["--student"]:
        env = find_env(ROOT / "_build" / "html")
        if env is None:
            print("no built book: the student zip keeps the source notebooks")
            return 1
        written = write_student(Path(argv[1]), env)
        print(f"{len(written)} student reader's notebooks in {argv[1]}")
        return 0
    outdir = Path(argv[0]) if argv else ROOT / "_build" / "html"
    env = find_env(outdir)
    if env is None:
        print("no built book (_build/.doctrees/environment.pickle): run "
              "`python3 dev.py book` (or `preview`) first")
        return 1
    written = write(outdir, env)
    print(f"{len(written)} reader's notebooks in {outdir / 'notebooks' / 'book'}"
          f" (numbers from {env})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
