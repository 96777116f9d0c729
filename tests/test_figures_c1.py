"""The numbers drawn on the figures of chapters 2, 3 and 6 are the asserted ones.

Each test repeats the chapter's computation (the same inputs, mfnet's layers),
draws the chapter's figure with the chapter's call, reads back every number
from the figure's Text artists (``mfnet_book.networks.drawn_numbers`` /
``mfnet_book.circuits.drawn_numbers``), and compares them with an independent
computation: exact rational arithmetic for the worked example, finite
differences or the formulas written out in plain Python for the others.
"""
from __future__ import annotations

from fractions import Fraction

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import mfnet  # noqa: E402
from mfnet_book import networks  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# ---------------------------------------------------------------------------
# Chapter 6: the worked example, exact
# ---------------------------------------------------------------------------

# the inputs the source's printed Z^[1] implies (chapter 6 finds them)
X6 = [[1, 1, 2, 2], [2, 3, 2, 3]]
Y6 = [[1, 1, 2, 2]]
W6 = [[[1, 0, 0], [0, 0, 1], [0, 1, 1], [1, 1, 0]],
      [[1, 0, 0, 0], [1, 1, 0, 1], [-1, 1, 2, -2]],
      [[1, 0, 0], [0, 1, -1]]]


def _matmul(A, B):
    return [[sum(A[i][k] * B[k][j] for k in range(len(B))) for j in range(len(B[0]))]
            for i in range(len(A))]


def _transpose(A):
    return [list(col) for col in zip(*A)]


def _exact_worked_example():
    """A^[l], Delta^[l] and dJ/dW^[l] of the 2-3-2-1 example in Fractions, loops only."""
    m = 4
    A = [[[Fraction(1)] * m] + [[Fraction(v) for v in row] for row in X6]]
    W = [[[Fraction(v) for v in row] for row in Wl] for Wl in W6]
    for Wl in W:
        A.append(_matmul(Wl, A[-1]))            # identity activation
    Y = [[Fraction(1)] * m] + [[Fraction(v) for v in row] for row in Y6]
    D = [None, None, None]
    D[2] = [[Fraction(0)] * m] + [[(A[3][j][i] - Y[j][i]) / m for i in range(m)]
                                 for j in range(1, len(A[3]))]
    for l in (1, 0):                            # Delta^[l] = (W^[l+1]^T Delta^[l+1]), row 0 zero
        back = _matmul(_transpose(W[l + 1]), D[l + 1])
        D[l] = [[Fraction(0)] * m] + back[1:]
    dW = [_matmul(D[l], _transpose(A[l])) for l in range(3)]
    return A, D, dW


def _worked_example_mfnet():
    """The chapter's mfnet computation: layer by layer, as in book/06_worked_example."""
    lins = [mfnet.Linear(2, 3, init="zeros"), mfnet.Linear(3, 2, init="zeros"),
            mfnet.Linear(2, 1, init="zeros")]
    acts = [mfnet.Identity() for _ in lins]
    for lin, Wl in zip(lins, W6):
        lin.W = np.array(Wl, dtype=float)
    A = [mfnet.augment(np.array(X6, dtype=float).T)]
    for lin, act in zip(lins, acts):
        A.append(act.forward(lin.forward(A[-1])))
    loss = mfnet.MSE()
    loss.forward(A[-1], mfnet.augment(np.array(Y6, dtype=float).T))
    grad, D, dW = loss.backward(), [None] * 3, [None] * 3
    for l in (2, 1, 0):
        D[l] = acts[l].backward(grad)
        grad = lins[l].backward(D[l])
        dW[l] = lins[l].dW.copy()
    return A, D, dW, [np.array(Wl, dtype=float) for Wl in W6]


def _check_panel_numbers(drawn, index, tails, heads, edges):
    """Every node cell and edge label of panel ``index`` equals the exact matrices."""
    count = 0
    for k in range(1, len(tails)):
        for i, value in enumerate(tails[k], start=1):
            assert Fraction(drawn[f"node:{index}:tail:{k}:{i}"]) == value
            count += 1
    for j in range(1, len(heads)):
        for i, value in enumerate(heads[j], start=1):
            assert Fraction(drawn[f"node:{index}:head:{j}:{i}"]) == value
            count += 1
        for k in range(len(edges[j])):
            assert Fraction(drawn[f"edge:{index}:{j}:{k}"]) == edges[j][k]
            count += 1
    return count


