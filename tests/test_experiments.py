"""mfnet_book.experiments: spreads over seeds and paired comparisons.

The run functions here have known outcomes (values written down from the
seed, not computed by the code under test), so every assertion can fail:
a comparison in which ``a`` is better in only some seeds must refuse the
claim, one in which it is better in all must accept it, and the sizes must
be those of the planted data.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from mfnet_book.experiments import (Comparison, Spread, compare,  # noqa: E402
                                    over_seeds, sign_test_wins)

LOSS_A = {0: 0.0061, 1: 0.0070, 2: 0.0082, 3: 0.0066, 4: 0.0075}
LOSS_B = {0: 0.0200, 1: 0.0180, 2: 0.0300, 3: 0.0190, 4: 0.0260}
MIXED = {0: 0.0050, 1: 0.0090, 2: 0.0070, 3: 0.0060, 4: 0.0080}  # lower than A in seeds 0, 2, 3


def test_spread_has_median_range_and_count():
    spread = over_seeds(LOSS_A.get)
    assert spread.n == 5
    assert spread.median == 0.0070 and spread.low == 0.0061 and spread.high == 0.0082
    np.testing.assert_array_equal(spread.values, [0.0061, 0.0070, 0.0082, 0.0066, 0.0075])
    assert str(spread) == "0.0070 (0.0061-0.0082, 5 seeds)"
    assert format(spread, ".3f") == "0.007 (0.006-0.008, 5 seeds)"


def test_spread_formats_large_and_negative_values():
    assert str(over_seeds(lambda s: [4.8, 7.9, 10.7, 8.1, 6.0][s])) == \
        "7.9 (4.8-10.7, 5 seeds)"
    assert str(over_seeds(lambda s: [-0.5, 0.25, 1.0][s], seeds=range(3))) == \
        "0.25 (-0.50 to 1.00, 3 seeds)"
    assert str(over_seeds(lambda s: 2.0, seeds=[7])) == "2.0 (2.0-2.0, 1 seed)"


def test_over_seeds_passes_each_seed_once_in_order():
    seen = []
    over_seeds(lambda s: seen.append(s) or 1.0, seeds=[3, 1, 4])
    assert seen == [3, 1, 4]


@pytest.mark.parametrize("seeds, message", [([], "seeds is empty"),
                                            ([1, 2, 1], "repeat a seed")])
def test_bad_seeds_are_refused(seeds, message):
    with pytest.raises(ValueError, match=message):
        over_seeds(lambda s: 1.0, seeds=seeds)


def test_a_run_returning_nan_or_not_a_number_is_named():
    with pytest.raises(ValueError, match=r"run\(2\) returned nan"):
        over_seeds(lambda s: float("nan") if s == 2 else 1.0)
    with pytest.raises(TypeError, match=r"run\(0\) returned \[1, 2\]"):
        over_seeds(lambda s: [1, 2])
    assert over_seeds(lambda s: np.inf if s == 0 else 1.0).high == np.inf


def test_compare_is_paired_and_counts_wins():
    c = compare(LOSS_A.get, LOSS_B.get)
    assert isinstance(c, Comparison) and isinstance(c.a, Spread)
    assert (c.wins, c.n) == (5, 5)
    np.testing.assert_allclose(c.ratio.values, [0.0200 / 0.0061, 0.0180 / 0.0070,
                                                0.0300 / 0.0082, 0.0190 / 0.0066,
                                                0.0260 / 0.0075])
    np.testing.assert_allclose(c.diff.values, [0.0139, 0.0110, 0.0218, 0.0124, 0.0185])
    assert c.sentence("momentum", "SGD") == "momentum is better than SGD in 5 of 5 seeds"
    assert c.seeds_phrase() == "in 5 of 5 seeds"


def test_assert_a_better_accepts_a_claim_the_seeds_support():
    c = compare(LOSS_A.get, LOSS_B.get)
    assert c.assert_a_better() is c
    c.assert_a_better(min_ratio=2.5)  # the smallest per-seed ratio is 0.018/0.007 = 2.57


def test_assert_a_better_refuses_a_direction_the_seeds_do_not_support():
    c = compare(MIXED.get, LOSS_A.get)  # MIXED is lower in seeds 0, 2 and 3
    assert c.wins == 3
    with pytest.raises(AssertionError, match="3 of 5, 5 needed"):
        c.assert_a_better()
    c.assert_a_better(min_wins=3)  # an explicit, weaker claim passes


def test_assert_a_better_refuses_a_size_the_seeds_do_not_support():
    c = compare(LOSS_A.get, LOSS_B.get)
    with pytest.raises(AssertionError, match="3 times better"):
        c.assert_a_better(min_ratio=3)  # seeds 1 and 3 are below 3x
    # The medians alone would have supported it: 0.0200 / 0.0070 > 2.8 ...
    assert c.b.median / c.a.median > 2.8
    # ... and four seeds have a factor above 2.7, not five.
    with pytest.raises(AssertionError):
        c.assert_a_better(min_ratio=2.7)
    c.assert_a_better(min_wins=4, min_ratio=2.7)


def test_higher_is_better_for_accuracies():
    acc_a = {0: 0.93, 1: 0.94, 2: 0.92, 3: 0.95, 4: 0.93}
    acc_b = {0: 0.90, 1: 0.91, 2: 0.93, 3: 0.90, 4: 0.92}
    c = compare(acc_a.get, acc_b.get, lower_is_better=False)
    assert c.wins == 4  # seed 2: b is higher
    with pytest.raises(AssertionError, match="not higher"):
        c.assert_a_better()
    assert compare(acc_b.get, acc_a.get, lower_is_better=False).wins == 1


def test_ties_are_not_wins():
    c = compare(lambda s: 1.0, lambda s: 1.0)
    assert c.wins == 0
    with pytest.raises(AssertionError):
        c.assert_a_better()


def test_too_few_seeds_cannot_support_a_claim_by_default():
    c = compare(LOSS_A.get, LOSS_B.get, seeds=range(3))
    assert c.wins == 3
    with pytest.raises(AssertionError, match="cannot support a claim"):
        c.assert_a_better()


def test_sign_test_thresholds():
    # Exact binomial tails: 1/32 for 5 of 5; 9 of 10 is 11/1024, 8 of 10 is 56/1024.
    assert [sign_test_wins(n) for n in (4, 5, 6, 8, 10)] == [5, 5, 6, 7, 9]


def test_record_glues_a_spread_as_its_text():
    from mfnet_book.display import _plain
    assert _plain(over_seeds(LOSS_A.get)) == "0.0070 (0.0061-0.0082, 5 seeds)"
