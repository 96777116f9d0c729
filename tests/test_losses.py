"""Losses against their formulas, written out with loops and the math module.

MSE: J = 1/(2m) sum_i ||yhat_i - y_i||^2 (rows 1.. only), dJ/dYhat = (Yhat - Y)/m.
CrossEntropy: J = -(1/m) sum y log yhat, dJ/dYhat = -Y/(m Yhat).
SoftmaxCrossEntropy (fused, on logits): dJ/dZ = (softmax(Z) - Y)/m; it equals
Softmax followed by CrossEntropy.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

import mfnet
from _support import augmented, augmented_one_hot, rel_err


def test_mse_value_and_gradient(rng):
    k, m = 3, 5
    Y_hat, Y = augmented(rng, k, m), augmented(rng, k, m)
    loss = mfnet.MSE()
    J = loss.forward(Y_hat, Y)
    assert type(J) is float
    expected = sum((Y_hat[i, j] - Y[i, j]) ** 2 for i in range(1, k + 1) for j in range(m)) / (2 * m)
    assert J == pytest.approx(expected, rel=1e-14)
    G = loss.backward()
    assert G.shape == (k + 1, m)
    assert np.array_equal(G[0], np.zeros(m))
    np.testing.assert_allclose(G[1:], (Y_hat[1:] - Y[1:]) / m, rtol=1e-15)


def test_mse_ignores_row_zero():
    """Row 0 carries no loss, even if a caller passes something else there."""
    Y_hat = np.array([[1.0, 1.0], [2.0, 0.0]])
    Y = np.array([[1.0, 1.0], [1.0, 1.0]])
    J = mfnet.MSE().forward(Y_hat, Y)
    assert J == (1.0 + 1.0) / (2 * 2)
    Y_hat[0] = 7.0
    assert mfnet.MSE().forward(Y_hat, Y) == J


def test_mse_relation_to_torch_convention(rng):
    """mfnet's MSE is the primary source's 1/(2m) sum; PyTorch's MSELoss() is 2 J / k."""
    k, m = 4, 6
    Y_hat, Y = augmented(rng, k, m), augmented(rng, k, m)
    J = mfnet.MSE().forward(Y_hat, Y)
    torch_mean = np.mean((Y_hat[1:] - Y[1:]) ** 2)
    assert torch_mean == pytest.approx(2 * J / k, rel=1e-14)


def test_cross_entropy_value_and_gradient(rng):
    k, m = 4, 6
    y = rng.integers(0, k, size=m)
    Y = augmented_one_hot(y, k)
    P = augmented(rng, k, m)
    P[1:] = rng.uniform(0.05, 1.0, size=(k, m))
    P[1:] /= P[1:].sum(axis=0)
    loss = mfnet.CrossEntropy()
    J = loss.forward(P, Y)
    assert type(J) is float
    assert J == pytest.approx(-sum(math.log(P[1 + y[j], j]) for j in range(m)) / m, rel=1e-14)
    G = loss.backward()
    assert np.array_equal(G[0], np.zeros(m))
    for i in range(k):
        for j in range(m):
            expected = -1.0 / (m * P[1 + i, j]) if y[j] == i else 0.0
            assert G[1 + i, j] == pytest.approx(expected, rel=1e-14)
    # labels give the same loss and gradient as one-hot targets
    loss2 = mfnet.CrossEntropy()
    assert loss2.forward(P, y) == J
    assert np.array_equal(loss2.backward(), G)


