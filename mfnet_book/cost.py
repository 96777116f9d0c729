"""The cost of a gradient: finite differences against backpropagation.

Used by the matrix-notation chapter (``book/04_backprop_matrix.ipynb``),
which measures both methods on networks of growing size and passes the
measured times here. The function returns the figure, closed, so that the
notebook shows it once when it is the cell's value.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .style import COLORS

__all__ = ["gradient_cost"]


def gradient_cost(P, t_fd, t_forward, t_backprop):
    """Log-log plot of the time for one full gradient against the number of weights.

    * ``P``: number of learnable weights of each network, shape (N,);
    * ``t_fd``, ``t_forward``, ``t_backprop``: measured seconds for one
      gradient by finite differences, one forward pass, and one gradient by
      backpropagation, shape (N,).

    The dotted line is ``2 P`` times the forward pass, the cost model of
    finite differences.
    """
    P = np.asarray(P, dtype=float)
    fig, ax = plt.subplots(figsize=(5.2, 4.0))   # narrower: legible on a phone
    ax.loglog(P, t_fd, "o-", color=COLORS[0], label="finite differences (measured)")
    ax.loglog(P, 2 * P * np.asarray(t_forward), ":", color=COLORS[0],
              label=r"$2P \times$ one forward pass")
    ax.loglog(P, t_backprop, "s-", color=COLORS[1], label="backpropagation (measured)")
    ax.set_xlabel("number of weights $P$")
    ax.set_ylabel("seconds per full gradient")
    ax.grid(True, which="major", alpha=0.4)
    ax.legend(loc="upper left")
    fig.tight_layout()
    plt.close(fig)
    return fig
