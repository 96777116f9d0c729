"""A network is a list of layers applied in order
(``book/02_signal_flow.ipynb``)."""
from __future__ import annotations

import numpy as np

from . import activations
from .checks import whole_number
from .init import INIT_FOR_ACTIVATION, make_rng
from .layer import Layer
from .linear import Linear
from .tensor import bias_row_checked

__all__ = ["Sequential", "mlp"]


class Sequential(Layer):
    """Layers in order: forward first to last, backward last to first.

    Introduced in chapter 2 (``book/02_signal_flow.ipynb``), code in chapter
    5 (``book/05_layers.ipynb``).

    Parameters
    ----------
    *layers : Layer
        At least one mfnet layer. Each layer's ``name`` is set to its
        position, so an error says which layer failed.

    Raises
    ------
    ValueError
        If no layer is given.
    TypeError
        If an argument is not an mfnet layer.

    Notes
    -----
    ``forward(A)`` (or ``model(A)``) takes A of shape (n_0 + 1, m), checks
    that row 0 is the bias row of ones, and returns the last layer's output,
    shape (n_L + 1, m). ``backward(dA)`` takes dJ/d(output), shape
    (n_L + 1, m), and leaves dW in every Linear layer; it returns None, or
    with ``input_grad=True`` also dJ/dA^[0], shape (n_0 + 1, m), which
    training never needs.
    """

    def __init__(self, *layers: Layer) -> None:
        self.layers = layers
        self.name = "Sequential"

    def __setattr__(self, name: str, value) -> None:
        # model.layers = [...] is checked as at construction; reading
        # model.layers stays a plain attribute read (the hot path)
        if name == "layers":
            value = _LayerList(_checked_layers(value))
            for i, layer in enumerate(value):
                layer.name = f"layer {i} {layer!r}"
        super().__setattr__(name, value)

    def __getattr__(self, name: str):
        # only called for names that do not exist: Keras's and PyTorch's
        hint = _OTHER_LIBRARIES.get(name)
        if hint:
            raise AttributeError(f"Sequential has no .{name}(): {hint}")
        raise AttributeError(
            f"'{type(self).__name__}' object has no attribute {name!r}")

    def __repr__(self) -> str:
        inner = ",\n  ".join(repr(layer) for layer in self.layers)
        return f"Sequential(\n  {inner}\n)"

    @property
    def linear_layers(self) -> list[Linear]:
        """The layers that have weights, first to last."""
        return [layer for layer in self.layers if isinstance(layer, Linear)]

    def forward(self, A: np.ndarray) -> np.ndarray:
        return self._run(bias_row_checked(A, "input A", finite=False))

    def _run(self, A: np.ndarray) -> np.ndarray:
        """forward without the bias-row check (for data already checked)."""
        for layer in self.layers:
            A = layer.forward(A)
        return A

    def __call__(self, A) -> np.ndarray:
        return self.forward(A)

    def backward(self, dA: np.ndarray,
                 input_grad: bool = False) -> np.ndarray | None:
        layers = self.layers
        for layer in layers[:0:-1]:
            dA = layer.backward(dA)
        first = layers[0]
        if isinstance(first, Linear):
            return first.backward(dA, input_grad=input_grad)
        dA = first.backward(dA)
        return dA if input_grad else None

    def weights(self) -> list[np.ndarray]:
        """Copies of every W, first to last."""
        return [layer.W.copy() for layer in self.linear_layers]


class _LayerList(list):
    """``Sequential.layers``: a list that refuses to change in place."""

    def _fixed(self, *args, **kwargs):
        raise TypeError(
            "Sequential: model.layers cannot change in place (each layer "
            "is named by its position and may be used once); build a new "
            "model, e.g. mfnet.Sequential(*model.layers, mfnet.Tanh()), "
            "and a new optimiser for it")

    append = extend = insert = pop = remove = clear = _fixed
    sort = reverse = __setitem__ = __delitem__ = _fixed
    __iadd__ = __imul__ = _fixed

    def __reduce_ex__(self, protocol):
        return (type(self), (list(self),))  # copy and pickle


def _checked_layers(layers) -> list[Layer]:
    """The layers as a list, nested Sequentials spliced in; raise when an
    entry is not a layer or one object comes twice."""
    if not layers:
        raise ValueError("Sequential: give at least one layer")
    flat: list[Layer] = []
    for i, layer in enumerate(layers):
        if not isinstance(layer, Layer):
            raise TypeError(f"Sequential: argument {i} is {layer!r}, "
                            "not an mfnet layer")
        # a Sequential inside a Sequential: its layers, in order
        flat += layer.layers if isinstance(layer, Sequential) else [layer]
    first: dict[int, int] = {}
    for i, layer in enumerate(flat):
        j = first.setdefault(id(layer), i)
        if j != i:
            raise ValueError(_twice(layer, j, i))
    return flat


