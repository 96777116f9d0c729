"""The figures of chapters 1, 4 and 5 draw the arrays they are given, and nothing else.

Each test builds the chapter's own network (the same construction as the
notebook), runs it through mfnet, passes the arrays to the figure function,
and reads back what the returned figure shows: the size labels and the
number of cells of each block (shape diagrams, ``mfnet_book.shapes``), the
bar heights and tick labels (``mfnet_book.gradients``), the measured points
(``mfnet_book.cost``).
"""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

import mfnet  # noqa: E402
from mfnet_book import cost, shapes  # noqa: E402


def texts(fig) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def shape_labels(fig) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts if t.get_gid() == "shape"]


def cells(fig) -> list[Rectangle]:
    """The matrix cells: thin-edged rectangles (block outlines have no face)."""
    return [p for ax in fig.axes for p in ax.patches
            if isinstance(p, Rectangle) and p.get_facecolor()[3] > 0 and p.get_linewidth() < 1]


def chapter4_network():
    """The network, batch and plain-numpy forward/backward pass of chapter 4."""
    rng = np.random.default_rng(2024)
    m = 5
    net = mfnet.mlp([3, 4, 3, 2], activation="tanh", rng=0)
    X = mfnet.augment(rng.normal(size=(m, 3)))
    Y = mfnet.augment(rng.normal(size=(m, 2)))
    for layer in net.linear_layers:
        W = layer.W.copy()
        W[1:, 0] = rng.normal(scale=0.5, size=layer.out_features)
        layer.W = W
    W1, W2, W3 = (layer.W.copy() for layer in net.linear_layers)

    def rows(Z):
        return np.vstack([Z[:1], np.tanh(Z[1:])])

    def slope(Z):
        return np.vstack([np.zeros((1, Z.shape[1])), 1.0 - np.tanh(Z[1:]) ** 2])

    Z1 = W1 @ X
    A1 = rows(Z1)
    Z2 = W2 @ A1
    A2 = rows(Z2)
    Z3 = W3 @ A2
    D3 = np.vstack([np.zeros((1, m)), (Z3[1:] - Y[1:]) / m])
    D2 = (W3.T @ D3) * slope(Z2)
    D1 = (W2.T @ D2) * slope(Z1)
    grads = mfnet.model_gradients(net, mfnet.MSE(), X, Y)
    assert mfnet.relative_error(grads[0], D1 @ X.T) < 1e-14
    return dict(W1=W1, W2=W2, A0=X, Z1=Z1, D1=D1, D2=D2, dW1=grads[0])


def test_forward_shape_diagram_draws_the_chapter_shapes():
    a = chapter4_network()
    fig = shapes.product_diagram([dict(
        result=("$Z$", a["Z1"], "bias"), left=("$W$", a["W1"], "bias"),
        right=("$A$", a["A0"], "bias"), summed=(2, 3))])
    assert shape_labels(fig) == ["5 \u00d7 5", "5 \u00d7 4", "4 \u00d7 5"]
    assert [shapes.shape_text(a[k].shape) for k in ("Z1", "W1", "A0")] == shape_labels(fig)
    assert len(cells(fig)) == a["Z1"].size + a["W1"].size + a["A0"].size
    # row 0 of all three is the bias row: one grey cell per column of each,
    # except where the shaded column of A (the sum) crosses it
    grey = [c for c in cells(fig) if matplotlib.colors.to_hex(c.get_facecolor()) ==
            shapes.BIAS.lower()]
    assert len(grey) == 5 + 4 + 5 - 1
    # the shaded row of W and column of A, and the one picked entry of Z
    orange = matplotlib.colors.to_hex(shapes.SUMMED).lower()
    picked = matplotlib.colors.to_hex(shapes.PICKED).lower()
    faces = [matplotlib.colors.to_hex(c.get_facecolor()) for c in cells(fig)]
    assert faces.count(orange) == a["W1"].shape[1] + a["A0"].shape[0]
    assert faces.count(picked) == 1


def test_backward_shape_diagram_draws_the_chapter_shapes_and_zero_rows():
    a = chapter4_network()
    dA1 = a["W2"].T @ a["D2"]
    fig = shapes.product_diagram([
        dict(result=("$G$", a["dW1"], "zero"), left=("$D$", a["D1"], "zero"),
             right=("$A^T$", a["A0"].T, "bias col"), summed=(2, 1)),
        dict(result=("$dA$", dA1, None), left=("$W^T$", a["W2"].T, "bias col"),
             right=("$D$", a["D2"], "zero"), summed=(2, 3))])
    expected = [a["dW1"], a["D1"], a["A0"].T, dA1, a["W2"].T, a["D2"]]
    assert shape_labels(fig) == [shapes.shape_text(M.shape) for M in expected]
    assert shape_labels(fig) == ["5 \u00d7 4", "5 \u00d7 5", "5 \u00d7 4",
                                 "5 \u00d7 5", "5 \u00d7 4", "4 \u00d7 5"]
    # the rows drawn as zero are zero in the chapter's arrays
    assert np.all(a["dW1"][0] == 0) and np.all(a["D1"][0] == 0) and np.all(a["D2"][0] == 0)
    assert texts(fig).count("0") == 3
    assert len(cells(fig)) == sum(M.size for M in expected)


