"""Computational-graph ("circuit") pictures of backpropagation, in the style of CS231n.

Every wire carries its forward value above it (black) and the gradient of the
loss with respect to that value below it (red); under a red number, in
purple, the product that gives it: *local derivative x upstream gradient*.
The numbers are passed in by the chapter (computed with mfnet and checked
there); the functions only place them. Every number is a Text artist with a
``gid`` (``"value:<wire>"``, ``"grad:<wire>"``, and ``"local:<wire>"``,
``"up:<wire>"`` for the product that gives ``grad:<wire>``, ...), read back by :func:`drawn_numbers` in the tests.
"""
from __future__ import annotations

from .networks import BACKWARD, FONT, INK, number, parse_number
from .style import FULL_WIDTH, diagram_canvas

GATE = "#F2F2F2"
NOTE = "#6A3D9A"


def _setup(height, width=FULL_WIDTH):
    return diagram_canvas(width, height, equal_aspect=True)


def _gate(ax, x, y, symbol, r=0.24):
    from matplotlib.patches import Circle

    ax.add_patch(Circle((x, y), r, fc=GATE, ec=INK, lw=1.2, zorder=3))
    ax.text(x, y, symbol, ha="center", va="center", fontsize=FONT + 2, zorder=4)


def _wire(ax, p, q, name, value, grad, digits, r_from=0.0, r_to=0.24, side="h", note=None,
          at=0.5, note_right=False):
    """A wire from p to q with its value (above / left) and gradient (below / right).

    ``note=(local, upstream)`` writes "local x upstream" in purple right under
    the red gradient it produces (gids ``local:<name>``, ``up:<name>``): the
    reader finds each product next to the number it explains (``note_right``:
    the note ends a little right of the number instead of centred under it).
    ``at`` places the labels along the wire (0.5: the middle).
    """
    (x0, y0), (x1, y1) = p, q
    d = ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5
    ux, uy = (x1 - x0) / d, (y1 - y0) / d
    ax.annotate("", xy=(x1 - r_to * ux, y1 - r_to * uy), xytext=(x0 + r_from * ux, y0 + r_from * uy),
                arrowprops=dict(arrowstyle="-|>", color=INK, lw=1.1, shrinkA=0, shrinkB=0,
                                mutation_scale=10), zorder=2)
    mx, my = x0 + at * (x1 - x0), y0 + at * (y1 - y0)
    if side == "h":
        ax.text(mx, my + 0.07, number(value, digits), ha="center", va="bottom", fontsize=FONT,
                color=INK, gid=f"value:{name}")
        ax.text(mx, my - 0.07, number(grad, digits), ha="center", va="top", fontsize=FONT,
                color=BACKWARD, gid=f"grad:{name}")
        if note is not None and note_right:
            _note(ax, mx + 0.3, my - 0.33, name, *note, digits, ha="right")
        elif note is not None:
            _note(ax, mx, my - 0.33, name, *note, digits)
    else:
        ax.text(mx - 0.07, my, number(value, digits), ha="right", va="center", fontsize=FONT,
                color=INK, gid=f"value:{name}")
        ax.text(mx + 0.07, my, number(grad, digits), ha="left", va="center", fontsize=FONT,
                color=BACKWARD, gid=f"grad:{name}")
        if note is not None:
            _note(ax, mx + 0.07, my - 0.15, name, *note, digits, ha="left")


def _leaf(ax, x, y, label, ha="center", va="center"):
    ax.text(x, y, label, ha=ha, va=va, fontsize=FONT + 1, color=INK)


def _note(ax, x, y, name, local, upstream, digits, ha="center"):
    """'local x upstream' in purple, one Text artist with gid ``note:<name>``.

    ``name`` is the wire whose gradient the product is; the note is drawn
    next to that wire's red number (tests check both). A negative upstream
    gradient is put in parentheses.
    """
    up = number(upstream, digits)
    if up.startswith("\u2212"):
        up = f"({up})"
    ax.text(x, y, f"{number(local, digits)} \u00d7 {up}", ha=ha, va="top", fontsize=FONT - 1,
            color=NOTE, gid=f"note:{name}")