def _twice(layer: Layer, j: int, i: int) -> str:
    """The message for one layer object at positions j and i."""
    message = (
        f"Sequential: layers {j} and {i} are the same {layer!r} object. "
        "A layer keeps what its forward pass saw for the backward pass, "
        f"so every position needs its own object: write {layer!r} anew "
        f"for layer {i}")
    if isinstance(layer, Linear):
        message += (" (a Linear used twice would tie the weights, which "
                    "mfnet does not do: its gradient would be wrong and "
                    "the optimiser would step it twice)")
    return message


_OTHER_LIBRARIES = {
    "fit": "train with mfnet.fit(model, loss, optimizer, X, Y, epochs=...)",
    "compile": "mfnet has no compile step; pass the loss and the optimiser "
               "to mfnet.fit(model, loss, optimizer, X, Y, epochs=...)",
    "predict": "use mfnet.predict(model, A) on augmented A, or "
               "mfnet.predict_labels(model, X) / mfnet.predict_proba(model, "
               "X) on samples-as-rows X",
    "evaluate": "use mfnet.evaluate(model, loss, X, Y)",
    "add": "list every layer when you build it: mfnet.Sequential(layer1, "
           "layer2, ...)",
    "append": "list every layer when you build it: mfnet.Sequential(layer1, "
              "layer2, ...)",
    "summary": "print(model) lists the layers; model.linear_layers those "
               "with weights",
    "parameters": "the weights are layer.W of each layer in "
                  "model.linear_layers (optimisers take the model: "
                  "mfnet.SGD(model, lr=...))",
    "zero_grad": "nothing to reset: backward overwrites every layer.dW",
    "train": "mfnet has no training mode; train with mfnet.fit(...)",
    "eval": "mfnet has no evaluation mode; predict with mfnet.predict",
    "state_dict": "use mfnet.save_weights(model, path) or model.weights()",
    "get_weights": "use model.weights() (copies of every W)",
    "save": "use mfnet.save_weights(model, path)",
}

_ACTIVATIONS = {"identity": activations.Identity, "relu": activations.ReLU,
                "sigmoid": activations.Sigmoid, "tanh": activations.Tanh,
                "softmax": activations.Softmax}


def mlp(sizes: list[int], activation: str = "tanh", output: str | None = None,
        rng: np.random.Generator | int | None = 0) -> Sequential:
    """A fully-connected network: Linear, g, Linear, g, ..., Linear[, output].

    Parameters
    ----------
    sizes : list of int
        [n_0, n_1, ..., n_L], the feature counts without the bias (each at
        least 1), e.g. [784, 32, 16, 10].
    activation : {"tanh", "relu", "sigmoid", "identity"}, optional
        The hidden activation (default "tanh").
    output : str, optional
        An activation after the last Linear ("softmax", "sigmoid", ...).
        None (the default) leaves logits, for `mfnet.SoftmaxCrossEntropy`,
        `mfnet.BinaryCrossEntropy` or `mfnet.MSE`.
    rng : int, numpy.random.Generator or None, optional
        Seed (default 0, as in `mfnet.fit`; None draws fresh entropy) or
        generator. Every Linear draws from it in order: He initialisation for
        layers feeding ReLU, Glorot otherwise (chapter 9,
        ``book/09_training.ipynb``).

    Returns
    -------
    Sequential
        Taking (n_0 + 1, m) to (n_L + 1, m).

    Raises
    ------
    TypeError, ValueError
        For sizes that are not a list of at least two positive ints, or an
        unknown activation name.
    """
    if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__"):
        raise TypeError(f"mlp: sizes must be a list of ints, got {sizes!r}")
    if len(sizes) < 2:
        raise ValueError("mlp: sizes needs at least an input and an output "
                         f"size, got {sizes}")
    sizes = [whole_number(n, f"mlp: sizes[{i}]")
             for i, n in enumerate(sizes)]
    names = [activation] + ([output] if output else [])
    for name in names:
        if name not in _ACTIVATIONS:
            raise ValueError(f"mlp: unknown activation {name!r}; "
                             f"choose from {sorted(_ACTIVATIONS)}")
    gen = make_rng(rng, "mlp: rng")
    layers: list[Layer] = []
    last = len(sizes) - 2
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        follows = activation if i < last else (output or "identity")
        init = INIT_FOR_ACTIVATION[follows]
        layers.append(Linear(n_in, n_out, init=init, rng=gen))
        if i < last:
            layers.append(_ACTIVATIONS[activation]())
        elif output:
            layers.append(_ACTIVATIONS[output]())
    return Sequential(*layers)
