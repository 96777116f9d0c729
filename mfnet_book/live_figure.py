"""A live figure of backpropagation: sliders, a network drawing, every number recomputed.

:func:`backprop_widget` returns an object that Jupyter and myst-nb display as
one ``display_data`` output with two representations:

* ``text/html``: the live figure, plain SVG and a classic inline ``<script>``
  (no framework, no module, nothing loaded from the network, so it works from
  ``file://`` in the offline archive). The reader picks a sample, moves its
  features or any weight with a slider, and the script recomputes, in
  JavaScript float64, the forward pass, the MSE loss and the backward pass
  (``Delta`` per layer and ``dJ/dW``) of the same network, and writes the
  numbers onto the drawing;
* ``image/png``: the same drawing at its initial state, drawn by matplotlib
  from mfnet's own forward and backward pass, for the PDF (LaTeX takes the
  PNG, HTML the widget).

Every number the script writes is a ``<text>`` element with ``data-q`` (what
it is: ``a`` a unit's value, ``d`` a neuron's error, ``w`` a weight, ``g``
its gradient, ``y`` a target, ``J`` the loss), ``data-l``, ``data-j``,
``data-k`` (layer, row, column) and ``data-value``, the full float64
(JavaScript's shortest round-trip form), so that ``tests/test_live_figure.py``
can compare the figure with mfnet and with finite differences.

The network is the one of chapter 6: Linear layers with identity
activations, samples as columns, row 0 the bias row, the loss
``J = 1/(2m) sum_i ||y_hat_i - y_i||^2``.
"""
from __future__ import annotations

import base64
import hashlib
import html
import io
import json
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

__all__ = ["backprop_widget", "BackpropWidget", "descent_widget",
           "DescentWidget"]

# Layout, in SVG user units (the viewBox is WIDTH wide; at 390 px the figure
# is about 350 px wide, so FONT units show at about 12 px).
WIDTH = 360
FONT = 12.5
BOX_W, BOX_H = 70, 40        # a neuron: value over error
IN_H = 26                    # an input unit: value only
BIAS_W, BIAS_H = 30, 24
TOP = 24                     # room for the layer names
GAP_LAST = 120               # the last gap: every arrow meets one output

INK = "#333333"
GRAD = "#B2182B"             # gradients and errors, as in figure 6.2
BIAS = "#E08214"


def _fmt(x: float) -> str:
    """A drawn number: 4 significant digits, typographic minus, no -0.

    The script's rule, ``Number(x.toPrecision(4))``: the exact binary value
    rounded half away from zero (Python's own formatting rounds half to
    even: -18.125 would be -18.12 here and -18.13 in the browser).
    """
    d = Decimal(float(x))
    if d == 0:
        return "0"
    exponent = d.adjusted() - 3                  # keep 4 significant digits
    v = float(d.quantize(Decimal(1).scaleb(exponent), rounding=ROUND_HALF_UP))
    if v == 0:
        return "0"
    text = np.format_float_positional(v, trim="-")   # JavaScript's String()
    return text.replace("-", "\u2212")


def _check(weights, inputs, targets):
    """The matrices as float64 arrays; a clear error for anything else."""
    if hasattr(weights, "linear_layers"):          # an mfnet.Sequential
        import mfnet
        others = [layer for layer in weights.layers
                  if not isinstance(layer, (mfnet.Linear, mfnet.Identity))]
        if others:
            raise ValueError(
                "backprop_widget: the live figure recomputes identity "
                f"activations only; the model has {type(others[0]).__name__}. "
                "Pass a Sequential of Linear and Identity layers.")
        weights = [layer.W for layer in weights.linear_layers]
    Ws = [np.array(W, dtype=np.float64) for W in weights]
    if not Ws:
        raise ValueError("backprop_widget: weights is empty; pass a list of "
                         "the W of each Linear layer, first layer first")
    A0 = np.array(inputs, dtype=np.float64)
    Y = np.array(targets, dtype=np.float64)
    for name, M in [("inputs", A0), ("targets", Y)] + [
            (f"weights[{i}]", W) for i, W in enumerate(Ws)]:
        if M.ndim != 2 or not np.all(np.isfinite(M)):
            raise ValueError(f"backprop_widget: {name} must be a finite 2-D "
                             f"array, got shape {M.shape}")
    rows = A0.shape[0]
    for i, W in enumerate(Ws):
        if W.shape[1] != rows:
            raise ValueError(
                f"backprop_widget: weights[{i}] has shape {W.shape}, but its "
                f"input has {rows} rows (bias row included): W^[l] must be "
                "(n^[l] + 1) x (n^[l-1] + 1)")
        if W[0, 0] != 1 or np.any(W[0, 1:] != 0):
            raise ValueError(f"backprop_widget: row 0 of weights[{i}] is "
                             f"{W[0].tolist()}, not (1, 0, ..., 0)")
        rows = W.shape[0]
    if Y.shape != (rows, A0.shape[1]):
        raise ValueError(
            f"backprop_widget: targets have shape {Y.shape}, the network "
            f"gives {(rows, A0.shape[1])} (augmented: row 0 of ones on top)")
    for name, M in (("inputs", A0), ("targets", Y)):
        if np.any(M[0] != 1):
            raise ValueError(
                f"backprop_widget: row 0 of {name} is not all ones; pass "
                "augmented matrices, e.g. mfnet.augment(X) (samples as rows)")
    return Ws, A0, Y


