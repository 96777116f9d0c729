"""Figures of the generalisation chapter (``book/10_generalisation.ipynb``).

Fits of a one-input network over the data, training and validation curves
with marked epochs, a hyper-parameter sweep over several seeds (median and
range), and learning-rate schedules. Every function draws the arrays the
chapter computed with mfnet (and asserted); it returns the figure, closed,
so that the notebook shows it once when it is the cell's value.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .curves import PANEL_FONTS
from .style import COLORS, FULL_WIDTH


def _data_panel(ax, data, grid, truth, fits):
    """Training and validation points, the true function and the fits."""
    markers = {"training": ("o", COLORS[6]), "validation": ("^", COLORS[4])}
    for label, (x, y) in data.items():
        marker, colour = markers.get(label, ("s", COLORS[5]))
        face = colour if label == "training" else "white"
        ax.plot(x, y, marker, markersize=4.5, color=colour, mfc=face,
                ls="none", label=f"{label} data")
    ax.plot(grid, truth, ":", color="0.35", lw=1.6, label="true function")
    for c, (label, yhat) in enumerate(fits.items()):  # the first on top
        ax.plot(grid, yhat, color=COLORS[c], label=label,
                zorder=3 + len(fits) - c)
    ax.set_xlabel("input $x$")
    ax.set_ylabel("output")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), fontsize=13,
              handlelength=1.5, frameon=False)


def _curve_panel(ax, curves, marks, floor):
    for c, (label, (epochs, J)) in enumerate(curves.items()):
        ax.plot(epochs, J, color=COLORS[c], lw=1.6, label=label)
    if floor is not None:
        ax.axhline(floor, color="0.35", ls=":", lw=1.4, label="noise level")
    for k, (label, (epoch, value)) in enumerate(marks.items()):
        ax.plot([epoch], [value], "o" if k == 0 else "x",
                color=COLORS[6], markersize=8, mfc="none" if k == 0 else None,
                mew=2, ls="none", label=label)
        ax.axvline(epoch, color="0.5", lw=0.8, zorder=0)
    # the first epochs start far above: show the range where the curves
    # end and separate, up to twice the highest final value
    values = [np.min(J) for _, J in curves.values()]
    finals = [J[-1] for _, J in curves.values()] + (
        [floor] if floor is not None else [])
    ax.set_ylim(0.9 * min(values), 2.0 * max(finals))
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss $J$")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), fontsize=13,
              handlelength=1.5, frameon=False)


def fit_and_curves(data, grid, truth, fits, curves, marks=None, floor=None):
    """Left: the data and the networks' outputs; right: loss curves.

    * ``data``: dict label -> (x, y), the samples (``"training"``,
      ``"validation"``), shapes (m,);
    * ``grid``, ``truth``: inputs (N,) and the noise-free function on them;
    * ``fits``: dict label -> outputs of a network on ``grid``, shape (N,);
    * ``curves``: dict label -> (epochs, J), e.g. ``History.train_loss``
      and ``History.val_loss``;
    * ``marks``: optional dict label -> (epoch, J), points marked on the
      curves with a vertical line (the first as a circle, the others as
      crosses);
    * ``floor``: optional loss level drawn as a dotted line.

    The loss axis is linear and shows the range where the curves end (the
    first epochs, far higher, leave it at the top). Returns a figure of two
    panels side by side with their legends below, ``FULL_WIDTH`` wide.
    """
    with plt.rc_context(PANEL_FONTS):
        fig, (ax_fit, ax_j) = plt.subplots(1, 2, figsize=(FULL_WIDTH, 5.4))
        _data_panel(ax_fit, data, grid, truth, fits)
        _curve_panel(ax_j, curves, marks or {}, floor)
        fig.tight_layout()
    plt.close(fig)
    return fig


def sweep(values, results, xlabel, ylabel="loss $J$ after training",
          floor=None):
    """Median and range over seeds of a few results, per setting.

    * ``values``: the settings, e.g. weight decays, shown as category
      labels in this order (0 cannot sit on a logarithmic axis);
    * ``results``: dict label -> array of shape (len(values), seeds), e.g.
      ``{"training": ..., "validation": ...}``; a point at the median, a
      bar from the smallest to the largest seed;
    * ``floor``: optional loss level drawn as a dotted line.

    Returns a one-panel figure ``FULL_WIDTH`` wide.
    """
    fig, ax = plt.subplots(figsize=(FULL_WIDTH, 3.6))
    x = np.arange(len(values))
    shift = np.linspace(-0.08, 0.08, len(results))
    for c, (label, R) in enumerate(results.items()):
        R = np.asarray(R, dtype=float)
        med, lo, hi = np.median(R, axis=1), R.min(axis=1), R.max(axis=1)
        ax.errorbar(x + shift[c], med, yerr=[med - lo, hi - med], fmt="o-",
                    color=COLORS[c], capsize=4, markersize=6, label=label)
    if floor is not None:
        ax.axhline(floor, color="0.35", ls=":", lw=1.4, label="noise level")
    ax.set_xticks(x, [f"{v:g}" for v in values])
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(handlelength=1.5)
    fig.tight_layout()
    plt.close(fig)
    return fig


def schedules(curves, ylabel=r"learning rate $\eta_t$"):
    """Learning rate per epoch, one line per schedule.

    ``curves``: dict label -> (epochs, rates), e.g. ``History.lr`` or a
    schedule's rates. Returns a one-panel figure ``FULL_WIDTH`` wide.
    """
    fig, ax = plt.subplots(figsize=(FULL_WIDTH, 3.2))
    styles = ["-", "--", "-."]
    for c, (label, (epochs, lr)) in enumerate(curves.items()):
        ax.plot(epochs, lr, styles[c % 3], color=COLORS[c], label=label)
    ax.set_xlabel("epoch $t$")
    ax.set_ylabel(ylabel)
    ax.legend(handlelength=2.2)
    fig.tight_layout()
    plt.close(fig)
    return fig
