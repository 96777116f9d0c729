"""Metrics on class labels or on regression values
(``book/11_regression_california.ipynb``,
``book/12_classification_mnist.ipynb``).

Classification metrics take 1-D integer label arrays of shape (m,)
(``mfnet.labels(output)`` or ``mfnet.predict_labels(model, X)`` give
them); regression metrics take arrays of equal shape, e.g.
``mfnet.strip(output)``. All take (y_true, y_pred), as scikit-learn's do,
and `mfnet.fit` calls them so.
"""
from __future__ import annotations

import numpy as np

from .checks import same_shape

__all__ = ["accuracy", "confusion_matrix", "precision_recall_f1",
           "one_vs_rest_accuracy", "mse", "rmse", "r2"]


def _pair(y_true, y_pred) -> tuple[np.ndarray, np.ndarray]:
    return same_shape(y_true, y_pred, "metrics", ("y_true", "y_pred"))


def _values(name: str, y_true, y_pred) -> tuple[np.ndarray, np.ndarray]:
    """Both arrays of one shape, or a ValueError when both are in mfnet's
    augmented layout (row 0 all ones would count as predicted exactly)."""
    y_true, y_pred = _pair(y_true, y_pred)
    if (y_true.ndim == 2 and len(y_true) > 1 and (y_true[0] == 1).all()
            and (y_pred[0] == 1).all()):
        raise ValueError(
            f"{name}: y_true and y_pred of shape {y_true.shape} both have "
            "a row 0 of ones: augmented arrays (n + 1, m)? Their bias row "
            "would count as perfectly predicted; pass mfnet.strip(Y) and "
            "mfnet.strip(output), samples as rows")
    return y_true, y_pred


