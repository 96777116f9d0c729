"""The column convention: samples as columns, row 0 the bias feature.

Every array that flows through mfnet is a numpy ``float64`` array of shape
``(n + 1, m)``: ``m`` samples side by side as columns, ``n`` features per
sample, and an extra row 0 that is all ones (the *bias feature*). Chapter
``book/02_signal_flow.ipynb`` introduces this layout; the helpers below
convert between it and the samples-as-rows layout that numpy, scikit-learn
and PyTorch users hold their data in.
"""
from __future__ import annotations

import math

import numpy as np

__all__ = ["augment", "strip", "one_hot", "labels", "as_tensor",
           "bias_row_checked"]


def as_tensor(data, name: str = "input", finite: bool = True) -> np.ndarray:
    """Return ``data`` as a 2-D float64 array (integers and lists are
    converted).

    Raises ``ValueError`` naming ``name`` when the data is not 2-D, has no
    samples, or (unless ``finite`` is False) contains NaN or infinity.
    """
    arr = np.asarray(data, dtype=np.float64)
    if arr.ndim != 2:
        raise ValueError(f"{name}: expected a 2-D array of shape (features + "
                         f"1, samples), got shape {arr.shape}")
    if arr.shape[1] == 0:
        raise ValueError(f"{name}: empty batch (shape {arr.shape}); it needs "
                         "at least one sample column")
    if not finite:
        return arr
    # A NaN or infinite entry makes the sum NaN or infinite: one pass without
    # a temporary array. Only when the sum is not finite (or merely
    # overflowed) are the entries tested.
    with np.errstate(over="ignore", invalid="ignore"):
        total = arr.sum()
    if not math.isfinite(total) and not np.isfinite(arr).all():
        raise ValueError(f"{name}: contains NaN or infinity; clean or impute "
                         "the data first")
    return arr


def bias_row_checked(A, name: str = "X", finite: bool = True) -> np.ndarray:
    """Return A as a 2-D float64 array whose row 0 is all ones, or raise a
    ValueError naming ``name`` that says to use ``mfnet.augment``.
    ``finite=False`` skips the tests of `as_tensor` (shape, NaN: a full
    pass over the data)."""
    if finite or type(A) is not np.ndarray or A.dtype != np.float64:
        A = as_tensor(A, name) if finite else np.asarray(A, np.float64)
    if A.ndim == 2 and A.size and not (A[0] == 1.0).all():
        if len(A) > 1 and (A[:, 0] == 1.0).all():
            raise ValueError(
                f"{name}: row 0 must be the bias feature (all ones); got "
                f"shape {A.shape}, whose column 0 is all ones: transposed? "
                "mfnet keeps samples as columns, so pass its transpose")
        raise ValueError(
            f"{name}: row 0 must be the bias feature (all ones); got shape "
            f"{A.shape}. Samples-as-rows data of shape (m, n) becomes "
            "mfnet's layout with mfnet.augment(X)")
    return A


