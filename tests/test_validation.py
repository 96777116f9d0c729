"""No silent wrong answer: the inputs a student from PyTorch, Keras or
scikit-learn plausibly passes give the right answer or an error that names the
argument, the value and what to do (issue 8, items 1 and 3)."""
from __future__ import annotations

import math
import zipfile

import numpy as np
import pytest

import mfnet
from _support import augmented


def _model():
    return mfnet.mlp([3, 4, 2], rng=0)


# ---------------------------------------------------------------------------
# Optimiser settings
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("make, message", [
    (lambda m: mfnet.SGD(m, lr=math.inf), r"^SGD: the learning rate lr must be a finite number > 0, got inf$"),
    (lambda m: mfnet.SGD(m, lr=math.nan), r"^SGD: the learning rate lr must be a finite number > 0, got nan$"),
    (lambda m: mfnet.SGD(m, lr=-0.1), r"^SGD: the learning rate lr must be a finite number > 0, got -0\.1$"),
    (lambda m: mfnet.SGD(m, lr="0.1"), None),   # a numeric string is a number
    (lambda m: mfnet.SGD(m, lr=[0.1]), r"^SGD: the learning rate lr must be a real number, got \[0\.1\]$"),
    (lambda m: mfnet.SGD(m, momentum=-0.5), r"^SGD: momentum must lie in \[0, 1\), got -0\.5$"),
    (lambda m: mfnet.Adam(m, lr=math.inf), r"^Adam: the learning rate lr must be a finite number > 0, got inf$"),
    (lambda m: mfnet.Adam(m, betas=(1.5, 0.999)), r"^Adam: betas\[0\] must lie in \[0, 1\), got 1\.5$"),
    (lambda m: mfnet.Adam(m, betas=(0.9, 1.0)), r"^Adam: betas\[1\] must lie in \[0, 1\), got 1\.0$"),
    (lambda m: mfnet.Adam(m, betas=0.9), r"^Adam: betas must be a pair \(beta1, beta2\), got 0\.9$"),
    (lambda m: mfnet.Adam(m, eps=-1e-8), r"^Adam: eps must be a finite number > 0, got -1e-08$"),
    (lambda m: mfnet.Adam(m, eps=0.0), r"^Adam: eps must be a finite number > 0, got 0\.0$"),
])
def test_optimiser_settings(make, message):
    model = _model()
    if message is None:
        assert make(model).lr == 0.1
        return
    with pytest.raises((ValueError, TypeError), match=message):
        make(model)


def test_optimiser_needs_linear_layers_and_fit_the_model_it_was_built_for():
    with pytest.raises(ValueError, match=r"^SGD: the model has no Linear layer to train$"):
        mfnet.SGD(mfnet.Sequential(mfnet.Tanh()))
    model, other = _model(), _model()
    X = augmented(np.random.default_rng(0), 3, 6)
    with pytest.raises(ValueError, match=r"^fit: the optimizer updates the layers of another model"):
        mfnet.fit(model, mfnet.MSE(), mfnet.SGD(other), X, np.ones((3, 6)), epochs=1)


# ---------------------------------------------------------------------------
# Whole numbers
# ---------------------------------------------------------------------------

def test_whole_number_arguments_name_the_argument_and_the_value():
    model = _model()
    X = augmented(np.random.default_rng(0), 3, 6)
    Y = np.ones((3, 6))
    with pytest.raises(TypeError, match=r"^fit: batch_size must be a whole number \(an int\), got 5\.0 of type float$"):
        mfnet.fit(model, mfnet.MSE(), mfnet.SGD(model), X, Y, epochs=1, batch_size=5.0)
    with pytest.raises(TypeError, match=r"^fit: epochs must be a whole number \(an int\), got 2\.5 of type float$"):
        mfnet.fit(model, mfnet.MSE(), mfnet.SGD(model), X, Y, epochs=2.5)
    with pytest.raises(ValueError, match=r"^fit: batch_size must be at least 1, got 0$"):
        mfnet.fit(model, mfnet.MSE(), mfnet.SGD(model), X, Y, epochs=1, batch_size=0)
    with pytest.raises(TypeError, match=r"^mlp: sizes\[1\] must be a whole number \(an int\), got 4\.5 of type float$"):
        mfnet.mlp([2, 4.5, 2])
    with pytest.raises(ValueError, match=r"^mlp: sizes\[2\] must be at least 1, got 0$"):
        mfnet.mlp([2, 4, 0])
    with pytest.raises(TypeError, match=r"^mlp: sizes must be a list of ints, got 3$"):
        mfnet.mlp(3)
    with pytest.raises(TypeError, match=r"^Linear: out_features must be a whole number \(an int\), got 2\.0"):
        mfnet.Linear(3, 2.0)
    # numpy integers are whole numbers too
    assert mfnet.mlp([np.int64(2), 3, 1]).layers[0].in_features == 2


