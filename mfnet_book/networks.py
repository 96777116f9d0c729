"""Network diagrams: layers of neurons, with computed numbers in the nodes and on the edges.

Two kinds of picture, both drawn from arrays that a chapter computed with mfnet:

* :func:`draw_network` - the shape of a fully-connected network (neurons,
  bias units, one arrow per trainable number), with symbolic labels;
* :func:`layer_panels` - one panel per layer, with the numbers of a forward
  pass (activations in the nodes, weights on the edges) or of a backward pass
  (errors in the nodes, gradients on the edges).

Every number drawn by :func:`layer_panels` is a Text artist whose ``gid``
says what it is (``"node:<panel>:<side>:<row>:<sample>"``,
``"edge:<panel>:<j>:<k>"``), so that a test can compare the picture with the
matrices the chapter asserts.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .style import FULL_WIDTH, diagram_canvas

INK = "#333333"
FORWARD = "#555555"
BACKWARD = "#B2182B"
BIAS = "#E08214"
FILL = {"input": "#C7E9C0", "hidden": "#C6DBEF", "output": "#FCBBA1",
        "error": "#FDDBC7", "bias": "#FDB863"}
FONT = 11  # pt, the smallest text on any figure


def number(x: float, digits: int | None = None) -> str:
    """``x`` as drawn on a figure: ``digits`` significant digits (None: shortest exact form).

    A minus sign is the typographic minus (U+2212); ``-0`` is drawn as ``0``.
    """
    x = float(x)
    text = f"{x:g}" if digits is None else f"{x:.{digits}g}"
    if digits is None and float(text) != x:
        text = repr(x)
    if text in ("-0", "-0.0"):
        text = "0"
    return text.replace("-", "\u2212")


def parse_number(text: str) -> float:
    """Inverse of :func:`number`: the float a drawn label stands for."""
    return float(text.replace("\u2212", "-"))


# ---------------------------------------------------------------------------
# The shape of a network
# ---------------------------------------------------------------------------

def draw_network(sizes, backward: bool = False, ax=None, labels: bool = True,
                 title: str | None = None, bias_gradients: bool = False):
    """Draw a fully-connected network of layer sizes ``[n^[0], ..., n^[L]]``; return the axes.

    Neurons are circles labelled ``a^[l]_j`` (forward) or ``δ^[l]_j``
    (backward); the bias unit of every layer that feeds another (row 0 of
    mfnet's arrays, always 1) is an orange square on top. Each grey arrow is
    one weight, each dashed orange one a bias. With ``backward=True`` the
    arrows point from the loss towards the input and the bias units get no
    error (the backward pass zeroes row 0 of Delta, a stop-gradient, because
    row 0 of W is not learnt); the bias connections are dotted, or, with
    ``bias_gradients=True``, dashed orange arrows pointing back at the bias
    unit, for the gradient of each bias (the error times 1).
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Circle, FancyBboxPatch, Rectangle

    L = len(sizes) - 1
    dx, r = 2.0, 0.3

    def units(l):
        rows = range(0 if l < L else 1, sizes[l] + 1)
        top = (len(rows) - 1) / 2
        return [(j, (l * dx, top - i)) for i, j in enumerate(rows)]

    def arrow(p, q, color, style="-", lw=1.0):
        (x0, y0), (x1, y1) = p, q
        d = ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5
        ux, uy = r * (x1 - x0) / d, r * (y1 - y0) / d
        ax.annotate("", xy=(x1 - ux, y1 - uy), xytext=(x0 + ux, y0 + uy),
                    arrowprops=dict(arrowstyle="-|>", color=color, lw=lw, linestyle=style,
                                    shrinkA=0, shrinkB=0, mutation_scale=10))

    ys = [y for l in range(L + 1) for _, (_, y) in units(l)]
    ymin, ymax = min(ys), max(ys)
    xJ = L * dx + 0.55 * dx
    x_lim, y_lim = (-0.7, xJ + 0.6), (ymin - 2.1, ymax + 0.6)
    if ax is None:
        s = min(0.8, FULL_WIDTH / (x_lim[1] - x_lim[0]))
        _, ax = plt.subplots(figsize=(s * (x_lim[1] - x_lim[0]), s * (y_lim[1] - y_lim[0])))
    flow = BACKWARD if backward else FORWARD
    for l in range(1, L + 1):
        heads = units(l)[1:] if l < L else units(l)
        for j, head in heads:
            for k, tail in units(l - 1):
                if k == 0 and backward and bias_gradients:
                    arrow(head, tail, BIAS, style="--", lw=0.9)
                elif k == 0 and backward:
                    ax.plot(*zip(tail, head), color="#F4A582", lw=0.9, ls=":", zorder=0)
                elif k == 0:
                    arrow(tail, head, BIAS, style="--", lw=0.9)
                elif backward:
                    arrow(head, tail, flow)
                else:
                    arrow(tail, head, flow)
    letter = r"\delta" if backward else "a"
    for l in range(L + 1):
        kind = "input" if l == 0 else ("output" if l == L else "hidden")
        for j, (x, y) in units(l):
            if j == 0:
                ax.add_patch(Rectangle((x - r, y - r), 2 * r, 2 * r, fc=FILL["bias"],
                                       ec="#B35806", zorder=2))
                ax.text(x, y, "1", ha="center", va="center", fontsize=FONT, zorder=3)
                continue
            fc = FILL["error"] if backward and l > 0 else FILL[kind]
            ax.add_patch(Circle((x, y), r, fc=fc, ec=INK, zorder=2))
            if labels and not (backward and l == 0):
                ax.text(x, y, f"${letter}^{{[{l}]}}_{{{j}}}$", ha="center", va="center",
                        fontsize=FONT, zorder=3)
        ax.text(l * dx, ymin - 0.6, f"layer {l}\n{kind}\n$n^{{[{l}]}} = {sizes[l]}$",
                ha="center", va="top", fontsize=FONT)
    ax.add_patch(FancyBboxPatch((xJ - 0.25, -0.25), 0.5, 0.5, zorder=2,
                                boxstyle="round,pad=0.05", fc="#F7F7F7", ec=INK))
    ax.text(xJ, 0, "$J$", ha="center", va="center", fontsize=FONT + 1, zorder=3)
    for _, p in units(L):
        if backward:
            arrow((xJ, 0), p, flow)
        else:
            arrow(p, (xJ, 0), FORWARD, lw=0.8)
    ax.set_xlim(*x_lim)
    ax.set_ylim(*y_lim)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=FONT + 1)
    return ax


