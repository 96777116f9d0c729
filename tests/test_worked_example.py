"""The primary source's worked example (seed 001, section 3.3), recomputed from the formulas.

The INPUTS are the ones the source's own printed Z^[1] implies (chapter 6
finds them): its printed X and W1 with two entries changed, sample 2's second
feature 3 (printed 2) and row 3 of W1 (1, 1, 0) (printed (1, 0, 0)). With
these, every later matrix the source prints is exact; the last tests compare
mfnet with the printed matrices, typed here from the seed. Otherwise every
expected value is computed inside this file, three ways --
exact rational arithmetic (fractions.Fraction, with explicit loops), plain
numpy following the formulas, and sympy differentiation of J with respect to
symbolic weights (independent of the Delta recursion). All values are
multiples of 1/4, exact in float64, so mfnet must match them exactly.

Formulas (l = 1, 2, 3; g = identity):
  A0 = [1; X],  Z_l = W_l A_{l-1},  A_l = Z_l,  J = 1/(2m) sum_{rows 1..} (A3 - Y~)^2
  Delta_3 = (A3 - Y~)/m (row 0 zero),  dW_l = Delta_l A_{l-1}^T,  dA_{l-1} = W_l^T Delta_l,
  Delta_{l-1} = dA_{l-1} * g'(Z_{l-1}) with row 0 zero,  W_l <- W_l - eta dW_l.
"""
from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

import mfnet

# Inputs of the example (seed 001, section 3.3).
X = [[1, 1, 2, 2],
     [2, 3, 2, 3]]  # 2 features x 4 samples (printed: [2, 2, 2, 3])
Y = [[1, 1, 2, 2]]  # 1 output x 4 samples
W1 = [[1, 0, 0], [0, 0, 1], [0, 1, 1], [1, 1, 0]]  # printed row 3: (1, 0, 0)
W2 = [[1, 0, 0, 0], [1, 1, 0, 1], [-1, 1, 2, -2]]
W3 = [[1, 0, 0], [0, 1, -1]]
ETA = 4
M = 4


# ---------------------------------------------------------------------------
# Exact arithmetic with explicit loops
# ---------------------------------------------------------------------------

def _F(mat):
    return [[Fraction(v) for v in row] for row in mat]


def _matmul(P, Q):
    return [[sum((P[i][k] * Q[k][j] for k in range(len(Q))), Fraction(0)) for j in range(len(Q[0]))]
            for i in range(len(P))]


def _T(P):
    return [list(col) for col in zip(*P)]


def _zero_row0(P):
    return [[Fraction(0)] * len(P[0])] + [row[:] for row in P[1:]]


def exact_example():
    A0 = _F([[1] * M] + X)
    Yt = _F([[1] * M] + Y)
    Ws = [_F(W1), _F(W2), _F(W3)]
    Zs, As = [], [A0]
    for W in Ws:
        Z = _matmul(W, As[-1])
        Zs.append(Z)
        As.append([row[:] for row in Z])  # identity activation: A = Z (row 0 kept)
    Yhat = As[-1]
    J = sum((Yhat[i][j] - Yt[i][j]) ** 2 for i in range(1, len(Yt)) for j in range(M)) / (2 * M)
    dAs = [None] * 4   # dAs[l] = dJ/dA_l
    Deltas = [None] * 4  # Deltas[l] = dJ/dZ_l
    dWs = [None] * 4
    dAs[3] = _zero_row0([[(Yhat[i][j] - Yt[i][j]) / M for j in range(M)] for i in range(len(Yt))])
    for l in (3, 2, 1):
        # identity: g'(Z) = 1 on the feature rows, row 0 zeroed
        Deltas[l] = _zero_row0(dAs[l])
        dWs[l] = _matmul(Deltas[l], _T(As[l - 1]))
        dAs[l - 1] = _matmul(_T(Ws[l - 1]), Deltas[l])
    new_Ws = [[[w - ETA * d for w, d in zip(wr, dr)] for wr, dr in zip(W, dWs[l + 1])]
              for l, W in enumerate(Ws)]
    return dict(Z=Zs, A=As, J=J, Delta=Deltas[1:], dW=dWs[1:], dA=dAs[:3], new_W=new_Ws)


def _np(P):
    return np.array([[float(v) for v in row] for row in P])


EXACT = exact_example()


# ---------------------------------------------------------------------------
# The same with plain numpy, and with sympy: three routes must agree
# ---------------------------------------------------------------------------

