"""Weight initialisation, seeded, chosen per activation
(``book/09_training.ipynb``).

All functions return the weight block of shape (n_out, n_in) only; the
`mfnet.Linear` layer adds the bias column and the (1, 0, ..., 0) row.
"""
from __future__ import annotations

import numbers

import numpy as np

__all__ = ["glorot", "he", "make_rng", "INIT_FOR_ACTIVATION"]


def make_rng(rng: np.random.Generator | int | None,
             name: str = "rng") -> np.random.Generator:
    """A numpy Generator from a seed, an existing Generator (returned as is) or
    None (fresh entropy).

    Parameters
    ----------
    rng : numpy.random.Generator, int or None
        Also a SeedSequence, a BitGenerator or a legacy RandomState.
    name : str, optional
        The argument as error messages name it, e.g. ``"fit: rng"``.

    Raises
    ------
    TypeError
        For anything else (a float such as 1.5, a string), naming ``name``.
    ValueError
        For a negative seed.
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if not (rng is None or isinstance(rng, (
            numbers.Integral, np.random.SeedSequence,
            np.random.BitGenerator, np.random.RandomState))) or \
            isinstance(rng, bool):
        raise TypeError(f"{name} must be a seed (an int >= 0), a numpy "
                        f"Generator or None, got {rng!r}")
    if isinstance(rng, numbers.Integral) and rng < 0:
        raise ValueError(f"{name} must be a seed >= 0, got {rng}")
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
