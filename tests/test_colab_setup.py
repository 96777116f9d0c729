"""The Colab set-up cell: every chapter starts with it, and it works.

In Colab a notebook opens alone, without the repository, so the first code cell
of every chapter installs mfnet when ``import mfnet`` fails (and does nothing
otherwise). This module checks that

* every notebook of the book starts with exactly that cell, tagged
  ``remove-cell`` (hidden in the rendered book);
* in a fresh virtual environment where mfnet is *not* importable, the cell
  installs the project, and a whole chapter then runs: the environment sees
  the packages of the current one (numpy, matplotlib, IPython, ipykernel,
  ...) except the project's own (``mfnet``, the book's helper package
  ``mfnet_book``, ``mfnet_torch``) and the book-building tools Colab does not
  have (myst-nb, jupyter-book, Sphinx, nbval); ``MFNET_INSTALL_SOURCE`` points
  the cell at a copy of this checkout instead of the GitHub repository. The
  chapter imports ``mfnet_book`` (its displays, figures and ``record``), so
  the test checks that the one install brings both packages.

COLAB_CELL below is the one source of the cell's text (CONTRIBUTING.md shows it).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
# The chapter the installation test runs (small, no data sets).
NOTEBOOK = BOOK / "06_worked_example.ipynb"

COLAB_CELL = '''\
# Colab set-up (hidden in the book): make `mfnet` importable when it is not.
# A no-op locally, on Binder and in CI, where mfnet is already installed.
try:
    import mfnet
except ImportError:
    import importlib, os, subprocess, sys
    source = os.environ.get(
        "MFNET_INSTALL_SOURCE",
        "mfnet @ git+https://github.com/mfnet-book/mfnet-book")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", source],
                   check=True)
    importlib.invalidate_caches()
    import mfnet'''


def book_notebooks() -> list[Path]:
    return sorted(p for p in BOOK.glob("*.ipynb") if not p.name.startswith("_"))


def first_code_cell(path: Path) -> dict:
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert cells, f"{path.name} has no code cell"
    return cells[0]


@pytest.mark.parametrize("path", book_notebooks(), ids=lambda p: p.name)
def test_notebook_starts_with_the_colab_cell(path):
    cell = first_code_cell(path)
    source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    assert source.strip() == COLAB_CELL.strip(), (
        f"the first code cell of {path.name} is not the Colab set-up cell "
        "(copy it from CONTRIBUTING.md)")
    assert "remove-cell" in cell.get("metadata", {}).get("tags", []), (
        f"the Colab set-up cell of {path.name} must carry the tag remove-cell")
    assert not cell.get("outputs"), f"the Colab cell of {path.name} has outputs stored"


def test_colab_cell_is_a_no_op_when_mfnet_imports():
    code = COLAB_CELL + "\nprint(mfnet.__name__)"
    env = {**os.environ, "MFNET_INSTALL_SOURCE": "/nonexistent/must-not-be-installed"}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "mfnet"


# Distributions (and their modules) that build the book but are not in Colab.
NOT_IN_COLAB = ("myst_nb", "myst-nb", "myst_parser", "jupyter_book", "jupyter-book", "sphinx",
                "pydata_sphinx_theme", "nbval", "_pytest", "pytest")


def _environment_without_mfnet(tmp_path: Path) -> Path:
    """A venv that sees this environment's packages except mfnet; returns its python."""
    parent = Path(sysconfig.get_paths()["purelib"])
    shared = tmp_path / "shared-site"
    shared.mkdir()
    for entry in parent.iterdir():
        name = entry.name.lower()
        if name.startswith("mfnet") or ("__editable__" in name and "mfnet" in name):
            continue
        if name.startswith(NOT_IN_COLAB):
            continue
        (shared / entry.name).symlink_to(entry, target_is_directory=entry.is_dir())
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False, symlinks=os.name != "nt").create(env_dir)
    python = env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True).stdout.strip()
    Path(purelib).mkdir(parents=True, exist_ok=True)
    # A .pth line starting with `import` runs at start-up: add the shared packages
    # as a site directory (so their own .pth files are processed too).
    (Path(purelib) / "_mfnet_test_shared.pth").write_text(
        f"import site; site.addsitedir({str(shared)!r})\n")
    return python