def test_numpy_formulas_agree_with_exact_arithmetic():
    A0 = np.vstack([np.ones(M), np.array(X, float)])
    Yt = np.vstack([np.ones(M), np.array(Y, float)])
    Ws = [np.array(W, float) for W in (W1, W2, W3)]
    A = [A0]
    for W in Ws:
        A.append(W @ A[-1])
    J = np.sum((A[3][1:] - Yt[1:]) ** 2) / (2 * M)
    D3 = (A[3] - Yt) / M
    D3[0] = 0
    D2 = Ws[2].T @ D3
    D2[0] = 0
    D1 = Ws[1].T @ D2
    D1[0] = 0
    dW = [D1 @ A[0].T, D2 @ A[1].T, D3 @ A[2].T]
    assert J == float(EXACT["J"])
    for l in range(3):
        assert np.array_equal(A[l + 1], _np(EXACT["Z"][l]))
        assert np.array_equal(dW[l], _np(EXACT["dW"][l]))
        assert np.array_equal(Ws[l] - ETA * dW[l], _np(EXACT["new_W"][l]))


def test_sympy_derivatives_agree_with_the_delta_recursion():
    sympy = pytest.importorskip("sympy")
    Ws_sym, subs = [], {}
    for l, W in enumerate((W1, W2, W3), start=1):
        rows, cols = len(W), len(W[0])
        S = sympy.zeros(rows, cols)
        S[0, 0] = 1  # the fixed row (1, 0, ..., 0)
        for i in range(1, rows):
            for j in range(cols):
                s = sympy.Symbol(f"w{l}_{i}{j}")
                S[i, j] = s
                subs[s] = sympy.Integer(W[i][j])
        Ws_sym.append(S)
    A = sympy.Matrix([[1] * M] + X)
    for S in Ws_sym:
        A = S * A
    J = sum(((A[1, j] - Y[0][j]) ** 2 for j in range(M)), sympy.Integer(0)) / (2 * M)
    assert sympy.Rational(J.xreplace(subs)) == EXACT["J"]
    for l, S in enumerate(Ws_sym):
        for i in range(1, S.shape[0]):
            for j in range(S.shape[1]):
                d = sympy.diff(J, S[i, j]).xreplace(subs)
                assert sympy.Rational(d) == EXACT["dW"][l][i][j], (l + 1, i, j)


def test_the_example_is_not_trivial():
    """Guard against a degenerate recomputation: the loss and the gradients are non-zero."""
    assert EXACT["J"] > 0
    assert all(any(v != 0 for row in dW for v in row) for dW in EXACT["dW"])


# ---------------------------------------------------------------------------
# mfnet against the exact values
# ---------------------------------------------------------------------------

def _network():
    layers = [mfnet.Linear(2, 3), mfnet.Identity(), mfnet.Linear(3, 2), mfnet.Identity(),
              mfnet.Linear(2, 1), mfnet.Identity()]
    for lin, W in zip(layers[::2], (W1, W2, W3)):
        lin.W = W
    return mfnet.Sequential(*layers)


def test_mfnet_forward_backward_and_update_match_exactly():
    model = _network()
    A0 = mfnet.augment(np.array(X).T)
    Yt = mfnet.augment(np.array(Y).T)
    assert np.array_equal(A0, _np(EXACT["A"][0]))
    out = model.forward(A0)
    lins, acts = model.layers[::2], model.layers[1::2]
    for l in range(3):
        assert np.array_equal(acts[l].Z, _np(EXACT["Z"][l])), f"Z{l + 1}"
        assert np.array_equal(acts[l].A, _np(EXACT["A"][l + 1])), f"A{l + 1}"
        assert np.array_equal(lins[l].A, _np(EXACT["A"][l])), f"input of Linear {l + 1}"
    loss = mfnet.MSE()
    J = loss.forward(out, Yt)
    assert J == float(EXACT["J"])

    # backward, layer by layer, collecting every intermediate gradient
    grad = loss.backward()
    Deltas, dAs = [None] * 3, [None] * 3
    for l in (2, 1, 0):
        grad = acts[l].backward(grad)
        Deltas[l] = grad
        grad = lins[l].backward(grad)
        dAs[l] = grad
    for l in range(3):
        assert np.array_equal(Deltas[l], _np(EXACT["Delta"][l])), f"Delta{l + 1}"
        assert np.array_equal(lins[l].dW, _np(EXACT["dW"][l])), f"dW{l + 1}"
        assert np.array_equal(dAs[l], _np(EXACT["dA"][l])), f"dA{l}"

    # Sequential.backward gives the same dW
    model2 = _network()
    loss2 = mfnet.MSE()
    loss2.forward(model2.forward(A0), Yt)
    model2.backward(loss2.backward())
    for l, lin in enumerate(model2.linear_layers):
        assert np.array_equal(lin.dW, _np(EXACT["dW"][l]))

    mfnet.SGD(model, lr=ETA).step()
    for l, lin in enumerate(lins):
        assert np.array_equal(lin.W, _np(EXACT["new_W"][l])), f"updated W{l + 1}"


def test_one_full_batch_epoch_of_fit_gives_the_same_update():
    model = _network()
    A0 = mfnet.augment(np.array(X).T)
    Yt = mfnet.augment(np.array(Y).T)
    history = mfnet.fit(model, mfnet.MSE(), mfnet.SGD(model, lr=ETA), A0, Yt, epochs=1, batch_size=M, rng=0)
    assert history.loss == [float(EXACT["J"])]
    for l, lin in enumerate(model.linear_layers):
        assert np.array_equal(lin.W, _np(EXACT["new_W"][l]))