# ---------------------------------------------------------------------------
# Numbers on a network, one panel per layer
# ---------------------------------------------------------------------------

@dataclass
class Panel:
    """One layer of a numbered network diagram.

    * ``tails``: (n_in + 1) x m values of the layer's input units, row 0 the
      bias unit (drawn as a single "1"); ``heads``: (n_out + 1) x m values of
      its neurons (row 0 is not drawn);
    * ``edges``: (n_out + 1) x (n_in + 1) numbers on the arrows, entry
      ``[j, k]`` on the arrow from unit k to neuron j (row 0 not drawn);
    * ``tail_name``, ``head_name``: LaTeX of the symbols, e.g. ``a^{[0]}`` and
      ``z^{[1]}``, drawn beside each unit with its index;
    * ``title``: the panel's heading; ``backward``: arrows point from the
      neurons to the input units, and the neurons are shaded as errors.
    """

    tails: np.ndarray
    heads: np.ndarray
    edges: np.ndarray
    tail_name: str
    head_name: str
    title: str = ""
    backward: bool = False
    edge_name: str = ""
    tail_kind: str = "hidden"
    head_kind: str = "hidden"
    extra: dict = field(default_factory=dict)


# Geometry, in inches (the axes are drawn 1:1 in inches).
_TAIL_STEP = 0.72   # vertical distance between input units
_T_LABEL = 0.62     # where along an arrow its number sits (0 tail, 1 head)
_CHAR = 0.088       # width of one digit at 11 pt
_ROW = 0.36         # height of a node box


def _cells(values, digits):
    return [[number(v, digits) for v in row] for row in np.atleast_2d(values)]


def _box_width(texts):
    longest = max((len(t) for row in texts for t in row), default=1)
    return (longest * _CHAR + 0.14) * max(len(texts[0]), 1)


