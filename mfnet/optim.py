"""Optimisers: how the gradients dW change the weights W (``book/09_training.ipynb``).

Every optimiser updates ``W`` of each Linear layer of a model in place from
its ``dW``. Row 0 of every dW is zero, so row 0 of W stays (1, 0, ..., 0).
"""
from __future__ import annotations

import numpy as np

from .linear import Linear
from .sequential import Sequential

__all__ = ["SGD", "Adam"]


def _linear_layers(model) -> list[Linear]:
    if isinstance(model, Sequential):
        return model.linear_layers
    if isinstance(model, Linear):
        return [model]
    return [layer for layer in model if isinstance(layer, Linear)]


class SGD:
    """W <- W - lr * dW, optionally with momentum:  V <- mu V + dW;  W <- W - lr V.

    The momentum form is PyTorch's (``torch.optim.SGD(momentum=mu)``, no dampening).
    Shapes: each V has the shape of its W, (out + 1, in + 1). ``book/09_training.ipynb``.
    """

    def __init__(self, model, lr: float = 0.1, momentum: float = 0.0) -> None:
        if not lr > 0:
            raise ValueError(f"SGD: the learning rate must be positive, got {lr}")
        if not 0.0 <= momentum < 1.0:
            raise ValueError(f"SGD: momentum must lie in [0, 1), got {momentum}")
        self.layers = _linear_layers(model)
        self.lr = float(lr)
        self.momentum = float(momentum)
        self.velocity = [np.zeros_like(layer.W) for layer in self.layers] if momentum else None

    def step(self) -> None:
        # W is updated in place through a local name: ``layer.W -= ...`` would also call
        # the W setter, which copies and re-validates the whole matrix at every step.
        lr = self.lr
        if self.velocity is None:
            for layer in self.layers:
                W = layer.W
                W -= lr * layer.dW
        else:
            mu = self.momentum
            for layer, v in zip(self.layers, self.velocity):
                v *= mu
                v += layer.dW
                W = layer.W
                W -= lr * v


class Adam:
    """Adam (Kingma & Ba 2015) with PyTorch's defaults and bias correction.

    M <- b1 M + (1 - b1) dW;  V <- b2 V + (1 - b2) dW^2;
    W <- W - lr * (M / (1 - b1^t)) / (sqrt(V / (1 - b2^t)) + eps).
    Row 0 of M and V stays zero, so row 0 of W does not move.
    Shapes: M and V have the shape of their W, (out + 1, in + 1). ``book/09_training.ipynb``.
    """

    def __init__(self, model, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8) -> None:
        if not lr > 0:
            raise ValueError(f"Adam: the learning rate must be positive, got {lr}")
        self.layers = _linear_layers(model)
        self.lr, self.betas, self.eps = float(lr), betas, float(eps)
        self.m = [np.zeros_like(layer.W) for layer in self.layers]
        self.v = [np.zeros_like(layer.W) for layer in self.layers]
        self.t = 0

    def step(self) -> None:
        self.t += 1
        b1, b2 = self.betas
        c1, c2 = 1.0 - b1 ** self.t, 1.0 - b2 ** self.t
        for layer, m, v in zip(self.layers, self.m, self.v):
            g = layer.dW
            m *= b1
            m += (1.0 - b1) * g
            v *= b2
            v += (1.0 - b2) * g * g
            W = layer.W  # in place, as in SGD.step
            W -= self.lr * (m / c1) / (np.sqrt(v / c2) + self.eps)
