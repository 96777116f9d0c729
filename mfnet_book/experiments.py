"""Controlled, repeated experiments: one thing changed, several seeds, the spread.

A sentence of the book that says one setting *beats*, *causes* or *grows
like* another rests on an experiment that changes one thing, repeats it over
several seeds (five or more) and asserts the claim given the spread. This
module is that experiment, written once:

* :func:`over_seeds` runs ``run(seed) -> float`` for each seed and returns a
  :class:`Spread` (median, min, max, the values);
* :func:`compare` runs two settings on the *same* seeds (paired) and returns a
  :class:`Comparison`: how many seeds each wins, the per-seed ratio and
  difference, an assert of the direction and size of the claim, and a phrase
  to glue into the prose.

>>> spread = over_seeds(lambda seed: 0.1 * (seed + 1), seeds=range(5))
>>> str(spread)
'0.30 (0.10-0.50, 5 seeds)'
>>> c = compare(lambda s: 1.0 + 0.01 * s, lambda s: 3.0 + 0.01 * s)
>>> c.wins, c.n
(5, 5)
>>> c.sentence("momentum", "SGD")
'momentum is better than SGD in 5 of 5 seeds'

``mfnet_book.truth`` ties comparative sentences of the prose to the glue
values recorded from these objects (see ``tests/test_truth.py``).
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

__all__ = ["Spread", "Comparison", "over_seeds", "compare", "sign_test_wins"]


def _decimals(x: float, significant: int = 2) -> int:
    """Decimals that show ``x`` with ``significant`` significant digits (at least 0)."""
    if not math.isfinite(x) or x == 0:
        return significant
    return max(0, significant - 1 - math.floor(math.log10(abs(x))))


@dataclass(frozen=True, eq=False)
class Spread:
    """The values of one quantity over several seeds, and their spread.

    Parameters
    ----------
    values : numpy.ndarray
        One value per seed, in the order of ``seeds``.
    seeds : tuple of int
        The seeds the values come from.

    Attributes
    ----------
    median, low, high : float
        Median, minimum and maximum of ``values``.
    n : int
        Number of seeds.

    ``str(spread)`` reads ``"0.0070 (0.0061-0.0082, 5 seeds)"``: the median
    and the range, with two significant digits of the median (and the same
    decimals for the range); ``format(spread, ".3f")`` chooses the format.
    """

    values: np.ndarray
    seeds: tuple = ()

    @property
    def n(self) -> int:
        return int(self.values.size)

    @property
    def median(self) -> float:
        return float(np.median(self.values))

    @property
    def low(self) -> float:
        return float(np.min(self.values))

    @property
    def high(self) -> float:
        return float(np.max(self.values))

    def __format__(self, spec: str) -> str:
        if not spec:
            spec = f".{_decimals(self.median)}f"
        low, high = format(self.low, spec), format(self.high, spec)
        joined = f"{low}-{high}" if self.low >= 0 else f"{low} to {high}"
        seeds = "seed" if self.n == 1 else "seeds"
        return f"{format(self.median, spec)} ({joined}, {self.n} {seeds})"

    def __str__(self) -> str:
        return format(self, "")

    def __repr__(self) -> str:
        return f"Spread({self})"


def _seeds(seeds: Iterable[int]) -> tuple[int, ...]:
    seeds = tuple(seeds)
    if not seeds:
        raise ValueError("seeds is empty: give at least one seed (five or more for a "
                         "claim), e.g. seeds=range(5)")
    if len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds {seeds} repeat a seed: each seed must be distinct, "
                         "or the spread is understated")
    return seeds


def _value(run: Callable[[int], float], seed: int, name: str) -> float:
    result = run(seed)
    try:
        value = float(result)
    except (TypeError, ValueError):
        raise TypeError(f"{name}({seed}) returned {result!r}: it must return one number "
                        "(a final loss, an accuracy, a time)") from None
    if math.isnan(value):
        raise ValueError(f"{name}({seed}) returned nan: return a number (inf for a run "
                         "that diverged), so that the seeds can be compared")
    return value


def over_seeds(run: Callable[[int], float], seeds: Iterable[int] = range(5)) -> Spread:
    """Call ``run(seed)`` for every seed and return the :class:`Spread` of the results.

    Parameters
    ----------
    run : callable
        ``run(seed) -> float``; everything random inside it is drawn from
        ``seed`` (initial weights, batch order).
    seeds : iterable of int, default ``range(5)``
        Distinct seeds.

    Returns
    -------
    Spread

    Raises
    ------
    ValueError
        If ``seeds`` is empty or repeats a seed, or ``run`` returns nan.
    TypeError
        If ``run`` returns something that is not one number.
    """
    seeds = _seeds(seeds)
    values = np.array([_value(run, s, "run") for s in seeds], dtype=float)
    return Spread(values, seeds)


def sign_test_wins(n: int, alpha: float = 0.05) -> int:
    """The fewest wins out of ``n`` paired seeds that a one-sided sign test accepts.

    Under "no difference" each seed is a coin toss; ``k`` wins or more then
    happen with probability ``sum_{j>=k} C(n, j) / 2**n``. Returns the smallest
    ``k`` for which that is at most ``alpha`` (5 of 5, 6 of 6, 7 of 8, 9 of 10
    for ``alpha = 0.05``), or ``n + 1`` when no ``k`` is (``n < 5``).
    """
    if n < 1:
        raise ValueError(f"n = {n}: a sign test needs at least one pair")
    for k in range(n + 1):
        tail = sum(math.comb(n, j) for j in range(k, n + 1)) / 2 ** n
        if tail <= alpha:
            return k
    return n + 1


@dataclass(frozen=True, eq=False)
class Comparison:
    """Two settings run on the same seeds: which is better, by how much, how often.

    Attributes
    ----------
    a, b : Spread
        The results of ``run_a`` and ``run_b`` (same seeds, same order).
    lower_is_better : bool
        True for a loss or a time, False for an accuracy.
    wins : int
        Seeds in which ``a`` is strictly better than ``b``.
    n : int
        Number of seeds.
    ratio : Spread
        Per-seed ``b / a``.
    diff : Spread
        Per-seed ``b - a``.
    """

    a: Spread
    b: Spread
    lower_is_better: bool = True

    @property
    def n(self) -> int:
        return self.a.n

    @property
    def better(self) -> np.ndarray:
        """Per seed: is ``a`` strictly better than ``b``?"""
        if self.lower_is_better:
            return self.a.values < self.b.values
        return self.a.values > self.b.values

    @property
    def wins(self) -> int:
        return int(np.sum(self.better))

    @property
    def ratio(self) -> Spread:
        with np.errstate(divide="ignore", invalid="ignore"):
            return Spread(self.b.values / self.a.values, self.a.seeds)

    @property
    def diff(self) -> Spread:
        return Spread(self.b.values - self.a.values, self.a.seeds)

    @property
    def factor(self) -> Spread:
        """Per seed, how many times better ``a`` is: ``b / a`` for a loss, ``a / b`` else."""
        with np.errstate(divide="ignore", invalid="ignore"):
            values = (self.b.values / self.a.values if self.lower_is_better
                      else self.a.values / self.b.values)
        return Spread(values, self.a.seeds)

    def assert_a_better(self, min_wins: int | None = None,
                        min_ratio: float | None = None) -> Comparison:
        """Assert that ``a`` is better than ``b``, given the spread over seeds.

        Parameters
        ----------
        min_wins : int, optional
            Seeds that ``a`` must win. Default: what a one-sided sign test at
            5 % accepts (:func:`sign_test_wins`: all 5 of 5, 9 of 10); with
            fewer than five seeds no default can support a claim, so give it.
        min_ratio : float, optional
            How many times better ``a`` must be (:attr:`factor`, ``b / a`` for
            a loss) in at least ``min_wins`` seeds: a claim of size ("three
            times lower") rests on the seeds, not on the medians.

        Returns
        -------
        Comparison
            ``self``, so that ``compare(...).assert_a_better()`` reads as a claim.

        Raises
        ------
        AssertionError
            With the wins, the two spreads and the per-seed factor, when the
            direction or the size is not supported.
        """
        n = self.n
        needed = sign_test_wins(n) if min_wins is None else int(min_wins)
        if needed > n:
            raise AssertionError(
                f"{n} seed(s) cannot support a claim: a sign test at 5 % needs "
                f"{sign_test_wins(5)} of 5 at least; run five or more seeds, or give "
                "min_wins explicitly")
        word = "lower" if self.lower_is_better else "higher"
        facts = (f"a = {self.a}, b = {self.b}, a better in {self.wins} of {n} seeds, "
                 f"factor b/a per seed {np.array2string(self.factor.values, precision=3)}")
        if self.wins < needed:
            raise AssertionError(
                f"a is not {word} than b in enough seeds: {self.wins} of {n}, "
                f"{needed} needed; {facts}. Change the claim, or the experiment")
        if min_ratio is not None:
            large = int(np.sum(self.better & (self.factor.values >= min_ratio)))
            if large < needed:
                raise AssertionError(
                    f"a is not {min_ratio:g} times better than b in enough seeds: "
                    f"{large} of {n}, {needed} needed; {facts}. State the size the "
                    "seeds support")
        return self

    def seeds_phrase(self) -> str:
        """``"in 5 of 5 seeds"``."""
        return f"in {self.wins} of {self.n} seed{'s' if self.n != 1 else ''}"

    def sentence(self, name_a: str, name_b: str) -> str:
        """A glue-ready phrase: ``"momentum is better than SGD in 5 of 5 seeds"``."""
        return f"{name_a} is better than {name_b} {self.seeds_phrase()}"

    def __str__(self) -> str:
        return (f"a {self.a}, b {self.b}; a better {self.seeds_phrase()}; "
                f"b/a {self.ratio}")

    def __repr__(self) -> str:
        return f"Comparison({self})"


def compare(run_a: Callable[[int], float], run_b: Callable[[int], float],
            seeds: Iterable[int] = range(5), *, lower_is_better: bool = True) -> Comparison:
    """Run two settings on the same seeds (paired) and compare them seed by seed.

    Parameters
    ----------
    run_a, run_b : callable
        ``run(seed) -> float`` for each setting; they should differ in one
        thing only (the optimiser, the step, the batch size), everything else
        drawn from the same seed.
    seeds : iterable of int, default ``range(5)``
    lower_is_better : bool, default True
        True for a loss or a time; False for an accuracy or R².

    Returns
    -------
    Comparison

    Raises
    ------
    ValueError, TypeError
        As :func:`over_seeds`.
    """
    seeds = _seeds(seeds)
    a = Spread(np.array([_value(run_a, s, "run_a") for s in seeds], dtype=float), seeds)
    b = Spread(np.array([_value(run_b, s, "run_b") for s in seeds], dtype=float), seeds)
    return Comparison(a, b, bool(lower_is_better))
