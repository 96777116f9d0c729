"""Save and load a model's weights as a plain ``.npz`` archive (no pickle).

The archive holds one array per Linear layer, named W0, W1, ... in order,
each of the shape of that layer's W, (out + 1, in + 1).
"""
from __future__ import annotations

import os
import zipfile

import numpy as np

__all__ = ["save_weights", "load_weights"]


def save_weights(model, path: str | os.PathLike) -> None:
    """Write W of every Linear layer, in order, as arrays W0, W1, ... to
    ``path`` (.npz; like `numpy.savez`, ``.npz`` is appended to a file
    name that lacks it)."""
    np.savez(path, **{f"W{i}": np.asarray(layer.W)
                      for i, layer in enumerate(model.linear_layers)})


def _read(path, n: int) -> list[np.ndarray]:
    expected = (f"expected a .npz archive written by mfnet.save_weights "
                f"with arrays W0 .. W{n - 1}")
    if os.path.getsize(path) == 0:
        raise ValueError(f"load_weights: {path} is empty; {expected}")
    try:
        data = np.load(path, allow_pickle=False)
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as exc:
        raise ValueError(f"load_weights: {path} is not a readable .npz "
                         f"archive ({exc}); {expected}") from None
    if isinstance(data, np.ndarray):
        raise ValueError(f"load_weights: {path} is a .npy file (a single "
                         f"array of shape {data.shape}); {expected}")
    with data:
        names = sorted(data.files)
        if names != sorted(f"W{i}" for i in range(n)):
            raise ValueError(f"load_weights: {path} holds arrays {names}, "
                             f"but the model has {n} Linear layers: "
                             f"{expected}")
        try:
            return [np.asarray(data[f"W{i}"], dtype=np.float64)
                    for i in range(n)]
        except (ValueError, OSError, EOFError, zipfile.BadZipFile) as exc:
            raise ValueError(f"load_weights: {path} is truncated or "
                             f"corrupt ({exc}); {expected}") from None


def load_weights(model, path: str | os.PathLike) -> None:
    """Set every Linear layer's W from an archive written by
    `save_weights`.

    ``path`` may omit the ``.npz`` that `numpy.savez` (hence
    `save_weights`) appends. Raises FileNotFoundError for a missing file
    and ValueError naming the file and what was expected for anything else
    (a .npy file, an empty, truncated or corrupt file, other array names,
    another number of layers, a shape or a row 0 that does not fit). The
    model is then left unchanged.
    """
    path = os.fspath(path)
    if not os.path.exists(path) and os.path.exists(path + ".npz"):
        path += ".npz"
    if not os.path.isfile(path):
        raise FileNotFoundError(f"load_weights: no file {path} (nor "
                                f"{path}.npz); save it with save_weights")
    layers = model.linear_layers
    arrays = _read(path, len(layers))
    old = [layer.W.copy() for layer in layers]
    try:
        for layer, W in zip(layers, arrays):
            layer.W = W  # the setter checks shape, row 0 and finiteness
    except ValueError as exc:
        for layer, W in zip(layers, old):
            layer.W = W  # a failed load leaves the model as it was
        raise ValueError(f"load_weights: {path}: {exc}") from None
