"""Activation layers: g applied to the feature rows, the bias row left alone.

Every activation maps Z of shape (n + 1, m) to A of the same shape with
``A[0] = Z[0]`` (the row of ones) and ``A[1:] = g(Z[1:])``; its backward
pass maps dJ/dA to dJ/dZ = dJ/dA * g'(Z) with row 0 set to zero, so that no
gradient ever reaches row 0 of a weight matrix. Derived in
``book/04_backprop_matrix.ipynb``; the functions and their stable forms are
in ``book/08_activations.ipynb``.

The functions ignore floating-point underflow (``exp(-1000)`` is 0, as it
should be; see `quiet_underflow`), so that they raise nothing even under
``np.seterr(all="raise")``; overflow cannot happen in them.
"""
from __future__ import annotations

import functools

import numpy as np

from .layer import Layer

__all__ = ["Activation", "Identity", "ReLU", "Sigmoid", "Tanh", "Softmax",
           "sigmoid", "softmax", "log_softmax"]


def quiet_underflow(f):
    """Decorator: run f with underflow to 0 never reported, even under
    ``np.seterr(all="raise")``.

    In mfnet's stable formulas a number that underflows to 0 is the right
    answer, and a student hunting NaNs should not be stopped by it. f runs
    as it is; only when numpy has been told to raise and f raises a
    FloatingPointError does f run again inside
    ``np.errstate(under="ignore")``, so a real overflow or NaN still
    raises. (An errstate around every call would cost more than the
    arithmetic of a small batch.) f must not change its arguments.
    """
    @functools.wraps(f)
    def quiet(*args, **kwargs):
        try:
            return f(*args, **kwargs)
        except FloatingPointError:
            with np.errstate(under="ignore"):
                return f(*args, **kwargs)
    return quiet


@quiet_underflow
def sigmoid(z: np.ndarray) -> np.ndarray:
    """The logistic function 1 / (1 + exp(-z)), without overflow for any z.

    Derived in chapter 8 (``book/08_activations.ipynb``).

    Parameters
    ----------
    z : numpy.ndarray
        Any shape.

    Returns
    -------
    numpy.ndarray
        The same shape as ``z``.

    Notes
    -----
    For z >= 0 it computes 1 / (1 + exp(-z)), for z < 0 the equal form
    exp(z) / (1 + exp(z)): both only exponentiate ``-abs(z)``, which is at
    most 0. Exact at the extremes: sigmoid(1000) = 1 and sigmoid(-1000) = 0
    (the true value underflows).
    """
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0, e) / (1.0 + e)


@quiet_underflow
def softmax(z: np.ndarray) -> np.ndarray:
    """Column-wise softmax, shifted by each column's maximum.

    Derived in chapter 8 (``book/08_activations.ipynb``).

    Parameters
    ----------
    z : numpy.ndarray
        Shape (n, m): one column per sample.

    Returns
    -------
    numpy.ndarray
        Shape (n, m); every column sums to 1. The shift makes exp overflow
        impossible.
    """
    e = np.exp(z - z.max(axis=0, keepdims=True))
    e /= e.sum(axis=0, keepdims=True)
    return e


@quiet_underflow
def log_softmax(z: np.ndarray) -> np.ndarray:
    """Column-wise log softmax by log-sum-exp.

    Derived in chapter 8 (``book/08_activations.ipynb``).

    Parameters
    ----------
    z : numpy.ndarray
        Shape (n, m).

    Returns
    -------
    numpy.ndarray
        Shape (n, m): ``z - max - log(sum(exp(z - max)))`` column by column.
        Exact where softmax underflows: log_softmax([1000, -1000]) is
        [0, -2000].
    """
    shifted = z - z.max(axis=0, keepdims=True)
    sums = np.exp(shifted).sum(axis=0, keepdims=True)
    return shifted - np.log(sums)


