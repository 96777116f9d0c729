"""Losses: the number J that training drives down, and dJ/dY_hat that starts backpropagation.

Y_hat and Y have mfnet's augmented shape (k + 1, m): row 0 is the bias row
(ones) and carries no loss; ``backward()`` returns dJ/dY_hat with row 0 zero.
For the cross-entropies Y may also be a 1-D array of m class labels.
Derived and checked with sympy in ``book/07_losses.ipynb``.
"""
from __future__ import annotations

import numpy as np

from .activations import softmax
from .tensor import one_hot

__all__ = ["Loss", "MSE", "CrossEntropy", "SoftmaxCrossEntropy"]


class Loss:
    """forward(Y_hat, Y) -> float J; backward() -> dJ/dY_hat of shape (k + 1, m).

    Y_hat and Y have shape (k + 1, m); derived in ``book/07_losses.ipynb``.
    """

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    def _check_forward(self, attribute: str) -> None:
        if not hasattr(self, attribute):
            raise RuntimeError(f"{type(self).__name__}: backward() called before forward(Y_hat, Y)")

    def _targets(self, Y_hat, Y, allow_labels: bool) -> tuple[np.ndarray, np.ndarray]:
        name = type(self).__name__
        if type(Y_hat) is not np.ndarray or Y_hat.dtype != np.float64:
            Y_hat = np.asarray(Y_hat, dtype=np.float64)
        if Y_hat.ndim != 2 or Y_hat.shape[0] < 2 or Y_hat.shape[1] == 0:
            raise ValueError(f"{name}: expected the network output Y_hat of shape (k + 1, m) with "
                             f"k >= 1 and m >= 1, got shape {Y_hat.shape}")
        if type(Y) is not np.ndarray or Y.dtype != np.float64 or Y.ndim == 1:
            Y = np.asarray(Y)
            if allow_labels and Y.ndim == 1:
                if Y.shape[0] != Y_hat.shape[1]:
                    raise ValueError(f"{name}: {Y.shape[0]} labels for {Y_hat.shape[1]} samples "
                                     f"(output shape {Y_hat.shape})")
                Y = one_hot(Y, Y_hat.shape[0] - 1)
            Y = np.asarray(Y, dtype=np.float64)
        if Y.shape != Y_hat.shape:
            hint = ""
            if Y.ndim == 2 and Y.shape == (Y_hat.shape[0] - 1, Y_hat.shape[1]):
                hint = "; the targets lack the bias row: build them with mfnet.augment or mfnet.one_hot"
            elif Y.ndim == 2 and Y.shape == Y_hat.shape[::-1]:
                hint = "; the targets look transposed: mfnet keeps samples as columns"
            raise ValueError(f"{name}: targets Y have shape {Y.shape} but the output Y_hat has shape "
                             f"{Y_hat.shape}{hint}")
        return Y_hat, Y


class MSE(Loss):
    """J = 1/(2m) sum_i ||y_hat_i - y_i||^2 over the feature rows; dJ/dY_hat = (Y_hat - Y) / m.

    The factor 1/2 (the primary source's convention) cancels the 2 of the
    derivative. PyTorch's ``nn.MSELoss()`` averages over all k*m entries
    without the 1/2: ``MSELoss = 2 J / k``.
    Shapes: Y_hat, Y, dJ/dY_hat all (k + 1, m). Proved in ``book/07_losses.ipynb``.
    """

    def forward(self, Y_hat, Y) -> float:
        Y_hat, Y = self._targets(Y_hat, Y, allow_labels=False)
        self.diff = diff = Y_hat[1:] - Y[1:]
        self.shape = Y_hat.shape
        m = Y_hat.shape[1]
        return float(np.vdot(diff, diff)) / (2.0 * m)

    def backward(self) -> np.ndarray:
        self._check_forward("shape")
        grad = np.empty(self.shape)
        grad[0] = 0.0
        np.divide(self.diff, self.shape[1], out=grad[1:])
        return grad


class CrossEntropy(Loss):
    """J = -(1/m) sum_i sum_k y_ik log y_hat_ik on probabilities Y_hat (e.g. a Softmax output).

    dJ/dY_hat = -Y / (m Y_hat). Probabilities are floored at the smallest
    positive float64 before the log and the division, so J and its gradient
    stay finite -- but not exact: when a Softmax output underflows to exactly 0
    for the true class, J is capped near 708 and the gradient reaching the
    logits is 0 instead of -1/m. For training use :class:`SoftmaxCrossEntropy`
    on logits, which is exact there (``book/08_activations.ipynb``).
    Shapes: Y_hat, Y (or labels (m,)), dJ/dY_hat all (k + 1, m).
    """

    _tiny = np.finfo(np.float64).tiny

    def forward(self, Y_hat, Y) -> float:
        Y_hat, Y = self._targets(Y_hat, Y, allow_labels=True)
        self.P = np.maximum(Y_hat[1:], self._tiny)
        self.Y = Y
        m = Y_hat.shape[1]
        return float(-np.sum(Y[1:] * np.log(self.P))) / m

    def backward(self) -> np.ndarray:
        self._check_forward("Y")
        m = self.Y.shape[1]
        grad = np.empty(self.Y.shape)
        grad[0] = 0.0
        grad[1:] = -self.Y[1:] / (m * self.P)
        return grad


class SoftmaxCrossEntropy(Loss):
    """Softmax and cross-entropy fused, on logits Z (the last Linear layer's output).

    J = -(1/m) sum_i sum_k y_ik log softmax(z_i)_k, computed with log-sum-exp;
    dJ/dZ = (softmax(Z) * sum_k y_k - Y) / m, which is (A - Y) / m for one-hot
    (or any) targets whose columns sum to 1. The network then ends in a Linear
    layer; ``probabilities(Z)`` turns its output into class probabilities.
    Shapes: Z, Y (or labels (m,)), dJ/dZ all (k + 1, m). Proved in ``book/07_losses.ipynb``.
    """

    def forward(self, Z, Y) -> float:
        Z, Y = self._targets(Z, Y, allow_labels=True)
        Z1 = Z[1:]
        shifted = Z1 - Z1.max(axis=0, keepdims=True)
        E = np.exp(shifted)
        sums = E.sum(axis=0, keepdims=True)
        log_p = shifted - np.log(sums)  # log softmax (log-sum-exp)
        self.A1 = E / sums              # softmax, kept for backward
        self.Y = Y
        m = Z.shape[1]
        return -float((Y[1:] * log_p).sum()) / m

    def backward(self) -> np.ndarray:
        self._check_forward("Y")
        Y = self.Y
        m = Y.shape[1]
        grad = np.zeros(Y.shape)  # row 0 stays zero
        Y1 = Y[1:]
        grad[1:] = (self.A1 * Y1.sum(axis=0, keepdims=True) - Y1) / m
        return grad

    @staticmethod
    def probabilities(Z: np.ndarray) -> np.ndarray:
        """Softmax of the logits' feature rows; returns shape (k + 1, m) with row 0 ones."""
        P = np.empty_like(Z, dtype=np.float64)
        P[0] = 1.0
        P[1:] = softmax(np.asarray(Z, dtype=np.float64)[1:])
        return P
