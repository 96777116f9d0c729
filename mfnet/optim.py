"""Optimisers: how the gradients dW change the weights W
(``book/09_training.ipynb``).

Every optimiser updates ``W`` of each Linear layer of a model in place from
its ``dW``, rows 1.. only: row 0 of W, (1, 0, ..., 0), is not a parameter
and never moves (and row 0 of every dW that mfnet computes is zero).
Settings are checked when the optimiser is made and whenever one is
changed later (``opt.lr = 0.01`` between epochs is fine): a learning rate
that is not finite and positive, a momentum or beta outside [0, 1), eps <= 0
or a weight_decay that is negative or not finite raise ValueError naming the
setting and its value, and the setting keeps its old value.

``weight_decay=lam`` has PyTorch's meaning (L2 regularisation, not
AdamW): lam * W is added to the gradient before the update, on the
weights ``W[1:, 1:]`` only, never on the biases (column 0) nor on row 0;
that is the gradient of (lam / 2) * (sum of the squared weights) added to
the loss. Derived in chapter 10 (``book/10_generalisation.ipynb``).
"""
from __future__ import annotations

import numpy as np

from .checks import Setting, number_in
from .linear import Linear
from .sequential import Sequential

__all__ = ["SGD", "Adam"]


def _decayed(layer: Linear, weight_decay: float) -> np.ndarray:
    """dW with weight_decay * W added on the weights W[1:, 1:] (not on
    the bias column 0 nor on row 0): the gradient of the loss plus
    (weight_decay / 2) * sum(W[1:, 1:] ** 2). Chapter 10."""
    G = layer.dW
    if not weight_decay:
        return G
    G = G.copy()
    G[1:, 1:] += weight_decay * layer._W[1:, 1:]
    return G


def _linear_layers(model, name: str) -> list[Linear]:
    if isinstance(model, Sequential):
        layers = model.linear_layers
    elif isinstance(model, Linear):
        layers = [model]
    else:
        layers = [layer for layer in model if isinstance(layer, Linear)]
    if not layers:
        raise ValueError(f"{name}: the model has no Linear layer to train")
    return layers


