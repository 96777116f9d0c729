"""At logits of +-1000, under np.errstate(all="raise") (what a student turns on
to hunt NaNs): sigmoid, softmax, log-softmax and the cross-entropies raise
nothing, stay finite and are exact where the exact value is a float64
(issue 8, item 4). The exact values are worked out by hand in the comments:
e^-1000 and e^-2000 lie far below the smallest float64 (about 5e-324)."""
from __future__ import annotations

import math

import numpy as np
import pytest

import mfnet

BIG = 1000.0


@pytest.fixture(autouse=True)
def raise_on_everything():
    with np.errstate(all="raise"):
        yield


def test_sigmoid_at_the_extremes():
    z = np.array([-BIG, -745.0, -30.0, 0.0, 30.0, BIG])
    s = mfnet.sigmoid(z)
    # 1/(1+e^1000) rounds to 0; e^-745 rounds to the smallest subnormal 5e-324;
    # 1/(1+e^-30) = 1 - 9.4e-14 is a float64 below 1
    assert s[0] == 0.0 and s[1] == 5e-324 and s[3] == 0.5 and s[5] == 1.0
    assert s[4] == 1.0 / (1.0 + np.exp(-30.0)) and s[2] == np.exp(-30.0) / (1.0 + np.exp(-30.0))


def test_softmax_and_log_softmax_at_the_extremes():
    z = np.array([[BIG, -BIG, 0.0], [-BIG, BIG, 0.0]])
    assert np.array_equal(mfnet.softmax(z), [[1.0, 0.0, 0.5], [0.0, 1.0, 0.5]])
    # log softmax: z - max - log(sum exp(z - max)) = [0, -2000] (log(1 + e^-2000) = 0)
    assert np.array_equal(mfnet.log_softmax(z), [[0.0, -2000.0, -np.log(2.0)], [-2000.0, 0.0, -np.log(2.0)]])


def test_activation_layers_forward_and_backward_at_the_extremes():
    Z = np.array([[1.0, 1.0], [BIG, -BIG], [-BIG, BIG]])
    ones = np.ones((3, 2))
    for layer, expected in ((mfnet.Sigmoid(), [[1, 1], [1, 0], [0, 1]]),
                            (mfnet.Tanh(), [[1, 1], [1, -1], [-1, 1]]),
                            (mfnet.Softmax(), [[1, 1], [1, 0], [0, 1]]),
                            (mfnet.ReLU(), [[1, 1], [BIG, 0], [0, BIG]])):
        assert np.array_equal(layer.forward(Z), expected), layer
        grad = layer.backward(ones)
        assert np.all(np.isfinite(grad)) and np.array_equal(grad[0], [0, 0]), layer


def test_softmax_cross_entropy_is_exact_at_the_extremes():
    Z = np.array([[1.0, 1.0], [BIG, -BIG], [-BIG, BIG]])
    loss = mfnet.SoftmaxCrossEntropy()
    # sample 0: true class 1 has logit -1000 against 1000: J_0 = 2000; sample 1: right, J_1 = 0
    assert loss.forward(Z, np.array([1, 1])) == 1000.0
    # dJ/dZ = (softmax - one-hot) / m = ([1, 0] - [0, 1]) / 2 and 0
    assert np.array_equal(loss.backward(), [[0, 0], [0.5, 0], [-0.5, 0]])


def test_binary_cross_entropy_is_exact_at_the_extremes():
    Z = np.array([[1.0, 1.0, 1.0, 1.0], [BIG, -BIG, BIG, -BIG]])
    loss = mfnet.BinaryCrossEntropy()
    # softplus(z) - y z: 0, 0, 1000, 1000
    assert loss.forward(Z, np.array([1, 0, 0, 1])) == 500.0
    assert np.array_equal(loss.backward(), [[0, 0, 0, 0], [0, 0, 0.25, -0.25]])


def test_cross_entropy_on_saturated_probabilities_stays_finite():
    P = mfnet.Softmax().forward(np.array([[1.0], [BIG], [-BIG]]))
    loss = mfnet.CrossEntropy()
    J = loss.forward(P, np.array([1]))
    # the true probability underflowed to 0 and is floored at the smallest normal float
    assert J == -np.log(np.finfo(np.float64).tiny)
    assert np.all(np.isfinite(loss.backward()))


def test_a_network_with_huge_logits_trains_one_step_without_raising():
    rng = np.random.default_rng(0)
    model = mfnet.mlp([2, 3, 3], "tanh", rng=0)
    model.layers[-1].W[1:] *= 1e3       # logits of order +-1000
    X = mfnet.augment(rng.normal(size=(6, 2)) * 10)
    hist = mfnet.fit(model, mfnet.SoftmaxCrossEntropy(), mfnet.SGD(model, lr=1e-3), X,
                     rng.integers(0, 3, size=6), epochs=1, batch_size=3)
    assert np.isfinite(hist.loss[0])


# Between the extremes: logit gaps of 700 to 745, where exp gives subnormal
# numbers and the divisions after it underflow too (a gap of 1000 gives an
# exact 0, which divides quietly). References by Python's math module, which
# never raises on underflow.
GAPS = [700.0, 720.0, 740.0, 744.0]


def test_sigmoid_between_the_extremes():
    z = -np.array(GAPS)
    expected = [math.exp(-g) / (1.0 + math.exp(-g)) for g in GAPS]
    assert np.array_equal(mfnet.sigmoid(z), expected)
    assert np.array_equal(mfnet.Sigmoid().forward(mfnet.augment(z))[1], expected)


def test_softmax_and_log_softmax_between_the_extremes():
    # two logits 0 and one -g: the sum of the exps is 2, so the division
    # of a subnormal e^-g by it rounds (and underflows)
    z = np.array([[0.0] * len(GAPS), [0.0] * len(GAPS), [-g for g in GAPS]])
    p = [math.exp(-g) / (2.0 + math.exp(-g)) for g in GAPS]
    assert np.array_equal(mfnet.softmax(z)[2], p)
    # log softmax of the small one: -g - log(2 + e^-g) = -g - log 2
    assert np.array_equal(mfnet.log_softmax(z)[2],
                          [-g - math.log(2.0) for g in GAPS])


def test_losses_between_the_extremes():
    m = len(GAPS)
    Z = np.array([[1.0] * m, [0.0] * m, [-g for g in GAPS]])
    sce = mfnet.SoftmaxCrossEntropy()
    # J = mean log(1 + e^-g), about 2.5e-305: log-sum-exp takes the log of
    # the rounded sum 1 + e^-g = 1, so J comes out 0, an absolute error far
    # below any loss that matters
    J = sce.forward(Z, np.zeros(m, dtype=int))
    exact = sum(math.log1p(math.exp(-g)) for g in GAPS) / m
    assert abs(J - exact) <= exact and math.isfinite(J)
    # dJ/dz for the wrong class: softmax / m, a subnormal for the largest gaps
    wrong = [math.exp(-g) / (1.0 + math.exp(-g)) / m for g in GAPS]
    assert np.array_equal(sce.backward()[2], wrong)
    bce = mfnet.BinaryCrossEntropy()
    z = np.array([[1.0] * m, [-g for g in GAPS]])
    assert bce.forward(z, np.zeros(m)) == sum(
        math.log1p(math.exp(-g)) for g in GAPS) / m
    assert np.array_equal(bce.backward()[1], wrong)
    ce = mfnet.CrossEntropy()
    P = mfnet.Softmax().forward(Z)
    ce.forward(P, np.zeros(m, dtype=int))
    assert np.all(np.isfinite(ce.backward()))
