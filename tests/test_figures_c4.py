"""The figures of chapters 11-13 draw exactly the numbers they are given.

Each test builds its input independently (numpy, a seeded generator), draws
the figure with the function the chapter calls, and reads the numbers back
from the matplotlib artists: Text labels, bar heights, line and image data.
"""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import mfnet  # noqa: E402
from mfnet_book import data_figures, speed_figures  # noqa: E402
from mfnet_book.style import FULL_WIDTH  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _cell_texts(ax):
    """{(row, column): text} of the Text artists placed in data coordinates."""
    return {(round(t.get_position()[1]), round(t.get_position()[0])): t.get_text()
            for t in ax.texts}


def test_confusion_figure_writes_every_count_in_its_cell():
    rng = np.random.default_rng(0)
    y_true = rng.integers(0, 10, 500)
    y_pred = np.where(rng.random(500) < 0.8, y_true, rng.integers(0, 10, 500))
    C = mfnet.confusion_matrix(y_true, y_pred, n_classes=10)
    counts = np.zeros((10, 10), dtype=int)          # the same counts, by numpy
    np.add.at(counts, (y_true, y_pred), 1)
    fig = data_figures.confusion_figure(C)
    drawn = _cell_texts(fig.axes[0])
    assert len(drawn) == 100
    assert {(i, j): str(counts[i, j]) for i in range(10) for j in range(10)} == drawn
    assert fig.get_figwidth() <= FULL_WIDTH + 1e-9


def _images(fig):
    return [ax for ax in fig.axes if ax.images]


def test_digit_grid_shows_each_image_with_its_label():
    rng = np.random.default_rng(1)
    images, labels = rng.random((12, 784)), rng.integers(0, 10, 12)
    axes = _images(data_figures.digit_grid(images, labels))
    assert [ax.get_title() for ax in axes] == [str(d) for d in labels]
    for ax, image in zip(axes, images):
        np.testing.assert_array_equal(ax.images[0].get_array(), image.reshape(28, 28))


def test_misclassified_digits_titles_are_true_arrow_predicted():
    rng = np.random.default_rng(2)
    images = rng.random((7, 784))
    true, pred = rng.integers(0, 10, 7), rng.integers(0, 10, 7)
    axes = _images(data_figures.misclassified_digits(images, true, pred))
    assert [ax.get_title() for ax in axes] == [f"{t} \u2192 {p}" for t, p in zip(true, pred)]
    for ax, image in zip(axes, images):
        np.testing.assert_array_equal(ax.images[0].get_array(), image.reshape(28, 28))


def test_first_layer_weights_are_the_rows_of_W_without_the_bias():
    rng = np.random.default_rng(3)
    W = rng.standard_normal((21, 785))
    fig = data_figures.first_layer_weights(W, n_units=12, columns=6)
    axes = [ax for ax in _images(fig) if ax.get_title()]
    assert [ax.get_title() for ax in axes] == [f"j = {j}" for j in range(1, 13)]
    scale = np.abs(W[1:13, 1:]).max()
    for j, ax in enumerate(axes, start=1):
        np.testing.assert_array_equal(ax.images[0].get_array(), W[j, 1:].reshape(28, 28))
        assert ax.images[0].get_clim() == (-scale, scale)


def test_speed_bars_heights_and_labels_are_the_times():
    ms = {"seed": {"a": 12.34, "b": 40.0, "c": 7.25},
          "wide": {"a": 55.5, "b": 33.3, "c": 60.06}}
    fig = speed_figures.speed_bars(ms, ["seed", "wide"], ["a", "b", "c"])
    ax = fig.axes[0]
    heights = sorted(round(p.get_height(), 9) for p in ax.patches)
    assert heights == sorted(v for d in ms.values() for v in d.values())
    labels = sorted(t.get_text() for t in ax.texts)
    assert labels == sorted(f"{v:.1f}" for d in ms.values() for v in d.values())


def test_sweep_figure_draws_measured_points_and_the_model():
    widths, batches = (8, 32, 128), (8, 32, 512)
    impls = ("mfnet", "torch float32")
    points = {(w, 32) for w in widths} | {(32, b) for b in batches}
    measured = {p: {i: 0.001 * (k + 1) * p[0] / p[1] for k, i in enumerate(impls)}
                for p in points}

    def model(impl, w, b):
        return 0.002 * w + 0.01 / b + (impl == "mfnet")

    fig = speed_figures.sweep_figure(widths, batches, measured, model, impls)
    top, bottom = fig.axes
    for ax, xs, point in [(top, widths, lambda x: (x, 32)), (bottom, batches, lambda x: (32, x))]:
        lines = [line for line in ax.lines if len(line.get_xdata())]
        for k, impl in enumerate(impls):
            marks, dashed = lines[2 * k], lines[2 * k + 1]
            np.testing.assert_allclose(marks.get_xdata(), xs)
            np.testing.assert_allclose(marks.get_ydata(),
                                       [measured[point(x)][impl] * 1e3 for x in xs])
            assert dashed.get_linestyle() == "--"
            np.testing.assert_allclose(dashed.get_ydata(),
                                       [model(impl, *point(x)) * 1e3 for x in xs])


def test_feature_histograms_count_every_column():
    rng = np.random.default_rng(4)
    X, y = rng.standard_normal((300, 4)), rng.random(300)
    fig = data_figures.feature_histograms(X, y, ["p", "q", "r", "s"], bins=10, cap=1.0)
    panels = [ax for ax in fig.axes if ax.patches]
    assert [ax.get_title() for ax in panels] == ["p", "q", "r", "s", "target"]
    for ax, col in zip(panels, list(X.T) + [y]):
        counts, _ = np.histogram(col, bins=10)
        np.testing.assert_array_equal([p.get_height() for p in ax.patches], counts)


def test_prediction_residuals_plots_the_pairs_and_their_differences():
    rng = np.random.default_rng(5)
    y_true = rng.random(200) * 5
    y_pred = y_true + rng.standard_normal(200) * 0.3
    fig = data_figures.prediction_residuals(y_true, y_pred, cap=5.0)
    scatter_ax, hist_ax = fig.axes
    np.testing.assert_allclose(scatter_ax.collections[0].get_offsets(),
                               np.column_stack([y_true, y_pred]))
    counts, _ = np.histogram(y_pred - y_true, bins=60)
    np.testing.assert_array_equal([p.get_height() for p in hist_ax.patches], counts)


def test_learning_curves_are_the_losses_per_epoch():
    curves = {"one": [3.0, 2.0, 1.5], "two": [3.1, 1.9, 1.4]}
    ax = data_figures.learning_curves(curves).axes[0]
    for line, (label, curve) in zip(ax.lines, curves.items()):
        assert line.get_label() == label
        np.testing.assert_array_equal(line.get_xdata(), [1, 2, 3])
        np.testing.assert_array_equal(line.get_ydata(), curve)
