"""Property tests (hypothesis): the bias row survives everything, shapes hold for any sizes,
the layout helpers round-trip. Settings in ``_support.HYPOTHESIS`` (derandomized, modest).
"""
from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import mfnet
from _support import HIDDEN_ACTIVATIONS, HYPOTHESIS, augmented, rel_err

sizes_st = st.lists(st.integers(1, 6), min_size=2, max_size=5)
samples_st = st.integers(1, 6)
seed_st = st.integers(0, 2 ** 32 - 1)
scale_st = st.sampled_from([1e-3, 1.0, 30.0, 1000.0])
finite = st.floats(-1000, 1000, allow_nan=False, allow_infinity=False)

ACTIVATION_CLASSES = [mfnet.Identity, mfnet.ReLU, mfnet.Sigmoid, mfnet.Tanh, mfnet.Softmax]


def _e0(n):
    row = np.zeros(n)
    row[0] = 1.0
    return row


@HYPOTHESIS
@given(sizes=sizes_st, m=samples_st, act=st.sampled_from(HIDDEN_ACTIVATIONS),
       output=st.sampled_from([None, "softmax", "sigmoid", "tanh", "relu"]), seed=seed_st, scale=scale_st)
def test_every_layer_keeps_the_bias_row_and_the_shapes(sizes, m, act, output, seed, scale):
    rng = np.random.default_rng(seed)
    model = mfnet.mlp(sizes, act, output=output, rng=rng)
    A = augmented(rng, sizes[0], m, scale=scale)
    widths = iter(sizes[1:])
    n = sizes[0]
    for layer in model.layers:
        A = layer.forward(A)
        if isinstance(layer, mfnet.Linear):
            n = next(widths)
        assert A.shape == (n + 1, m)
        assert np.array_equal(A[0], np.ones(m)), f"row 0 lost after {layer.name}"
        assert np.isfinite(A).all()
    assert np.array_equal(mfnet.predict(model, augmented(rng, sizes[0], m)).shape, (sizes[-1] + 1, m))
    G = rng.normal(size=A.shape)
    G[0] = 0.0
    dX = model.backward(G, input_grad=True)
    assert dX.shape == (sizes[0] + 1, m)
    for layer in model.linear_layers:
        assert layer.dW.shape == layer.W.shape
        assert not layer.dW[0].any(), "row 0 of dW must be exactly zero"


@HYPOTHESIS
@given(sizes=sizes_st, m=samples_st, act=st.sampled_from(HIDDEN_ACTIVATIONS),
       kind=st.sampled_from(["mse", "sce", "ce"]), opt=st.sampled_from(["sgd", "momentum", "adam"]),
       steps=st.integers(1, 4), seed=seed_st, scale=scale_st)
