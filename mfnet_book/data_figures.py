"""Pictures of the data and of what the networks learned (chapters 11 and 12).

Every function takes the arrays the chapter computed (with mfnet) and returns
a matplotlib figure drawn in the book's style; nothing here computes a result
of its own beyond what is drawn (histogram counts, image reshapes). The
notebooks show the figure with ``plt.show()``; the tests in
``tests/test_figures_c4.py`` check that what is drawn equals the input.
"""
from __future__ import annotations

import numpy as np

from .style import COLORS, FULL_WIDTH

__all__ = ["feature_histograms", "learning_curves", "prediction_residuals",
           "digit_grid", "misclassified_digits", "first_layer_weights",
           "confusion_figure", "landing_picture"]


def _plt():
    import matplotlib.pyplot as plt
    return plt


def feature_histograms(X, y, names, target_name="target", bins=40, cap=None):
    """Histograms of every feature (columns of ``X``) and of the target ``y``.

    One small panel per column, three per row, counts on a log scale so that
    long tails stay visible. ``cap``, if given, marks the censoring value of the
    target with a vertical line. Returns the figure.
    """
    plt = _plt()
    X = np.asarray(X, dtype=float)
    columns = [X[:, j] for j in range(X.shape[1])] + [np.asarray(y, dtype=float)]
    labels = list(names) + [target_name]
    n_rows = -(-len(columns) // 3)
    fig, axes = plt.subplots(n_rows, 3, figsize=(FULL_WIDTH, 1.9 * n_rows))
    for ax, col, label in zip(axes.flat, columns, labels):
        color = COLORS[1] if label == target_name else COLORS[0]
        ax.hist(col, bins=bins, color=color)
        ax.set_yscale("log")
        ax.set_title(label, fontsize=13)
        ax.tick_params(labelsize=12)
        ax.locator_params(axis="x", nbins=3)
        ax.grid(False)
        if cap is not None and label == target_name:
            ax.axvline(cap, color="black", linewidth=1.2, linestyle="--")
    for ax in list(axes.flat)[len(columns):]:
        ax.axis("off")
    fig.supylabel("count (log scale)", fontsize=13)
    fig.tight_layout()
    return fig


def learning_curves(curves, ylabel="training loss $J$", logy=True):
    """One line per entry of ``curves`` ({label: loss per epoch}), epochs from 1."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(FULL_WIDTH, 3.6))
    styles = [dict(marker="o", linestyle="-"), dict(marker="x", linestyle="--", markersize=9),
              dict(marker="s", linestyle=":")]
    for (label, curve), style in zip(curves.items(), styles * len(curves)):
        curve = np.asarray(curve, dtype=float)
        ax.plot(np.arange(1, len(curve) + 1), curve, label=label, **style)
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel(ylabel)
    ax.legend()
    fig.tight_layout()
    return fig


def prediction_residuals(y_true, y_pred, cap=None, label="mfnet"):
    """Predicted against true value (left) and the residuals' histogram (right), stacked.

    Residual means prediction minus truth. ``cap`` marks the censored target
    value. Returns the figure.
    """
    plt = _plt()
    y_true, y_pred = np.asarray(y_true, dtype=float), np.asarray(y_pred, dtype=float)
    residual = y_pred - y_true
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(FULL_WIDTH, 6.4))
    lim = [min(y_true.min(), y_pred.min()) - 0.1, max(y_true.max(), y_pred.max()) + 0.1]
    ax1.scatter(y_true, y_pred, s=3, alpha=0.3, color=COLORS[0], rasterized=True)
    ax1.plot(lim, lim, color="black", linewidth=1, label="prediction = truth")
    if cap is not None:
        ax1.axvline(cap, color=COLORS[1], linewidth=1.2, linestyle="--",
                    label="censoring cap")
    ax1.set_xlim(lim)
    ax1.set_ylim(lim)
    ax1.set_xlabel("true value (100,000 USD)")
    ax1.set_ylabel("predicted value")
    ax1.legend(loc="upper left")
    ax2.hist(residual, bins=60, color=COLORS[0])
    ax2.axvline(0.0, color="black", linewidth=1)
    ax2.set_xlabel(f"residual: predicted minus true value ({label})")
    ax2.set_ylabel("test block groups")
    fig.tight_layout()
    return fig


def _image_axes(n, columns, height_per_row, width=FULL_WIDTH):
    plt = _plt()
    rows = -(-n // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(width, height_per_row * rows),
                             squeeze=False)
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)
        for spine in ax.spines.values():
            spine.set_visible(False)
    return fig, axes


def digit_grid(images, labels, columns=8):
    """Images (rows of 784 pixels) as 28 x 28 pictures, each titled with its label."""
    images = np.asarray(images)
    fig, axes = _image_axes(len(images), columns, 1.05 * 8 / columns)
    for ax, image, label in zip(axes.flat, images, labels):
        ax.imshow(image.reshape(28, 28), cmap="gray_r", vmin=0.0, vmax=1.0)
        ax.set_title(str(int(label)), fontsize=16, pad=2)
    for ax in list(axes.flat)[len(images):]:
        ax.axis("off")
    fig.tight_layout(pad=0.3)
    return fig


def misclassified_digits(images, true, predicted, columns=6):
    """Misclassified images titled ``true → predicted`` (both computed by the chapter)."""
    images = np.asarray(images)
    fig, axes = _image_axes(len(images), columns, 1.4)
    for ax, image, t, p in zip(axes.flat, images, true, predicted):
        ax.imshow(image.reshape(28, 28), cmap="gray_r", vmin=0.0, vmax=1.0)
        ax.set_title(f"{int(t)} \u2192 {int(p)}", fontsize=16, pad=2)
    for ax in list(axes.flat)[len(images):]:
        ax.axis("off")
    fig.tight_layout(pad=0.3)
    return fig


def first_layer_weights(W, n_units=16, columns=8):
    """Rows 1..n_units of a first-layer weight matrix W (n+1, 785) as 28 x 28 images.

    Column 0 (the bias) is left out; each image uses one symmetric colour scale
    (blue negative, red positive) shared by all units, so that strengths compare.
    W may also be a difference of two weight matrices (what training changed).
    """
    plt = _plt()
    W = np.asarray(W, dtype=float)
    images = W[1:n_units + 1, 1:]
    scale = float(np.abs(images).max())
    fig, axes = _image_axes(len(images), columns, 0.9 * 8 / columns)
    for ax, (j, w) in zip(axes.flat, enumerate(images, start=1)):
        shown = ax.imshow(w.reshape(28, 28), cmap="RdBu_r", vmin=-scale, vmax=scale)
        ax.set_title(f"j = {j}", fontsize=14, pad=2)
    fig.tight_layout(pad=0.3, rect=(0, 0, 0.9, 1))
    cax = fig.add_axes((0.92, 0.12, 0.02, 0.76))
    fig.colorbar(shown, cax=cax)
    cax.tick_params(labelsize=11)
    return fig


def confusion_figure(C):
    """The confusion matrix C (true class in rows) with its counts written in the cells."""
    plt = _plt()
    C = np.asarray(C)
    n = C.shape[0]
    fig, ax = plt.subplots(figsize=(FULL_WIDTH, 5.6))
    ax.imshow(np.log1p(C), cmap="Blues")
    threshold = np.log1p(C.max()) / 2
    for i in range(n):
        for j in range(n):
            ax.text(j, i, str(int(C[i, j])), ha="center", va="center", fontsize=11,
                    color="white" if np.log1p(C[i, j]) > threshold else "black")
    ax.set_xticks(range(n))
    ax.set_yticks(range(n))
    ax.set_xlabel("predicted digit")
    ax.set_ylabel("true digit")
    ax.grid(False)
    fig.tight_layout()
    return fig


def landing_picture(path, sizes=(3, 4, 4, 2)):
    """The landing page's picture, saved as a 2x PNG at ``path``: a small network, both passes.

    A fully-connected network with layer sizes ``sizes`` (bias nodes omitted):
    the forward pass drawn as blue arrows from left to right, labelled with
    Z = W A, and the backward pass as orange arrows from right to left,
    labelled with the Delta recursion of chapter 4. A schematic: it carries no
    computed numbers. Used by ``python -m mfnet_book.data_figures``.
    """
    from matplotlib.patches import FancyArrowPatch

    from .style import use_book_style
    use_book_style()
    plt = _plt()
    fig, ax = plt.subplots(figsize=(FULL_WIDTH, 3.0))
    ax.set_axis_off()
    xs = np.arange(len(sizes)) * 2.2
    nodes = [[(x, (n - 1) / 2 - k) for k in range(n)] for x, n in zip(xs, sizes)]
    for left, right in zip(nodes[:-1], nodes[1:]):
        for a in left:
            for b in right:
                ax.plot([a[0], b[0]], [a[1], b[1]], color="0.75", linewidth=0.8, zorder=1)
    for l, layer in enumerate(nodes):
        for x, y in layer:
            ax.add_patch(plt.Circle((x, y), 0.22, facecolor="white", edgecolor="black",
                                    linewidth=1.3, zorder=2))
        ax.text(xs[l], -max(sizes) / 2 - 0.35, f"$A^{{[{l}]}}$", ha="center", fontsize=13)
    top = max(sizes) / 2 + 0.25
    bottom = -max(sizes) / 2 - 0.95
    forward = FancyArrowPatch((xs[0], top), (xs[-1], top), arrowstyle="-|>", mutation_scale=18,
                              color=COLORS[0], linewidth=2)
    backward = FancyArrowPatch((xs[-1], bottom), (xs[0], bottom), arrowstyle="-|>",
                               mutation_scale=18, color=COLORS[1], linewidth=2)
    ax.add_patch(forward)
    ax.add_patch(backward)
    ax.text(xs.mean(), top + 0.2, r"forward: $Z^{[l]} = W^{[l]} A^{[l-1]}$, "
            r"$A^{[l]} = g(Z^{[l]})$", ha="center", va="bottom", fontsize=13, color=COLORS[0])
    ax.text(xs.mean(), bottom - 0.2, r"backward: $\Delta^{[l-1]} = (W^{[l]\top} \Delta^{[l]}) "
            r"\odot g'(Z^{[l-1]})$", ha="center", va="top", fontsize=13, color=COLORS[1])
    ax.set_xlim(xs[0] - 0.6, xs[-1] + 0.6)
    ax.set_ylim(bottom - 0.9, top + 0.9)
    ax.set_aspect("equal")
    fig.savefig(path, dpi=200, facecolor="white", bbox_inches="tight", pad_inches=0.05,
                metadata={"Software": None})
    plt.close(fig)


if __name__ == "__main__":  # python -m mfnet_book.data_figures: the landing picture
    import sys
    from pathlib import Path

    out = Path(sys.argv[1]) if len(sys.argv) > 1 else (
        Path(__file__).resolve().parent.parent / "book" / "images" / "landing-network.png")
    out.parent.mkdir(parents=True, exist_ok=True)
    landing_picture(out)
    print(f"wrote {out}")
