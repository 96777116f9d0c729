"""The book's figure style: one look for every chapter, sharp on any screen.

Sizes are in inches at 100 CSS px per inch, so a figure of ``FULL_WIDTH``
inches is displayed 660 px wide, the width of the article column at 1280 px.
Fonts of 12 pt then show at 16-17 px, the body text's size. Figures are PNGs at
twice that resolution ("retina"), so they stay sharp on high-density screens
and in the PDF, and they are drawn on white, which also reads in dark mode.
"""
from __future__ import annotations

import logging

import matplotlib as mpl

FULL_WIDTH = 6.6   # inches: the article column at 1280 px
HALF_WIDTH = 3.3   # inches: one panel of two side by side

# Colour-blind-safe palette (Okabe and Ito), in the order the figures use it.
COLORS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]

RC = {
    "figure.figsize": (FULL_WIDTH, 3.6),
    "figure.dpi": 100,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "savefig.bbox": "tight",
    "font.size": 12,
    "axes.titlesize": 12,
    "axes.labelsize": 12,
    "xtick.labelsize": 11,
    "ytick.labelsize": 11,
    "legend.fontsize": 11,
    "axes.prop_cycle": mpl.cycler(color=COLORS),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "lines.linewidth": 2.0,
    "image.cmap": "viridis",
    "svg.hashsalt": "mfnet-book",
    # Fonts embedded as TrueType in the PDF figures: text stays text.
    "pdf.fonttype": 42,
}


def use_book_style() -> None:
    """Apply the book's rcParams; inline figures become 2x PNGs, with a vector
    PDF copy for the PDF edition (call once per notebook)."""
    mpl.rcParams.update(RC)
    # Embedding fonts in the PDF copies, fontTools warns on stderr that a
    # font's creation date "seems very low": harmless, and not for the page.
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    try:
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:  # outside Jupyter: nothing to configure
        return
    # 2x PNG for the pages, and a PDF (vector) copy that the PDF edition
    # prints instead (_config.yml: nb_mime_priority_overrides); without a
    # creation date, so that executing a notebook again stores the same bytes.
    set_matplotlib_formats("retina", "pdf", metadata={"CreationDate": None})
    # matplotlib-inline resets some rcParams when its backend loads; apply ours again.
    mpl.rcParams.update(RC)


def diagram_canvas(width: float, height: float, equal_aspect: bool = False):
    """A figure and one axis-free Axes for a diagram drawn in inches.

    The Axes spans the figure with data coordinates x in [0, width] and
    y in [-height, 0] (drawing downwards from the top). The canvas is 0.2 in
    smaller than that: with the 0.1 in savefig adds on each side, the PNG
    stays within ``width`` inches (so ``FULL_WIDTH`` fits the column).
    """
    import matplotlib.pyplot as plt

    scale = (width - 0.2) / width
    fig = plt.figure(figsize=(width * scale, height * scale))
    ax = fig.add_axes([0, 0, 1, 1])
    ax.set_xlim(0, width)
    ax.set_ylim(-height, 0)
    if equal_aspect:
        ax.set_aspect("equal")
    ax.axis("off")
    return fig, ax