def test_worked_example_forward_figure_draws_the_exact_forward_pass():
    A_exact, _, _ = _exact_worked_example()
    A, _, _, W = _worked_example_mfnet()
    fig = networks.layer_panels(networks.forward_panels(A, W))
    drawn = networks.drawn_numbers(fig)
    W_exact = [[[Fraction(v) for v in row] for row in Wl] for Wl in W6]
    count = sum(_check_panel_numbers(drawn, l, A_exact[l], A_exact[l + 1], W_exact[l])
                for l in range(3))
    assert count == len(drawn)                  # nothing drawn that was not checked
    assert count == (2 * 4 + 3 * 4 + 3 * 3) + (3 * 4 + 2 * 4 + 2 * 4) + (2 * 4 + 4 + 3)


def test_worked_example_backward_figure_draws_the_exact_errors_and_gradients():
    A_exact, D_exact, dW_exact = _exact_worked_example()
    A, D, dW, _ = _worked_example_mfnet()
    fig = networks.layer_panels(networks.backward_panels(A[:3], D, dW))
    drawn = networks.drawn_numbers(fig)
    count = 0
    for index, l in enumerate((2, 1, 0)):       # panels run from the last layer
        count += _check_panel_numbers(drawn, index, A_exact[l], D_exact[l], dW_exact[l])
    assert count == len(drawn)
    # the example's telling numbers: the dead first neuron, the -2/4 of layer 3
    # (the source prints dJ/dW3 = 1/4 [0 -2 -6] in its row 1)
    assert drawn["edge:0:1:1"] == -2 / 4
    assert all(drawn[f"edge:2:1:{k}"] == 0 for k in range(3))


def test_number_labels_round_trip_and_use_the_minus_sign():
    assert networks.number(-17.75) == "\u221217.75"
    assert networks.parse_number(networks.number(-17.75)) == -17.75
    assert networks.number(-0.0) == "0"
    assert networks.number(0.123456, digits=3) == "0.123"


# ---------------------------------------------------------------------------
# Chapter 2: the backward pass of one sample (three significant digits)
# ---------------------------------------------------------------------------

def _chapter2_model_and_sample():
    """The model, first sample and target of book/02_signal_flow, built as the chapter builds it."""
    rng = np.random.default_rng(2)
    model = mfnet.Sequential(mfnet.Linear(2, 3, rng=rng), mfnet.Tanh(),
                             mfnet.Linear(3, 2, rng=rng), mfnet.Tanh(),
                             mfnet.Linear(2, 1, rng=rng))
    for layer in model.linear_layers:
        W = layer.W.copy()
        W[1:, 0] = rng.uniform(-0.5, 0.5, size=layer.out_features)
        layer.W = W
    X = np.array([[0.5, -1.0], [1.5, 2.0], [-0.5, 0.0], [2.0, 1.0]])
    Y = mfnet.augment(np.array([0.2, 0.9, -0.3, 0.6]))
    return model, mfnet.augment(X)[:, :1], Y[:, :1]


def _close_to_3_digits(drawn, value):
    """``drawn`` is ``value`` rounded to three significant digits (half a unit of the last one)."""
    if value == 0:
        return drawn == 0
    unit = 10.0 ** (np.floor(np.log10(abs(value))) - 2)
    return abs(drawn - value) <= 0.51 * unit


def _agree_to_rounding(a, b):
    """Two drawn numbers, each rounded to three significant digits (relative error at
    most 0.5 % each), or a product of two such: equal to 1.5 %."""
    if a == b == 0:
        return True
    return abs(a - b) <= 1.5e-2 * max(abs(a), abs(b))


