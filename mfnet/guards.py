"""The checks `mfnet.fit` makes of its arguments, kept out of its body
(``book/09_training.ipynb`` shows fit itself).

Each message names the argument, what it got and what to write instead,
for the habits a student brings from Keras, PyTorch and scikit-learn: a
loss, an optimiser or metrics given by name, loss and optimiser swapped,
Keras's argument order ``fit(X, y)``, Keras's keyword names. The decorator
`guarded` also restores the model and the optimiser when fit raises, so a
failed call changes nothing.
"""
from __future__ import annotations

import functools
import inspect
import math

import numpy as np

from .linear import Linear
from .losses import Loss

__all__ = ["guarded", "check_loss", "check_parts", "check_layout",
           "metric_dict", "stops", "flag", "callback_checked",
           "finite_data"]

_LOSS_NAMES = {
    "categorical_crossentropy": "mfnet.SoftmaxCrossEntropy() on a model "
    "ending in Linear (Keras's from_logits=True), or mfnet.CrossEntropy() "
    "on one ending in Softmax",
    "binary_crossentropy": "mfnet.BinaryCrossEntropy() on a model with one "
    "output and no Sigmoid after it",
    "mse": "mfnet.MSE() (it halves the squared error: J = sum of squares "
    "/ (2 m))",
}
_LOSS_NAMES["sparse_categorical_crossentropy"] = \
    _LOSS_NAMES["crossentropy"] = _LOSS_NAMES["cross_entropy"] = \
    _LOSS_NAMES["categorical_crossentropy"]
_LOSS_NAMES["mean_squared_error"] = _LOSS_NAMES["mse"]

_METRIC_NAMES = {"accuracy": "accuracy", "acc": "accuracy",
                 "categorical_accuracy": "accuracy",
                 "sparse_categorical_accuracy": "accuracy",
                 "binary_accuracy": "accuracy", "mse": "mse",
                 "mean_squared_error": "mse", "rmse": "rmse",
                 "root_mean_squared_error": "rmse", "r2": "r2"}

_KEYWORDS = {  # Keras's (and scikit-learn's) names for fit's arguments
    "validation_data": "validation=(X_val, Y_val)",
    "callbacks": "callback=f(epoch, history) (one function; return False "
                 "to stop)",
    "nb_epoch": "epochs=...", "n_epochs": "epochs=...",
    "max_iter": "epochs=...", "epoch": "epochs=...",
    "lr": "the learning rate on the optimiser: mfnet.SGD(model, lr=...)",
    "learning_rate": "the learning rate on the optimiser: "
                     "mfnet.SGD(model, lr=...)",
    "validation_split": "split the data first "
                        "(mfnet.preprocessing.train_test_split) and pass "
                        "validation=(X_val, Y_val)",
    "x": "X=... (capital X)", "y": "Y=... (capital Y)",
    "seed": "rng=... (a seed or a numpy Generator)",
    "random_state": "rng=... (a seed or a numpy Generator)",
    "batch": "batch_size=...",
}

_ORDER = ("fit(model, loss, optimizer, X, Y, epochs=...), e.g. "
          "mfnet.fit(model, mfnet.SoftmaxCrossEntropy(), mfnet.SGD(model, "
          "lr=0.1), X, y, epochs=10)")


def _explain_call(exc: TypeError, params, args, kwargs) -> str:
    """What a call that does not bind to fit's signature should say."""
    unknown = [k for k in kwargs if k not in params]
    if unknown:
        name = unknown[0]
        hint = _KEYWORDS.get(name)
        if hint:
            return f"fit: no argument {name}=; write {hint}"
        return (f"fit: no argument {name}=; the arguments are "
                f"{', '.join(params)}")
    if 1 < len(args) < 5 and isinstance(args[1], (np.ndarray, list)):
        return ("fit: this looks like Keras's order fit(X, y, ...); mfnet's "
                f"is {_ORDER}")
    return f"fit: {exc}; the call is {_ORDER}"


