"""Losses: the number J that training drives down, and dJ/dY_hat that starts
backpropagation.

Y_hat and Y have mfnet's augmented shape (n + 1, m): row 0 is the bias row
(ones) and carries no loss; ``backward()`` returns dJ/dY_hat with row 0
zero. 1-D targets of shape (m,) are class labels for the cross-entropies,
0/1 labels for `BinaryCrossEntropy`, and regression targets of a
one-output network for `MSE`. Derived and checked with sympy in
``book/07_losses.ipynb``. All losses ignore harmless underflow (see
`mfnet.activations.quiet_underflow`), so they raise nothing under
``np.seterr(all="raise")``.
"""
from __future__ import annotations

import numpy as np

from .activations import quiet_underflow, sigmoid, softmax
from .tensor import one_hot

__all__ = ["Loss", "MSE", "CrossEntropy", "SoftmaxCrossEntropy",
           "BinaryCrossEntropy"]


class Loss:
    """Base class of the losses: a number J, and dJ/dY_hat to start backward.

    Derived in chapter 7 (``book/07_losses.ipynb``).

    Attributes
    ----------
    targets : {"values", "labels", "binary"}
        What 1-D targets of shape (m,) mean: regression values of a
        one-output network, class labels, or 0/1 labels.

    Notes
    -----
    ``forward(Y_hat, Y)`` returns J as a float; ``backward()`` returns
    dJ/dY_hat of shape (n + 1, m) with row 0 zero. Y_hat and Y have the
    augmented shape (n + 1, m), or Y is 1-D as ``targets`` says. Row 0 (the
    bias row) carries no loss.
    """

    targets = "values"

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    def _check_forward(self, attribute: str) -> None:
        if not hasattr(self, attribute):
            raise RuntimeError(f"{type(self).__name__}: backward() called "
                               "before forward(Y_hat, Y)")

    def _targets(self, Y_hat, Y) -> tuple[np.ndarray, np.ndarray]:
        if (type(Y_hat) is np.ndarray and type(Y) is np.ndarray
                and Y.shape == Y_hat.shape and Y_hat.ndim == 2
                and Y_hat.dtype == np.float64 and len(Y_hat) > 1
                and Y_hat.shape[1]):
            return Y_hat, Y  # the usual case, with nothing to convert
        name = type(self).__name__
        if type(Y_hat) is not np.ndarray or Y_hat.dtype != np.float64:
            Y_hat = np.asarray(Y_hat, dtype=np.float64)
        if Y_hat.ndim != 2 or Y_hat.shape[0] < 2 or Y_hat.shape[1] == 0:
            raise ValueError(
                f"{name}: expected the network output Y_hat of shape "
                f"(n + 1, m) with n >= 1 and m >= 1, got shape {Y_hat.shape}")
        if type(Y) is not np.ndarray or Y.dtype != np.float64 or Y.ndim == 1:
            Y = targets_from_1d(name, self.targets, Y, Y_hat.shape)
        if Y.shape != Y_hat.shape:
            hint = ""
            if Y.ndim == 2 and Y.shape == (Y_hat.shape[0] - 1, Y_hat.shape[1]):
                hint = ("; the targets lack the bias row: build them with "
                        "mfnet.augment or mfnet.one_hot")
            elif Y.ndim == 2 and Y.shape == Y_hat.shape[::-1]:
                hint = ("; the targets look transposed: mfnet keeps samples "
                        "as columns")
            raise ValueError(f"{name}: targets Y have shape {Y.shape} but "
                             f"the output Y_hat has shape {Y_hat.shape}{hint}")
        return Y_hat, Y