def test_row_zero_of_W_stays_e0_after_training_steps(sizes, m, act, kind, opt, steps, seed, scale):
    rng = np.random.default_rng(seed)
    k = sizes[-1]
    if k == 1 and kind != "mse":
        kind = "bce"  # one output: classes need the binary cross-entropy
    model = mfnet.mlp(sizes, act, output="softmax" if kind == "ce" else None, rng=rng)
    optimizer = {"sgd": lambda: mfnet.SGD(model, lr=0.5),
                 "momentum": lambda: mfnet.SGD(model, lr=0.5, momentum=0.9),
                 "adam": lambda: mfnet.Adam(model, lr=0.1)}[opt]()
    loss = {"mse": mfnet.MSE, "sce": mfnet.SoftmaxCrossEntropy, "ce": mfnet.CrossEntropy,
            "bce": mfnet.BinaryCrossEntropy}[kind]()
    X = augmented(rng, sizes[0], m, scale=scale)
    Y = augmented(rng, k, m) if kind == "mse" else rng.integers(0, max(k, 2), size=m)
    for _ in range(steps):
        if not np.isfinite(loss.forward(model.forward(X), Y)):
            break  # diverged (large inputs, large steps): fit would stop here too
        model.backward(loss.backward())
        optimizer.step()
        for layer in model.linear_layers:
            assert np.array_equal(layer.W[0], _e0(layer.in_features + 1))
    try:
        mfnet.fit(model, loss, optimizer, X, Y, epochs=2, batch_size=max(1, m // 2), rng=seed)
    except FloatingPointError:
        pass  # training stopped on a non-finite loss; the weights are those of the last step
    for layer in model.linear_layers:
        assert np.array_equal(layer.W[0], _e0(layer.in_features + 1))


@HYPOTHESIS
@given(cls=st.sampled_from(ACTIVATION_CLASSES), data=st.data())
def test_activations_keep_row_zero_for_any_input(cls, data):
    n = data.draw(st.integers(1, 5), label="n")
    m = data.draw(st.integers(1, 5), label="m")
    Z = data.draw(hnp.arrays(np.float64, (n + 1, m), elements=finite), label="Z")
    act = cls()
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        A = act.forward(Z)
        dZ = act.backward(np.ones_like(Z))
    assert A.shape == Z.shape and dZ.shape == Z.shape
    assert np.array_equal(A[0], Z[0])  # row 0 passes through untouched (ones in practice)
    assert not dZ[0].any()
    assert np.isfinite(A).all() and np.isfinite(dZ).all()
    if cls is mfnet.Sigmoid:
        assert ((A[1:] >= 0) & (A[1:] <= 1)).all()
    if cls is mfnet.Tanh:
        assert (np.abs(A[1:]) <= 1).all()
    if cls is mfnet.Softmax:
        assert ((A[1:] >= 0) & (A[1:] <= 1)).all()
        np.testing.assert_allclose(A[1:].sum(axis=0), 1.0, rtol=1e-14)
        # monotone: the largest logit gets the largest probability (ties may arise from rounding)
        top = np.argmax(Z[1:], axis=0)
        np.testing.assert_array_equal(A[1:][top, np.arange(m)], A[1:].max(axis=0))


@HYPOTHESIS
@given(X=hnp.arrays(np.float64, hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=7),
                    elements=st.floats(allow_nan=False, allow_infinity=False, width=64)))
def test_augment_strip_round_trip(X):
    m, n = X.shape
    A = mfnet.augment(X)
    assert A.shape == (n + 1, m) and A.dtype == np.float64
    assert np.array_equal(A[0], np.ones(m))
    assert np.array_equal(A[1:], X.T)
    back = mfnet.strip(A)
    assert back.shape == (m, n)
    assert np.array_equal(back, X)
    assert np.array_equal(mfnet.augment(back), A)
    x = X[:, 0]  # a 1-D array: m samples of one feature
    assert np.array_equal(mfnet.augment(x), np.vstack([np.ones(m), x]))


@HYPOTHESIS
@given(k=st.integers(2, 8), data=st.data())  # one output row: labels needs a threshold
def test_one_hot_labels_round_trip(k, data):
    y = np.array(data.draw(st.lists(st.integers(0, k - 1), min_size=1, max_size=12), label="y"))
    Y = mfnet.one_hot(y, k)
    assert Y.shape == (k + 1, len(y)) and Y.dtype == np.float64
    assert np.array_equal(Y[0], np.ones(len(y)))
    assert np.array_equal(Y[1:].sum(axis=0), np.ones(len(y)))
    assert np.array_equal(mfnet.labels(Y), y)


@HYPOTHESIS
@given(m=st.integers(1, 60), batch_size=st.integers(1, 70), seed=seed_st)
def test_batches_partition_the_samples(m, batch_size, seed):
    got = list(mfnet.batches(m, batch_size, np.random.default_rng(seed)))
    assert all(1 <= len(b) <= batch_size for b in got)
    assert all(len(b) == batch_size for b in got[:-1])
    assert sorted(np.concatenate(got).tolist()) == list(range(m))


@HYPOTHESIS
@given(k=st.integers(2, 6), m=samples_st, seed=seed_st, scale=st.sampled_from([0.1, 3.0, 30.0]))
def test_fused_and_composed_softmax_cross_entropy_gradients_agree(k, m, seed, scale):
    rng = np.random.default_rng(seed)
    Z = augmented(rng, k, m, scale=scale)
    y = rng.integers(0, k, size=m)
    fused = mfnet.SoftmaxCrossEntropy()
    J1 = fused.forward(Z, y)
    g1 = fused.backward()
    soft, ce = mfnet.Softmax(), mfnet.CrossEntropy()
    J2 = ce.forward(soft.forward(Z), y)
    g2 = soft.backward(ce.backward())
    assert abs(J1 - J2) <= 1e-12 * max(1.0, abs(J1))
    # Both are differences of terms of size 1/m: they agree to rounding on that scale. (When a
    # probability is within 1e-10 of 1 the composed route loses relative accuracy by
    # cancellation, one reason to prefer the fused loss; rel_err would flag that, not a bug.)
    assert np.abs(g1 - g2).max() <= 1e-14 / m
    if np.abs(g1).max() > 1e-6 / m:
        assert rel_err(g1, g2) < 1e-8