def gates_circuit(u, v, s, p, r, q, J, dJ_dq, dJ_dp, dJ_dr, dJ_dv, dJ_ds, du_via_p, du_via_r,
                  dJ_du, digits=3):
    """The four rules of backpropagation on one small circuit.

    J = (u v + max(u, s))^2 / 2 with p = u v, r = max(u, s), q = p + r: the
    multiply gate swaps, the max gate routes, the add gate distributes, and
    u, which fans out to two gates, adds the two gradients it gets back
    (``du_via_p + du_via_r = dJ_du``). Every number is passed in by the
    chapter. Returns the figure.
    """
    fig, ax = _setup(4.3)
    g_mul, g_max, g_add, g_J = (2.5, -1.0), (2.5, -3.0), (4.2, -2.0), (5.7, -2.0)
    _gate(ax, *g_mul, "\u00d7")
    _gate(ax, *g_max, "max")
    ax.texts[-1].set_fontsize(FONT - 1)
    _gate(ax, *g_add, "+")
    _gate(ax, *g_J, "J")
    pv, pu, ps = (0.45, -0.35), (0.45, -2.0), (0.45, -3.65)
    _leaf(ax, pv[0] - 0.1, pv[1], "$v$", ha="right")
    _leaf(ax, pu[0] - 0.1, pu[1], "$u$", ha="right")
    _leaf(ax, ps[0] - 0.1, ps[1], "$s$", ha="right")
    _wire(ax, pv, g_mul, "v", v, dJ_dv, digits, note=(u, dJ_dp), at=0.45)
    _wire(ax, pu, g_mul, "u_p", u, du_via_p, digits, note=(v, dJ_dp), at=0.45)
    _wire(ax, pu, g_max, "u_r", u, du_via_r, digits, note=(1.0 if u > s else 0.0, dJ_dr),
          at=0.45)
    _wire(ax, ps, g_max, "s", s, dJ_ds, digits, note=(1.0 if s > u else 0.0, dJ_dr), at=0.45)
    _wire(ax, g_mul, g_add, "p", p, dJ_dp, digits, r_from=0.24, note=(1.0, dJ_dq))
    _wire(ax, g_max, g_add, "r", r, dJ_dr, digits, r_from=0.24, note=(1.0, dJ_dq))
    _wire(ax, g_add, g_J, "q", q, dJ_dq, digits, r_from=0.24, note=(q, 1.0))
    ax.text(g_J[0], g_J[1] - 0.3, number(J, digits), ha="center", va="top", fontsize=FONT,
            color=INK, gid="value:J")
    # u's total: the two branch gradients add
    ax.text(pu[0] - 0.1, pu[1] - 0.3, number(dJ_du, digits), ha="right", va="top",
            fontsize=FONT, color=BACKWARD, gid="grad:u")
    ax.text(pu[0] - 0.1, pu[1] - 0.58, "sum of\nbranches", ha="right", va="top",
            fontsize=FONT - 1, color=NOTE)
    for (x, y), what in ((g_mul, "swaps"), (g_max, "routes"), (g_add, "distributes")):
        ax.text(x, y + 0.3, what, ha="center", va="bottom", fontsize=FONT - 1, color=NOTE,
                style="italic")
    return fig