# ---------------------------------------------------------------------------
# Targets, metrics, the model(A) path, validation data
# ---------------------------------------------------------------------------

def test_1d_targets_with_mse_are_regression_targets_of_one_output():
    rng = np.random.default_rng(4)
    model = mfnet.mlp([3, 4, 1], rng=0)
    X = augmented(rng, 3, 8)
    y = np.zeros(8)
    out = mfnet.predict(model, X)
    J = mfnet.evaluate(model, mfnet.MSE(), X, y)
    assert J == pytest.approx(np.sum(out[1] ** 2) / (2 * 8), rel=1e-15)  # against 0, not 1
    y = rng.normal(size=8)                                            # scikit-learn's (m,)
    assert mfnet.evaluate(model, mfnet.MSE(), X, y) == pytest.approx(np.sum((out[1] - y) ** 2) / 16, rel=1e-14)
    two = _model()
    with pytest.raises(ValueError, match=r"^Y \(MSE\): 1-D targets of shape \(8,\) are the targets of a one-output "
                                         r"network, but this output has 2 rows\. For regression pass "
                                         r"Y = mfnet\.augment\(T\) with T of shape \(m, 2\)"):
        mfnet.fit(two, mfnet.MSE(), mfnet.SGD(two), X, y, epochs=1)


def test_metrics_are_called_as_y_true_y_pred_and_a_mismatch_is_reported():
    rng = np.random.default_rng(5)
    model = _model()
    X = augmented(rng, 3, 20)
    y = rng.integers(0, 2, size=20)
    hist = mfnet.fit(model, mfnet.SoftmaxCrossEntropy(), mfnet.SGD(model), X, y, epochs=2, batch_size=5,
                     validation=(X[:, :10], y[:10]), metrics={"acc": mfnet.accuracy})
    out = model.forward(X)
    by_hand = float(np.mean(np.argmax(out[1:], axis=0) == y))
    assert hist.metrics["acc"][-1] == by_hand
    assert hist.val_metrics["acc"][-1] == float(np.mean(np.argmax(out[1:, :10], axis=0) == y[:10]))
    keras_style = {"acc": lambda out, Y: float(np.mean(mfnet.labels(out) == mfnet.labels(Y)))}
    with pytest.raises(ValueError, match=r"^fit: metric 'acc' failed on the training data when called as "
                                         r"f\(y_true, y_pred\) with arrays of shape \(20,\) \(labels\)"):
        mfnet.fit(model, mfnet.SoftmaxCrossEntropy(), mfnet.SGD(model), X, y, epochs=1, metrics=keras_style)
    with pytest.raises(TypeError, match=r"^fit: metrics\['acc'\] is 0\.5, not a function"):
        mfnet.fit(model, mfnet.SoftmaxCrossEntropy(), mfnet.SGD(model), X, y, epochs=1, metrics={"acc": 0.5})


def test_regression_metrics_get_samples_as_rows():
    rng = np.random.default_rng(6)
    model = _model()
    X = augmented(rng, 3, 12)
    Y = augmented(rng, 2, 12)
    hist = mfnet.fit(model, mfnet.MSE(), mfnet.SGD(model), X, Y, epochs=1, metrics={"rmse": mfnet.rmse})
    out = model.forward(X)
    assert hist.metrics["rmse"][0] == pytest.approx(np.sqrt(np.mean((out[1:] - Y[1:]) ** 2)), rel=1e-14)


