"""Bad input gives clear errors (each message asserted); ints and lists become float64;
the saturating functions stay finite and warning-free for inputs up to +-1000.
"""
from __future__ import annotations

import math
import warnings
from decimal import Decimal, getcontext

import numpy as np
import pytest

import mfnet
from _support import augmented


def _model():
    return mfnet.Sequential(mfnet.Linear(3, 4, rng=0), mfnet.Tanh(), mfnet.Linear(4, 2, rng=1))


# ---------------------------------------------------------------------------
# Wrong shapes name the layer and both shapes
# ---------------------------------------------------------------------------

def test_linear_wrong_input_shape_names_layer_and_shapes():
    with pytest.raises(ValueError, match=r"^Linear\(3, 2\): expected input A of shape \(4, m\) "
                                         r"with m >= 1, got shape \(3, 5\)$"):
        mfnet.Linear(3, 2).forward(np.ones((3, 5)))
    with pytest.raises(ValueError, match=r"Linear\(3, 2\).*\(4, m\).*got shape \(4,\)"):
        mfnet.Linear(3, 2).forward(np.ones(4))


def test_wrong_shape_inside_sequential_names_the_position():
    model = mfnet.Sequential(mfnet.Linear(3, 4), mfnet.Tanh(), mfnet.Linear(5, 2))
    with pytest.raises(ValueError, match=r"^layer 2 Linear\(5, 2\): expected input A of shape \(6, m\) "
                                         r"with m >= 1, got shape \(5, 7\)$"):
        model.forward(np.ones((4, 7)))
    with pytest.raises(ValueError, match=r"^layer 0 Linear\(3, 4\): .*\(4, m\).*got shape \(3, 7\)"):
        model.forward(np.ones((3, 7)))


def test_wrong_gradient_shapes_in_backward():
    model = _model()
    model.forward(augmented(np.random.default_rng(0), 3, 5))
    with pytest.raises(ValueError, match=r"^layer 2 Linear\(4, 2\): expected gradient Delta of shape "
                                         r"\(3, m\) with m >= 1, got shape \(2, 5\)$"):
        model.backward(np.zeros((2, 5)))
    with pytest.raises(ValueError, match=r"layer 2 Linear\(4, 2\): gradient Delta has 4 samples but the "
                                         r"forward input had 5 \(shapes \(3, 4\) and \(5, 5\)\)"):
        model.backward(np.zeros((3, 4)))
    tanh = model.layers[1]
    with pytest.raises(ValueError, match=r"layer 1 Tanh\(\): gradient dA has shape \(5, 4\) but the forward "
                                         r"output had shape \(5, 5\)"):
        tanh.backward(np.zeros((5, 4)))
    with pytest.raises(ValueError, match=r"layer 1 Tanh\(\): expected gradient dA of shape \(5, m\).*"
                                         r"got shape \(4, 5\)"):
        tanh.backward(np.zeros((4, 5)))


@pytest.mark.parametrize("cls", [mfnet.Identity, mfnet.ReLU, mfnet.Sigmoid, mfnet.Tanh, mfnet.Softmax])
def test_activation_wrong_shape(cls):
    name = cls.__name__
    with pytest.raises(ValueError, match=rf"^{name}\(\): expected input Z of shape \(n \+ 1, m\) with "
                                         rf"n >= 1 and m >= 1, got shape \(3,\)$"):
        cls().forward(np.ones(3))
    with pytest.raises(ValueError, match=rf"{name}\(\).*got shape \(1, 4\)"):
        cls().forward(np.ones((1, 4)))  # the bias row alone: no features
    seq = mfnet.Sequential(mfnet.Identity(), cls())
    with pytest.raises(ValueError, match=rf"^layer 0 Identity\(\).*got shape \(2, 3, 1\)"):
        seq.forward(np.ones((2, 3, 1)))


# ---------------------------------------------------------------------------
# Integers and lists are converted to float64
# ---------------------------------------------------------------------------