def neuron_circuit(x, w, b, y, z, a, J, dJ_da, delta, dw, db, dx, digits=3):
    """One sigmoid neuron with two inputs and the squared error, as a circuit.

    ``x``, ``w``: the two inputs and weights; ``b`` the bias; ``y`` the
    target; ``z``, ``a``, ``J``: pre-activation, activation and loss;
    ``dJ_da``, ``delta`` = dJ/dz, ``dw``, ``db``, ``dx``: the gradients, as
    the chapter computed them. Each product gate swaps: x_k's wire gets
    w_k x upstream, w_k's wire gets x_k x upstream, each written under the
    red number it gives. Returns the figure.
    """
    fig, ax = _setup(5.05)
    ym = -2.45                      # the main line
    xs = {"mul1": 1.9, "mul2": 1.9, "add": 3.5, "sig": 4.75, "loss": 5.95}
    ys = {"mul1": -1.25, "mul2": -3.65}
    _gate(ax, xs["mul1"], ys["mul1"], "\u00d7")
    _gate(ax, xs["mul2"], ys["mul2"], "\u00d7")
    _gate(ax, xs["add"], ym, "+")
    _gate(ax, xs["sig"], ym, "\u03c3")
    _gate(ax, xs["loss"], ym, "J")
    for k, yk, sign in ((0, ys["mul1"], 1), (1, ys["mul2"], -1)):
        gate = f"mul{k + 1}"
        _leaf(ax, 0.05, yk, f"$x_{k + 1}$", ha="left")
        _wire(ax, (0.35, yk), (xs[gate], yk), f"x{k + 1}", x[k], dx[k], digits,
              note=(w[k], delta))
        reach = 0.95 if sign > 0 else 1.15      # w_2's labels clear of x_2's note
        _leaf(ax, xs[gate] - 0.1, yk + sign * reach, f"$w_{k + 1}$", ha="right")
        top = (xs[gate], yk + sign * reach)
        _wire(ax, top, (xs[gate], yk), f"w{k + 1}", w[k], dw[k], digits, side="v",
              note=(x[k], delta), at=0.45 if sign > 0 else 0.3)
        _wire(ax, (xs[gate], yk), (xs["add"], ym), f"p{k + 1}", w[k] * x[k], delta, digits,
              r_from=0.24)
    _leaf(ax, xs["add"], ym + 1.05, "$b$")
    _wire(ax, (xs["add"], ym + 0.85), (xs["add"], ym), "b", b, db, digits, side="v")
    _wire(ax, (xs["add"], ym), (xs["sig"], ym), "z", z, delta, digits, r_from=0.24,
          note=(a * (1 - a), dJ_da))
    _wire(ax, (xs["sig"], ym), (xs["loss"], ym), "a", a, dJ_da, digits, r_from=0.24,
          note=(a - y, 1.0), note_right=True)
    _leaf(ax, xs["loss"], ym + 1.05, "$y$")
    ax.plot([xs["loss"]] * 2, [ym + 0.85, ym + 0.24], color=INK, lw=1.1)
    ax.text(xs["loss"] - 0.07, ym + 0.55, number(y, digits), ha="right", va="center",
            fontsize=FONT, color=INK, gid="value:y")
    ax.text(xs["loss"], ym - 0.3, number(J, digits), ha="center", va="top", fontsize=FONT,
            color=INK, gid="value:J")
    return fig