def _mfnet_pass(Ws, A0, Y):
    """Activations, errors, gradients and loss, by mfnet's own layers."""
    import mfnet
    layers = []
    for W in Ws:
        lin = mfnet.Linear(W.shape[1] - 1, W.shape[0] - 1, init="zeros")
        lin.W = W
        layers += [lin, mfnet.Identity()]
    net = mfnet.Sequential(*layers)
    loss = mfnet.MSE()
    As, Ds = [A0], []
    for lin, act in zip(layers[::2], layers[1::2]):
        As.append(act.forward(lin.forward(As[-1])))
    J = loss.forward(As[-1], Y)
    dA = loss.backward()
    for lin, act in zip(layers[-2::-2], layers[::-2]):
        Ds.insert(0, act.backward(dA))
        dA = lin.backward(Ds[0])
    dWs = [lin.dW.copy() for lin in net.linear_layers]
    return As, Ds, dWs, J


class _Layout:
    """Where every unit, arrow and label goes (vertical: input row on top)."""

    def __init__(self, sizes: list[int]) -> None:
        self.sizes = sizes                      # n^[0], ..., n^[L]
        L = len(sizes) - 1
        self.units = []                         # per row: [(x, kind)], kind
        for l, n in enumerate(sizes):           # 'bias' first, then units
            count = n + (l < L)
            xs = [WIDTH * (i + 0.5) / count for i in range(count)]
            kinds = (["bias"] if l < L else []) + ["unit"] * n
            self.units.append(list(zip(xs, kinds)))
        # Gap heights: labels of arrows leaving source k sit at a fraction
        # t_k of the arrow; groups must be a label's height apart.
        self.t = []
        self.y = [TOP + BIAS_H / 2 + 4]
        for l in range(1, L + 1):
            n_src = sizes[l - 1] + 1
            if sizes[l] == 1:
                ts, gap = [0.45] * n_src, GAP_LAST
            else:
                ts = [0.36 + 0.46 * k / (n_src - 1) for k in range(n_src)]
                gap = 34 * (n_src - 1) / 0.46 + BOX_H + 16
            self.t.append(ts)
            self.y.append(self.y[-1] + gap)
        self.height = self.y[-1] + BOX_H / 2 + 48

    def box(self, l: int, i: int) -> tuple[float, float, float, float]:
        """(x, y, w, h) of unit i of row l, centred at (x, y)."""
        x, kind = self.units[l][i]
        if kind == "bias":
            return x, self.y[l], BIAS_W, BIAS_H
        h = IN_H if l == 0 else BOX_H
        return x, self.y[l], BOX_W, h

    def arrows(self):
        """(l, j, k, x0, y0, x1, y1, label_x, label_y) of every arrow."""
        L = len(self.sizes) - 1
        out = []
        for l in range(1, L + 1):
            src = self.units[l - 1]
            tgt = [i for i, (_, kind) in enumerate(self.units[l])
                   if kind == "unit"]
            for k in range(len(src)):
                x0, y0, _, h0 = self.box(l - 1, k)
                for j, i in enumerate(tgt, start=1):
                    x1, y1, _, h1 = self.box(l, i)
                    y0b, y1t = y0 + h0 / 2, y1 - h1 / 2 - 3
                    t = self.t[l - 1][k]
                    out.append((l, j, k, x0, y0b, x1, y1t,
                                x0 + t * (x1 - x0), y0b + t * (y1t - y0b)))
        return out


