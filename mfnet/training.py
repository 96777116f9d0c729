"""Training loop, prediction and evaluation (``book/09_training.ipynb``)."""
from __future__ import annotations

import math
import sys
import time
from dataclasses import dataclass, field
from typing import Callable, Iterator

import numpy as np

from .activations import Identity, Sigmoid, Softmax, sigmoid, softmax
from .checks import whole_number
from .guards import (callback_checked, check_layout, check_loss,
                     check_parts, finite_data, flag, guarded, metric_dict,
                     stops)
from .init import make_rng
from .linear import Linear
from .losses import (BinaryCrossEntropy, CrossEntropy, Loss,
                     SoftmaxCrossEntropy, targets_from_1d)
from .tensor import as_tensor, augment, bias_row_checked, labels

__all__ = ["History", "batches", "fit", "predict", "evaluate", "prepare",
           "predict_proba", "predict_labels"]


@dataclass
class History:
    """What `fit` records: one float per epoch in every list.

    Derived in chapter 9 (``book/09_training.ipynb``); ``train_loss`` and
    ``lr`` in chapter 10 (``book/10_generalisation.ipynb``).

    Attributes
    ----------
    loss : list of float
        The running training loss: the mean over the epoch's batches
        (weighted by batch size) of each batch's loss measured before the
        update that batch makes, as Keras reports it. The weights change
        during the epoch, so this is the loss of no one set of weights; it
        lags behind, most in early epochs and with small batches. Compare
        optimisers with ``train_loss``.
    train_loss : list of float
        The loss of the weights after each epoch on the whole training
        data; filled only by ``fit(..., evaluate_train=True)`` (one more
        forward pass per epoch), else empty.
    metrics : dict of str to list of float
        The metric functions given to fit, on the whole training data
        after each epoch.
    val_loss : list of float
        The loss of the weights after each epoch on the validation data (if
        fit has ``validation=``).
    val_metrics : dict of str to list of float
        The metrics on the validation data.
    lr : list of float
        The optimiser's learning rate during each epoch (set by fit's
        ``schedule``, if any).
    seconds : list of float
        Time since fit started, at the end of each epoch.

    Notes
    -----
    The losses are the loss function's values only: an optimiser's
    ``weight_decay`` is not part of them.
    """

    loss: list[float] = field(default_factory=list)
    metrics: dict[str, list[float]] = field(default_factory=dict)
    val_loss: list[float] = field(default_factory=list)
    val_metrics: dict[str, list[float]] = field(default_factory=dict)
    seconds: list[float] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)


def batches(m: int, batch_size: int, rng: np.random.Generator,
            shuffle: bool = True) -> Iterator[np.ndarray]:
    """Column indices of one epoch's mini-batches, shuffled or in order.

    A fresh permutation of range(m) (or range(m) itself), cut in order.
    `fit` makes one Generator from its seed and calls this once per epoch
    with it; doing the same (``gen = np.random.default_rng(seed)``, then
    one call per epoch) reproduces fit's batch order, e.g. to train
    PyTorch alike.

    Parameters
    ----------
    m, batch_size : int
        Samples and samples per batch; the last batch is smaller when
        batch_size does not divide m.
    rng : numpy.random.Generator
        Made once and reused every epoch.
    shuffle : bool, optional
        False yields 0 .. batch_size - 1 first, in the data's own order.

    Yields
    ------
    numpy.ndarray
        int64, shape (batch_size,) or smaller.
    """
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            "batches: rng must be a numpy Generator, made once and reused "
            f"every epoch (np.random.default_rng(seed)); got {rng!r}")
    batch_size = whole_number(batch_size, "batches: batch_size")
    order = rng.permutation(m) if shuffle else np.arange(m)
    for start in range(0, m, batch_size):
        yield order[start:start + batch_size]


def _output_rows(model) -> int | None:
    layers = getattr(model, "linear_layers", None)
    if layers is None and isinstance(model, Linear):
        layers = [model]
    return layers[-1].out_features + 1 if layers else None