def _snapshot(model, optimizer):
    """Copies of every W of the model and of the optimiser's arrays and
    numbers, with a function that puts them back."""
    layers = [model] if isinstance(model, Linear) else list(
        getattr(model, "linear_layers", None) or [])
    weights = [(layer, layer._W.copy()) for layer in layers
               if isinstance(layer, Linear)]
    state = {}
    for key, value in getattr(optimizer, "__dict__", {}).items():
        if isinstance(value, np.ndarray):
            state[key] = value.copy()
        elif isinstance(value, (int, float, tuple)):
            state[key] = value
        elif isinstance(value, list) and all(
                v is None or isinstance(v, np.ndarray) for v in value):
            state[key] = [None if v is None else v.copy() for v in value]

    def restore() -> None:
        for layer, W in weights:
            layer._W[...] = W
        if state:
            optimizer.__dict__.update(state)
    return restore


def guarded(fit):
    """Decorator for `mfnet.fit`: explain a call that does not match its
    signature (Keras's argument order, Keras's keyword names), and restore
    the model's weights and the optimiser's state when fit raises.

    A FloatingPointError (training diverged; it carries the History) and
    KeyboardInterrupt leave the model as trained so far.
    """
    signature = inspect.signature(fit)
    params = list(signature.parameters)

    @functools.wraps(fit)
    def call(*args, **kwargs):
        try:
            bound = signature.bind(*args, **kwargs)
        except TypeError as exc:
            raise TypeError(_explain_call(exc, params, args,
                                          kwargs)) from None
        restore = _snapshot(bound.arguments.get("model"),
                            bound.arguments.get("optimizer"))
        try:
            return fit(*args, **kwargs)
        except FloatingPointError:
            raise
        except Exception:
            restore()  # a failed call leaves model and optimiser unchanged
            raise
    return call


def _is_optimizer(x) -> bool:
    return callable(getattr(x, "step", None))


def _is_loss(x) -> bool:
    """An mfnet Loss, or any object with forward and backward methods (a
    loss of one's own)."""
    return isinstance(x, Loss) or (
        not isinstance(x, type) and callable(getattr(x, "forward", None))
        and callable(getattr(x, "backward", None)))


def check_loss(loss, caller: str, order: str = "") -> None:
    """Raise a TypeError saying what to write when ``loss`` is a name (a
    string), a loss class instead of an instance, or no mfnet loss at all.

    Parameters
    ----------
    loss : object
        What the caller got as its loss.
    caller : str
        Starts the message, e.g. ``"fit"``.
    order : str, optional
        Ends the message about a wrong type (the caller's argument order).
    """
    if isinstance(loss, str):
        hint = _LOSS_NAMES.get(loss.lower(), "an mfnet loss object, e.g. "
                               "mfnet.SoftmaxCrossEntropy() or mfnet.MSE()")
        raise TypeError(f"{caller}: loss={loss!r} is a name; mfnet takes "
                        f"the loss itself: write {hint}")
    if isinstance(loss, type) and issubclass(loss, Loss):
        raise TypeError(f"{caller}: loss={loss.__name__} is the class; "
                        f"write mfnet.{loss.__name__}() (with parentheses)")
    if not _is_loss(loss):
        shape = f" of shape {np.shape(loss)}" if np.ndim(loss) else ""
        raise TypeError(f"{caller}: the loss (second argument) must be an "
                        f"mfnet loss such as mfnet.SoftmaxCrossEntropy(), "
                        f"got {type(loss).__name__}{shape}{order}")


