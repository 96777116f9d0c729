"""The per-batch code path after its speed-up (issue 8, item 7): activations
apply g to whole arrays and then repair row 0, Linear.backward multiplies
whole arrays, the optimisers move rows 1.. only, and ``layer.W -= ...`` is a
cheap checked update. Every expected value is written out in plain numpy."""
from __future__ import annotations

import copy

import numpy as np
import pytest

import mfnet

ACTIVATIONS = [mfnet.Identity, mfnet.ReLU, mfnet.Tanh, mfnet.Sigmoid,
               mfnet.Softmax]


def _batch(rng, n=4, m=5):
    Z = mfnet.augment(rng.normal(scale=2.0, size=(m, n)))
    dA = rng.normal(size=Z.shape)  # row 0 deliberately nonzero
    return Z, dA


@pytest.mark.parametrize("cls", ACTIVATIONS)
def test_activation_leaves_its_inputs_alone_and_repairs_row_0(cls):
    rng = np.random.default_rng(1)
    Z, dA = _batch(rng)
    Z_before, dA_before = Z.copy(), dA.copy()
    act = cls()
    A = act.forward(Z)
    dZ = act.backward(dA)
    assert np.array_equal(Z, Z_before) and np.array_equal(dA, dA_before)
    assert A is not Z and dZ is not dA
    assert np.array_equal(A[0], np.ones(Z.shape[1]))
    assert np.array_equal(dZ[0], np.zeros(Z.shape[1]))


def test_activation_rows_1_and_up_are_the_formulas():
    rng = np.random.default_rng(2)
    Z, dA = _batch(rng)
    Z1, dA1 = Z[1:], dA[1:]
    t = np.tanh(Z1)
    s = 1.0 / (1.0 + np.exp(-Z1))
    e = np.exp(Z1 - Z1.max(axis=0))
    p = e / e.sum(axis=0)
    expected = {
        mfnet.Identity: (Z1, dA1),
        mfnet.ReLU: (np.where(Z1 > 0, Z1, 0.0), np.where(Z1 > 0, dA1, 0.0)),
        mfnet.Tanh: (t, dA1 * (1 - t ** 2)),
        mfnet.Sigmoid: (s, dA1 * s * (1 - s)),
        mfnet.Softmax: (p, p * (dA1 - (p * dA1).sum(axis=0))),
    }
    for cls, (A1, dZ1) in expected.items():
        act = cls()
        A = act.forward(Z)
        dZ = act.backward(dA)
        # entries of order 1, a few operations each: rounding below 1e-15
        assert np.allclose(A[1:], A1, rtol=1e-14, atol=1e-15), cls
        assert np.allclose(dZ[1:], dZ1, rtol=1e-14, atol=1e-15), cls


def test_a_subclass_needs_only_elementwise_g_and_grad():
    class Softsign(mfnet.Activation):
        def _g(self, Z):
            return Z / (1.0 + np.abs(Z))

        def _grad(self, dA):
            return dA / (1.0 + np.abs(self.Z)) ** 2

    rng = np.random.default_rng(3)
    Z, dA = _batch(rng)
    act = Softsign()
    A = act.forward(Z)
    dZ = act.backward(dA)
    assert np.array_equal(A[0], Z[0]) and np.array_equal(dZ[0], 0 * Z[0])
    assert np.allclose(A[1:], Z[1:] / (1 + np.abs(Z[1:])), rtol=1e-15)
    assert np.allclose(dZ[1:], dA[1:] / (1 + np.abs(Z[1:])) ** 2,
                       rtol=1e-15)


