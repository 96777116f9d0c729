"""Generalisation tools (chapter 10): weight decay, learning-rate schedules,
early stopping, the validation split and History.train_loss.

Weight decay and the schedules are checked step for step against PyTorch in
float64 (torch's param groups give the weights the decay and the biases
none); early stopping and History.train_loss against losses recomputed here
with plain numpy.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

import mfnet
from _support import augmented, rel_err

torch = pytest.importorskip("torch")
from torch import nn  # noqa: E402


def _data(rng, n=4, k=2, m=40):
    X = augmented(rng, n, m)
    Y = np.ones((k + 1, m))
    Y[1:] = np.tanh(X[1:k + 1] - X[2:k + 2]) + 0.1 * rng.normal(size=(k, m))
    return X, Y


def _twin(model):
    """An nn.Sequential with model's weights (written here, not mfnet_torch,
    so that the test does not rest on another mfnet-side helper)."""
    layers = []
    for layer in model.layers:
        if isinstance(layer, mfnet.Linear):
            lin = nn.Linear(layer.in_features, layer.out_features,
                            dtype=torch.float64)
            with torch.no_grad():
                lin.weight.copy_(torch.tensor(np.asarray(layer.W)[1:, 1:]))
                lin.bias.copy_(torch.tensor(np.asarray(layer.W)[1:, 0]))
            layers.append(lin)
        else:
            layers.append(nn.Tanh())
    return nn.Sequential(*layers)


def _torch_weights(net):
    return [np.column_stack([lin.bias.detach().numpy(),
                             lin.weight.detach().numpy()])
            for lin in net if isinstance(lin, nn.Linear)]


def _groups(net, weight_decay):
    weights = [p for name, p in net.named_parameters()
               if name.endswith("weight")]
    biases = [p for name, p in net.named_parameters()
              if name.endswith("bias")]
    return [{"params": weights, "weight_decay": weight_decay},
            {"params": biases, "weight_decay": 0.0}]


def _train_both(make_mfnet_opt, make_torch_opt, steps=25, seed=0):
    rng = np.random.default_rng(seed)
    X, Y = _data(rng)
    model = mfnet.mlp([4, 6, 2], activation="tanh", rng=seed)
    net = _twin(model)
    opt, topt = make_mfnet_opt(model), make_torch_opt(net)
    loss = mfnet.MSE()
    Xt = torch.tensor(X[1:].T)
    Yt = torch.tensor(Y[1:].T)
    for step in range(steps):
        idx = rng.permutation(X.shape[1])[:10]
        loss.forward(model.forward(X[:, idx]), Y[:, idx])
        model.backward(loss.backward())
        opt.step()
        topt.zero_grad()
        # mfnet's MSE: half the mean over samples of the summed squares
        J = 0.5 * ((net(Xt[idx]) - Yt[idx]) ** 2).sum(dim=1).mean()
        J.backward()
        topt.step()
    return model, net


@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_sgd_weight_decay_matches_torch_step_for_step(momentum):
    lam = 0.05
    model, net = _train_both(
        lambda m: mfnet.SGD(m, lr=0.1, momentum=momentum, weight_decay=lam),
        lambda n: torch.optim.SGD(_groups(n, lam), lr=0.1,
                                  momentum=momentum))
    for W, T in zip(model.weights(), _torch_weights(net)):
        assert rel_err(W[1:], T) < 1e-13
        assert np.array_equal(W[0], np.eye(1, W.shape[1])[0])


def test_adam_weight_decay_is_the_l2_form_of_torch_adam():
    lam = 0.1
    model, net = _train_both(
        lambda m: mfnet.Adam(m, lr=0.01, weight_decay=lam),
        lambda n: torch.optim.Adam(_groups(n, lam), lr=0.01))
    for W, T in zip(model.weights(), _torch_weights(net)):
        assert rel_err(W[1:], T) < 1e-12
    # and not AdamW's decoupled decay, which ends elsewhere
    _, netw = _train_both(
        lambda m: mfnet.Adam(m, lr=0.01, weight_decay=lam),
        lambda n: torch.optim.AdamW(_groups(n, lam), lr=0.01))
    far = max(rel_err(W[1:], T) for W, T in
              zip(model.weights(), _torch_weights(netw)))
    assert far > 1e-4


def test_weight_decay_spares_the_biases_and_row_zero():
    """With a zero gradient, one SGD step shrinks the weights by
    (1 - lr lam) and leaves the bias column and row 0 as they were."""
    model = mfnet.mlp([3, 4, 2], rng=1)
    for layer in model.linear_layers:
        layer.bias[:] = np.arange(1, layer.out_features + 1)
    before = model.weights()
    opt = mfnet.SGD(model, lr=0.5, weight_decay=0.2)
    for layer in model.linear_layers:
        layer.dW = np.zeros_like(layer.dW)
    opt.step()
    for W0, W in zip(before, model.weights()):
        assert np.array_equal(W[:, 0], W0[:, 0])
        assert np.array_equal(W[0], W0[0])
        assert rel_err(W[1:, 1:], 0.9 * W0[1:, 1:]) < 1e-15


def test_weight_decay_is_the_gradient_of_the_l2_penalty():
    """dW + lam W equals the finite-difference gradient of
    J + lam/2 * sum(weights^2), for the weights; for the biases it is dW."""
    rng = np.random.default_rng(3)
    X, Y = _data(rng, m=7)
    model = mfnet.mlp([4, 3, 2], rng=2)
    lam, loss = 0.3, mfnet.MSE()

    def penalised():
        J = loss.forward(model.forward(X), Y)
        return J + lam / 2 * sum((np.asarray(l.W)[1:, 1:] ** 2).sum()
                                 for l in model.linear_layers)

    loss.forward(model.forward(X), Y)
    model.backward(loss.backward())
    opt = mfnet.SGD(model, lr=1.0, weight_decay=lam)
    from mfnet.optim import _decayed
    for layer in model.linear_layers:
        G = _decayed(layer, opt.weight_decay)
        W = np.asarray(layer.W)
        fd = np.zeros_like(W)
        for j in range(1, W.shape[0]):
            for k in range(W.shape[1]):
                old = W[j, k]
                W[j, k] = old + 1e-6
                plus = penalised()
                W[j, k] = old - 1e-6
                minus = penalised()
                W[j, k] = old
                fd[j, k] = (plus - minus) / 2e-6
        assert rel_err(G[1:], fd[1:]) < 1e-7


@pytest.mark.parametrize("bad", [-0.1, math.nan, math.inf])
@pytest.mark.parametrize("make", [mfnet.SGD, mfnet.Adam])
def test_bad_weight_decay_is_refused_by_name(make, bad):
    model = mfnet.mlp([2, 2])
    with pytest.raises(ValueError, match="weight_decay"):
        make(model, weight_decay=bad)


# ---------------------------------------------------------------------------
# Schedules
# ---------------------------------------------------------------------------

def _torch_rates(make, epochs, lr):
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=lr)
    sched = make(opt)
    rates = []
    for _ in range(epochs):
        rates.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return rates


def _mfnet_rates(make, epochs, lr):
    opt = mfnet.SGD(mfnet.mlp([1, 1]), lr=lr)
    sched = make(opt)
    rates = []
    for _ in range(epochs):
        rates.append(opt.lr)
        sched.step()
    return rates


@pytest.mark.parametrize("step_size,gamma", [(1, 0.5), (3, 0.1), (7, 0.9)])
def test_step_lr_matches_torch(step_size, gamma):
    ours = _mfnet_rates(lambda o: mfnet.StepLR(o, step_size, gamma), 30, 0.3)
    theirs = _torch_rates(
        lambda o: torch.optim.lr_scheduler.StepLR(o, step_size, gamma),
        30, 0.3)
    assert rel_err(ours, theirs) < 1e-14


@pytest.mark.parametrize("T_max,eta_min", [(10, 0.0), (7, 0.01), (1, 0.0)])
def test_cosine_lr_matches_torch_including_after_t_max(T_max, eta_min):
    epochs = 3 * T_max + 2
    ours = _mfnet_rates(
        lambda o: mfnet.CosineAnnealingLR(o, T_max, eta_min), epochs, 0.2)
    theirs = _torch_rates(
        lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max,
                                                             eta_min),
        epochs, 0.2)
    # torch updates the rate recursively: agreement to rounding, relative
    # to the base rate
    assert np.abs(np.subtract(ours, theirs)).max() < 1e-12 * 0.2
    assert ours[0] == 0.2 and math.isclose(ours[T_max], eta_min,
                                           abs_tol=1e-15)


def test_fit_steps_the_schedule_and_records_the_rate():
    rng = np.random.default_rng(0)
    X, Y = _data(rng)
    model = mfnet.mlp([4, 5, 2], rng=0)
    opt = mfnet.Adam(model, lr=0.02)
    sched = mfnet.StepLR(opt, step_size=2, gamma=0.5)
    h = mfnet.fit(model, mfnet.MSE(), opt, X, Y, epochs=5, batch_size=8,
                  schedule=sched)
    assert h.lr == [0.02, 0.02, 0.01, 0.01, 0.005]
    assert opt.lr == 0.005 and sched.epoch == 5  # epoch 6 would use it
    # the same rates by hand reproduce the same weights
    twin = mfnet.mlp([4, 5, 2], rng=0)
    opt2 = mfnet.Adam(twin, lr=0.02)
    gen = np.random.default_rng(0)
    loss = mfnet.MSE()
    for lr in [0.02, 0.02, 0.01, 0.01, 0.005]:
        opt2.lr = lr
        for idx in mfnet.batches(X.shape[1], 8, gen):
            loss.forward(twin(X[:, idx]), Y[:, idx])
            twin.backward(loss.backward())
            opt2.step()
    for a, b in zip(model.weights(), twin.weights()):
        assert np.array_equal(a, b)


def test_fit_without_schedule_records_the_constant_rate():
    rng = np.random.default_rng(0)
    X, Y = _data(rng)
    model = mfnet.mlp([4, 5, 2])
    h = mfnet.fit(model, mfnet.MSE(), mfnet.SGD(model, lr=0.05), X, Y,
                  epochs=3)
    assert h.lr == [0.05] * 3


def test_schedule_arguments_and_pairing_are_checked():
    model = mfnet.mlp([2, 2])
    opt = mfnet.SGD(model, lr=0.1)
    with pytest.raises(TypeError, match="step_size"):
        mfnet.StepLR(opt, 2.5)
    with pytest.raises(ValueError, match="gamma"):
        mfnet.StepLR(opt, 2, gamma=0.0)
    with pytest.raises(ValueError, match="eta_min"):
        mfnet.CosineAnnealingLR(opt, 10, eta_min=0.5)
    with pytest.raises(TypeError, match="optimizer"):
        mfnet.StepLR(model, 2)
    other = mfnet.SGD(mfnet.mlp([2, 2]), lr=0.1)
    X = np.ones((3, 4))
    with pytest.raises(ValueError, match="schedule"):
        mfnet.fit(model, mfnet.MSE(), opt, X, np.ones((3, 4)), epochs=1,
                  schedule=mfnet.StepLR(other, 1))
    assert opt.lr == 0.1


# ---------------------------------------------------------------------------
# Early stopping
# ---------------------------------------------------------------------------

def _val_loss(model, X, Y):
    """MSE recomputed with plain numpy: half the mean over samples of the
    summed squared errors."""
    A = X
    for layer in model.layers:
        A = (np.asarray(layer.W) @ A if isinstance(layer, mfnet.Linear)
             else np.vstack([A[:1], np.tanh(A[1:])]))
    return float(0.5 * ((A[1:] - Y[1:]) ** 2).sum(axis=0).mean())


def test_early_stopping_restores_the_weights_of_the_best_epoch():
    rng = np.random.default_rng(5)
    X, Y = _data(rng, m=30)
    Xv, Yv = _data(rng, m=30)
    Yv[1:] = -Yv[1:]  # validation disagrees: its loss soon rises
    model = mfnet.mlp([4, 16, 2], rng=0)
    snapshots = {}

    def keep(epoch, history):
        snapshots[epoch] = model.weights()
        return stop(epoch, history)

    stop = mfnet.EarlyStopping(model, patience=3)
    h = mfnet.fit(model, mfnet.MSE(), mfnet.SGD(model, lr=0.1), X, Y,
                  epochs=200, batch_size=10, validation=(Xv, Yv),
                  callback=keep)
    best = int(np.argmin(h.val_loss)) + 1
    assert stop.best_epoch == best
    assert stop.stopped_epoch == len(h.val_loss) == best + 3 < 200
    for a, b in zip(model.weights(), snapshots[best]):
        assert np.array_equal(a, b)
    assert math.isclose(_val_loss(model, Xv, Yv), min(h.val_loss),
                        rel_tol=1e-12)


def test_early_stopping_restores_at_the_end_without_a_stop():
    rng = np.random.default_rng(6)
    X, Y = _data(rng, m=30)
    Xv, Yv = _data(rng, m=30)
    Yv[1:] = -Yv[1:]
    model = mfnet.mlp([4, 16, 2], rng=0)
    stop = mfnet.EarlyStopping(model, patience=1000)
    h = mfnet.fit(model, mfnet.MSE(), mfnet.SGD(model, lr=0.1), X, Y,
                  epochs=30, validation=(Xv, Yv), callback=stop)
    assert len(h.val_loss) == 30 and stop.stopped_epoch == 0
    assert stop.best_epoch == int(np.argmin(h.val_loss)) + 1 < 30
    assert math.isclose(_val_loss(model, Xv, Yv), min(h.val_loss),
                        rel_tol=1e-12)


def test_early_stopping_min_delta_and_hand_loop():
    model = mfnet.mlp([1, 1])
    stop = mfnet.EarlyStopping(model, patience=2, min_delta=0.1,
                               restore_best=False)
    assert stop.update(1, 1.0)
    assert stop.update(2, 0.95)  # not better by 0.1: wait 1
    assert not stop.update(3, 0.92)  # wait 2: stop
    assert (stop.best, stop.best_epoch, stop.stopped_epoch) == (1.0, 1, 3)


def test_early_stopping_needs_validation_data_and_checks_arguments():
    model = mfnet.mlp([1, 1])
    X = np.ones((2, 5))
    with pytest.raises(ValueError, match="validation="):
        mfnet.fit(model, mfnet.MSE(), mfnet.SGD(model), X, np.ones((2, 5)),
                  epochs=2, callback=mfnet.EarlyStopping(model))
    with pytest.raises(TypeError, match="patience"):
        mfnet.EarlyStopping(model, patience=2.0)
    with pytest.raises(ValueError, match="min_delta"):
        mfnet.EarlyStopping(model, min_delta=-1)
    with pytest.raises(ValueError, match="monitor"):
        mfnet.EarlyStopping(model, monitor="val_acc")
    with pytest.raises(TypeError, match="model"):
        mfnet.EarlyStopping([1, 2])


# ---------------------------------------------------------------------------
# History.train_loss and the validation split
# ---------------------------------------------------------------------------

def test_train_loss_is_the_loss_of_the_weights_after_each_epoch():
    rng = np.random.default_rng(7)
    X, Y = _data(rng, m=50)
    model = mfnet.mlp([4, 8, 2], rng=0)
    after = []
    h = mfnet.fit(model, mfnet.MSE(), mfnet.SGD(model, lr=0.2), X, Y,
                  epochs=6, batch_size=5, evaluate_train=True,
                  callback=lambda e, h: after.append(_val_loss(model, X, Y)))
    assert len(h.train_loss) == 6
    assert rel_err(h.train_loss, after) < 1e-14
    # the running average of pre-update losses is a different number
    assert rel_err(h.loss, h.train_loss) > 1e-3


def test_train_loss_is_empty_unless_asked():
    rng = np.random.default_rng(7)
    X, Y = _data(rng, m=20)
    model = mfnet.mlp([4, 3, 2])
    h = mfnet.fit(model, mfnet.MSE(), mfnet.SGD(model), X, Y, epochs=2)
    assert h.train_loss == [] and len(h.loss) == 2


def test_train_val_split_is_seeded_disjoint_and_complete():
    X = np.arange(50).reshape(25, 2)
    y = np.arange(25)
    Xt, Xv, yt, yv = mfnet.train_val_split(X, y, val_fraction=0.2, rng=3)
    assert len(yv) == 5 and len(yt) == 20
    assert sorted(np.concatenate([yt, yv])) == list(range(25))
    assert np.array_equal(Xt[:, 0], 2 * yt) and np.array_equal(Xv[:, 0],
                                                               2 * yv)
    order = np.random.default_rng(3).permutation(25)
    assert np.array_equal(yv, order[:5])
    again = mfnet.train_val_split(X, y, val_fraction=0.2, rng=3)
    assert np.array_equal(again[3], yv)


@pytest.mark.parametrize("fraction", [0.0, 1.0, math.nan, 0.001])
def test_train_val_split_refuses_bad_fractions_by_name(fraction):
    with pytest.raises(ValueError, match="val_fraction"):
        mfnet.train_val_split(np.zeros((10, 2)), np.zeros(10), fraction)


def test_train_val_split_refuses_mismatched_rows():
    with pytest.raises(ValueError, match="train_val_split.*samples"):
        mfnet.train_val_split(np.zeros((10, 2)), np.zeros(9))


# ---------------------------------------------------------------------------
# The chapter's figures draw exactly the numbers they are given
# ---------------------------------------------------------------------------

def test_generalisation_figures_draw_what_they_are_given():
    import matplotlib
    matplotlib.use("Agg")
    from mfnet_book import generalisation_figures as gf
    from mfnet_book.curves import line_data

    rng = np.random.default_rng(0)
    x = rng.uniform(-3, 3, 7)
    grid = np.linspace(-3, 3, 11)
    train, val = rng.random(20) + 0.1, rng.random(20) + 0.1
    epochs = np.arange(1, 21)
    fig = gf.fit_and_curves({"training": (x, np.sin(x))}, grid,
                            np.sin(grid), {"fit": np.cos(grid)},
                            {"training": (epochs, train),
                             "validation": (epochs, val)},
                            marks={"best": (4, val[3])}, floor=0.05)
    drawn = {label: (xs, ys) for label, xs, ys in
             ((line.get_label(), line.get_xdata(), line.get_ydata())
              for ax in fig.axes for line in ax.get_lines())}
    assert np.array_equal(drawn["fit"][1], np.cos(grid))
    assert np.array_equal(drawn["validation"][1], val)
    assert np.array_equal(drawn["best"][0], [4])
    assert drawn["noise level"][1][0] == 0.05

    R = rng.random((3, 5))
    fig = gf.sweep([0.0, 0.1, 1.0], {"validation": R}, "alpha")
    (bar,) = fig.axes[0].containers               # the errorbar of the label
    assert bar.get_label() == "validation"
    assert np.array_equal(bar.lines[0].get_ydata(), np.median(R, axis=1))
    # the bars reach from the smallest to the largest seed
    segments = bar.lines[2][0].get_segments()
    assert np.allclose([seg[0][1] for seg in segments], R.min(axis=1))
    assert np.allclose([seg[1][1] for seg in segments], R.max(axis=1))
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert labels == ["0", "0.1", "1"]

    t = np.arange(5)
    fig = gf.schedules({"cosine": (t, 0.1 * t)})
    (_, xs, ys), = line_data(fig)
    assert np.array_equal(ys, 0.1 * t)
