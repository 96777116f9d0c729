"""Backpropagated gradients against centred finite differences.

Every layer is checked through a scalar probe J = sum(R * output) with a fixed
random R (row 0 zero, as every upstream gradient in mfnet), so that the
backward pass receives dJ/d(output) = R. Every loss is checked directly.
Two independent finite-difference routines are used: the test suite's own
(``_support.centred_diff``) and mfnet's (``numerical_gradient`` and
``check_model_gradients``), whose correctness is itself tested below.
"""
from __future__ import annotations

import numpy as np
import pytest

import mfnet
from _support import augmented, augmented_one_hot, build_mfnet, centred_diff, rel_err

TOL = 1e-7


def _probe(rng, shape):
    R = rng.normal(size=shape)
    R[0] = 0.0
    return R


# ---------------------------------------------------------------------------
# The finite-difference tools themselves
# ---------------------------------------------------------------------------

def test_numerical_gradient_on_a_known_function(rng):
    x = rng.normal(size=(3, 4))
    x0 = x.copy()
    g = mfnet.numerical_gradient(lambda: float(np.sum(x ** 3) + np.sum(np.sin(x))), x)
    np.testing.assert_allclose(g, 3 * x0 ** 2 + np.cos(x0), rtol=1e-8, atol=1e-9)
    assert np.array_equal(x, x0), "x must be restored"
    mask = np.zeros(x.shape, dtype=bool)
    mask[1, 2] = True
    g = mfnet.numerical_gradient(lambda: float(np.sum(x ** 2)), x, mask=mask)
    assert g[1, 2] == pytest.approx(2 * x0[1, 2], rel=1e-8)
    assert np.count_nonzero(g) == 1
    ours = centred_diff(lambda: float(np.sum(x ** 3)), x)
    np.testing.assert_allclose(ours, 3 * x0 ** 2, rtol=1e-8, atol=1e-9)


def test_relative_error_is_scale_free():
    a = np.array([1.0, 2.0, 4.0])
    assert mfnet.relative_error(a, a) == 0.0
    assert mfnet.relative_error(a, a + [0, 0, 4e-7]) == pytest.approx(4e-7 / 4.0000004, rel=1e-12)
    assert mfnet.relative_error(1e6 * a, 1e6 * (a + [0, 0, 4e-7])) == pytest.approx(1e-7, rel=1e-5)
    assert mfnet.relative_error(np.zeros(3), np.zeros(3)) == 0.0


# ---------------------------------------------------------------------------
# Linear: dW and dA
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("n_in, n_out, m", [(1, 1, 1), (3, 2, 5), (5, 4, 3)])
def test_linear_gradients_fd(n_in, n_out, m, rng):
    layer = mfnet.Linear(n_in, n_out, rng=0)
    W = layer.W.copy()
    W[1:, 0] = rng.normal(size=n_out)
    layer.W = W
    A = augmented(rng, n_in, m)
    R = _probe(rng, (n_out + 1, m))

    def J():
        return float(np.sum(R * layer.forward(A)))

    J()
    dA = layer.backward(R)
    dW = layer.dW.copy()
    # own differences, over every entry of W (row 0 included: its derivative is R[0] A^T = 0)
    # the plain buffer behind the guarded view: row 0 is perturbed too
    assert rel_err(dW, centred_diff(J, layer.W.view(np.ndarray))) < TOL
    # mfnet's differences
    assert rel_err(dW, mfnet.numerical_gradient(J, layer.W)) < TOL
    # the input gradient, over every entry of A
    assert rel_err(dA, centred_diff(J, A)) < TOL


# ---------------------------------------------------------------------------
# Activations, Softmax's Jacobian-vector product included
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("cls", [mfnet.Identity, mfnet.ReLU, mfnet.Sigmoid, mfnet.Tanh, mfnet.Softmax])
@pytest.mark.parametrize("n, m", [(1, 1), (4, 6)])
def test_activation_gradients_fd(cls, n, m, rng):
    if cls is mfnet.Softmax and n == 1:
        n = 2  # softmax of one row is constant: also fine, but make it meaningful
    act = cls()
    Z = augmented(rng, n, m, scale=2.0)
    # keep ReLU away from its kink, where the derivative is not defined
    Z[1:] = np.where(np.abs(Z[1:]) < 0.1, 0.5, Z[1:])
    R = _probe(rng, Z.shape)

    def J():
        return float(np.sum(R * act.forward(Z)))

    J()
    dZ = act.backward(R)
    assert np.array_equal(dZ[0], np.zeros(m))
    assert rel_err(dZ, centred_diff(J, Z)) < TOL
    assert rel_err(dZ, mfnet.numerical_gradient(J, Z)) < TOL


