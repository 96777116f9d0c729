"""Binary classification with one output: BinaryCrossEntropy (value, exact
extremes, gradient by finite differences and by PyTorch float64), labels with
a threshold, predict_proba / predict_labels, and accuracy as a fit metric
(issue 8, items 1, 5 and 6)."""
from __future__ import annotations

import math

import numpy as np
import pytest

import mfnet
from _support import centred_diff, rel_err

torch = pytest.importorskip("torch")


def _logits(z):
    Z = np.ones((2, len(z)))
    Z[1] = z
    return Z


def test_bce_value_is_the_textbook_formula():
    z = np.array([-3.0, -0.5, 0.0, 0.7, 2.5])
    y = np.array([0, 1, 1, 0, 1])
    # written out with math, one sample at a time
    terms = []
    for zi, yi in zip(z, y):
        p = 1.0 / (1.0 + math.exp(-zi))
        terms.append(-(yi * math.log(p) + (1 - yi) * math.log(1 - p)))
    J = mfnet.BinaryCrossEntropy().forward(_logits(z), y)
    assert J == pytest.approx(sum(terms) / len(terms), rel=1e-15, abs=0)


def test_bce_is_exact_at_logits_of_1000():
    loss = mfnet.BinaryCrossEntropy()
    with np.errstate(all="raise"):
        J = loss.forward(_logits([1000.0, -1000.0, 1000.0, -1000.0]), [1, 0, 0, 1])
        G = loss.backward()
    # right class: softplus(-1000) = 0 in float64; wrong class: exactly 1000
    assert J == 500.0
    assert np.array_equal(G, [[0, 0, 0, 0], [0, 0, 0.25, -0.25]])


def test_bce_gradient_matches_finite_differences():
    rng = np.random.default_rng(3)
    Z = _logits(rng.normal(scale=2.0, size=7))
    y = rng.integers(0, 2, size=7)
    loss = mfnet.BinaryCrossEntropy()
    loss.forward(Z, y)
    G = loss.backward()
    numeric = centred_diff(lambda: loss.forward(Z, y), Z, rows=slice(1, None))
    assert G[0].tolist() == [0.0] * 7
    # centred differences of a smooth O(1) function: error about 1e-10
    assert rel_err(G, numeric) < 1e-8


@pytest.mark.parametrize("soft", [False, True], ids=["labels", "probabilities"])
def test_bce_value_and_gradient_match_torch_float64(soft):
    rng = np.random.default_rng(11)
    z = rng.normal(scale=3.0, size=9)
    y = rng.random(9) if soft else rng.integers(0, 2, size=9).astype(float)
    targets = np.vstack([np.ones(9), y]) if soft else y.astype(int)
    loss = mfnet.BinaryCrossEntropy()
    J = loss.forward(_logits(z), targets)
    G = loss.backward()
    zt = torch.tensor(z, dtype=torch.float64, requires_grad=True)
    Jt = torch.nn.BCEWithLogitsLoss()(zt, torch.tensor(y, dtype=torch.float64))
    Jt.backward()
    assert J == pytest.approx(Jt.item(), rel=1e-14)
    assert rel_err(G[1], zt.grad.numpy()) < 1e-14


def test_bce_errors_say_what_to_do():
    with pytest.raises(ValueError, match=r"^BinaryCrossEntropy: expects one output row .* use mfnet\.SoftmaxCrossEntropy$"):
        mfnet.BinaryCrossEntropy().forward(np.ones((3, 2)), np.ones((3, 2)))
    with pytest.raises(ValueError, match=r"^BinaryCrossEntropy: labels must be 0 or 1, got 2$"):
        mfnet.BinaryCrossEntropy().forward(_logits([0.0, 1.0]), [0, 2])
    with pytest.raises(ValueError, match=r"targets must lie in \[0, 1\]"):
        mfnet.BinaryCrossEntropy().forward(_logits([0.0]), [[1.0], [1.5]])
    with pytest.raises(ValueError, match=r"^SoftmaxCrossEntropy needs at least two output rows .*mfnet\.BinaryCrossEntropy on its logits$"):
        mfnet.SoftmaxCrossEntropy().forward(_logits([0.0, 1.0]), [0, 1])