def test_signal_flow_backward_figure_draws_errors_and_head_times_tail_gradients():
    model, A0, Y = _chapter2_model_and_sample()
    W = [np.array(w) for w in model.weights()]
    # independent forward and backward in plain numpy, the formulas written out
    A = [A0]
    for l, Wl in enumerate(W):
        Z = Wl @ A[-1]
        A.append(Z if l == 2 else np.vstack([Z[:1], np.tanh(Z[1:])]))
    D = [None, None, np.vstack([[0.0], A[3][1:] - Y[1:]])]      # m = 1, identity output
    for l in (1, 0):
        back = W[l + 1].T @ D[l + 1]
        D[l] = np.vstack([[0.0], back[1:] * (1 - A[l + 1][1:] ** 2)])
    # the chapter's computation: mfnet's layers
    lin1, tanh1, lin2, tanh2, lin3 = model.layers
    loss = mfnet.MSE()
    A1 = tanh1.forward(lin1.forward(A0))
    A2 = tanh2.forward(lin2.forward(A1))
    loss.forward(lin3.forward(A2), Y)
    D3 = loss.backward()
    D2 = tanh2.backward(lin3.backward(D3))
    D1 = tanh1.backward(lin2.backward(D2))
    lin1.backward(D1)
    dW = [lin.dW.copy() for lin in (lin1, lin2, lin3)]
    fig = networks.layer_panels(networks.backward_panels([A0, A1, A2], [D1, D2, D3], dW),
                                digits=3)
    drawn = networks.drawn_numbers(fig)
    checked = 0
    for index, l in enumerate((2, 1, 0)):
        for k in range(1, A[l].shape[0]):
            assert _close_to_3_digits(drawn[f"node:{index}:tail:{k}:1"], A[l][k, 0])
            checked += 1
        for j in range(1, D[l].shape[0]):
            assert _close_to_3_digits(drawn[f"node:{index}:head:{j}:1"], D[l][j, 0])
            checked += 1
            for k in range(A[l].shape[0]):
                # one sample: error at the head times value at the tail
                assert _close_to_3_digits(drawn[f"edge:{index}:{j}:{k}"],
                                          D[l][j, 0] * A[l][k, 0])
                checked += 1
    assert checked == len(drawn) == (2 + 1 + 3) + (3 + 2 + 8) + (2 + 3 + 9)


# ---------------------------------------------------------------------------
# Chapter 3: circuits and the fan-out (three significant digits)
# ---------------------------------------------------------------------------

def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _central(f, x, k, eps=1e-6):
    """Centred difference of f at the vector x in coordinate k (plain Python)."""
    up, down = list(x), list(x)
    up[k] += eps
    down[k] -= eps
    return (f(up) - f(down)) / (2 * eps)


def test_neuron_circuit_draws_values_gradients_and_local_times_upstream():
    from mfnet_book import circuits

    # the chapter's neuron: b, w1, w2 = 0.1, 0.8, -1.2; x = (1.5, -0.5); y = 0.2
    lin, sig, mse = mfnet.Linear(2, 1), mfnet.Sigmoid(), mfnet.MSE()
    lin.W = np.array([[1.0, 0.0, 0.0], [0.1, 0.8, -1.2]])
    A0 = mfnet.augment(np.array([[1.5, -0.5]]))
    Y = mfnet.augment(np.array([0.2]))
    Z = lin.forward(A0)
    A = sig.forward(Z)
    J = mse.forward(A, Y)
    dA = mse.backward()
    D = sig.backward(dA)
    dA0 = lin.backward(D)
    fig = circuits.neuron_from_arrays(A0, Y, lin.W, Z, A, J, dA, D, lin.dW.copy(), dA0)
    drawn = circuits.drawn_numbers(fig)

    # independent: the loss as a plain function of (b, w1, w2, x1, x2)
    def loss(p):
        b, w1, w2, x1, x2 = p
        return 0.5 * (_sigmoid(b + w1 * x1 + w2 * x2) - 0.2) ** 2

    p = [0.1, 0.8, -1.2, 1.5, -0.5]
    grads = dict(zip(["b", "w1", "w2", "x1", "x2"], (_central(loss, p, k) for k in range(5))))
    for name, g in grads.items():
        assert _close_to_3_digits(drawn[f"grad:{name}"], g), name
    z = 0.1 + 0.8 * 1.5 - 1.2 * -0.5
    a = float(_sigmoid(z))
    assert _close_to_3_digits(drawn["value:z"], z)
    assert _close_to_3_digits(drawn["value:a"], a)
    assert _close_to_3_digits(drawn["value:J"], loss(p))
    assert _close_to_3_digits(drawn["grad:z"], grads["b"])        # dJ/dz = dJ/db
    assert _close_to_3_digits(drawn["grad:a"], a - 0.2)
    # local x upstream: sigma'(z) times dJ/da gives dJ/dz; the product gate swaps:
    # x_1's gradient is w_1 times upstream, w_1's is x_1 times upstream
    assert _close_to_3_digits(drawn["local:z"], a * (1 - a))
    assert _close_to_3_digits(drawn["up:z"], a - 0.2)
    assert _close_to_3_digits(drawn["local:x1"], 0.8)
    assert _close_to_3_digits(drawn["local:w1"], 1.5)
    assert _close_to_3_digits(drawn["up:x1"], grads["b"])
    assert _close_to_3_digits(drawn["up:w1"], grads["b"])
    _assert_notes_explain_their_neighbours(fig)