def augment(X) -> np.ndarray:
    """Turn samples-as-rows data into mfnet's layout.

    Derived in chapter 2 (``book/02_signal_flow.ipynb``).

    Parameters
    ----------
    X : array_like
        Shape (m, n): m samples, n features. A 1-D array of length m is read
        as m samples of one feature.

    Returns
    -------
    numpy.ndarray
        A, shape (n + 1, m), float64: row 0 all ones, ``A[1:] = X.T``. It is
        stored column by column (order "F"), so each sample is contiguous
        and a mini-batch of columns is a fast copy.

    Raises
    ------
    ValueError
        If X is not 1-D or 2-D, or is empty.
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim == 1:
        X = X[:, None]
    if X.ndim != 2:
        raise ValueError("augment: expected data of shape (samples, "
                         f"features), got shape {X.shape}")
    A = np.empty((X.shape[1] + 1, X.shape[0]), order="F")
    A[0] = 1.0
    A[1:] = X.T
    return A


def strip(A) -> np.ndarray:
    """Inverse of `augment`: drop the bias row and transpose.

    Parameters
    ----------
    A : array_like
        Shape (n + 1, m).

    Returns
    -------
    numpy.ndarray
        X, shape (m, n).

    Raises
    ------
    ValueError
        If A is not 2-D with at least two rows.
    """
    A = np.asarray(A, dtype=np.float64)
    if A.ndim != 2 or A.shape[0] < 2:
        raise ValueError("strip: expected an augmented array of shape (n + 1, "
                         f"m) with n >= 1, got shape {A.shape}")
    _bias_row("strip", A)
    return A[1:].T.copy()


def _bias_row(caller: str, A: np.ndarray) -> None:
    """Raise when row 0 of A is not all ones: A is then not in mfnet's
    layout (samples-as-rows data, or predict_proba's output)."""
    if (A[0] == 1.0).all():
        return
    hint = ("samples as rows, as predict_proba returns them? Take "
            "np.argmax(P, axis=1), or mfnet.predict_labels(model, X)"
            if caller == "labels" else "samples as rows already?")
    raise ValueError(
        f"{caller}: expected mfnet's layout, shape (n + 1, m) with row 0 "
        f"the bias row of ones, but row 0 of this array of shape {A.shape} "
        f"is not all ones ({hint})")


def one_hot(y, n_classes: int) -> np.ndarray:
    """Class labels to augmented one-hot targets.

    Derived in chapter 7 (``book/07_losses.ipynb``).

    Parameters
    ----------
    y : array_like
        Shape (m,), whole numbers in 0, ..., n_classes - 1.
    n_classes : int
        The number of classes.

    Returns
    -------
    numpy.ndarray
        Y, shape (n_classes + 1, m): row 0 ones, ``Y[1 + y[i], i] = 1``.

    Raises
    ------
    ValueError
        For an empty or non-1-D y, labels that are not whole numbers, or a
        label out of range.
    """
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == n_classes and y.size and \
            np.isin(y, (0, 1)).all() and (y.sum(axis=1) == 1).all():
        raise ValueError(
            f"one_hot: y of shape {y.shape} is one-hot already, with samples "
            "as rows; pass the labels y.argmax(axis=1), or use "
            "mfnet.augment(y) as the targets")
    if y.ndim != 1:
        raise ValueError("one_hot: expected a 1-D array of class labels, got "
                         f"shape {y.shape}")
    if y.dtype == bool:
        y = y.astype(np.int64)  # False, True are the classes 0, 1
    if y.size == 0:
        raise ValueError("one_hot: empty label array; it needs at least one "
                         "label")
    if not np.issubdtype(y.dtype, np.integer):
        if not np.issubdtype(y.dtype, np.floating):
            raise ValueError("one_hot: labels must be whole numbers, got "
                             f"dtype {y.dtype}")
        bad = ~np.isfinite(y) | (y != np.round(y))
        if bad.any():
            raise ValueError(
                "one_hot: labels must be whole numbers, got "
                f"{y[bad][0]} (dtype {y.dtype}); for real-valued targets "
                "use mfnet.MSE (regression)")
        y = y.astype(np.int64)
    lo, hi = int(y.min()), int(y.max())
    if lo < 0 or hi >= n_classes:
        bad = lo if lo < 0 else hi
        raise ValueError(f"one_hot: label {bad} is out of range for "
                         f"{n_classes} classes (labels must lie in "
                         f"0..{n_classes - 1})")
    # column-major, like augment's output
    Y = np.zeros((n_classes + 1, y.size), order="F")
    Y[0] = 1.0
    Y[1 + y, np.arange(y.size)] = 1.0
    return Y


def labels(A, threshold: float | None = None) -> np.ndarray:
    """The predicted class of every sample (samples as columns).

    Parameters
    ----------
    A : array_like
        Shape (n + 1, m): probabilities, logits or one-hot targets.
    threshold : float, optional
        Only for one output (n = 1, binary classification), where it is
        required: 0.5 for probabilities (a Sigmoid output), 0.0 for logits
        (`mfnet.BinaryCrossEntropy`). Class 1 where ``A[1] > threshold``.

    Returns
    -------
    numpy.ndarray
        Shape (m,), int64: the argmax over the feature rows for n >= 2, 0 or
        1 for one output.

    Raises
    ------
    ValueError
        If A is not augmented (row 0 ones), or a threshold is missing for
        one output or given for several.
    """
    A = np.asarray(A)
    if A.ndim != 2 or A.shape[0] < 2:
        raise ValueError("labels: expected an augmented array of shape "
                         f"(n + 1, m), got shape {A.shape}")
    if A.shape[0] == 2:
        if threshold is None:
            raise ValueError(
                "labels: one output row, so say where class 1 begins: "
                "labels(out, threshold=0.5) for probabilities (a Sigmoid "
                "output), labels(Z, threshold=0.0) for logits "
                "(BinaryCrossEntropy)")
        return (A[1] > threshold).astype(np.int64)
    if threshold is not None:
        raise ValueError(f"labels: threshold={threshold} applies to one "
                         f"output row only; A has {A.shape[0] - 1} (argmax)")
    _bias_row("labels", A)
    return np.argmax(A[1:], axis=0)
