"""Metrics against direct counting in the test (no scikit-learn, no shared code)."""
from __future__ import annotations

import math

import numpy as np
import pytest

import mfnet


def _count_confusion(y_true, y_pred, k):
    C = [[0] * k for _ in range(k)]
    for t, p in zip(y_true, y_pred):
        C[t][p] += 1
    return C


def _per_class_counts(y_true, y_pred, k):
    """(tp, fp, fn, tn) of every one-vs-rest problem, by scanning the samples."""
    out = []
    for c in range(k):
        tp = sum(1 for t, p in zip(y_true, y_pred) if t == c and p == c)
        fp = sum(1 for t, p in zip(y_true, y_pred) if t != c and p == c)
        fn = sum(1 for t, p in zip(y_true, y_pred) if t == c and p != c)
        tn = sum(1 for t, p in zip(y_true, y_pred) if t != c and p != c)
        out.append((tp, fp, fn, tn))
    return out


def _random_labels(seed, k=5, m=60):
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, k, size=m)
    y_pred = np.where(rng.random(m) < 0.6, y_true, rng.integers(0, k, size=m))  # ~60 % right
    return y_true, y_pred


def test_small_confusion_matrix_by_hand():
    y_true = [0, 0, 1, 2, 2, 2]
    y_pred = [0, 1, 1, 2, 0, 2]
    # rows = true class, columns = predicted class, counted by hand:
    #   true 0: predicted 0 once, 1 once;  true 1: predicted 1 once;  true 2: predicted 0 once, 2 twice
    expected = [[1, 1, 0], [0, 1, 0], [1, 0, 2]]
    C = mfnet.confusion_matrix(y_true, y_pred)
    assert C.tolist() == expected and C.dtype == np.int64
    assert mfnet.confusion_matrix(y_true, y_pred, n_classes=4).tolist() == [r + [0] for r in expected] + [[0] * 4]
    assert mfnet.accuracy(y_true, y_pred) == 4 / 6
    # precision of class c = C[c, c] / column sum, recall = C[c, c] / row sum
    p = [1 / 2, 1 / 2, 2 / 2]
    r = [1 / 2, 1 / 1, 2 / 3]
    f = [2 * a * b / (a + b) for a, b in zip(p, r)]
    P, R, F = mfnet.precision_recall_f1(y_true, y_pred, average="macro")
    assert (P, R, F) == pytest.approx((sum(p) / 3, sum(r) / 3, sum(f) / 3), rel=1e-15)


@pytest.mark.parametrize("seed", range(5))
def test_confusion_matrix_and_accuracy_by_counting(seed):
    y_true, y_pred = _random_labels(seed)
    assert mfnet.confusion_matrix(y_true, y_pred, 5).tolist() == _count_confusion(y_true, y_pred, 5)
    correct = sum(1 for t, p in zip(y_true, y_pred) if t == p)
    assert mfnet.accuracy(y_true, y_pred) == correct / len(y_true)


@pytest.mark.parametrize("seed", range(5))
def test_macro_precision_recall_f1_by_counting(seed):
    k = 5
    y_true, y_pred = _random_labels(seed, k=k)
    ps, rs, fs = [], [], []
    for tp, fp, fn, _ in _per_class_counts(y_true, y_pred, k):
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        ps.append(p)
        rs.append(r)
        fs.append(2 * p * r / (p + r) if p + r else 0.0)
    got = mfnet.precision_recall_f1(y_true, y_pred, average="macro", n_classes=k)
    assert got == pytest.approx((sum(ps) / k, sum(rs) / k, sum(fs) / k), rel=1e-14)


@pytest.mark.parametrize("seed", range(5))
def test_micro_averages_equal_accuracy_for_single_label_data(seed):
    y_true, y_pred = _random_labels(seed)
    counts = _per_class_counts(y_true, y_pred, 5)
    TP, FP, FN = (sum(c[i] for c in counts) for i in range(3))
    P, R, F = mfnet.precision_recall_f1(y_true, y_pred, average="micro")
    assert P == pytest.approx(TP / (TP + FP), rel=1e-15)
    assert R == pytest.approx(TP / (TP + FN), rel=1e-15)
    acc = mfnet.accuracy(y_true, y_pred)
    assert P == pytest.approx(acc, rel=1e-15) and R == pytest.approx(acc, rel=1e-15)
    assert F == pytest.approx(acc, rel=1e-15)


