"""The Linear layer with the bias absorbed into the weights
(``book/05_layers.ipynb``)."""
from __future__ import annotations

import numpy as np

from .checks import whole_number
from .init import glorot, he, make_rng
from .layer import Layer

__all__ = ["Linear", "Weights"]

def _first_row(x, rows: int):
    """The part of an operand of an in-place operation that lands on row 0."""
    if type(x) is np.ndarray and x.ndim == 2 and x.shape[0] in (1, rows):
        return x[0]
    if np.ndim(x) == 2 and np.shape(x)[0] in (1, rows):
        return np.asarray(x)[0]
    return x  # a scalar or a 1-D array broadcasts along the rows


def _short(row: np.ndarray) -> str:
    """Row 0 for a message: at most four entries."""
    text = np.array2string(row[:4], precision=4)
    return text[:-1] + " ...]" if row.size > 4 else text


class Weights(np.ndarray):
    """What ``Linear.W`` returns: a numpy view of the weights with row 0
    guarded.

    It reads, prints and computes like a plain array (every result is a
    plain ``np.ndarray``), and in-place writes go straight into the
    layer's weights: ``layer.W -= lr * layer.dW`` copies nothing and checks
    only row 0. Before an in-place operation (``W -= ...``, ``W *= 0.1``,
    ``np.add(W, x, out=W)``), an item assignment (``W[:] = ...``),
    ``W.fill`` or ``np.copyto(W, ...)`` writes anything, the new row 0 is
    computed and checked: if it would not be (1, 0, ..., 0), ValueError is
    raised and nothing has changed. Slices
    that contain row 0 are read-only views; ``W[1:]``, ``layer.weight``
    and ``layer.bias`` are ordinary writable views. ``copy()`` gives a
    plain array; ``np.asarray(W)`` is the unguarded buffer itself (for
    finite differences). Shape (out_features + 1, in_features + 1).
    Explained in ``book/05_layers.ipynb``.
    """

    _guard = False  # True only for the view that Linear.W hands out
    _owner = None  # the Linear layer, for error messages

    def _check_first_row(self, row) -> None:
        if row.shape != self.shape[1:]:  # a scalar or a broadcast row
            row = np.broadcast_to(row, self.shape[1:])
        if row[0] != 1.0 or np.count_nonzero(row[1:]):
            shown = _short(row)
            owner = self._owner._label() if self._owner else "Linear"
            raise ValueError(
                f"{owner}: row 0 of W must stay (1, 0, ..., 0) so "
                f"that the bias row survives; this would make it {shown}. "
                "Nothing was changed. Change only the weight rows, W[1:] "
                "(or layer.weight and layer.bias).")

    def __array_ufunc__(self, ufunc, method, *inputs, out=None, **kwargs):
        args = [x.view(np.ndarray) if isinstance(x, Weights) else x
                for x in inputs]
        if out is None:
            return getattr(ufunc, method)(*args, **kwargs)
        outs = tuple(o.view(np.ndarray) if isinstance(o, Weights) else o
                     for o in out)
        guarded = [o for o in out if isinstance(o, Weights) and o._guard]
        if guarded and method == "__call__" and len(out) == 1:
            rows = [_first_row(x, self.shape[0]) for x in args]
            guarded[0]._check_first_row(ufunc(*rows, **kwargs))
        elif guarded:  # rare (reduce, at, several outputs): via a copy
            result = getattr(ufunc, method)(*args, **kwargs)
            guarded[0][...] = result
            return out[0]
        getattr(ufunc, method)(*args, out=outs, **kwargs)
        return out[0] if len(out) == 1 else out

    def __setitem__(self, key, value) -> None:
        plain = self.view(np.ndarray)
        if self._guard:
            trial = plain.copy()
            trial[key] = value
            self._check_first_row(trial[0])
        plain[key] = value

    def __getitem__(self, key):
        plain = self.view(np.ndarray)
        item = plain[key]
        if (self._guard and isinstance(item, np.ndarray)
                and np.may_share_memory(item, plain[0])):
            item.flags.writeable = False
        return item

    def __array_function__(self, func, types, args, kwargs):
        if func is np.copyto and args and getattr(args[0], "_guard", False):
            if len(args) + len(kwargs) > 2:
                raise TypeError("np.copyto into a layer's W takes no "
                                "casting or where; assign W[...] = src")
            src = args[1] if len(args) > 1 else kwargs["src"]
            args[0][...] = src
            return None
        return super().__array_function__(func, types, args, kwargs)

    def __isub__(self, other):
        # The update every loop writes, W -= lr * dW: row 0 of W stays
        # (1, 0, ..., 0) exactly when row 0 of the array taken away is zero.
        plain = self.base
        if (self._guard and type(other) is np.ndarray
                and other.shape == plain.shape and not other[0].any()):
            np.subtract(plain, other, out=plain)
            return self
        return super().__isub__(other)  # checked in __array_ufunc__

    def fill(self, value) -> None:
        self[...] = value

    def copy(self, order="C") -> np.ndarray:
        return np.array(self.view(np.ndarray), order=order)

    def __repr__(self) -> str:
        return repr(self.view(np.ndarray))

    def __str__(self) -> str:
        return str(self.view(np.ndarray))


