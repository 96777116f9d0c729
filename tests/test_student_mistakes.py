"""No silent wrong answer, second round (issue 15, items 1 and 2): the
mistakes of a student's first week with mfnet after a PyTorch, Keras or
scikit-learn course get the right answer or an error that names the
argument, what it got and what to write instead. One test per class; each
asserts the exact message or the exact result. Expected values come from
plain numpy, PyTorch or a hand-written loop, never from mfnet itself."""
from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

import mfnet

ORDER = ("the order is fit(model, loss, optimizer, X, Y, epochs=...), e.g. "
         "mfnet.fit(model, mfnet.SoftmaxCrossEntropy(), mfnet.SGD(model, "
         "lr=0.1), X, y, epochs=10)")


def exactly(message: str) -> str:
    return "^" + re.escape(message) + "$"


def _data(m=12, n=3, k=3, seed=0):
    rng = np.random.default_rng(seed)
    X_rows = rng.normal(size=(m, n))
    return X_rows, mfnet.augment(X_rows), rng.integers(0, k, size=m)


def _same(before, model) -> bool:
    """Every W byte for byte as before."""
    return all(a.tobytes() == b.tobytes()
               for a, b in zip(before, model.weights()))


# ---------------------------------------------------------------------------
# 1. One layer object at two places in Sequential
# ---------------------------------------------------------------------------

def test_one_layer_object_twice_is_refused_with_how_to_build_the_network():
    tanh, lin = mfnet.Tanh(), mfnet.Linear(4, 4, rng=1)
    with pytest.raises(ValueError, match=exactly(
            "Sequential: layers 1 and 3 are the same Tanh() object. A layer "
            "keeps what its forward pass saw for the backward pass, so every "
            "position needs its own object: write Tanh() anew for layer 3")):
        mfnet.Sequential(mfnet.Linear(3, 4), tanh, mfnet.Linear(4, 4), tanh)
    with pytest.raises(ValueError, match=exactly(
            "Sequential: layers 1 and 3 are the same Linear(4, 4) object. A "
            "layer keeps what its forward pass saw for the backward pass, so "
            "every position needs its own object: write Linear(4, 4) anew "
            "for layer 3 (a Linear used twice would tie the weights, which "
            "mfnet does not do: its gradient would be wrong and the "
            "optimiser would step it twice)")):
        mfnet.Sequential(mfnet.Linear(3, 4), lin, mfnet.Tanh(), lin)


