"""Shared helpers for mfnet's tests, written independently of mfnet's own code.

Imported by the test modules as ``_support`` (pytest puts ``tests/`` on
``sys.path``, the test files having no package). Nothing here calls mfnet's
gradient code: the finite differences and error measures are re-implemented so
that a bug in :mod:`mfnet.gradcheck` cannot hide a bug elsewhere.
"""
from __future__ import annotations

import ast

import numpy as np
from hypothesis import HealthCheck, settings

# Modest, reproducible hypothesis settings for every property test.
HYPOTHESIS = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                      suppress_health_check=[HealthCheck.too_slow])

HIDDEN_ACTIVATIONS = ("identity", "relu", "sigmoid", "tanh")


def centred_diff(f, x: np.ndarray, eps: float = 1e-6, rows: slice = slice(None)) -> np.ndarray:
    """dF/dx by centred differences, perturbing x in place (and restoring it).

    Only entries in ``x[rows]`` are perturbed; the others get 0.
    """
    grad = np.zeros_like(x, dtype=np.float64)
    sub = np.zeros(x.shape, dtype=bool)
    sub[rows] = True
    for idx in zip(*np.nonzero(sub)):
        old = x[idx]
        x[idx] = old + eps
        fp = f()
        x[idx] = old - eps
        fm = f()
        x[idx] = old
        grad[idx] = (fp - fm) / (2.0 * eps)
    return grad


def rel_err(a, b) -> float:
    """max |a - b| / max(max|a|, max|b|, 1e-300): scale-free, 0 for equal arrays."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    assert a.shape == b.shape, (a.shape, b.shape)
    scale = max(np.abs(a).max(initial=0.0), np.abs(b).max(initial=0.0), 1e-300)
    return float(np.abs(a - b).max(initial=0.0) / scale)


def augmented(rng: np.random.Generator, n: int, m: int, scale: float = 1.0) -> np.ndarray:
    """A random (n + 1, m) batch with the bias row of ones, built without mfnet."""
    A = np.ones((n + 1, m))
    A[1:] = scale * rng.normal(size=(n, m))
    return A


def augmented_one_hot(labels: np.ndarray, k: int) -> np.ndarray:
    """(k + 1, m) targets: row 0 ones, column i has a 1 in row 1 + labels[i] (a loop, not mfnet)."""
    Y = np.zeros((k + 1, len(labels)))
    Y[0] = 1.0
    for i, c in enumerate(labels):
        Y[1 + int(c), i] = 1.0
    return Y


def random_architecture(rng: np.random.Generator, max_depth: int = 4, max_width: int = 7):
    """Sizes [n_0, ..., n_L] and one hidden activation name per hidden layer."""
    depth = int(rng.integers(1, max_depth + 1))  # number of Linear layers
    sizes = [int(s) for s in rng.integers(1, max_width + 1, size=depth + 1)]
    acts = [HIDDEN_ACTIVATIONS[int(i)] for i in rng.integers(0, len(HIDDEN_ACTIVATIONS), size=depth - 1)]
    return sizes, acts


def build_mfnet(sizes, acts, rng: np.random.Generator, output: str | None = None):
    """An mfnet.Sequential with random weights (bias column random too, unlike the default init)."""
    import mfnet

    classes = {"identity": mfnet.Identity, "relu": mfnet.ReLU, "sigmoid": mfnet.Sigmoid,
               "tanh": mfnet.Tanh, "softmax": mfnet.Softmax}
    layers = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        lin = mfnet.Linear(n_in, n_out, init="zeros")
        W = np.zeros((n_out + 1, n_in + 1))
        W[0, 0] = 1.0
        W[1:] = rng.normal(size=(n_out, n_in + 1)) / np.sqrt(n_in + 1)
        lin.W = W
        layers.append(lin)
        if i < len(acts):
            layers.append(classes[acts[i]]())
    if output is not None:
        layers.append(classes[output]())
    return mfnet.Sequential(*layers)


def toc_files() -> list[str]:
    """Every document of _toc.yml, the root first, in order, as written there (suffix optional)."""
    from pathlib import Path

    import yaml

    toc = yaml.safe_load((Path(__file__).resolve().parents[1] / "_toc.yml").read_text(encoding="utf-8"))
    files = [str(toc["root"])]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                files.append(str(node["file"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(toc.get("parts", toc.get("chapters", [])))
    return files


# The longest code or text-output line the book allows (tests/test_repository.py),
# and the capacity the built pages must offer at 1280 px (tests/test_browser.py
# measures the narrowest `pre` box of every page against it).
MAX_LINE = 79


def format_glued(plain: str, fmt: str | None) -> str:
    """The text the {glue:text} role shows (independent re-implementation)."""
    try:
        value = ast.literal_eval(plain)
    except (SyntaxError, ValueError):
        value = plain
    if not fmt:
        return str(value)
    kind = fmt[-1]
    if kind == "s":
        value = str(value)
    elif kind in "bcdoxX":
        value = int(value)
    elif kind in "eEfFgGn%":
        value = float(value)
    return format(value, fmt)
