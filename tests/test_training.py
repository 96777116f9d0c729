"""The training loop: batch order, determinism, the non-finite-loss stop, and equivalence
with PyTorch's SGD (float64, same initial weights, same batch order).
"""
from __future__ import annotations

import numpy as np
import pytest

import mfnet
from _support import augmented, rel_err


def _regression_data(rng, n=5, k=2, m=53):
    X = augmented(rng, n, m)
    Y = np.ones((k + 1, m))
    Y[1:] = np.sin(X[1:k + 1]) + 0.1 * rng.normal(size=(k, m))
    return X, Y


def _classification_data(rng, n=6, k=4, m=50):
    X = augmented(rng, n, m)
    y = np.argmax(rng.normal(size=(n, k)).T @ X[1:], axis=0)  # a learnable rule
    return X, y


def _weights_equal(a, b):
    return all(np.array_equal(x, y) for x, y in zip(a, b))


# ---------------------------------------------------------------------------
# Batch order
# ---------------------------------------------------------------------------

def test_batches_partition_a_fresh_permutation_each_epoch():
    m, bs = 23, 5
    gen = np.random.default_rng(3)
    ref = np.random.default_rng(3)
    for _ in range(3):
        got = list(mfnet.batches(m, bs, gen))
        assert [len(b) for b in got] == [5, 5, 5, 5, 3]
        order = ref.permutation(m)  # the documented contract: one permutation per epoch, cut in order
        assert np.array_equal(np.concatenate(got), order)


def test_fit_visits_the_documented_batch_order():
    """Column j of X carries j; a recording loss sees the batches fit trains on."""
    m, bs, epochs, seed = 17, 4, 3, 11
    X = np.ones((2, m))
    X[1] = np.arange(m)
    Y = np.ones((2, m))
    Y[1] = np.arange(m)
    seen = []

    class Recording(mfnet.MSE):
        def forward(self, Y_hat, Y):
            seen.append(Y[1].astype(int).tolist())
            return super().forward(Y_hat, Y)

    model = mfnet.Sequential(mfnet.Linear(1, 1, init="zeros"))
    mfnet.fit(model, Recording(), mfnet.SGD(model, lr=1e-4), X, Y, epochs=epochs, batch_size=bs, rng=seed)
    ref = np.random.default_rng(seed)
    expected = []
    for _ in range(epochs):
        order = ref.permutation(m).tolist()
        expected += [order[i:i + bs] for i in range(0, m, bs)]
    assert seen == expected


# ---------------------------------------------------------------------------
# Determinism
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("opt", ["sgd", "momentum", "adam"])
def test_same_seed_gives_bit_identical_weights(opt, rng):
    X, y = _classification_data(rng)

    def run(init_seed, fit_seed):
        model = mfnet.mlp([6, 9, 4], "tanh", rng=init_seed)
        optimizer = {"sgd": lambda: mfnet.SGD(model, lr=0.1),
                     "momentum": lambda: mfnet.SGD(model, lr=0.05, momentum=0.9),
                     "adam": lambda: mfnet.Adam(model, lr=0.01)}[opt]()
        hist = mfnet.fit(model, mfnet.SoftmaxCrossEntropy(), optimizer, X, y, epochs=3, batch_size=7,
                         rng=fit_seed)
        return model.weights(), hist.loss

    w1, h1 = run(0, 0)
    w2, h2 = run(0, 0)
    assert _weights_equal(w1, w2) and h1 == h2
    w3, _ = run(0, 1)  # another batch order
    assert not any(np.array_equal(a, b) for a, b in zip(w1, w3))
    w4, _ = run(1, 0)  # other initial weights
    assert not any(np.array_equal(a, b) for a, b in zip(w1, w4))
    # a Generator instead of a seed gives the same run as that seed
    model = mfnet.mlp([6, 9, 4], "tanh", rng=np.random.default_rng(0))
    assert _weights_equal(model.weights(), mfnet.mlp([6, 9, 4], "tanh", rng=0).weights())