def layer_panels(panels, digits: int | None = None, width: float | None = None,
                 suptitle: str | None = None):
    """Draw ``panels`` (a list of :class:`Panel`) one under another; return the figure.

    Each node is a box with one cell per sample (the columns of the arrays);
    each arrow carries one number. The numbers of an arrow are stacked in one
    column next to its head, grouped by neuron, so that none overlaps
    another. ``digits``: significant digits of every number (None: exact,
    for the worked example's quarter-integers).
    """
    from matplotlib.patches import FancyBboxPatch, Rectangle

    layouts = []
    for p in panels:
        n_in, n_out = p.tails.shape[0] - 1, p.heads.shape[0] - 1
        K = n_in + 1
        label_step = (1 - _T_LABEL) * _TAIL_STEP
        head_step = max(_TAIL_STEP, (K * label_step + 0.08) / _T_LABEL)
        tail_span = (K - 1) * _TAIL_STEP
        head_span = (n_out - 1) * head_step
        height = max(tail_span, head_span) + _ROW + 0.75
        layouts.append((n_in, n_out, head_step, tail_span, head_span, height))
    if width is None:  # as narrow as the numbers allow: larger text on a phone
        need = 0.0
        for p in panels:
            w_t = _box_width(_cells(p.tails[1:], digits))
            w_h = _box_width(_cells(p.heads[1:], digits))
            labels = max(len(number(v, digits)) for v in np.ravel(p.edges))
            need = max(need, 0.62 + p.extra.get("tail_label_width", 0.62) + w_t + w_h
                       + max(1.7, 3.2 * labels * _CHAR))
        width = min(FULL_WIDTH, need)
    total = sum(h for *_, h in layouts) + (0.4 if suptitle else 0)
    fig, ax = diagram_canvas(width, total)
    top = -0.4 if suptitle else 0.0
    if suptitle:
        ax.text(width / 2, -0.12, suptitle, ha="center", va="top", fontsize=FONT + 1)
    for index, (p, lay) in enumerate(zip(panels, layouts)):
        n_in, n_out, head_step, tail_span, head_span, height = lay
        tail_texts = _cells(p.tails[1:], digits)
        head_texts = _cells(p.heads[1:], digits)
        w_tail, w_head = _box_width(tail_texts), _box_width(head_texts)
        name_w = 0.62
        x_tail = p.extra.get("tail_label_width", name_w) + w_tail / 2  # input boxes
        x_head = width - name_w - w_head / 2          # centre of the neuron boxes
        x0, x1 = x_tail + w_tail / 2, x_head - w_head / 2   # where the arrows start/end
        mid = top - 0.5 - max(tail_span, head_span) / 2
        y_tail = [mid + tail_span / 2 - k * _TAIL_STEP for k in range(n_in + 1)]
        y_head = [None] + [mid + head_span / 2 - (j - 1) * head_step
                           for j in range(1, n_out + 1)]
        heading = p.title + (f", {p.edge_name} on the arrows" if p.edge_name else "")
        ax.text(0.05, top - 0.08, heading, ha="left", va="top", fontsize=FONT + 1)
        color = BACKWARD if p.backward else FORWARD
        # arrows and their numbers
        first = 1 if p.extra.get("no_bias") else 0   # no bias unit: a backward flow
        for j in range(1, n_out + 1):
            for k in range(first, n_in + 1):
                xa, ya = (x0 + (0.22 if k == 0 else 0.0), y_tail[k])
                xb, yb = x1, y_head[j]
                start, end = ((xb, yb), (xa, ya)) if p.backward else ((xa, ya), (xb, yb))
                ec = BIAS if (k == 0 and not p.backward) else color
                ax.annotate("", xy=end, xytext=start,
                            arrowprops=dict(arrowstyle="-|>", color=ec, lw=1.0,
                                            ls="--" if k == 0 else "-", shrinkA=1,
                                            shrinkB=1, mutation_scale=10), zorder=1)
                t = _T_LABEL
                xl, yl = xa + t * (xb - xa), ya + t * (yb - ya)
                ax.text(xl, yl, number(p.edges[j, k], digits), ha="center", va="center",
                        fontsize=FONT, color=INK, zorder=4, gid=f"edge:{index}:{j}:{k}",
                        bbox=dict(boxstyle="round,pad=0.12", fc="white", ec=ec, lw=0.6))
        # input units: the bias unit as "1", the others as boxes of m cells
        for k in range(first, n_in + 1):
            y = y_tail[k]
            if k == 0:
                x = x0 - 0.05
                ax.add_patch(Rectangle((x - 0.2, y - _ROW / 2), 0.4, _ROW, fc=FILL["bias"],
                                       ec="#B35806", zorder=2))
                ax.text(x, y, "1", ha="center", va="center", fontsize=FONT, zorder=3)
                ax.text(x - 0.28, y, "bias", ha="right", va="center", fontsize=FONT,
                        color=BIAS)
                continue
            _node(ax, x_tail, y, tail_texts[k - 1], w_tail, FILL[p.tail_kind],
                  f"node:{index}:tail:{k}", FancyBboxPatch)
            ax.text(x_tail - w_tail / 2 - 0.06, y, f"${p.tail_name}_{{{k}}}$", ha="right",
                    va="center", fontsize=FONT + 1)
        for j in range(1, n_out + 1):
            y = y_head[j]
            fill = FILL["error"] if p.backward else FILL[p.head_kind]
            _node(ax, x_head, y, head_texts[j - 1], w_head, fill,
                  f"node:{index}:head:{j}", FancyBboxPatch)
            ax.text(x_head + w_head / 2 + 0.06, y, f"${p.head_name}_{{{j}}}$", ha="left",
                    va="center", fontsize=FONT + 1)

        top -= height
    return fig


