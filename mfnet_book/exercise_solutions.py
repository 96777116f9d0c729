"""The solutions of the checked exercises (not in the student zip).

``SOLUTIONS[id] = (explanation, code)``: the Markdown at the top of the
solution dropdown and the answer cell of the full edition, which
``python3 dev.py insert-exercises`` writes into the chapters. Kept apart
from :mod:`.exercise_catalog` so that the exercises zip, which needs the catalog
for its checks, does not carry the answers.
"""

# fmt: off
SOLUTIONS = {
    "2.A": (
        r"""The local derivative of $v = x y$ with respect to $x$ is $y$, and with
respect to $y$ it is $x$: each input receives the upstream gradient
times the *other* input.""",
        '''def multiply_backward(x, y, dv):
    """(dJ/dx, dJ/dy) for v = x * y, given dv = dJ/dv."""
    return dv * y, dv * x'''),
    "2.B": (
        r"""Backwards through the multiply gate, $q$ receives $\partial J/\partial f
\cdot r$ and $r$ receives $\partial J/\partial f \cdot q$. The add gate
passes $\partial J/\partial q$ to $x$ and $y$; the multiply gate $r = x
z$ passes $\partial J/\partial r \cdot z$ to $x$. The two contributions
to $x$ add.""",
        '''def fork_backward(x, y, z, df):
    """(dJ/dx, dJ/dy, dJ/dz) for f = (x + y) * (x * z)."""
    q, r = x + y, x * z           # forward
    dq, dr = df * r, df * q       # multiply gate
    dx = dq + dr * z              # add gate + multiply gate:
    return dx, dq, dr * x         # x's two paths add'''),
    "3.A": (
        r"""Neuron $j$ of layer $l$ feeds every neuron $k$ of layer $l+1$ through
the weight $w_{kj}^{[l+1]}$ (column $j$ of $W^{[l+1]}$), so its error
collects $w_{kj}^{[l+1]} \delta_k^{[l+1]}$ over $k$, times its own slope
$g'(z_j) = 1 - \tanh^2(z_j)$. Entry 0 is the bias row: the backward pass
sets it to zero.""",
        '''import math


def hidden_delta(W_next, delta_next, z):
    """delta of a tanh layer (one sample, entry 0 zero)."""
    delta = [0.0] * len(z)        # entry 0 stays zero
    for j in range(1, len(z)):
        total = sum(W_next[k][j] * delta_next[k]
                    for k in range(len(delta_next)))
        delta[j] = (1 - math.tanh(z[j]) ** 2) * total
    return delta'''),
    "4.A": (
        r"""Entry $(j, k)$ of $\partial J/\partial W$ sums $\delta_j a_k$ over the
samples, which is $\Delta A^T$; input $k$ feeds every output $j$, so its
gradient is $W^T \Delta$. The shapes confirm it: only these products
have the shapes of $W$ and $A$.""",
        '''def linear_backward(W, A_prev, Delta):
    """(dJ/dW, dJ/dA_prev) for Z = W @ A_prev."""
    return Delta @ A_prev.T, W.T @ Delta'''),
    "4.B": (
        r"""Forward, keeping $A^{[1]}$; then $\Delta^{[2]} = (\hat Y - Y)/m$,

$$
\Delta^{[1]} = \bigl(W^{[2]T} \Delta^{[2]}\bigr) \odot
\bigl(1 - A^{[1]} \odot A^{[1]}\bigr)
$$

with row 0 set to zero, and $\partial J/\partial W^{[l]} =
\Delta^{[l]} A^{[l-1]T}$.""",
        '''def two_layer_grads(W1, W2, A0, Y):
    """(dJ/dW1, dJ/dW2) for tanh, then linear, then MSE."""
    m = A0.shape[1]
    A1 = np.tanh(W1 @ A0)
    A1[0] = 1.0                     # the activation copies row 0
    Delta2 = (W2 @ A1 - Y) / m      # row 0: 1 - 1 = 0
    Delta1 = (W2.T @ Delta2) * (1 - A1 ** 2)
    Delta1[0] = 0.0                 # the stop-gradient
    return Delta1 @ A0.T, Delta2 @ A1.T'''),
    "5.A": (
        r"""Per column, $\partial s_j/\partial z_k$ is $s_j(1 - s_j)$ for $k = j$
and $-s_j s_k$ otherwise, so
$\partial J/\partial z_k = s_k (\partial J/\partial s_k - \sum_j
\partial J/\partial s_j \, s_j)$: one weighted sum per column instead of an
$n \times n$ Jacobian. Row 0 is set to zero, as in every mfnet
activation.""",
        '''def softmax_backward(Z, dA):
    """dJ/dZ for A = softmax of each column of Z[1:]."""
    S = mfnet.softmax(Z[1:])                        # (n, m)
    dZ = np.zeros_like(Z)                           # row 0 stays zero
    dZ[1:] = S * (dA[1:] - np.sum(dA[1:] * S, axis=0))
    return dZ'''),
    "5.B": (
        r"""$X$ fans out: one copy goes straight to the sum, the other through $W$
and $\tanh$. Each path brings its gradient, $\partial J/\partial Y$ and
$W^T (\partial J/\partial Y \odot (1 - U \odot U))$ with $U = \tanh(W
X)$, and the two add.""",
        '''def residual_backward(W, X, dY):
    """(dJ/dW, dJ/dX) for Y = X + tanh(W @ X)."""
    U = np.tanh(W @ X)
    dZ = dY * (1 - U ** 2)          # through the tanh
    return dZ @ X.T, dY + W.T @ dZ  # X's two paths add'''),
    "5.C": (
        r"""Treat the two uses as two matrices, $W_{\text{in}}$ in
$Z = W_{\text{in}} X$ and $W_{\text{out}}$ in $Y = W_{\text{out}} U$, both
equal to $W$; compute each gradient as for separate layers,
$\partial J/\partial W_{\text{out}} = \partial J/\partial Y \, U^T$ and
$\partial J/\partial W_{\text{in}} = \partial J/\partial Z \, X^T$, and add
them: a shared weight is a value that fans out.""",
        '''def tied_backward(W, X, dY):
    """dJ/dW for Y = W @ tanh(W @ X), one W used twice."""
    U = np.tanh(W @ X)
    dU = W.T @ dY
    dZ = dU * (1 - U ** 2)
    return dY @ U.T + dZ @ X.T      # the two uses add'''),
    "6.A": (
        r"""With the identity as activation, $g' = 1$ and each $\Delta^{[l]}$ is
$W^{[l+1]T} \Delta^{[l+1]}$ with row 0 set to zero; the gradients are
$\Delta^{[l]} A^{[l-1]T}$.""",
        '''def linear_net_grads(W1, W2, W3, A0, Y):
    """(dJ/dW1, dJ/dW2, dJ/dW3) of the linear network."""
    m = A0.shape[1]
    A1 = W1 @ A0
    A2 = W2 @ A1
    Delta3 = (W3 @ A2 - Y) / m
    Delta2 = W3.T @ Delta3
    Delta2[0] = 0.0                 # the stop-gradient
    Delta1 = W2.T @ Delta2
    Delta1[0] = 0.0
    return Delta1 @ A0.T, Delta2 @ A1.T, Delta3 @ A2.T'''),
    "7.A": (
        r"""Each entry appears in one square: the derivative of $\frac{1}{2m}(\hat y
- y)^2$ is $(\hat y - y)/m$, the factor $2$ of the derivative cancelling
the $\frac12$.""",
        '''def mse_grad(Y_hat, Y):
    """dJ/dY_hat for J = 1/(2m) * sum of squared errors."""
    return (Y_hat - Y) / Y.shape[1]   # row 0: 1 - 1 = 0'''),
    "7.B": (
        r"""With $p = \sigma(z)$, $\partial J/\partial p$ per sample is $\frac1m
\frac{p - y}{p (1 - p)}$ and $\sigma' = p (1 - p)$: the product is $(p -
y)/m$.""",
        '''def bce_grad(Z, Y):
    """dJ/dZ of the binary cross-entropy on logits Z."""
    G = (mfnet.sigmoid(Z) - Y) / Z.shape[1]
    G[0] = 0.0
    return G'''),
    "8.A": (
        r"""$g'(z) = 1$ for $z > 0$ and $\alpha e^z$ otherwise (which is $g(z) +
\alpha$, so it can also be computed from the output). `np.minimum` keeps
`np.exp` from overflowing on the side whose value is discarded.""",
        '''def elu_backward(Z, dA, alpha):
    """dJ/dZ for A = ELU(Z); all of shape (n + 1, m)."""
    slope = np.where(Z > 0, 1.0,
                     alpha * np.exp(np.minimum(Z, 0.0)))
    dZ = dA * slope
    dZ[0] = 0.0                     # the stop-gradient
    return dZ'''),
    "9.A": (
        r"""$J$ is quadratic with Hessian $H = X X^T / m$. Along an eigenvector of
$H$ with eigenvalue $\lambda$, one step multiplies the error by $1 -
\eta \lambda$, which shrinks it exactly when $\eta < 2/\lambda$; the
largest eigenvalue sets the bound, $\eta_{\max} = 2/\lambda_{\max}$.""",
        '''def max_stable_lr(X):
    """Largest stable full-batch learning rate for the MSE."""
    H = X @ X.T / X.shape[1]        # the Hessian of J
    return 2.0 / np.linalg.eigvalsh(H).max()


def distance_after(X, y, lr, steps=2000):
    """|w - w*| after gradient descent from w = 0."""
    w_star = np.linalg.lstsq(X.T, y, rcond=None)[0]
    w = np.zeros(len(X))
    for _ in range(steps):
        w = w - lr * X @ (X.T @ w - y) / X.shape[1]
    return np.linalg.norm(w - w_star)


X_lr = mfnet.augment(np.random.default_rng(0).normal(size=(50, 2)))
y_lr = np.random.default_rng(1).normal(size=50)
eta = max_stable_lr(X_lr)
assert distance_after(X_lr, y_lr, 0.99 * eta) < 1e-6
assert distance_after(X_lr, y_lr, 1.01 * eta) > 1e3'''),
    "11.A": (
        r"""The statistics come from the training rows alone and are applied
unchanged to the test rows: the test set plays the part of data that
arrives after training.""",
        '''def standardize(X_train, X_test):
    """(S_train, S_test) scaled with the training statistics."""
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    return (X_train - mean) / std, (X_test - mean) / std'''),
    "12.A": (
        r"""`np.add.at` adds once per pair, also when a pair repeats (plain
`C[y_true, y_pred] += 1` would count each distinct pair once).""",
        '''def confusion_matrix(y_true, y_pred, n_classes):
    """C[i, j]: samples of true class i predicted as j."""
    C = np.zeros((n_classes, n_classes), dtype=int)
    np.add.at(C, (y_true, y_pred), 1)   # repeats add up
    return C'''),
    "13.A": (
        r"""A matrix product handles every column at once, so the batch costs one
product per layer instead of $m$ matrix-vector products, which is where
the speed of batches comes from.""",
        '''def forward_batch(Ws, A0):
    """The network's output for the whole batch A0."""
    A = A0
    for W in Ws[:-1]:
        A = np.tanh(W @ A)
        A[0] = 1.0                  # keep the ones
    return Ws[-1] @ A'''),
}
