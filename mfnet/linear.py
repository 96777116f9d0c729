"""The Linear layer with the bias absorbed into the weights (``book/05_layers.ipynb``)."""
from __future__ import annotations

import numpy as np

from .init import glorot, he, make_rng
from .layer import Layer

__all__ = ["Linear"]


class Linear(Layer):
    """Z = W A, with the bias in column 0 of W and the bias row kept alive by row 0.

    Shapes (m samples as columns):
      A  (input)           : (in_features + 1, m), row 0 all ones
      W  (weights)         : (out_features + 1, in_features + 1)
                             row 0 = (1, 0, ..., 0), W[1:, 0] = bias b, W[1:, 1:] = weights
      Z  (output)          : (out_features + 1, m), row 0 all ones again
      Delta = dJ/dZ        : (out_features + 1, m), row 0 zero
      dW = Delta A^T       : same shape as W, row 0 zero
      dJ/dA = W^T Delta    : (in_features + 1, m)

    In PyTorch terms ``W[1:, 1:]`` is ``nn.Linear.weight`` and ``W[1:, 0]`` is
    ``nn.Linear.bias``. Derived in ``book/04_backprop_matrix.ipynb``, shown in
    ``book/05_layers.ipynb``.

    Parameters
    ----------
    in_features, out_features : sizes without the bias feature.
    init : "glorot" (uniform, for tanh/sigmoid), "he" (normal, for ReLU) or "zeros".
        The bias column starts at zero.
    rng : seed or numpy Generator for the initial weights.
    """

    def __init__(self, in_features: int, out_features: int, *, init: str = "glorot",
                 rng: np.random.Generator | int | None = None) -> None:
        if in_features < 1 or out_features < 1:
            raise ValueError(f"Linear({in_features}, {out_features}): sizes must be at least 1")
        self.in_features = int(in_features)
        self.out_features = int(out_features)
        W = np.zeros((self.out_features + 1, self.in_features + 1))
        W[0, 0] = 1.0
        if init == "glorot":
            W[1:, 1:] = glorot(self.in_features, self.out_features, make_rng(rng))
        elif init == "he":
            W[1:, 1:] = he(self.in_features, self.out_features, make_rng(rng))
        elif init != "zeros":
            raise ValueError(f"Linear: unknown init {init!r}; use 'glorot', 'he' or 'zeros'")
        self._W = W
        self.dW = np.zeros_like(W)
        self.A: np.ndarray | None = None

    def __repr__(self) -> str:
        return f"Linear({self.in_features}, {self.out_features})"

    @property
    def W(self) -> np.ndarray:
        """The augmented weights, shape (out_features + 1, in_features + 1)."""
        return self._W

    @W.setter
    def W(self, value) -> None:
        value = np.array(value, dtype=np.float64)  # a copy: the layer owns its weights
        expected = (self.out_features + 1, self.in_features + 1)
        if value.shape != expected:
            raise ValueError(f"{self._label()}: W must have shape {expected}, got shape {value.shape}")
        first = np.zeros(expected[1])
        first[0] = 1.0
        if not np.array_equal(value[0], first):
            raise ValueError(f"{self._label()}: row 0 of W must be (1, 0, ..., 0) so that the bias "
                             f"row survives; got {value[0]}")
        if not np.isfinite(value).all():
            raise ValueError(f"{self._label()}: W contains NaN or infinity")
        self._W = value

    def forward(self, A: np.ndarray) -> np.ndarray:
        """Z = W @ A; keeps A for the backward pass."""
        A = self._check_rows(A, self.in_features + 1, "input A")
        self.A = A
        return self._W @ A

    def backward(self, Delta: np.ndarray, input_grad: bool = True) -> np.ndarray | None:
        """Store dW = Delta @ A.T; return dJ/dA = W.T @ Delta (None if ``input_grad`` is False)."""
        if self.A is None:
            raise RuntimeError(f"{self._label()}: backward called before forward")
        Delta = self._check_rows(Delta, self.out_features + 1, "gradient Delta")
        if Delta.shape[1] != self.A.shape[1]:
            raise ValueError(f"{self._label()}: gradient Delta has {Delta.shape[1]} samples but the "
                             f"forward input had {self.A.shape[1]} (shapes {Delta.shape} and {self.A.shape})")
        self.dW = Delta @ self.A.T
        if input_grad:
            return self._W.T @ Delta
        return None
