"""The repository's promises about itself: quick start, table of contents, packaging.

* The README's "Quick start" block holds exactly the two commands, and `.ci/run`
  runs them.
* `_toc.yml` lists every page in `book/` and every page it lists exists.
* `mfnet` builds as a wheel whose only dependency is numpy.
* The workflows pass actionlint, when actionlint is installed (`python3 dev.py lint`).
"""
from __future__ import annotations

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