def _svg(layout: _Layout, values: dict, uid: str, label: str) -> str:
    """The SVG drawing; ``values`` gives the text of every number at start."""
    L = len(layout.sizes) - 1
    parts = [
        f'<svg class="mfnet-live-svg" viewBox="0 0 {WIDTH} '
        f'{layout.height:.0f}" role="img" aria-labelledby="{uid}-t">',
        f'<title id="{uid}-t">{html.escape(label)}</title>',
        '<defs><marker id="{0}-h" viewBox="0 0 10 10" refX="9" refY="5" '
        'markerWidth="6" markerHeight="6" orient="auto-start-reverse">'
        '<path d="M0,0 L10,5 L0,10 z" class="mf-arrowhead"/></marker>'
        '</defs>'.format(uid)]

    def text(x, y, q, l, j, k=None, cls="", anchor="middle"):
        key = (q, l, j, k)
        kk = "" if k is None else f' data-k="{k}"'
        return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" '
                f'class="mf-num {cls}" data-q="{q}" data-l="{l}" '
                f'data-j="{j}"{kk}>{values.get(key, "")}</text>')

    for l, j, k, x0, y0, x1, y1, _, _ in layout.arrows():
        dash = ' stroke-dasharray="4 3"' if k == 0 else ""
        parts.append(
            f'<line x1="{x0:.1f}" y1="{y0:.1f}" x2="{x1:.1f}" y2="{y1:.1f}" '
            f'class="mf-edge" data-l="{l}" data-j="{j}" data-k="{k}"'
            f'{dash} marker-end="url(#{uid}-h)"/>')
    for l, j, k, *_, lx, ly in layout.arrows():
        parts.append(f'<g class="mf-label" data-l="{l}" data-j="{j}" '
                     f'data-k="{k}">')
        parts.append(text(lx, ly - 1, "w", l, j, k, "mf-w"))
        parts.append(text(lx, ly + FONT, "g", l, j, k, "mf-g"))
        parts.append("</g>")
    names = ["input"] + [f"layer {l}" for l in range(1, L + 1)]
    for l, row in enumerate(layout.units):
        parts.append(f'<text x="4" y="{layout.y[l] - (IN_H if l == 0 else BOX_H) / 2 - 5:.1f}" '
                     f'class="mf-name">{names[l]}</text>')
        j = 0
        for i, (_, kind) in enumerate(row):
            x, y, w, h = layout.box(l, i)
            if kind == "bias":
                parts.append(
                    f'<rect x="{x - w / 2:.1f}" y="{y - h / 2:.1f}" '
                    f'width="{w}" height="{h}" rx="4" class="mf-bias"/>'
                    f'<text x="{x:.1f}" y="{y + 4.5:.1f}" text-anchor="middle"'
                    f' class="mf-num">1</text>')
                continue
            j += 1
            parts.append(
                f'<rect x="{x - w / 2:.1f}" y="{y - h / 2:.1f}" width="{w}" '
                f'height="{h}" rx="5" class="mf-unit mf-row{min(l, 2) if l < L else 3}"/>')
            if l == 0:
                parts.append(text(x, y + 4.5, "a", l, j, None, "mf-a"))
            else:
                parts.append(text(x, y - 3, "a", l, j, None, "mf-a"))
                parts.append(text(x, y + FONT + 0.5, "d", l, j, None, "mf-g"))
    x, y, w, h = layout.box(L, 0)
    parts.append(f'<text x="{x + w / 2 + 8:.1f}" y="{y - 3:.1f}" '
                 'class="mf-num mf-a" text-anchor="start">target y =</text>')
    parts.append(text(x + w / 2 + 77, y - 3, "y", L, 1, None, "mf-a", "start"))
    parts.append(f'<text x="{x:.1f}" y="{y + h / 2 + 28:.1f}" '
                 'text-anchor="end" class="mf-num mf-loss">loss J =</text>')
    parts.append(text(x + 4, y + h / 2 + 28, "J", L, 0, None, "mf-loss",
                      "start"))
    parts.append("</svg>")
    return "\n".join(parts)


