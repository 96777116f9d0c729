"""Tests of mfnet.preprocessing: train_test_split and Standardizer."""
import numpy as np
import pytest

from mfnet.preprocessing import Standardizer, train_test_split


def test_split_sizes_partition_and_alignment():
    X = np.arange(100 * 3).reshape(100, 3)
    y = np.arange(100) * 10
    X_train, X_test, y_train, y_test = train_test_split(X, y, 0.25, rng=1)
    assert X_train.shape == (75, 3) and X_test.shape == (25, 3)
    assert y_train.shape == (75,) and y_test.shape == (25,)
    rows = np.concatenate([X_train[:, 0], X_test[:, 0]]) // 3
    assert sorted(rows.tolist()) == list(range(100))  # every sample exactly once
    assert np.array_equal(y_train, X_train[:, 0] // 3 * 10)  # targets follow their samples
    assert np.array_equal(y_test, X_test[:, 0] // 3 * 10)
    assert X_train.dtype == X.dtype


def test_split_is_deterministic_from_the_seed():
    X, y = np.arange(50.0)[:, None], np.arange(50)
    a = train_test_split(X, y, 0.2, rng=7)
    b = train_test_split(X, y, 0.2, rng=np.random.default_rng(7))
    c = train_test_split(X, y, 0.2, rng=8)
    for u, v in zip(a, b):
        assert np.array_equal(u, v)
    assert not np.array_equal(a[1], c[1])


def test_split_rounds_the_test_size():
    X, y = np.zeros((20640, 2)), np.zeros(20640)
    assert train_test_split(X, y, 0.2, rng=0)[1].shape[0] == 4128
    assert train_test_split(X[:10], y[:10], 0.33, rng=0)[1].shape[0] == 3


@pytest.mark.parametrize("fraction", [0.0, 1.0, -0.1, 0.01])
def test_split_rejects_empty_parts(fraction):
    with pytest.raises(ValueError, match="test_fraction"):
        train_test_split(np.zeros((10, 2)), np.zeros(10), fraction, rng=0)


def test_split_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match="same number of samples"):
        train_test_split(np.zeros((10, 2)), np.zeros(9), 0.2, rng=0)


def test_standardizer_fits_on_train_only():
    rng = np.random.default_rng(0)
    train = rng.normal([1.0, -5.0, 100.0], [2.0, 0.1, 30.0], size=(500, 3))
    test = rng.normal([1.0, -5.0, 100.0], [2.0, 0.1, 30.0], size=(100, 3))
    s = Standardizer().fit(train)
    Z = s.transform(train)
    np.testing.assert_allclose(Z.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(Z.std(axis=0), 1.0, rtol=1e-12)
    np.testing.assert_allclose(s.transform(test), (test - train.mean(0)) / train.std(0), rtol=1e-12)
    np.testing.assert_allclose(s.inverse_transform(s.transform(test)), test, rtol=1e-12)
    np.testing.assert_allclose(Standardizer().fit_transform(train), Z)


def test_standardizer_constant_column_and_1d_targets():
    X = np.array([[1.0, 3.0], [2.0, 3.0], [3.0, 3.0]])
    s = Standardizer().fit(X)
    assert s.scale_.tolist() == [np.sqrt(2 / 3), 1.0]
    assert np.all(s.transform(X)[:, 1] == 0.0)
    y = np.array([2.0, 4.0, 6.0, 8.0])
    t = Standardizer().fit(y)
    assert t.mean_.shape == () and t.mean_ == 5.0
    np.testing.assert_allclose(t.inverse_transform(t.transform(y)), y)


def test_standardizer_errors():
    with pytest.raises(RuntimeError, match="call fit"):
        Standardizer().transform(np.zeros((2, 2)))
    s = Standardizer().fit(np.zeros((4, 3)))
    with pytest.raises(ValueError, match="fitted on samples of shape"):
        s.transform(np.zeros((4, 2)))
    with pytest.raises(ValueError, match="NaN"):
        Standardizer().fit(np.array([[1.0], [np.nan]]))
