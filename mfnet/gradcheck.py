"""Gradients by centred finite differences, to check backpropagation
(``book/03_backprop_index.ipynb``, ``tests/``)."""
from __future__ import annotations

from typing import Callable

import numpy as np

from .losses import Loss

__all__ = ["numerical_gradient", "relative_error", "model_gradients", "check_model_gradients"]


def numerical_gradient(f: Callable[[], float], x: np.ndarray, eps: float = 1e-6,
                       mask: np.ndarray | None = None) -> np.ndarray:
    """dF/dx by centred differences (f(x + eps e) - f(x - eps e)) / (2 eps), entry by entry.

    f takes no arguments and reads x, which is changed in place and restored.
    mask (same shape as x, bool) limits the entries perturbed; the others are 0.
    Costs two evaluations of f per entry: this is why backpropagation exists.
    """
    grad = np.zeros_like(x, dtype=np.float64)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        if mask is not None and not mask[i]:
            continue
        old = x[i]
        x[i] = old + eps
        fp = f()
        x[i] = old - eps
        fm = f()
        x[i] = old
        grad[i] = (fp - fm) / (2 * eps)
    return grad


def relative_error(a, b, floor: float = 1e-12) -> float:
    """max |a - b| / max(max(|a|, |b|), floor): 0 for equal arrays, about 1e-7 or less for a correct gradient."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    scale = max(np.max(np.abs(a)), np.max(np.abs(b)), floor)
    return float(np.max(np.abs(a - b)) / scale)


def model_gradients(model, loss: Loss, X: np.ndarray, Y) -> list[np.ndarray]:
    """dJ/dW of every Linear layer by backpropagation: one forward and one backward pass."""
    loss.forward(model.forward(X), Y)
    model.backward(loss.backward())
    return [layer.dW.copy() for layer in model.linear_layers]


def check_model_gradients(model, loss: Loss, X: np.ndarray, Y, eps: float = 1e-6) -> list[float]:
    """Relative error between backpropagated and finite-difference dJ/dW, one per Linear layer.

    Row 0 of each W is not perturbed (it is fixed at (1, 0, ..., 0) by design,
    and backpropagation gives it a zero gradient).
    """
    analytic = model_gradients(model, loss, X, Y)
    errors = []
    for layer, g in zip(model.linear_layers, analytic):
        mask = np.ones(layer.W.shape, dtype=bool)
        mask[0] = False
        numeric = numerical_gradient(lambda: loss.forward(model.forward(X), Y), layer.W, eps, mask)
        errors.append(relative_error(g, numeric))
    return errors
