"""Shape block diagrams: matrix products and layers drawn as grids of cells.

Used by the matrix-notation chapter (``book/04_backprop_matrix.ipynb``) for
Z = W A, dJ/dW = Delta A^T and dJ/dA = W^T Delta, and by the layers chapter
(``book/05_layers.ipynb``) for the Linear and Activation layers and the
Sequential pipeline. Every function takes the arrays the chapter computed
with mfnet (and asserted): a block has exactly as many cells as its array has
entries, the size written under it is the array's shape, and row 0 (mfnet's
bias row) is drawn in its own colour. Each function returns the figure,
closed, so that the notebook shows it once when it is the cell's value.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import FancyArrowPatch, Rectangle

from .style import COLORS, FULL_WIDTH

CELL = 0.26            # inches per matrix cell (at most; shrunk to fit the width)
BIAS = "#BBBBBB"       # row 0: the bias row of ones, or the row (1, 0, ..., 0) of W
ZERO = "#FFFFFF"       # row 0 of an error or gradient: set to 0 (stop-gradient)
PLAIN = "#E8F1F8"      # any other entry
SUMMED = COLORS[4]     # the axis a product sums over (orange)
PICKED = COLORS[1]     # the one entry of the result that the shaded cells make
BLUE = COLORS[0]

__all__ = ["product_diagram", "layer_diagram", "pipeline_diagram", "shape_text"]


def shape_text(shape) -> str:
    """The size label written under a block: ``'5 x 4'`` for shape (5, 4) (with a times sign)."""
    rows, cols = shape
    return f"{rows} \u00d7 {cols}"


def _block(ax, x0, y_mid, shape, name, row0="bias", shade=None, pick=None, cell=CELL):
    """One matrix as a grid of cells, left edge at x0, centred on y_mid.

    * ``row0``: ``"bias"`` (grey row 0), ``"bias col"`` (grey column 0: the bias
      row of a transposed matrix), ``"zero"`` (row 0 white, marked 0) or None;
    * ``shade``: ``("row", j)`` or ``("col", k)``: that row or column is shaded
      as the axis the product sums over; ``("rows", None)``/``("cols", None)``
      shades the whole axis lightly;
    * ``pick``: (j, k) of one entry to mark as the result of the shaded sum.

    Returns the right edge x (inches).
    """
    rows, cols = shape
    top = y_mid + rows * cell / 2
    for j in range(rows):
        for k in range(cols):
            face = PLAIN
            if (j == 0 and row0 == "bias") or (k == 0 and row0 == "bias col"):
                face = BIAS
            elif j == 0 and row0 == "zero":
                face = ZERO
            alpha = 1.0
            if shade is not None:
                kind, index = shade
                if (kind == "row" and j == index) or (kind == "col" and k == index):
                    face = SUMMED
            if pick is not None and (j, k) == tuple(pick):
                face = PICKED
            ax.add_patch(Rectangle((x0 + k * cell, top - (j + 1) * cell), cell, cell,
                                   facecolor=face, edgecolor="0.45", lw=0.6, alpha=alpha))
    if row0 == "zero":
        ax.text(x0 + cols * cell / 2, top - cell / 2, "0", ha="center", va="center",
                fontsize=12, color="0.35")
    ax.add_patch(Rectangle((x0, top - rows * cell), cols * cell, rows * cell,
                           facecolor="none", edgecolor="black", lw=1.2))
    ax.text(x0 + cols * cell / 2, top + 0.08, name, ha="center", va="bottom", fontsize=12)
    ax.text(x0 + cols * cell / 2, top - rows * cell - 0.08, shape_text(shape),
            ha="center", va="top", fontsize=12, gid="shape")
    return x0 + cols * cell


def _visible_length(text: str) -> int:
    """About how many characters a mathtext string shows (commands, braces, ^ _ $ dropped)."""
    import re
    return len(re.sub(r"\\[a-zA-Z]+|[{}^_$]|\\,", "", text))


def _operator(ax, x, y, text, width=0.34):
    ax.text(x + width / 2, y, text, ha="center", va="center", fontsize=14)
    return x + width


def _canvas(width, height):
    fig = plt.figure(figsize=(width, height))
    ax = fig.add_axes([0, 0, 1, 1])
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig, ax


def product_diagram(rows, cell=None, width=FULL_WIDTH):
    """One or more matrix products ``C = P Q``, one product per row of the figure.

    ``rows`` is a list of dicts, one per product, with keys

    * ``"result"``, ``"left"``, ``"right"``: ``(name, array, row0)``, where
      ``name`` is a mathtext label, ``array`` the matrix the chapter computed
      (only its shape is drawn) and ``row0`` as in the bias-row convention:
      ``"bias"``, ``"zero"`` or None;
    * ``"summed"``: ``(j, k)``: the row j of the left factor and column k of
      the right factor are shaded (the axis the product sums over) and entry
      (j, k) of the result is marked;
    * ``"note"``: a short mathtext line written under the product.

    The cells are square, ``cell`` inches wide (chosen to fit ``width``).
    """
    def cols_of(r):
        return sum(np.shape(r[key][1])[1] for key in ("result", "left", "right"))
    max_cols = max(cols_of(r) for r in rows)
    if cell is None:
        cell = min(CELL, (width - 2 * 0.34 - 0.5) / max_cols)
    # as wide as the content (and its longest note), so that a phone shrinks it least
    width = min(width, max(max_cols * cell + 2 * 0.34 + 0.3,
                           max(0.09 * _visible_length(r.get("note", "")) for r in rows)))
    heights = [max(np.shape(r[key][1])[0] for key in ("result", "left", "right")) * cell + 1.1
               for r in rows]
    fig, ax = _canvas(width, sum(heights))
    y_top = sum(heights)
    for r, h in zip(rows, heights):
        y_mid = y_top - h / 2 + 0.05
        total = cols_of(r) * cell + 2 * 0.34
        x = (width - total) / 2
        j, k = r.get("summed", (None, None))
        name, array, row0 = r["result"]
        x = _block(ax, x, y_mid, np.shape(array), name, row0,
                   pick=None if j is None else (j, k), cell=cell)
        x = _operator(ax, x, y_mid, "=")
        name, array, row0 = r["left"]
        x = _block(ax, x, y_mid, np.shape(array), name, row0,
                   shade=None if j is None else ("row", j), cell=cell)
        x = _operator(ax, x, y_mid, r"$\cdot$")
        name, array, row0 = r["right"]
        _block(ax, x, y_mid, np.shape(array), name, row0,
               shade=None if k is None else ("col", k), cell=cell)
        if r.get("note"):
            ax.text(width / 2, y_top - h + 0.02, r["note"], ha="center", va="bottom",
                    fontsize=12)
        y_top -= h
    plt.close(fig)
    return fig


def layer_diagram(blocks, width=FULL_WIDTH):
    """A chain of layers: blocks joined by labelled arrows, forward above, backward below.

    ``blocks`` is a list of ``(name, array, row0)`` for the arrays that flow
    (the input, then each layer's output), and between two consecutive blocks
    ``(forward_label, backward_label)`` strings: so the list alternates block,
    labels, block, labels, ... block. The backward labels are written under
    the arrows pointing left.
    """
    arrays = blocks[0::2]
    labels = blocks[1::2]
    total_cols = sum(np.shape(a[1])[1] for a in arrays)
    gap = 1.15
    cell = min(CELL, (width - gap * len(labels) - 0.2) / total_cols)
    width = min(width, total_cols * cell + gap * len(labels) + 0.3)
    rows = max(np.shape(a[1])[0] for a in arrays)
    height = rows * cell + 1.25
    fig, ax = _canvas(width, height)
    y_mid = height / 2 + 0.05
    x = (width - total_cols * cell - gap * len(labels)) / 2
    for index, (name, array, row0) in enumerate(arrays):
        x = _block(ax, x, y_mid, np.shape(array), name, row0, cell=cell)
        if index < len(labels):
            forward, backward = labels[index]
            ax.add_patch(FancyArrowPatch((x + 0.08, y_mid + 0.16), (x + gap - 0.08, y_mid + 0.16),
                                         arrowstyle="-|>", mutation_scale=12, color=BLUE, lw=1.5))
            ax.text(x + gap / 2, y_mid + 0.24, forward, ha="center", va="bottom",
                    fontsize=12, color=BLUE)
            if backward:
                ax.add_patch(FancyArrowPatch((x + gap - 0.08, y_mid - 0.16),
                                             (x + 0.08, y_mid - 0.16), arrowstyle="-|>",
                                             mutation_scale=12, color=PICKED, lw=1.5))
                ax.text(x + gap / 2, y_mid - 0.24, backward, ha="center", va="top",
                        fontsize=12, color=PICKED)
            x += gap
    plt.close(fig)
    return fig


def pipeline_diagram(names, shapes, width=FULL_WIDTH, backward_skipped=True):
    """Sequential as a pipeline: one box per layer, the array shapes on the wires.

    * ``names``: the layers' names as mfnet prints them (``"Linear(4, 6)"``);
    * ``shapes``: the shapes of the arrays between them, one more than
      ``names`` (the input first), as measured on the chapter's batch;
    * ``backward_skipped``: draw the backward wire into the input dashed and
      marked as not computed (what ``Sequential.backward`` skips).

    Forward runs left to right above the boxes, backward right to left below.
    """
    n = len(names)
    per_row = 2                     # two layers per line: legible on a phone
    rows = -(-n // per_row)
    box_w, box_h, wire = 1.3, 0.55, 0.8
    width = min(width, 0.2 + per_row * (box_w + wire) + wire)
    line_h = box_h + 0.8
    height = rows * line_h + 0.45
    fig, ax = _canvas(width, height)
    for index, name in enumerate(names):
        r, c = divmod(index, per_row)
        y = height - 0.1 - r * line_h - line_h / 2
        x = 0.1 + wire + c * (box_w + wire)
        ax.add_patch(Rectangle((x, y - box_h / 2), box_w, box_h, facecolor=PLAIN,
                               edgecolor="black", lw=1.0))
        ax.text(x + box_w / 2, y, name, ha="center", va="center", fontsize=12)
        # the wire into this box carries shapes[index]
        x_in = x - wire
        ax.add_patch(FancyArrowPatch((x_in + 0.04, y + 0.13), (x - 0.04, y + 0.13),
                                     arrowstyle="-|>", mutation_scale=10, color=BLUE, lw=1.3))
        ax.text(x_in + wire / 2, y + 0.2, shape_text(shapes[index]), ha="center",
                va="bottom", fontsize=12, color=BLUE, gid="shape")
        skipped = backward_skipped and index == 0
        ax.add_patch(FancyArrowPatch((x - 0.04, y - 0.13), (x_in + 0.04, y - 0.13),
                                     arrowstyle="-|>", mutation_scale=10, color=PICKED, lw=1.3,
                                     linestyle="--" if skipped else "-",
                                     alpha=0.5 if skipped else 1.0))
        ax.text(x_in + wire / 2, y - 0.2, "skipped" if skipped else shape_text(shapes[index]),
                ha="center", va="top", fontsize=12, color=PICKED,
                gid=None if skipped else "shape")
        if index == n - 1 or c == per_row - 1:
            x_out = x + box_w
            ax.add_patch(FancyArrowPatch((x_out + 0.04, y + 0.13), (x_out + wire - 0.04, y + 0.13),
                                         arrowstyle="-|>", mutation_scale=10, color=BLUE,
                                         lw=1.3))
            ax.add_patch(FancyArrowPatch((x_out + wire - 0.04, y - 0.13), (x_out + 0.04, y - 0.13),
                                         arrowstyle="-|>", mutation_scale=10, color=PICKED,
                                         lw=1.3))
            if index == n - 1:
                ax.text(x_out + wire / 2, y + 0.2, shape_text(shapes[index + 1]),
                        ha="center", va="bottom", fontsize=12, color=BLUE, gid="shape")
                ax.text(x_out + wire / 2, y - 0.2, shape_text(shapes[index + 1]),
                        ha="center", va="top", fontsize=12, color=PICKED, gid="shape")
    ax.text(0.1, 0.12, "forward: activations", color=BLUE, fontsize=12, va="bottom")
    ax.text(width - 0.1, 0.12, r"backward: $\partial J/\partial(\cdot)$", color=PICKED,
            fontsize=12, va="bottom", ha="right")
    plt.close(fig)
    return fig
