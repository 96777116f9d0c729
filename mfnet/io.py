"""Save and load a model's weights as a plain ``.npz`` archive (no pickle)."""
from __future__ import annotations

import os

import numpy as np

__all__ = ["save_weights", "load_weights"]


def save_weights(model, path: str | os.PathLike) -> None:
    """Write W of every Linear layer, in order, as arrays W0, W1, ... to ``path`` (.npz)."""
    np.savez(path, **{f"W{i}": layer.W for i, layer in enumerate(model.linear_layers)})


def load_weights(model, path: str | os.PathLike) -> None:
    """Set every Linear layer's W from an archive written by :func:`save_weights`.

    Raises ValueError if the number of layers or any shape differs."""
    with np.load(path, allow_pickle=False) as data:
        layers = model.linear_layers
        if len(data.files) != len(layers):
            raise ValueError(f"load_weights: {path} holds {len(data.files)} weight matrices, "
                             f"the model has {len(layers)} Linear layers")
        for i, layer in enumerate(layers):
            layer.W = data[f"W{i}"]  # the setter checks shape and the bias row