def test_accuracy_rejects_network_outputs_and_scores():
    with pytest.raises(ValueError, match=r"^accuracy: y_pred must be class labels of shape \(m,\), got shape \(3, 4\); "
                                         r"turn network outputs into labels with mfnet\.labels"):
        mfnet.accuracy(np.zeros(4, int), np.ones((3, 4)))
    with pytest.raises(ValueError, match=r"^accuracy: y_pred must hold whole-number class labels, got values such as \[0\.2\] "
                                         r"\(probabilities or scores\?\); threshold them with mfnet\.labels"):
        mfnet.accuracy(np.array([0, 1]), np.array([0.2, 0.9]))
    assert mfnet.accuracy([0, 1, 1], [0.0, 1.0, 0.0]) == pytest.approx(2 / 3)


def test_model_call_checks_the_bias_row():
    model = _model()
    A = augmented(np.random.default_rng(7), 3, 5)
    message = r"^input A: row 0 must be the bias feature \(all ones\); got shape \(4, 5\)\. .*mfnet\.augment\(X\)$"
    for call in (model, model.forward, model.layers[0]):
        with pytest.raises(ValueError, match=message):
            call(A / 255)
    assert np.array_equal(model(A), mfnet.predict(model, A))


def test_loss_and_output_layer_must_fit_together():
    rng = np.random.default_rng(8)
    X = augmented(rng, 3, 6)
    y = rng.integers(0, 2, size=6)
    soft = mfnet.mlp([3, 4, 2], output="softmax", rng=0)
    with pytest.raises(ValueError, match=r"^SoftmaxCrossEntropy applies the softmax itself, on logits, but the model "
                                         r"ends in Softmax\(\)"):
        mfnet.fit(soft, mfnet.SoftmaxCrossEntropy(), mfnet.SGD(soft), X, y, epochs=1)
    logits = _model()
    with pytest.raises(ValueError, match=r"^CrossEntropy takes probabilities, but the model ends in Linear\(4, 2\)"):
        mfnet.evaluate(logits, mfnet.CrossEntropy(), X, y)
    sig = mfnet.mlp([3, 4, 1], output="sigmoid", rng=0)
    with pytest.raises(ValueError, match=r"^BinaryCrossEntropy applies the sigmoid itself"):
        mfnet.fit(sig, mfnet.BinaryCrossEntropy(), mfnet.SGD(sig), X, y, epochs=1)


def test_validation_errors_say_validation():
    rng = np.random.default_rng(9)
    model = _model()
    X = augmented(rng, 3, 6)
    Y = np.ones((3, 6))
    opt = mfnet.SGD(model)
    with pytest.raises(ValueError, match=r"^validation X: row 0 must be the bias feature"):
        mfnet.fit(model, mfnet.MSE(), opt, X, Y, epochs=1, validation=(X[1:], Y))
    with pytest.raises(ValueError, match=r"^validation Y: shape \(3, 4\) has 4 samples but validation X "
                                         r"\(shape \(4, 6\)\) has 6$"):
        mfnet.fit(model, mfnet.MSE(), opt, X, Y, epochs=1, validation=(X, Y[:, :4]))
    with pytest.raises(ValueError, match=r"^validation Y: 5 labels for 6 samples in validation X$"):
        mfnet.fit(model, mfnet.SoftmaxCrossEntropy(), opt, X, [0, 1, 0, 1, 0, 1], epochs=1,
                  validation=(X, [0, 1, 0, 1, 0]))
    with pytest.raises(TypeError, match=r"^fit: validation must be a pair \(X_val, Y_val\)$"):
        mfnet.fit(model, mfnet.MSE(), opt, X, Y, epochs=1, validation=X)


# ---------------------------------------------------------------------------
# Weight files
# ---------------------------------------------------------------------------

EXPECTED = r"expected a \.npz archive written by mfnet\.save_weights with arrays W0 \.\. W1$"


@pytest.fixture
def saved(tmp_path):
    model = _model()
    path = tmp_path / "w.npz"
    mfnet.save_weights(model, path)
    return model, path