def test_labels_on_one_output_row_needs_the_threshold():
    out = np.array([[1.0, 1.0, 1.0], [0.2, 0.5, 0.9]])
    with pytest.raises(ValueError, match=r"^labels: one output row, so say where class 1 begins: "
                                         r"labels\(out, threshold=0\.5\) for probabilities"):
        mfnet.labels(out)
    assert mfnet.labels(out, threshold=0.5).tolist() == [0, 0, 1]
    assert mfnet.labels(out - 0.5, threshold=0.0).tolist() == [0, 0, 1]
    with pytest.raises(ValueError, match=r"threshold=0\.5 applies to one output row only"):
        mfnet.labels(np.ones((3, 2)), threshold=0.5)


def _xor():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    return X, np.array([0, 1, 1, 0])


def test_xor_with_one_output_trains_and_reports_accuracy():
    X, y = _xor()
    model = mfnet.mlp([2, 4, 1], "tanh", rng=1)
    history = mfnet.fit(model, mfnet.BinaryCrossEntropy(), mfnet.SGD(model, lr=0.5),
                        mfnet.augment(X), y, epochs=400, batch_size=4,
                        metrics={"acc": mfnet.accuracy})
    Z = mfnet.predict(model, mfnet.augment(X))
    by_hand = float(np.mean((Z[1] > 0).astype(int) == y))   # logit > 0
    assert history.metrics["acc"][-1] == by_hand == 1.0
    assert mfnet.predict_labels(model, X).tolist() == y.tolist()
    P = mfnet.predict_proba(model, X)
    p1 = 1.0 / (1.0 + np.exp(-Z[1]))
    assert P.shape == (4, 2)
    np.testing.assert_allclose(P[:, 1], p1, rtol=1e-15)
    np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=1e-15)


def test_predict_proba_and_labels_for_a_sigmoid_output_and_a_softmax_net():
    X, _ = _xor()
    sig = mfnet.mlp([2, 3, 1], "tanh", output="sigmoid", rng=2)
    out = mfnet.predict(sig, mfnet.augment(X))
    assert np.array_equal(mfnet.predict_proba(sig, X)[:, 1], out[1])
    assert mfnet.predict_labels(sig, X).tolist() == (out[1] > 0.5).astype(int).tolist()
    net = mfnet.mlp([2, 3, 4], "relu", rng=3)
    Z = mfnet.predict(net, mfnet.augment(X))
    E = np.exp(Z[1:] - Z[1:].max(axis=0))
    np.testing.assert_allclose(mfnet.predict_proba(net, X), (E / E.sum(axis=0)).T, rtol=1e-14)
    assert mfnet.predict_labels(net, X).tolist() == np.argmax(Z[1:], axis=0).tolist()


def test_predict_proba_rejects_augmented_data_and_non_classifiers():
    X, _ = _xor()
    model = mfnet.mlp([2, 3, 1], rng=0)
    with pytest.raises(ValueError, match=r"^predict_proba: expected samples as rows, X of shape \(m, 2\), "
                                         r"got shape \(3, 4\)\. It looks augmented .* mfnet\.predict\(model, A\)"):
        mfnet.predict_proba(model, mfnet.augment(X))
    with pytest.raises(ValueError, match=r"^predict_labels: expected samples as rows"):
        mfnet.predict_labels(model, X[:, :1])
    tanh_out = mfnet.mlp([2, 3, 2], output="tanh", rng=0)
    with pytest.raises(ValueError, match=r"the model ends in Tanh\(\); class probabilities need logits"):
        mfnet.predict_proba(tanh_out, X)