def chain_circuit(x, w1, b1, w2, b2, y, z1, a1, z2, a2, J, da2, dz2, da1, dz1, dw1, db1, dw2,
                  db2, dx, digits=3):
    """A two-layer chain x -> tanh(w1 x + b1) -> sigmoid(w2 a1 + b2) -> J, as a circuit.

    Layer 1 on the upper row, layer 2 and the loss on the lower row; every
    argument is a number the chapter computed (values and gradients). Labels
    carry the layer as a bracketed superscript, as everywhere in the book.
    """
    fig, ax = _setup(4.9)
    rows = (-1.3, -4.0)
    cols = (1.6, 3.2, 4.8)
    for (w, b, z, a, dw, db, dz, da, ain, dain, act, actsym, local, l, row) in (
            (w1, b1, z1, a1, dw1, db1, dz1, da1, x, dx, "tanh", "tanh", 1 - a1 ** 2, 1, rows[0]),
            (w2, b2, z2, a2, dw2, db2, dz2, da2, a1, da1, "sig", "\u03c3", a2 * (1 - a2), 2,
             rows[1])):
        xm, xa, xg = cols
        _gate(ax, xm, row, "\u00d7")
        _gate(ax, xa, row, "+")
        _gate(ax, xg, row, actsym if act == "sig" else "", r=0.3 if act == "tanh" else 0.24)
        if act == "tanh":
            ax.text(xg, row, "tanh", ha="center", va="center", fontsize=FONT, zorder=5)
        if l == 1:
            _leaf(ax, 0.05, row, "$x$", ha="left")
            _wire(ax, (0.35, row), (xm, row), "x", ain, dain, digits, note=(w, dz))
        _leaf(ax, xm - 0.1, row + 0.9, f"$w^{{[{l}]}}$", ha="right")
        _wire(ax, (xm, row + 0.9), (xm, row), f"w{l}", w, dw, digits, side="v",
              note=(ain, dz), at=0.3)
        _leaf(ax, xa - 0.1, row + 0.9, f"$b^{{[{l}]}}$", ha="right")
        _wire(ax, (xm, row), (xa, row), f"p{l}", w * ain, dz, digits, r_from=0.24)
        _wire(ax, (xa, row + 0.9), (xa, row), f"b{l}", b, db, digits, side="v", at=0.3)
        _wire(ax, (xa, row), (xg, row), f"z{l}", z, dz, digits, r_from=0.24,
              r_to=0.3 if act == "tanh" else 0.24, note=(local, da))
    # the wire a^[1] from layer 1 down to layer 2, with its value, gradient and note
    xg = cols[2]
    xr, ymid, xlft = 6.3, (rows[0] + rows[1]) / 2 + 0.25, 0.45
    ax.plot([xg + 0.3, xr, xr, xlft, xlft], [rows[0], rows[0], ymid, ymid, rows[1]],
            color=INK, lw=1.1, zorder=2)
    ax.annotate("", xy=(cols[0] - 0.24, rows[1]), xytext=(xlft, rows[1]),
                arrowprops=dict(arrowstyle="-|>", color=INK, lw=1.1, shrinkA=0, shrinkB=0,
                                mutation_scale=10), zorder=2)
    ax.text(3.4, ymid + 0.07, number(a1, digits), ha="center", va="bottom", fontsize=FONT,
            color=INK, gid="value:a1")
    ax.text(3.4, ymid - 0.07, number(da1, digits), ha="center", va="top", fontsize=FONT,
            color=BACKWARD, gid="grad:a1")
    _note(ax, 3.4, ymid - 0.33, "a1", w2, dz2, digits)
    ax.text(2.5, ymid + 0.07, "$a^{[1]}$", ha="center", va="bottom", fontsize=FONT + 1)
    xl = 6.1
    _gate(ax, xl, rows[1], "J")
    _wire(ax, (xg, rows[1]), (xl, rows[1]), "a2", a2, da2, digits, r_from=0.24,
          note=(a2 - y, 1.0), note_right=True)
    _leaf(ax, xl, rows[1] + 0.85, "$y$")
    ax.plot([xl] * 2, [rows[1] + 0.65, rows[1] + 0.24], color=INK, lw=1.1)
    ax.text(xl - 0.07, rows[1] + 0.45, number(y, digits), ha="right", va="center",
            fontsize=FONT, color=INK, gid="value:y")
    ax.text(xl, rows[1] - 0.3, number(J, digits), ha="center", va="top", fontsize=FONT,
            color=INK, gid="value:J")
    ax.text(0.05, -0.1, "layer 1", ha="left", va="top", fontsize=FONT + 1, fontweight="bold")
    ax.text(0.05, rows[1] + 1.05, "layer 2", ha="left", va="top", fontsize=FONT + 1,
            fontweight="bold")
    return fig


