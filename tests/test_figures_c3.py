"""The figures of chapters 7-9 draw exactly the numbers their chapters compute.

Each figure function of ``mfnet_book.curves``, ``mfnet_book.landscapes`` and
``mfnet_book.histograms`` is called here on arrays computed as the chapters
compute them (with mfnet), checked against an independent computation (closed
forms, mpmath, numpy written out), and then the artists of the returned figure
are read back: line data, histogram outlines and the texts of the titles and
legends must equal those checked arrays and numbers.
"""
from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import mpmath  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import mfnet  # noqa: E402
from mfnet_book.curves import (activation_panels, layer_norms, line_data,  # noqa: E402
                               loss_curves, loss_panels, seed_spreads)
from mfnet_book.histograms import layer_histograms, log_magnitudes  # noqa: E402
from mfnet_book.landscapes import descent_paths, quadratic_grid  # noqa: E402


# -- chapter 9: descent paths on a quadratic bowl -------------------------------------
LAM = np.array([1.0, 8.0])
W_STAR = np.array([1.0, -0.5])
W_START = np.array([-2.0, 0.2])


def bowl():
    a, b = np.sqrt(2 * LAM)
    X = mfnet.augment(np.array([[a, 0], [-a, 0], [0, b], [0, -b]]))
    Y = mfnet.augment(X[1:].T @ W_STAR)
    return X, Y


def descend(lr, momentum=0.0, steps=25):
    """The chapter's computation: full-batch fit, weights recorded per step."""
    X, Y = bowl()
    layer = mfnet.Linear(2, 1)
    W = np.zeros((2, 3))
    W[0, 0], W[1, 1:] = 1.0, W_START
    layer.W = W
    path = [layer.W[1, 1:].copy()]
    mfnet.fit(layer, mfnet.MSE(), mfnet.SGD(layer, lr=lr, momentum=momentum), X, Y,
              epochs=steps, batch_size=4,
              callback=lambda epoch, h: path.append(layer.W[1, 1:].copy()))
    return np.array(path)


def test_bowl_hessian_is_the_drawn_curvature():
    X, _ = bowl()
    H = X[1:] @ X[1:].T / X.shape[1]
    assert np.allclose(H, np.diag(LAM), rtol=1e-15, atol=1e-15)
    w1, w2, J = quadratic_grid(LAM, W_STAR, (-1, 3), (-2, 1), points=5)
    expected = 0.5 * (LAM[0] * (w1[None, :] - 1) ** 2 + LAM[1] * (w2[:, None] + 0.5) ** 2)
    assert np.array_equal(J, expected)


def test_descent_paths_draw_the_asserted_paths_and_rates():
    settings = {"small": (0.02, 0.0), "good": (2 / LAM.sum(), 0.0),
                "too large": (0.26, 0.0), "small, momentum 0.9": (0.02, 0.9)}
    paths, titles = [], []
    for name, (lr, mu) in settings.items():
        path = descend(lr, mu)
        t = np.arange(len(path))[:, None]
        if mu == 0:   # closed form (I - eta H)^t (w0 - w*)
            expected = W_STAR + (1 - lr * LAM) ** t * (W_START - W_STAR)
        else:         # the momentum recursion written out
            w, v, expected = W_START.copy(), np.zeros(2), [W_START.copy()]
            for _ in range(len(path) - 1):
                v = mu * v + LAM * (w - W_STAR)
                w = w - lr * v
                expected.append(w)
        assert np.max(np.abs(path - np.asarray(expected))) < 1e-14, name
        paths.append(path)
        titles.append(f"{name}: $\\eta$ = {lr:.3g}")
    # the divergent rate is above 2 / lambda_max, the good one below
    assert settings["too large"][0] > 2 / LAM.max() > settings["good"][0]

    fig = descent_paths(paths, titles, LAM, W_STAR, xlim=(-2.5, 2.8), ylim=(-1.6, 1.2))
    assert [ax.get_title() for ax in fig.axes] == titles
    for ax, path in zip(fig.axes, paths):
        [drawn] = [line for line in ax.get_lines() if line.get_label() == "path"]
        assert np.array_equal(drawn.get_xdata(), path[:, 0])
        assert np.array_equal(drawn.get_ydata(), path[:, 1])
        [star] = [line for line in ax.get_lines() if line.get_label() == "minimum"]
        assert np.array_equal(np.ravel(star.get_xydata()), W_STAR)
    assert fig.get_size_inches()[0] <= 6.6 + 1e-9