def prepare(model, X, Y=None, loss: Loss | None = None, name: str = "",
            finite: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
    """Check and convert data once: X to float64 (n_0 + 1, m) with a bias
    row of ones; Y to float64 (n_L + 1, m), the model's output shape.

    1-D targets Y of shape (m,) are read as ``loss.targets`` says (class
    labels, 0/1 labels, or the values of a one-output regression); without
    a loss, as class labels. ``name`` prefixes the messages (e.g.
    "validation "). Raises ValueError saying what to do when shapes, the
    bias row, labels or values (NaN, infinity; unless ``finite`` is False)
    are wrong.
    """
    X = bias_row_checked(as_tensor(X, f"{name}X", finite), f"{name}X", False)
    check_layout(model, X, Y, loss, name)
    if Y is None:
        return X, None
    if np.ndim(Y) == 1:
        rows = _output_rows(model)
        if rows is None:
            raise ValueError(f"{name}Y: 1-D targets need a model with a "
                             "Linear layer that gives the output count")
        kind = getattr(loss, "targets", "labels")
        if len(Y) != X.shape[1]:
            what = "targets" if kind == "values" else "labels"
            raise ValueError(f"{name}Y: {len(Y)} {what} for {X.shape[1]} "
                             f"samples in {name}X")
        label = f"{name}Y ({type(loss).__name__})" if loss else f"{name}Y"
        Y = targets_from_1d(label, kind, Y, (rows, X.shape[1]))
    Y = as_tensor(Y, f"{name}Y", finite)
    if Y.shape[1] != X.shape[1]:
        raise ValueError(f"{name}Y: shape {Y.shape} has {Y.shape[1]} "
                         f"samples but {name}X (shape {X.shape}) has "
                         f"{X.shape[1]}")
    return X, Y


def _last(model):
    return model.layers[-1] if hasattr(model, "layers") else model


def _check_pairing(model, loss) -> None:
    """Raise when the loss and the model's last layer do not fit together
    (a double softmax, or a cross-entropy on logits trains silently
    badly)."""
    last, name = _last(model), type(loss).__name__
    fused = isinstance(loss, (SoftmaxCrossEntropy, BinaryCrossEntropy))
    if fused and isinstance(last, (Softmax, Sigmoid)):
        raise ValueError(
            f"{name} applies the {type(last).__name__.lower()} itself, on "
            f"logits, but the model ends in {last!r}: build it without "
            "that output activation (mlp(..., output=None)), or use "
            "CrossEntropy on a Softmax output")
    if isinstance(loss, CrossEntropy) and not isinstance(last, Softmax):
        raise ValueError(
            f"CrossEntropy takes probabilities, but the model ends in "
            f"{last!r}: end it in Softmax (mlp(..., output='softmax')), or "
            "use SoftmaxCrossEntropy on the logits")


def _metric_pair(loss, out: np.ndarray, Y: np.ndarray):
    """What a metric f(y_true, y_pred) gets: labels (m,) for the
    classification losses, samples-as-rows values otherwise."""
    kind = getattr(loss, "targets", "values")
    if kind == "labels":
        return labels(Y), labels(out)
    if kind == "binary":
        return labels(Y, threshold=0.5), labels(out, threshold=0.0)
    if out.shape[0] == 2:
        return Y[1].copy(), out[1].copy()
    return Y[1:].T.copy(), out[1:].T.copy()


def _metrics(metrics, loss, out, Y, where: str) -> dict[str, float]:
    y_true, y_pred = _metric_pair(loss, out, Y)
    values = {}
    for name, metric in metrics.items():
        try:
            values[name] = float(metric(y_true, y_pred))
        except Exception as exc:
            raise type(exc)(
                f"fit: metric {name!r} failed on the {where} data when called "
                f"as f(y_true, y_pred) with arrays of shape {y_true.shape} "
                f"({'labels' if y_true.dtype.kind == 'i' else 'values'}), as "
                f"mfnet.accuracy and mfnet.rmse take them: {exc}"
            ) from exc
    return values


def _progress(epoch: int, epochs: int, history: History) -> str:
    parts = [f"epoch {epoch}/{epochs}", f"loss {history.loss[-1]:.4g}"]
    parts += [f"{k} {v[-1]:.4g}" for k, v in history.metrics.items()]
    if history.val_loss:
        parts.append(f"val_loss {history.val_loss[-1]:.4g}")
    parts += [f"val_{k} {v[-1]:.4g}" for k, v in history.val_metrics.items()]
    return "  ".join(parts) + f"  {history.seconds[-1]:.1f} s"


def _diverged(message: str, history: History) -> FloatingPointError:
    err = FloatingPointError(
        f"fit: {message}; training stopped. Lower the learning rate, "
        "standardise the inputs, or check the data for extreme values. "
        "The History of the completed epochs is err.history.")
    err.history = history
    return err


@np.errstate(under="ignore")  # tiny gradients may underflow to 0: harmless
@guarded  # clear messages for Keras habits; a failed call changes nothing
def fit(model, loss: Loss, optimizer, X, Y, *, epochs: int,
        batch_size: int = 32, rng: np.random.Generator | int | None = 0,
        shuffle: bool = True, validation: tuple | None = None,
        metrics: dict[str, Callable] | None = None,
        callback: Callable[[int, History], bool | None] | None = None,
        verbose: bool | int = False, schedule=None,
        evaluate_train: bool = False) -> History:
    """Mini-batch gradient descent: per batch forward, loss, backward, step.

    Parameters
    ----------
    model : Sequential
    loss : Loss
        An instance, e.g. ``mfnet.SoftmaxCrossEntropy()``.
    optimizer : SGD or Adam
        Built from this model, e.g. ``mfnet.SGD(model, lr=0.1)``.
    X : array_like
        (n_0 + 1, m) inputs with the bias row.
    Y : array_like
        (n_L + 1, m) targets, or (m,) targets read as the loss says (class
        labels for the cross-entropies, 0/1 labels for
        BinaryCrossEntropy, values of a one-output network for MSE).
    epochs, batch_size : int
        At least 1; a batch_size above m gives one batch of all samples.
    rng : int, numpy.random.Generator or None, optional
        Seed (default 0, as in `mfnet.mlp`) or Generator for the batch
        order, reshuffled every epoch.
    shuffle : bool, optional
        False takes the batches in the data's own order (columns 0 ..
        batch_size - 1 first) every epoch, as Keras's ``shuffle=False``;
        rng is then not used.
    validation : tuple, optional
        (X_val, Y_val), evaluated after each epoch.
    metrics : dict, optional
        {name: f(y_true, y_pred)}, called after each epoch on the training
        data (History.metrics) and on the validation data
        (History.val_metrics) with labels (m,) for the classification
        losses (so ``{"acc": mfnet.accuracy}`` works) and samples-as-rows
        values (m,) or (m, n) for MSE (``{"rmse": mfnet.rmse}``).
    callback : callable, optional
        f(epoch, history) after each epoch; returning False (or numpy's
        ``np.False_``) stops training there (early stopping), None or
        True goes on. If it has a method ``on_fit_end(history)`` (as
        `mfnet.EarlyStopping`, which restores the best weights), fit
        calls it once training ends.
    verbose : bool or int, optional
        True prints one line per epoch (loss, metrics, elapsed time),
        overwritten in place on a terminal and in Jupyter; an int k
        prints every k-th epoch.
    schedule : StepLR or CosineAnnealingLR, optional
        A learning-rate schedule of this optimizer; fit calls its
        ``step()`` after each epoch. History.lr records the rate of every
        epoch in any case (chapter 10, ``book/10_generalisation.ipynb``).
    evaluate_train : bool, optional
        True also records History.train_loss, the loss of the weights
        after each epoch on the whole training data (one forward pass
        more per epoch, shared with the metrics).

    Returns
    -------
    History

    Raises
    ------
    FloatingPointError
        When the loss becomes NaN or infinite (naming the epoch and the
        batch, before any step is taken with it) or the weights do after
        an epoch; its ``history`` attribute holds the History of the
        completed epochs, and the model stays as trained so far.
    ValueError
        For bad data: NaN or infinity, shapes, labels out of range. Like
        every other error of fit it restores the weights and the
        optimiser's state of before the call.
    TypeError
        For arguments of the wrong kind, with what to write instead for
        Keras's habits (``loss="mse"``, ``metrics=["accuracy"]``, the
        order ``fit(X, y)``, ``validation_data=``).
    """
    epochs = whole_number(epochs, "fit: epochs")
    batch_size = whole_number(batch_size, "fit: batch_size")
    every = whole_number(int(verbose), "fit: verbose", 0)
    shuffle = flag(shuffle, "fit: shuffle")
    metrics = metric_dict(metrics)
    callback = callback_checked(callback)
    layers = check_parts(model, loss, optimizer)
    # X is searched for NaN or infinity only if the loss or the weights
    # become non-finite (a pass over X costs about a tenth of an epoch of
    # a small network, measured); the failed call then restores the model
    # (see `guarded`).
    X, Y = prepare(model, X, Y, loss, finite=False)
    finite_data(Y=Y)
    _check_pairing(model, loss)
    # Each sample contiguous (column-major; no copy when X already is, as
    # mfnet.augment returns it): a mini-batch X[:, idx] copies whole columns.
    X, Y = np.asfortranarray(X), np.asfortranarray(Y)
    if validation is not None:
        if not isinstance(validation, (tuple, list)) or len(validation) != 2:
            raise TypeError("fit: validation must be a pair (X_val, Y_val)")
        Xv, Yv = prepare(model, *validation, loss, name="validation ")
    if schedule is not None and getattr(schedule, "optimizer",
                                        None) is not optimizer:
        raise ValueError("fit: the schedule sets the learning rate of "
                         "another optimizer; build it from this one, e.g. "
                         "mfnet.StepLR(optimizer, step_size=...)")
    gen = make_rng(rng, "fit: rng")
    m = X.shape[1]
    history = History()
    # overwrite the line on a terminal and in Jupyter (ipykernel's stream)
    in_place = every and (sys.stdout.isatty() or type(
        sys.stdout).__module__.startswith("ipykernel"))
    start = time.perf_counter()
    forward = getattr(model, "_run", model.forward)  # X is checked already
    for epoch in range(1, epochs + 1):
        total = 0.0
        history.lr.append(float(getattr(optimizer, "lr", math.nan)))
        for b, idx in enumerate(batches(m, batch_size, gen, shuffle),
                                start=1):
            J = loss.forward(forward(X[:, idx]), Y[:, idx])
            if not math.isfinite(J):
                finite_data(X=X)  # bad data, or else divergence:
                raise _diverged(f"the loss became {J} at epoch {epoch}, "
                                f"batch {b}", history)
            model.backward(loss.backward(), input_grad=False)
            optimizer.step()
            total += J * len(idx)
        if not all(np.isfinite(layer._W).all() for layer in layers):
            finite_data(X=X)
            raise _diverged(f"the weights became NaN or infinite in epoch "
                            f"{epoch}", history)
        history.loss.append(total / m)
        if metrics or evaluate_train:
            out = model.forward(X)
            if evaluate_train:
                history.train_loss.append(loss.forward(out, Y))
            found = _metrics(metrics, loss, out, Y, "training") \
                if metrics else {}
            for k, v in found.items():
                history.metrics.setdefault(k, []).append(v)
        if validation is not None:
            out = model.forward(Xv)
            history.val_loss.append(loss.forward(out, Yv))
            if metrics:
                found = _metrics(metrics, loss, out, Yv, "validation")
                for k, v in found.items():
                    history.val_metrics.setdefault(k, []).append(v)
        history.seconds.append(time.perf_counter() - start)
        if schedule is not None:
            schedule.step()
        stop = callback is not None and stops(callback(epoch, history))
        if every and (epoch % every == 0 or epoch == epochs or stop):
            line = _progress(epoch, epochs, history)
            print("\r" + line.ljust(79) if in_place else line, end="",
                  flush=True)
            print("" if in_place and epoch < epochs and not stop else "\n",
                  end="")
        if stop:
            break
    end = getattr(callback, "on_fit_end", None)
    if end is not None:
        end(history)
    return history


def predict(model, X) -> np.ndarray:
    """The model's output for augmented inputs (samples as columns).

    Parameters
    ----------
    model : Sequential
        The network.
    X : array_like
        Inputs with the bias row, shape (n_0 + 1, m).

    Returns
    -------
    numpy.ndarray
        Shape (n_L + 1, m).

    Raises
    ------
    ValueError
        For inputs whose row 0 is not the bias row, naming a transposed or
        twice-augmented X.
    """
    X, _ = prepare(model, X)
    return model.forward(X)


def evaluate(model, loss: Loss, X, Y) -> float:
    """The loss of the model on (X, Y), as a float.

    Parameters
    ----------
    model : Sequential
    loss : Loss
    X, Y : array_like
        Inputs (n_0 + 1, m) and targets, as in `fit`.

    Returns
    -------
    float

    Raises
    ------
    TypeError
        For a loss given by name or in the wrong place (the order is
        evaluate(model, loss, X, Y)).
    ValueError
        For bad data, as `fit`.
    """
    check_loss(loss, "evaluate", "; the order is evaluate(model, loss, X, "
               "Y)")
    X, Y = prepare(model, X, Y, loss)
    _check_pairing(model, loss)
    return loss.forward(model.forward(X), Y)


def _rows_output(model, X, caller: str) -> np.ndarray:
    """Forward pass on samples-as-rows X (m, n_0): returns (n_L + 1, m)."""
    n0 = (getattr(model, "linear_layers", None) or [model])[0].in_features
    X = np.asarray(X, dtype=np.float64)
    if X.ndim == 1 and n0 == 1:
        X = X[:, None]
    if X.ndim != 2 or X.shape[1] != n0:
        hint = ""
        if X.ndim == 2 and X.shape[0] == n0 + 1 and (X[0] == 1).all():
            hint = (" It looks augmented (bias row 0, samples as columns): "
                    "use mfnet.predict(model, A) for that")
        elif X.ndim == 2 and X.shape[1] == n0 + 1 and (X[:, 0] == 1).all():
            hint = (" Its column 0 is all ones (augmented, then "
                    "transposed?): pass the samples-as-rows data itself")
        raise ValueError(f"{caller}: expected samples as rows, X of shape "
                         f"(m, {n0}), got shape {X.shape}.{hint}")
    out = model.forward(augment(X))
    last = _last(model)
    if not isinstance(last, (Linear, Identity, Sigmoid, Softmax)):
        raise ValueError(f"{caller}: the model ends in {last!r}; class "
                         "probabilities need logits (a Linear last layer), "
                         "a Sigmoid or a Softmax output")
    return out


def predict_proba(model, X) -> np.ndarray:
    """Class probabilities for samples-as-rows data.

    Parameters
    ----------
    model : Sequential
        A classifier: its output is a Softmax or Sigmoid, or logits for
        `SoftmaxCrossEntropy` or `BinaryCrossEntropy`.
    X : array_like
        Shape (m, n_0), samples as rows (not augmented).

    Returns
    -------
    numpy.ndarray
        Shape (m, n_classes), rows summing to 1: the softmax output, or the
        softmax of the logits; for one output [1 - p, p] with p the sigmoid
        of the output.

    Raises
    ------
    ValueError
        For X of the wrong shape, naming an augmented or transposed X.
    """
    out = _rows_output(model, X, "predict_proba")
    last = _last(model)
    if out.shape[0] == 2:
        p = out[1] if isinstance(last, Sigmoid) else sigmoid(out[1])
        return np.column_stack([1.0 - p, p])
    P = out[1:] if isinstance(last, Softmax) else softmax(out[1:])
    return np.ascontiguousarray(P.T)


def predict_labels(model, X) -> np.ndarray:
    """Predicted classes for samples-as-rows data.

    Parameters
    ----------
    model : Sequential
        A classifier, as for `predict_proba`.
    X : array_like
        Shape (m, n_0), samples as rows (not augmented).

    Returns
    -------
    numpy.ndarray
        Shape (m,), int64: the argmax of the outputs; for one output, 1
        where the sigmoid output exceeds 0.5 or the logit exceeds 0.

    Raises
    ------
    ValueError
        For X of the wrong shape, naming an augmented or transposed X.
    """
    out = _rows_output(model, X, "predict_labels")
    if out.shape[0] == 2:
        return labels(out, 0.5 if isinstance(_last(model), Sigmoid) else 0.0)
    return labels(out)