def test_chain_circuit_draws_the_two_layer_chain_rule():
    from mfnet_book import circuits

    chain = mfnet.mlp([1, 1, 1], activation="tanh", output="sigmoid")
    lin1, tanh, lin2, sig = chain.layers
    lin1.W = np.array([[1.0, 0.0], [0.5, -1.5]])
    lin2.W = np.array([[1.0, 0.0], [0.3, 2.0]])
    A0, Y = mfnet.augment(np.array([[1.0]])), mfnet.augment(np.array([1.0]))
    mse = mfnet.MSE()
    Z1 = lin1.forward(A0)
    A1 = tanh.forward(Z1)
    Z2 = lin2.forward(A1)
    A2 = sig.forward(Z2)
    J = mse.forward(A2, Y)
    dA2 = mse.backward()
    D2 = sig.backward(dA2)
    dA1 = lin2.backward(D2)
    D1 = tanh.backward(dA1)
    dA0 = lin1.backward(D1)
    fig = circuits.chain_from_arrays(A0, Y, lin1.W, lin2.W, A1, Z1, Z2, A2, J, dA2, D2, dA1,
                                     D1, lin1.dW.copy(), lin2.dW.copy(), dA0)
    drawn = circuits.drawn_numbers(fig)

    def loss(p):
        x, w1, b1, w2, b2 = p
        return 0.5 * (_sigmoid(b2 + w2 * np.tanh(b1 + w1 * x)) - 1.0) ** 2

    p = [1.0, -1.5, 0.5, 2.0, 0.3]
    for k, name in enumerate(["x", "w1", "b1", "w2", "b2"]):
        assert _close_to_3_digits(drawn[f"grad:{name}"], _central(loss, p, k)), name
    a1 = np.tanh(0.5 - 1.5)
    assert _close_to_3_digits(drawn["value:a1"], a1)
    assert _close_to_3_digits(drawn["value:J"], loss(p))
    # at the tanh gate: local 1 - a1^2 times upstream dJ/da1 = w2 * delta2
    assert _close_to_3_digits(drawn["local:z1"], 1 - a1 ** 2)
    delta2 = _central(loss, p, 4)                     # dJ/db2 = delta2
    assert _close_to_3_digits(drawn["up:z1"], 2.0 * delta2)
    assert _close_to_3_digits(drawn["grad:z1"], _central(loss, p, 2))
    # the error of layer 2 sent back through w2: dJ/da1 = w2 x delta2
    assert _close_to_3_digits(drawn["local:a1"], 2.0)
    assert _close_to_3_digits(drawn["up:a1"], delta2)
    _assert_notes_explain_their_neighbours(fig)
    # layers are bracketed superscripts, never subscripts (book/notation.md)
    labels = [text.get_text() for text in fig.findobj(match=lambda a: hasattr(a, "get_text"))]
    for name in ("w", "b", "a"):
        assert f"${name}^{{[1]}}$" in labels, name
        assert not any(f"{name}_1" in label or f"{name}_{{1}}" in label for label in labels)


