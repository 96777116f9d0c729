"""Gradients by centred finite differences, to check backpropagation
(``book/03_backprop_index.ipynb``, ``tests/``)."""
from __future__ import annotations

from typing import Callable

import numpy as np

from .checks import same_shape
from .linear import Weights
from .losses import Loss

__all__ = ["numerical_gradient", "relative_error",
           "entrywise_relative_error", "model_gradients",
           "check_model_gradients"]


def numerical_gradient(f: Callable[[], float], x: np.ndarray,
                       eps: float = 1e-6,
                       mask: np.ndarray | None = None) -> np.ndarray:
    """dF/dx by centred differences (f(x + eps e) - f(x - eps e)) / (2 eps),
    entry by entry; same shape as x.

    f takes no arguments and reads x, which is changed in place and
    restored. mask (same shape as x, bool) limits the entries perturbed;
    the others are 0. Costs two evaluations of f per entry: this is why
    backpropagation exists. A layer's ``W`` is perturbed through its
    plain buffer, row 0 included unless masked (and restored).
    """
    if isinstance(x, Weights):
        x = x.view(np.ndarray)
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


def relative_error(a, b, floor: float = 0.0) -> float:
    """Normwise relative error of two arrays of the same shape:

        err(A, B) = max_jk |a_jk - b_jk| / max(max_jk |a_jk|, max_jk |b_jk|)

    0 for equal arrays (also when both are zero); about 1e-7 or less for a
    correct gradient against finite differences. An entry much smaller
    than the largest may still differ a lot: see
    `entrywise_relative_error`. ``floor`` (default 0) is a lower bound on
    the denominator.
    """
    a, b = _pair(a, b)
    scale = max(np.max(np.abs(a)), np.max(np.abs(b)), floor)
    return float(np.max(np.abs(a - b)) / scale) if scale > 0 else 0.0


def entrywise_relative_error(a, b) -> float:
    """Entrywise relative error of two arrays of the same shape:

        max_jk |a_jk - b_jk| / max(|a_jk|, |b_jk|)

    where an entry that is 0 in both arrays counts 0. Small only when
    every entry agrees to that many digits, however small it is.
    """
    a, b = _pair(a, b)
    scale = np.maximum(np.abs(a), np.abs(b))
    diff = np.abs(a - b)
    nonzero = scale > 0
    if not nonzero.any():
        return 0.0
    return float(np.max(diff[nonzero] / scale[nonzero]))


def _pair(a, b) -> tuple[np.ndarray, np.ndarray]:
    a, b = same_shape(a, b, "relative error")
    return a.astype(np.float64, copy=False), b.astype(np.float64, copy=False)


def model_gradients(model, loss: Loss, X: np.ndarray,
                    Y) -> list[np.ndarray]:
    """dJ/dW of every Linear layer by backpropagation: one forward and one
    backward pass. Returns copies, one per layer, shaped like each W."""
    loss.forward(model.forward(X), Y)
    model.backward(loss.backward())
    return [layer.dW.copy() for layer in model.linear_layers]


def check_model_gradients(model, loss: Loss, X: np.ndarray, Y,
                          eps: float = 1e-6) -> list[float]:
    """Normwise relative error between backpropagated and
    finite-difference dJ/dW, one per Linear layer.

    Row 0 of each W is not perturbed (it is fixed at (1, 0, ..., 0) by design,
    and backpropagation gives it a zero gradient).
    """
    analytic = model_gradients(model, loss, X, Y)
    errors = []
    for layer, g in zip(model.linear_layers, analytic):
        mask = np.ones(layer.W.shape, dtype=bool)
        mask[0] = False
        numeric = numerical_gradient(
            lambda: loss.forward(model.forward(X), Y), layer.W, eps, mask)
        errors.append(relative_error(g, numeric))
    return errors