def test_softmax_one_row_has_zero_gradient(rng):
    act = mfnet.Softmax()
    Z = augmented(rng, 1, 3)
    assert np.array_equal(act.forward(Z)[1], np.ones(3))
    assert not act.backward(_probe(rng, Z.shape)).any()


# ---------------------------------------------------------------------------
# Losses
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("k, m", [(1, 1), (3, 4)])
def test_mse_gradient_fd(k, m, rng):
    Y_hat, Y = augmented(rng, k, m), augmented(rng, k, m)
    loss = mfnet.MSE()
    loss.forward(Y_hat, Y)
    G = loss.backward()
    assert rel_err(G, centred_diff(lambda: loss.forward(Y_hat, Y), Y_hat)) < TOL


@pytest.mark.parametrize("labels", [True, False])
def test_cross_entropy_gradient_fd(labels, rng):
    k, m = 4, 5
    y = rng.integers(0, k, size=m)
    Y = y if labels else augmented_one_hot(y, k)
    P = np.ones((k + 1, m))
    P[1:] = rng.uniform(0.1, 1.0, size=(k, m))
    P[1:] /= P[1:].sum(axis=0)
    loss = mfnet.CrossEntropy()
    loss.forward(P, Y)
    G = loss.backward()
    assert rel_err(G, centred_diff(lambda: loss.forward(P, Y), P, eps=1e-7)) < TOL


@pytest.mark.parametrize("labels", [True, False])
def test_softmax_cross_entropy_gradient_fd(labels, rng):
    k, m = 5, 6
    y = rng.integers(0, k, size=m)
    Y = y if labels else augmented_one_hot(y, k)
    Z = augmented(rng, k, m, scale=2.0)
    loss = mfnet.SoftmaxCrossEntropy()
    loss.forward(Z, Y)
    G = loss.backward()
    assert rel_err(G, centred_diff(lambda: loss.forward(Z, Y), Z)) < TOL


# ---------------------------------------------------------------------------
# Whole networks
# ---------------------------------------------------------------------------

CASES = [
    ([3, 4, 2], ["tanh"], None, "mse"),
    ([2, 5, 3, 1], ["sigmoid", "relu"], None, "mse"),
    ([4, 3, 3], ["tanh"], "sigmoid", "mse"),
    ([3, 6, 4], ["relu"], "softmax", "ce"),
    ([3, 5, 2, 4], ["sigmoid", "tanh"], None, "sce"),
    ([1, 1], [], None, "mse"),
]


@pytest.mark.parametrize("sizes, acts, output, kind", CASES)
def test_model_gradients_fd(sizes, acts, output, kind, rng):
    model = build_mfnet(sizes, acts, rng, output=output)
    m = 5
    X = augmented(rng, sizes[0], m)
    if kind == "mse":
        loss, Y = mfnet.MSE(), augmented(rng, sizes[-1], m)
    else:
        loss = mfnet.CrossEntropy() if kind == "ce" else mfnet.SoftmaxCrossEntropy()
        Y = rng.integers(0, sizes[-1], size=m)
    errors = mfnet.check_model_gradients(model, loss, X, Y)
    assert len(errors) == len(sizes) - 1
    assert max(errors) < TOL, errors
    # and with the suite's own differences over every weight of every layer
    grads = mfnet.model_gradients(model, loss, X, Y)
    for layer, g in zip(model.linear_layers, grads):
        assert np.array_equal(g[0], np.zeros(g.shape[1]))
        numeric = centred_diff(lambda: loss.forward(model.forward(X), Y), layer.W, rows=slice(1, None))
        assert rel_err(g, numeric) < TOL


def test_gradient_check_detects_a_wrong_backward(monkeypatch, rng):
    """The check has teeth: a Tanh that forgets its derivative is caught."""
    model = build_mfnet([3, 4, 2], ["tanh"], rng)
    X, Y = augmented(rng, 3, 6, scale=2.0), augmented(rng, 2, 6)
    assert max(mfnet.check_model_gradients(model, mfnet.MSE(), X, Y)) < TOL
    monkeypatch.setattr(mfnet.Tanh, "_grad", lambda self, dA1: dA1)
    errors = mfnet.check_model_gradients(model, mfnet.MSE(), X, Y)
    assert errors[0] > 1e-2 and errors[1] < TOL
