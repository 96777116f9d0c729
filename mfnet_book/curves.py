"""Figures of functions of one variable: activations, losses and their gradients.

Used by the losses chapter (``book/07_losses.ipynb``) and the activations
chapter (``book/08_activations.ipynb``). Every function takes the arrays the
chapter computed with mfnet (and asserted) and draws exactly those; it returns
the figure (closed, so that the notebook shows it once when it is the cell's
value).
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .style import COLORS, FULL_WIDTH

# Figures of several panels are shown at half size on a phone: larger type.
PANEL_FONTS = {"font.size": 14, "axes.titlesize": 14, "axes.labelsize": 14,
               "xtick.labelsize": 13, "ytick.labelsize": 13, "legend.fontsize": 13}


def _zero_axes(ax) -> None:
    ax.axhline(0.0, color="0.7", lw=0.8, zorder=0)
    ax.axvline(0.0, color="0.7", lw=0.8, zorder=0)


def activation_panels(grid, values, slopes, titles):
    """Each activation and its derivative, one panel each, and the derivatives together.

    * ``grid``: the inputs z, shape (N,);
    * ``values``, ``slopes``: dicts name -> g(grid) and g'(grid), shape (N,),
      as computed by mfnet's layers (three of them);
    * ``titles``: dict name -> panel title.

    Returns a 2 x 2 figure, ``FULL_WIDTH`` wide.
    """
    names = list(values)
    with plt.rc_context(PANEL_FONTS):
        fig, axes = plt.subplots(2, 2, figsize=(FULL_WIDTH, 6.0), sharex=True)
        _activation_panels(fig, axes, grid, values, slopes, titles, names)
    plt.close(fig)
    return fig


def _activation_panels(fig, axes, grid, values, slopes, titles, names):
    for ax, name in zip(axes.flat, names):
        ax.plot(grid, values[name], color=COLORS[0], label="$g(z)$")
        ax.plot(grid, slopes[name], "--", color=COLORS[1], label="$g'(z)$")
        _zero_axes(ax)
        ax.set_title(titles[name])
        ax.legend(loc="upper left", handlelength=1.5)
    axes[1, 0].set_ylim(-0.5, 4.0)
    ax = axes[1, 1]
    for k, name in enumerate(names):
        ax.plot(grid, slopes[name], color=COLORS[k], label=titles[name])
    _zero_axes(ax)
    ax.set_title("the three $g'(z)$")
    ax.legend(loc="upper left", handlelength=1.5)
    for ax in axes[1]:
        ax.set_xlabel("$z$")
    fig.tight_layout()


def loss_panels(x, losses, grads, xlabel, titles=("loss $J$", r"gradient $\partial J/\partial z$")):
    """Losses (left) and their gradients (right) as functions of one logit or margin.

    * ``x``: the horizontal axis, shape (N,);
    * ``losses``, ``grads``: dicts label -> array of shape (N,), in the same
      order (one colour per label), as computed by mfnet;
    * ``xlabel``: the axis label shared by both panels.

    Returns a figure with two panels side by side, ``FULL_WIDTH`` wide.
    """
    with plt.rc_context(PANEL_FONTS):
        fig, (ax_j, ax_g) = plt.subplots(1, 2, figsize=(FULL_WIDTH, 3.6), sharex=True)
        _loss_panels(fig, ax_j, ax_g, x, losses, grads, xlabel, titles)
    plt.close(fig)
    return fig


def _loss_panels(fig, ax_j, ax_g, x, losses, grads, xlabel, titles):
    for k, label in enumerate(losses):
        ax_j.plot(x, losses[label], color=COLORS[k], label=label)
        ax_g.plot(x, grads[label], color=COLORS[k], label=label)
    for ax, title in zip((ax_j, ax_g), titles):
        _zero_axes(ax)
        ax.set_title(title)
        ax.set_xlabel(xlabel)
    ax_j.legend(loc="upper right", handlelength=1.5)
    fig.tight_layout()


def line_data(fig) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """(axes title, x, y) of every labelled line of ``fig``, for tests of what is drawn."""
    out = []
    for ax in fig.axes:
        for line in ax.get_lines():
            if not line.get_label().startswith("_"):
                out.append((ax.get_title(), np.asarray(line.get_xdata()),
                            np.asarray(line.get_ydata())))
    return out


def loss_curves(panels, xlabels, ylabel="training loss $J$", logx=(),
                titles=None, log10=()):
    """Training curves, one panel per dict in ``panels``.

    * ``panels``: list of dicts label -> (x, J), the curves of one panel
      (e.g. epochs and ``History.loss``), one colour per label;
    * ``xlabels``: one axis label per panel; the loss axis is logarithmic;
    * ``logx``: indices of the panels whose horizontal axis is logarithmic;
    * ``titles``: optional panel titles;
    * ``log10``: indices of the panels that plot log10 J on a linear axis
      (for losses beyond the range a logarithmic axis can draw).

    Returns a figure ``FULL_WIDTH`` wide (one or two panels side by side).
    """
    n = len(panels)
    fonts = PANEL_FONTS if n > 1 else {}
    with plt.rc_context(fonts):
        fig, axes = plt.subplots(1, n, figsize=(FULL_WIDTH, 3.6 if n > 1 else 3.8),
                                 squeeze=False)
        for k, (ax, curves) in enumerate(zip(axes[0], panels)):
            for c, (label, (x, J)) in enumerate(curves.items()):
                y = np.log10(J) if k in log10 else J
                ax.plot(x, y, "o-" if k in log10 else "-", color=COLORS[c],
                        label=label, markersize=4)
            if k in log10:
                ax.set_ylabel(r"$\log_{10} J$")
            else:
                ax.set_yscale("log")
            if k in logx:
                ax.set_xscale("log")
            ax.set_xlabel(xlabels[k])
            if titles:
                ax.set_title(titles[k])
            ax.legend(handlelength=1.5)
        if 0 not in log10:
            axes[0, 0].set_ylabel(ylabel)
        fig.tight_layout()
    plt.close(fig)
    return fig


def layer_norms(norms, ylabel=r"norm of $\partial J / \partial W^{[l]}$"):
    """One line per network: a norm per layer (1 = next to the input), log scale.

    ``norms``: dict label -> array of shape (L,), e.g. the norms of the
    backpropagated dJ/dW^[l] of each network. Returns a figure ``FULL_WIDTH``
    wide.
    """
    fig, ax = plt.subplots(figsize=(FULL_WIDTH, 3.8))
    for c, (label, values) in enumerate(norms.items()):
        ax.plot(np.arange(1, len(values) + 1), values, marker="o",
                color=COLORS[c], label=label)
    ax.set_yscale("log")
    ax.set_xlabel("layer $l$ (1 = next to the input)")
    ax.set_ylabel(ylabel)
    ax.legend(handlelength=1.5)
    fig.tight_layout()
    plt.close(fig)
    return fig


def seed_spreads(groups, ylabel="loss of the final weights $J$"):
    """One column of dots per setting, one dot per seed, a bar at the median.

    ``groups``: dict label -> values over the seeds (a
    :class:`mfnet_book.experiments.Spread` or an array), drawn in that order
    on a logarithmic axis. Returns a figure ``FULL_WIDTH`` wide.
    """
    fig, ax = plt.subplots(figsize=(FULL_WIDTH, 3.8))
    for k, (label, values) in enumerate(groups.items()):
        values = np.asarray(getattr(values, "values", values), dtype=float)
        offsets = np.linspace(-0.12, 0.12, len(values)) if len(values) > 1 else [0.0]
        ax.plot(k + np.asarray(offsets), values, "o", color=COLORS[k % len(COLORS)],
                markersize=7, alpha=0.85, label=label)
        ax.plot([k - 0.25, k + 0.25], [np.median(values)] * 2, "-", color="0.2", lw=2)
    ax.set_xticks(range(len(groups)))
    ax.set_xticklabels([label.replace(", ", ",\n", 1) for label in groups])
    ax.set_xlim(-0.6, len(groups) - 0.4)
    ax.set_yscale("log")
    ax.set_ylabel(ylabel)
    fig.tight_layout()
    plt.close(fig)
    return fig
