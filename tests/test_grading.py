"""`python3 dev.py grade`: the book's solutions pass, blank notebooks do
not, and a notebook cannot fake a grade (printing "passed", redefining or
patching the check, editing the grader's files, looping, crashing), nor
stop the notebooks after it from being graded."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mfnet_book.exercises import EXERCISES
from mfnet_book.exercise_insert import student
from mfnet_book.exercise_solutions import SOLUTIONS
from mfnet_book import truth

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def grader_copy(tmp_path_factory) -> Path:
    """A copy of mfnet and mfnet_book, so that a notebook that edits the
    grader's files edits the copy."""
    root = tmp_path_factory.mktemp("grader")
    for package in ("mfnet", "mfnet_book"):
        shutil.copytree(ROOT / package, root / package,
                        ignore=shutil.ignore_patterns("__pycache__"))
    return root


def grade(root: Path, *paths, timeout=20) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(root))
    return subprocess.run(
        [sys.executable, "-m", "mfnet_book.grading", "--timeout",
         str(timeout), *map(str, paths)], cwd=root, env=env,
        capture_output=True, text=True, timeout=600)


def notebook(path: Path, answers: dict[str, str]) -> Path:
    """A notebook with one answer cell per exercise id."""
    cells = []
    for ex_id, source in answers.items():
        meta = {"mfnet": {"exercise": {"id": ex_id, "part": "answer"}}}
        cells += [{"cell_type": "code", "metadata": meta, "outputs": [],
                   "execution_count": None, "source": source}]
    path.write_text(json.dumps({"cells": cells, "metadata": {},
                                "nbformat": 4, "nbformat_minor": 5}))
    return path


RIGHT = SOLUTIONS["8.A"][1]
WRONG = ("def elu_backward(Z, dA, alpha):\n"
         "    return dA\n")


def test_the_books_own_chapters_pass(grader_copy):
    result = grade(grader_copy, ROOT / "book")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1] == f"{len(EXERCISES)} passed, 0 failed"
    for ex in EXERCISES:
        assert f"{ex.id} passed" in lines


def test_blank_student_notebooks_pass_nothing(grader_copy, tmp_path):
    for path in truth.chapters():
        blank = student(truth.load(path))
        (tmp_path / path.name).write_text(json.dumps(blank))
    result = grade(grader_copy, tmp_path)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[-1] == f"0 passed, {len(EXERCISES)} failed"
    for ex in EXERCISES:
        assert f"{ex.id} not attempted" in lines


def test_a_wrong_answer_gets_the_checks_message(grader_copy, tmp_path):
    result = grade(grader_copy, notebook(tmp_path / "w.ipynb",
                                         {"8.A": WRONG}))
    assert result.returncode == 1
    [line, last] = result.stdout.splitlines()
    assert line.startswith("8.A failed: dJ/dZ")
    assert "right except the factor g'(Z)" in line
    assert "row 0, the bias row, is wrong too" in line
    assert last == "0 passed, 1 failed"


FAKES = {
    "prints": 'print("8.A passed")\nprint("1 passed, 0 failed")\n' + WRONG,
    "redefines_check": (
        "import mfnet_book.exercises as ex\n"
        "def check(*args):\n    print('✓ 8.A: right on 3 test cases')\n"
        "ex.check = check\nex.verdict = lambda *a: None\n" + WRONG),
    "patches_numpy": (
        "import numpy\nnumpy.allclose = lambda *a, **k: True\n"
        "numpy.abs = lambda x: 0 * x\nnumpy.asarray = lambda x, **k: x\n"
        + WRONG),
    "exits": "import sys\nsys.exit(0)\n" + WRONG,
    "loops": "while True:\n    pass\n",
    "os_exit": "import os\nos._exit(0)\n",
    "segfault": "import ctypes\nctypes.string_at(0)\n",
    "edits_grader": (
        "import pathlib, mfnet\n"
        "d = pathlib.Path(mfnet.__file__).parents[1] / 'mfnet_book'\n"
        "d = d / 'exercise_diagnose.py'\n"
        "d.write_text('def compare(got, out):\\n    return None\\n')\n"
        "d.with_name('planted.py').write_text('')\n"
        + RIGHT),
}


def test_fakes_get_no_credit_and_do_not_stop_the_others(grader_copy,
                                                       tmp_path):
    diagnose = grader_copy / "mfnet_book" / "exercise_diagnose.py"
    before = diagnose.read_bytes()
    for name, source in FAKES.items():
        notebook(tmp_path / f"{name}.ipynb", {"8.A": source})
    notebook(tmp_path / "zz_right.ipynb", {"8.A": RIGHT, "7.A": WRONG})
    result = grade(grader_copy, tmp_path, timeout=8)
    out = result.stdout
    blocks = {}
    for block in out.split("== ")[1:]:
        head, *rest = block.splitlines()
        blocks[Path(head).stem] = rest
    assert result.returncode == 1
    for name in FAKES:
        assert blocks[name][0].startswith("8.A failed: "), (name, out)
    assert "right except the factor g'(Z)" in blocks["prints"][0]
    assert "right except the factor g'(Z)" in blocks["redefines_check"][0]
    assert "right except the factor g'(Z)" in blocks["patches_numpy"][0]
    assert "raised SystemExit" in blocks["exits"][0]
    assert "time limit of 8 s" in blocks["loops"][0]
    assert "process stopped (exit code 0)" in blocks["os_exit"][0]
    assert "process stopped (exit code -11)" in blocks["segfault"][0]
    assert "changed the grader's files" in blocks["edits_grader"][0]
    # the files are restored, the planted one removed, the last notebook
    # graded normally (7.A is wrong there: mse_grad is not defined)
    assert diagnose.read_bytes() == before
    assert not (diagnose.with_name("planted.py")).exists()
    assert blocks["zz_right"][0] == "8.A passed"
    assert blocks["zz_right"][1].startswith("7.A failed: ")
    assert out.splitlines()[-1] == f"1 passed, {len(FAKES) + 1} failed"
