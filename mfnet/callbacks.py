"""Early stopping on the validation loss, keeping the best weights.

Derived in chapter 10 (``book/10_generalisation.ipynb``).
"""
from __future__ import annotations

import math

import numpy as np

from .checks import number_in, whole_number
from .linear import Linear

__all__ = ["EarlyStopping"]

_MONITORED = ("val_loss", "loss", "train_loss")


class EarlyStopping:
    """Stop when the monitored loss stops improving; keep the best weights.

    Derived in chapter 10 (``book/10_generalisation.ipynb``). Use it as fit's
    callback, ``fit(..., validation=(X_val, Y_val),
    callback=EarlyStopping(model, patience=10))``: called after every epoch
    as ``stopper(epoch, history)``, it returns False to stop, and fit calls
    its ``on_fit_end`` when training ends, which restores the best weights
    also when no stop happened. In a hand-written loop call
    ``stopper.update(epoch, val_loss)`` after each epoch (False: stop) and
    ``stopper.restore()`` after the loop.

    Parameters
    ----------
    model : Sequential
        The network being trained (or one Linear layer).
    patience : int, optional
        Epochs in a row without improvement before stopping, at least 1
        (default 10).
    min_delta : float, optional
        How much lower than the best a loss must be to count as an
        improvement, >= 0 (default 0).
    restore_best : bool, optional
        Copy the best weights back when stopping and at the end of fit
        (default True).
    monitor : {"val_loss", "train_loss", "loss"}, optional
        The History list to watch (default "val_loss").

    Attributes
    ----------
    best : float
        The lowest loss seen (inf before the first epoch).
    best_epoch : int
        The epoch of that loss, counted from 1 (0 before).
    stopped_epoch : int
        The epoch at which it returned False (0 if never).

    Raises
    ------
    TypeError, ValueError
        Naming the argument, for a model without Linear layers, a patience
        that is not a whole number >= 1, a negative or non-finite min_delta
        or an unknown monitor; when called, ValueError if the monitored list
        is empty (fit without ``validation=`` for "val_loss") or the loss is
        NaN.

    Notes
    -----
    An epoch improves when its loss is below ``best - min_delta``; its
    weights (copies of every W, shapes (out + 1, in + 1)) are kept.
    """

    def __init__(self, model, patience: int = 10, min_delta: float = 0.0,
                 restore_best: bool = True, monitor: str = "val_loss") -> None:
        if isinstance(model, Linear):
            layers = [model]
        else:
            layers = list(getattr(model, "linear_layers", []))
        if not layers:
            raise TypeError(f"EarlyStopping: model must be an mfnet model "
                            f"with Linear layers, got {model!r}")
        if monitor not in _MONITORED:
            raise ValueError(f"EarlyStopping: monitor must be one of "
                             f"{_MONITORED}, got {monitor!r}")
        self.layers = layers
        self.patience = whole_number(patience, "EarlyStopping: patience")
        self.min_delta = number_in(min_delta, "EarlyStopping: min_delta",
                                   0.0, low_closed=True)
        self.restore_best = bool(restore_best)
        self.monitor = monitor
        self.best = math.inf
        self.best_epoch = 0
        self.stopped_epoch = 0
        self.wait = 0
        self._best_W: list[np.ndarray] | None = None

    def update(self, epoch: int, value: float) -> bool:
        """Record the loss of epoch ``epoch``; return False to stop."""
        value = float(value)
        if math.isnan(value):
            raise ValueError(f"EarlyStopping: the {self.monitor} of epoch "
                             f"{epoch} is NaN")
        if value < self.best - self.min_delta:
            self.best, self.best_epoch, self.wait = value, epoch, 0
            self._best_W = [layer._W.copy() for layer in self.layers]
            return True
        self.wait += 1
        if self.wait < self.patience:
            return True
        self.stopped_epoch = epoch
        if self.restore_best:
            self.restore()
        return False

    def __call__(self, epoch: int, history) -> bool:
        values = getattr(history, self.monitor)
        if not values:
            hint = (" (pass validation=(X_val, Y_val) to fit)"
                    if self.monitor == "val_loss" else
                    " (pass evaluate_train=True to fit)"
                    if self.monitor == "train_loss" else "")
            raise ValueError(f"EarlyStopping: history.{self.monitor} is "
                             f"empty{hint}")
        return self.update(epoch, values[-1])

    def restore(self) -> None:
        """Copy the weights of the best epoch back into the model (does
        nothing before the first epoch)."""
        if self._best_W is None:
            return
        for layer, W in zip(self.layers, self._best_W):
            layer._W[...] = W

    def on_fit_end(self, history) -> None:
        """Called by ``fit`` after the last epoch: restore the best
        weights (if ``restore_best``)."""
        if self.restore_best:
            self.restore()
