"""Training loop, prediction and evaluation (``book/09_training.ipynb``)."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Iterator

import numpy as np

from .init import make_rng
from .losses import Loss
from .tensor import as_tensor, one_hot

__all__ = ["History", "batches", "fit", "predict", "evaluate", "prepare"]


@dataclass
class History:
    """What :func:`fit` records, one entry per epoch.

    loss : mean training loss over the epoch's batches (weighted by batch size).
    val_loss : loss on the validation data after the epoch (if given).
    val_metrics : {name: [value per epoch]} for the metric functions passed to fit.
    Every list has one float per epoch. Used in ``book/09_training.ipynb``.
    """

    loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_metrics: dict[str, list[float]] = field(default_factory=dict)


def batches(m: int, batch_size: int, rng: np.random.Generator) -> Iterator[np.ndarray]:
    """Column indices of one epoch's mini-batches: a fresh permutation of range(m), cut in order.

    The last batch is smaller when batch_size does not divide m. :func:`fit`
    makes one Generator from its seed and calls this once per epoch with it;
    doing the same (``gen = np.random.default_rng(seed)``, then one call per
    epoch) reproduces fit's batch order, e.g. to train PyTorch alike.
    """
    if not isinstance(rng, np.random.Generator):
        raise TypeError("batches: rng must be a numpy Generator, made once and reused every epoch "
                        f"(np.random.default_rng(seed)); got {rng!r}")
    order = rng.permutation(m)
    for start in range(0, m, batch_size):
        yield order[start:start + batch_size]


def prepare(model, X, Y=None) -> tuple[np.ndarray, np.ndarray | None]:
    """Check and convert data once: X to float64 (n_0 + 1, m) with a bias row of ones;
    Y to float64 of the model's output shape (class labels become one-hot columns).
    Raises ValueError with what to do when shapes, the bias row, labels or values are wrong."""
    X = as_tensor(X, "X")
    if not np.all(X[0] == 1.0):
        raise ValueError(f"X: row 0 must be the bias feature (all ones); got shape {X.shape}. "
                         "Samples-as-rows data of shape (m, n) becomes mfnet's layout with mfnet.augment(X)")
    if Y is None:
        return X, None
    Y = np.asarray(Y)
    if Y.ndim == 1:
        first = model.linear_layers[-1] if hasattr(model, "linear_layers") else None
        if first is None:
            raise ValueError("Y: class labels need a model whose last Linear layer gives the class count")
        if Y.shape[0] != X.shape[1]:
            raise ValueError(f"Y: {Y.shape[0]} labels for {X.shape[1]} samples in X")
        Y = one_hot(Y, first.out_features)
    Y = as_tensor(Y, "Y")
    if Y.shape[1] != X.shape[1]:
        raise ValueError(f"Y: shape {Y.shape} has {Y.shape[1]} samples but X (shape {X.shape}) has {X.shape[1]}")
    return X, Y


def fit(model, loss: Loss, optimizer, X, Y, *, epochs: int, batch_size: int = 32,
        rng: np.random.Generator | int | None = 0, validation: tuple | None = None,
        metrics: dict[str, Callable[[np.ndarray, np.ndarray], float]] | None = None,
        callback: Callable[[int, History], None] | None = None) -> History:
    """Mini-batch gradient descent: for each epoch, for each batch, forward, loss, backward, step.

    X : (n_0 + 1, m) inputs with the bias row; Y : (n_L + 1, m) targets, or
        (m,) class labels for the cross-entropy losses.
    rng : seed or Generator for the batch order (reshuffled every epoch).
    validation : optional (X_val, Y_val), evaluated after each epoch.
    metrics : optional {name: f(model_output, Y_val)} evaluated on the validation data.
    callback : optional f(epoch, history) called after each epoch.

    A loss that becomes NaN or infinite stops training with a FloatingPointError
    that names the epoch and the batch: mfnet never trains on NaN silently.
    """
    if epochs < 1 or batch_size < 1:
        raise ValueError(f"fit: epochs and batch_size must be at least 1, got {epochs} and {batch_size}")
    X, Y = prepare(model, X, Y)
    # Store every sample contiguously (column-major order; no copy when X already is,
    # as mfnet.augment returns it), so that each mini-batch X[:, idx] copies whole columns.
    X, Y = np.asfortranarray(X), np.asfortranarray(Y)
    if validation is not None:
        Xv, Yv = prepare(model, *validation)
    gen = make_rng(rng)
    m = X.shape[1]
    history = History()
    for epoch in range(1, epochs + 1):
        total = 0.0
        for b, idx in enumerate(batches(m, batch_size, gen), start=1):
            J = loss.forward(model.forward(X[:, idx]), Y[:, idx])
            if not math.isfinite(J):
                raise FloatingPointError(
                    f"fit: the loss became {J} at epoch {epoch}, batch {b}; training stopped. "
                    "Lower the learning rate, standardise the inputs, or check the data for extreme values.")
            model.backward(loss.backward(), input_grad=False)
            optimizer.step()
            total += J * len(idx)
        history.loss.append(total / m)
        if validation is not None:
            out = model.forward(Xv)
            history.val_loss.append(loss.forward(out, Yv))
            for name, metric in (metrics or {}).items():
                history.val_metrics.setdefault(name, []).append(float(metric(out, Yv)))
        if callback is not None:
            callback(epoch, history)
    return history


def predict(model, X) -> np.ndarray:
    """The model's output for X (n_0 + 1, m): shape (n_L + 1, m)."""
    X, _ = prepare(model, X)
    return model.forward(X)


def evaluate(model, loss: Loss, X, Y) -> float:
    """The loss of the model on (X, Y), as a float."""
    X, Y = prepare(model, X, Y)
    return loss.forward(model.forward(X), Y)