class SGD:
    """Gradient descent, with momentum and weight decay if asked for.

    Derived in chapter 9 (``book/09_training.ipynb``); weight decay in
    chapter 10 (``book/10_generalisation.ipynb``).

    Parameters
    ----------
    model : Sequential
        The network whose Linear layers it updates.
    lr : float, optional
        The learning rate eta, finite and > 0 (default 0.1).
    momentum : float, optional
        mu in [0, 1) (default 0): V <- mu V + dW, W <- W - lr V, PyTorch's
        form (``torch.optim.SGD(momentum=mu)``, no dampening).
    weight_decay : float, optional
        lambda >= 0 (default 0): the gradient becomes dW + lambda W on the
        weights ``W[1:, 1:]``, not on the biases, before the momentum, as
        ``torch.optim.SGD(weight_decay=lambda)`` on the weights only.

    Raises
    ------
    ValueError
        For a setting out of range, at construction and whenever it is
        changed later (the setting then keeps its old value).

    Notes
    -----
    Shapes: each velocity V has the shape of its W, (out + 1, in + 1). Only
    rows 1, 2, ... of W move: row 0 is not a parameter.
    """

    lr = Setting("the learning rate lr", 0.0)
    weight_decay = Setting("weight_decay", 0.0, low_closed=True)

    def __init__(self, model, lr: float = 0.1, momentum: float = 0.0,
                 weight_decay: float = 0.0) -> None:
        self.lr = lr
        self.weight_decay = weight_decay
        self.layers = _linear_layers(model, "SGD")
        self.velocity = [None] * len(self.layers)
        self.momentum = momentum
        # rows per block: lr * G of at most 2^15 entries (256 KiB)
        self._rows = [max(1, 2**15 // layer._W.shape[1])
                      for layer in self.layers]

    @property
    def momentum(self) -> float:
        """mu in [0, 1); setting it nonzero later starts V at zero."""
        return self._momentum

    @momentum.setter
    def momentum(self, value) -> None:
        self._momentum = number_in(value, "SGD: momentum", 0.0, 1.0,
                                   low_closed=True)
        if self._momentum:
            self.velocity = [np.zeros(layer._W.shape) if V is None else V
                             for layer, V in zip(self.layers, self.velocity)]

    def step(self) -> None:
        lr, mu = self.lr, self.momentum
        for layer, V, rows in zip(self.layers, self.velocity, self._rows):
            G = _decayed(layer, self.weight_decay)
            if mu:
                V *= mu
                V += G
                G = V
            # layer._W is the array behind the guarded view layer.W. Its
            # row 0 (1, 0, ..., 0) is not a parameter: only rows 1.. move,
            # a block of rows at a time, so that lr * G stays in the cache.
            W = layer._W
            for r in range(1, len(W), rows):
                W[r:r + rows] -= lr * G[r:r + rows]


class Adam:
    """Adam (Kingma and Ba, 2015) with PyTorch's defaults and bias correction.

    Derived in chapter 9 (``book/09_training.ipynb``); weight decay in
    chapter 10 (``book/10_generalisation.ipynb``).

    Parameters
    ----------
    model : Sequential
        The network whose Linear layers it updates.
    lr : float, optional
        Finite and > 0 (default 1e-3).
    betas : tuple of float, optional
        (beta1, beta2), each in [0, 1) (default (0.9, 0.999)).
    eps : float, optional
        Finite and > 0 (default 1e-8).
    weight_decay : float, optional
        lambda >= 0 (default 0): dW + lambda W on the weights ``W[1:, 1:]``
        (not the biases) replaces dW, the L2 form of
        ``torch.optim.Adam(weight_decay=lambda)``, not AdamW.

    Raises
    ------
    ValueError
        For a setting out of range, at construction and whenever it is
        changed later.

    Notes
    -----
    M <- b1 M + (1 - b1) dW; V <- b2 V + (1 - b2) dW^2;
    W <- W - lr (M / (1 - b1^t)) / (sqrt(V / (1 - b2^t)) + eps). M and V have
    the shape of their W, (out + 1, in + 1); only rows 1, 2, ... of W move.
    """

    lr = Setting("the learning rate lr", 0.0)
    eps = Setting("eps", 0.0)
    weight_decay = Setting("weight_decay", 0.0, low_closed=True)

    def __init__(self, model, lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0) -> None:
        self.lr = lr
        self.betas = betas
        self.eps = eps
        self.weight_decay = weight_decay
        self.layers = _linear_layers(model, "Adam")
        self.m = [np.zeros(layer._W.shape) for layer in self.layers]
        self.v = [np.zeros(layer._W.shape) for layer in self.layers]
        self.t = 0

    @property
    def betas(self) -> tuple[float, float]:
        """(beta1, beta2), each in [0, 1)."""
        return self._betas

    @betas.setter
    def betas(self, value) -> None:
        if np.ndim(value) != 1 or len(value) != 2:
            raise ValueError(f"Adam: betas must be a pair (beta1, beta2), "
                             f"got {value!r}")
        self._betas = tuple(number_in(b, f"Adam: betas[{i}]", 0.0, 1.0,
                                      low_closed=True)
                            for i, b in enumerate(value))

    def step(self) -> None:
        self.t += 1
        b1, b2 = self.betas
        c1, c2 = 1.0 - b1 ** self.t, 1.0 - b2 ** self.t
        for layer, m, v in zip(self.layers, self.m, self.v):
            g = _decayed(layer, self.weight_decay)
            m *= b1
            m += (1.0 - b1) * g
            v *= b2
            v += (1.0 - b2) * g * g
            step = self.lr * (m[1:] / c1) / (np.sqrt(v[1:] / c2) + self.eps)
            layer._W[1:] -= step  # row 0 is not a parameter
