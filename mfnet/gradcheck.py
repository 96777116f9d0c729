"""Gradients by centred finite differences, to check backpropagation
(``book/03_backprop_index.ipynb``, ``tests/``)."""
from __future__ import annotations

import numbers
import warnings
from typing import Callable

import numpy as np

from .checks import number_in, same_shape
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

    Costs two evaluations of f per entry: this is why backpropagation
    exists (``book/03_backprop_index.ipynb``).

    Parameters
    ----------
    f : callable
        Takes no arguments, reads ``x`` and returns one real number (the
        loss J).
    x : numpy.ndarray of float64
        The array f reads; it is changed in place, entry by entry, and
        restored. A layer's ``W`` is perturbed through its plain buffer,
        row 0 included unless masked (and restored).
    eps : float, optional
        The step, finite and > 0.
    mask : numpy.ndarray of bool, optional
        Same shape as x: only these entries are perturbed; the others get
        0.

    Returns
    -------
    numpy.ndarray
        float64, the shape of x.

    Raises
    ------
    TypeError
        When x is not a numpy array (f could not see the change), is an
        integer array (x + eps would be rounded back), or when f does not
        return one real number.
    ValueError
        For a read-only x, a mask of another shape, or eps not > 0.

    Warns
    -----
    UserWarning
        For float32 or float16 x, whose rounding (about 1e-7 or 1e-3
        relative) swamps a step of 1e-6: the result can be far off, as
        ``torch.autograd.gradcheck`` warns for non-double inputs.
    """
    if isinstance(x, Weights):
        x = x.view(np.ndarray)
    _check_point(x, eps, mask)
    grad = np.zeros_like(x, dtype=np.float64)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        if mask is not None and not mask[i]:
            continue
        old = x[i]
        try:
            x[i] = old + eps
            fp = _number(f())
            x[i] = old - eps
            fm = _number(f())
        finally:
            x[i] = old  # restored even when f fails
        grad[i] = (fp - fm) / (2 * eps)
    return grad


def _check_point(x, eps, mask) -> None:
    """The checks of numerical_gradient's x, eps and mask."""
    if not isinstance(x, np.ndarray):
        raise TypeError(
            f"numerical_gradient: x must be the numpy array that f reads "
            f"(it is changed in place), got {type(x).__name__}; make it "
            "an array first, x = np.array(..., dtype=float), and let f "
            "read that")
    if x.dtype.kind in "biu":
        raise TypeError(
            f"numerical_gradient: x has dtype {x.dtype}, so x + eps is "
            "rounded back to a whole number and the differences are "
            "wrong; make x float64 (np.array(..., dtype=float)) and let f "
            "read that array")
    if x.dtype.kind != "f":
        raise TypeError(f"numerical_gradient: x must hold real numbers "
                        f"(float64), got dtype {x.dtype}")
    if x.dtype.itemsize < 8:
        warnings.warn(
            f"numerical_gradient: x has dtype {x.dtype}, whose rounding "
            f"(relative {np.finfo(x.dtype).eps:.0e}) is not small against "
            f"eps = {eps:g}: the differences can be far off. Use float64 "
            "(as torch.autograd.gradcheck asks for double precision).",
            UserWarning, stacklevel=3)
    if not x.flags.writeable:
        raise ValueError("numerical_gradient: x is read-only, but it is "
                         "perturbed in place; pass a writable array")
    number_in(eps, "numerical_gradient: eps", 0.0)
    if mask is not None and np.shape(mask) != x.shape:
        raise ValueError(f"numerical_gradient: mask has shape "
                         f"{np.shape(mask)} but x has shape {x.shape}")


def _number(value) -> float:
    """f's value as a float, or a TypeError naming what f returned."""
    if isinstance(value, (numbers.Real, np.floating, np.integer)) and \
            not isinstance(value, (bool, np.bool_)):
        return float(value)
    if isinstance(value, np.ndarray) and value.size == 1 and \
            value.dtype.kind in "fiu":
        return float(value.reshape(()))
    what = (f"an array of shape {value.shape}"
            if isinstance(value, np.ndarray) else repr(value))
    raise TypeError(
        f"numerical_gradient: f() must return one real number (the loss "
        f"J), got {what}; return loss.forward(...), or sum an array "
        "(did f forget its return?)" if value is None else
        f"numerical_gradient: f() must return one real number (the loss "
        f"J), got {what}; return loss.forward(...), or sum an array")


