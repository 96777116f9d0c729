"""Weight initialisation, seeded, chosen per activation
(``book/09_training.ipynb``).

All functions return the weight block of shape (n_out, n_in) only; the
`mfnet.Linear` layer adds the bias column and the (1, 0, ..., 0) row.
"""
from __future__ import annotations

import numpy as np

__all__ = ["glorot", "he", "make_rng", "INIT_FOR_ACTIVATION"]


def make_rng(rng: np.random.Generator | int | None) -> np.random.Generator:
    """A numpy Generator from a seed, an existing Generator (returned as is) or
    None (fresh entropy)."""
    if isinstance(rng, np.random.Generator):
        return rng
    return np.random.default_rng(rng)


def glorot(n_in: int, n_out: int, rng: np.random.Generator) -> np.ndarray:
    """Glorot/Xavier uniform: U(-a, a) with a = sqrt(6 / (n_in + n_out)); for
    tanh and sigmoid."""
    a = np.sqrt(6.0 / (n_in + n_out))
    return rng.uniform(-a, a, size=(n_out, n_in))


def he(n_in: int, n_out: int, rng: np.random.Generator) -> np.ndarray:
    """He/Kaiming normal: N(0, 2 / n_in); for ReLU."""
    return rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_out, n_in))


#: Which initialiser `mfnet.mlp` uses for the layer feeding each activation.
INIT_FOR_ACTIVATION = {"relu": "he", "tanh": "glorot", "sigmoid": "glorot",
                       "identity": "glorot", "softmax": "glorot"}
