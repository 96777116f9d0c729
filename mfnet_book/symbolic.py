"""sympy plumbing for the proofs of the matrix-notation chapter (``book/04_backprop_matrix.ipynb``).

The proofs themselves (the expressions differentiated and the identities
asserted) stay in the notebook; these helpers only rename, collapse and
normalise what sympy returns, so that two expressions can be compared:

* :func:`matrix_symbols`: a fixed-size matrix of named symbols;
* :func:`name_partials`: sympy writes the partial derivatives of an undefined
  function ``J(z_0, z_1, ...)`` as ``Derivative``/``Subs`` objects; this
  replaces each by a given name (for instance delta_ji for dJ/dz_ji);
* :func:`collapse`: evaluates the Kronecker deltas that differentiating an
  indexed sum leaves, and sets the range conditions of the ``Piecewise``
  results (such as ``p <= n``) to true, which every actual index satisfies;
* :func:`one_sum`: writes nested finite sums as one sum over all their
  indices, with the factors inside and the limits in a fixed order, so that
  two orders of summation compare equal (finite sums may be exchanged);
* :func:`readable`: replaces sympy's ``Subs(Derivative(g(x), x), x, u)`` by
  ``g'(u)`` for display.
"""
from __future__ import annotations

import sympy as sp

__all__ = ["matrix_symbols", "name_partials", "collapse", "one_sum", "readable"]


def matrix_symbols(rows: int, cols: int, name: str) -> sp.Matrix:
    """A rows x cols sympy Matrix of symbols ``name_{jk}`` (0-based j, k, as mfnet's rows)."""
    return sp.Matrix(rows, cols, lambda j, k: sp.Symbol(rf"{name}_{{{j}{k}}}"))


def name_partials(expr, f, names):
    """Replace each partial derivative of the undefined function ``f`` in ``expr``.

    sympy's chain rule writes the derivative of ``f`` with respect to its
    argument number p as a ``Derivative``, or as a ``Subs`` (a derivative at a
    point); each is replaced by ``names[p]``.
    """
    mapping = {}
    for node in expr.atoms(sp.Subs, sp.Derivative):
        d = node.expr if isinstance(node, sp.Subs) else node
        if isinstance(d, sp.Derivative) and d.expr.func == f:
            (v,) = d.variables
            mapping[node] = names[d.expr.args.index(v)]
    return expr.xreplace(mapping)   # top-down: a Subs goes as a whole


def collapse(expr, *conditions, rounds: int = 6):
    """Evaluate the Kronecker deltas of ``expr`` and set ``conditions`` (e.g. ``p <= n``) true.

    Differentiating ``Sum(w[j, k] * a[k, i], (k, 0, n))`` with respect to
    ``w[p, q]`` gives a sum of Kronecker deltas; summing them away leaves
    ``Piecewise`` results valid "for q <= n". The conditions given are the
    ranges of the free indices, true for every entry that exists.
    """
    truths = {c: True for cond in conditions for c in (cond, cond.reversed)}
    for _ in range(rounds):
        new = _deltas_innermost(sp.simplify(expr.doit()).subs(truths))
        new = sp.simplify(new.doit()).subs(truths)
        if new == expr:
            break
        expr = new
    return expr


def _deltas_innermost(expr):
    """Reorder a sum so that the indices of its Kronecker deltas are summed first.

    sympy sums a Kronecker delta away only in the innermost sum; the factors
    are pulled inside first (:func:`one_sum`).
    """
    flat = one_sum(expr)
    if not isinstance(flat, sp.Sum):
        return expr
    deltas = {s for d in flat.function.atoms(sp.KroneckerDelta) for s in d.free_symbols}
    limits = sorted(flat.limits, key=lambda limit: limit[0] not in deltas)
    return sp.Sum(flat.function, *limits)


def one_sum(expr):
    """Nested finite sums as one ``Sum`` over all their indices, limits sorted by name.

    ``Sum(f * Sum(g, (k, 0, n)), (j, 0, m))`` becomes
    ``Sum(f * g, (j, 0, m), (k, 0, n))``; sums inside function arguments are
    left alone. Valid when the limits do not depend on each other (they are
    constants here), so that the order of summation does not matter.
    """
    def split(e):
        if isinstance(e, sp.Sum):
            f, lims = split(e.function)
            return f, lims + list(e.limits)
        if isinstance(e, sp.Mul):
            f, lims = sp.S.One, []
            for a in e.args:
                fa, la = split(a)
                f, lims = f * fa, lims + la
            return f, lims
        return e, []

    f, lims = split(expr)
    if not lims:
        return expr
    return sp.Sum(sp.expand(f), *sorted(lims, key=lambda limit: str(limit[0])))


def readable(expr, g, g_prime_name: str = "g'", names=None):
    """``expr`` with g's derivatives written ``g'(u)``, and sub-expressions renamed for display.

    ``names`` maps sub-expressions (for instance the sum that is z^[2]_ki)
    to the symbols to print instead.
    """
    gp = sp.Function(g_prime_name)
    mapping = {}
    for node in expr.atoms(sp.Subs, sp.Derivative):
        d = node.expr if isinstance(node, sp.Subs) else node
        if isinstance(d, sp.Derivative) and d.expr.func == g:
            point = node.point[0] if isinstance(node, sp.Subs) else d.expr.args[0]
            mapping[node] = gp(point)
    expr = expr.xreplace(mapping)
    return expr.xreplace(names) if names else expr
