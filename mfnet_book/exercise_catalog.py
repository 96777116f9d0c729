"""The checked exercises: question, stub, test inputs, right answers.

Each :class:`Exercise` is data: the text and code cells that
``python3 dev.py insert-exercises`` writes at the end of its chapter's
``## Exercises`` section, a function ``inputs(rng)`` that draws one test
case, and a function ``outputs(inputs)`` that computes the right answer for
it independently of the solution (central finite differences of a forward
pass written here in plain numpy, eigenvalues, counting), with the likely
wrong answers and what each means. Nothing is stored: every expected value
is computed when a check runs.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .exercise_diagnose import Mistake, Output

BIAS_DELTA = ("the backward pass sets row 0 of Delta to zero, a "
              "stop-gradient, because row 0 of W is not learnt (see the "
              "notation page)")
BIAS_LINEAR = ("a Linear layer returns the whole dJ/dA, row 0 included; "
               "zeroing row 0 is the next activation's job")


@dataclass
class Exercise:
    """One checked exercise (see the module docstring)."""
    id: str
    chapter: str                  # the notebook's number, "05"
    title: str
    question: str                 # Markdown, inside the exercise directive
    function: str                 # the name the student defines
    stub: str                     # the empty answer cell
    inputs: Callable              # rng -> dict of the function's arguments
    outputs: Callable             # inputs -> list of Output

    @property
    def label(self) -> str:
        return f"ex-c{self.chapter}-{self.id.split('.')[1].lower()}"


# -- helpers ------------------------------------------------------------------
def fd_grad(f: Callable, X: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """Central finite differences of the scalar f at X, entry by entry."""
    X = np.array(X, dtype=float)
    grad = np.zeros_like(X)
    for ix in np.ndindex(X.shape):
        old = X[ix]
        X[ix] = old + h
        up = f(X)
        X[ix] = old - h
        down = f(X)
        X[ix] = old
        grad[ix] = (up - down) / (2 * h)
    return grad


def away_from_zero(rng, shape, gap=0.2):
    """Normal numbers at least `gap` away from 0 (no kink within reach)."""
    Z = rng.normal(size=shape)
    return np.sign(Z) * (gap + np.abs(Z))


def bias_rows(Z: np.ndarray) -> np.ndarray:
    """Z with row 0 set to ones (mfnet's bias row)."""
    Z = np.array(Z, dtype=float)
    Z[0] = 1.0
    return Z


def weights(rng, n_out, n_in):
    """A weight matrix in mfnet's form: row 0 is (1, 0, ..., 0)."""
    W = rng.normal(scale=0.8, size=(n_out + 1, n_in + 1))
    W[0] = 0.0
    W[0, 0] = 1.0
    return W


def zero_row0(G):
    G = np.array(G, dtype=float)
    G[0] = 0.0
    return G


def act_rows(g, Z):
    """g on the feature rows, row 0 copied (mfnet's activations)."""
    A = np.array(Z, dtype=float)
    A[1:] = g(Z[1:])
    return A


def no_gprime(dA):
    return zero_row0(dA)


NO_GPRIME = ("right except the factor g'(Z): multiply the incoming gradient "
             "entry by entry by the slope of g at Z")

EXERCISES: list[Exercise] = []


def exercise(**kwargs) -> None:
    EXERCISES.append(Exercise(**kwargs))


# -- chapter 2: gates ---------------------------------------------------------
def _mul_inputs(rng):
    shape = (int(rng.integers(2, 4)), int(rng.integers(2, 5)))
    return {"x": rng.normal(size=shape), "y": rng.normal(size=shape),
            "dv": rng.normal(size=shape)}


def _mul_outputs(c):
    x, y, dv = c["x"], c["y"], c["dv"]
    J = lambda x_, y_: float(np.sum(dv * x_ * y_))
    dx = fd_grad(lambda t: J(t, y), x)
    dy = fd_grad(lambda t: J(x, t), y)
    add = "passes the upstream gradient through unchanged, as an add gate "\
          "does; a multiply gate scales it by the other input"
    return [
        Output("dJ/dx", dx, [Mistake(dv * x, "multiplies by x itself: the "
               "local derivative dv/dx of a product is the other factor"),
               Mistake(dv, add)]),
        Output("dJ/dy", dy, [Mistake(dv * y, "multiplies by y itself: the "
               "local derivative dv/dy of a product is the other factor"),
               Mistake(dv, add)]),
    ]


exercise(
    id="2.A", chapter="02", title="the multiply gate, backward",
    question=(
        "A multiply gate computes $v = x y$ entry by entry, for arrays $x$ "
        "and $y$ of one shape. It receives the upstream gradient "
        "$\\partial J/\\partial v$ (`dv`, the shape of $v$). Write "
        "`multiply_backward(x, y, dv)`, which returns the pair "
        "$(\\partial J/\\partial x, \\partial J/\\partial y)$."),
    function="multiply_backward",
    stub=("def multiply_backward(x, y, dv):\n"
          "    \"\"\"(dJ/dx, dJ/dy) for v = x * y, given dv = dJ/dv.\"\"\"\n"
          "    ...  # your code"),
    inputs=_mul_inputs, outputs=_mul_outputs)


def _fork_inputs(rng):
    shape = (int(rng.integers(2, 4)),)
    return {"x": rng.normal(size=shape), "y": rng.normal(size=shape),
            "z": rng.normal(size=shape), "df": rng.normal(size=shape)}


def _fork_outputs(c):
    x, y, z, df = c["x"], c["y"], c["z"], c["df"]
    J = lambda x_, y_, z_: float(np.sum(df * (x_ + y_) * (x_ * z_)))
    q, r = x + y, x * z
    path = ("has only the path through {}: x also feeds {}, and where a "
            "value fans out the gradients of its paths add")
    return [
        Output("dJ/dx", fd_grad(lambda t: J(t, y, z), x), [
            Mistake(df * r, path.format("q = x + y", "r = x z")),
            Mistake(df * q * z, path.format("r = x z", "q = x + y"))]),
        Output("dJ/dy", fd_grad(lambda t: J(x, t, z), y)),
        Output("dJ/dz", fd_grad(lambda t: J(x, y, t), z)),
    ]


exercise(
    id="2.B", chapter="02", title="a value used twice",
    question=(
        "The circuit $q = x + y$, $r = x z$, $f = q r$ uses $x$ twice. "
        "Given arrays $x, y, z$ of one shape and the upstream gradient "
        "$\\partial J/\\partial f$ (`df`), write `fork_backward(x, y, z, df)` "
        "returning $(\\partial J/\\partial x, \\partial J/\\partial y, "
        "\\partial J/\\partial z)$, gate by gate from $f$ backwards."),
    function="fork_backward",
    stub=("def fork_backward(x, y, z, df):\n"
          "    \"\"\"(dJ/dx, dJ/dy, dJ/dz) for f = (x + y) * (x * z).\"\"\"\n"
          "    ...  # your code"),
    inputs=_fork_inputs, outputs=_fork_outputs)


# -- chapter 3: index form ----------------------------------------------------
def _delta_inputs(rng):
    n = int(rng.integers(2, 5))
    n_next = n + int(rng.integers(1, 3))
    z = rng.normal(size=n + 1)
    z[0] = 1.0
    delta_next = rng.normal(size=n_next + 1)
    delta_next[0] = 0.0
    return {"W_next": weights(rng, n_next, n), "delta_next": delta_next,
            "z": z}


def _delta_outputs(c):
    W, dn, z = c["W_next"], c["delta_next"], c["z"]
    phi = lambda t: float(dn @ (W @ act_rows(np.tanh, t)))
    expected = zero_row0(fd_grad(phi, z))
    plain = zero_row0(W.T @ dn)
    wrong_g = plain * np.r_[0.0, 1 - z[1:] ** 2]
    return [Output("delta", expected, [
        Mistake(plain, "right except the factor g'(z_j) = 1 - tanh(z_j)^2: "
                "each delta_j is the weighted sum times the slope of its "
                "own neuron"),
        Mistake(wrong_g, "uses 1 - z_j^2 as g'(z_j): the derivative of tanh "
                "is 1 - tanh(z_j)^2, the square of the activation")],
        bias_row=BIAS_DELTA)]


exercise(
    id="3.A", chapter="03", title="a hidden layer's delta, index by index",
    question=(
        "One sample, a tanh layer $l$ with pre-activations $z_j$ (the vector "
        "`z` of length $n^{[l]} + 1$, entry 0 the bias row's $1$), the next "
        "layer's weights $W^{[l+1]}$ in mfnet's form (`W_next`, row 0 "
        "$(1, 0, \\dots, 0)$) and its errors $\\delta_k^{[l+1]}$ "
        "(`delta_next`, entry 0 zero). Write `hidden_delta(W_next, "
        "delta_next, z)` returning the vector $\\delta^{[l]}$ with "
        "$\\delta_j^{[l]} = g'(z_j) \\sum_k w_{kj}^{[l+1]} "
        "\\delta_k^{[l+1]}$ for $j \\ge 1$ and entry 0 set to zero. Loops "
        "over $j$ and $k$ are welcome."),
    function="hidden_delta",
    stub=("def hidden_delta(W_next, delta_next, z):\n"
          "    \"\"\"delta of a tanh layer (one sample, entry 0 zero).\"\"\"\n"
          "    ...  # your code"),
    inputs=_delta_inputs, outputs=_delta_outputs)


# -- chapter 4: matrix form ---------------------------------------------------
def _linear_inputs(rng):
    n_in, n_out, m = (int(rng.integers(2, 5)), int(rng.integers(2, 5)),
                      int(rng.integers(3, 7)))
    Delta = zero_row0(rng.normal(size=(n_out + 1, m)))
    return {"W": weights(rng, n_out, n_in),
            "A_prev": bias_rows(rng.normal(size=(n_in + 1, m))),
            "Delta": Delta}


def _linear_outputs(c):
    W, A, D = c["W"], c["A_prev"], c["Delta"]
    J = lambda W_, A_: float(np.sum(D * (W_ @ A_)))
    m = A.shape[1]
    return [Output("dW", fd_grad(lambda t: J(t, A), W), m=m),
            Output("dA_prev", fd_grad(lambda t: J(W, t), A), m=m,
                   bias_row=BIAS_LINEAR)]


exercise(
    id="4.A", chapter="04", title="a Linear layer, backward",
    question=(
        "A Linear layer computes $Z = W A$ for a batch $A$ of shape "
        "$(n^{[l-1]} + 1, m)$. Given $W$, the input `A_prev` and "
        "$\\Delta = \\partial J/\\partial Z$ (`Delta`, row 0 zero), write "
        "`linear_backward(W, A_prev, Delta)` returning the pair "
        "$(\\partial J/\\partial W, \\partial J/\\partial A)$."),
    function="linear_backward",
    stub=("def linear_backward(W, A_prev, Delta):\n"
          "    \"\"\"(dJ/dW, dJ/dA_prev) for Z = W @ A_prev.\"\"\"\n"
          "    ...  # your code"),
    inputs=_linear_inputs, outputs=_linear_outputs)


def _mse(Y_hat, Y):
    return float(np.sum((Y_hat[1:] - Y[1:]) ** 2)) / (2 * Y.shape[1])


def _two_layer_inputs(rng):
    n0, n1, n2, m = (int(rng.integers(2, 4)), int(rng.integers(2, 5)),
                     int(rng.integers(1, 3)), int(rng.integers(3, 7)))
    return {"W1": weights(rng, n1, n0), "W2": weights(rng, n2, n1),
            "A0": bias_rows(rng.normal(size=(n0 + 1, m))),
            "Y": bias_rows(rng.normal(size=(n2 + 1, m)))}


def _two_layer_outputs(c):
    W1, W2, A0, Y = c["W1"], c["W2"], c["A0"], c["Y"]
    m = A0.shape[1]
    J = lambda W1_, W2_: _mse(W2_ @ act_rows(np.tanh, W1_ @ A0), Y)
    dW1 = zero_row0(fd_grad(lambda t: J(t, W2), W1))
    dW2 = zero_row0(fd_grad(lambda t: J(W1, t), W2))
    A1 = act_rows(np.tanh, W1 @ A0)
    D2 = zero_row0(W2 @ A1 - Y) / m
    no_g = zero_row0(W2.T @ D2) @ A0.T
    return [Output("dW1", dW1, [Mistake(no_g, NO_GPRIME + " (the tanh "
                                        "layer's g' = 1 - A1^2)")],
                   bias_row=BIAS_DELTA, m=m),
            Output("dW2", dW2, bias_row=BIAS_DELTA, m=m)]


exercise(
    id="4.B", chapter="04", title="a two-layer network's gradient",
    question=(
        "The network $A^{[1]} = \\tanh(W^{[1]} A^{[0]})$ (row 0 copied), "
        "$\\hat Y = W^{[2]} A^{[1]}$ with the loss $J = \\frac{1}{2m} "
        "\\sum_i \\lVert \\hat y^{(i)} - y^{(i)} \\rVert^2$ over the feature "
        "rows. Write `two_layer_grads(W1, W2, A0, Y)` returning "
        "$(\\partial J/\\partial W^{[1]}, \\partial J/\\partial W^{[2]})$ "
        "with the matrix formulas of this chapter (row 0 of each gradient "
        "zero, as in mfnet)."),
    function="two_layer_grads",
    stub=("def two_layer_grads(W1, W2, A0, Y):\n"
          "    \"\"\"(dJ/dW1, dJ/dW2) for tanh, then linear, then MSE.\"\"\"\n"
          "    ...  # your code"),
    inputs=_two_layer_inputs, outputs=_two_layer_outputs)


# -- chapter 5: layers --------------------------------------------------------
def _softmax_inputs(rng):
    n, m = int(rng.integers(2, 5)), int(rng.integers(3, 7))
    return {"Z": bias_rows(rng.normal(scale=1.5, size=(n + 1, m))),
            "dA": rng.normal(size=(n + 1, m))}


def _softmax_cols(Z):
    e = np.exp(Z - Z.max(axis=0))
    return e / e.sum(axis=0)


def _softmax_outputs(c):
    Z, dA = c["Z"], c["dA"]
    phi = lambda t: float(np.sum(dA * act_rows(_softmax_cols, t)))
    expected = zero_row0(fd_grad(phi, Z))
    S = act_rows(_softmax_cols, Z)
    diagonal = zero_row0(dA * S * (1 - S))
    everything = zero_row0(S * (dA - np.sum(dA[1:] * S[1:])))
    return [Output("dJ/dZ", expected, [
        Mistake(diagonal, "uses only the diagonal of the softmax's "
                "Jacobian, S_j (1 - S_j): each output of a column depends on "
                "every input of that column, so the terms -S_j S_k count too"),
        Mistake(everything, "sums over the whole array: the softmax couples "
                "the entries of one column (one sample) only"),
        Mistake(no_gprime(dA), "passes dA through unchanged: multiply by "
                "the softmax's Jacobian, column by column")],
        bias_row=BIAS_DELTA)]


exercise(
    id="5.A", chapter="05", title="the softmax layer, backward",
    question=(
        "The softmax layer maps each column $z$ of $Z$ (rows $1$ to $n$) to "
        "$s = \\operatorname{softmax}(z)$, $s_j = e^{z_j} / \\sum_k e^{z_k}$, "
        "and copies row $0$. Write `softmax_backward(Z, dA)` returning "
        "$\\partial J/\\partial Z$ given $\\partial J/\\partial A$ (`dA`), "
        "with mfnet's row $0$, without forming the Jacobian matrices."),
    function="softmax_backward",
    stub=("def softmax_backward(Z, dA):\n"
          "    \"\"\"dJ/dZ for A = softmax of each column of Z[1:].\"\"\"\n"
          "    ...  # your code"),
    inputs=_softmax_inputs, outputs=_softmax_outputs)


def _res_inputs(rng):
    n, m = int(rng.integers(2, 5)), int(rng.integers(3, 6))
    return {"W": rng.normal(scale=0.7, size=(n, n)),
            "X": rng.normal(size=(n, m)), "dY": rng.normal(size=(n, m))}


def _res_outputs(c):
    W, X, dY = c["W"], c["X"], c["dY"]
    J = lambda W_, X_: float(np.sum(dY * (X_ + np.tanh(W_ @ X_))))
    H = np.tanh(W @ X)
    branch = W.T @ (dY * (1 - H ** 2))
    return [Output("dW", fd_grad(lambda t: J(t, X), W), [
                Mistake(dY @ X.T, NO_GPRIME)]),
            Output("dX", fd_grad(lambda t: J(W, t), X), [
                Mistake(branch, "misses the skip path: X reaches Y directly "
                        "as well as through tanh(W X), and the gradients "
                        "of the two paths add"),
                Mistake(dY, "has only the skip path: add the path through "
                        "tanh(W X)")])]


exercise(
    id="5.B", chapter="05", title="a skip connection",
    question=(
        "A residual block computes $Y = X + \\tanh(W X)$; here $X$ is a "
        "plain $(n, m)$ array and $W$ is $(n, n)$, without bias rows, to "
        "keep the block small. Given $\\partial J/\\partial Y$ (`dY`), write "
        "`residual_backward(W, X, dY)` returning "
        "$(\\partial J/\\partial W, \\partial J/\\partial X)$."),
    function="residual_backward",
    stub=("def residual_backward(W, X, dY):\n"
          "    \"\"\"(dJ/dW, dJ/dX) for Y = X + tanh(W @ X).\"\"\"\n"
          "    ...  # your code"),
    inputs=_res_inputs, outputs=_res_outputs)


def _tied_inputs(rng):
    n, m = int(rng.integers(2, 5)), int(rng.integers(3, 6))
    return {"W": rng.normal(scale=0.7, size=(n, n)),
            "X": rng.normal(size=(n, m)), "dY": rng.normal(size=(n, m))}


def _tied_outputs(c):
    W, X, dY = c["W"], c["X"], c["dY"]
    J = lambda W_: float(np.sum(dY * (W_ @ np.tanh(W_ @ X))))
    H = np.tanh(W @ X)
    second = dY @ H.T
    first = ((W.T @ dY) * (1 - H ** 2)) @ X.T
    use = ("counts only the {} use of W ({}): W is used twice, and its "
           "gradient is the sum of the gradients of both uses")
    return [Output("dW", fd_grad(J, W), [
        Mistake(second, use.format("second", "Y = W U")),
        Mistake(first, use.format("first", "Z = W X"))])]


exercise(
    id="5.C", chapter="05", title="a shared weight",
    question=(
        "The same $(n, n)$ matrix $W$ is used twice: $U = \\tanh(W X)$, "
        "$Y = W U$ (plain arrays, no bias rows). Given "
        "$\\partial J/\\partial Y$ (`dY`), write `tied_backward(W, X, dY)` "
        "returning $\\partial J/\\partial W$."),
    function="tied_backward",
    stub=("def tied_backward(W, X, dY):\n"
          "    \"\"\"dJ/dW for Y = W @ tanh(W @ X), one W used twice.\"\"\"\n"
          "    ...  # your code"),
    inputs=_tied_inputs, outputs=_tied_outputs)


# -- chapter 6: the worked example --------------------------------------------
def _linear_net_inputs(rng):
    n0, n1, n2, n3, m = (int(rng.integers(2, 4)), int(rng.integers(2, 4)),
                         int(rng.integers(2, 4)), int(rng.integers(1, 3)),
                         int(rng.integers(3, 6)))
    return {"W1": weights(rng, n1, n0), "W2": weights(rng, n2, n1),
            "W3": weights(rng, n3, n2),
            "A0": bias_rows(rng.normal(size=(n0 + 1, m))),
            "Y": bias_rows(rng.normal(size=(n3 + 1, m)))}


def _linear_net_outputs(c):
    Ws = [c["W1"], c["W2"], c["W3"]]
    A0, Y = c["A0"], c["Y"]
    m = A0.shape[1]

    def J_at(i):
        def J(t):
            Ws_ = list(Ws)
            Ws_[i] = t
            return _mse(Ws_[2] @ Ws_[1] @ Ws_[0] @ A0, Y)
        return J
    return [Output(f"dW{i + 1}", zero_row0(fd_grad(J_at(i), Ws[i])),
                   bias_row=BIAS_DELTA, m=m) for i in range(3)]


exercise(
    id="6.A", chapter="06", title="the worked example's three gradients",
    question=(
        "The linear network of this chapter: $\\hat Y = W^{[3]} W^{[2]} "
        "W^{[1]} A^{[0]}$ (each layer's row 0 carries the ones), with "
        "$J = \\frac{1}{2m} \\sum_i \\lVert \\hat y^{(i)} - y^{(i)} "
        "\\rVert^2$ over the feature rows. Write `linear_net_grads(W1, W2, "
        "W3, A0, Y)` returning the three gradients "
        "$\\partial J/\\partial W^{[l]}$, each with row 0 zero."),
    function="linear_net_grads",
    stub=("def linear_net_grads(W1, W2, W3, A0, Y):\n"
          "    \"\"\"(dJ/dW1, dJ/dW2, dJ/dW3) of the linear network.\"\"\"\n"
          "    ...  # your code"),
    inputs=_linear_net_inputs, outputs=_linear_net_outputs)


# -- chapter 7: losses --------------------------------------------------------
def _mse_inputs(rng):
    n, m = int(rng.integers(1, 4)), int(rng.integers(3, 8))
    return {"Y_hat": bias_rows(rng.normal(size=(n + 1, m))),
            "Y": bias_rows(rng.normal(size=(n + 1, m)))}


def _mse_outputs(c):
    Y_hat, Y = c["Y_hat"], c["Y"]
    return [Output("dJ/dY_hat", fd_grad(lambda t: _mse(t, Y), Y_hat),
                   m=Y.shape[1])]


exercise(
    id="7.A", chapter="07", title="the gradient of the squared error",
    question=(
        "For $J = \\frac{1}{2m} \\sum_i \\lVert \\hat y^{(i)} - y^{(i)} "
        "\\rVert^2$ over the feature rows (rows $1$ to $n$; row 0 of both "
        "is the ones), write `mse_grad(Y_hat, Y)` returning "
        "$\\partial J/\\partial \\hat Y$, of the shape of $\\hat Y$."),
    function="mse_grad",
    stub=("def mse_grad(Y_hat, Y):\n"
          "    \"\"\"dJ/dY_hat for J = 1/(2m) * sum of squared errors.\"\"\"\n"
          "    ...  # your code"),
    inputs=_mse_inputs, outputs=_mse_outputs)


def _bce_inputs(rng):
    m = int(rng.integers(3, 9))
    Z = bias_rows(rng.normal(scale=2.0, size=(2, m)))
    Y = bias_rows(rng.integers(0, 2, size=(2, m)).astype(float))
    return {"Z": Z, "Y": Y}


def _sig(z):
    return 0.5 * (1 + np.tanh(z / 2))       # sigma, written another way


def _bce_outputs(c):
    Z, Y = c["Z"], c["Y"]
    m = Z.shape[1]
    J = lambda t: float(np.sum(np.logaddexp(0, t[1]) - Y[1] * t[1])) / m
    s = _sig(Z[1])
    as_is = np.vstack([np.zeros(m), (Z[1] - Y[1]) / m])
    extra = np.vstack([np.zeros(m), (s - Y[1]) * s * (1 - s) / m])
    return [Output("dJ/dZ", fd_grad(J, Z), [
        Mistake(as_is, "treats the output as z itself: the loss sees the "
                "probability sigma(z), so build the gradient from sigma(z)"),
        Mistake(extra, "has an extra factor sigma'(z): with the "
                "cross-entropy on the logits, the sigmoid's slope cancels")],
        m=m, bias_row="row 0 of a loss gradient is zero")]


exercise(
    id="7.B", chapter="07", title="the gradient of the binary cross-entropy",
    question=(
        "A one-output network gives logits $Z$ of shape $(2, m)$ (row 0 the "
        "ones); with labels $y^{(i)} \\in \\{0, 1\\}$ in row 1 of $Y$, the "
        "loss is\n\n$$\n\\begin{aligned}\nJ = -\\frac1m \\sum_i \\big[ "
        "& y^{(i)} \\log \\sigma(z^{(i)}) \\\\\n& + (1 - y^{(i)}) "
        "\\log(1 - \\sigma(z^{(i)}))\\big] .\n\\end{aligned}\n$$\n\n"
        "Write `bce_grad(Z, Y)` "
        "returning $\\partial J/\\partial Z$ (row 0 zero)."),
    function="bce_grad",
    stub=("def bce_grad(Z, Y):\n"
          "    \"\"\"dJ/dZ of the binary cross-entropy on logits Z.\"\"\"\n"
          "    ...  # your code"),
    inputs=_bce_inputs, outputs=_bce_outputs)


# -- chapter 8: activations ---------------------------------------------------
def _elu_inputs(rng):
    n, m = int(rng.integers(2, 5)), int(rng.integers(3, 7))
    return {"Z": bias_rows(away_from_zero(rng, (n + 1, m))),
            "dA": rng.normal(size=(n + 1, m)),
            "alpha": float(rng.choice([1.0, 0.5, 2.0]))}


def _elu_outputs(c):
    Z, dA, a = c["Z"], c["dA"], c["alpha"]
    g = lambda t: np.where(t > 0, t, a * np.expm1(np.minimum(t, 0)))
    expected = zero_row0(fd_grad(lambda t: float(np.sum(dA * act_rows(g, t))),
                                 Z))
    neg = np.zeros(Z.shape, bool)
    neg[1:] = Z[1:] <= 0
    pos = np.zeros(Z.shape, bool)
    pos[1:] = Z[1:] > 0
    return [Output("dJ/dZ", expected, [Mistake(no_gprime(dA), NO_GPRIME)],
                   regions={"where Z <= 0 (there g'(z) = alpha e^z)": neg,
                            "where Z > 0 (there g'(z) = 1)": pos},
                   bias_row=BIAS_DELTA)]


exercise(
    id="8.A", chapter="08", title="an ELU backward pass",
    question=(
        "The ELU is $g(z) = z$ for $z > 0$ and $g(z) = \\alpha (e^z - 1)$ "
        "otherwise. Write `elu_backward(Z, dA, alpha)` returning "
        "$\\partial J/\\partial Z$ for $A = g(Z)$ applied as an mfnet "
        "activation (row 0 copied forward, zero in the gradient)."),
    function="elu_backward",
    stub=("def elu_backward(Z, dA, alpha):\n"
          "    \"\"\"dJ/dZ for A = ELU(Z); all of shape (n + 1, m).\"\"\"\n"
          "    ...  # your code"),
    inputs=_elu_inputs, outputs=_elu_outputs)


# -- chapter 9: training ------------------------------------------------------
def _lr_inputs(rng):
    n, m = int(rng.integers(1, 4)), int(rng.integers(5, 20))
    X = bias_rows(rng.normal(scale=float(rng.choice([0.5, 1.0, 3.0])),
                             size=(n + 1, m)))
    return {"X": X}


def _lr_outputs(c):
    X = c["X"]
    m = X.shape[1]
    lam = np.linalg.eigvalsh(X @ X.T / m).max()
    return [Output("eta_max", 2.0 / lam, [
        Mistake(2.0 / np.linalg.eigvalsh(X @ X.T).max(),
                "uses the eigenvalues of X X^T, not of the Hessian "
                "X X^T / m of the mean loss"),
        Mistake(1.0 / lam, "is 1/lambda_max, the best step along the "
                "steepest direction; gradient descent still converges up "
                "to a step twice as large"),
        Mistake(2.0 / np.linalg.eigvalsh(X @ X.T / m).min(),
                "uses the smallest eigenvalue: the steepest direction, the "
                "largest eigenvalue, is the one that diverges first")])]


exercise(
    id="9.A", chapter="09", title="the largest stable learning rate",
    question=(
        "A linear model $\\hat y^{(i)} = w^T x^{(i)}$ (the columns of $X$, "
        "shape $(n + 1, m)$, row 0 the ones, so $w_0$ is the bias) is "
        "trained by full-batch gradient descent on $J(w) = \\frac{1}{2m} "
        "\\sum_i (w^T x^{(i)} - y^{(i)})^2$. Write `max_stable_lr(X)` "
        "returning the learning rate $\\eta_{\\max}$ such that gradient "
        "descent converges from every start for $\\eta < \\eta_{\\max}$ "
        "and diverges from almost every start for $\\eta > \\eta_{\\max}$. "
        "Then check it by experiment: a little below $\\eta_{\\max}$ "
        "gradient descent converges, a little above it diverges."),
    function="max_stable_lr",
    stub=("def max_stable_lr(X):\n"
          "    \"\"\"Largest stable full-batch learning rate for the MSE.\"\"\"\n"
          "    ...  # your code"),
    inputs=_lr_inputs, outputs=_lr_outputs)


# -- chapter 11: California housing -------------------------------------------
def _std_inputs(rng):
    n, m_train, m_test = (int(rng.integers(2, 5)), int(rng.integers(6, 12)),
                          int(rng.integers(3, 6)))
    loc = rng.normal(scale=5.0, size=n)
    scale = rng.uniform(0.5, 4.0, size=n)
    return {"X_train": loc + scale * rng.normal(size=(m_train, n)),
            "X_test": loc + scale * rng.normal(size=(m_test, n))}


def _std_outputs(c):
    Xtr, Xte = c["X_train"], c["X_test"]
    m = len(Xtr)
    mean = Xtr.sum(axis=0) / m
    sd = np.sqrt(((Xtr - mean) ** 2).sum(axis=0) / m)
    sd1 = np.sqrt(((Xtr - mean) ** 2).sum(axis=0) / (m - 1))
    both = np.vstack([Xtr, Xte])
    leak = "standardises the test rows with {}: use the mean and standard "\
           "deviation of the training rows, so that no information from "\
           "the test set leaks into the preprocessing"
    return [
        Output("S_train", (Xtr - mean) / sd, [
            Mistake((Xtr - mean) / sd1, "uses the sample standard deviation "
                    "(ddof=1); mfnet's Standardizer divides by m (ddof=0)"),
            Mistake((Xtr - both.mean(0)) / both.std(0), "uses statistics "
                    "of all rows, test rows included: use the training rows "
                    "only")]),
        Output("S_test", (Xte - mean) / sd, [
            Mistake((Xte - Xte.mean(0)) / Xte.std(0),
                    leak.format("their own statistics")),
            Mistake((Xte - both.mean(0)) / both.std(0),
                    leak.format("statistics of all rows")),
            Mistake((Xte - mean) / sd1, "uses the sample standard deviation "
                    "(ddof=1); mfnet's Standardizer divides by m (ddof=0)")]),
    ]


exercise(
    id="11.A", chapter="11", title="standardising without a leak",
    question=(
        "Write `standardize(X_train, X_test)` for data with samples as rows: "
        "return both arrays with each column shifted and scaled so that the "
        "*training* column has mean $0$ and standard deviation $1$ (the "
        "standard deviation divides by the number of rows, as "
        "`np.std` does by default)."),
    function="standardize",
    stub=("def standardize(X_train, X_test):\n"
          "    \"\"\"(S_train, S_test) scaled with the training statistics.\"\"\"\n"
          "    ...  # your code"),
    inputs=_std_inputs, outputs=_std_outputs)


# -- chapter 12: MNIST --------------------------------------------------------
def _cm_inputs(rng):
    k, m = int(rng.integers(3, 6)), int(rng.integers(15, 40))
    y_true = rng.integers(0, k, size=m)
    y_pred = np.where(rng.random(m) < 0.6, y_true, rng.integers(0, k, size=m))
    return {"y_true": y_true, "y_pred": y_pred, "n_classes": k}


def _cm_outputs(c):
    k = int(c["n_classes"])
    C = np.zeros((k, k))
    for t, p in zip(c["y_true"].tolist(), c["y_pred"].tolist()):
        C[t][p] += 1
    return [Output("C", C)]


exercise(
    id="12.A", chapter="12", title="a confusion matrix",
    question=(
        "Write `confusion_matrix(y_true, y_pred, n_classes)` returning the "
        "$(n, n)$ array $C$ whose entry $C_{ij}$ counts the samples of true "
        "class $i$ predicted as class $j$ (labels $0$ to $n - 1$)."),
    function="confusion_matrix",
    stub=("def confusion_matrix(y_true, y_pred, n_classes):\n"
          "    \"\"\"C[i, j]: samples of true class i predicted as j.\"\"\"\n"
          "    ...  # your code"),
    inputs=_cm_inputs, outputs=_cm_outputs)


# -- chapter 13: speed --------------------------------------------------------
def _batch_inputs(rng):
    sizes = [int(rng.integers(2, 5)) for _ in range(int(rng.integers(3, 5)))]
    m = int(rng.integers(3, 8))
    Ws = [weights(rng, b, a) for a, b in zip(sizes[:-1], sizes[1:])]
    return {"Ws": Ws, "A0": bias_rows(rng.normal(size=(sizes[0] + 1, m)))}


def _batch_outputs(c):
    Ws, A0 = c["Ws"], c["A0"]
    columns = []
    for i in range(A0.shape[1]):             # one sample at a time
        a = A0[:, i]
        for l, W in enumerate(Ws):
            z = W @ a
            a = z if l == len(Ws) - 1 else np.r_[z[0], np.tanh(z[1:])]
        columns.append(a)
    expected = np.array(columns).T
    A = A0
    for l, W in enumerate(Ws):               # tanh on row 0 as well
        A = W @ A if l == len(Ws) - 1 else np.tanh(W @ A)
    return [Output("Y_hat", expected, [
        Mistake(A, "applies tanh to row 0 as well: the activation copies "
                "row 0 (it keeps the ones)")],
        bias_row="row 0 of the output is the bias row of ones")]


exercise(
    id="13.A", chapter="13", title="the whole batch at once",
    question=(
        "Write `forward_batch(Ws, A0)` for a network whose weight matrices "
        "(mfnet's form) are the list `Ws`: tanh after every layer but the "
        "last, which is linear, row $0$ copied by each activation. Use one "
        "matrix product per layer for the whole batch `A0` of shape "
        "$(n^{[0]} + 1, m)$, no loop over the samples."),
    function="forward_batch",
    stub=("def forward_batch(Ws, A0):\n"
          "    \"\"\"The network's output for the whole batch A0.\"\"\"\n"
          "    ...  # your code"),
    inputs=_batch_inputs, outputs=_batch_outputs)


BY_ID = {ex.id: ex for ex in EXERCISES}
