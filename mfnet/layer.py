"""The common interface of every mfnet layer (``book/05_layers.ipynb``)."""
from __future__ import annotations

import numpy as np

from .tensor import bias_row_checked


class Layer:
    """The interface of every mfnet layer: batch forward, gradient backward.

    Derived in chapter 5 (``book/05_layers.ipynb``).

    Attributes
    ----------
    name : str
        Appears in every error message; `mfnet.Sequential` sets it to the
        layer's position (for example ``"layer 2 Linear(3, 2)"``).

    Notes
    -----
    ``forward(A)`` maps A of shape (n_in + 1, m) to an output of shape
    (n_out + 1, m); ``backward(dOut)`` maps the gradient with respect to the
    output, shape (n_out + 1, m), to the gradient with respect to the input,
    shape (n_in + 1, m). Calling the layer, ``layer(A)``, first checks that
    row 0 of A is the bias row of ones.
    """

    name: str = ""

    def forward(self, A: np.ndarray) -> np.ndarray:
        raise NotImplementedError  # each layer defines its forward pass

    def backward(self, dOut: np.ndarray) -> np.ndarray:
        raise NotImplementedError  # and its backward pass

    def __call__(self, A) -> np.ndarray:
        """``layer(A)``: check that row 0 of A is the bias row of ones (as
        ``mfnet.predict`` does), then ``forward(A)``."""
        return self.forward(bias_row_checked(A, "input A"))

    def _label(self) -> str:
        return self.name or repr(self)

    def _check_rows(self, X, rows: int, what: str) -> np.ndarray:
        """Return X as a 2-D float64 array with ``rows`` rows, or raise a
        ValueError that names this layer, the expected and the actual
        shape."""
        if type(X) is not np.ndarray or X.dtype != np.float64:
            X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[0] != rows or X.shape[1] == 0:
            raise ValueError(f"{self._label()}: expected {what} of shape "
                             f"({rows}, m) with m >= 1, got shape {X.shape}")
        return X