def test_integer_and_list_inputs_become_float64():
    layer = mfnet.Linear(2, 1, init="zeros")
    layer.W = [[1, 0, 0], [1, 2, 3]]
    assert layer.W.dtype == np.float64
    Z = layer.forward([[1, 1], [2, 3], [4, 5]])
    assert Z.dtype == np.float64
    assert Z.tolist() == [[1.0, 1.0], [1 + 2 * 2 + 3 * 4, 1 + 2 * 3 + 3 * 5]]
    assert layer.A.dtype == np.float64
    Zi = np.array([[1, 1], [0, 2], [0, 0]])  # int64
    s = mfnet.Sigmoid().forward(Zi)
    assert s.dtype == np.float64 and s[1, 0] == 0.5
    sm = mfnet.Softmax().forward(Zi)
    assert sm.dtype == np.float64
    np.testing.assert_allclose(sm[1:, 0], [0.5, 0.5])
    np.testing.assert_allclose(sm[1:, 1], [math.exp(2) / (1 + math.exp(2)), 1 / (1 + math.exp(2))])
    r = mfnet.ReLU().forward(Zi)
    assert r.dtype == np.float64
    A = mfnet.augment([[1, 2], [3, 4], [5, 6]])
    assert A.dtype == np.float64 and A.tolist() == [[1, 1, 1], [1, 3, 5], [2, 4, 6]]
    assert mfnet.strip([[1, 1], [7, 8]]).dtype == np.float64


def test_fit_accepts_integer_lists():
    X = [[1, 1, 1, 1], [0, 1, 2, 3]]
    Y = [[1, 1, 1, 1], [1, 3, 5, 7]]  # y = 1 + 2 x
    model = mfnet.Sequential(mfnet.Linear(1, 1, init="zeros"))
    hist = mfnet.fit(model, mfnet.MSE(), mfnet.SGD(model, lr=0.1), X, Y, epochs=300, batch_size=4, rng=0)
    assert model.layers[0].W.dtype == np.float64
    np.testing.assert_allclose(model.layers[0].W, [[1, 0], [1, 2]], atol=1e-3)
    assert hist.loss[-1] < 1e-6


# ---------------------------------------------------------------------------
# Targets, labels, empty batches, the bias row
# ---------------------------------------------------------------------------

def test_target_shape_mismatch_messages():
    Y_hat = np.ones((3, 4))
    with pytest.raises(ValueError, match=r"^MSE: targets Y have shape \(3, 5\) but the output Y_hat has "
                                         r"shape \(3, 4\)$"):
        mfnet.MSE().forward(Y_hat, np.ones((3, 5)))
    with pytest.raises(ValueError, match=r"shape \(2, 4\) but .* \(3, 4\); the targets lack the bias row"):
        mfnet.MSE().forward(Y_hat, np.ones((2, 4)))
    with pytest.raises(ValueError, match=r"shape \(4, 3\) but .* \(3, 4\); the targets look transposed"):
        mfnet.CrossEntropy().forward(Y_hat, np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"^SoftmaxCrossEntropy: 3 labels for 4 samples \(output shape \(3, 4\)\)$"):
        mfnet.SoftmaxCrossEntropy().forward(Y_hat, np.array([0, 1, 1]))
    with pytest.raises(ValueError, match=r"^CrossEntropy: 5 labels for 4 samples"):
        mfnet.CrossEntropy().forward(Y_hat, [0, 1, 1, 0, 1])
    # 1-D targets are a one-output regression's, never class labels for MSE
    with pytest.raises(ValueError, match=r"^MSE: 1-D targets of shape \(4,\) are the targets of a one-output network, "
                                         r"but this output has 2 rows\. For regression pass Y = mfnet\.augment\(T\)"):
        mfnet.MSE().forward(Y_hat, np.array([0, 1, 1, 0]))


