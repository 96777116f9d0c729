"""Compare a student's answer with the right one and say what is wrong.

The message names the mathematics of the mistake (wrong shape, transposed,
a constant factor, the sign, the bias row, where g' should multiply, which
entries differ) and never prints an expected value. numpy only.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

# Named constant factors: got = factor * right answer.
_FACTOR_HINTS = {
    2.0: "twice the right answer: a factor 2 too many (did the 1/2 of "
         "1/(2m) cancel the 2 of the derivative?)",
    0.5: "half the right answer: a factor 1/2 is missing or one too many",
}


@dataclass
class Mistake:
    """A wrong answer a student is likely to give, and what it means.

    ``value`` is what that mistake produces for the case's inputs;
    ``message`` explains it without giving the answer away.
    """
    value: object
    message: str


@dataclass
class Output:
    """One output of an exercise's function, with what the check knows.

    Parameters
    ----------
    name : str
        How the message calls it ("dJ/dZ").
    expected : array
        The right answer (computed, never stored).
    mistakes : list of Mistake
        Likely wrong answers, tried in order.
    regions : dict of str to bool array
        Named parts of the array ("where z <= 0"): when every wrong entry
        lies in one of them, the message names it.
    bias_row : str or None
        What row 0 must be, said when only row 0 is wrong.
    m : int or None
        The number of samples, to recognise a missing or extra 1/m.
    rtol : float
        Relative tolerance, relative to the largest expected entry.
    """
    name: str
    expected: object
    mistakes: list = field(default_factory=list)
    regions: dict = field(default_factory=dict)
    bias_row: str | None = None
    m: int | None = None
    rtol: float = 1e-6


def _near(a: np.ndarray, b: np.ndarray, rtol: float) -> bool:
    if a.shape != b.shape:
        return False
    scale = max(float(np.max(np.abs(b), initial=0.0)),
                float(np.max(np.abs(a), initial=0.0)), 1e-12)
    return bool(np.all(np.abs(a - b) <= rtol * scale))


def _positions(mask: np.ndarray, limit: int = 4) -> str:
    where = [tuple(int(i) for i in ix) for ix in zip(*np.nonzero(mask))]
    text = ", ".join(str(w[0]) if len(w) == 1 else str(w) for w in where[:limit])
    return text + (", ..." if len(where) > limit else "")


def compare(got, out: Output) -> str | None:
    """None when ``got`` is right; otherwise a message saying what is wrong.

    Parameters
    ----------
    got : object
        The student's value for this output.
    out : Output
        The right answer and what is known about likely mistakes.

    Returns
    -------
    str or None
        The diagnosis, which never contains an expected value.
    """
    name = out.name
    if got is None:
        return (f"{name} is None: the function returned nothing (write its "
                f"body and `return` the result)")
    if got is Ellipsis:
        return f"{name} is `...`: the function is still the empty stub"
    try:
        g = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return (f"{name} is not an array of numbers (got a "
                f"{type(got).__name__})")
    e = np.asarray(out.expected, dtype=float)
    if g.shape != e.shape:
        if g.ndim == 2 and g.shape == e.shape[::-1]:
            return (f"{name} has shape {g.shape}, the transpose of the "
                    f"expected {e.shape}: check the order of a matrix "
                    f"product or a missing/extra .T")
        if g.size == e.size:
            return (f"{name} has shape {g.shape}, expected {e.shape} (the "
                    f"same number of entries, arranged differently)")
        return f"{name} has shape {g.shape}, expected {e.shape}"
    finite = np.isfinite(g)
    if not finite.all():
        return (f"{name} has {int((~finite).sum())} NaN or infinite entries "
                f"of {g.size}, at {_positions(~finite)}")
    rtol = out.rtol
    if _near(g, e, rtol):
        return None
    if not g.any():
        return f"{name} is all zeros"
    for mistake in out.mistakes:
        alt = np.asarray(mistake.value, dtype=float)
        if _near(g, alt, rtol) and not _near(alt, e, rtol):
            return f"{name}: {mistake.message}"
    if g.ndim == 2 and g.shape[0] == g.shape[1] and _near(g, e.T, rtol):
        return (f"{name} is the transpose of the right answer: rows and "
                f"columns are swapped")
    if _near(g, -e, rtol):
        return (f"{name} has the wrong sign: check the direction of a "
                f"difference (a - y, not y - a) or a minus sign")
    ee = float(np.vdot(e, e))
    if ee > 0:
        c = float(np.vdot(g, e)) / ee
        if c != 0 and _near(g, c * e, rtol):
            m = out.m
            if m and abs(c - m) <= 1e-6 * m:
                return (f"{name} is m = {m} times the right answer: the "
                        f"1/m of the mean over the samples is missing")
            if m and abs(c - 1 / m) <= 1e-6 / m:
                return (f"{name} is 1/m times the right answer (m = {m}): "
                        f"divided by m once too often")
            if m and abs(c - 2 * m) <= 2e-6 * m:
                return (f"{name} is 2m = {2 * m} times the right answer: "
                        f"the 1/(2m) of the loss is missing")
            for factor, hint in _FACTOR_HINTS.items():
                if abs(c - factor) <= 1e-6 * factor:
                    return f"{name} is {hint}"
            return (f"{name} is proportional to the right answer but "
                    f"{c:.4g} times it: a constant factor is wrong")
    bad = np.abs(g - e) > rtol * max(float(np.max(np.abs(e))), 1e-12)
    if g.ndim == 2 and g.shape[0] > 1 and not bad[1:].any():
        return (f"{name} is right except row 0, the bias row: "
                f"{out.bias_row or 'row 0 must be zero'}")
    if g.ndim == 2 and g.shape[0] > 1 and bad[0].any() and out.bias_row:
        # Two mistakes at once: row 0, and something in the other rows.
        rows = Output(name + " (rows 1 and below)", e[1:],
                      [Mistake(np.asarray(k.value, float)[1:], k.message)
                       for k in out.mistakes
                       if np.shape(k.value) == e.shape],
                      {r: np.asarray(mk)[1:] for r, mk in out.regions.items()},
                      None, out.m, rtol)
        message = compare(g[1:], rows)
        if message is not None and "entries are wrong" not in message:
            return (f"{message}; and row 0, the bias row, is wrong too: "
                    f"{out.bias_row}")
    for region, mask in out.regions.items():
        mask = np.asarray(mask, dtype=bool)
        if bad.any() and not (bad & ~mask).any():
            return f"{name} is right except {region}"
    return (f"{name}: {int(bad.sum())} of {g.size} entries are wrong, "
            f"e.g. at {_positions(bad)}; the others are right")
