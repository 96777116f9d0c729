"""save_weights / load_weights: a plain .npz round trip, and clear errors."""
from __future__ import annotations

import zipfile

import numpy as np
import pytest

import mfnet
from _support import augmented


def _trained(seed=0):
    model = mfnet.mlp([3, 5, 2], "tanh", rng=seed)
    rng = np.random.default_rng(seed)
    X, Y = augmented(rng, 3, 20), augmented(rng, 2, 20)
    mfnet.fit(model, mfnet.MSE(), mfnet.SGD(model, lr=0.1), X, Y, epochs=2, batch_size=5, rng=seed)
    return model, X


def test_round_trip(tmp_path):
    model, X = _trained()
    path = tmp_path / "weights.npz"
    mfnet.save_weights(model, path)
    other = mfnet.mlp([3, 5, 2], "tanh", rng=99)
    assert not np.array_equal(other.weights()[0], model.weights()[0])
    mfnet.load_weights(other, path)
    assert all(np.array_equal(a, b) for a, b in zip(model.weights(), other.weights()))
    assert np.array_equal(mfnet.predict(model, X), mfnet.predict(other, X))
    # loading copies: changing the model later does not change what was loaded into the other
    model.linear_layers[0].W[1, 1] += 1.0
    assert other.linear_layers[0].W[1, 1] != model.linear_layers[0].W[1, 1]


def test_file_is_a_plain_npz_without_pickle(tmp_path):
    model, _ = _trained()
    path = tmp_path / "w.npz"
    mfnet.save_weights(model, path)
    assert zipfile.is_zipfile(path)
    with zipfile.ZipFile(path) as z:
        assert sorted(z.namelist()) == ["W0.npy", "W1.npy"]
    with np.load(path, allow_pickle=False) as data:
        assert sorted(data.files) == ["W0", "W1"]
        for i, layer in enumerate(model.linear_layers):
            assert data[f"W{i}"].dtype == np.float64
            assert np.array_equal(data[f"W{i}"], layer.W)


def test_path_without_suffix_round_trips(tmp_path):
    """numpy.savez appends .npz; loading from the same name must find that file."""
    model, _ = _trained()
    mfnet.save_weights(model, tmp_path / "w")
    assert (tmp_path / "w.npz").exists()
    other = mfnet.mlp([3, 5, 2], rng=1)
    mfnet.load_weights(other, tmp_path / "w")
    assert all(np.array_equal(a, b) for a, b in zip(model.weights(), other.weights()))
    other2 = mfnet.mlp([3, 5, 2], rng=1)
    mfnet.load_weights(other2, str(tmp_path / "w"))
    assert all(np.array_equal(a, b) for a, b in zip(model.weights(), other2.weights()))


def test_shape_mismatch_is_an_error_and_leaves_the_model_unchanged(tmp_path):
    model, _ = _trained()
    path = tmp_path / "w.npz"
    mfnet.save_weights(model, path)
    wider = mfnet.mlp([3, 5, 3], rng=1)  # first layer fits, the second does not
    before = wider.weights()
    with pytest.raises(ValueError, match=r"^load_weights: .*w\.npz: layer 2 Linear\(5, 3\): W must have shape \(4, 6\), "
                                         r"got shape \(3, 6\)$"):
        mfnet.load_weights(wider, path)
    assert all(np.array_equal(a, b) for a, b in zip(before, wider.weights())), "a failed load must not half-load"
    deeper = mfnet.mlp([3, 5, 4, 2], rng=1)
    with pytest.raises(ValueError, match=r"holds arrays \['W0', 'W1'\], but the model has 3 Linear layers: expected a \.npz archive written by "
                                         r"mfnet\.save_weights with arrays W0 \.\. W2$"):
        mfnet.load_weights(deeper, path)


def test_a_broken_bias_row_is_rejected(tmp_path):
    model, _ = _trained()
    W = model.weights()
    W[1][0, 2] = 0.5
    np.savez(tmp_path / "bad.npz", W0=W[0], W1=W[1])
    with pytest.raises(ValueError, match=r"layer 2 Linear\(5, 2\): row 0 of W must be \(1, 0, \.\.\., 0\)"):
        mfnet.load_weights(model, tmp_path / "bad.npz")


def test_object_arrays_are_refused(tmp_path):
    model, _ = _trained()
    np.savez(tmp_path / "pickled.npz", W0=np.array([{"a": 1}], dtype=object), W1=model.weights()[1])
    with pytest.raises(ValueError, match="allow_pickle"):
        mfnet.load_weights(model, tmp_path / "pickled.npz")