# ---------------------------------------------------------------------------
# History, predict, evaluate
# ---------------------------------------------------------------------------

def test_history_records_what_happened(rng):
    X, Y = _regression_data(rng, m=30)
    Xv, Yv = _regression_data(rng, m=11)
    model = mfnet.mlp([5, 6, 2], "tanh", rng=0)
    batch_losses, calls, after_epoch = [], [], []

    class Recording(mfnet.MSE):
        def forward(self, Y_hat, Y):
            J = super().forward(Y_hat, Y)
            if Y_hat.shape[1] != 11:  # training batches (sizes 8, 8, 8, 6), not the validation set
                batch_losses.append((J, Y_hat.shape[1]))
            return J

    def callback(epoch, history):
        calls.append((epoch, len(history.loss)))
        after_epoch.append(mfnet.evaluate(model, mfnet.MSE(), Xv, Yv))

    hist = mfnet.fit(model, Recording(), mfnet.SGD(model, lr=0.1), X, Y, epochs=4, batch_size=8, rng=0,
                     validation=(Xv, Yv), metrics={"rmse": mfnet.rmse},
                     callback=callback)
    assert calls == [(1, 1), (2, 2), (3, 3), (4, 4)]
    assert len(hist.loss) == len(hist.val_loss) == len(hist.val_metrics["rmse"]) == 4
    for e in range(4):
        chunk = batch_losses[4 * e:4 * e + 4]
        assert [n for _, n in chunk] == [8, 8, 8, 6]
        assert hist.loss[e] == pytest.approx(sum(J * n for J, n in chunk) / 30, rel=1e-14)
    np.testing.assert_allclose(hist.val_loss, after_epoch, rtol=1e-14)
    # RMSE over all entries = sqrt(2 J / k) with mfnet's MSE convention J (k = 2 outputs)
    np.testing.assert_allclose(hist.val_metrics["rmse"], np.sqrt(np.array(hist.val_loss)), rtol=1e-12)
    assert hist.loss[-1] < hist.loss[0]


def test_predict_and_evaluate(rng):
    X, Y = _regression_data(rng, m=9)
    model = mfnet.mlp([5, 4, 2], "sigmoid", rng=2)
    out = mfnet.predict(model, X)
    assert out.shape == (3, 9)
    assert np.array_equal(out, model.forward(X))
    assert mfnet.evaluate(model, mfnet.MSE(), X, Y) == mfnet.MSE().forward(out, Y)
    # list input works the same
    assert np.array_equal(mfnet.predict(model, X.tolist()), out)


def test_training_learns_a_simple_problem(rng):
    X, y = _classification_data(rng, m=200)
    model = mfnet.mlp([6, 16, 4], "relu", rng=0)
    before = mfnet.accuracy(y, mfnet.labels(mfnet.predict(model, X)))
    hist = mfnet.fit(model, mfnet.SoftmaxCrossEntropy(), mfnet.Adam(model, lr=0.01), X, y, epochs=40,
                     batch_size=20, rng=0)
    after = mfnet.accuracy(y, mfnet.labels(mfnet.predict(model, X)))
    assert hist.loss[-1] < 0.5 * hist.loss[0]
    assert after > 0.9 and after > before


# ---------------------------------------------------------------------------
# A non-finite loss stops training
# ---------------------------------------------------------------------------

class _Snapshots(mfnet.SGD):
    """SGD that remembers the weights after every step."""

    def __init__(self, model, lr):
        super().__init__(model, lr)
        self.model, self.snaps = model, [model.weights()]

    def step(self):
        super().step()
        self.snaps.append(self.model.weights())