class Activation(Layer):
    """Base class of the activation layers: g on the feature rows, row 0 kept.

    Derived in chapter 4 (``book/04_backprop_matrix.ipynb``), code in
    chapter 5 (``book/05_layers.ipynb``).

    Notes
    -----
    Shapes: Z, A, dJ/dA and dJ/dZ are all (n + 1, m). Subclasses define
    ``_g(Z)`` (returns g(Z)) and ``_grad(dA)`` (returns dJ/dA * g'(Z)), both
    as new arrays over the whole array, row 0 included; `forward` then copies
    row 0 of Z (the ones) into row 0 of A, and `backward` sets row 0 of dJ/dZ
    to zero: a stop-gradient, since row 0 of the next weight matrix is not a
    parameter (see the notation page).
    """

    def __init__(self) -> None:
        self.A: np.ndarray | None = None  # output of the last forward pass
        self.Z: np.ndarray | None = None  # input of the last forward pass

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    def forward(self, Z: np.ndarray) -> np.ndarray:
        """A = g(Z) on rows 1 to n, row 0 copied from Z (the ones).

        Parameters
        ----------
        Z : numpy.ndarray
            Shape (n + 1, m), n >= 1, m >= 1.

        Returns
        -------
        numpy.ndarray
            A, shape (n + 1, m); kept with Z for the backward pass.

        Raises
        ------
        ValueError
            If Z is not 2-D with at least two rows and one column.
        """
        if type(Z) is not np.ndarray or Z.dtype != np.float64:
            Z = np.asarray(Z, dtype=np.float64)
        if Z.ndim != 2 or Z.shape[0] < 2 or Z.shape[1] == 0:
            raise ValueError(f"{self._label()}: expected input Z of shape (n "
                             "+ 1, m) with n >= 1 and m >= 1, got shape "
                             f"{Z.shape}")
        A = self._g(Z)  # g entry by entry, row 0 too ...
        A[0] = Z[0]     # ... which gets its ones back
        self.Z, self.A = Z, A
        return A

    def backward(self, dA: np.ndarray) -> np.ndarray:
        """dJ/dZ = dJ/dA * g'(Z) on rows 1 to n, row 0 set to zero.

        Parameters
        ----------
        dA : numpy.ndarray
            dJ/dA, the shape of the last forward output, (n + 1, m).

        Returns
        -------
        numpy.ndarray
            dJ/dZ, shape (n + 1, m), row 0 zero.

        Raises
        ------
        RuntimeError
            If called before `forward`.
        ValueError
            If dA's shape differs from the forward output's.
        """
        if self.A is None:
            raise RuntimeError(f"{self._label()}: backward called before "
                               "forward")
        if type(dA) is not np.ndarray or dA.shape != self.A.shape:
            dA = self._check_rows(dA, self.A.shape[0], "gradient dA")
            if dA.shape != self.A.shape:
                raise ValueError(f"{self._label()}: gradient dA has shape "
                                 f"{dA.shape} but the forward output had "
                                 f"shape {self.A.shape}")
        dZ = self._grad(dA)  # dJ/dA * g'(Z) entry by entry ...
        dZ[0] = 0.0          # ... row 0 set to 0: a stop-gradient
        return dZ

    def _g(self, Z: np.ndarray) -> np.ndarray:
        raise NotImplementedError  # each activation defines g

    def _grad(self, dA: np.ndarray) -> np.ndarray:
        raise NotImplementedError  # and dJ/dZ from dJ/dA


class Identity(Activation):
    """g(z) = z, g'(z) = 1.

    Shapes: Z, A, dJ/dA, dJ/dZ all (n + 1, m). Derivative proved in chapter
    8 (``book/08_activations.ipynb``).
    """

    def _g(self, Z):
        return Z.copy()

    def _grad(self, dA):
        return dA.copy()


class ReLU(Activation):
    """g(z) = max(0, z); g'(z) = 1 for z > 0, else 0 (0 at z = 0, as PyTorch).

    Shapes: Z, A, dJ/dA, dJ/dZ all (n + 1, m). The backward pass reads
    g'(z) off A (A > 0 exactly where Z > 0). Derivative proved in chapter 8
    (``book/08_activations.ipynb``).
    """

    def _g(self, Z):
        return np.maximum(Z, 0.0)

    def _grad(self, dA):
        return dA * (self.A > 0)  # A > 0 exactly where Z > 0


class Sigmoid(Activation):
    """g(z) = 1 / (1 + exp(-z)) (the stable `sigmoid`), g' = g (1 - g).

    Shapes: Z, A, dJ/dA, dJ/dZ all (n + 1, m). Derivative proved in chapter
    8 (``book/08_activations.ipynb``).
    """

    def _g(self, Z):
        return sigmoid(Z)

    def _grad(self, dA):
        A = self.A
        return dA * A * (1.0 - A)


class Tanh(Activation):
    """g(z) = tanh(z), g'(z) = 1 - tanh(z)^2.

    Shapes: Z, A, dJ/dA, dJ/dZ all (n + 1, m). Derivative proved in chapter
    8 (``book/08_activations.ipynb``).
    """

    def _g(self, Z):
        return np.tanh(Z)

    def _grad(self, dA):
        A = self.A
        return dA * (1.0 - A * A)


class Softmax(Activation):
    """Column-wise softmax over the feature rows (max-shifted, see `softmax`).

    Shapes: Z, A, dJ/dA, dJ/dZ all (n + 1, m); every column of A[1:] sums
    to 1. Derived in chapter 7 (``book/07_losses.ipynb``).

    Notes
    -----
    Its Jacobian for one column a is diag(a) - a a^T, so the backward pass,
    column by column and vectorised, is dJ/dz = a * (dJ/da - a . dJ/da).
    Followed by `mfnet.CrossEntropy` this equals the fused
    `mfnet.SoftmaxCrossEntropy` gradient (A - Y) / m. Unlike the other
    activations it is not entry by entry, so it leaves row 0 out of both
    sums itself.
    """

    def _g(self, Z):
        A = np.empty(Z.shape)
        A[1:] = softmax(Z[1:])
        return A

    def _grad(self, dA):
        A1, dA1 = self.A[1:], dA[1:]
        dZ = np.empty(dA.shape)
        dZ[1:] = A1 * (dA1 - (A1 * dA1).sum(axis=0, keepdims=True))
        return dZ
