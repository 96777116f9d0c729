"""Splitting and standardising samples-as-rows data before it enters mfnet.

Used by ``book/11_regression_california.ipynb`` (and
``book/12_classification_mnist.ipynb`` for validation splits). Like the
loaders in `mfnet_book.datasets`, these functions work on ordinary arrays
with **samples as rows** (``X`` of shape ``(m, n)``, ``y`` of shape ``(m,)``
or ``(m, k)``); convert to mfnet's layout with `mfnet.augment`
afterwards.
"""
from __future__ import annotations

import numpy as np

__all__ = ["train_test_split", "train_val_split", "Standardizer"]


def train_test_split(X, y, test_fraction: float = 0.2, rng=0):
    """Shuffle the samples (rows), split them into a training and a test part.

    Used in chapter 11 (``book/11_regression_california.ipynb``).

    Parameters
    ----------
    X : array_like
        Shape (m, ...), samples as rows.
    y : array_like
        Shape (m, ...), the targets or labels of the same samples.
    test_fraction : float, optional
        The share of the samples in the test part, 0 < f < 1; the test part
        has ``round(test_fraction * m)`` samples (default 0.2).
    rng : int or numpy.random.Generator, optional
        Seed (default 0): one permutation is drawn, and its first samples
        form the test part.

    Returns
    -------
    tuple of numpy.ndarray
        ``X_train, X_test, y_train, y_test`` (scikit-learn's order), rows in
        shuffled order, dtypes unchanged.

    Raises
    ------
    ValueError
        If X and y have different numbers of rows, or a part would be empty.
    """
    X = np.asarray(X)
    y = np.asarray(y)
    if X.ndim == 0 or y.ndim == 0 or X.shape[0] != y.shape[0]:
        raise ValueError("train_test_split: X and y need the same number of "
                         f"samples (rows), got shapes {X.shape} and {y.shape}")
    if not 0.0 < test_fraction < 1.0:
        raise ValueError("train_test_split: test_fraction must be between 0 "
                         f"and 1, got {test_fraction}")
    m = X.shape[0]
    n_test = int(round(test_fraction * m))
    if not 0 < n_test < m:
        raise ValueError(f"train_test_split: test_fraction={test_fraction} of "
                         f"{m} samples leaves an empty training or test part")
    order = np.random.default_rng(rng).permutation(m)
    test, train = order[:n_test], order[n_test:]
    return X[train], X[test], y[train], y[test]


def train_val_split(X, y, val_fraction: float = 0.2, rng=0):
    """Hold out a seeded, shuffled validation part of the training samples.

    The same split as `train_test_split`, named for its use: carve the
    validation samples (for choosing epochs, weight decay, learning rates)
    out of the training part, and keep the test part untouched until the
    end. Derived in chapter 10 (``book/10_generalisation.ipynb``).

    Parameters
    ----------
    X : array_like
        Shape (m, ...), samples as rows.
    y : array_like
        Shape (m, ...), the targets or labels of the same samples.
    val_fraction : float, optional
        The share of the samples in the validation part, 0 < f < 1; it has
        v = ``round(val_fraction * m)`` samples (default 0.2).
    rng : int or numpy.random.Generator, optional
        Seed (default 0).

    Returns
    -------
    tuple of numpy.ndarray
        ``X_train, X_val, y_train, y_val``, shapes (m - v, ...), (v, ...),
        (m - v, ...), (v, ...), rows in shuffled order, dtypes unchanged.

    Raises
    ------
    TypeError, ValueError
        If X and y have different numbers of rows, or val_fraction is not
        in (0, 1) or leaves an empty part.
    """
    try:
        f = float(val_fraction)
    except (TypeError, ValueError):
        raise TypeError("train_val_split: val_fraction must be a number "
                        f"between 0 and 1, got {val_fraction!r}") from None
    if not 0.0 < f < 1.0:
        raise ValueError("train_val_split: val_fraction must be between 0 "
                         f"and 1, got {val_fraction!r}")
    try:
        return train_test_split(X, y, f, rng)
    except ValueError as exc:
        message = (str(exc).replace("train_test_split", "train_val_split")
                   .replace("test_fraction", "val_fraction")
                   .replace("test part", "validation part"))
        raise ValueError(message) from None


class Standardizer:
    """Shift and scale each column (feature) to mean 0 and deviation 1.

    Fit it on the training samples only, then apply the same transformation
    to validation and test samples: their statistics must not leak into the
    model. Used in chapter 11 (``book/11_regression_california.ipynb``).

    Attributes
    ----------
    mean_ : numpy.ndarray
        The column means, shape ``X.shape[1:]`` (after `fit`).
    scale_ : numpy.ndarray
        The population standard deviations (``ddof=0``), shape
        ``X.shape[1:]``; a constant column gets 1, so it maps to 0 instead
        of dividing by zero.

    Notes
    -----
    Works on arrays of shape (m, n) (samples as rows) and on 1-D targets of
    shape (m,). An error measured on standardised targets converts back to
    the original units by multiplying with ``scale_`` (e.g. RMSE).
    """

    def __init__(self):
        self.mean_ = None
        self.scale_ = None

    def fit(self, X) -> "Standardizer":
        """Compute the column means and standard deviations of X (m, n);
        returns self."""
        X = np.asarray(X, dtype=np.float64)
        if X.ndim == 0 or X.shape[0] == 0:
            raise ValueError("Standardizer.fit: need at least one sample, got "
                             f"shape {X.shape}")
        if not np.isfinite(X).all():
            raise ValueError("Standardizer.fit: data contains NaN or infinity")
        self.mean_ = X.mean(axis=0)
        std = X.std(axis=0)
        self.scale_ = np.where(std > 0, std, 1.0)
        return self

    def _check(self, X, name):
        if self.mean_ is None:
            raise RuntimeError(f"Standardizer.{name}: call fit on the "
                               "training data first")
        X = np.asarray(X, dtype=np.float64)
        if X.shape[1:] != self.mean_.shape:
            raise ValueError(f"Standardizer.{name}: fitted on samples of "
                             f"shape {self.mean_.shape}, got data of shape "
                             f"{X.shape}")
        return X

    def transform(self, X) -> np.ndarray:
        """``(X - mean_) / scale_``: the shape unchanged, float64."""
        X = self._check(X, "transform")
        return (X - self.mean_) / self.scale_

    def inverse_transform(self, Z) -> np.ndarray:
        """``Z * scale_ + mean_``: back to the original units, same shape."""
        Z = self._check(Z, "inverse_transform")
        return Z * self.scale_ + self.mean_

    def fit_transform(self, X) -> np.ndarray:
        """fit(X) then transform(X)."""
        return self.fit(X).transform(X)
