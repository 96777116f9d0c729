"""PyTorch twins of mfnet models, for the book's and the tests' comparisons.

Not part of ``mfnet`` (which needs numpy only): this module imports torch.
It builds an `nn.Sequential` with the same architecture and the same
initial weights as an `mfnet.Sequential` (`W[1:, 1:]` is `nn.Linear.weight`,
`W[1:, 0]` is `nn.Linear.bias`), and trains it on the same mini-batches in
the same order (`mfnet.batches` with the same seed). Used in
`book/11_regression_california.ipynb`, `book/12_classification_mnist.ipynb`,
`book/13_speed.ipynb`, `benchmarks/speed.py` and `tests/`.
"""
from __future__ import annotations

import numpy as np

try:
    import torch
    from torch import nn
except ImportError as exc:
    raise ImportError("mfnet_torch needs PyTorch: pip install torch "
                      "(mfnet itself does not)") from exc

import mfnet

__all__ = ["pin_threads", "to_torch", "weights_from_torch",
           "max_relative_difference", "train_torch", "train_epoch"]


def pin_threads(n: int = 1) -> dict:
    """Run numpy's BLAS and PyTorch on `n` threads each, for fair and
    repeatable timings.

    Environment variables such as OPENBLAS_NUM_THREADS are read only when
    numpy is first imported; threadpoolctl instead asks the loaded BLAS
    libraries through their own C functions, so this works at any time.
    Returns {"blas": sorted thread counts of the BLAS libraries,
    "torch": count}.
    """
    from threadpoolctl import threadpool_info, threadpool_limits

    threadpool_limits(limits=n, user_api="blas")
    torch.set_num_threads(n)
    blas = sorted({lib["num_threads"] for lib in threadpool_info()
                   if lib["user_api"] == "blas"})
    return {"blas": blas, "torch": torch.get_num_threads()}


_TORCH_ACTIVATIONS = {mfnet.Identity: nn.Identity, mfnet.ReLU: nn.ReLU,
                      mfnet.Sigmoid: nn.Sigmoid, mfnet.Tanh: nn.Tanh}


def to_torch(model: mfnet.Sequential,
             dtype: torch.dtype = torch.float64) -> nn.Sequential:
    """An nn.Sequential with model's layers and a copy of its current weights.

    A final mfnet Softmax becomes `nn.Softmax(dim=1)`; a network trained
    with `mfnet.SoftmaxCrossEntropy` ends in Linear (logits), matching
    `nn.CrossEntropyLoss`.
    """
    layers = []
    for layer in model.layers:
        if isinstance(layer, mfnet.Linear):
            lin = nn.Linear(layer.in_features, layer.out_features,
                            dtype=dtype)
            with torch.no_grad():
                lin.weight.copy_(torch.from_numpy(layer.W[1:, 1:]))
                lin.bias.copy_(torch.from_numpy(layer.W[1:, 0]))
            layers.append(lin)
        elif isinstance(layer, mfnet.Softmax):
            layers.append(nn.Softmax(dim=1))
        elif type(layer) in _TORCH_ACTIVATIONS:
            layers.append(_TORCH_ACTIVATIONS[type(layer)]())
        else:
            raise TypeError(f"to_torch: no PyTorch twin for {layer!r}")
    return nn.Sequential(*layers)


def weights_from_torch(net: nn.Sequential) -> list[np.ndarray]:
    """The augmented W (out+1, in+1) of every nn.Linear, first to last,
    as float64 numpy arrays."""
    out = []
    for layer in net:
        if isinstance(layer, nn.Linear):
            w = layer.weight.detach().double().numpy()
            b = layer.bias.detach().double().numpy()
            W = np.zeros((w.shape[0] + 1, w.shape[1] + 1))
            W[0, 0] = 1.0
            W[1:, 0] = b
            W[1:, 1:] = w
            out.append(W)
    return out


def max_relative_difference(model: mfnet.Sequential,
                            net: nn.Sequential) -> float:
    """The largest normwise relative error between the two models' weights,
    over the layers (`mfnet.relative_error`, layer by layer)."""
    return max(mfnet.relative_error(layer.W, W) for layer, W
               in zip(model.linear_layers, weights_from_torch(net)))


def train_torch(net: nn.Sequential, loss_fn, X: np.ndarray, Y: np.ndarray,
                *, epochs: int, batch_size: int, lr: float,
                rng: np.random.Generator | int | None = 0,
                momentum: float = 0.0,
                dtype: torch.dtype = torch.float64) -> list[float]:
    """Mini-batch SGD in PyTorch on the batches `mfnet.fit` would use with
    the same rng.

    X : (m, n) samples as rows; Y : (m, n_out) float targets or (m,) integer
    labels (for `nn.CrossEntropyLoss`). `loss_fn` maps (output, target) to
    a scalar tensor. Returns the mean training loss of each epoch.
    """
    gen = (rng if isinstance(rng, np.random.Generator)
           else np.random.default_rng(rng))
    Xt = torch.as_tensor(X, dtype=dtype)
    if np.issubdtype(np.asarray(Y).dtype, np.integer):
        Yt = torch.as_tensor(Y)
    else:
        Yt = torch.as_tensor(Y, dtype=dtype)
    opt = torch.optim.SGD(net.parameters(), lr=lr, momentum=momentum)
    return [train_epoch(net, loss_fn, opt, Xt, Yt, batch_size, gen)
            for _ in range(epochs)]


def train_epoch(net: nn.Module, loss_fn, optimizer, Xt: torch.Tensor,
                Yt: torch.Tensor, batch_size: int,
                gen: np.random.Generator) -> float:
    """One epoch in PyTorch on the batches of
    `mfnet.batches(m, batch_size, gen)`.

    Xt : (m, n) tensor, samples as rows; Yt : matching targets. Returns the
    epoch's mean training loss. Used by `train_torch` and the benchmark.
    """
    m = Xt.shape[0]
    total = 0.0
    for idx in mfnet.batches(m, batch_size, gen):
        i = torch.from_numpy(idx)
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(net(Xt[i]), Yt[i])
        loss.backward()
        optimizer.step()
        total += loss.item() * len(idx)
    return total / m