# ---------------------------------------------------------------------------
# The source's printed matrices (seed 001, section 3.3), typed from the seed
# ---------------------------------------------------------------------------

X_PRINTED = [[1, 1, 2, 2], [2, 2, 2, 3]]
W1_PRINTED = [[1, 0, 0], [0, 0, 1], [0, 1, 1], [1, 0, 0]]
Z1_PRINTED = [[1, 1, 1, 1], [2, 3, 2, 3], [3, 4, 4, 5], [2, 2, 3, 3]]
PRINTED = {  # name: (matrix, factor the source prints in front of it)
    "Z2": ([[1, 1, 1, 1], [5, 6, 6, 7], [3, 6, 3, 6]], 1),
    "Z3": ([[1, 1, 1, 1], [2, 0, 3, 1]], 1),
    "dW3": ([[0, 0, 0], [0, -2, -6]], Fraction(1, 4)),
    "dA2": ([[0, 0, 0, 0], [1, -1, 1, -1], [-1, 1, -1, 1]], Fraction(1, 4)),
    "dW2": ([[0, 0, 0, 0], [0, -2, -2, 0], [0, 2, 2, 0]], Fraction(1, 4)),
    "dA1": ([[2, -2, 2, -2], [0, 0, 0, 0], [-2, 2, -2, 2], [3, -3, 3, -3]], Fraction(1, 4)),
    "Delta1": ([[0, 0, 0, 0], [0, 0, 0, 0], [-2, 2, -2, 2], [3, -3, 3, -3]], Fraction(1, 4)),
    "dW1": ([[0, 0, 0], [0, 0, 0], [0, 0, 4], [0, 0, -6]], Fraction(1, 4)),
    "dA0": ([[3, -3, 3, -3], [1, -1, 1, -1], [-2, 2, -2, 2]], Fraction(1, 4)),
    "W2_new": ([[1, 0, 0, 0], [1, 3, 2, 1], [-1, -1, 0, -2]], 1),
    "W3_new": ([[1, 0, 0], [0, 3, 5]], 1),
}


def _printed(name):
    rows, factor = PRINTED[name]
    return np.array([[float(factor * v) for v in row] for row in rows])


def test_the_printed_inputs_do_not_give_the_printed_z1_and_the_found_ones_do():
    A0_printed = np.array([[1] * M] + X_PRINTED, float)
    assert not np.array_equal(np.array(W1_PRINTED, float) @ A0_printed, Z1_PRINTED)
    assert np.array_equal(_np(EXACT["Z"][0]), np.array(Z1_PRINTED, float))
    # the found inputs differ from the printed ones in exactly two entries
    assert (np.array(X) != np.array(X_PRINTED)).sum() == 1
    assert (np.array(W1) != np.array(W1_PRINTED)).sum() == 1


def test_solving_the_printed_z1_gives_the_found_inputs():
    sympy = pytest.importorskip("sympy")
    top = sympy.Matrix(W1_PRINTED[:3])
    A0 = top.solve(sympy.Matrix(Z1_PRINTED[:3]))
    assert A0 == sympy.Matrix([[1] * M] + X)
    w3, free = A0.T.gauss_jordan_solve(sympy.Matrix(Z1_PRINTED[3]))
    assert free.shape[0] == 0 and list(w3) == W1[3]


def test_mfnet_reproduces_every_matrix_the_source_prints():
    model = _network()
    lins, acts = model.layers[::2], model.layers[1::2]
    A0 = mfnet.augment(np.array(X, float).T)
    loss = mfnet.MSE()
    J = loss.forward(model.forward(A0), mfnet.augment(np.array(Y, float).T))
    assert J == 0.5
    got = {"Z2": acts[1].Z, "Z3": acts[2].Z}
    grad = loss.backward()
    for l in (2, 1, 0):
        grad = acts[l].backward(grad)
        if l == 0:
            got["Delta1"] = grad
        grad = lins[l].backward(grad)
        got[f"dA{l}"] = grad
        got[f"dW{l + 1}"] = lins[l].dW.copy()
    mfnet.SGD(model, lr=ETA).step()
    got["W2_new"], got["W3_new"] = lins[1].W, lins[2].W
    for name in PRINTED:
        assert np.array_equal(got[name], _printed(name)), name
    # the printed update of W1 differs in the one entry found changed, which the
    # update does not move: the source printed it as in its printed W1
    W1_new_printed = np.array([[1, 0, 0], [0, 0, 1], [0, 1, -3], [1, 0, 6]], float)
    differ = np.argwhere(lins[0].W != W1_new_printed).tolist()
    assert differ == [[3, 1]] and lins[0].W[3, 1] == 1 and W1_new_printed[3, 1] == 0
