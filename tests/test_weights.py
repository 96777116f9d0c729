"""Linear.W: in-place updates work and are cheap, row 0 can never be broken,
and a rejected write leaves the layer exactly as it was (issue 8, item 2)."""
from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest

import mfnet

ROW0 = r"row 0 of W must stay \(1, 0, \.\.\., 0\) so that the bias row survives"


def _layer():
    return mfnet.Linear(3, 2, rng=5)


def _unchanged(layer, before):
    assert np.array_equal(np.asarray(layer.W), before)
    assert np.array_equal(layer.W[0], [1.0, 0.0, 0.0, 0.0])


def test_in_place_update_is_the_plain_arithmetic_and_keeps_the_buffer():
    layer = _layer()
    buffer = np.asarray(layer.W)          # the layer's own array
    W0 = buffer.copy()
    dW = np.zeros(W0.shape)
    dW[1:] = np.arange(8.0).reshape(2, 4)
    layer.W -= 0.25 * dW
    expected = W0 - 0.25 * dW             # written out in numpy
    assert np.array_equal(np.asarray(layer.W), expected)
    assert np.shares_memory(np.asarray(layer.W), buffer), "no copy"
    layer.W += 0.25 * dW
    assert np.array_equal(np.asarray(layer.W), expected + 0.25 * dW)


@pytest.mark.parametrize("write", [
    lambda W: W.__imul__(0.1),                       # W *= 0.1
    lambda W: W.__setitem__(slice(None), 0.0),       # W[:] = 0
    lambda W: W.__setitem__((0, 1), 2.0),            # W[0, 1] = 2
    lambda W: W.__iadd__(1.0),                       # W += 1
    lambda W: W.__isub__(np.ones((3, 4))),           # W -= a full step
    lambda W: np.add(W, 1.0, out=W),
    lambda W: np.copyto(W, np.zeros((3, 4))),
    lambda W: W.fill(0.5),
], ids=["imul", "setitem all", "setitem row 0", "iadd", "isub", "ufunc out",
        "copyto", "fill"])
def test_a_write_that_would_break_row_0_raises_and_changes_nothing(write):
    layer = _layer()
    before = np.asarray(layer.W).copy()
    with pytest.raises(ValueError, match=rf"^Linear\(3, 2\): {ROW0}; this would make it "):
        write(layer.W)
    _unchanged(layer, before)


def test_augmented_assignment_through_the_attribute_is_rejected_whole():
    layer = _layer()
    before = np.asarray(layer.W).copy()
    with pytest.raises(ValueError, match=ROW0):
        layer.W *= 0.1
    _unchanged(layer, before)
    with pytest.raises(ValueError, match=r"Nothing was changed\. Change only the weight rows, W\[1:\]"):
        layer.W[:] = np.zeros((3, 4))
    _unchanged(layer, before)


def test_slices_with_row_0_are_read_only_and_weight_rows_are_writable():
    layer = _layer()
    before = np.asarray(layer.W).copy()
    for view in (layer.W[0], layer.W[:, 1:], layer.W[:2]):
        assert not view.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        layer.W[:2] *= 0.0
    _unchanged(layer, before)
    layer.W[1:] *= 2.0
    layer.W[1:, 0] = [5.0, 6.0]
    expected = before.copy()
    expected[1:] *= 2.0
    expected[1:, 0] = [5.0, 6.0]
    assert np.array_equal(np.asarray(layer.W), expected)


def test_weight_and_bias_are_pytorch_style_views():
    layer = _layer()
    assert layer.weight.shape == (2, 3) and layer.bias.shape == (2,)
    layer.weight[:] = [[1, 2, 3], [4, 5, 6]]
    layer.bias[:] = [-1, -2]
    assert np.array_equal(np.asarray(layer.W),
                          [[1, 0, 0, 0], [-1, 1, 2, 3], [-2, 4, 5, 6]])


def test_setter_validates_copies_and_a_rejected_value_changes_nothing():
    layer = _layer()
    before = np.asarray(layer.W).copy()
    bad_row0 = before.copy()
    bad_row0[0, 2] = 1.0
    with pytest.raises(ValueError, match=r"^Linear\(3, 2\): row 0 of W must be \(1, 0, \.\.\., 0\)"):
        layer.W = bad_row0
    bad_value = before.copy()
    bad_value[2, 2] = np.nan
    with pytest.raises(ValueError, match=r"W contains NaN or infinity$"):
        layer.W = bad_value
    with pytest.raises(ValueError, match=r"W must have shape \(3, 4\), got shape \(4, 3\)$"):
        layer.W = before.T
    _unchanged(layer, before)
    new = before.copy()
    new[1:] += 1.0
    layer.W = new
    new[1, 1] = 99.0                       # the layer owns a copy
    assert layer.W[1, 1] == before[1, 1] + 1.0


def test_results_are_plain_arrays_and_printing_looks_like_numpy():
    layer = _layer()
    W = layer.W
    for result in (W * 2, W @ np.ones((4, 1)), W.copy(), W[1:], W.sum(axis=0)):
        assert type(result) is np.ndarray
    assert repr(W) == repr(np.asarray(W)) and repr(W).startswith("array(")
    assert str(W) == str(np.asarray(W))


def test_deepcopy_and_pickle_keep_independent_working_layers():
    model = mfnet.mlp([2, 3, 1], rng=0)
    twin = copy.deepcopy(model)
    twin.layers[0].W[1:] = 0.0
    assert np.any(model.layers[0].W[1:] != 0.0)
    again = pickle.loads(pickle.dumps(model))
    A = mfnet.augment(np.eye(2))
    assert np.array_equal(again.forward(A), model.forward(A))
    again.layers[0].W -= 0.0 * again.layers[0].dW   # still guarded, still works


def test_kept_dW_is_never_overwritten_but_unreferenced_memory_is_reused():
    layer = _layer()
    A = mfnet.augment(np.arange(6.0).reshape(2, 3))
    D = np.zeros((3, 2))
    D[1:] = 1.0
    layer.forward(A)
    layer.backward(D)
    kept = layer.dW
    snapshot = kept.copy()
    layer.backward(2 * D)
    assert np.array_equal(kept, snapshot) and layer.dW is not kept
    assert np.array_equal(layer.dW, 2 * snapshot)     # linear in Delta
    history = []
    for scale in (1.0, 3.0):
        layer.backward(scale * D)
        history.append(layer.dW)
    assert np.array_equal(history[0], snapshot) and np.array_equal(history[1], 3 * snapshot)