def test_injected_nan_stops_with_epoch_and_batch(rng):
    X, Y = _regression_data(rng, m=20)  # 5 batches of 4 per epoch
    model = mfnet.mlp([5, 4, 2], "tanh", rng=0)
    count = [0]

    class NaNOnCall13(mfnet.MSE):
        def forward(self, Y_hat, Y):
            count[0] += 1
            J = super().forward(Y_hat, Y)
            return float("nan") if count[0] == 13 else J

    opt = _Snapshots(model, lr=0.01)
    with pytest.raises(FloatingPointError, match=r"the loss became nan at epoch 3, batch 3\b"):
        mfnet.fit(model, NaNOnCall13(), opt, X, Y, epochs=5, batch_size=4, rng=0)
    assert len(opt.snaps) == 13  # initial weights + 12 steps: no step after the NaN
    assert _weights_equal(model.weights(), opt.snaps[-1])
    assert all(np.isfinite(W).all() for W in model.weights())


def test_huge_learning_rate_stops_before_training_on_inf(rng):
    X, Y = _regression_data(rng, m=40)
    model = mfnet.mlp([5, 5, 2], "tanh", rng=1)
    opt = _Snapshots(model, lr=1e4)
    with pytest.raises(FloatingPointError, match=r"the loss became (nan|inf) at epoch (\d+), batch (\d+)") as info:
        mfnet.fit(model, mfnet.MSE(), opt, X, Y, epochs=100, batch_size=8, rng=0)
    import re
    epoch, batch = map(int, re.search(r"epoch (\d+), batch (\d+)", str(info.value)).groups())
    steps = len(opt.snaps) - 1
    assert steps == (epoch - 1) * 5 + (batch - 1), "the failing batch is the one after the last step"
    assert _weights_equal(model.weights(), opt.snaps[-1])
    assert all(np.isfinite(W).all() for W in model.weights())


# ---------------------------------------------------------------------------
# Equivalence with PyTorch's SGD
# ---------------------------------------------------------------------------

try:  # the tests above need numpy only; the ones below are skipped without PyTorch
    import torch
    from torch import nn
    from torch.nn import functional as F

    import mfnet_torch
except ImportError:  # pragma: no cover - depends on the environment
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
EQ_TOL = 1e-10


def _torch_params_from(model):
    """Leaf tensors (weight, bias) per Linear layer, built by hand from W's slices."""
    return [(torch.tensor(l.W[1:, 1:], requires_grad=True), torch.tensor(l.W[1:, 0], requires_grad=True))
            for l in model.linear_layers]


def _max_rel(model, params):
    worst = 0.0
    for layer, (w, b) in zip(model.linear_layers, params):
        assert np.array_equal(layer.W[0], np.eye(1, layer.W.shape[1])[0])
        W = np.zeros_like(layer.W)
        W[0, 0] = 1.0
        W[1:, 1:] = w.detach().numpy()
        W[1:, 0] = b.detach().numpy()
        worst = max(worst, rel_err(layer.W, W))
    return worst


@needs_torch
def test_one_epoch_sgd_regression_matches_hand_written_torch(rng):
    """Independent of mfnet_torch: parameters from W's slices, batch order from default_rng(seed)."""
    X, Y = _regression_data(rng)  # m = 53, batches of 8 (the last has 5)
    model = mfnet.mlp([5, 8, 6, 2], "tanh", rng=4)
    params = _torch_params_from(model)
    W_before = model.weights()
    seed, bs, lr = 7, 8, 0.05
    mfnet.fit(model, mfnet.MSE(), mfnet.SGD(model, lr=lr), X, Y, epochs=1, batch_size=bs, rng=seed)

    opt = torch.optim.SGD([p for pair in params for p in pair], lr=lr)
    x_all, y_all = torch.tensor(X[1:].T), torch.tensor(Y[1:].T)
    order = np.random.default_rng(seed).permutation(X.shape[1])
    for start in range(0, len(order), bs):
        idx = torch.from_numpy(order[start:start + bs])
        h = x_all[idx]
        for i, (w, b) in enumerate(params):
            h = h @ w.T + b
            if i < len(params) - 1:
                h = torch.tanh(h)
        J = 0.5 * F.mse_loss(h, y_all[idx], reduction="sum") / len(idx)
        opt.zero_grad()
        J.backward()
        opt.step()
    assert _max_rel(model, params) <= EQ_TOL
    assert min(rel_err(a, b) for a, b in zip(W_before, model.weights())) > 1e-3, "the weights must move"