def test_tied_weights_are_two_linear_layers_whose_dW_add_up_as_in_pytorch():
    """What the refused model would have to compute: PyTorch's autograd on
    one nn.Linear used twice gives the sum of the two positions' gradients,
    which two mfnet layers with equal W give as a.dW + b.dW."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    X_rows = rng.normal(size=(6, 2))
    y = rng.integers(0, 4, size=6)
    first = mfnet.Linear(2, 4, rng=0)
    a, b = mfnet.Linear(4, 4, rng=1), mfnet.Linear(4, 4, rng=2)
    b.W = a.W  # equal weights, two objects
    model = mfnet.Sequential(first, a, mfnet.Tanh(), b)
    loss = mfnet.SoftmaxCrossEntropy()
    loss.forward(model.forward(mfnet.augment(X_rows)), y)
    model.backward(loss.backward())
    tied = a.dW + b.dW

    t_first = torch.nn.Linear(2, 4).double()
    shared = torch.nn.Linear(4, 4).double()
    with torch.no_grad():
        t_first.weight.copy_(torch.from_numpy(first.weight))
        t_first.bias.copy_(torch.from_numpy(first.bias))
        shared.weight.copy_(torch.from_numpy(a.weight))
        shared.bias.copy_(torch.from_numpy(a.bias))
    out = shared(torch.tanh(shared(t_first(torch.from_numpy(X_rows)))))
    torch.nn.functional.cross_entropy(out, torch.from_numpy(y)).backward()
    # float64 on both sides, a few dozen operations per entry: the entries
    # are of order 0.1 and agree to rounding (measured below 1e-15)
    assert mfnet.relative_error(tied[1:, 1:],
                                shared.weight.grad.numpy()) < 1e-13
    assert mfnet.relative_error(tied[1:, 0], shared.bias.grad.numpy()) < 1e-13
    # and one position alone is not the gradient (what the old, silent
    # model stepped with)
    assert mfnet.relative_error(b.dW[1:, 1:],
                                shared.weight.grad.numpy()) > 0.01


def test_layers_cannot_change_in_place_and_a_new_list_is_checked():
    model = mfnet.mlp([3, 4, 2], rng=0)
    fixed = exactly(
        "Sequential: model.layers cannot change in place (each layer is "
        "named by its position and may be used once); build a new model, "
        "e.g. mfnet.Sequential(*model.layers, mfnet.Tanh()), and a new "
        "optimiser for it")
    for change in (lambda: model.layers.append(mfnet.Tanh()),
                   lambda: model.layers.__setitem__(1, mfnet.ReLU()),
                   lambda: model.layers.insert(0, mfnet.Tanh()),
                   lambda: model.layers.pop()):
        with pytest.raises(TypeError, match=fixed):
            change()
    assert [type(x).__name__ for x in model.layers] == [
        "Linear", "Tanh", "Linear"]
    with pytest.raises(ValueError, match=r"^Sequential: layers 0 and 1 are "
                                         r"the same Linear\(3, 4\) object"):
        model.layers = [model.layers[0], model.layers[0]]
    relu = mfnet.ReLU()
    model.layers = [model.layers[0], relu, model.layers[2]]
    assert relu.name == "layer 1 ReLU()"


def test_a_nested_sequential_is_spliced_in_so_its_layers_are_trained():
    inner_linear = mfnet.Linear(3, 4, rng=0)
    model = mfnet.Sequential(mfnet.Sequential(inner_linear, mfnet.Tanh()),
                             mfnet.Linear(4, 3, rng=1))
    assert model.linear_layers[0] is inner_linear
    _, A, y = _data()
    before = inner_linear.W.copy()
    mfnet.fit(model, mfnet.SoftmaxCrossEntropy(), mfnet.SGD(model), A, y,
              epochs=1)
    assert not np.array_equal(before, inner_linear.W)


@pytest.mark.parametrize("name, hint", [
    ("fit", "train with mfnet.fit(model, loss, optimizer, X, Y, "
            "epochs=...)"),
    ("compile", "mfnet has no compile step; pass the loss and the "
                "optimiser to mfnet.fit(model, loss, optimizer, X, Y, "
                "epochs=...)"),
    ("parameters", "the weights are layer.W of each layer in "
                   "model.linear_layers (optimisers take the model: "
                   "mfnet.SGD(model, lr=...))"),
])
def test_keras_and_pytorch_methods_say_what_mfnet_calls_them(name, hint):
    model = mfnet.mlp([3, 4, 2], rng=0)
    with pytest.raises(AttributeError,
                       match=exactly(f"Sequential has no .{name}(): {hint}")):
        getattr(model, name)
    assert not hasattr(model, "no_such_thing")


# ---------------------------------------------------------------------------
# 2. Gradient checks that cannot pass on a wrong input
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("function", [mfnet.relative_error,
                                      mfnet.entrywise_relative_error])
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_relative_errors_refuse_nan_and_infinity_in_either_argument(function,
                                                                     bad):
    good = np.array([1.0, 2.0, 3.0])
    broken = good.copy()
    broken[1] = bad
    name = function.__name__
    for what, args in (("a (argument 1)", (broken, good)),
                       ("b (argument 2)", (good, broken))):
        with pytest.raises(ValueError, match=exactly(
                f"{name}: {what} contains NaN or infinity (1 of 3 entries, "
                f"the first {bad} at index (1,)); an error measured on it "
                "means nothing: find where the non-finite values come from")):
            function(*args)


def test_numerical_gradient_refuses_integers_and_warns_on_float32():
    x = np.array([1, 2, 3])
    with pytest.raises(TypeError, match=exactly(
            "numerical_gradient: x has dtype int64, so x + eps is rounded "
            "back to a whole number and the differences are wrong; make x "
            "float64 (np.array(..., dtype=float)) and let f read that "
            "array")):
        mfnet.numerical_gradient(lambda: float(np.sum(x ** 2)), x)
    assert x.tolist() == [1, 2, 3]
    x32 = np.array([1.0, 2.0, 3.0], dtype=np.float32)
    with pytest.warns(UserWarning, match=r"^numerical_gradient: x has dtype "
                                         r"float32, whose rounding"):
        g32 = mfnet.numerical_gradient(lambda: float(np.sum(x32 ** 2)), x32)
    # why it warns: d(sum x^2)/dx = 2x = [2, 4, 6], and float32 misses it
    assert np.max(np.abs(g32 - [2.0, 4.0, 6.0]) / [2.0, 4.0, 6.0]) > 0.01
    x64 = np.array([1.0, 2.0, 3.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        g64 = mfnet.numerical_gradient(lambda: float(np.sum(x64 ** 2)), x64)
    # central differences are exact for a quadratic up to rounding:
    # about 1e-16 * f / eps = 1e-9 relative at most
    np.testing.assert_allclose(g64, [2.0, 4.0, 6.0], rtol=1e-8)


@pytest.mark.parametrize("f, got", [
    (lambda x: x ** 2, "an array of shape (2,)"),
    (lambda x: None, "None"),
    (lambda x: "1.0", "'1.0'"),
])
def test_numerical_gradient_names_an_f_that_returns_no_number(f, got):
    x = np.array([1.0, 2.0])
    extra = " (did f forget its return?)" if got == "None" else ""
    with pytest.raises(TypeError, match=exactly(
            f"numerical_gradient: f() must return one real number (the loss "
            f"J), got {got}; return loss.forward(...), or sum an array"
            f"{extra}")):
        mfnet.numerical_gradient(lambda: f(x), x)
    assert x.tolist() == [1.0, 2.0]


def test_numerical_gradient_needs_the_array_f_reads():
    x = [1.0, 2.0]
    with pytest.raises(TypeError, match=r"^numerical_gradient: x must be the "
                                        r"numpy array that f reads \(it is "
                                        r"changed in place\), got list"):
        mfnet.numerical_gradient(lambda: sum(v * v for v in x), x)


# ---------------------------------------------------------------------------
# 3. Optimiser settings changed after construction
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("make, setting, value, message", [
    (mfnet.SGD, "lr", -1.0,
     "SGD: the learning rate lr must be a finite number > 0, got -1.0"),
    (mfnet.SGD, "lr", float("nan"),
     "SGD: the learning rate lr must be a finite number > 0, got nan"),
    (mfnet.SGD, "momentum", 1.5, "SGD: momentum must lie in [0, 1), got 1.5"),
    (mfnet.Adam, "lr", 0.0,
     "Adam: the learning rate lr must be a finite number > 0, got 0.0"),
    (mfnet.Adam, "betas", (0.9, 1.0),
     "Adam: betas[1] must lie in [0, 1), got 1.0"),
    (mfnet.Adam, "eps", -1e-8, "Adam: eps must be a finite number > 0, "
                               "got -1e-08"),
])
def test_settings_changed_later_get_the_construction_messages(
        make, setting, value, message):
    model = mfnet.mlp([3, 4, 2], rng=0)
    opt = make(model)
    old = getattr(opt, setting)
    with pytest.raises(ValueError, match=exactly(message)):
        setattr(opt, setting, value)
    assert getattr(opt, setting) == old  # the setting kept its value
    with pytest.raises(ValueError, match=exactly(message)):
        make(model, **{setting: value})


def test_momentum_switched_on_later_trains_as_if_given_at_construction():
    _, A, y = _data()
    a, b = mfnet.mlp([3, 4, 3], rng=0), mfnet.mlp([3, 4, 3], rng=0)
    later = mfnet.SGD(a, lr=0.1)
    later.momentum = 0.9
    loss = mfnet.SoftmaxCrossEntropy()
    mfnet.fit(a, loss, later, A, y, epochs=3, batch_size=4)
    # the same update written out in numpy: V <- mu V + dW; W <- W - lr V
    V = [np.zeros(layer.W.shape) for layer in b.linear_layers]
    gen = np.random.default_rng(0)
    Y = mfnet.one_hot(y, 3)
    for _ in range(3):
        for idx in mfnet.batches(A.shape[1], 4, gen):
            loss.forward(b.forward(A[:, idx]), Y[:, idx])
            b.backward(loss.backward())
            for layer, v in zip(b.linear_layers, V):
                v *= 0.9
                v += layer.dW
                layer.W -= 0.1 * v
    assert all(np.array_equal(u, w) for u, w in zip(a.weights(), b.weights()))


# ---------------------------------------------------------------------------
# 4. Keras and scikit-learn habits in fit
# ---------------------------------------------------------------------------

def _fit_call(**changes):
    model = mfnet.mlp([3, 4, 3], rng=0)
    _, A, y = _data()
    args = {"loss": mfnet.SoftmaxCrossEntropy(), "optimizer": mfnet.SGD(model)}
    args.update({k: v for k, v in changes.items() if k in args})
    kwargs = {k: v for k, v in changes.items() if k not in args}
    return lambda: mfnet.fit(model, args["loss"], args["optimizer"], A, y,
                             epochs=1, **kwargs)


@pytest.mark.parametrize("changes, message", [
    ({"metrics": "accuracy"},
     "fit: metrics must be a dict {name: f(y_true, y_pred)}, got 'accuracy'; "
     "write metrics={'accuracy': mfnet.accuracy}"),
    ({"metrics": ["accuracy", "mse"]},
     "fit: metrics must be a dict {name: f(y_true, y_pred)}, got "
     "['accuracy', 'mse']; write metrics={'accuracy': mfnet.accuracy, "
     "'mse': mfnet.mse}"),
    ({"metrics": {"acc": "accuracy"}},
     "fit: metrics['acc'] is the name 'accuracy'; write "
     "{'acc': mfnet.accuracy}"),
    ({"loss": "categorical_crossentropy"},
     "fit: loss='categorical_crossentropy' is a name; mfnet takes the loss "
     "itself: write mfnet.SoftmaxCrossEntropy() on a model ending in Linear "
     "(Keras's from_logits=True), or mfnet.CrossEntropy() on one ending in "
     "Softmax"),
    ({"loss": "mse"},
     "fit: loss='mse' is a name; mfnet takes the loss itself: write "
     "mfnet.MSE() (it halves the squared error: J = sum of squares / (2 m))"),
    ({"loss": mfnet.MSE},
     "fit: loss=MSE is the class; write mfnet.MSE() (with parentheses)"),
    ({"optimizer": "adam"},
     "fit: optimizer='adam' is a name; mfnet takes the optimiser itself, "
     "built from the model: write mfnet.Adam(model, lr=...)"),
    ({"optimizer": "sgd"},
     "fit: optimizer='sgd' is a name; mfnet takes the optimiser itself, "
     "built from the model: write mfnet.SGD(model, lr=...)"),
    ({"validation_data": None},
     "fit: no argument validation_data=; write validation=(X_val, Y_val)"),
    ({"callbacks": []},
     "fit: no argument callbacks=; write callback=f(epoch, history) (one "
     "function; return False to stop)"),
    ({"learning_rate": 0.1},
     "fit: no argument learning_rate=; write the learning rate on the "
     "optimiser: mfnet.SGD(model, lr=...)"),
    ({"shuffle": "batch"}, "fit: shuffle must be True or False, got 'batch'"),
    ({"rng": 1.5}, "fit: rng must be a seed (an int >= 0), a numpy Generator "
                   "or None, got 1.5"),
    ({"callback": "early_stopping"},
     "fit: callback must be a function f(epoch, history) or None, got "
     "'early_stopping'"),
])
def test_keras_habits_get_what_to_write_instead(changes, message):
    with pytest.raises(TypeError, match=exactly(message)):
        _fit_call(**changes)()


def test_a_loss_and_an_optimiser_of_ones_own_still_work():
    """Duck typing as before: forward/backward make a loss, step an
    optimiser; plain gradient descent written out must match SGD."""
    _, A, y = _data()
    a, b = mfnet.mlp([3, 4, 3], rng=0), mfnet.mlp([3, 4, 3], rng=0)

    class MyLoss:
        def __init__(self):
            self.inner = mfnet.SoftmaxCrossEntropy()

        def forward(self, Y_hat, Y):
            return self.inner.forward(Y_hat, Y)

        def backward(self):
            return self.inner.backward()

    class MyStep:
        def step(self):
            for layer in a.linear_layers:
                layer.W -= 0.1 * layer.dW

    mfnet.fit(a, MyLoss(), MyStep(), A, mfnet.one_hot(y, 3), epochs=2)
    mfnet.fit(b, mfnet.SoftmaxCrossEntropy(), mfnet.SGD(b, lr=0.1), A, y,
              epochs=2)
    assert all(np.array_equal(u, v) for u, v in zip(a.weights(), b.weights()))


def test_loss_and_optimiser_swapped_and_keras_argument_order():
    model = mfnet.mlp([3, 4, 3], rng=0)
    _, A, y = _data()
    loss, opt = mfnet.SoftmaxCrossEntropy(), mfnet.SGD(model)
    with pytest.raises(TypeError, match=exactly(
            "fit: loss and optimizer are swapped (got the loss "
            "SoftmaxCrossEntropy() third and the optimiser SGD second); "
            + ORDER)):
        mfnet.fit(model, opt, loss, A, y, epochs=1)
    with pytest.raises(TypeError, match=exactly(
            "fit: this looks like Keras's order fit(X, y, ...); mfnet's is "
            + ORDER[len("the order is "):])):
        mfnet.fit(model, A, y, epochs=1)
    with pytest.raises(TypeError, match=exactly(
            "fit: the loss (second argument) must be an mfnet loss such as "
            "mfnet.SoftmaxCrossEntropy(), got ndarray of shape (4, 12); "
            + ORDER)):
        mfnet.fit(model, A, y, loss, opt, epochs=1)
    with pytest.raises(TypeError, match=exactly(
            "evaluate: the loss (second argument) must be an mfnet loss such "
            "as mfnet.SoftmaxCrossEntropy(), got ndarray of shape (4, 12); "
            "the order is evaluate(model, loss, X, Y)")):
        mfnet.evaluate(model, A, y, loss)


# ---------------------------------------------------------------------------
# 5. The rows API and the columns API mixed
# ---------------------------------------------------------------------------

def test_labels_refuses_predict_probas_samples_as_rows():
    X_rows, A, y = _data(m=50)
    model = mfnet.mlp([3, 4, 3], rng=0)
    P = mfnet.predict_proba(model, X_rows)
    with pytest.raises(ValueError, match=exactly(
            "labels: expected mfnet's layout, shape (n + 1, m) with row 0 "
            "the bias row of ones, but row 0 of this array of shape (50, 3) "
            "is not all ones (samples as rows, as predict_proba returns "
            "them? Take np.argmax(P, axis=1), or "
            "mfnet.predict_labels(model, X))")):
        mfnet.labels(P)
    # the two right ways agree with numpy's argmax over each sample's row
    assert np.array_equal(mfnet.predict_labels(model, X_rows),
                          np.argmax(P, axis=1))
    assert np.array_equal(mfnet.labels(mfnet.predict(model, A)),
                          np.argmax(P, axis=1))


def test_strip_one_hot_and_the_regression_metrics_refuse_the_other_layout():
    X_rows, A, y = _data()
    with pytest.raises(ValueError, match=exactly(
            "strip: expected mfnet's layout, shape (n + 1, m) with row 0 the "
            "bias row of ones, but row 0 of this array of shape (12, 3) is "
            "not all ones (samples as rows already?)")):
        mfnet.strip(X_rows)
    with pytest.raises(ValueError, match=exactly(
            "one_hot: y of shape (12, 3) is one-hot already, with samples as "
            "rows; pass the labels y.argmax(axis=1), or use mfnet.augment(y) "
            "as the targets")):
        mfnet.one_hot(np.eye(3)[y], 3)
    T = np.random.default_rng(1).normal(size=(12, 2))
    out = T + 0.1
    for name in ("mse", "rmse", "r2"):
        with pytest.raises(ValueError, match=exactly(
                f"{name}: y_true and y_pred of shape (3, 12) both have a row "
                "0 of ones: augmented arrays (n + 1, m)? Their bias row would "
                "count as perfectly predicted; pass mfnet.strip(Y) and "
                "mfnet.strip(output), samples as rows")):
            getattr(mfnet, name)(mfnet.augment(T), mfnet.augment(out))
    # on samples as rows: the definitions written out
    assert mfnet.mse(T, out) == pytest.approx(0.01, rel=1e-12)
    ss_tot = np.sum((T - T.mean()) ** 2)
    assert mfnet.r2(T, out) == pytest.approx(1 - 24 * 0.01 / ss_tot,
                                             rel=1e-12)


@pytest.mark.parametrize("make_X, message", [
    (lambda A: A.T.copy(),
     "X: row 0 must be the bias feature (all ones); got shape (12, 4), whose "
     "column 0 is all ones: transposed? mfnet keeps samples as columns, so "
     "pass its transpose"),
    (lambda A: mfnet.augment(A),
     "X: the model takes 3 features, so X needs shape (4, m): the bias row "
     "and 3 feature rows, samples as columns; got shape (13, 4). It looks "
     "like mfnet.augment applied to data that was augmented already: "
     "augment the samples-as-rows data once."),
])
def test_transposed_or_twice_augmented_inputs_are_named(make_X, message):
    model = mfnet.mlp([3, 4, 3], rng=0)
    _, A, y = _data()
    with pytest.raises(ValueError, match=exactly(message)):
        mfnet.predict(model, make_X(A))


def test_predict_labels_names_an_augmented_and_transposed_input():
    model = mfnet.mlp([3, 4, 3], rng=0)
    X_rows, A, _ = _data()
    with pytest.raises(ValueError, match=exactly(
            "predict_labels: expected samples as rows, X of shape (m, 3), got "
            "shape (12, 4). Its column 0 is all ones (augmented, then "
            "transposed?): pass the samples-as-rows data itself")):
        mfnet.predict_labels(model, A.T)
    assert mfnet.predict_labels(model, X_rows).shape == (12,)


def test_targets_with_samples_as_rows_are_named():
    model = mfnet.mlp([3, 4, 3], rng=0)
    _, A, y = _data()
    with pytest.raises(ValueError, match=exactly(
            "Y: shape (12, 3) holds samples as rows, but mfnet keeps them as "
            "columns (X has 12); pass class labels of shape (m,) or "
            "mfnet.augment(T) for targets T of shape (m, n)")):
        mfnet.fit(model, mfnet.SoftmaxCrossEntropy(), mfnet.SGD(model), A,
                  np.eye(3)[y], epochs=1)


def test_boolean_labels_are_classes_0_and_1_and_fractional_labels_refused():
    model = mfnet.mlp([3, 4, 2], rng=0)
    _, A, y = _data()
    positive = A[1] > 0
    J_bool = mfnet.evaluate(model, mfnet.SoftmaxCrossEntropy(), A, positive)
    J_int = mfnet.evaluate(model, mfnet.SoftmaxCrossEntropy(), A,
                           positive.astype(int))
    assert J_bool == J_int
    with pytest.raises(ValueError, match=exactly(
            "one_hot: labels must be whole numbers, got 0.5 (dtype float64); "
            "for real-valued targets use mfnet.MSE (regression)")):
        mfnet.evaluate(model, mfnet.SoftmaxCrossEntropy(), A,
                       np.where(positive, 1.0, 0.5))


# ---------------------------------------------------------------------------
# 6. Early stopping with numpy booleans
# ---------------------------------------------------------------------------

def test_a_callback_returning_numpy_bool_stops_or_goes_on():
    model = mfnet.mlp([3, 4, 3], rng=0)
    _, A, y = _data()

    def run(callback):
        return mfnet.fit(model, mfnet.SoftmaxCrossEntropy(), mfnet.SGD(model),
                         A, y, epochs=5, callback=callback)

    # np.mean(...) > 10 is np.False_ for these losses (about 1): stop at once
    hist = run(lambda e, h: np.mean(h.loss[-2:]) > 10.0)
    assert isinstance(np.mean(hist.loss) > 10.0, np.bool_)
    assert len(hist.loss) == 1
    assert len(run(lambda e, h: np.mean(h.loss[-2:]) < 10.0).loss) == 5
    assert len(run(lambda e, h: np.False_ if e == 3 else None).loss) == 3
    with pytest.raises(TypeError, match=exactly(
            "fit: the callback returns None or True to go on, False to stop; "
            "it returned 0")):
        run(lambda e, h: 0)


# ---------------------------------------------------------------------------
# 7. A failing call leaves the model exactly as it was
# ---------------------------------------------------------------------------

# inf in X turns the weights NaN in the step, and numpy warns in the next
# forward pass before fit finds the inf and restores the model
@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
@pytest.mark.parametrize("bad", [np.nan, np.inf])
@pytest.mark.parametrize("make_opt", [
    lambda m: mfnet.SGD(m, lr=0.1, momentum=0.9), lambda m: mfnet.Adam(m)])
def test_bad_data_in_a_later_batch_leaves_model_and_optimiser_unchanged(
        bad, make_opt):
    model = mfnet.mlp([3, 4, 3], rng=0)
    opt = make_opt(model)
    _, A, y = _data(m=40)
    mfnet.fit(model, mfnet.SoftmaxCrossEntropy(), opt, A, y, epochs=1,
              batch_size=8)  # some optimiser state to keep
    before = model.weights()
    state = {k: [x.copy() if isinstance(x, np.ndarray) else x for x in v]
             if isinstance(v, list) else v
             for k, v in vars(opt).items() if k != "layers"}
    A_bad = A.copy()
    A_bad[2, 37] = bad  # in the last batch with shuffle=False
    with pytest.raises(ValueError, match=re.escape(
            f"X: contains NaN or infinity (1 entry, the first X[2, 37] = "
            f"{bad}: row 2 of sample 37); clean or impute the data first. "
            "fit left the model unchanged.")):
        mfnet.fit(model, mfnet.SoftmaxCrossEntropy(), opt, A_bad, y,
                  epochs=2, batch_size=8, shuffle=False)
    assert _same(before, model)
    for key, value in state.items():
        now = vars(opt)[key]
        if isinstance(value, list):
            assert all(u.tobytes() == v.tobytes() if isinstance(u, np.ndarray)
                       else u == v for u, v in zip(value, now)), key
        else:
            assert value == now, key


def test_a_metric_or_target_failing_late_leaves_the_model_unchanged():
    model = mfnet.mlp([3, 4, 1], rng=0)
    _, A, _ = _data(m=16)
    before = model.weights()
    Y = np.ones((2, 16))
    Y[1] = np.arange(16) % 2
    Y[1, 15] = 2.0  # not a probability, in the last batch
    with pytest.raises(ValueError, match=exactly(
            "Y (BinaryCrossEntropy): targets must lie in [0, 1], got values "
            "from 0.0 to 2.0")):
        mfnet.fit(model, mfnet.BinaryCrossEntropy(), mfnet.SGD(model), A, Y,
                  epochs=1, batch_size=4, shuffle=False)
    assert _same(before, model)
    calls = []

    def fails_at_epoch_3(y_true, y_pred):
        calls.append(1)
        if len(calls) == 3:
            raise ValueError("broken metric")
        return 0.0

    with pytest.raises(ValueError, match=r"^fit: metric 'm' failed on the "
                                         r"training data"):
        mfnet.fit(model, mfnet.MSE(), mfnet.SGD(model), A, Y[1], epochs=5,
                  metrics={"m": fails_at_epoch_3})
    assert len(calls) == 3 and _same(before, model)


def test_label_out_of_range_is_refused_before_any_update():
    model = mfnet.mlp([3, 4, 3], rng=0)
    _, A, y = _data()
    y[-1] = 3
    before = model.weights()
    with pytest.raises(ValueError, match=exactly(
            "one_hot: label 3 is out of range for 3 classes (labels must lie "
            "in 0..2)")):
        mfnet.fit(model, mfnet.SoftmaxCrossEntropy(), mfnet.SGD(model), A, y,
                  epochs=1, batch_size=2)
    assert _same(before, model)


# ---------------------------------------------------------------------------
# 8. Weight files and folders
# ---------------------------------------------------------------------------

def test_saving_to_a_folder_is_refused_and_load_says_the_same(tmp_path):
    model = mfnet.mlp([3, 4, 2], rng=0)
    message = exactly(f"save_weights: {tmp_path} is a folder; give a file "
                      f"name inside it, e.g. {tmp_path}/weights.npz")
    with pytest.raises(IsADirectoryError, match=message):
        mfnet.save_weights(model, tmp_path)
    assert list(tmp_path.parent.glob(tmp_path.name + ".npz")) == []
    with pytest.raises(IsADirectoryError, match=message.replace(
            "save_weights", "load_weights")):
        mfnet.load_weights(model, tmp_path)
    with pytest.raises(FileNotFoundError, match=exactly(
            f"save_weights: the folder {tmp_path}/new does not exist; create "
            f"it first (os.makedirs('{tmp_path}/new'))")):
        mfnet.save_weights(model, tmp_path / "new" / "w.npz")
    mfnet.save_weights(model, tmp_path / "w")   # numpy appends .npz
    other = mfnet.mlp([3, 4, 2], rng=5)
    mfnet.load_weights(other, tmp_path / "w")   # and load finds it
    assert all(np.array_equal(a, b)
               for a, b in zip(model.weights(), other.weights()))


# ---------------------------------------------------------------------------
# 9. fit(shuffle=False): batches in the data's own order
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("batch_size", [4, 5, 12, 50])
def test_shuffle_false_equals_a_hand_written_loop_over_the_same_batches(
        batch_size):
    _, A, y = _data(m=12)
    model, hand = mfnet.mlp([3, 5, 3], rng=0), mfnet.mlp([3, 5, 3], rng=0)
    loss = mfnet.SoftmaxCrossEntropy()
    hist = mfnet.fit(model, loss, mfnet.SGD(model, lr=0.3), A, y, epochs=3,
                     batch_size=batch_size, shuffle=False, rng=None)
    Y = mfnet.one_hot(y, 3)
    losses = []
    for _ in range(3):
        total = 0.0
        for start in range(0, 12, batch_size):
            cols = slice(start, start + batch_size)
            J = loss.forward(hand.forward(A[:, cols]), Y[:, cols])
            hand.backward(loss.backward())
            for layer in hand.linear_layers:
                layer.W -= 0.3 * layer.dW
            total += J * A[:, cols].shape[1]
        losses.append(total / 12)
    assert all(np.array_equal(a, b)
               for a, b in zip(model.weights(), hand.weights()))
    assert hist.loss == losses
    # and the default still shuffles: a different path
    shuffled = mfnet.mlp([3, 5, 3], rng=0)
    mfnet.fit(shuffled, loss, mfnet.SGD(shuffled, lr=0.3), A, y, epochs=3,
              batch_size=batch_size)
    if batch_size < 12:
        assert not np.array_equal(shuffled.weights()[0], hand.weights()[0])


def test_batches_in_order_are_consecutive_columns():
    gen = np.random.default_rng(0)
    got = [b.tolist() for b in mfnet.batches(7, 3, gen, shuffle=False)]
    assert got == [[0, 1, 2], [3, 4, 5], [6]]
