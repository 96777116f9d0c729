"""Save and load a model's weights as a plain ``.npz`` archive (no pickle)."""
from __future__ import annotations

import os

import numpy as np

__all__ = ["save_weights", "load_weights"]


def save_weights(model, path: str | os.PathLike) -> None:
    """Write W of every Linear layer, in order, as arrays W0, W1, ... to ``path`` (.npz;
    like :func:`numpy.savez`, ``.npz`` is appended to a file name that lacks it)."""
    np.savez(path, **{f"W{i}": layer.W for i, layer in enumerate(model.linear_layers)})


def load_weights(model, path: str | os.PathLike) -> None:
    """Set every Linear layer's W from an archive written by :func:`save_weights`.

    ``path`` may omit the ``.npz`` that :func:`numpy.savez` (hence :func:`save_weights`)
    appends. Raises ValueError if the number of layers or any shape differs; the
    model is then left unchanged."""
    if isinstance(path, (str, os.PathLike)):
        name = os.fspath(path)
        if not os.path.exists(name) and os.path.exists(name + ".npz"):
            path = name + ".npz"
    with np.load(path, allow_pickle=False) as data:
        layers = model.linear_layers
        if len(data.files) != len(layers):
            raise ValueError(f"load_weights: {path} holds {len(data.files)} weight matrices, "
                             f"the model has {len(layers)} Linear layers")
        arrays = [data[f"W{i}"] for i in range(len(layers))]
    old = [layer.W for layer in layers]
    try:
        for layer, W in zip(layers, arrays):
            layer.W = W  # the setter checks shape and the bias row
    except ValueError:
        for layer, W in zip(layers, old):
            layer.W = W  # a failed load leaves the model as it was
        raise