def test_softmax_cross_entropy_value_and_gradient(rng):
    k, m = 3, 7
    y = rng.integers(0, k, size=m)
    Z = augmented(rng, k, m, scale=3.0)
    loss = mfnet.SoftmaxCrossEntropy()
    J = loss.forward(Z, y)
    expected = 0.0
    for j in range(m):
        log_sum = math.log(sum(math.exp(Z[1 + i, j]) for i in range(k)))
        expected -= Z[1 + y[j], j] - log_sum
    assert J == pytest.approx(expected / m, rel=1e-14)
    G = loss.backward()
    assert np.array_equal(G[0], np.zeros(m))
    for i in range(k):
        for j in range(m):
            p = math.exp(Z[1 + i, j]) / sum(math.exp(Z[1 + r, j]) for r in range(k))
            assert G[1 + i, j] == pytest.approx((p - (y[j] == i)) / m, rel=1e-12, abs=1e-16)
    P = mfnet.SoftmaxCrossEntropy.probabilities(Z)
    assert np.array_equal(P[0], np.ones(m))
    np.testing.assert_allclose(P[1:].sum(axis=0), 1.0, rtol=1e-15)
    assert np.array_equal(mfnet.labels(P), np.argmax(Z[1:], axis=0))


@pytest.mark.parametrize("k, m", [(2, 1), (3, 5), (10, 8)])
def test_fused_and_composed_softmax_cross_entropy_agree(k, m, rng):
    """Softmax + CrossEntropy and the fused SoftmaxCrossEntropy: same loss, same dJ/dZ,
    and the same dW for the Linear layer in front of them."""
    n = 4
    A = augmented(rng, n, m)
    y = rng.integers(0, k, size=m)
    lin_a = mfnet.Linear(n, k, rng=0)
    lin_b = mfnet.Linear(n, k, rng=0)
    W = lin_a.W.copy()
    W[1:, 0] = rng.normal(size=k)
    lin_a.W = lin_b.W = W
    composed = mfnet.Sequential(lin_a, mfnet.Softmax())
    fused = mfnet.Sequential(lin_b)
    ce, sce = mfnet.CrossEntropy(), mfnet.SoftmaxCrossEntropy()
    J1 = ce.forward(composed.forward(A), y)
    J2 = sce.forward(fused.forward(A), y)
    assert J1 == pytest.approx(J2, rel=1e-13)
    composed.backward(ce.backward())
    fused.backward(sce.backward())
    # dJ/dZ of the composed chain = Softmax's backward of CrossEntropy's gradient
    assert rel_err(lin_a.dW, lin_b.dW) < 1e-13
    assert np.array_equal(lin_a.dW[0], np.zeros(n + 1))


def test_fused_with_soft_targets_matches_composed(rng):
    """With targets whose columns do not sum to 1, the fused gradient keeps the sum_k y_k factor."""
    k, m = 3, 4
    Z = augmented(rng, k, m)
    Y = np.ones((k + 1, m))
    Y[1:] = rng.uniform(0.0, 1.0, size=(k, m))  # column sums != 1
    sce = mfnet.SoftmaxCrossEntropy()
    sce.forward(Z, Y)
    fused = sce.backward()
    soft, ce = mfnet.Softmax(), mfnet.CrossEntropy()
    ce.forward(soft.forward(Z), Y)
    composed = soft.backward(ce.backward())
    assert rel_err(fused, composed) < 1e-13


def test_losses_accept_lists_and_integers():
    Y_hat = [[1, 1], [3, 0]]
    Y = [[1, 1], [1, 1]]
    assert mfnet.MSE().forward(Y_hat, Y) == (4 + 1) / 4
    G = mfnet.MSE()
    G.forward(np.array(Y_hat), np.array(Y))
    assert G.backward().dtype == np.float64


@pytest.mark.parametrize("loss_cls", [mfnet.CrossEntropy, mfnet.SoftmaxCrossEntropy])
def test_float_labels_equal_integer_labels(loss_cls, rng):
    """Whole-number float64 labels (as read from a CSV file) act like integer labels, as in fit."""
    k, m = 3, 5
    y = rng.integers(0, k, size=m)
    P = np.ones((k + 1, m))
    P[1:] = rng.uniform(0.1, 1.0, size=(k, m))
    a, b = loss_cls(), loss_cls()
    assert a.forward(P, y.astype(np.float64)) == b.forward(P, y)
    assert np.array_equal(a.backward(), b.backward())