def test_class_never_predicted_has_precision_zero():
    y_true = [0, 1, 2, 2]
    y_pred = [0, 1, 1, 1]  # class 2 never predicted
    P, R, F = mfnet.precision_recall_f1(y_true, y_pred, average="macro")
    # precision: 1, 1/3, 0 ; recall: 1, 1, 0
    assert P == pytest.approx((1 + 1 / 3 + 0) / 3)
    assert R == pytest.approx((1 + 1 + 0) / 3)
    assert F == pytest.approx((1 + 2 * (1 / 3) / (1 + 1 / 3) + 0) / 3)
    assert all(math.isfinite(v) for v in (P, R, F))


@pytest.mark.parametrize("seed", range(5))
def test_one_vs_rest_accuracy_by_counting(seed):
    k = 5
    y_true, y_pred = _random_labels(seed, k=k)
    counts = _per_class_counts(y_true, y_pred, k)
    pooled = sum(tp + tn for tp, _, _, tn in counts) / sum(sum(c) for c in counts)
    got = mfnet.one_vs_rest_accuracy(y_true, y_pred, n_classes=k)
    assert got == pytest.approx(pooled, rel=1e-15)
    acc = mfnet.accuracy(y_true, y_pred)
    assert got == pytest.approx(1 - 2 * (1 - acc) / k, rel=1e-14)


def test_one_vs_rest_accuracy_looks_high_for_a_poor_classifier():
    """Ten classes, 50 % accuracy: one-vs-rest accuracy 0.9."""
    y_true = np.arange(10).repeat(10)
    y_pred = y_true.copy()
    y_pred[::2] = (y_pred[::2] + 1) % 10
    assert mfnet.accuracy(y_true, y_pred) == 0.5
    assert mfnet.one_vs_rest_accuracy(y_true, y_pred) == pytest.approx(0.9, rel=1e-15)


def test_regression_metrics_by_loops():
    rng = np.random.default_rng(3)
    y = rng.normal(size=(20, 2))
    yhat = y + 0.3 * rng.normal(size=(20, 2))
    sq = [(a - b) ** 2 for a, b in zip(yhat.ravel(), y.ravel())]
    mse = sum(sq) / len(sq)
    mean = sum(y.ravel()) / y.size
    ss_tot = sum((v - mean) ** 2 for v in y.ravel())
    assert mfnet.mse(y, yhat) == pytest.approx(mse, rel=1e-14)
    assert mfnet.rmse(y, yhat) == pytest.approx(math.sqrt(mse), rel=1e-14)
    assert mfnet.r2(y, yhat) == pytest.approx(1 - sum(sq) / ss_tot, rel=1e-13)
    assert mfnet.r2(y, y) == 1.0
    assert mfnet.r2(y, np.full_like(y, y.mean())) == pytest.approx(0.0, abs=1e-15)
    # with the network's layout: strip the output and the targets
    out, T = mfnet.augment(yhat), mfnet.augment(y)
    assert mfnet.mse(mfnet.strip(T), mfnet.strip(out)) == pytest.approx(mse, rel=1e-14)
    # mfnet's MSE loss (1/(2m) sum over samples) is mse * k / 2
    assert mfnet.MSE().forward(out, T) == pytest.approx(mse * y.shape[1] / 2, rel=1e-14)


def test_metric_errors():
    with pytest.raises(ValueError, match=r"^metrics: y_true has shape \(3,\) but y_pred has shape \(4,\)$"):
        mfnet.accuracy([0, 1, 1], [0, 1, 1, 0])
    with pytest.raises(ValueError, match=r"^confusion_matrix: labels must lie in 0\.\.2$"):
        mfnet.confusion_matrix([0, 1, 3], [0, 1, 1], n_classes=3)
    with pytest.raises(ValueError, match=r"^confusion_matrix: labels must lie in 0\.\.2$"):
        mfnet.confusion_matrix([0, 1, -1], [0, 1, 2])
    with pytest.raises(ValueError, match=r"^precision_recall_f1: average must be 'micro' or 'macro', got 'weighted'$"):
        mfnet.precision_recall_f1([0, 1], [0, 1], average="weighted")
    with pytest.raises(ValueError, match=r"^metrics: y_true has shape"):
        mfnet.r2(np.zeros((3, 2)), np.zeros((2, 3)))


def test_r2_of_a_constant_target_is_refused():
    with pytest.raises(ValueError, match="y_true is constant"):
        mfnet.r2(np.ones(5), np.arange(5.0))