def test_fit_target_mismatch_messages():
    model = _model()
    X = augmented(np.random.default_rng(0), 3, 12)
    opt = mfnet.SGD(model, lr=0.1)
    with pytest.raises(ValueError, match=r"^Y: shape \(3, 10\) has 10 samples but X \(shape \(4, 12\)\) has 12$"):
        mfnet.fit(model, mfnet.MSE(), opt, X, np.ones((3, 10)), epochs=1)
    with pytest.raises(ValueError, match=r"^Y: 10 labels for 12 samples in X$"):
        mfnet.fit(model, mfnet.SoftmaxCrossEntropy(), opt, X, np.zeros(10, dtype=int), epochs=1)
    with pytest.raises(ValueError, match=r"^MSE: targets Y have shape \(4, 12\) but the output Y_hat has shape \(3, "):
        mfnet.fit(model, mfnet.MSE(), opt, X, np.ones((4, 12)), epochs=1)


@pytest.mark.parametrize("loss_cls", [mfnet.CrossEntropy, mfnet.SoftmaxCrossEntropy])
def test_labels_out_of_range(loss_cls):
    P = np.full((4, 3), 1 / 3)
    P[0] = 1
    with pytest.raises(ValueError, match=r"^one_hot: label 3 is out of range for 3 classes "
                                         r"\(labels must lie in 0\.\.2\)$"):
        loss_cls().forward(P, np.array([0, 3, 1]))
    with pytest.raises(ValueError, match=r"label -1 is out of range for 3 classes"):
        loss_cls().forward(P, np.array([0, -1, 1]))
    with pytest.raises(ValueError, match=r"labels must be whole numbers"):
        loss_cls().forward(P, np.array([0.0, 1.5, 1.0]))
    model = mfnet.mlp([2, 3], rng=0)
    with pytest.raises(ValueError, match=r"label 7 is out of range for 3 classes"):
        mfnet.fit(model, loss_cls(), mfnet.SGD(model, lr=0.1), np.ones((3, 3)), np.array([0, 7, 1]), epochs=1)


def test_one_hot_errors():
    with pytest.raises(ValueError, match=r"^one_hot: empty label array"):
        mfnet.one_hot(np.array([], dtype=int), 3)
    with pytest.raises(ValueError, match=r"^one_hot: expected a 1-D array of class labels, got shape \(2, 2\)$"):
        mfnet.one_hot(np.zeros((2, 2), dtype=int), 3)
    assert mfnet.one_hot(np.array([2.0, 0.0]), 3).tolist() == [[1, 1], [0, 1], [0, 0], [1, 0]]


def test_empty_batch_errors():
    with pytest.raises(ValueError, match=r"^Linear\(2, 2\): expected input A of shape \(3, m\) with m >= 1, "
                                         r"got shape \(3, 0\)$"):
        mfnet.Linear(2, 2).forward(np.ones((3, 0)))
    with pytest.raises(ValueError, match=r"^Tanh\(\): .*got shape \(3, 0\)$"):
        mfnet.Tanh().forward(np.ones((3, 0)))
    with pytest.raises(ValueError, match=r"^MSE: expected the network output Y_hat of shape \(n \+ 1, m\) with "
                                         r"n >= 1 and m >= 1, got shape \(2, 0\)$"):
        mfnet.MSE().forward(np.ones((2, 0)), np.ones((2, 0)))
    model = _model()
    with pytest.raises(ValueError, match=r"^X: empty batch \(shape \(4, 0\)\)"):
        mfnet.fit(model, mfnet.MSE(), mfnet.SGD(model), np.ones((4, 0)), np.ones((3, 0)), epochs=1)
    with pytest.raises(ValueError, match=r"^X: empty batch"):
        mfnet.predict(model, np.ones((4, 0)))
    with pytest.raises(ValueError, match=r"^metrics: empty arrays$"):
        mfnet.accuracy([], [])


