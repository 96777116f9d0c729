"""Grade completed exercise notebooks: ``python3 dev.py grade PATH...``.

For every notebook (a file, or every ``*.ipynb`` under a folder) and every
checked exercise it contains, one line: ``5.A passed``, ``5.A failed:
<what is wrong>`` or ``5.A not attempted``; then ``N passed, M failed``
(not attempted counts as failed), and the exit code is 1 if anything
failed.

How a grade is made, so that it cannot be faked:

1. Before any student code runs, this process draws the test cases (the
   public seeds and the hidden ones of :mod:`.exercise_hidden`, which the student
   zip does not contain) and computes the right answers itself
   (:mod:`.exercise_catalog`), and records the bytes of the grader's own files
   (``mfnet/`` and ``mfnet_book/``).
2. Each notebook's answer cells run in a fresh Python process
   (:mod:`.grading_worker`, started in a new session in an empty temporary
   folder) with a time limit, after a fixed preamble instead of the
   notebook's own set-up; ``check`` is a no-op there. The worker only
   writes the function's outputs for each case to files.
3. This process compares those outputs with its own right answers. What
   the notebook prints, how it redefines or patches ``check`` or numpy,
   is never read. A worker that loops is killed at the time limit, one
   that crashes (``os._exit``, a segfault) leaves the exercises it did not
   reach failed; the next notebook is graded as usual. A notebook that
   changed the grader's files fails, and the files are restored.

Running a student's code is **not** a sandbox: it can read and write what
your user can. Grade untrusted notebooks in a container (``docker run
--network none --read-only`` with the repository mounted read-only and a
``tmpfs`` for ``/tmp``), as otter-grader's Docker mode does.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from .exercises import PUBLIC_SEEDS, case, hidden_seeds, verdict
from .exercise_catalog import BY_ID, EXERCISES
from .exercise_insert import exercise_part

WORKER = Path(__file__).with_name("grading_worker.py")


def notebooks(paths: list[str]) -> list[Path]:
    found = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*.ipynb")
                            if ".ipynb_checkpoints" not in p.parts)
        else:
            found.append(path)
    return found


def _source(cell) -> str:
    s = cell.get("source", "")
    return s if isinstance(s, str) else "".join(s)


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def answers(nb: dict) -> tuple[dict, dict]:
    """({exercise id: [answer cell sources]}, {exercise id: {stubs}}) for
    the exercises the notebook has (no answer cell: an empty list)."""
    found: dict[str, list] = {}
    stubs: dict[str, set] = {}
    for cell in nb.get("cells", []):
        part = exercise_part(cell)
        if not part or part.get("id") not in BY_ID:
            continue
        cells = found.setdefault(part["id"], [])
        if part.get("part") == "answer" and cell.get("cell_type") == "code":
            cells.append(_source(cell))
            stubs.setdefault(part["id"], set()).add(
                _normal(str(part.get("stub", ""))))
    return found, stubs


def _pack(path: Path, inputs: dict) -> None:
    arrays, spec = {}, []
    for name, value in inputs.items():
        if isinstance(value, list):
            spec.append((name, "list"))
            arrays[f"{name}.__len__"] = np.array(len(value))
            for i, v in enumerate(value):
                arrays[f"{name}.{i}"] = np.asarray(v)
        elif isinstance(value, np.ndarray):
            spec.append((name, "array"))
            arrays[name] = value
        else:
            spec.append((name, "scalar"))
            arrays[name] = np.asarray(value)
    arrays["__spec__"] = np.array(json.dumps(spec))
    np.savez(path, **arrays)


def _snapshot(roots: list[Path]) -> dict[Path, bytes]:
    return {p: p.read_bytes() for root in roots for p in sorted(root.rglob("*.py"))}


def _changed(snapshot: dict[Path, bytes], roots: list[Path]) -> list[Path]:
    """Files that differ from the snapshot (restored), or appeared."""
    changed = []
    for path, data in snapshot.items():
        try:
            same = path.read_bytes() == data
        except OSError:
            same = False
        if not same:
            changed.append(path)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    for root in roots:
        for path in root.rglob("*.py"):
            if path not in snapshot:
                changed.append(path)
                path.unlink()
    return changed


def _limits() -> None:   # pragma: no cover (runs in the child)
    try:
        import resource
        gib = 4 * 1024 ** 3
        resource.setrlimit(resource.RLIMIT_AS, (gib, gib))
    except (ImportError, ValueError, OSError):
        pass


def run_worker(folder: Path, timeout: float) -> tuple[str, int | None]:
    """("ok" | "timeout" | "died", exit code) of one worker run."""
    env = dict(os.environ)
    from .truth import ROOT
    root = str(ROOT)
    env["PYTHONPATH"] = os.pathsep.join(
        [root] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    with open(folder / "stdout.txt", "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, str(WORKER), str(folder)], cwd=folder, env=env,
            stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_limits if os.name == "posix" else None)
        try:
            code = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                proc.kill()
            proc.wait()
            return "timeout", None
    # Whatever the worker left behind in its session dies with it.
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    return ("ok" if code == 0 else "died"), code


def _result(folder: Path, key: str, n_outputs: int):
    """The function's value on one case as the worker saved it, an
    exception standing for an error, or None when nothing was saved."""
    err = folder / f"err-{key}.txt"
    if err.exists():
        return RuntimeError(err.read_text(encoding="utf-8", errors="replace")
                            [:500])
    meta, data = folder / f"out-{key}.json", folder / f"out-{key}.npz"
    if not (meta.exists() and data.exists()):
        return None
    try:
        kinds = json.loads(meta.read_text())
        with np.load(data, allow_pickle=False) as npz:
            parts = [None if k == "none" else Ellipsis if k == "ellipsis"
                     else np.array(npz[f"out{i}"]) for i, k in enumerate(kinds)]
    except Exception as error:   # a file the student's code tampered with
        return RuntimeError(f"unreadable output ({type(error).__name__})")
    if len(parts) != n_outputs:
        return RuntimeError("unreadable output (wrong number of parts)")
    return parts[0] if n_outputs == 1 else tuple(parts)


class Grader:
    """Right answers computed once, then any number of notebooks graded."""

    def __init__(self, seeds: tuple, timeout: float) -> None:
        self.timeout = timeout
        self.seeds = seeds
        self.cases = {ex.id: [case(ex, s) for s in seeds] for ex in EXERCISES}
        import mfnet
        import mfnet_book
        self.roots = [Path(mfnet.__file__).parent,
                      Path(mfnet_book.__file__).parent]
        self.snapshot = _snapshot(self.roots)

    def grade(self, path: Path) -> list[tuple[str, str]]:
        """[(exercise id, "passed" | "failed: ..." | "not attempted")]."""
        try:
            nb = json.loads(path.read_text(encoding="utf-8"))
            found, stubs = answers(nb)
        except (OSError, ValueError, AttributeError) as error:
            return [("?", f"failed: cannot read the notebook ({error})")]
        lines, job = {}, []
        for ex_id, cells in found.items():
            ex = BY_ID[ex_id]
            empty = {"", _normal(ex.stub)} | stubs.get(ex_id, set())
            if not cells or all(_normal(c) in empty for c in cells):
                lines[ex_id] = "not attempted"
            else:
                job.append(ex)
        if not job:
            return [(i, lines[i]) for i in found]
        folder = Path(tempfile.mkdtemp(prefix="mfnet-grade-"))
        try:
            spec = []
            for ex in job:
                names = []
                for k, (inputs, _) in enumerate(self.cases[ex.id]):
                    name = f"in-{ex.id}-{k}.npz"
                    _pack(folder / name, inputs)
                    names.append(name)
                spec.append({"id": ex.id, "function": ex.function,
                             "cells": found[ex.id], "cases": names,
                             "n_outputs": len(self.cases[ex.id][0][1])})
            (folder / "job.json").write_text(json.dumps({"exercises": spec}))
            status, code = run_worker(folder, self.timeout)
            changed = _changed(self.snapshot, self.roots)
            for ex in job:
                lines[ex.id] = self._judge(ex, folder, status, code, changed)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return [(i, lines[i]) for i in found]

    def _judge(self, ex, folder, status, code, changed) -> str:
        if changed:
            names = ", ".join(p.name for p in changed[:3])
            return (f"failed: the notebook changed the grader's files "
                    f"({names}); they were restored, no credit")
        err = folder / f"err-{ex.id}.txt"
        if err.exists():
            text = err.read_text(encoding="utf-8", errors="replace")[:300]
            return f"failed: the answer cell raised {text}"
        cases = self.cases[ex.id]
        results = [_result(folder, f"{ex.id}-{k}", len(cases[0][1]))
                   for k in range(len(cases))]
        if any(r is None for r in results):
            if status == "timeout":
                return (f"failed: time limit of {self.timeout:g} s reached "
                        f"(an endless loop?) before it was tested")
            return (f"failed: the notebook's Python process stopped (exit "
                    f"code {code}) before it was tested")
        message = verdict(ex, results, cases)
        return "passed" if message is None else f"failed: {message}"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="dev.py grade", description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+", metavar="PATH")
    parser.add_argument("--timeout", type=float, default=60.0,
                        help="seconds per notebook (default 60)")
    parser.add_argument("--public-only", action="store_true",
                        help="only the public test cases")
    parser.add_argument("--seeds", default="",
                        help="comma-separated seeds of your own for the "
                        "hidden cases (the repository's are public)")
    args = parser.parse_args(argv)
    own = tuple(int(s) for s in args.seeds.split(",") if s.strip())
    seeds = PUBLIC_SEEDS + (() if args.public_only else own or hidden_seeds())
    if not args.public_only and not hidden_seeds():
        print("note: the hidden test cases are missing "
              "(mfnet_book/exercise_hidden.py); grading on the public ones")
    grader = Grader(seeds, args.timeout)
    passed = failed = 0
    paths = notebooks(args.paths)
    for path in paths:
        lines = grader.grade(path)
        if len(paths) > 1 and lines:
            print(f"== {path}")
        for ex_id, line in lines:
            print(f"{ex_id} {line}")
            if line == "passed":
                passed += 1
            else:
                failed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
