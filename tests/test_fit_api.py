"""What users of Keras, PyTorch and scikit-learn expect of fit: progress
lines, training metrics in History, early stopping from the callback, the
same seed defaults as mlp; and the gradient with respect to the input only
when asked for; the two error measures (issue 8, items 6 and 7)."""
from __future__ import annotations

import sys

import numpy as np
import pytest

import mfnet
from _support import augmented


def _data(m=24):
    rng = np.random.default_rng(0)
    X = augmented(rng, 3, m)
    return X, (X[1] + X[2] > 0).astype(int)


def _fit(model, X, y, **kwargs):
    return mfnet.fit(model, mfnet.SoftmaxCrossEntropy(), mfnet.SGD(model, lr=0.5), X, y,
                     batch_size=8, **kwargs)


def test_verbose_prints_one_line_per_epoch_with_loss_metrics_and_time(capsys):
    X, y = _data()
    model = mfnet.mlp([3, 4, 2], rng=0)
    hist = _fit(model, X, y, epochs=3, verbose=True, validation=(X, y),
                metrics={"acc": mfnet.accuracy})
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3
    for e, line in enumerate(lines):
        expected = (f"epoch {e + 1}/3  loss {hist.loss[e]:.4g}  acc {hist.metrics['acc'][e]:.4g}  "
                    f"val_loss {hist.val_loss[e]:.4g}  val_acc {hist.val_metrics['acc'][e]:.4g}  "
                    f"{hist.seconds[e]:.1f} s")
        assert line == expected


def test_verbose_every_k_epochs_and_in_place_on_a_terminal(capsys, monkeypatch):
    X, y = _data()
    _fit(mfnet.mlp([3, 4, 2], rng=0), X, y, epochs=5, verbose=2)
    assert [line.split()[1] for line in capsys.readouterr().out.splitlines()] == ["2/5", "4/5", "5/5"]
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)   # as on a terminal
    _fit(mfnet.mlp([3, 4, 2], rng=0), X, y, epochs=3, verbose=True)
    out = capsys.readouterr().out
    assert out.count("\r") == 3 and out.endswith("\n") and out.count("\n") == 1
    assert [part.split()[1] for part in out.split("\r")[1:]] == ["1/3", "2/3", "3/3"]
    assert all(len(part.rstrip("\n")) >= 79 for part in out.split("\r")[1:])   # padded: no leftovers


def test_history_has_training_metrics_and_elapsed_seconds():
    X, y = _data()
    model = mfnet.mlp([3, 4, 2], rng=0)
    hist = _fit(model, X, y, epochs=4, metrics={"acc": mfnet.accuracy})
    assert len(hist.metrics["acc"]) == 4 and hist.val_metrics == {} and hist.val_loss == []
    assert hist.metrics["acc"][-1] == float(np.mean(np.argmax(model.forward(X)[1:], axis=0) == y))
    assert all(a <= b for a, b in zip(hist.seconds, hist.seconds[1:])) and hist.seconds[0] >= 0


def test_callback_returning_false_stops_early():
    X, y = _data()
    seen = []

    def stop_at_3(epoch, history):
        seen.append((epoch, len(history.loss)))
        return False if epoch == 3 else None

    hist = _fit(mfnet.mlp([3, 4, 2], rng=0), X, y, epochs=10, callback=stop_at_3)
    assert seen == [(1, 1), (2, 2), (3, 3)] and len(hist.loss) == 3
    with pytest.raises(TypeError, match=r"^fit: the callback returns None or True to go on, False to stop; "
                                        r"it returned 'stop'$"):
        _fit(mfnet.mlp([3, 4, 2], rng=0), X, y, epochs=2, callback=lambda e, h: "stop")


def test_seed_defaults_of_mlp_and_fit_agree_on_0():
    X, y = _data()
    assert all(np.array_equal(a, b) for a, b in zip(mfnet.mlp([3, 4, 2]).weights(),
                                                    mfnet.mlp([3, 4, 2], rng=0).weights()))
    a, b = mfnet.mlp([3, 4, 2]), mfnet.mlp([3, 4, 2])
    _fit(a, X, y, epochs=2)
    _fit(b, X, y, epochs=2, rng=0)
    assert all(np.array_equal(u, v) for u, v in zip(a.weights(), b.weights()))


def test_backward_computes_the_input_gradient_only_when_asked():
    rng = np.random.default_rng(1)
    model = mfnet.Sequential(mfnet.Linear(3, 2, rng=0))
    A = augmented(rng, 3, 5)
    D = np.zeros((3, 5))
    D[1:] = rng.normal(size=(2, 5))
    model.forward(A)
    assert model.backward(D) is None
    W = np.asarray(model.layers[0].W)
    dA = model.backward(D, input_grad=True)
    # dJ/dA = W^T Delta, written out entry by entry
    expected = np.array([[sum(W[k, j] * D[k, i] for k in range(3)) for i in range(5)] for j in range(4)])
    np.testing.assert_allclose(dA, expected, rtol=1e-14, atol=1e-15)


def test_the_two_relative_errors_are_the_notation_pages_definitions():
    a = np.array([[1.0, 1e-8], [0.0, -2.0]])
    b = np.array([[1.0, 2e-8], [0.0, -2.0 + 1e-12]])
    # normwise: max |a - b| / max(max|a|, max|b|) = 1e-8 / 2
    assert mfnet.relative_error(a, b) == pytest.approx(0.5e-8, rel=1e-12)
    # entrywise: max over entries of |a - b| / max(|a|, |b|): the tiny entry is off by 1/2
    assert mfnet.entrywise_relative_error(a, b) == pytest.approx(0.5, rel=1e-12)
    zeros = np.zeros((2, 2))
    assert mfnet.relative_error(zeros, zeros) == 0.0 == mfnet.entrywise_relative_error(zeros, zeros)
    assert mfnet.relative_error(1e-20 * a, 1e-20 * b) == pytest.approx(0.5e-8, rel=1e-12)  # scale-free
    with pytest.raises(ValueError, match=r"^relative error: a has shape \(2, 2\) but b has shape \(2,\)$"):
        mfnet.entrywise_relative_error(a, b[0])
