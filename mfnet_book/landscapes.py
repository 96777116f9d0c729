"""Loss landscapes: contours of a loss over two weights, with descent paths.

Used by the training chapter (``book/09_training.ipynb``) for the figure
``fig-c09-descent-paths``: gradient descent with a small, a good and a too
large learning rate, and with momentum, on one quadratic bowl. The paths are
the weights mfnet's optimisers produced; this module only draws them.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .curves import PANEL_FONTS
from .style import COLORS, FULL_WIDTH


def quadratic_grid(curvatures, minimum, xlim, ylim, points: int = 201):
    """J(w) = 1/2 sum_k lambda_k (w_k - w*_k)^2 on a grid, for the contours.

    ``curvatures`` = (lambda_1, lambda_2), ``minimum`` = w*; returns the grid
    axes w1 (points,), w2 (points,) and J of shape (points, points), J[i, j]
    at (w1[j], w2[i]).
    """
    w1 = np.linspace(*xlim, points)
    w2 = np.linspace(*ylim, points)
    W1, W2 = np.meshgrid(w1, w2)
    lam1, lam2 = curvatures
    J = 0.5 * (lam1 * (W1 - minimum[0]) ** 2 + lam2 * (W2 - minimum[1]) ** 2)
    return w1, w2, J


def descent_paths(paths, titles, curvatures, minimum, xlim, ylim,
                  levels=None):
    """One panel per path over the same contours of the quadratic loss.

    * ``paths``: list of arrays of shape (steps + 1, 2), the weights (w1, w2)
      before the first step and after each step;
    * ``titles``: one title per panel (say which learning rate it is);
    * ``curvatures``, ``minimum``: the loss (see :func:`quadratic_grid`);
    * ``xlim``, ``ylim``: the window; a path that leaves it is cut at its edge.

    Returns a 2 x 2 figure (four paths), ``FULL_WIDTH`` wide.
    """
    w1, w2, J = quadratic_grid(curvatures, minimum, xlim, ylim)
    if levels is None:
        levels = np.geomspace(0.01, J.max(), 9)
    with plt.rc_context(PANEL_FONTS):
        fig, axes = plt.subplots(2, 2, figsize=(FULL_WIDTH, 5.6),
                                 sharex=True, sharey=True)
        for k, (ax, path, title) in enumerate(zip(axes.flat, paths, titles)):
            ax.contour(w1, w2, J, levels=levels, colors="0.6",
                       linewidths=0.8)
            ax.plot(path[:, 0], path[:, 1], "o-", color=COLORS[k],
                    markersize=3.5, lw=1.4, label="path")
            ax.plot(*path[0], "s", color="black", markersize=6,
                    label="start")
            ax.plot(*minimum, "*", color=COLORS[2], markersize=11,
                    label="minimum")
            ax.set_xlim(*xlim)
            ax.set_ylim(*ylim)
            ax.set_title(title)
            ax.grid(False)
        for ax in axes[1]:
            ax.set_xlabel("$w_1$")
        for ax in axes[:, 0]:
            ax.set_ylabel("$w_2$")
        fig.tight_layout()
    plt.close(fig)
    return fig