def _labels(name: str, y_true, y_pred) -> tuple[np.ndarray, np.ndarray]:
    """Both arrays as 1-D whole-number labels, or a ValueError that says how
    to get labels from network outputs."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    for what, y in (("y_true", y_true), ("y_pred", y_pred)):
        if y.ndim != 1:
            raise ValueError(
                f"{name}: {what} must be class labels of shape (m,), got "
                f"shape {y.shape}; turn network outputs into labels with "
                "mfnet.labels(output) or mfnet.predict_labels(model, X)")
        if y.dtype.kind not in "iub" and not (
                y.dtype.kind == "f" and np.all(y == np.round(y))):
            raise ValueError(
                f"{name}: {what} must hold whole-number class labels, got "
                f"values such as {y[y != np.round(y)][:1]} (probabilities "
                "or scores?); threshold them with mfnet.labels(out, "
                "threshold=...) first")
    return _pair(y_true, y_pred)


def accuracy(y_true, y_pred) -> float:
    """Fraction of samples whose predicted class is the true class.

    Parameters
    ----------
    y_true, y_pred : array_like
        Class labels of shape (m,), whole numbers.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        For arrays that are not 1-D labels of equal length (the message says
        how to get labels from network outputs).
    """
    y_true, y_pred = _labels("accuracy", y_true, y_pred)
    return float(np.mean(y_true == y_pred))


def confusion_matrix(y_true, y_pred,
                     n_classes: int | None = None) -> np.ndarray:
    """C[i, j] = the number of samples of true class i predicted as class j.

    Parameters
    ----------
    y_true, y_pred : array_like
        Class labels of shape (m,).
    n_classes : int, optional
        n; by default the largest label + 1.

    Returns
    -------
    numpy.ndarray
        Shape (n, n), int64.

    Raises
    ------
    ValueError
        For arrays that are not 1-D labels of equal length, or labels
        outside 0, ..., n - 1.
    """
    y_true, y_pred = _labels("confusion_matrix", y_true, y_pred)
    y_true, y_pred = y_true.astype(np.int64), y_pred.astype(np.int64)
    hi = int(max(y_true.max(), y_pred.max()))
    k = hi + 1 if n_classes is None else n_classes
    if min(y_true.min(), y_pred.min()) < 0 or hi >= k:
        raise ValueError(f"confusion_matrix: labels must lie in 0..{k - 1}")
    C = np.zeros((k, k), dtype=np.int64)
    np.add.at(C, (y_true, y_pred), 1)
    return C


def precision_recall_f1(y_true, y_pred, average: str = "macro",
                        n_classes: int | None = None
                        ) -> tuple[float, float, float]:
    """Precision, recall and F1 over the one-vs-rest problems, one per class.

    Parameters
    ----------
    y_true, y_pred : array_like
        Class labels of shape (m,).
    average : {"macro", "micro"}, optional
        "micro" pools the true and false positives and false negatives of all
        classes (for single-label data all three then equal the accuracy);
        "macro" (the default) averages the per-class values (a class never
        predicted has precision 0).
    n_classes : int, optional
        By default the largest label + 1.

    Returns
    -------
    tuple of float
        (precision, recall, f1).

    Raises
    ------
    ValueError
        For an unknown ``average`` or arrays that are not labels.
    """
    C = confusion_matrix(y_true, y_pred, n_classes)
    tp = np.diag(C).astype(np.float64)
    fp = C.sum(axis=0) - tp
    fn = C.sum(axis=1) - tp
    if average == "micro":
        p = tp.sum() / (tp.sum() + fp.sum())
        r = tp.sum() / (tp.sum() + fn.sum())
        f = 2 * p * r / (p + r) if p + r > 0 else 0.0
        return float(p), float(r), float(f)
    if average != "macro":
        raise ValueError("precision_recall_f1: average must be 'micro' or "
                         f"'macro', got {average!r}")
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(tp + fp > 0, tp / (tp + fp), 0.0)
        r = np.where(tp + fn > 0, tp / (tp + fn), 0.0)
        f = np.where(p + r > 0, 2 * p * r / (p + r), 0.0)
    return float(p.mean()), float(r.mean()), float(f.mean())


def one_vs_rest_accuracy(y_true, y_pred,
                         n_classes: int | None = None) -> float:
    """(TP + TN) / (TP + TN + FP + FN) pooled over the n one-vs-rest problems.

    Parameters
    ----------
    y_true, y_pred : array_like
        Class labels of shape (m,).
    n_classes : int, optional
        n; by default the largest label + 1.

    Returns
    -------
    float
        Equal to 1 - 2 (1 - accuracy) / n: with ten classes it looks high
        even for a poor classifier (chapter 12,
        ``book/12_classification_mnist.ipynb``).
    """
    C = confusion_matrix(y_true, y_pred, n_classes)
    k, m = C.shape[0], C.sum()
    tp = np.trace(C)
    wrong = m - tp
    tn = m * k - tp - 2 * wrong
    return float((tp + tn) / (m * k))


def mse(y_true, y_pred) -> float:
    """Mean of the squared errors over all entries (PyTorch's MSELoss).

    Parameters
    ----------
    y_true, y_pred : array_like
        Arrays of equal shape, samples as rows (not augmented: the
        bias row would count as perfectly predicted).

    Returns
    -------
    float

    Raises
    ------
    ValueError
        For arrays of different shapes, or augmented arrays.
    """
    y_true, y_pred = _values("mse", y_true, y_pred)
    return float(np.mean((np.asarray(y_pred, float) - y_true) ** 2))


def rmse(y_true, y_pred) -> float:
    """Square root of `mse`, in the units of the target.

    Parameters
    ----------
    y_true, y_pred : array_like
        Arrays of equal shape, samples as rows (not augmented: the
        bias row would count as perfectly predicted).

    Returns
    -------
    float

    Raises
    ------
    ValueError
        For arrays of different shapes, or augmented arrays.
    """
    y_true, y_pred = _values("rmse", y_true, y_pred)
    return float(np.sqrt(mse(y_true, y_pred)))


def r2(y_true, y_pred) -> float:
    """Coefficient of determination 1 - SS_res / SS_tot over all entries.

    Parameters
    ----------
    y_true, y_pred : array_like
        Arrays of equal shape, samples as rows.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If y_true is constant (R^2 is then undefined).
    """
    y_true, y_pred = _values("r2", y_true, y_pred)
    y_true = np.asarray(y_true, dtype=np.float64)
    ss_res = np.sum((y_true - y_pred) ** 2)
    ss_tot = np.sum((y_true - y_true.mean()) ** 2)
    if ss_tot == 0:
        raise ValueError("r2: y_true is constant, so R^2 is undefined (it "
                         "divides by the variance of y_true)")
    return float(1.0 - ss_res / ss_tot)
