"""Checked exercises: ``check("8.A", elu_backward)`` in a notebook.

A check runs the student's function on a few test cases, computes the right
answer for each independently (finite differences of a forward pass written
in plain numpy, eigenvalues, counting; see :mod:`.exercise_catalog`) and says whether
the answer is right and, when it is not, what is wrong mathematically (wrong
shape, transposed, a constant factor, the sign, the bias row, where g'
should multiply, which entries differ; see :mod:`.exercise_diagnose`), never
printing an expected value. Instructors grade whole notebooks with
``python3 dev.py grade`` (:mod:`.grading`), on hidden cases as well.

Needs numpy only (and mfnet for some solutions).
"""
from __future__ import annotations

import numpy as np

from .exercise_catalog import BY_ID, EXERCISES, Exercise
from .exercise_diagnose import Mistake, Output, compare

__all__ = ["check", "verdict", "public_seeds", "hidden_seeds", "EXERCISES",
           "BY_ID", "Exercise", "Mistake", "Output", "compare"]

PUBLIC_SEEDS = (0, 1, 2)


def public_seeds() -> tuple:
    return PUBLIC_SEEDS


def hidden_seeds() -> tuple:
    """The grader's seeds, or () where the hidden module is absent (zip)."""
    try:
        from .exercise_hidden import SEEDS
    except ImportError:
        return ()
    return tuple(SEEDS)


def case(exercise: Exercise, seed: int) -> tuple[dict, list]:
    """(inputs, outputs) of one test case: the arguments and right answers."""
    inputs = exercise.inputs(np.random.default_rng(seed))
    return inputs, exercise.outputs(inputs)


def split_result(result, outputs: list):
    """The function's return value as one value per expected output."""
    if len(outputs) == 1:
        return [result]
    if result is None or result is Ellipsis:
        return [result] * len(outputs)
    if not isinstance(result, (tuple, list)) or len(result) != len(outputs):
        return None
    return list(result)


def verdict(exercise: Exercise, results: list, cases: list) -> str | None:
    """None if every case is right, else the first case's diagnosis.

    ``results[i]`` is the function's return value on ``cases[i]``, or an
    exception it raised.
    """
    for result, (_, outputs) in zip(results, cases):
        if isinstance(result, BaseException):
            return (f"{exercise.function} raised "
                    f"{type(result).__name__}: {result}")
        parts = split_result(result, outputs)
        if parts is None:
            names = ", ".join(o.name for o in outputs)
            return (f"{exercise.function} should return {len(outputs)} "
                    f"values ({names}), got {type(result).__name__}"
                    + (f" of length {len(result)}"
                       if isinstance(result, (tuple, list)) else ""))
        for part, out in zip(parts, outputs):
            message = compare(part, out)
            if message is not None:
                return message
    return None


def _copy(inputs: dict) -> dict:
    """Fresh copies, so that a function changing its arguments in place
    cannot change the next check."""
    return {k: ([np.array(v) for v in x] if isinstance(x, list)
                else np.array(x) if isinstance(x, np.ndarray) else x)
            for k, x in inputs.items()}


def check(exercise_id: str, function=None) -> None:
    """Check a student's function for the exercise ``exercise_id``.

    Parameters
    ----------
    exercise_id : str
        The exercise, as the book names it ("5.A").
    function : callable
        The student's function (the name the exercise asks for).

    Prints one line: right, or what is wrong (never the expected values).
    """
    exercise = BY_ID.get(str(exercise_id))
    if exercise is None:
        raise ValueError(f"check: no exercise {exercise_id!r}; the checked "
                         f"exercises are {', '.join(BY_ID)}")
    if not callable(function):
        print(f"✗ {exercise.id}: pass your function, "
              f"check({exercise.id!r}, {exercise.function})")
        return
    cases = [case(exercise, seed) for seed in PUBLIC_SEEDS]
    results = []
    for inputs, _ in cases:
        try:
            results.append(function(*_copy(inputs).values()))
        except Exception as error:      # the student's error, reported
            results.append(error)
    message = verdict(exercise, results, cases)
    if message is None:
        print(f"✓ {exercise.id}: right on {len(cases)} test cases")
    else:
        print(f"✗ {exercise.id}: {message}")
