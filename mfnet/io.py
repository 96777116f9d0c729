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
    the file ``path``.

    Parameters
    ----------
    model : Sequential
    path : str or os.PathLike
        A file name; like `numpy.savez`, ``.npz`` is appended to a name
        that lacks it, and `load_weights` finds the file by either name.

    Raises
    ------
    IsADirectoryError
        When ``path`` is a folder (or ends in a separator): give a file
        name inside it, e.g. ``folder/weights.npz``.
    FileNotFoundError
        When the folder that should hold the file does not exist.
    """
    path = _file_name(path, "save_weights")
    folder = os.path.dirname(path)
    if folder and not os.path.isdir(folder):
        raise FileNotFoundError(f"save_weights: the folder {folder} does "
                                f"not exist; create it first "
                                f"(os.makedirs({folder!r}))")
    np.savez(path, **{f"W{i}": np.asarray(layer.W)
                      for i, layer in enumerate(model.linear_layers)})


def _file_name(path, caller: str) -> str:
    """``path`` as a str, or IsADirectoryError when it names a folder."""
    path = os.fspath(path)
    if os.path.isdir(path) or path.endswith((os.sep, "/")):
        raise IsADirectoryError(
            f"{caller}: {path} is a folder; give a file name inside it, "
            f"e.g. {os.path.join(path, 'weights.npz')}")
    return path


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

    Parameters
    ----------
    model : Sequential
    path : str or os.PathLike
        The file name given to `save_weights`; it may omit the ``.npz``
        that `numpy.savez` (hence `save_weights`) appends.

    Raises
    ------
    IsADirectoryError
        When ``path`` is a folder, as in `save_weights`.
    FileNotFoundError
        For a missing file.
    ValueError
        Naming the file and what was expected, for anything else (a .npy
        file, an empty, truncated or corrupt file, other array names,
        another number of layers, a shape or a row 0 that does not fit).
        The model is then left unchanged.
    """
    path = _file_name(path, "load_weights")
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