class Linear(Layer):
    """The affine layer Z = W A, the bias in column 0 of W.

    Derived in chapter 4 (``book/04_backprop_matrix.ipynb``), code in
    chapter 5 (``book/05_layers.ipynb``).

    Parameters
    ----------
    in_features, out_features : int
        Sizes without the bias feature, at least 1.
    init : {"glorot", "he", "zeros"}, optional
        Glorot uniform (for tanh and sigmoid, the default), He normal (for
        ReLU) or zeros. The bias column starts at zero.
    rng : int, numpy.random.Generator or None, optional
        Seed or generator for the initial weights (default 0; None draws
        fresh entropy).

    Raises
    ------
    ValueError
        For sizes below 1 or an unknown ``init``.

    Notes
    -----
    Shapes, for m samples as columns:

    - A, the input: (in_features + 1, m), row 0 all ones;
    - W: (out_features + 1, in_features + 1); row 0 is (1, 0, ..., 0),
      ``W[1:, 0]`` the bias b, ``W[1:, 1:]`` the weights;
    - Z, the output: (out_features + 1, m), row 0 all ones again;
    - Delta = dJ/dZ: (out_features + 1, m), row 0 zero;
    - dW = Delta A^T: the shape of W, row 0 zero;
    - dJ/dA = W^T Delta: (in_features + 1, m).

    In PyTorch's terms ``layer.weight`` (``W[1:, 1:]``) is
    ``nn.Linear.weight`` and ``layer.bias`` (``W[1:, 0]``) is
    ``nn.Linear.bias``; both are writable views. ``layer.W`` is a guarded
    view: ``layer.W -= lr * layer.dW`` updates in place, and nothing can
    change row 0 without an error.
    """

    def __init__(self, in_features: int, out_features: int, *,
                 init: str = "glorot",
                 rng: np.random.Generator | int | None = 0) -> None:
        n_in = whole_number(in_features, "Linear: in_features", None)
        n_out = whole_number(out_features, "Linear: out_features", None)
        if n_in < 1 or n_out < 1:
            raise ValueError(f"Linear({n_in}, {n_out}): sizes must be at "
                             "least 1")
        self.in_features, self.out_features = n_in, n_out
        W = np.zeros((n_out + 1, n_in + 1))
        W[0, 0] = 1.0
        if init == "glorot":
            W[1:, 1:] = glorot(n_in, n_out, make_rng(rng))
        elif init == "he":
            W[1:, 1:] = he(n_in, n_out, make_rng(rng))
        elif init != "zeros":
            raise ValueError(f"Linear: unknown init {init!r}; "
                             "use 'glorot', 'he' or 'zeros'")
        self._W = W  # the layer's own buffer; W, weight, bias are views
        self.dW = np.zeros_like(W)
        self.A: np.ndarray | None = None

    def __repr__(self) -> str:
        return f"Linear({self.in_features}, {self.out_features})"

    @property
    def W(self) -> Weights:
        """The augmented weights, shape (out_features + 1, in_features + 1).

        A guarded view: in-place updates work, a change to row 0 raises.
        """
        view = self.__dict__.get("_view")
        if view is None or view.base is not self._W:  # new, or copied
            view = self._view = self._W.view(Weights)
            view._guard, view._owner = True, self
        return view

    @W.setter
    def W(self, value) -> None:
        if value is self.__dict__.get("_view"):
            return  # ``layer.W -= ...``: already written, and checked
        value = np.asarray(value, dtype=np.float64)
        expected = self._W.shape
        if value.shape != expected:
            raise ValueError(f"{self._label()}: W must have shape "
                             f"{expected}, got shape {value.shape}")
        if value[0, 0] != 1.0 or np.any(value[0, 1:]):
            raise ValueError(
                f"{self._label()}: row 0 of W must be (1, 0, ..., 0) so "
                f"that the bias row survives; got {_short(value[0])}")
        if not np.isfinite(value).all():
            raise ValueError(f"{self._label()}: W contains NaN or infinity")
        self._W[...] = value  # a copy into the layer's own buffer

    @property
    def weight(self) -> np.ndarray:
        """``W[1:, 1:]``, shape (out_features, in_features): the weights."""
        return self._W[1:, 1:]

    @property
    def bias(self) -> np.ndarray:
        """``W[1:, 0]``, shape (out_features,): the biases b."""
        return self._W[1:, 0]

    def forward(self, A: np.ndarray) -> np.ndarray:
        """Z = W A; keeps A for the backward pass.

        Parameters
        ----------
        A : numpy.ndarray
            Shape (in_features + 1, m).

        Returns
        -------
        numpy.ndarray
            Z, shape (out_features + 1, m).

        Raises
        ------
        ValueError
            If A does not have in_features + 1 rows.
        """
        if (type(A) is not np.ndarray or A.ndim != 2
                or len(A) != self.in_features + 1 or not A.shape[1]):
            A = self._check_rows(A, self.in_features + 1, "input A")
        self.A = A
        return self._W @ A

    def backward(self, Delta: np.ndarray,
                 input_grad: bool = True) -> np.ndarray | None:
        """Store dW = Delta A^T and return dJ/dA = W^T Delta.

        Parameters
        ----------
        Delta : numpy.ndarray
            dJ/dZ, shape (out_features + 1, m), as from the next layer.
        input_grad : bool, optional
            False skips the product W^T Delta (the first layer's input needs
            no gradient) and returns None.

        Returns
        -------
        numpy.ndarray or None
            dJ/dA, shape (in_features + 1, m).

        Raises
        ------
        RuntimeError
            If called before `forward`.
        ValueError
            If Delta's shape does not fit the last forward pass.
        """
        A = self.A
        if A is None:
            raise RuntimeError(
                f"{self._label()}: backward called before forward")
        if type(Delta) is not np.ndarray or Delta.shape != (
                self.out_features + 1, A.shape[1]):
            Delta = self._check_delta(Delta)
        # Row 0 of Delta is zero (every mfnet layer and loss makes it so),
        # hence row 0 of dW is zero and row 0 of W adds nothing to W^T Delta.
        self.dW = Delta @ A.T
        if input_grad:
            return self._W.T @ Delta
        return None

    def _check_delta(self, Delta) -> np.ndarray:
        Delta = self._check_rows(Delta, self.out_features + 1,
                                 "gradient Delta")
        if Delta.shape[1] != self.A.shape[1]:
            raise ValueError(
                f"{self._label()}: gradient Delta has {Delta.shape[1]} "
                f"samples but the forward input had {self.A.shape[1]} "
                f"(shapes {Delta.shape} and {self.A.shape})")
        return Delta