def relative_error(a, b, floor: float = 0.0) -> float:
    """Normwise relative error of two arrays of the same shape.

    ::

        err = max_jk |a_jk - b_jk| / max(max_jk |a_jk|, max_jk |b_jk|)

    0 for equal arrays (also when both are zero); about 1e-7 or less for a
    correct gradient against finite differences. An entry much smaller
    than the largest may still differ a lot: see
    `entrywise_relative_error`.

    Parameters
    ----------
    a, b : array_like
        Real arrays of one shape, with at least one entry.
    floor : float, optional
        A lower bound on the denominator (default 0).

    Returns
    -------
    float

    Raises
    ------
    ValueError
        For different shapes, empty arrays, or NaN or infinity in either
        array (the error would be NaN or 0, and a check such as
        ``err < 1e-7`` must not pass on it).
    """
    a, b = _pair(a, b, "relative_error")
    scale = max(np.max(np.abs(a)), np.max(np.abs(b)), floor)
    return float(np.max(np.abs(a - b)) / scale) if scale > 0 else 0.0


def entrywise_relative_error(a, b) -> float:
    """Entrywise relative error of two arrays of the same shape.

    ::

        err = max_jk |a_jk - b_jk| / max(|a_jk|, |b_jk|)

    where an entry that is 0 in both arrays counts 0. Small only when
    every entry agrees to that many digits, however small it is.

    Parameters
    ----------
    a, b : array_like
        Real arrays of one shape, with at least one entry.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        As `relative_error`: different shapes, empty arrays, NaN or
        infinity in either array.
    """
    a, b = _pair(a, b, "entrywise_relative_error")
    scale = np.maximum(np.abs(a), np.abs(b))
    diff = np.abs(a - b)
    nonzero = scale > 0
    if not nonzero.any():
        return 0.0
    return float(np.max(diff[nonzero] / scale[nonzero]))


def _pair(a, b, name: str) -> tuple[np.ndarray, np.ndarray]:
    a, b = same_shape(a, b, "relative error")
    a, b = a.astype(np.float64, copy=False), b.astype(np.float64, copy=False)
    for what, x in (("a", a), ("b", b)):
        bad = ~np.isfinite(x)
        if bad.any():
            first = tuple(int(i) for i in np.argwhere(bad)[0])
            raise ValueError(
                f"{name}: {what} (argument {'ab'.index(what) + 1}) contains "
                f"NaN or infinity ({int(bad.sum())} of {x.size} entries, the "
                f"first {x[first]} at index {first}); an error measured on "
                "it means nothing: find where the non-finite values come "
                "from")
    return a, b


def model_gradients(model, loss: Loss, X: np.ndarray,
                    Y) -> list[np.ndarray]:
    """dJ/dW of every Linear layer by backpropagation.

    One forward and one backward pass (chapter 4,
    ``book/04_backprop_matrix.ipynb``).

    Parameters
    ----------
    model : Sequential
        The network.
    loss : Loss
        The loss object, e.g. ``mfnet.MSE()``.
    X : numpy.ndarray
        Inputs with the bias row, shape (n_0 + 1, m).
    Y : numpy.ndarray
        Targets, shape (n_L + 1, m) or (m,) as in `mfnet.fit`.

    Returns
    -------
    list of numpy.ndarray
        Copies of every layer's dW, first to last, each shaped like its W.
    """
    loss.forward(model.forward(X), Y)
    model.backward(loss.backward())
    return [layer.dW.copy() for layer in model.linear_layers]


def check_model_gradients(model, loss: Loss, X: np.ndarray, Y,
                          eps: float = 1e-6) -> list[float]:
    """Relative error of backpropagation against finite differences, per layer.

    Row 0 of each W is not perturbed: it is fixed at (1, 0, ..., 0), not a
    parameter, and backpropagation gives it a zero gradient (chapter 4,
    ``book/04_backprop_matrix.ipynb``).

    Parameters
    ----------
    model : Sequential
        The network.
    loss : Loss
        The loss object.
    X : numpy.ndarray
        Inputs with the bias row, shape (n_0 + 1, m).
    Y : numpy.ndarray
        Targets, shape (n_L + 1, m) or (m,).
    eps : float, optional
        The finite-difference step (default 1e-6).

    Returns
    -------
    list of float
        The normwise relative error (`relative_error`) of each Linear
        layer's dW, first to last: about 1e-7 or less when backpropagation
        is right.
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
