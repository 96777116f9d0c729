"""Pictures of the speed chapter (chapter 13): grouped bars and the sweeps with the cost model.

The functions draw what the chapter measured with ``benchmarks/speed.py``
and the cost model (13.3) fitted to those times; they compute nothing of their own.
``tests/test_figures_c4.py`` checks that the drawn bars and labels are the
numbers passed in.
"""
from __future__ import annotations

import numpy as np

from .style import COLORS, FULL_WIDTH

__all__ = ["STYLES", "speed_bars", "sweep_figure"]

#: One colour and marker per implementation of the benchmark (unknown names get grey).
STYLES = {
    "mfnet": dict(color=COLORS[0], marker="o"),
    "book loop": dict(color=COLORS[4], marker="D"),
    "numpy loop": dict(color=COLORS[1], marker="s"),
    "torch float32": dict(color=COLORS[2], marker="^"),
    "torch float64": dict(color=COLORS[3], marker="v"),
}


def _style(name):
    return STYLES.get(name, dict(color="0.5", marker="x"))


def speed_bars(ms, configs, implementations, ylabel="milliseconds per epoch"):
    """Grouped bars: one group per configuration, one bar per implementation.

    ``ms[config][implementation]`` is the time to draw (milliseconds per
    epoch); each bar carries its value as a label (one decimal). Returns the figure.
    """
    import matplotlib.pyplot as plt

    n = len(implementations)
    width = 0.8 / n
    fig, ax = plt.subplots(figsize=(FULL_WIDTH, 4.2))
    x = np.arange(len(configs))
    for k, impl in enumerate(implementations):
        heights = [ms[c][impl] for c in configs]
        bars = ax.bar(x + (k - (n - 1) / 2) * width, heights, width * 0.95,
                      label=impl, color=_style(impl)["color"])
        ax.bar_label(bars, labels=[f"{h:.1f}" for h in heights], fontsize=11,
                     padding=2, rotation=90)
    ax.set_xticks(x, [f"{c} configuration" for c in configs])
    ax.set_ylabel(ylabel)
    top = max(ms[c][i] for c in configs for i in implementations)
    ax.set_ylim(0, 1.35 * top)
    ax.grid(False, axis="x")
    ax.legend(ncol=2, loc="upper left", fontsize=11)
    fig.tight_layout()
    return fig


def _log_axes(ax, xs):
    import matplotlib.ticker as mticker

    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xticks(xs, [str(x) for x in xs])
    ax.xaxis.set_minor_locator(mticker.NullLocator())
    ax.yaxis.set_major_locator(mticker.LogLocator(subs=(1, 2, 5)))
    ax.yaxis.set_major_formatter(mticker.FormatStrFormatter("%g"))
    ax.yaxis.set_minor_formatter(mticker.NullFormatter())


def sweep_figure(widths, batch_sizes, measured, model, implementations,
                 seed_width=32, seed_batch=32, samples=None):
    """Two stacked log-log panels: time per epoch against hidden width, then against batch size.

    ``measured[(width, batch)][impl]`` are measured seconds per epoch (drawn as
    markers); ``model(impl, width, batch)`` is the cost model's prediction in
    seconds (drawn as a dashed line through the same points). Returns the figure.
    """
    import matplotlib.pyplot as plt

    fig, (top, bottom) = plt.subplots(2, 1, figsize=(FULL_WIDTH, 8.2))
    panels = [(top, widths, lambda w: (w, seed_batch),
               f"hidden width $n^{{[1]}}$ (batch size {seed_batch})"),
              (bottom, batch_sizes, lambda b: (seed_width, b),
               f"batch size $m$ (hidden width {seed_width})")]
    for ax, xs, point, xlabel in panels:
        for impl in implementations:
            style = _style(impl)
            ys = [measured[point(x)][impl] * 1e3 for x in xs]
            ax.plot(xs, ys, linestyle="none", marker=style["marker"], markersize=7,
                    color=style["color"], label=impl)
            ax.plot(xs, [model(impl, *point(x)) * 1e3 for x in xs], linestyle="--",
                    linewidth=1.4, color=style["color"])
        _log_axes(ax, xs)
        ax.set_xlabel(xlabel)
        per = f" ({samples:,} samples)" if samples else ""
        ax.set_ylabel(f"ms per epoch{per}")
    top.plot([], [], linestyle="--", color="black", linewidth=1.4, label="fitted model")
    top.legend(ncol=2, fontsize=11, loc="lower right")
    fig.tight_layout()
    return fig