def test_fit_requires_the_bias_row():
    rng = np.random.default_rng(0)
    model = _model()
    X = rng.normal(size=(4, 10))  # 4 rows as the model expects, but row 0 is no bias row
    with pytest.raises(ValueError, match=r"^X: row 0 must be the bias feature \(all ones\); got shape \(4, 10\)\. "
                                         r"Samples-as-rows data of shape \(m, n\) becomes mfnet's layout with "
                                         r"mfnet\.augment\(X\)$"):
        mfnet.fit(model, mfnet.MSE(), mfnet.SGD(model), X, augmented(rng, 2, 10), epochs=1)
    with pytest.raises(ValueError, match=r"^X: row 0 must be the bias feature"):
        mfnet.predict(model, X)
    with pytest.raises(ValueError, match=r"^X: row 0 must be the bias feature"):
        mfnet.evaluate(model, mfnet.MSE(), X, augmented(rng, 2, 10))


def test_non_finite_data_is_rejected_and_the_model_is_left_unchanged():
    # X is searched only when the loss or the weights become non-finite (no
    # pass over the data per call); fit then restores the model as it was
    model = _model()
    before = model.weights()
    X = augmented(np.random.default_rng(0), 3, 6)
    X[2, 3] = np.nan
    with pytest.raises(ValueError, match=r"^X: contains NaN or infinity \(1 entry, the first X\[2, 3\] = nan: "
                                         r"row 2 of sample 3\); clean or impute the data first\. "
                                         r"fit left the model unchanged\.$"):
        mfnet.fit(model, mfnet.MSE(), mfnet.SGD(model), X, np.ones((3, 6)), epochs=1, batch_size=2)
    X[2, 3] = 0.0
    Y = np.ones((3, 6))
    Y[1, 1] = np.inf
    with pytest.raises(ValueError, match=r"^Y: contains NaN or infinity \(1 entry, the first Y\[1, 1\] = inf: "):
        mfnet.fit(model, mfnet.MSE(), mfnet.SGD(model), X, Y, epochs=1)
    assert all(np.array_equal(a, b) for a, b in zip(before, model.weights()))
    with pytest.raises(ValueError, match=r"^X: contains NaN or infinity"):
        mfnet.evaluate(model, mfnet.MSE(), np.where(X == 0.0, np.nan, X), Y)


def test_invalid_configuration_messages():
    with pytest.raises(ValueError, match=r"^Linear\(0, 2\): sizes must be at least 1$"):
        mfnet.Linear(0, 2)
    with pytest.raises(ValueError, match=r"^Linear: unknown init 'uniform'"):
        mfnet.Linear(2, 2, init="uniform")
    with pytest.raises(ValueError, match=r"^mlp: unknown activation 'gelu'; choose from"):
        mfnet.mlp([2, 3, 1], activation="gelu")
    with pytest.raises(ValueError, match=r"^mlp: sizes needs at least an input and an output size"):
        mfnet.mlp([2])
    with pytest.raises(ValueError, match=r"^Sequential: give at least one layer$"):
        mfnet.Sequential()
    with pytest.raises(TypeError, match=r"^Sequential: argument 1 is 'tanh', not an mfnet layer$"):
        mfnet.Sequential(mfnet.Linear(2, 2), "tanh")
    model = _model()
    with pytest.raises(ValueError, match=r"^SGD: the learning rate lr must be a finite number > 0, got 0$"):
        mfnet.SGD(model, lr=0)
    with pytest.raises(ValueError, match=r"^SGD: momentum must lie in \[0, 1\), got 1\.0$"):
        mfnet.SGD(model, lr=0.1, momentum=1.0)
    with pytest.raises(ValueError, match=r"^Adam: the learning rate lr must be a finite number > 0, got -1$"):
        mfnet.Adam(model, lr=-1)
    with pytest.raises(ValueError, match=r"^fit: epochs must be at least 1, got 0$"):
        mfnet.fit(model, mfnet.MSE(), mfnet.SGD(model), np.ones((4, 2)), np.ones((3, 2)), epochs=0)