def fanout(j, w_col, delta_next, g_prime_j, delta_j, W_next, digits=3):
    """Why the error of neuron j is a sum, and why the sums are W^T Delta.

    Left: neuron j of layer l feeds every neuron q of layer l + 1 through
    ``w_col[q-1] = w^[l+1]_qj``; the errors ``delta_next`` come back along the
    same wires and add up, times ``g_prime_j``, to ``delta_j``. Right: the
    same sum is entry j of ``W_next.T @ delta`` (column j of W^[l+1] is row j
    of its transpose), shown for every neuron at once. Returns the figure.
    """
    import numpy as np
    from matplotlib.patches import Circle, Rectangle

    w_col, delta_next, W_next = map(np.asarray, (w_col, delta_next, W_next))
    n = len(delta_next)
    fig, ax = _setup(3.8)
    xj, xq = 0.55, 2.35
    yq = [-0.9 - 1.2 * q for q in range(n)]
    yj = sum(yq) / n
    ax.add_patch(Circle((xj, yj), 0.3, fc="#FDDBC7", ec=INK, zorder=3))
    ax.text(xj, yj, f"$\\delta^{{[l]}}_{{{j}}}$", ha="center", va="center", fontsize=FONT + 1,
            zorder=4)
    ax.text(xj, yj - 0.42, number(delta_j, digits), ha="center", va="top", fontsize=FONT,
            color=BACKWARD, gid="delta_j")
    for q in range(n):
        ax.add_patch(Circle((xq, yq[q]), 0.3, fc="#FDDBC7", ec=INK, zorder=3))
        ax.text(xq, yq[q], f"$\\delta^{{[l+1]}}_{{{q + 1}}}$", ha="center", va="center",
                fontsize=FONT, zorder=4)
        ax.text(xq + 0.36, yq[q], number(delta_next[q], digits), ha="left", va="center",
                fontsize=FONT, color=BACKWARD, gid=f"delta_next:{q + 1}")
        ax.annotate("", xy=(xj + 0.3, yj), xytext=(xq - 0.3, yq[q]),
                    arrowprops=dict(arrowstyle="-|>", color=BACKWARD, lw=1.2, shrinkA=0,
                                    shrinkB=0, mutation_scale=10), zorder=2)
        mx, my = (xj + xq) / 2 + 0.1, (yj + yq[q]) / 2
        ax.text(mx, my + (0.18 if q == 0 else -0.18), number(w_col[q], digits), ha="center",
                va="center", fontsize=FONT, color=INK, gid=f"w:{q + 1}",
                bbox=dict(boxstyle="round,pad=0.12", fc="white", ec="#999999", lw=0.6))
    ax.text(0.1, -0.15, f"(a) neuron {j} feeds every neuron $q$", ha="left", va="top",
            fontsize=FONT + 1)
    ax.text(0.1, yq[-1] - 0.55,
            f"$\\delta^{{[l]}}_{{{j}}} = g^{{[l]\\prime}}(z^{{[l]}}_{{{j}}}) \\sum_q w^{{[l+1]}}_{{q{j}}}"
            f"\\, \\delta^{{[l+1]}}_q$", ha="left", va="top", fontsize=FONT + 1)
    total = float(w_col @ delta_next)
    parts = [(number(g_prime_j, digits), "g_prime_j"), ("\u00d7", None),
             (number(total, digits), "sum_j"), ("=", None), (number(delta_j, digits), None)]
    xt = 0.1
    for text, gid in parts:
        t = ax.text(xt, yq[-1] - 1.0, text, ha="left", va="top", fontsize=FONT, color=NOTE,
                    gid=gid)
        xt += (len(text) + 1) * 0.088
    ax.text(0.1, yq[-1] - 1.3, "$g'(z)$ \u00d7 sum = error", ha="left", va="top",
            fontsize=FONT, color=NOTE)
    # (b) the transpose: W^[l+1]^T (rows j = 0..n_l) times the error column
    WT = W_next.T
    rows_, cols_ = WT.shape
    cw, ch = 0.62, 0.3
    x0, y0 = 3.5, -0.75
    ax.text(x0 - 0.05, -0.15, "(b) all neurons: $W^{[l+1]\\top} \\delta^{[l+1]}$", ha="left",
            va="top", fontsize=FONT + 1)
    for r in range(rows_):
        for c in range(1, cols_):
            xc, yc = x0 + (c - 0.5) * cw, y0 - r * ch
            if r == j:
                ax.add_patch(Rectangle((xc - cw / 2, yc - ch / 2), cw, ch, fc="#FFE9A8",
                                       ec="none", zorder=1))
            ax.text(xc, yc, number(WT[r, c], 2), ha="center", va="center", fontsize=FONT,
                    color="#999999" if r == 0 else INK, gid=f"WT:{r}:{c}")
    xd = x0 + (cols_ - 1) * cw + 0.4
    ymid = y0 - (rows_ - 1) * ch / 2
    for c in range(1, cols_):
        yc = ymid + ((cols_ - 2) / 2 - (c - 1)) * ch
        ax.text(xd, yc, number(delta_next[c - 1], 2), ha="center", va="center",
                fontsize=FONT, color=BACKWARD, gid=f"col:{c}")
    ax.text(xd - 0.38, ymid, "\u00d7", ha="center", va="center", fontsize=FONT)
    ax.text(xd + 0.45, ymid, "=", ha="center", va="center", fontsize=FONT)
    xr = xd + 1.0
    for r in range(rows_):
        yc = y0 - r * ch
        if r == j:
            ax.add_patch(Rectangle((xr - 0.4, yc - ch / 2), 0.8, ch, fc="#FFE9A8", ec="none",
                                   zorder=1))
        ax.text(xr, yc, number(WT[r, 1:] @ delta_next, 3), ha="center", va="center",
                fontsize=FONT, color="#999999" if r == 0 else INK, gid=f"WTd:{r}")
    ax.text(x0, y0 - rows_ * ch - 0.05, f"row {j} of the transpose holds\nthe weights "
            f"leaving neuron {j}:\nthe sum in (a)", ha="left", va="top", fontsize=FONT,
            color=NOTE)
    return fig