def _check_unchanged_after(model, call):
    before = model.weights()
    call()
    assert all(np.array_equal(a, b) for a, b in zip(before, model.weights()))


def test_weight_file_errors_name_the_file_and_what_was_expected(saved, tmp_path):
    model, path = saved
    fresh = mfnet.mlp([3, 4, 2], rng=9)
    before = fresh.weights()
    cases = {}
    npy = tmp_path / "w.npy"
    np.save(npy, np.ones((3, 4)))
    cases[npy] = r"is a \.npy file \(a single array of shape \(3, 4\)\); "
    empty = tmp_path / "empty.npz"
    empty.write_bytes(b"")
    cases[empty] = r"is empty; "
    junk = tmp_path / "junk.npz"
    junk.write_bytes(np.random.default_rng(0).bytes(300))
    cases[junk] = r"is not a readable \.npz archive \(.*\); "
    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(path.read_bytes()[:200])
    cases[truncated] = r"(is not a readable \.npz archive|is truncated or corrupt) \(.*\); "
    other = tmp_path / "other.npz"
    np.savez(other, a=np.ones(2), b=np.ones(2))
    cases[other] = r"holds arrays \['a', 'b'\], but the model has 2 Linear layers: "
    for file, pattern in cases.items():
        with pytest.raises(ValueError, match=rf"^load_weights: {str(file)}\s?{pattern}{EXPECTED}"):
            mfnet.load_weights(fresh, file)
        assert all(np.array_equal(a, b) for a, b in zip(before, fresh.weights()))
    with pytest.raises(FileNotFoundError, match=rf"^load_weights: no file {tmp_path}/missing\.npz"):
        mfnet.load_weights(fresh, tmp_path / "missing.npz")


def test_weight_file_with_a_corrupt_member(saved, tmp_path):
    model, path = saved
    bad = tmp_path / "bad.npz"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(bad, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(info, data[:len(data) // 2] if info.filename == "W1.npy" else data)
    fresh = mfnet.mlp([3, 4, 2], rng=9)
    before = fresh.weights()
    with pytest.raises(ValueError, match=r"^load_weights: .*bad\.npz is truncated or corrupt"):
        mfnet.load_weights(fresh, bad)
    assert all(np.array_equal(a, b) for a, b in zip(before, fresh.weights()))


# ---------------------------------------------------------------------------
# fit never returns or continues with non-finite weights
# ---------------------------------------------------------------------------

def test_a_step_to_infinite_weights_stops_fit_with_the_history():
    rng = np.random.default_rng(10)
    model = mfnet.mlp([3, 4, 1], rng=0)
    X = augmented(rng, 3, 4)
    y = np.full(4, 1e3)   # large errors, large gradients: lr * dW overflows
    with np.errstate(over="ignore", invalid="ignore"), pytest.raises(FloatingPointError) as info:
        mfnet.fit(model, mfnet.MSE(), mfnet.SGD(model, lr=1e308), X, y, epochs=3, batch_size=4)
    assert str(info.value).startswith("fit: the weights became NaN or infinite in epoch 1; training stopped.")
    assert str(info.value).endswith("The History of the completed epochs is err.history.")
    assert info.value.history.loss == []   # no epoch completed


def test_a_non_finite_loss_stops_fit_and_keeps_the_curve_so_far():
    rng = np.random.default_rng(12)
    model = mfnet.mlp([3, 4, 1], rng=0)
    X = augmented(rng, 3, 8)
    y = rng.normal(size=8)
    calls = []

    class Failing(mfnet.MSE):
        def forward(self, Y_hat, Y):
            calls.append(1)
            J = super().forward(Y_hat, Y)
            return math.nan if len(calls) == 7 else J   # epoch 4, batch 1

    with pytest.raises(FloatingPointError, match=r"^fit: the loss became nan at epoch 4, batch 1;") as info:
        mfnet.fit(model, Failing(), mfnet.SGD(model, lr=0.01), X, y, epochs=5, batch_size=4)
    assert len(info.value.history.loss) == 3 and all(math.isfinite(J) for J in info.value.history.loss)