def _node(ax, x, y, texts, w, fill, gid, FancyBboxPatch):
    """A rounded box of ``len(texts)`` cells centred at (x, y), one number per cell."""
    ax.add_patch(FancyBboxPatch((x - w / 2, y - _ROW / 2), w, _ROW,
                                boxstyle="round,pad=0.0,rounding_size=0.08", fc=fill,
                                ec=INK, lw=0.9, zorder=2))
    cell = w / len(texts)
    for i, text in enumerate(texts):
        cx = x - w / 2 + (i + 0.5) * cell
        if i:
            ax.plot([cx - cell / 2] * 2, [y - _ROW / 2 + 0.06, y + _ROW / 2 - 0.06],
                    color="#999999", lw=0.6, zorder=3)
        ax.text(cx, y, text, ha="center", va="center", fontsize=FONT, zorder=3,
                gid=f"{gid}:{i + 1}")


def forward_panels(A, W, names=("a", "z"), kinds=None):
    """The :class:`Panel` list of a forward pass: ``A = [A^[0], ..., A^[L]]``, ``W = [W^[1], ...]``.

    Panel l shows the inputs ``A^[l-1]``, the weights ``W^[l]`` on the
    arrows and the outputs ``A^[l]`` of layer l (its pre-activations if the
    activation is the identity).
    """
    L = len(W)
    panels = []
    for l in range(1, L + 1):
        kinds_l = kinds or ("input" if l == 1 else "hidden", "output" if l == L else "hidden")
        panels.append(Panel(tails=np.asarray(A[l - 1]), heads=np.asarray(A[l]),
                            edges=np.asarray(W[l - 1]), tail_name=f"{names[0]}^{{[{l - 1}]}}",
                            head_name=f"{names[1]}^{{[{l}]}}",
                            title=f"Layer {l}, forward",
                            edge_name=f"weights $w^{{[{l}]}}_{{jk}}$",
                            tail_kind=kinds_l[0], head_kind=kinds_l[1]))
    return panels


def backward_panels(A, Delta, dW):
    """The :class:`Panel` list of a backward pass, last layer first.

    Panel l shows the inputs ``A^[l-1]`` (what each gradient multiplies), the
    errors ``Delta^[l]`` in the neurons and ``dJ/dW^[l] = Delta^[l] A^[l-1]T``
    on the arrows. ``A = [A^[0], ..., A^[L-1]]``, ``Delta`` and ``dW`` the
    lists over layers 1..L.
    """
    L = len(dW)
    panels = []
    for l in range(L, 0, -1):
        panels.append(Panel(tails=np.asarray(A[l - 1]), heads=np.asarray(Delta[l - 1]),
                            edges=np.asarray(dW[l - 1]), tail_name=f"a^{{[{l - 1}]}}",
                            head_name=rf"\delta^{{[{l}]}}", title=f"Layer {l}, backward",
                            edge_name=rf"gradients $\partial J / \partial w^{{[{l}]}}_{{jk}}$",
                            backward=True, tail_kind="input" if l == 1 else "hidden"))
    return panels


def error_panels(dA, Delta, W):
    """The :class:`Panel` list of the errors flowing back through ``W^T``, last layer first.

    Panel l shows the errors ``Delta^[l]`` in the neurons of layer l (right),
    the weights ``w^[l]_jk`` on the arrows, which point backwards, and in the
    units of layer l-1 (left) what arrives there,
    ``dJ/dA^[l-1] = W^[l]T Delta^[l]``: unit k sums ``w^[l]_jk delta^[l]_j``
    over the neurons j. The bias unit is not drawn (row 0 of ``dJ/dA`` is
    the stop-gradient's business, not an error that flows on). Multiplying
    by ``g'(Z^[l-1])`` turns the left column of one panel into the right
    column of the next. ``dA = [dJ/dA^[0], ..., dJ/dA^[L-1]]``, ``Delta`` and
    ``W`` the lists over layers 1..L.
    """
    L = len(W)
    panels = []
    for l in range(L, 0, -1):
        panels.append(Panel(tails=np.asarray(dA[l - 1]), heads=np.asarray(Delta[l - 1]),
                            edges=np.asarray(W[l - 1]),
                            tail_name=rf"\partial J/\partial a^{{[{l - 1}]}}",
                            head_name=rf"\delta^{{[{l}]}}", title=f"Layer {l}, back through $W^{{[{l}]\\top}}$",
                            edge_name=rf"weights $w^{{[{l}]}}_{{jk}}$",
                            backward=True, tail_kind="error", extra={"no_bias": True, "tail_label_width": 1.25}))
    return panels


def drawn_numbers(fig) -> dict[str, float]:
    """Every number :func:`layer_panels` drew, by its ``gid`` (for tests)."""
    out = {}
    for text in fig.findobj(match=lambda a: hasattr(a, "get_gid") and hasattr(a, "get_text")):
        gid = text.get_gid()
        if gid and (gid.startswith("node:") or gid.startswith("edge:")):
            out[gid] = parse_number(text.get_text())
    return out
