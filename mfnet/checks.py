"""Argument checks: each message names the argument, the value it got and
what to pass instead (used by every public function of mfnet)."""
from __future__ import annotations

import math
import numbers

import numpy as np

__all__ = ["whole_number", "number_in", "same_shape", "Setting"]


def whole_number(value, name: str, minimum: int | None = 1) -> int:
    """Return ``value`` as an int, or raise naming ``name``.

    Only ints (Python or numpy) are accepted: a float such as ``5.0`` or
    ``4.5`` raises TypeError (``range`` does the same), a smaller value
    than ``minimum`` (unless None) ValueError.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a whole number (an int), "
                        f"got {value!r} of type {type(value).__name__}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return int(value)


def number_in(value, name: str, low: float, high: float = math.inf, *,
              low_closed: bool = False) -> float:
    """Return ``value`` as a float in (low, high), or [low, high) when
    ``low_closed``; NaN and infinity never pass. Raises naming ``name``."""
    try:
        if isinstance(value, (bool, np.bool_)):
            raise TypeError
        x = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a real number, got "
                        f"{value!r}") from None
    above = x >= low if low_closed else x > low
    if not (above and x < high and math.isfinite(x)):
        if high == math.inf:
            sign = ">=" if low_closed else ">"
            raise ValueError(f"{name} must be a finite number {sign} "
                             f"{low:g}, got {value!r}")
        bracket = "[" if low_closed else "("
        raise ValueError(f"{name} must lie in {bracket}{low:g}, {high:g}), "
                         f"got {value!r}")
    return x


def same_shape(a, b, name: str, names=("a", "b")):
    """Return a and b as numpy arrays of one shape with at least one
    entry, or raise a ValueError naming ``name`` and both shapes."""
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        raise ValueError(f"{name}: {names[0]} has shape {a.shape} but "
                         f"{names[1]} has shape {b.shape}")
    if a.size == 0:
        raise ValueError(f"{name}: empty arrays")
    return a, b


class Setting:
    """A number checked by `number_in` whenever it is set, at construction
    and after it (``opt.lr = -1.0`` raises the construction's message).

    Parameters
    ----------
    label : str
        The setting as messages name it, e.g. ``"the learning rate lr"``;
        the owner's class name is put in front (``"SGD: ..."``).
    low, high : float
        The open interval (low, high) the value must lie in.
    low_closed : bool, optional
        Accept ``low`` itself.
    """

    def __init__(self, label: str, low: float, high: float = math.inf, *,
                 low_closed: bool = False) -> None:
        self.label, self.low, self.high = label, low, high
        self.low_closed = low_closed

    def __set_name__(self, owner, name: str) -> None:
        self.slot = "_" + name

    def __get__(self, obj, owner=None):
        return self if obj is None else obj.__dict__[self.slot]

    def __set__(self, obj, value) -> None:
        obj.__dict__[self.slot] = number_in(
            value, f"{type(obj).__name__}: {self.label}", self.low,
            self.high, low_closed=self.low_closed)

    def set_reaching_low(self, obj, value) -> None:
        """Set the value allowing ``low`` itself: a learning-rate schedule
        may end exactly at 0 (cosine annealing to eta_min = 0, as
        PyTorch's), which a user setting lr by hand may not."""
        obj.__dict__[self.slot] = number_in(
            value, f"{type(obj).__name__}: {self.label}", self.low,
            self.high, low_closed=True)