# -- chapter 9: histograms per layer ----------------------------------------------------
def outline_heights(patch) -> np.ndarray:
    """Bar heights of a histtype='step' outline: (x0,0),(x0,h0),(x1,h0),(x1,h1),..."""
    xy = patch.get_xy()
    return xy[1:-1:2, 1]


def test_layer_histograms_draw_numpy_histograms_of_the_given_arrays():
    rng = np.random.default_rng(0)
    A = [np.tanh(rng.normal(scale=s, size=(8, 50))) for s in (2.0, 1.0, 0.5)]
    D = [rng.normal(scale=10.0 ** -k, size=(8, 50)) for k in (6, 4, 2)]
    A_relu = [np.maximum(rng.normal(size=(8, 50)), 0.0) for _ in range(3)]
    rows = {"tanh": (A, D), "ReLU": (A_relu, D)}
    a_bins, g_bins = np.linspace(-1, 1, 21), np.linspace(-9, 0, 19)
    fig = layer_histograms(rows, layers=[1, 3], activation_bins=a_bins,
                           gradient_bins=g_bins, positive_only=["ReLU"])
    axes = np.array(fig.axes).reshape(2, 2)
    for r, (title, (acts, deltas)) in enumerate(rows.items()):
        ax_a, ax_d = axes[r]
        for patch, l in zip(ax_a.patches, [1, 3]):
            values = acts[l - 1].ravel()
            if title == "ReLU":
                values = values[values > 0]
            expected, _ = np.histogram(values, bins=a_bins, density=True)
            assert np.allclose(outline_heights(patch), expected, rtol=1e-12, atol=0)
        for patch, l in zip(ax_d.patches, [1, 3]):
            logs = np.log10(np.abs(deltas[l - 1].ravel()))
            expected, _ = np.histogram(logs, bins=g_bins, density=True)
            assert np.allclose(outline_heights(patch), expected, rtol=1e-12, atol=0)
    legend = [t.get_text() for t in axes[0, 1].get_legend().get_texts()]
    assert legend == ["$l = 1$", "$l = 3$"]
    assert axes[1, 0].get_title().endswith("> 0")


def test_log_magnitudes_drops_exact_zeros():
    assert np.array_equal(log_magnitudes([0.0, -10.0, 1e-3]), [1.0, -3.0])


# -- chapter 8: activations and derivatives -----------------------------------------------
def test_activation_panels_draw_the_layers_values_checked_against_mpmath():
    grid = np.arange(-400, 401) / 50.0
    Z = np.vstack([np.ones_like(grid), grid])
    mpmath.mp.dps = 30
    refs = {"sigmoid": (lambda x: 1 / (1 + mpmath.exp(-x)),
                        lambda x: mpmath.exp(-x) / (1 + mpmath.exp(-x)) ** 2),
            "tanh": (mpmath.tanh, lambda x: mpmath.sech(x) ** 2),
            "relu": (lambda x: max(x, 0), lambda x: 1.0 if x > 0 else 0.0)}
    values, slopes = {}, {}
    for name, layer in {"sigmoid": mfnet.Sigmoid(), "tanh": mfnet.Tanh(),
                        "relu": mfnet.ReLU()}.items():
        values[name] = layer.forward(Z)[1]
        slopes[name] = layer.backward(np.ones_like(Z))[1]
        g, dg = refs[name]
        ref_g = np.array([float(g(mpmath.mpf(x))) for x in grid])
        ref_dg = np.array([float(dg(mpmath.mpf(x))) for x in grid])
        eps = np.finfo(float).eps
        assert np.allclose(values[name], ref_g, rtol=3 * eps, atol=0)
        assert np.max(np.abs(slopes[name] - ref_dg)) < 2 * eps
    titles = {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "ReLU"}
    fig = activation_panels(grid, values, slopes, titles)
    drawn = line_data(fig)
    for name in values:
        mine = [(x, y) for t, x, y in drawn if t == titles[name]]
        assert len(mine) == 2
        assert np.array_equal(mine[0][1], values[name])
        assert np.array_equal(mine[1][1], slopes[name])
        assert all(np.array_equal(x, grid) for x, _ in mine)
    overlay = [y for t, _, y in drawn if t == "the three $g'(z)$"]
    assert all(np.array_equal(a, slopes[n]) for a, n in zip(overlay, values))
    assert fig.get_size_inches()[0] <= 6.6 + 1e-9