def targets_from_1d(name: str, kind: str, y, shape) -> np.ndarray:
    """Augmented float64 targets of ``shape`` (n + 1, m) from targets y.

    A 1-D y of length m is read by ``kind``: "labels" -> one-hot columns;
    "binary" -> [ones; y] with y in {0, 1}; "values" -> [ones; y] for one
    output (n = 1) only. Anything else raises a ValueError naming ``name``
    and how to pass the targets. 2-D y is converted to float64 unchanged.
    """
    y = np.asarray(y)
    if y.ndim != 1:
        return np.asarray(y, dtype=np.float64)
    rows, m = shape
    if y.shape[0] != m:
        what = "targets" if kind == "values" else "labels"
        raise ValueError(f"{name}: {y.shape[0]} {what} for {m} samples "
                         f"(output shape {shape})")
    if kind == "labels":
        if rows == 2:
            raise ValueError(f"{name} needs at least two output rows (one "
                             "per class); for one output use "
                             "mfnet.BinaryCrossEntropy on its logits")
        return one_hot(y, rows - 1)
    if kind == "values" and rows != 2:
        raise ValueError(
            f"{name}: 1-D targets of shape ({m},) are the targets of a "
            f"one-output network, but this output has {rows - 1} rows. "
            "For regression pass Y = mfnet.augment(T) with T of shape "
            f"(m, {rows - 1}); for class labels use a cross-entropy loss "
            f"or mfnet.one_hot(y, {rows - 1})")
    Y = np.ones((2, m))
    Y[1] = y
    if kind == "binary" and not np.isin(y, (0, 1)).all():
        bad = y[~np.isin(y, (0, 1))][0]
        raise ValueError(f"{name}: labels must be 0 or 1, got {bad}")
    return Y


class MSE(Loss):
    """Mean squared error with the factor 1/2: J = 1/(2m) sum_i of the squared
    norm of y_hat_i - y_i over the feature rows; dJ/dY_hat = (Y_hat - Y) / m.

    Derived and proved in chapter 7 (``book/07_losses.ipynb``).

    Notes
    -----
    Shapes: Y_hat, Y and dJ/dY_hat are all (n + 1, m); 1-D targets (m,) are
    the targets of a one-output network. The 1/2 (the primary source's
    convention) cancels the 2 of the derivative. PyTorch's ``nn.MSELoss()``
    averages over all n m entries without it: ``MSELoss = 2 J / n``.
    """

    @quiet_underflow
    def forward(self, Y_hat, Y) -> float:
        Y_hat, Y = self._targets(Y_hat, Y)
        self.diff = diff = Y_hat[1:] - Y[1:]
        self.shape = Y_hat.shape
        m = Y_hat.shape[1]
        return float(np.vdot(diff, diff)) / (2.0 * m)

    @quiet_underflow
    def backward(self) -> np.ndarray:
        self._check_forward("shape")
        grad = np.empty(self.shape)
        grad[0] = 0.0
        np.divide(self.diff, self.shape[1], out=grad[1:])
        return grad


class CrossEntropy(Loss):
    """Cross-entropy on probabilities Y_hat (e.g. a Softmax output):
    J = -(1/m) sum_i sum_j y_ji log y_hat_ji, dJ/dY_hat = -Y / (m Y_hat).

    Derived in chapter 7 (``book/07_losses.ipynb``).

    Notes
    -----
    Shapes: Y_hat, Y (or class labels (m,)) and dJ/dY_hat are all
    (n + 1, m). Probabilities are floored at the smallest positive float64
    before the log and the division, so J and its gradient stay finite but
    not exact: when a Softmax output underflows to 0 for the true class, J is
    capped near 708 and the gradient reaching the logits is 0 instead of
    -1/m. For training use `SoftmaxCrossEntropy` on logits, which is exact
    there (chapter 8).
    """

    targets = "labels"
    _tiny = np.finfo(np.float64).tiny

    @quiet_underflow
    def forward(self, Y_hat, Y) -> float:
        Y_hat, Y = self._targets(Y_hat, Y)
        self.P = np.maximum(Y_hat[1:], self._tiny)
        self.Y = Y
        m = Y_hat.shape[1]
        return float(-np.sum(Y[1:] * np.log(self.P))) / m

    @quiet_underflow
    def backward(self) -> np.ndarray:
        self._check_forward("Y")
        m = self.Y.shape[1]
        grad = np.empty(self.Y.shape)
        grad[0] = 0.0
        grad[1:] = -self.Y[1:] / (m * self.P)
        return grad