def _png(layout: _Layout, values: dict) -> bytes:
    """The drawing at its initial state as a PNG (for the PDF), matplotlib."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyBboxPatch

    scale = 1 / 90                              # inches per SVG unit
    fig = plt.figure(figsize=(WIDTH * scale, layout.height * scale))
    ax = fig.add_axes([0, 0, 1, 1])
    ax.set_xlim(0, WIDTH)
    ax.set_ylim(layout.height, 0)
    ax.axis("off")
    pt = FONT * scale * 72                      # SVG font size in points
    fills = {0: "#C7E9C0", 1: "#C6DBEF", 2: "#C6DBEF", 3: "#FCBBA1"}
    L = len(layout.sizes) - 1
    for l, j, k, x0, y0, x1, y1, lx, ly in layout.arrows():
        ax.annotate("", (x1, y1), (x0, y0), arrowprops=dict(
            arrowstyle="-|>", color="#777777", lw=0.8,
            linestyle="--" if k == 0 else "-", shrinkA=0, shrinkB=0))
    halo = dict(boxstyle="square,pad=0.05", fc="white", ec="none")
    for l, j, k, *_, lx, ly in layout.arrows():
        ax.text(lx, ly - 1, values[("w", l, j, k)], ha="center",
                va="baseline", fontsize=pt, color=INK, bbox=halo)
        ax.text(lx, ly + FONT, values[("g", l, j, k)], ha="center",
                va="baseline", fontsize=pt, color=GRAD, bbox=halo)
    names = ["input"] + [f"layer {l}" for l in range(1, L + 1)]
    for l, row in enumerate(layout.units):
        top = layout.y[l] - (IN_H if l == 0 else BOX_H) / 2 - 5
        ax.text(4, top, names[l], fontsize=pt * 0.9, color="#666666",
                va="baseline")
        j = 0
        for i, (_, kind) in enumerate(row):
            x, y, w, h = layout.box(l, i)
            fc = FILL_BIAS if kind == "bias" else fills[min(l, 2) if l < L
                                                        else 3]
            ax.add_patch(FancyBboxPatch(
                (x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0,"
                "rounding_size=4", fc=fc, ec="#666666", lw=0.6))
            if kind == "bias":
                ax.text(x, y + 4.5, "1", ha="center", va="baseline",
                        fontsize=pt)
                continue
            j += 1
            if l == 0:
                ax.text(x, y + 4.5, values[("a", l, j, None)], ha="center",
                        va="baseline", fontsize=pt, color=INK)
            else:
                ax.text(x, y - 3, values[("a", l, j, None)], ha="center",
                        va="baseline", fontsize=pt, color=INK)
                ax.text(x, y + FONT + 0.5, values[("d", l, j, None)],
                        ha="center", va="baseline", fontsize=pt, color=GRAD)
    x, y, w, h = layout.box(L, 0)
    ax.text(x + w / 2 + 8, y - 3, "target y = " + values[("y", L, 1, None)],
            va="baseline", fontsize=pt, color=INK)
    ax.text(x, y + h / 2 + 28, "loss J =", ha="right", va="baseline",
            fontsize=pt, fontweight="bold")
    ax.text(x + 4, y + h / 2 + 28, values[("J", L, 0, None)], va="baseline",
            fontsize=pt, fontweight="bold")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=150, facecolor="white")
    plt.close(fig)
    return buffer.getvalue()


FILL_BIAS = "#FDB863"


class BackpropWidget:
    """The live figure; Jupyter shows it through ``_repr_mimebundle_``.

    Build it with :func:`backprop_widget`. Attributes: ``weights`` (list of
    W^[l], each (n^[l] + 1) x (n^[l-1] + 1)), ``inputs`` A^[0] and
    ``targets`` Y (augmented, (n + 1) x m), ``sample`` (0-based column
    shown first).
    """

    def __init__(self, weights, inputs, targets, sample: int = 0,
                 caption: str | None = None) -> None:
        self.weights, self.inputs, self.targets = _check(weights, inputs,
                                                         targets)
        m = self.inputs.shape[1]
        if not isinstance(sample, (int, np.integer)) or not 0 <= sample < m:
            raise ValueError(f"backprop_widget: sample must be a column index "
                             f"0 to {m - 1}, got {sample!r}")
        self.sample = int(sample)
        self.sizes = [self.inputs.shape[0] - 1] + [W.shape[0] - 1
                                                   for W in self.weights]
        self.layout = _Layout(self.sizes)
        self.label = caption or (
            "Live figure of backpropagation on a "
            + "-".join(map(str, self.sizes)) + " network with identity "
            "activations: each box holds a unit's value for the chosen "
            "sample and, in red, its error delta; each arrow its weight and, "
            "in red, the gradient of the loss with respect to that weight, "
            "summed over all samples.")

    # -- the numbers at the initial state, from mfnet ------------------------
    def initial_values(self) -> dict:
        """Text of every drawn number at the start, computed by mfnet."""
        As, Ds, dWs, J = _mfnet_pass(self.weights, self.inputs, self.targets)
        i, L = self.sample, len(self.weights)
        values = {("J", L, 0, None): _fmt(J),
                  ("y", L, 1, None): _fmt(self.targets[1, i])}
        for l, A in enumerate(As):
            for j in range(1, A.shape[0]):
                values[("a", l, j, None)] = _fmt(A[j, i])
        for l, (D, W, dW) in enumerate(zip(Ds, self.weights, dWs), start=1):
            for j in range(1, W.shape[0]):
                values[("d", l, j, None)] = _fmt(D[j, i])
                for k in range(W.shape[1]):
                    values[("w", l, j, k)] = _fmt(W[j, k])
                    values[("g", l, j, k)] = _fmt(dW[j, k])
        return values

    def _data(self) -> dict:
        return {"W": [W.tolist() for W in self.weights],
                "A0": self.inputs.tolist(), "Y": self.targets.tolist(),
                "sample": self.sample}

    def _uid(self) -> str:
        digest = hashlib.sha256(json.dumps(self._data()).encode()).hexdigest()
        return "mfnet-live-" + digest[:10]

    def html(self) -> str:
        """The live figure: controls, SVG, style and an inline classic script."""
        uid = self._uid()
        data = self._data()
        m = self.inputs.shape[1]
        samples = "".join(f'<option value="{i}"'
                          f'{" selected" if i == self.sample else ""}>'
                          f'{i + 1}</option>' for i in range(m))
        weights = "".join(
            f'<option value="{l},{j},{k}">layer {l}: w{_sub(j, k)} '
            f'({"bias" if k == 0 else f"unit {k}"} \u2192 neuron {j})</option>'
            for l, W in enumerate(self.weights, start=1)
            for j in range(1, W.shape[0]) for k in range(W.shape[1]))
        features = "".join(
            f'<div class="mf-ctl"><label for="{uid}-x{f}">input x{_sub(f)}'
            '</label>'
            f'<input type="range" id="{uid}-x{f}" data-feature="{f}" '
            f'min="-4" max="4" step="0.25" value="{self.inputs[f, self.sample]}">'
            f'<output for="{uid}-x{f}"></output></div>'
            for f in range(1, self.inputs.shape[0]))
        controls = (
            f'<div class="mf-controls">'
            f'<div class="mf-ctl"><label for="{uid}-s">sample</label>'
            f'<select id="{uid}-s">{samples}</select>'
            f'<button type="button" class="mf-reset">reset</button></div>'
            f'{features}'
            f'<div class="mf-ctl"><label for="{uid}-ws">weight</label>'
            f'<select id="{uid}-ws" class="mf-wide">{weights}</select></div>'
            f'<div class="mf-ctl"><label for="{uid}-w">its value</label>'
            f'<input type="range" id="{uid}-w" min="-3" max="3" step="0.25" '
            f'value="{self.weights[0][1, 0]}"><output for="{uid}-w"></output>'
            f'</div></div>')
        legend = ('<p class="mf-legend">Boxes: the value of each unit for the '
                  'chosen sample and, <span class="mf-red">in red</span>, its '
                  'error \u03b4. Arrows: the weight and, <span class="mf-red">'
                  'in red</span>, \u2202J/\u2202w, summed over all '
                  f'{m} samples. Tap an arrow\u2019s numbers to pick its '
                  'weight.</p>')
        svg = _svg(self.layout, self.initial_values(), uid, self.label)
        script = (_SCRIPT + "\nmfnetLiveBackprop(document.getElementById("
                  f"{json.dumps(uid)}), {json.dumps(data)});")
        return (f'<div class="mfnet-live" id="{uid}">{_STYLE}{controls}'
                f'{legend}{svg}<script>{script}</script></div>')

    def png(self) -> bytes:
        """The drawing at its initial state, as PNG bytes (for the PDF)."""
        return _png(self.layout, self.initial_values())

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        return {"text/html": self.html(),
                "image/png": base64.b64encode(self.png()).decode("ascii"),
                "text/plain": "<live figure of backpropagation: "
                              + "-".join(map(str, self.sizes)) + " network>"}


def _sub(*digits: int) -> str:
    """Indices as Unicode subscripts (w₁₀), comma-separated above 9."""
    table = str.maketrans("0123456789", "\u2080\u2081\u2082\u2083\u2084"
                                        "\u2085\u2086\u2087\u2088\u2089")
    sep = "," if any(d > 9 for d in digits) else ""
    return sep.join(str(d) for d in digits).translate(table)


def backprop_widget(weights, inputs, targets, *, sample: int = 0,
                    caption: str | None = None) -> BackpropWidget:
    """A live figure of the forward and backward pass of a linear network.

    Parameters
    ----------
    weights : list of ndarray, or mfnet.Sequential
        W^[1], ..., W^[L], each of shape (n^[l] + 1) x (n^[l-1] + 1) with row
        0 equal to (1, 0, ..., 0); or a Sequential of Linear and Identity
        layers, whose weights are copied.
    inputs : ndarray, shape (n^[0] + 1, m)
        A^[0], augmented: row 0 all ones, one column per sample.
    targets : ndarray, shape (n^[L] + 1, m)
        Y, augmented like ``inputs``.
    sample : int, optional
        The column shown first (0-based; the figure numbers samples from 1).
    caption : str, optional
        The figure's accessible name (its SVG ``<title>``); a description of
        the drawing by default.

    Returns
    -------
    BackpropWidget
        Displayed by Jupyter as one output with ``text/html`` (the live
        figure) and ``image/png`` (the static drawing, for the PDF).

    Raises
    ------
    ValueError
        If a matrix is not a finite 2-D array, shapes do not chain, row 0 of
        a weight is not (1, 0, ..., 0), row 0 of the inputs or targets is
        not all ones, ``sample`` is out of range, or a model has other
        activations than the identity.
    """
    return BackpropWidget(weights, inputs, targets, sample=sample,
                          caption=caption)


_STYLE = """<style>
/* White in both themes, like the book's PNG figures (dark mode puts a light
   card behind every HTML output). */