def check_parts(model, loss, optimizer) -> list[Linear]:
    """Raise a TypeError or ValueError saying what to write when loss or
    optimizer is not what fit needs; return the model's Linear layers.

    Parameters
    ----------
    model : Sequential or Linear
    loss : Loss
        An instance such as ``mfnet.SoftmaxCrossEntropy()`` (or any object
        with forward and backward methods).
    optimizer : SGD or Adam
        Built from this model: ``mfnet.SGD(model, lr=...)`` (or any object
        with a step method).

    Raises
    ------
    TypeError
        For a name (Keras's ``"mse"``, ``"sgd"``), a class instead of an
        instance, loss and optimiser swapped, or an array in their place.
    ValueError
        When the optimiser updates the layers of another model.
    """
    if _is_optimizer(loss) and not _is_loss(loss) and _is_loss(optimizer):
        raise TypeError(
            f"fit: loss and optimizer are swapped (got the loss "
            f"{type(optimizer).__name__}() third and the optimiser "
            f"{type(loss).__name__} second); the order is {_ORDER}")
    check_loss(loss, "fit", f"; the order is {_ORDER}")
    if isinstance(optimizer, str):
        which = "Adam" if optimizer.lower() == "adam" else "SGD"
        raise TypeError(f"fit: optimizer={optimizer!r} is a name; mfnet "
                        f"takes the optimiser itself, built from the model: "
                        f"write mfnet.{which}(model, lr=...)")
    if isinstance(optimizer, type):
        raise TypeError(f"fit: optimizer={optimizer.__name__} is the class; "
                        f"write mfnet.{optimizer.__name__}(model, lr=...)")
    if not _is_optimizer(optimizer):
        raise TypeError(f"fit: the optimizer (third argument) must be an "
                        f"mfnet optimiser such as mfnet.SGD(model, lr=0.1), "
                        f"got {type(optimizer).__name__}; the order is "
                        f"{_ORDER}")
    layers = getattr(model, "linear_layers", [model])
    if [id(x) for x in getattr(optimizer, "layers", layers)] != \
            [id(x) for x in layers]:
        raise ValueError("fit: the optimizer updates the layers of another "
                         "model; build it from this one, e.g. "
                         "mfnet.SGD(model, lr=...)")
    return layers


def _dict_text(items) -> str:
    """The dict literal to write for metric names or functions."""
    parts = []
    for m in items:
        if isinstance(m, str):
            parts.append(f"{m!r}: mfnet.{_METRIC_NAMES[m]}")
        else:
            name = getattr(m, "__name__", "f")
            mfnet = getattr(m, "__module__", "").startswith("mfnet")
            parts.append(f"{name!r}: {'mfnet.' if mfnet else ''}{name}")
    return "{" + ", ".join(parts) + "}"


def metric_dict(metrics) -> dict:
    """``metrics`` as a dict {name: f(y_true, y_pred)}, or a TypeError
    that writes the dict to pass (for Keras's ``"accuracy"`` or
    ``["accuracy"]``, and for a list of functions).

    Parameters
    ----------
    metrics : dict or None

    Returns
    -------
    dict
        A new dict (empty for None).
    """
    if metrics is None:
        return {}
    if isinstance(metrics, (str, list, tuple, set)) or callable(metrics):
        items = [metrics] if isinstance(metrics, str) or callable(
            metrics) else list(metrics)
        known = all(isinstance(m, str) and m in _METRIC_NAMES
                    or callable(m) for m in items)
        example = (_dict_text(items) if known
                   else "{'accuracy': mfnet.accuracy}")
        raise TypeError(f"fit: metrics must be a dict {{name: f(y_true, "
                        f"y_pred)}}, got {metrics!r}; write "
                        f"metrics={example}")
    if not isinstance(metrics, dict):
        raise TypeError(f"fit: metrics must be a dict {{name: f(y_true, "
                        f"y_pred)}}, got {type(metrics).__name__}")
    for name, metric in metrics.items():
        if isinstance(metric, str) and metric in _METRIC_NAMES:
            raise TypeError(f"fit: metrics[{name!r}] is the name "
                            f"{metric!r}; write "
                            f"{{{name!r}: mfnet.{_METRIC_NAMES[metric]}}}")
        if not callable(metric):
            raise TypeError(f"fit: metrics[{name!r}] is {metric!r}, not a "
                            "function f(y_true, y_pred)")
    return dict(metrics)