def drawn_numbers(fig) -> dict[str, float]:
    """Every number a circuit function drew, by its ``gid`` (for tests)."""
    out = {}
    for text in fig.findobj(match=lambda a: hasattr(a, "get_gid") and hasattr(a, "get_text")):
        gid = text.get_gid()
        if gid and gid.startswith("note:"):
            local, up = text.get_text().split("\u00d7")
            name = gid[len("note:"):]
            out[f"local:{name}"] = parse_number(local.strip())
            out[f"up:{name}"] = parse_number(up.strip().strip("()"))
        elif gid and text.get_text():
            try:
                out[gid] = parse_number(text.get_text())
            except ValueError:
                pass
    return out


def neuron_from_arrays(A0, Y, W, Z, A, J, dA, Delta, dW, dA0, digits=3):
    """:func:`neuron_circuit` from mfnet's arrays of a two-input neuron and one sample.

    ``A0`` (3, 1) input, ``Y`` (2, 1) target, ``W`` (2, 3) weights, ``Z``,
    ``A`` the neuron's pre-activation and activation, ``J`` the loss; ``dA``
    = dJ/dA, ``Delta`` = dJ/dZ, ``dW`` the weight gradient, ``dA0`` = dJ/dA^[0].
    """
    return neuron_circuit(x=A0[1:, 0], w=W[1, 1:], b=W[1, 0], y=Y[1, 0], z=Z[1, 0],
                          a=A[1, 0], J=J, dJ_da=dA[1, 0], delta=Delta[1, 0], dw=dW[1, 1:],
                          db=dW[1, 0], dx=dA0[1:, 0], digits=digits)


def chain_from_arrays(A0, Y, W1, W2, A1, Z1, Z2, A2, J, dA2, D2, dA1, D1, dW1, dW2, dA0,
                      digits=3):
    """:func:`chain_circuit` from mfnet's arrays of a 1-1-1 network and one sample."""
    return chain_circuit(x=A0[1, 0], w1=W1[1, 1], b1=W1[1, 0], w2=W2[1, 1], b2=W2[1, 0],
                         y=Y[1, 0], z1=Z1[1, 0], a1=A1[1, 0], z2=Z2[1, 0], a2=A2[1, 0], J=J,
                         da2=dA2[1, 0], dz2=D2[1, 0], da1=dA1[1, 0], dz1=D1[1, 0],
                         dw1=dW1[1, 1], db1=dW1[1, 0], dw2=dW2[1, 1], db2=dW2[1, 0],
                         dx=dA0[1, 0], digits=digits)


def fd_step_plot(eps_values, errors, used=1e-6):
    """The accuracy of centred finite differences against the step (chapter 3); the figure.

    ``errors[i]``: the normwise relative error of the finite-difference
    gradient with step ``eps_values[i]`` against an exact gradient. Two grey
    reference lines of slope 2 (truncation) and -1 (rounding) pass through
    the first and the last point; a red line marks the step ``used``.
    """
    import matplotlib.pyplot as plt
    import numpy as np

    from .style import COLORS

    eps_values, errors = np.asarray(eps_values), np.asarray(errors)
    fig, ax = plt.subplots(figsize=(FULL_WIDTH, 4.2))
    ax.loglog(eps_values, errors, "o-", color=COLORS[0],
              label="finite differences vs index formulas")
    ax.loglog(eps_values, errors[0] * (eps_values / eps_values[0]) ** 2, ":", color="gray",
              label=r"slope of $\varepsilon^2$ (truncation)")
    ax.loglog(eps_values, errors[-1] * eps_values[-1] / eps_values, "--", color="gray",
              label=r"slope of $1/\varepsilon$ (rounding)")
    exponent = int(np.round(np.log10(used)))
    ax.axvline(used, color=BACKWARD, lw=1.0,
               label=rf"$\varepsilon = 10^{{{exponent}}}$, used above")
    ax.set_xlabel(r"step $\varepsilon$")
    ax.set_ylabel("normwise relative error")
    ax.set_ylim(errors.min() / 10, errors.max() * 1e3)
    ax.legend(loc="upper left")
    return fig