def test_linear_backward_is_the_two_products_and_keeps_old_dW():
    rng = np.random.default_rng(4)
    layer = mfnet.Linear(3, 2, rng=0)
    A = mfnet.augment(rng.normal(size=(6, 3)))
    layer.forward(A)
    Delta = rng.normal(size=(3, 6))
    Delta[0] = 0.0
    dA = layer.backward(Delta)
    kept = layer.dW
    W = np.asarray(layer.W)
    dW_expected = np.einsum("ji,ki->jk", Delta, A)      # sum over samples
    dA_expected = np.einsum("jk,ji->ki", W, Delta)
    assert np.allclose(kept, dW_expected, rtol=1e-14, atol=1e-15)
    assert np.allclose(dA, dA_expected, rtol=1e-14, atol=1e-15)
    assert np.array_equal(kept[0], np.zeros(4))
    saved = kept.copy()
    layer.backward(2.0 * Delta)
    assert np.array_equal(kept, saved) and layer.dW is not kept


@pytest.mark.parametrize("make", [lambda m: mfnet.SGD(m, lr=0.5),
                                  lambda m: mfnet.SGD(m, lr=0.5, momentum=0.9),
                                  lambda m: mfnet.Adam(m, lr=0.5)])
def test_optimisers_never_move_row_0_even_for_a_foreign_dW(make):
    model = mfnet.mlp([3, 4, 2], rng=0)
    opt = make(model)
    for layer in model.linear_layers:
        layer.dW = np.ones(layer._W.shape)  # row 0 nonzero on purpose
    before = [np.asarray(layer.W).copy() for layer in model.linear_layers]
    opt.step()
    for layer, W_old in zip(model.linear_layers, before):
        W = np.asarray(layer.W)
        first = np.zeros(W.shape[1])
        first[0] = 1.0
        assert np.array_equal(W[0], first)
        assert np.all(W[1:] < W_old[1:])  # every parameter moved down


def test_sgd_step_is_w_minus_lr_dw_on_rows_1_and_up():
    model = mfnet.mlp([300, 200, 3], rng=0)  # 301 columns: several blocks
    rng = np.random.default_rng(5)
    for layer in model.linear_layers:
        layer.dW = rng.normal(size=layer._W.shape)
        layer.dW[0] = 0.0
    before = [np.asarray(layer.W).copy() for layer in model.linear_layers]
    mfnet.SGD(model, lr=0.25).step()
    for layer, W_old in zip(model.linear_layers, before):
        assert np.array_equal(np.asarray(layer.W), W_old - 0.25 * layer.dW)


def test_in_place_update_writes_the_layer_and_checks_row_0():
    layer = mfnet.Linear(3, 2, rng=0)
    assert layer.W is layer.W  # one view, handed out again
    buffer = np.asarray(layer.W)
    G = np.full(layer._W.shape, 0.5)
    G[0] = 0.0
    expected = buffer - 0.1 * G
    layer.W -= 0.1 * G
    assert np.shares_memory(layer.W, buffer)
    assert np.array_equal(np.asarray(layer.W), expected)
    G[0, 1] = 1e-300  # the smallest change to row 0 is refused
    with pytest.raises(ValueError, match="row 0 of W must stay"):
        layer.W -= G
    assert np.array_equal(np.asarray(layer.W), expected)


def test_a_copied_layer_hands_out_a_view_of_its_own_weights():
    layer = mfnet.Linear(2, 2, rng=0)
    layer.W  # the view exists before the copy
    twin = copy.deepcopy(layer)
    twin.W -= np.vstack([np.zeros(3), np.ones((2, 3))])
    assert not np.array_equal(np.asarray(twin.W), np.asarray(layer.W))
    assert np.shares_memory(twin.W, twin._W)


def test_quiet_underflow_retries_underflow_only():
    @mfnet.activations.quiet_underflow
    def scaled(x, factor):
        return x * factor

    x = np.array([1e-20, 1.0])
    with np.errstate(all="raise"):
        with pytest.raises(FloatingPointError):
            x * 1e-300            # what the decorator protects against
        got = scaled(x, 1e-300)   # 1e-320 is subnormal: underflow
        with pytest.raises(FloatingPointError, match="overflow"):
            scaled(np.array([1e10]), 1e300)  # real overflow still raises
    assert got[0] == 1e-20 * 1e-300 and got[1] == 1e-300  # Python floats
