"""Every derivative of a small network, by backpropagation and by finite differences.

Used by the introduction (``book/01_introduction.ipynb``): one bar per
trainable number, its height the derivative mfnet's backward pass computed,
and on each bar a marker at the finite-difference estimate. The function
returns the figure, closed, so that the notebook shows it once when it is
the cell's value.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .style import COLORS

__all__ = ["weight_labels", "gradient_bars"]


def weight_labels(shapes) -> list[str]:
    """Tick labels ``"jk"`` of the trainable entries w^[l]_jk (rows 1.., all columns).

    ``shapes`` are the shapes of the layers' W, first layer first; the order
    is layer by layer, row by row, as ``W[1:].ravel()``. The layer is named
    above each group of bars (:func:`gradient_bars`).
    """
    return [f"{j}{k}" for rows, cols in shapes for j in range(1, rows) for k in range(cols)]


def gradient_bars(labels, backprop, finite_diff, layer_sizes=None):
    """Bars of ``backprop`` (shape (P,)) with markers at ``finite_diff`` (shape (P,)).

    * ``labels``: one tick label per trainable number (see :func:`weight_labels`);
    * ``layer_sizes``: number of trainable entries per layer, to separate the
      layers by a thin vertical line and name them.
    """
    backprop, finite_diff = np.asarray(backprop), np.asarray(finite_diff)
    x = np.arange(len(backprop))
    fig, ax = plt.subplots(figsize=(5.2, 3.4))   # narrower: legible on a phone
    ax.bar(x, backprop, width=0.7, color=COLORS[5], label="backpropagation", zorder=2)
    ax.plot(x, finite_diff, "o", color=COLORS[1], markersize=7, zorder=3,
            label="finite differences", markerfacecolor="none", markeredgewidth=1.8)
    ax.axhline(0.0, color="0.4", lw=0.8)
    ax.set_xticks(x, labels, fontsize=12)
    ax.set_ylabel(r"$\partial J / \partial w$")
    ax.set_xlabel("index $jk$ of the weight")
    if layer_sizes:
        edges = np.cumsum(layer_sizes)[:-1] - 0.5
        for e in edges:
            ax.axvline(e, color="0.6", lw=1.0, ls="--")
        starts = np.concatenate([[0], np.cumsum(layer_sizes)[:-1]])
        for l, (start, size) in enumerate(zip(starts, layer_sizes), start=1):
            ax.text(start + (size - 1) / 2, 1.02, f"$w^{{[{l}]}}_{{jk}}$", ha="center",
                    va="bottom", fontsize=12, transform=ax.get_xaxis_transform())
    ax.legend(loc="best")
    ax.grid(True, axis="y", alpha=0.3)
    ax.grid(False, axis="x")
    fig.tight_layout()
    plt.close(fig)
    return fig
