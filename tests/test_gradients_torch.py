"""mfnet's backpropagation against torch.autograd, in float64, on random architectures.

The weight mapping is explicit: ``W[1:, 1:]`` <-> ``nn.Linear.weight`` (out, in),
``W[1:, 0]`` <-> ``nn.Linear.bias``; row 0 of W, (1, 0, ..., 0), has no
PyTorch counterpart and its gradient must be zero. The first test builds
the PyTorch computation by hand from those slices (no ``mfnet_torch``), the
others use ``mfnet_torch.to_torch``, whose mapping is itself checked.
Loss conventions: mfnet's MSE is 1/(2m) sum, i.e. ``0.5 * mse_loss(reduction="sum") / m``;
the cross-entropies are means over the m samples, as ``nn.CrossEntropyLoss``.
"""
from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
from torch import nn  # noqa: E402
from torch.nn import functional as F  # noqa: E402

import mfnet  # noqa: E402
import mfnet_torch  # noqa: E402
from _support import augmented, build_mfnet, random_architecture, rel_err  # noqa: E402

TOL = 1e-9
SEEDS = range(12)
TORCH_FN = {"identity": lambda t: t, "relu": torch.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh}


def _mfnet_grads(model, loss, X, Y):
    loss.forward(model.forward(X), Y)
    dX = model.backward(loss.backward(), input_grad=True)
    return [layer.dW.copy() for layer in model.linear_layers], dX


def _compare_layer(dW, weight_grad, bias_grad):
    """dW (out+1, in+1) against PyTorch's weight.grad (out, in) and bias.grad (out,)."""
    assert np.array_equal(dW[0], np.zeros(dW.shape[1])), "row 0 of dW must be exactly zero"
    assert rel_err(dW[1:, 1:], weight_grad.numpy()) <= TOL
    assert rel_err(dW[1:, 0], bias_grad.numpy()) <= TOL


@pytest.mark.parametrize("seed", SEEDS)
def test_hand_built_torch_matches_mse(seed):
    """PyTorch written out by hand from W's slices: h = x w^T + b, g(h), ..., 0.5 sum (yhat - y)^2 / m."""
    rng = np.random.default_rng(seed)
    sizes, acts = random_architecture(rng)
    m = int(rng.integers(1, 9))
    model = build_mfnet(sizes, acts, rng)
    X, Y = augmented(rng, sizes[0], m), augmented(rng, sizes[-1], m)
    loss = mfnet.MSE()
    grads, dX = _mfnet_grads(model, loss, X, Y)
    J = loss.forward(model.forward(X), Y)

    params = []
    for layer in model.linear_layers:
        w = torch.tensor(layer.W[1:, 1:], dtype=torch.float64, requires_grad=True)
        b = torch.tensor(layer.W[1:, 0], dtype=torch.float64, requires_grad=True)
        params.append((w, b))
    x = torch.tensor(X[1:].T, dtype=torch.float64, requires_grad=True)  # samples as rows
    h = x
    for i, (w, b) in enumerate(params):
        h = h @ w.T + b
        if i < len(acts):
            h = TORCH_FN[acts[i]](h)
    y = torch.tensor(Y[1:].T, dtype=torch.float64)
    Jt = 0.5 * ((h - y) ** 2).sum() / m
    Jt.backward()
    assert J == pytest.approx(Jt.item(), rel=1e-12)
    for dW, (w, b) in zip(grads, params):
        _compare_layer(dW, w.grad, b.grad)
    assert rel_err(dX[1:], x.grad.numpy().T) <= TOL


def test_to_torch_weight_mapping_is_explicit():
    model = mfnet.Sequential(mfnet.Linear(3, 2, init="zeros"), mfnet.Tanh())
    W = np.array([[1.0, 0.0, 0.0, 0.0],
                  [0.5, 1.0, 2.0, 3.0],
                  [-0.5, 4.0, 5.0, 6.0]])
    model.layers[0].W = W
    net = mfnet_torch.to_torch(model)
    assert isinstance(net[0], nn.Linear) and isinstance(net[1], nn.Tanh)
    assert net[0].weight.dtype == torch.float64
    assert net[0].weight.tolist() == [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    assert net[0].bias.tolist() == [0.5, -0.5]
    assert all(np.array_equal(a, b) for a, b in zip(mfnet_torch.weights_from_torch(net), [W]))


def _assert_matches_autograd(model, loss, X, targets, torch_loss):
    """mfnet's J, every dW and dJ/dA^[0] against autograd through mfnet_torch.to_torch(model).

    torch_loss(output) must compute the same J in PyTorch from the twin's output."""
    grads, dX = _mfnet_grads(model, loss, X, targets)
    net = mfnet_torch.to_torch(model)
    x = torch.tensor(X[1:].T, requires_grad=True)
    Jt = torch_loss(net(x))
    Jt.backward()
    assert loss.forward(model.forward(X), targets) == pytest.approx(Jt.item(), rel=1e-12)
    linears = [layer for layer in net if isinstance(layer, nn.Linear)]
    assert len(linears) == len(grads)
    for dW, layer in zip(grads, linears):
        _compare_layer(dW, layer.weight.grad, layer.bias.grad)
    assert rel_err(dX[1:], x.grad.numpy().T) <= TOL
    return net


@pytest.mark.parametrize("seed", SEEDS)
def test_mse_matches_autograd(seed):
    rng = np.random.default_rng(100 + seed)
    sizes, acts = random_architecture(rng)
    output = [None, "sigmoid", "tanh"][seed % 3]
    m = int(rng.integers(1, 9))
    model = build_mfnet(sizes, acts, rng, output=output)
    X, Y = augmented(rng, sizes[0], m), augmented(rng, sizes[-1], m)
    y = torch.tensor(Y[1:].T)
    _assert_matches_autograd(model, mfnet.MSE(), X, Y,
                             lambda out: 0.5 * F.mse_loss(out, y, reduction="sum") / m)


@pytest.mark.parametrize("seed", SEEDS)
def test_fused_softmax_cross_entropy_matches_cross_entropy_loss(seed):
    """Network ending in logits + mfnet.SoftmaxCrossEntropy vs nn.CrossEntropyLoss (mean) on logits."""
    rng = np.random.default_rng(200 + seed)
    sizes, acts = random_architecture(rng)
    sizes[-1] = max(sizes[-1], 2)
    m = int(rng.integers(1, 9))
    model = build_mfnet(sizes, acts, rng)
    X = augmented(rng, sizes[0], m)
    y = rng.integers(0, sizes[-1], size=m)
    labels = torch.from_numpy(y)
    _assert_matches_autograd(model, mfnet.SoftmaxCrossEntropy(), X, y,
                             lambda logits: nn.CrossEntropyLoss()(logits, labels))


@pytest.mark.parametrize("seed", SEEDS)
def test_composed_softmax_cross_entropy_matches_autograd(seed):
    """Network ending in mfnet.Softmax + mfnet.CrossEntropy vs nn.Softmax and -mean(sum y log p)."""
    rng = np.random.default_rng(300 + seed)
    sizes, acts = random_architecture(rng)
    sizes[-1] = max(sizes[-1], 2)
    m = int(rng.integers(1, 9))
    model = build_mfnet(sizes, acts, rng, output="softmax")
    X = augmented(rng, sizes[0], m)
    y = rng.integers(0, sizes[-1], size=m)
    onehot = F.one_hot(torch.from_numpy(y), sizes[-1]).double()
    net = _assert_matches_autograd(model, mfnet.CrossEntropy(), X, y,
                                   lambda p: -(onehot * torch.log(p)).sum() / m)
    assert isinstance(net[-1], nn.Softmax)