def stops(value) -> bool:
    """Whether a callback's return value stops training: False (also
    numpy's ``np.False_``) stops, True and None go on; anything else is a
    TypeError."""
    if value is None:
        return False
    if isinstance(value, (bool, np.bool_)):
        return not value
    raise TypeError("fit: the callback returns None or True to go on, "
                    f"False to stop; it returned {value!r}")


def callback_checked(callback):
    """``callback`` itself when it is None or a function, else a
    TypeError."""
    if callback is not None and not callable(callback):
        raise TypeError(f"fit: callback must be a function f(epoch, "
                        f"history) or None, got {callback!r}")
    return callback


def flag(value, name: str) -> bool:
    """``value`` as a bool, or a TypeError naming ``name``."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def finite_data(**arrays) -> None:
    """Raise a ValueError naming the first array with a NaN or infinite
    entry, where that entry is and how many there are.

    Parameters
    ----------
    **arrays : numpy.ndarray
        2-D arrays by the name messages use, e.g. ``X=X, Y=Y``.
    """
    for name, data in arrays.items():
        with np.errstate(over="ignore", invalid="ignore"):
            total = float(np.sum(data))
        if math.isfinite(total):
            continue
        bad = ~np.isfinite(data)
        if not bad.any():
            continue  # the sum overflowed; every entry is finite
        row, col = (int(i) for i in np.argwhere(bad)[0])
        count = int(bad.sum())
        raise ValueError(
            f"{name}: contains NaN or infinity ({count} "
            f"{'entry' if count == 1 else 'entries'}, the first "
            f"{name}[{row}, {col}] = {data[row, col]}: row {row} of sample "
            f"{col}); clean or impute the data first. fit left the model "
            "unchanged.")


def check_layout(model, X: np.ndarray, Y, loss=None, name: str = "") -> None:
    """Raise a ValueError saying what happened when X does not have the
    rows the model takes (transposed, augmented twice), when 2-D targets
    Y hold samples as rows, or when BinaryCrossEntropy's targets leave
    [0, 1]; called by `mfnet.training.prepare` after its own checks.

    Parameters
    ----------
    model : Sequential or Linear
    X : numpy.ndarray
        (n_0 + 1, m), row 0 checked already.
    Y : numpy.ndarray or None
        Targets as given (1-D or 2-D).
    loss : Loss, optional
    name : str, optional
        Prefix of the messages, e.g. ``"validation "``.
    """
    first = (getattr(model, "layers", None) or [model])[0]
    if isinstance(first, Linear):  # a layer of one's own may reshape
        n0 = first.in_features
        if X.shape[0] != n0 + 1:
            hint = ""
            if X.shape[1] == n0 + 1 and (X[1:, 0] == 1).all():
                hint = (" It looks like mfnet.augment applied to data that "
                        "was augmented already: augment the samples-as-rows "
                        "data once.")
            elif X.shape[1] == n0 + 1:
                hint = (" It looks transposed (samples as rows): mfnet "
                        "keeps samples as columns.")
            raise ValueError(
                f"{name}X: the model takes {n0} features, so {name}X needs "
                f"shape ({n0 + 1}, m): the bias row and {n0} feature rows, "
                f"samples as columns; got shape {X.shape}.{hint}")
    if Y is None or np.ndim(Y) != 2:
        return
    m = X.shape[1]
    if np.shape(Y)[1] != m and np.shape(Y)[0] == m:
        raise ValueError(
            f"{name}Y: shape {np.shape(Y)} holds samples as rows, but mfnet "
            f"keeps them as columns ({name}X has {m}); pass class labels of "
            "shape (m,) or mfnet.augment(T) for targets T of shape (m, n)")
    if getattr(loss, "targets", None) == "binary" and len(Y) == 2:
        y = np.asarray(Y[1])
        if not ((y >= 0) & (y <= 1)).all():
            raise ValueError(f"{name}Y (BinaryCrossEntropy): targets must "
                             f"lie in [0, 1], got values from {y.min()} to "
                             f"{y.max()}")