class SoftmaxCrossEntropy(Loss):
    """Softmax and cross-entropy fused, on the logits Z of the last layer.

    Derived and proved in chapter 7 (``book/07_losses.ipynb``).

    Notes
    -----
    J = -(1/m) sum_i sum_j y_ji log softmax(z_i)_j, computed with
    log-sum-exp (as `mfnet.log_softmax`, exact at logits of 1000 and -1000).
    dJ/dZ = (softmax(Z) s - Y) / m with s the column sums of Y: (A - Y) / m
    for one-hot targets. Shapes: Z, Y (or class labels (m,)) and dJ/dZ are
    all (n + 1, m) with n >= 2. ``probabilities(Z)`` turns the logits into
    class probabilities.
    """

    targets = "labels"

    @quiet_underflow
    def forward(self, Z, Y) -> float:
        Z, Y = self._targets(Z, Y)
        Z1 = Z[1:]
        log_p = Z1 - Z1.max(axis=0)  # shifted, so that exp(log_p) <= 1
        E = np.exp(log_p)
        sums = E.sum(axis=0)
        log_p -= np.log(sums)        # log softmax (log-sum-exp)
        E /= sums                    # softmax, kept for backward
        self.A1, self.Y = E, Y
        return -float(np.vdot(Y[1:], log_p)) / Z.shape[1]

    @quiet_underflow
    def backward(self) -> np.ndarray:
        self._check_forward("Y")
        Y = self.Y
        grad = np.zeros(Y.shape)     # row 0 carries no gradient
        Y1, G1 = Y[1:], grad[1:]
        np.multiply(self.A1, Y1.sum(axis=0), out=G1)
        G1 -= Y1
        G1 /= Y.shape[1]
        return grad

    @staticmethod
    def probabilities(Z: np.ndarray) -> np.ndarray:
        """Softmax of the logits' rows: shape (n + 1, m), row 0 ones."""
        Z = np.asarray(Z, dtype=np.float64)
        P = np.empty(Z.shape)
        P[0] = 1.0
        P[1:] = softmax(Z[1:])
        return P


class BinaryCrossEntropy(Loss):
    """Sigmoid and binary cross-entropy fused, on the logit z of a one-output
    network (its last layer is Linear, with no Sigmoid after it).

    Derived and proved in chapter 7 (``book/07_losses.ipynb``).

    Notes
    -----
    J = -(1/m) sum_i [y_i log sigmoid(z_i) + (1 - y_i) log(1 - sigmoid(z_i))],
    computed as max(z, 0) - y z + log1p(exp(-abs(z))), finite and exact at
    z = 1000 and -1000; dJ/dz = (sigmoid(z) - y) / m. PyTorch:
    ``nn.BCEWithLogitsLoss()``. Targets: 0/1 labels of shape (m,), or
    augmented (2, m) with row 1 in [0, 1]. Shapes: Z, Y and dJ/dZ are all
    (2, m). ``probabilities(Z)`` gives P(class 1).
    """

    targets = "binary"

    @quiet_underflow
    def forward(self, Z, Y) -> float:
        Z, Y = self._targets(Z, Y)
        if Z.shape[0] != 2:
            raise ValueError(
                f"BinaryCrossEntropy: expects one output row (logits of "
                f"shape (2, m)), got shape {Z.shape}; for "
                f"{Z.shape[0] - 1} classes use mfnet.SoftmaxCrossEntropy")
        z, y = Z[1], Y[1]
        if not ((y >= 0) & (y <= 1)).all():
            raise ValueError("BinaryCrossEntropy: targets must lie in "
                             f"[0, 1], got values from {y.min()} to {y.max()}")
        softplus = np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))
        self.p = sigmoid(z)
        self.Y = Y
        return float((softplus - y * z).sum()) / Z.shape[1]

    @quiet_underflow
    def backward(self) -> np.ndarray:
        self._check_forward("Y")
        m = self.Y.shape[1]
        grad = np.empty(self.Y.shape)
        grad[0] = 0.0
        grad[1] = (self.p - self.Y[1]) / m
        return grad

    @staticmethod
    def probabilities(Z: np.ndarray) -> np.ndarray:
        """Sigmoid of row 1 of the logits: shape (2, m), row 1 is P(1)."""
        Z = np.asarray(Z, dtype=np.float64)
        P = np.ones(Z.shape)
        P[1:] = sigmoid(Z[1:])
        return P
