"""The grader's worker: runs one notebook's answers, in a process of its own.

Started by :mod:`mfnet_book.grading` as ``python grading_worker.py FOLDER``
in a fresh process per notebook. It reads ``FOLDER/job.json``, runs a fixed
preamble, then for each exercise the notebook's answer cells and the
student's function on every test case, and writes each result to
``FOLDER/out-<exercise>-<case>.npz`` (with ``.json`` saying which outputs
were None) or ``.err`` as soon as it has it, so that a crash later costs
nothing already written. It judges nothing: the grader compares the
outputs with right answers it computed itself before any student code ran,
so nothing this process does (printing "passed", redefining ``check``,
patching numpy) can earn credit. numpy and the standard library only.
"""
import json
import os
import sys
import types

import numpy as np

PREAMBLE = "import math\nimport numpy as np\nimport mfnet\n"


def _unpack(npz) -> dict:
    """The case's arguments: arrays, 0-d arrays as Python scalars, lists."""
    spec = json.loads(str(npz["__spec__"]))
    args = {}
    for name, kind in spec:
        if kind == "list":
            n = int(npz[f"{name}.__len__"])
            args[name] = [np.array(npz[f"{name}.{i}"]) for i in range(n)]
        elif kind == "scalar":
            args[name] = npz[name].item()
        else:
            args[name] = np.array(npz[name])
    return args


def _save(folder, key, result, n_outputs) -> None:
    if n_outputs == 1:
        parts = [result]
    elif isinstance(result, (tuple, list)) and len(result) == n_outputs:
        parts = list(result)
    elif result is None or result is Ellipsis:
        parts = [result] * n_outputs
    else:
        length = (f" of length {len(result)}"
                  if isinstance(result, (tuple, list)) else "")
        raise TypeError(f"should return {n_outputs} values, got "
                        f"{type(result).__name__}{length}")
    kinds, arrays = [], {}
    for i, part in enumerate(parts):
        if part is None:
            kinds.append("none")
        elif part is Ellipsis:
            kinds.append("ellipsis")
        else:
            value = np.asarray(part)
            if value.dtype == object or value.dtype.kind not in "biuf":
                raise TypeError(f"output {i} is not an array of numbers "
                                f"(dtype {value.dtype})")
            arrays[f"out{i}"] = value.astype(float)
            kinds.append("array")
    np.savez(os.path.join(folder, f"out-{key}.npz"), **arrays)
    with open(os.path.join(folder, f"out-{key}.json"), "w") as f:
        json.dump(kinds, f)


def main(folder: str) -> None:
    with open(os.path.join(folder, "job.json"), encoding="utf-8") as f:
        job = json.load(f)
    # The notebook's `from mfnet_book.exercises import check` gets a check
    # that does nothing (and the reference answers cannot be imported).
    fake = types.ModuleType("mfnet_book.exercises")
    fake.check = lambda *args, **kwargs: None
    sys.modules["mfnet_book.exercises"] = fake
    for name in ("exercise_catalog", "exercise_diagnose", "exercise_solutions",
                 "exercise_hidden", "grading"):
        sys.modules[f"mfnet_book.{name}"] = None     # ImportError
    namespace = {"__name__": "__main__"}
    exec(compile(PREAMBLE, "<preamble>", "exec"), namespace)
    for exercise in job["exercises"]:
        ex_id = exercise["id"]
        try:
            for i, source in enumerate(exercise["cells"]):
                exec(compile(source, f"<answer {ex_id} cell {i}>", "exec"),
                     namespace)
            function = namespace.get(exercise["function"])
            if not callable(function):
                raise NameError(f"the notebook defines no function "
                                f"{exercise['function']}")
        except BaseException as error:      # the student's code failed
            with open(os.path.join(folder, f"err-{ex_id}.txt"), "w") as f:
                f.write(f"{type(error).__name__}: {error}")
            continue
        for k, case in enumerate(exercise["cases"]):
            key = f"{ex_id}-{k}"
            try:
                with np.load(os.path.join(folder, case),
                             allow_pickle=False) as npz:
                    args = _unpack(npz)
                result = function(*args.values())
                _save(folder, key, result, exercise["n_outputs"])
            except BaseException as error:
                with open(os.path.join(folder, f"err-{key}.txt"), "w") as f:
                    f.write(f"{exercise['function']} raised "
                            f"{type(error).__name__}: {error}")


if __name__ == "__main__":
    main(sys.argv[1])
