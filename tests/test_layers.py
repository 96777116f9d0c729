"""Layers against their definitions, computed entry by entry in the tests.

Linear: Z = W A with the bias in column 0, dW = Delta A^T, dJ/dA = W^T Delta.
Activations: g on rows 1.., row 0 copied forward and zeroed backward.
Sequential and mlp: composition, layer names, per-activation initialisation.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

import mfnet
from _support import augmented, rel_err


# ---------------------------------------------------------------------------
# Linear
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("init", ["glorot", "he", "zeros"])
def test_linear_weight_shape_and_bias_row(init):
    layer = mfnet.Linear(3, 5, init=init, rng=0)
    assert layer.W.shape == (6, 4)
    assert layer.W.dtype == np.float64
    assert np.array_equal(layer.W[0], [1.0, 0.0, 0.0, 0.0])
    # the bias column starts at zero for every init
    assert np.array_equal(layer.W[1:, 0], np.zeros(5))
    if init == "zeros":
        assert not layer.W[1:].any()
    else:
        assert np.all(layer.W[1:, 1:] != 0)


def test_linear_forward_is_bias_plus_weights_entrywise(rng):
    n_in, n_out, m = 4, 3, 6
    layer = mfnet.Linear(n_in, n_out, rng=1)
    W = layer.W.copy()
    W[1:, 0] = rng.normal(size=n_out)  # a non-zero bias
    layer.W = W
    A = augmented(rng, n_in, m)
    Z = layer.forward(A)
    assert Z.shape == (n_out + 1, m)
    assert np.array_equal(Z[0], np.ones(m))
    b, w = W[1:, 0], W[1:, 1:]
    for i in range(n_out):
        for j in range(m):
            expected = b[i] + sum(w[i, k] * A[1 + k, j] for k in range(n_in))
            assert Z[1 + i, j] == pytest.approx(expected, rel=1e-13, abs=1e-13)
    assert layer.A is A or np.array_equal(layer.A, A)


def test_linear_backward_entrywise(rng):
    n_in, n_out, m = 3, 2, 5
    layer = mfnet.Linear(n_in, n_out, rng=2)
    A = augmented(rng, n_in, m)
    layer.forward(A)
    Delta = rng.normal(size=(n_out + 1, m))
    Delta[0] = 0.0
    dA = layer.backward(Delta)
    W = layer.W
    for r in range(n_out + 1):
        for c in range(n_in + 1):
            expected = sum(Delta[r, j] * A[c, j] for j in range(m))
            assert layer.dW[r, c] == pytest.approx(expected, rel=1e-13, abs=1e-13)
    for c in range(n_in + 1):
        for j in range(m):
            expected = sum(W[r, c] * Delta[r, j] for r in range(n_out + 1))
            assert dA[c, j] == pytest.approx(expected, rel=1e-13, abs=1e-13)
    assert np.array_equal(layer.dW[0], np.zeros(n_in + 1))
    assert layer.backward(Delta, input_grad=False) is None


def test_linear_weight_setter_copies_and_validates():
    layer = mfnet.Linear(2, 2, init="zeros")
    W = np.array([[1, 0, 0], [0.5, 1, 2], [-1, 3, 4]])
    layer.W = W
    W[1, 1] = 99.0
    assert layer.W[1, 1] == 1.0, "the layer must own a copy of the weights"
    bad = W.copy()
    bad[0, 1] = 0.1
    with pytest.raises(ValueError, match=r"row 0 of W must be \(1, 0, \.\.\., 0\)"):
        layer.W = bad
    with pytest.raises(ValueError, match=r"W must have shape \(3, 3\), got shape \(2, 3\)"):
        layer.W = W[:2]
    nan = W.copy()
    nan[0] = [1, 0, 0]
    nan[2, 2] = np.nan
    with pytest.raises(ValueError, match="NaN or infinity"):
        layer.W = nan


def test_linear_init_statistics():
    """Glorot uniform stays within +-sqrt(6/(n_in+n_out)) and fills it; He normal has std sqrt(2/n_in)."""
    n_in, n_out = 400, 300
    g = mfnet.Linear(n_in, n_out, init="glorot", rng=0).W[1:, 1:]
    a = math.sqrt(6.0 / (n_in + n_out))
    assert np.abs(g).max() <= a
    assert np.abs(g).max() > 0.99 * a
    assert abs(g.std() - a / math.sqrt(3.0)) < 0.01 * a  # std of U(-a, a)
    h = mfnet.Linear(n_in, n_out, init="he", rng=0).W[1:, 1:]
    assert abs(h.std() - math.sqrt(2.0 / n_in)) < 0.01 * math.sqrt(2.0 / n_in)
    assert abs(h.mean()) < 0.01 * math.sqrt(2.0 / n_in)


def test_linear_same_seed_same_weights_different_seed_different():
    assert np.array_equal(mfnet.Linear(5, 4, rng=3).W, mfnet.Linear(5, 4, rng=3).W)
    assert not np.array_equal(mfnet.Linear(5, 4, rng=3).W, mfnet.Linear(5, 4, rng=4).W)


# ---------------------------------------------------------------------------
# Activations
# ---------------------------------------------------------------------------

def _scalar_g(name):
    return {
        "Identity": lambda z: z,
        "ReLU": lambda z: max(0.0, z),
        "Sigmoid": lambda z: 1.0 / (1.0 + math.exp(-z)),
        "Tanh": math.tanh,
    }[name]


def _scalar_dg(name):
    return {
        "Identity": lambda z: 1.0,
        "ReLU": lambda z: 1.0 if z > 0 else 0.0,
        "Sigmoid": lambda z: math.exp(-z) / (1.0 + math.exp(-z)) ** 2,
        "Tanh": lambda z: 1.0 / math.cosh(z) ** 2,
    }[name]


@pytest.mark.parametrize("name", ["Identity", "ReLU", "Sigmoid", "Tanh"])
def test_elementwise_activation_forward_backward(name, rng):
    act = getattr(mfnet, name)()
    Z = augmented(rng, 4, 7, scale=3.0)
    Z[1, 0] = 0.0  # ReLU's kink: derivative taken as 0 there, like PyTorch
    A = act.forward(Z)
    assert A.shape == Z.shape and A.dtype == np.float64
    assert np.array_equal(A[0], Z[0])
    g, dg = _scalar_g(name), _scalar_dg(name)
    for i in range(1, 5):
        for j in range(7):
            assert A[i, j] == pytest.approx(g(Z[i, j]), rel=1e-14, abs=1e-15)
    dA = rng.normal(size=Z.shape)
    dZ = act.backward(dA)
    assert dZ.shape == Z.shape
    assert np.array_equal(dZ[0], np.zeros(7))
    for i in range(1, 5):
        for j in range(7):
            assert dZ[i, j] == pytest.approx(dA[i, j] * dg(Z[i, j]), rel=1e-12, abs=1e-15)


def test_softmax_forward_columns(rng):
    Z = augmented(rng, 5, 4, scale=2.0)
    A = mfnet.Softmax().forward(Z)
    assert np.array_equal(A[0], Z[0])
    for j in range(4):
        col = [math.exp(z) for z in Z[1:, j]]
        s = sum(col)
        np.testing.assert_allclose(A[1:, j], [c / s for c in col], rtol=1e-14)
    np.testing.assert_allclose(A[1:].sum(axis=0), 1.0, rtol=1e-15)


def test_softmax_backward_is_explicit_jacobian_vector_product(rng):
    act = mfnet.Softmax()
    Z = augmented(rng, 4, 6, scale=2.0)
    A = act.forward(Z)
    dA = rng.normal(size=Z.shape)
    dZ = act.backward(dA)
    assert np.array_equal(dZ[0], np.zeros(6))
    for j in range(6):
        a = A[1:, j]
        jac = np.diag(a) - np.outer(a, a)  # d a_i / d z_k, symmetric
        np.testing.assert_allclose(dZ[1:, j], jac.T @ dA[1:, j], rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("cls", [mfnet.Identity, mfnet.ReLU, mfnet.Sigmoid, mfnet.Tanh, mfnet.Softmax,
                                 mfnet.Linear])
def test_backward_before_forward_is_an_error(cls):
    layer = cls(2, 2) if cls is mfnet.Linear else cls()
    with pytest.raises(RuntimeError, match="backward called before forward"):
        layer.backward(np.zeros((3, 1)))


# ---------------------------------------------------------------------------
# Sequential and mlp
# ---------------------------------------------------------------------------

def test_sequential_composes_forward_and_backward(rng):
    l1, g1, l2, g2 = mfnet.Linear(3, 4, rng=0), mfnet.Tanh(), mfnet.Linear(4, 2, rng=1), mfnet.Sigmoid()
    model = mfnet.Sequential(l1, g1, l2, g2)
    assert model.layers == [l1, g1, l2, g2]
    assert model.linear_layers == [l1, l2]
    A0 = augmented(rng, 3, 5)
    out = model.forward(A0)
    # the same composition written out with plain numpy
    Z1 = l1.W @ A0
    A1 = np.vstack([Z1[:1], np.tanh(Z1[1:])])
    Z2 = l2.W @ A1
    A2 = np.vstack([Z2[:1], 1 / (1 + np.exp(-Z2[1:]))])
    np.testing.assert_allclose(out, A2, rtol=1e-14)
    dOut = rng.normal(size=out.shape)
    dOut[0] = 0
    dA0 = model.backward(dOut, input_grad=True)
    D2 = dOut * A2 * (1 - A2)
    D2[0] = 0
    D1 = (l2.W.T @ D2) * (1 - A1 ** 2)
    D1[0] = 0
    np.testing.assert_allclose(l2.dW, D2 @ A1.T, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(l1.dW, D1 @ A0.T, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(dA0, l1.W.T @ D1, rtol=1e-12, atol=1e-15)
    assert model.backward(dOut, input_grad=False) is None
    weights = model.weights()
    weights[0][1, 1] += 1.0
    assert weights[0][1, 1] != l1.W[1, 1], "weights() must return copies"


def test_sequential_names_layers_by_position():
    model = mfnet.Sequential(mfnet.Linear(2, 3), mfnet.ReLU(), mfnet.Linear(3, 1))
    assert [layer.name for layer in model.layers] == ["layer 0 Linear(2, 3)", "layer 1 ReLU()",
                                                      "layer 2 Linear(3, 1)"]


@pytest.mark.parametrize("activation, expected_init", [("relu", "he"), ("tanh", "glorot"),
                                                       ("sigmoid", "glorot")])
def test_mlp_structure_and_initialisation(activation, expected_init):
    model = mfnet.mlp([300, 200, 100, 3], activation=activation, output="softmax", rng=7)
    kinds = [type(layer).__name__ for layer in model.layers]
    act = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid"}[activation]
    assert kinds == ["Linear", act, "Linear", act, "Linear", "Softmax"]
    sizes = [(layer.in_features, layer.out_features) for layer in model.linear_layers]
    assert sizes == [(300, 200), (200, 100), (100, 3)]
    for layer in model.linear_layers[:-1]:  # layers feeding the hidden activation
        w = layer.W[1:, 1:]
        n_in, n_out = layer.in_features, layer.out_features
        if expected_init == "he":
            assert abs(w.std() - math.sqrt(2 / n_in)) < 0.03 * math.sqrt(2 / n_in)
            assert np.abs(w).max() > math.sqrt(6 / (n_in + n_out))  # normal tails, not uniform
        else:
            a = math.sqrt(6 / (n_in + n_out))
            assert np.abs(w).max() <= a and abs(w.std() - a / math.sqrt(3)) < 0.03 * a
    # the last layer feeds softmax: Glorot
    last = model.linear_layers[-1]
    assert np.abs(last.W[1:, 1:]).max() <= math.sqrt(6 / (100 + 3))


def test_mlp_without_output_ends_in_linear_and_is_seeded():
    a = mfnet.mlp([4, 8, 2], rng=5)
    b = mfnet.mlp([4, 8, 2], rng=5)
    assert isinstance(a.layers[-1], mfnet.Linear)
    assert all(np.array_equal(x, y) for x, y in zip(a.weights(), b.weights()))
    gen = np.random.default_rng(5)
    c = mfnet.mlp([4, 8, 2], rng=gen)
    assert all(np.array_equal(x, y) for x, y in zip(a.weights(), c.weights()))
    d = mfnet.mlp([4, 8, 2], rng=6)
    assert not np.array_equal(a.weights()[0], d.weights()[0])
    # two layers drawn from one generator differ from each other
    e = mfnet.mlp([3, 3, 3], rng=1)
    assert rel_err(e.weights()[0], e.weights()[1]) > 0.1