def _assert_notes_explain_their_neighbours(fig):
    """Every purple 'local x upstream' gives the red number of its wire, and that red
    number is the one nearest to it on the page (a reader reads the nearest one)."""
    from mfnet_book import circuits

    drawn = circuits.drawn_numbers(fig)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()

    def centre(text):
        box = text.get_window_extent(renderer)
        return (box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2

    texts = {t.get_gid(): t for t in fig.findobj(match=lambda a: hasattr(a, "get_gid"))
             if t.get_gid()}
    reds = {gid: centre(t) for gid, t in texts.items() if gid.startswith("grad:")}
    notes = [gid[len("note:"):] for gid in texts if gid.startswith("note:")]
    assert notes, "no 'local x upstream' note drawn"
    for name in notes:
        product = drawn[f"local:{name}"] * drawn[f"up:{name}"]
        assert _agree_to_rounding(drawn[f"grad:{name}"], product), name
        x, y = centre(texts[f"note:{name}"])
        nearest = min(reds, key=lambda gid: (reds[gid][0] - x) ** 2 + (reds[gid][1] - y) ** 2)
        assert _agree_to_rounding(drawn[nearest], product), (
            f"the note {name} ({product:.3g}) sits next to {nearest} ({drawn[nearest]:.3g})")


def test_a_note_under_the_wrong_wire_is_caught():
    # the first version of figure 3.1 wrote x_1 x upstream (w_1's gradient) under x_1's wire
    import matplotlib.pyplot as plt_

    from mfnet_book import circuits

    fig, ax = circuits._setup(2.0)
    circuits._wire(ax, (0.3, -1.0), (1.8, -1.0), "x1", 1.5, 0.0607, 3)
    circuits._note(ax, 1.05, -1.33, "w1", 1.5, 0.0758, 3)     # the old note: w1's product
    ax.text(3.0, -1.0, "0.114", gid="grad:w1")
    with pytest.raises(AssertionError, match="sits next to grad:x1"):
        _assert_notes_explain_their_neighbours(fig)
    plt_.close(fig)


def test_gates_circuit_draws_the_four_rules():
    from mfnet_book import circuits

    u, v, s = 1.5, -2.0, 0.5

    def loss(x):
        return 0.5 * (x[0] * x[1] + max(x[0], x[2])) ** 2

    x = [u, v, s]
    du, dv, ds = (_central(loss, x, k) for k in range(3))
    q = u * v + max(u, s)
    fig = circuits.gates_circuit(u, v, s, u * v, max(u, s), q, loss(x), q, q, q, dv, ds,
                                 v * q, q, du)
    drawn = circuits.drawn_numbers(fig)
    assert _close_to_3_digits(drawn["value:J"], loss(x))
    assert _close_to_3_digits(drawn["grad:u"], du)
    assert _close_to_3_digits(drawn["grad:v"], dv)
    assert drawn["grad:s"] == 0.0                           # max routes: s lost
    # fan-out: the two branches of u add up to its gradient
    assert _agree_to_rounding(drawn["grad:u_p"] + drawn["grad:u_r"], du)
    _assert_notes_explain_their_neighbours(fig)


def test_fanout_draws_the_sum_and_the_transposed_product():
    from mfnet_book import circuits

    # the chapter's test network and its first sample
    rng = np.random.default_rng(3)
    model = mfnet.mlp([3, 4, 2], activation="tanh", output="sigmoid", rng=rng)
    for layer in model.linear_layers:
        W = layer.W.copy()
        W[1:, 0] = rng.uniform(-0.5, 0.5, size=layer.out_features)
        layer.W = W
    X = rng.normal(size=(5, 3))
    A0, Y = mfnet.augment(X), mfnet.augment(rng.uniform(size=(5, 2)))
    W1, W2 = (np.array(w) for w in model.weights())
    # independent: the formulas written out in numpy
    A1 = np.vstack([np.ones((1, 5)), np.tanh((W1 @ A0)[1:])])
    A2 = _sigmoid(W2 @ A1)[1:]
    D2 = (A2 - Y[1:]) / 5 * A2 * (1 - A2)                 # (3.10), MSE, m = 5
    D1 = (W2[1:, 1:].T @ D2) * (1 - A1[1:] ** 2)          # (3.11)
    loss = mfnet.MSE()
    loss.forward(model.forward(A0), Y)
    grad, deltas = loss.backward(), []
    for layer in reversed(model.layers):
        grad = layer.backward(grad)
        if isinstance(layer, mfnet.Activation):
            deltas.insert(0, grad)
    j, i = 1, 0
    fig = circuits.fanout(j, W2[1:, j], deltas[1][1:, i], 1 - A1[j, i] ** 2,
                          deltas[0][j, i], W2)
    drawn = circuits.drawn_numbers(fig)
    assert _close_to_3_digits(drawn["delta_j"], D1[j - 1, i])
    for q in (1, 2):
        assert _close_to_3_digits(drawn[f"delta_next:{q}"], D2[q - 1, i])
        assert _close_to_3_digits(drawn[f"w:{q}"], W2[q, j])
    assert _close_to_3_digits(drawn["sum_j"], W2[1:, j] @ D2[:, i])
    assert _close_to_3_digits(drawn["g_prime_j"], 1 - A1[j, i] ** 2)
    for r in range(5):                                    # the column W^T delta
        assert _close_to_3_digits(drawn[f"WTd:{r}"], W2[1:, r] @ D2[:, i])


# ---------------------------------------------------------------------------
# Chapter 6: the ReLU example, errors flowing back through W^T (exact)
# ---------------------------------------------------------------------------

X6R = [[-2, 0, 0, 1], [3, -1, 2, -2]]   # the same weights W6 and targets Y6


def _exact_relu_errors():
    """dJ/dA^[l] and Delta^[l] of the ReLU example, in Fractions (times m = 4), loops only."""
    m = 4
    A = [[[Fraction(1)] * m] + [[Fraction(v) for v in row] for row in X6R]]
    W = [[[Fraction(v) for v in row] for row in Wl] for Wl in W6]
    Z = []
    for l, Wl in enumerate(W):
        Zl = _matmul(Wl, A[-1])
        Z.append(Zl)
        relu = l < 2
        A.append([Zl[0]] + [[max(z, 0) if relu else z for z in row] for row in Zl[1:]])
    Y = [[Fraction(1)] * m] + [[Fraction(v) for v in row] for row in Y6]
    D, dA = [None] * 3, [None] * 3
    D[2] = [[Fraction(0)] * m] + [[(A[3][j][i] - Y[j][i]) for i in range(m)]
                                 for j in range(1, len(A[3]))]   # times m
    for l in (2, 1, 0):
        dA[l] = _matmul(_transpose(W[l]), D[l])
        if l:
            D[l - 1] = [[Fraction(0)] * m] + [
                [dA[l][j][i] * (1 if Z[l - 1][j][i] > 0 else 0) for i in range(m)]
                for j in range(1, len(dA[l]))]
    return dA, D, Z


def test_relu_error_figure_draws_the_exact_errors_and_what_reaches_each_unit():
    dA_exact, D_exact, Z = _exact_relu_errors()
    assert all(z != 0 for Zl in Z[:2] for row in Zl[1:] for z in row)   # no kink
    lins = [mfnet.Linear(2, 3), mfnet.Linear(3, 2), mfnet.Linear(2, 1)]
    acts = [mfnet.ReLU(), mfnet.ReLU(), mfnet.Identity()]
    for lin, Wl in zip(lins, W6):
        lin.W = np.array(Wl, dtype=float)
    A = mfnet.augment(np.array(X6R, dtype=float).T)
    for lin, act in zip(lins, acts):
        A = act.forward(lin.forward(A))
    loss = mfnet.MSE()
    loss.forward(A, mfnet.augment(np.array(Y6, dtype=float).T))
    grad, D, dA = loss.backward(), [None] * 3, [None] * 3
    for l in (2, 1, 0):
        D[l] = acts[l].backward(grad)
        grad = dA[l] = lins[l].backward(D[l])
    fig = networks.layer_panels(networks.error_panels(
        [4 * x for x in dA], [4 * x for x in D], [lin.W for lin in lins]))
    drawn = networks.drawn_numbers(fig)
    count = 0
    for index, l in enumerate((2, 1, 0)):
        for k in range(1, len(dA_exact[l])):
            for i, value in enumerate(dA_exact[l][k], start=1):
                assert Fraction(drawn[f"node:{index}:tail:{k}:{i}"]) == value
                count += 1
        for j in range(1, len(D_exact[l])):
            for i, value in enumerate(D_exact[l][j], start=1):
                assert Fraction(drawn[f"node:{index}:head:{j}:{i}"]) == value
                count += 1
            for k in range(1, len(W6[l][j])):          # no arrow to the bias unit
                assert drawn[f"edge:{index}:{j}:{k}"] == W6[l][j][k]
                count += 1
            assert f"edge:{index}:{j}:0" not in drawn
    assert count == len(drawn)
    # g' at work: the first neuron of layer 1 receives 0, 1, 0, 1 and passes on nothing
    assert [drawn[f"node:1:tail:1:{i}"] for i in range(1, 5)] == [0, 1, 0, 1]
    assert all(drawn[f"node:2:head:1:{i}"] == 0 for i in range(1, 5))