.mfnet-live{--mf-ink:#333;--mf-red:#B2182B;--mf-bg:#fff;--mf-edge:#8a8a8a;
 --mf-f0:#C7E9C0;--mf-f1:#C6DBEF;--mf-f3:#FCBBA1;--mf-bias:#FDB863;
 max-width:480px;margin:0 auto;padding:4px;font-size:14px;text-align:left;
 color:var(--mf-ink);background:var(--mf-bg);color-scheme:light;
 border-radius:4px}
html[data-theme=dark] div.cell_output .output.text_html:has(> .mfnet-live){
 background:transparent!important;padding:0!important}
.mfnet-live .mf-controls{display:grid;gap:4px;margin-bottom:4px}
.mfnet-live .mf-ctl{display:grid;grid-template-columns:5.5em 1fr 3.2em;
 align-items:center;gap:8px}
.mfnet-live .mf-ctl .mf-wide{grid-column:2 / 4;min-width:0}
.mfnet-live input[type=range]{min-width:0;width:100%;margin:0}
.mfnet-live select[id$="-s"]{justify-self:start}
.mfnet-live output{font-variant-numeric:tabular-nums;text-align:right}
.mfnet-live select,.mfnet-live button{font:inherit;color:inherit;
 background:var(--mf-bg);border:1px solid var(--mf-edge);border-radius:4px}
.mfnet-live .mf-legend{font-size:13px;margin:4px 0}
.mfnet-live .mf-red{color:var(--mf-red)}
.mfnet-live svg{width:100%;height:auto;display:block}
.mfnet-live text{font-family:system-ui,sans-serif;font-size:12.5px;
 fill:var(--mf-ink)}
.mfnet-live .mf-label text,.mfnet-live .mf-loss{paint-order:stroke;
 stroke:var(--mf-bg);stroke-width:4px;stroke-linejoin:round}