# ---------------------------------------------------------------------------
# Saturation: finite, warning-free, equal to the exact limits, for |z| up to 1000
# ---------------------------------------------------------------------------

getcontext().prec = 60


def _exact_sigmoid(z: float) -> float:
    return float(1 / (1 + (-Decimal(z)).exp()))


def _exact_softmax(col) -> list[float]:
    e = [Decimal(z).exp() for z in col]
    s = sum(e)
    return [float(x / s) for x in e]


def _exact_logsumexp(col) -> Decimal:
    return sum(Decimal(z).exp() for z in col).ln()


class _strict:
    """Every warning an error, and numpy overflow, division by zero and invalid operations errors.

    Underflow is allowed: e^-1000 is below the smallest float64, so rounding it to
    0 is the correctly rounded result, not a failure (numpy ignores underflow by default).
    """

    def __enter__(self):
        self._w = warnings.catch_warnings()
        self._w.__enter__()
        warnings.simplefilter("error")
        self._e = np.errstate(over="raise", divide="raise", invalid="raise", under="ignore")
        self._e.__enter__()

    def __exit__(self, *exc):
        self._e.__exit__(*exc)
        self._w.__exit__(*exc)


Z_EXTREME = [-1000.0, -745.5, -700.0, -30.0, -1e-3, 0.0, 1e-3, 30.0, 700.0, 745.5, 1000.0]


def test_sigmoid_and_tanh_saturate_exactly():
    Z = np.ones((2, len(Z_EXTREME)))
    Z[1] = Z_EXTREME
    with _strict():
        sig, tanh = mfnet.Sigmoid(), mfnet.Tanh()
        S, T = sig.forward(Z), tanh.forward(Z)
        dS, dT = sig.backward(np.ones_like(Z)), tanh.backward(np.ones_like(Z))
    assert np.isfinite(S).all() and np.isfinite(T).all() and np.isfinite(dS).all() and np.isfinite(dT).all()
    for j, z in enumerate(Z_EXTREME):
        assert S[1, j] == pytest.approx(_exact_sigmoid(z), rel=1e-14, abs=1e-320), z
        assert T[1, j] == pytest.approx(math.tanh(z), rel=1e-15), z
    assert S[1, 0] == 0.0 and S[1, -1] == 1.0  # e^-1000 rounds to 0 in float64
    assert T[1, 0] == -1.0 and T[1, -1] == 1.0
    assert dS[1, 0] == 0.0 and dS[1, -1] == 0.0 and dT[1, 0] == 0.0 and dT[1, -1] == 0.0
    assert dS[1, 5] == 0.25 and dT[1, 5] == 1.0


SOFTMAX_COLUMNS = [[1000.0, -1000.0, 0.0], [1000.0, 1000.0, -1000.0], [-1000.0, -1000.0, -1000.0],
                   [1000.0, 999.0, 0.0], [-1000.0, 0.0, 1000.0], [700.0, 0.0, -5.0]]


def test_softmax_saturates_exactly():
    Z = np.ones((4, len(SOFTMAX_COLUMNS)))
    Z[1:] = np.array(SOFTMAX_COLUMNS).T
    with _strict():
        sm = mfnet.Softmax()
        A = sm.forward(Z)
        dZ = sm.backward(np.random.default_rng(0).normal(size=Z.shape))
    assert np.isfinite(A).all() and np.isfinite(dZ).all()
    for j, col in enumerate(SOFTMAX_COLUMNS):
        np.testing.assert_allclose(A[1:, j], _exact_softmax(col), rtol=1e-14, atol=1e-320)
    assert A[1:, 0].tolist() == [1.0, 0.0, 0.0]
    assert A[1:, 1].tolist() == [0.5, 0.5, 0.0]


