"""The numbers of the worked examples of ``book/06_worked_example.ipynb``, as plain arrays.

One source of truth for everything that shows these examples (the chapter,
its tests, a live figure): the inputs only, never a computed matrix. Every
array is float64 in mfnet's layout (samples as columns, row 0 the bias row);
the chapter computes and checks everything else.

* ``SOURCE_PRINTED``: the inputs exactly as the source document
  (Marchisotti 2025) prints them (section 3.3): data ``X`` (features as rows),
  targets ``Y`` and weights ``W1``, ``W2``, ``W3``, learning rate ``ETA``.
  Its printed Z^[1] is not ``W1 @ A0`` for these. ``SOURCE_PRINTS``: every
  later matrix it prints, to compare with.
* ``SOURCE``: the inputs for which every later matrix the source prints is
  exact: the printed ones with two entries changed, which the chapter finds
  from the printed Z^[1] (sample 2's second feature 3, row 3 of W^[1]
  (1, 1, 0)).
* ``RELU``: the second example, the same weights as ``SOURCE`` with ReLU
  hidden layers and four other samples, chosen so that every hidden neuron
  is on for some samples and off for others and no pre-activation is 0.
"""
from __future__ import annotations

import numpy as np

__all__ = ["SOURCE_PRINTED", "SOURCE_PRINTS", "SOURCE", "RELU", "augmented"]


def _f(rows):
    return np.array(rows, dtype=float)


SOURCE_PRINTED = dict(
    X=_f([[1, 1, 2, 2],
          [2, 2, 2, 3]]),
    Y=_f([[1, 1, 2, 2]]),
    W1=_f([[1, 0, 0],
           [0, 0, 1],
           [0, 1, 1],
           [1, 0, 0]]),
    W2=_f([[1, 0, 0, 0],
           [1, 1, 0, 1],
           [-1, 1, 2, -2]]),
    W3=_f([[1, 0, 0],
           [0, 1, -1]]),
    Z1=_f([[1, 1, 1, 1],
           [2, 3, 2, 3],
           [3, 4, 4, 5],
           [2, 2, 3, 3]]),
    ETA=4,
)

# Every later matrix the source prints (section 3.3), as printed: the
# quarters it factors out are multiplied back in. Data to compare with, never
# used to compute anything.
_Q = 0.25
SOURCE_PRINTS = dict(
    Z2=_f([[1, 1, 1, 1], [5, 6, 6, 7], [3, 6, 3, 6]]),
    Z3=_f([[1, 1, 1, 1], [2, 0, 3, 1]]),
    J=0.5,
    dJ_dYhat=_Q * _f([[0, 0, 0, 0], [1, -1, 1, -1]]),
    Delta3=_Q * _f([[0, 0, 0, 0], [1, -1, 1, -1]]),
    dW3=_Q * _f([[0, 0, 0], [0, -2, -6]]),
    dA2=_Q * _f([[0, 0, 0, 0], [1, -1, 1, -1], [-1, 1, -1, 1]]),
    Delta2=_Q * _f([[0, 0, 0, 0], [1, -1, 1, -1], [-1, 1, -1, 1]]),
    dW2=_Q * _f([[0, 0, 0, 0], [0, -2, -2, 0], [0, 2, 2, 0]]),
    dA1=_Q * _f([[2, -2, 2, -2], [0, 0, 0, 0], [-2, 2, -2, 2], [3, -3, 3, -3]]),
    Delta1=_Q * _f([[0, 0, 0, 0], [0, 0, 0, 0], [-2, 2, -2, 2], [3, -3, 3, -3]]),
    dW1=_Q * _f([[0, 0, 0], [0, 0, 0], [0, 0, 4], [0, 0, -6]]),
    dA0=_Q * _f([[3, -3, 3, -3], [1, -1, 1, -1], [-2, 2, -2, 2]]),
    W1_new=_f([[1, 0, 0], [0, 0, 1], [0, 1, -3], [1, 0, 6]]),
    W2_new=_f([[1, 0, 0, 0], [1, 3, 2, 1], [-1, -1, 0, -2]]),
    W3_new=_f([[1, 0, 0], [0, 3, 5]]),
)

SOURCE = dict(
    X=_f([[1, 1, 2, 2],
          [2, 3, 2, 3]]),
    Y=SOURCE_PRINTED["Y"].copy(),
    W1=_f([[1, 0, 0],
           [0, 0, 1],
           [0, 1, 1],
           [1, 1, 0]]),
    W2=SOURCE_PRINTED["W2"].copy(),
    W3=SOURCE_PRINTED["W3"].copy(),
    ETA=4,
)

RELU = dict(
    X=_f([[-2, 0, 0, 1],
          [3, -1, 2, -2]]),
    Y=SOURCE["Y"].copy(),
    W1=SOURCE["W1"].copy(),
    W2=SOURCE["W2"].copy(),
    W3=SOURCE["W3"].copy(),
)


def augmented(example: dict) -> tuple[np.ndarray, np.ndarray]:
    """``(A0, Y)`` of an example in mfnet's layout: a row of ones on top of X and of Y."""
    ones = np.ones((1, example["X"].shape[1]))
    return np.vstack([ones, example["X"]]), np.vstack([ones, example["Y"]])