.mfnet-live .mf-g{fill:var(--mf-red)}
.mfnet-live .mf-loss{font-weight:bold}
.mfnet-live .mf-name{font-size:11px;fill:var(--mf-edge)}
.mfnet-live .mf-edge{stroke:var(--mf-edge);stroke-width:1}
.mfnet-live .mf-arrowhead{fill:var(--mf-edge)}
.mfnet-live .mf-unit{stroke:var(--mf-edge);fill:var(--mf-f1)}
.mfnet-live .mf-row0{fill:var(--mf-f0)}
.mfnet-live .mf-row3{fill:var(--mf-f3)}
.mfnet-live .mf-bias{stroke:var(--mf-edge);fill:var(--mf-bias)}
.mfnet-live .mf-label{cursor:pointer}
.mfnet-live .mf-label.mf-on text.mf-w{font-weight:bold;text-decoration:underline}
.mfnet-live .mf-edge.mf-on{stroke:var(--mf-ink);stroke-width:2.5}
</style>"""

# The script: one function, defined once per page, called once per figure.
# Plain ES5-style JavaScript, float64 throughout; the same equations as
# mfnet: Z = W A, A = g(Z) = Z, J = 1/(2m) sum (A^[L] - Y)^2 over feature
# rows, dJ/dA^[L] = (A^[L] - Y)/m, Delta = dJ/dA * g'(Z) with row 0 zero,
# dJ/dW = Delta A^T, dJ/dA^[l-1] = W^T Delta.
_SCRIPT = r"""
if (!window.mfnetLiveBackprop) window.mfnetLiveBackprop = function (root, data) {
  function copy(M) { return M.map(function (r) { return r.slice(); }); }
  function matmul(P, Q, tp) {  // P Q, or P^T Q when tp
    var n = tp ? P[0].length : P.length, inner = Q.length, c = Q[0].length;
    var R = [];
    for (var i = 0; i < n; i++) {
      R.push([]);
      for (var j = 0; j < c; j++) {
        var s = 0;
        for (var k = 0; k < inner; k++) s += (tp ? P[k][i] : P[i][k]) * Q[k][j];
        R[i].push(s);
      }
    }
    return R;
  }
  function fmt(x) {
    var v = Number(x.toPrecision(4));
    if (v === 0) return '0';
    return String(v).replace('-', '\u2212');
  }
  var W, A0, Y = data.Y, m = data.Y[0].length, i = data.sample, L = data.W.length;
  function reset() { W = data.W.map(copy); A0 = copy(data.A0); }
  function pass() {
    var A = [A0], D = [], G = [], l, r, c;
    for (l = 0; l < L; l++) A.push(matmul(W[l], A[l]));  // identity: A = Z
    var AL = A[L], J = 0, dA = [];
    for (r = 0; r < AL.length; r++) {
      dA.push([]);
      for (c = 0; c < m; c++) {
        var e = AL[r][c] - Y[r][c];
        if (r > 0) J += e * e;
        dA[r].push(r > 0 ? e / m : 0);
      }
    }
    J = J / (2 * m);
    for (l = L; l >= 1; l--) {
      var Dl = dA.map(function (row, r) {  // g' = 1 on feature rows, 0 on row 0
        return row.map(function (v) { return r > 0 ? v : 0; });
      });
      D[l] = Dl;
      var At = A[l - 1][0].map(function (_, c) {
        return A[l - 1].map(function (row) { return row[c]; });
      });
      G[l] = matmul(Dl, At);
      dA = matmul(W[l - 1], Dl, true);
    }
    return {A: A, D: D, G: G, J: J};
  }
  var q = function (s) { return root.querySelector(s); };
  var sampleSel = q('select[id$="-s"]'), weightSel = q('select[id$="-ws"]');
  var wSlider = q('input[id$="-w"]'), feats = root.querySelectorAll('input[data-feature]');
  function picked() { return weightSel.value.split(',').map(Number); }
  function put(el, v) { el.textContent = fmt(v); el.setAttribute('data-value', String(v)); }
  function draw() {
    var P = pass();
    root.querySelectorAll('text[data-q]').forEach(function (el) {
      var t = el.getAttribute('data-q'), l = +el.getAttribute('data-l'),
          j = +el.getAttribute('data-j'), k = +el.getAttribute('data-k');
      if (t === 'a') put(el, P.A[l][j][i]);
      else if (t === 'd') put(el, P.D[l][j][i]);
      else if (t === 'w') put(el, W[l - 1][j][k]);
      else if (t === 'g') put(el, P.G[l][j][k]);
      else if (t === 'y') put(el, Y[j][i]);
      else if (t === 'J') put(el, P.J);
    });
    feats.forEach(function (s) {
      s.value = A0[+s.getAttribute('data-feature')][i];
      s.nextElementSibling.textContent = fmt(+s.value);
    });
    root.querySelectorAll('.mf-i').forEach(function (e) { e.textContent = i + 1; });
    var p = picked();
    wSlider.value = W[p[0] - 1][p[1]][p[2]];
    wSlider.nextElementSibling.textContent = fmt(W[p[0] - 1][p[1]][p[2]]);
    root.querySelectorAll('.mf-label, .mf-edge').forEach(function (e) {
      var on = +e.getAttribute('data-l') === p[0] && +e.getAttribute('data-j') === p[1] &&
               +e.getAttribute('data-k') === p[2];
      e.classList.toggle('mf-on', on);
    });
    root.setAttribute('data-ready', '1');
  }
  sampleSel.addEventListener('change', function () { i = +sampleSel.value; draw(); });
  weightSel.addEventListener('change', draw);
  feats.forEach(function (s) {
    s.addEventListener('input', function () {
      A0[+s.getAttribute('data-feature')][i] = +s.value; draw();
    });
  });
  wSlider.addEventListener('input', function () {
    var p = picked(); W[p[0] - 1][p[1]][p[2]] = +wSlider.value; draw();
  });
  root.querySelectorAll('.mf-label').forEach(function (g) {
    g.addEventListener('click', function () {
      weightSel.value = [g.getAttribute('data-l'), g.getAttribute('data-j'),
                         g.getAttribute('data-k')].join(','); draw();
    });
  });
  q('.mf-reset').addEventListener('click', function () { reset(); draw(); });
  reset(); draw();
};
"""


# ---------------------------------------------------------------------------
# A second live figure: gradient descent on a quadratic bowl (chapter 9)
# ---------------------------------------------------------------------------

def descent_widget(curvatures, minimum, start, *, lr: float, steps: int = 25,
                   xlim=(-2.5, 2.8), ylim=(-1.6, 1.2),
                   lr_max: float | None = None) -> "DescentWidget":
    """A live figure of gradient descent on J(w) = 1/2 sum_k lambda_k (w_k - w*_k)^2.

    Parameters
    ----------
    curvatures : pair of float
        (lambda_1, lambda_2), both positive: the bowl's curvatures.
    minimum : pair of float
        w*, where J is 0.
    start : pair of float
        The weights before the first step.
    lr : float
        The learning rate shown first (positive).
    steps : int, optional
        Number of steps drawn.
    xlim, ylim : pair of float, optional
        The window in (w_1, w_2); a path that leaves it is cut at its edge.
    lr_max : float, optional
        The slider's upper end (default 1.25 * 2 / max lambda, a little past
        the learning rate where descent stops converging).

    Returns
    -------
    DescentWidget
        Displayed as ``text/html`` (the slider, the contours, the path,
        recomputed in the browser: w <- w - lr * lambda * (w - w*)) and
        ``image/png`` (the path for ``lr``, for the PDF).

    Raises
    ------
    ValueError
        If a curvature or ``lr`` is not positive and finite, or a pair is
        not two finite numbers, or ``steps`` is not a positive integer.
    """
    return DescentWidget(curvatures, minimum, start, lr, steps, xlim, ylim,
                         lr_max)


def _pair(value, name):
    a = np.array(value, dtype=np.float64)
    if a.shape != (2,) or not np.all(np.isfinite(a)):
        raise ValueError(f"descent_widget: {name} must be two finite numbers, "
                         f"got {value!r}")
    return a


class DescentWidget:
    """Gradient descent on a two-weight quadratic bowl, with a learning-rate slider.

    Build it with :func:`descent_widget`. Every iterate is a ``<circle>``
    with ``data-t`` (the step), ``data-w1`` and ``data-w2`` (full float64);
    the text ``data-q="J"`` holds the loss after the last step.
    """


    def __init__(self, curvatures, minimum, start, lr, steps, xlim, ylim,
                 lr_max):
        self.lam = _pair(curvatures, "curvatures")
        if np.any(self.lam <= 0):
            raise ValueError("descent_widget: curvatures must be positive, "
                             f"got {self.lam.tolist()}")
        self.w_star = _pair(minimum, "minimum")
        self.start = _pair(start, "start")
        self.xlim, self.ylim = _pair(xlim, "xlim"), _pair(ylim, "ylim")
        if not (isinstance(steps, (int, np.integer)) and steps >= 1):
            raise ValueError(f"descent_widget: steps must be a positive "
                             f"integer, got {steps!r}")
        if not (np.isfinite(lr) and lr > 0):
            raise ValueError(f"descent_widget: lr must be positive, got {lr!r}")
        self.steps, self.lr = int(steps), float(lr)
        self.lr_max = float(lr_max or 1.25 * 2 / self.lam.max())
        # equal scales on both axes, so that the bowl keeps its shape
        aspect = (self.ylim[1] - self.ylim[0]) / (self.xlim[1] - self.xlim[0])
        self.SIZE = (360, round(360 * aspect))

    def path(self, lr: float | None = None) -> np.ndarray:
        """The iterates (steps + 1, 2) for a learning rate (numpy)."""
        lr = self.lr if lr is None else lr
        w = [self.start.copy()]
        for _ in range(self.steps):
            w.append(w[-1] - lr * (self.lam * (w[-1] - self.w_star)))
        return np.array(w)

    def _xy(self, w):
        width, height = self.SIZE
        (x0, x1), (y0, y1) = self.xlim, self.ylim
        return ((w[0] - x0) / (x1 - x0) * width,
                (y1 - w[1]) / (y1 - y0) * height)

    def html(self) -> str:
        width, height = self.SIZE
        data = {"lam": self.lam.tolist(), "ws": self.w_star.tolist(),
                "start": self.start.tolist(), "steps": self.steps,
                "xlim": self.xlim.tolist(), "ylim": self.ylim.tolist(),
                "size": [width, height]}
        uid = "mfnet-gd-" + hashlib.sha256(json.dumps(
            [data, self.lr]).encode()).hexdigest()[:10]
        sx = width / (self.xlim[1] - self.xlim[0])
        sy = height / (self.ylim[1] - self.ylim[0])
        cx, cy = self._xy(self.w_star)
        ellipses = "".join(
            f'<ellipse cx="{cx:.1f}" cy="{cy:.1f}" '
            f'rx="{np.sqrt(2 * c / self.lam[0]) * sx:.1f}" '
            f'ry="{np.sqrt(2 * c / self.lam[1]) * sy:.1f}" class="mf-level"/>'
            for c in np.geomspace(0.01, 8, 8))
        bound = 2 / self.lam.max()
        label = ("Gradient descent on a quadratic bowl with curvatures "
                 f"{_fmt(self.lam[0])} and {_fmt(self.lam[1])}: the contours "
                 "of the loss, the start, the minimum and the path of "
                 f"{self.steps} steps for the chosen learning rate.")
        svg = (f'<svg viewBox="0 0 {width} {height}" role="img" '
               f'aria-labelledby="{uid}-t"><title id="{uid}-t">'
               f'{html.escape(label)}</title>'
               f'<rect x="0.5" y="0.5" width="{width - 1}" height="{height - 1}" '
               'class="mf-frame"/>'
               f'{ellipses}<polyline class="mf-path" points=""/>'
               + "".join(f'<circle r="{3.5 if t == 0 else 2.5}" data-t="{t}" '
                         'class="mf-it"/>' for t in range(self.steps + 1))
               + f'<text x="{cx:.1f}" y="{cy + 4.5:.1f}" text-anchor="middle"'
               ' class="mf-star">\u2605</text></svg>')
        controls = (
            f'<div class="mf-ctl"><label for="{uid}-lr">learning rate '
            '\u03b7</label>'
            f'<input type="range" id="{uid}-lr" min="0.005" '
            f'max="{self.lr_max:.4g}" step="any" value="{self.lr}">'
            f'<output for="{uid}-lr"></output></div>'
            '<p class="mf-legend">\u03b7 \u00b7 \u03bb<sub>max</sub> = '
            '<span class="mf-ratio"></span> (descent converges below 2, at '
            f'\u03b7 &lt; {_fmt(bound)}); loss after {self.steps} steps: '
            '<span data-q="J"></span></p>')
        script = _GD_SCRIPT + ("\nmfnetLiveDescent(document.getElementById("
                               f"{json.dumps(uid)}), {json.dumps(data)});")
        return (f'<div class="mfnet-live" id="{uid}">{_STYLE}{_GD_STYLE}'
                f'{controls}{svg}<script>{script}</script></div>')

    def png(self) -> bytes:
        import matplotlib.pyplot as plt
        from .landscapes import quadratic_grid
        w1, w2, J = quadratic_grid(self.lam, self.w_star, self.xlim, self.ylim)
        path = self.path()
        fig, ax = plt.subplots(figsize=(4.2, 0.4 + 3.6 * self.SIZE[1] / 360))
        ax.set_aspect("equal")
        ax.contour(w1, w2, J, levels=np.geomspace(0.01, 8, 8), colors="0.6",
                   linewidths=0.8)
        ax.plot(path[:, 0], path[:, 1], "o-", ms=3, lw=1.2, color="#0072B2")
        ax.plot(*self.w_star, "*", ms=10, color="#009E73")
        ax.set_xlim(*self.xlim)
        ax.set_ylim(*self.ylim)
        ax.set_xlabel("$w_1$")
        ax.set_ylabel("$w_2$")
        ax.set_title(f"$\\eta = {self.lr:.3g}$")
        ax.grid(False)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=150, bbox_inches="tight")
        plt.close(fig)
        return buffer.getvalue()

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        return {"text/html": self.html(),
                "image/png": base64.b64encode(self.png()).decode("ascii"),
                "text/plain": "<live figure of gradient descent on a bowl>"}


_GD_STYLE = """<style>
.mfnet-live .mf-frame{fill:none;stroke:var(--mf-edge)}
.mfnet-live .mf-level{fill:none;stroke:#bbb;stroke-width:1}
.mfnet-live .mf-path{fill:none;stroke:#0072B2;stroke-width:1.5}
.mfnet-live .mf-it{fill:#0072B2}
.mfnet-live .mf-it[data-t="0"]{fill:#000}
.mfnet-live .mf-star{fill:#009E73;font-size:14px}
</style>"""

_GD_SCRIPT = r"""
if (!window.mfnetLiveDescent) window.mfnetLiveDescent = function (root, d) {
  var slider = root.querySelector('input[type=range]');
  var W = d.size[0], H = d.size[1];
  function x(w) { return (w - d.xlim[0]) / (d.xlim[1] - d.xlim[0]) * W; }
  function y(w) { return (d.ylim[1] - w) / (d.ylim[1] - d.ylim[0]) * H; }
  function clip(v, hi) { return Math.max(-hi, Math.min(2 * hi, v)); }
  function draw() {
    var lr = +slider.value, w = d.start.slice(), pts = [];
    root.querySelectorAll('circle[data-t]').forEach(function (c, t) {
      if (t > 0) w = [w[0] - lr * (d.lam[0] * (w[0] - d.ws[0])),
                      w[1] - lr * (d.lam[1] * (w[1] - d.ws[1]))];
      c.setAttribute('data-w1', String(w[0]));
      c.setAttribute('data-w2', String(w[1]));
      var px = clip(x(w[0]), W), py = clip(y(w[1]), H);
      c.setAttribute('cx', px.toFixed(2)); c.setAttribute('cy', py.toFixed(2));
      pts.push(px.toFixed(2) + ',' + py.toFixed(2));
    });
    root.querySelector('.mf-path').setAttribute('points', pts.join(' '));
    var J = 0.5 * (d.lam[0] * Math.pow(w[0] - d.ws[0], 2) +
                   d.lam[1] * Math.pow(w[1] - d.ws[1], 2));
    var out = root.querySelector('[data-q="J"]');
    out.textContent = Number(J.toPrecision(4)); out.setAttribute('data-value', String(J));
    slider.nextElementSibling.textContent = Number(lr.toPrecision(3));
    root.querySelector('.mf-ratio').textContent =
      Number((lr * Math.max(d.lam[0], d.lam[1])).toPrecision(3));
    root.setAttribute('data-ready', '1');
  }
  slider.addEventListener('input', draw);
  draw();
};
"""