@needs_torch
@pytest.mark.parametrize("momentum, epochs", [(0.0, 1), (0.9, 2)])
def test_sgd_regression_matches_torch(momentum, epochs, rng):
    X, Y = _regression_data(rng)
    model = mfnet.mlp([5, 7, 2], "sigmoid", rng=5)
    net = mfnet_torch.to_torch(model)
    hist = mfnet.fit(model, mfnet.MSE(), mfnet.SGD(model, lr=0.1, momentum=momentum), X, Y,
                     epochs=epochs, batch_size=6, rng=2)
    th = mfnet_torch.train_torch(net, lambda out, t: 0.5 * F.mse_loss(out, t, reduction="sum") / len(t),
                                 mfnet.strip(X), mfnet.strip(Y), epochs=epochs, batch_size=6, lr=0.1,
                                 rng=2, momentum=momentum)
    assert mfnet_torch.max_relative_difference(model, net) <= EQ_TOL
    np.testing.assert_allclose(hist.loss, th, rtol=1e-12)


@needs_torch
@pytest.mark.parametrize("momentum, epochs", [(0.0, 1), (0.9, 2)])
def test_sgd_fused_classification_matches_cross_entropy_loss(momentum, epochs, rng):
    X, y = _classification_data(rng)
    model = mfnet.mlp([6, 10, 4], "relu", rng=6)
    net = mfnet_torch.to_torch(model)
    hist = mfnet.fit(model, mfnet.SoftmaxCrossEntropy(), mfnet.SGD(model, lr=0.2, momentum=momentum), X, y,
                     epochs=epochs, batch_size=8, rng=9)
    th = mfnet_torch.train_torch(net, nn.CrossEntropyLoss(), mfnet.strip(X), y, epochs=epochs, batch_size=8,
                                 lr=0.2, rng=9, momentum=momentum)
    assert mfnet_torch.max_relative_difference(model, net) <= EQ_TOL
    np.testing.assert_allclose(hist.loss, th, rtol=1e-12)


@needs_torch
def test_sgd_composed_softmax_cross_entropy_matches_torch(rng):
    X, y = _classification_data(rng)
    model = mfnet.mlp([6, 5, 4], "tanh", output="softmax", rng=8)
    net = mfnet_torch.to_torch(model)
    mfnet.fit(model, mfnet.CrossEntropy(), mfnet.SGD(model, lr=0.3), X, y, epochs=1, batch_size=8, rng=1)
    mfnet_torch.train_torch(net, lambda p, t: F.nll_loss(torch.log(p), t), mfnet.strip(X), y,
                            epochs=1, batch_size=8, lr=0.3, rng=1)
    assert mfnet_torch.max_relative_difference(model, net) <= EQ_TOL


@needs_torch
def test_adam_matches_torch(rng):
    X, Y = _regression_data(rng)
    model = mfnet.mlp([5, 6, 2], "tanh", rng=3)
    params = _torch_params_from(model)
    mfnet.fit(model, mfnet.MSE(), mfnet.Adam(model, lr=0.01), X, Y, epochs=2, batch_size=10, rng=4)
    opt = torch.optim.Adam([p for pair in params for p in pair], lr=0.01)
    gen = np.random.default_rng(4)
    x_all, y_all = torch.tensor(X[1:].T), torch.tensor(Y[1:].T)
    for _ in range(2):
        order = gen.permutation(X.shape[1])
        for start in range(0, len(order), 10):
            idx = torch.from_numpy(order[start:start + 10])
            (w1, b1), (w2, b2) = params
            out = torch.tanh(x_all[idx] @ w1.T + b1) @ w2.T + b2
            J = 0.5 * F.mse_loss(out, y_all[idx], reduction="sum") / len(idx)
            opt.zero_grad()
            J.backward()
            opt.step()
    assert _max_rel(model, params) <= EQ_TOL