# -- chapters 7 and 9: curves as given ---------------------------------------------------
def test_loss_panels_and_curves_draw_what_they_are_given():
    z = np.linspace(-5, 5, 11)
    bce = mfnet.BinaryCrossEntropy()
    losses, grads = {}, {}
    for y in (0, 1):
        per_sample = np.array([bce.forward(np.array([[1.0], [v]]), np.array([y])) for v in z])
        # written out: softplus(z) - y z, and sigma(z) - y
        assert np.allclose(per_sample, np.logaddexp(0, z) - y * z, rtol=1e-14, atol=1e-15)
        losses[f"y = {y}"] = per_sample
        grads[f"y = {y}"] = 1 / (1 + np.exp(-z)) - y
    fig = loss_panels(z, losses, grads, "logit $z$")
    drawn = line_data(fig)
    assert [t for t, _, _ in drawn] == ["loss $J$"] * 2 + [r"gradient $\partial J/\partial z$"] * 2
    assert np.array_equal(drawn[0][2], losses["y = 0"])
    assert np.array_equal(drawn[3][2], grads["y = 1"])

    curves = {"a": (np.arange(1, 4), np.array([1.0, 0.5, 0.25]))}
    fig = loss_curves([curves, {"b": (np.arange(1, 3), np.array([1.0, 1e200]))}],
                      ["epoch", "epoch"], log10=(1,))
    [(_, x, y), (_, x2, y2)] = line_data(fig)
    assert np.array_equal(y, curves["a"][1]) and np.array_equal(y2, [0.0, 200.0])

    fig = layer_norms({"sigmoid": np.array([1e-5, 1e-3, 1.0])})
    [(_, x, y)] = line_data(fig)
    assert np.array_equal(x, [1, 2, 3]) and np.array_equal(y, [1e-5, 1e-3, 1.0])
    assert math.isclose(fig.get_size_inches()[0], 6.6)



def test_seed_spreads_draws_every_seed_and_the_median():
    from mfnet_book.experiments import over_seeds
    values = {"SGD": [0.0070, 0.0061, 0.0082, 0.0066, 0.0075],
              "momentum": [0.0023, 0.0021, 0.0024, 0.0022, 0.0025]}
    fig = seed_spreads({"SGD": over_seeds(lambda s: values["SGD"][s]),
                        "momentum": np.array(values["momentum"])})
    drawn = line_data(fig)
    # one labelled series of dots per setting, the seeds' values in order
    assert [list(y) for _, _, y in drawn] == [values["SGD"], values["momentum"]]
    # the unlabelled bars sit at the medians (0.0070 and 0.0023, by hand)
    bars = [line.get_ydata() for line in fig.axes[0].get_lines()
            if line.get_label().startswith("_")]
    assert [tuple(b) for b in bars] == [(0.0070, 0.0070), (0.0023, 0.0023)]
    assert fig.axes[0].get_yscale() == "log"


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(pytest.main([__file__, "-q"]))