def test_fused_softmax_cross_entropy_is_exact_at_the_extremes():
    Z = np.ones((4, len(SOFTMAX_COLUMNS)))
    Z[1:] = np.array(SOFTMAX_COLUMNS).T
    y = np.array([1, 2, 0, 1, 0, 2])  # mostly the least likely class: losses near 1000-2000
    m = len(y)
    with _strict():
        loss = mfnet.SoftmaxCrossEntropy()
        J = loss.forward(Z, y)
        G = loss.backward()
    exact = sum(_exact_logsumexp(col) - Decimal(col[c]) for col, c in zip(SOFTMAX_COLUMNS, y)) / m
    assert math.isfinite(J) and J == pytest.approx(float(exact), rel=1e-14)
    for j, (col, c) in enumerate(zip(SOFTMAX_COLUMNS, y)):
        expected = np.array(_exact_softmax(col))
        expected[c] -= 1.0
        np.testing.assert_allclose(G[1:, j], expected / m, rtol=1e-13, atol=1e-300)
    # a correct, confident prediction costs exactly 0
    with _strict():
        assert mfnet.SoftmaxCrossEntropy().forward(np.array([[1.0], [1000.0], [-1000.0]]), [0]) == 0.0
        assert mfnet.SoftmaxCrossEntropy().forward(np.array([[1.0], [1000.0], [-1000.0]]), [1]) == 2000.0


def test_cross_entropy_on_probabilities_stays_finite():
    """CrossEntropy on a Softmax output: finite and warning-free even when the true class has
    probability 0; exact while that probability is a normal float, floored at -log(tiny) below."""
    tiny = np.finfo(np.float64).tiny
    Z = np.ones((3, 3))
    Z[1:] = [[700.0, 1000.0, 0.5], [0.0, -1000.0, -0.5]]
    y = [1, 1, 0]  # columns 0 and 1: the true class has probability e^-700 and e^-2000 (-> 0)
    with _strict():
        sm, ce = mfnet.Softmax(), mfnet.CrossEntropy()
        P = sm.forward(Z)
        J = ce.forward(P, y)
        dZ = sm.backward(ce.backward())
    assert math.isfinite(J) and np.isfinite(dZ).all()
    per_sample = [float(_exact_logsumexp([700, 0]) - 0), -math.log(tiny),
                  float(_exact_logsumexp([0.5, -0.5]) - Decimal(0.5))]
    assert J == pytest.approx(sum(per_sample) / 3, rel=1e-13)
    # where nothing saturates the chain gives the exact gradient
    p = _exact_softmax([0.5, -0.5])
    np.testing.assert_allclose(dZ[1:, 2], [(p[0] - 1) / 3, p[1] / 3], rtol=1e-12)


def test_a_network_fed_huge_inputs_stays_finite():
    rng = np.random.default_rng(0)
    X = augmented(rng, 4, 8, scale=1000.0)
    layers = list(mfnet.mlp([4, 6, 5, 3], "sigmoid", rng=1).layers)
    layers[3] = mfnet.Tanh()  # one sigmoid and one tanh hidden layer
    model = mfnet.Sequential(*layers)
    with _strict():
        for loss, out in ((mfnet.SoftmaxCrossEntropy(), None), (mfnet.CrossEntropy(), "softmax")):
            net = mfnet.Sequential(*model.layers, *( [mfnet.Softmax()] if out else []))
            J = loss.forward(net.forward(X), rng.integers(0, 3, size=8))
            net.backward(loss.backward())
            assert math.isfinite(J)
            assert all(np.isfinite(layer.dW).all() for layer in net.linear_layers)


def test_loss_backward_before_forward_is_a_clear_error():
    for loss in (mfnet.MSE(), mfnet.CrossEntropy(), mfnet.SoftmaxCrossEntropy()):
        with pytest.raises(RuntimeError, match=r"backward\(\) called before forward"):
            loss.backward()


def test_batches_wants_one_generator_reused_across_epochs():
    with pytest.raises(TypeError, match="numpy Generator, made once and reused every epoch"):
        next(mfnet.batches(10, 3, 0))
