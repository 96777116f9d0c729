"""Histograms per layer: activations and backpropagated errors at initialisation.

Used by the training chapter (``book/09_training.ipynb``) for the figure
``fig-c09-init-histograms``. The arrays come from the chapter's own forward
and backward passes through mfnet networks; this module only bins and draws
them. :func:`layer_histograms` bins with ``numpy.histogram``, so a test can
recompute every bar from the same arrays.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .curves import PANEL_FONTS
from .style import FULL_WIDTH

# One colour per drawn layer, from light (first layer) to dark (last).
_SHADES = plt.get_cmap("viridis")


def log_magnitudes(values) -> np.ndarray:
    """log10 |x| of the nonzero entries of ``values`` (exact zeros dropped)."""
    flat = np.abs(np.asarray(values, dtype=float).ravel())
    return np.log10(flat[flat > 0])


def layer_histograms(rows, layers, activation_bins, gradient_bins,
                     positive_only=()):
    """A grid of histograms: one row per network, activations left, errors right.

    * ``rows``: dict title -> (activations, deltas), where ``activations[l]``
      and ``deltas[l]`` are the feature rows of A^[l] and of
      Delta^[l] = dJ/dZ^[l] (any shapes) for l = 1 .. L;
    * ``layers``: which layers to draw (1-based), one outline each;
    * ``activation_bins``: bin edges for the values of A^[l], or a dict
      title -> bin edges, one per row;
    * ``gradient_bins``: bin edges for log10 |delta| (see
      :func:`log_magnitudes`);
    * ``positive_only``: titles of the rows whose activations are drawn
      without their exact zeros (ReLU: the units that are off), which would
      otherwise dwarf the rest; the panel title then says ``A > 0``.

    Every histogram is normalised to a density, so that layers with
    different numbers of entries compare. Returns a figure of
    ``len(rows)`` x 2 panels, ``FULL_WIDTH`` wide.
    """
    n = len(rows)
    with plt.rc_context(PANEL_FONTS):
        fig, axes = plt.subplots(n, 2, figsize=(FULL_WIDTH, 2.5 * n + 0.6),
                                 squeeze=False)
        for r, (title, (activations, deltas)) in enumerate(rows.items()):
            ax_a, ax_d = axes[r]
            a_bins = (activation_bins[title] if isinstance(activation_bins, dict)
                      else activation_bins)
            for k, l in enumerate(layers):
                colour = _SHADES(k / max(len(layers) - 1, 1) * 0.85)
                label = f"$l = {l}$"
                values = np.ravel(activations[l - 1])
                if title in positive_only:
                    values = values[values > 0]
                ax_a.hist(values, bins=a_bins,
                          density=True, histtype="step", lw=1.6,
                          color=colour, label=label)
                ax_d.hist(log_magnitudes(deltas[l - 1]), bins=gradient_bins,
                          density=True, histtype="step", lw=1.6,
                          color=colour, label=label)
            ax_a.set_title(f"{title}: $A^{{[l]}}$"
                           + (" > 0" if title in positive_only else ""))
            ax_d.set_title(f"{title}: $\\log_{{10}} |\\delta^{{[l]}}|$")
            for ax in (ax_a, ax_d):
                ax.set_yticks([])
                ax.grid(False)
        axes[0, 1].legend(loc="upper left", fontsize=11, handlelength=1.2,
                          ncol=1, frameon=False)
        fig.tight_layout()
    plt.close(fig)
    return fig