def _copy_checkout(tmp_path: Path) -> Path:
    """What the GitHub repository gives pip: the top-level files and the packages."""
    src = tmp_path / "checkout"
    src.mkdir()
    for path in ROOT.iterdir():
        if path.is_file():
            shutil.copy2(path, src / path.name)
    for package in packages():
        shutil.copytree(ROOT / package, src / package,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return src


def packages() -> list[str]:
    """The packages pyproject.toml installs (mfnet, the book's helpers mfnet_book, ...)."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return list(project["tool"]["setuptools"]["packages"])


def test_the_checkout_copy_holds_every_package_pyproject_installs(tmp_path):
    assert {"mfnet", "mfnet_book"} <= set(packages())
    checkout = _copy_checkout(tmp_path)
    for package in packages():
        assert (checkout / package / "__init__.py").exists(), package


RUNNER = textwrap.dedent('''
    import sys
    import nbformat
    from nbclient import NotebookClient

    path, workdir = sys.argv[1], sys.argv[2]
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": workdir}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code"
              for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, errors
    print("notebook ran")
''')


def test_colab_cell_installs_mfnet_in_a_fresh_environment(tmp_path):
    if not NOTEBOOK.exists():
        pytest.skip(f"{NOTEBOOK.relative_to(ROOT)} does not exist yet")
    python = _environment_without_mfnet(tmp_path)
    checkout = _copy_checkout(tmp_path)
    workdir = tmp_path / "work"  # the notebook runs alone, as in Colab
    workdir.mkdir()
    shutil.copy2(NOTEBOOK, workdir / NOTEBOOK.name)
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV", "JUPYTER_PATH", "PYTHONHOME")}
    env.update(PYTHONNOUSERSITE="1", MFNET_INSTALL_SOURCE=str(checkout),
               PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1")

    def run(*args, **kw):
        return subprocess.run([str(python), *map(str, args)], capture_output=True, text=True,
                              env=env, cwd=workdir, **kw)

    for module in ("mfnet", "mfnet_book", "myst_nb"):
        before = run("-c", f"import {module}", timeout=60)
        assert before.returncode != 0 and f"No module named '{module}'" in before.stderr, (
            f"{module} must not be importable in the fresh environment before the cell runs:"
            "\n" + before.stdout + before.stderr)
    ran = run("-c", RUNNER, workdir / NOTEBOOK.name, workdir, timeout=600)
    assert ran.returncode == 0 and "notebook ran" in ran.stdout, ran.stdout + ran.stderr[-4000:]
    for module in ("mfnet", "mfnet_book"):
        after = run("-c", f"import {module}, sys; print({module}.__file__); print(sys.prefix)",
                    timeout=60)
        assert after.returncode == 0, after.stderr
        location, prefix = after.stdout.split()
        assert Path(location).is_relative_to(Path(prefix)), (
            f"{module} should have been installed into the fresh environment, found at "
            f"{location}")


# What a chapter may import in Colab: the standard library, what Colab has
# installed, and what the Colab cell installs (pyproject's packages and modules).
COLAB_HAS = {"numpy", "scipy", "matplotlib", "matplotlib_inline", "sympy", "mpmath", "torch",
             "IPython", "pandas", "threadpoolctl", "PIL"}


def project_modules() -> set[str]:
    import tomllib

    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))[
        "tool"]["setuptools"]
    return set(setuptools.get("packages", [])) | set(setuptools.get("py-modules", []))


def imported_modules(path: Path) -> dict[str, int]:
    """Top-level module name -> first cell index, for every import in the code cells."""
    import ast

    sys.path.insert(0, str(ROOT))
    from mfnet_book import truth

    found: dict[str, int] = {}
    for index, cell in enumerate(json.loads(path.read_text(encoding="utf-8"))["cells"]):
        if cell["cell_type"] != "code":
            continue
        tree = truth.parse_cell(cell)
        for node in ast.walk(tree) if tree else []:
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module] if isinstance(node, ast.ImportFrom) and node.module \
                and not node.level else []
            for name in names:
                found.setdefault(name.split(".")[0], index)
    return found


@pytest.mark.parametrize("path", book_notebooks(), ids=lambda p: p.name)
def test_chapter_imports_only_what_colab_has_or_the_cell_installs(path):
    allowed = set(sys.stdlib_module_names) | COLAB_HAS | project_modules()
    missing = {name: cell for name, cell in imported_modules(path).items()
               if name not in allowed}
    assert not missing, (
        f"{path.name} imports modules that Colab does not have and the Colab cell does not "
        f"install: {missing} (module: first cell). Install them with the project "
        "(pyproject.toml packages/py-modules), or use mfnet_book's wrappers (e.g. "
        "mfnet_book.record instead of myst_nb.glue)")