def test_cost_figure_plots_the_measurements_it_is_given():
    P = [27, 61, 153]
    t_fd, t_fwd, t_bp = [1e-3, 3e-3, 8e-3], [2e-5, 2.2e-5, 2.5e-5], [5e-5, 6e-5, 7e-5]
    fig = cost.gradient_cost(P, t_fd, t_fwd, t_bp)
    lines = fig.axes[0].get_lines()
    assert np.array_equal(lines[0].get_xdata(), P)
    assert np.array_equal(lines[0].get_ydata(), t_fd)
    assert np.allclose(lines[1].get_ydata(), 2 * np.array(P) * np.array(t_fwd), rtol=0)
    assert np.array_equal(lines[2].get_ydata(), t_bp)


@pytest.mark.parametrize("n", [5, 6])
def test_pipeline_diagram_labels_every_wire_with_its_shape(n):
    sizes = [4, 6, 5, 3] if n == 6 else [4, 6, 3]
    net = mfnet.mlp(sizes, activation="relu", output="softmax", rng=3)
    if n == 5:
        net = mfnet.Sequential(*net.layers[:-1])
    A = mfnet.augment(np.random.default_rng(0).normal(size=(8, 4)))
    flow = [A.shape]
    for layer in net.layers:
        A = layer.forward(A)
        flow.append(A.shape)
    fig = shapes.pipeline_diagram([repr(layer) for layer in net.layers], flow)
    labels = shape_labels(fig)
    forward = [shapes.shape_text(s) for s in flow]
    # every wire forward; backward every wire but the input's (skipped)
    assert sorted(labels) == sorted(forward + forward[1:])
    assert "skipped" in texts(fig)
    names = [t for t in texts(fig) if "(" in t and not t.startswith("backward")]
    assert names == [repr(layer) for layer in net.layers]


def test_gradient_bars_draw_backprop_heights_and_finite_difference_markers():
    """Chapter 1: the 2-3-1 teaser, its 13 derivatives both ways."""
    from mfnet_book import gradients

    rng = np.random.default_rng(0)
    model = mfnet.mlp([2, 3, 1], activation="tanh", rng=rng)
    for layer in model.linear_layers:
        layer.bias[:] = rng.normal(scale=0.5, size=layer.out_features)
    X = rng.normal(size=(5, 2))
    A0 = mfnet.augment(X)
    Y = mfnet.augment(np.sin(X[:, 0]) * X[:, 1])
    loss = mfnet.MSE()
    backprop = mfnet.model_gradients(model, loss, A0, Y)
    J_now = lambda: loss.forward(model.forward(A0), Y)  # noqa: E731
    finite_diff = []
    for layer in model.linear_layers:
        mask = np.zeros(layer.W.shape, dtype=bool)
        mask[1:] = True
        finite_diff.append(mfnet.numerical_gradient(J_now, layer.W, mask=mask))
    heights = np.concatenate([b[1:].ravel() for b in backprop])
    marks = np.concatenate([f[1:].ravel() for f in finite_diff])
    labels = gradients.weight_labels([b.shape for b in backprop])
    fig = gradients.gradient_bars(labels, heights, marks, [b[1:].size for b in backprop])
    ax = fig.axes[0]
    bars = [p.get_height() for p in ax.patches]
    assert np.array_equal(bars, heights) and len(bars) == 3 * 3 + 1 * 4
    assert np.array_equal(ax.get_lines()[0].get_ydata(), marks)
    assert [t.get_text() for t in ax.get_xticklabels()] == labels
    assert labels[0] == "10" and labels[-1] == "13"
    assert [t.get_text() for t in ax.texts] == ["$w^{[1]}_{jk}$", "$w^{[2]}_{jk}$"]
    # what the figure shows: each marker on its bar (finite differences agree)
    assert np.allclose(marks, heights, rtol=1e-6, atol=1e-9)


def test_layer_diagram_draws_the_linear_and_activation_blocks_of_chapter5():
    """Chapter 5: Linear(3, 2) on a batch of 4, then Tanh."""
    lin = mfnet.Linear(3, 2, rng=0)
    lin.bias[:] = [0.5, -1.5]
    A = mfnet.augment(np.random.default_rng(5).normal(size=(4, 3)))
    Z = lin.forward(A)
    out = mfnet.Tanh().forward(Z)
    fig = shapes.layer_diagram([("$A$", A, "bias"), ("$Z = W A$", r"$W^\top \Delta$"),
                                ("$Z$", Z, "bias"), ("$g(Z)$", "$g'$"), ("$A$", out, "bias")])
    assert shape_labels(fig) == [shapes.shape_text(M.shape) for M in (A, Z, out)]
    assert shape_labels(fig) == ["4 \u00d7 4", "3 \u00d7 4", "3 \u00d7 4"]
    assert len(cells(fig)) == A.size + Z.size + out.size
    grey = [c for c in cells(fig) if matplotlib.colors.to_hex(c.get_facecolor()) ==
            shapes.BIAS.lower()]
    assert len(grey) == 3 * 4          # row 0 of each block, which is ones
    assert np.all(A[0] == 1) and np.all(Z[0] == 1) and np.all(out[0] == 1)
