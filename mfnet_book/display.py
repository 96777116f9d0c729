"""Displays for the book's notebooks: matrices as LaTeX, and glued numbers."""
from __future__ import annotations

from fractions import Fraction
from math import lcm

import numpy as np


def _entry(x: float, digits: int | None) -> str:
    if digits is None:
        return str(Fraction(float(x)))
    text = f"{float(x):.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = rf"{mantissa} \cdot 10^{{{int(exponent)}}}"
    return text


def latex_matrix(M, highlight=None, bias_row: bool = True, digits: int | None = None,
                 max_denominator: int = 64) -> str:
    """A LaTeX ``bmatrix`` of the 2-D array ``M``.

    * ``bias_row``: row 0 (mfnet's bias row) is printed grey;
    * ``highlight``: a boolean array of M's shape; those entries are printed red
      (and then no row is grey);
    * ``digits=None``: entries are exact simple fractions, and a common
      denominator d > 1 is factored out as 1/d (an error if d > max_denominator);
      ``digits=k``: entries are rounded to k significant digits.
    """
    M = np.atleast_2d(np.asarray(M, dtype=float))
    scale = 1
    if digits is None:
        fractions = [Fraction(float(x)) for x in M.ravel()]
        scale = lcm(*(f.denominator for f in fractions))
        if scale > max_denominator:
            raise ValueError(f"entries are not simple fractions (common denominator {scale}); "
                             "pass digits= to round them")
    rows = []
    for i, row in enumerate(M):
        entries = []
        for k, x in enumerate(row):
            e = str(int(Fraction(float(x)) * scale)) if digits is None else _entry(x, digits)
            if highlight is not None and np.asarray(highlight)[i, k]:
                e = rf"\color{{red}}{{{e}}}"
            elif highlight is None and bias_row and i == 0:
                e = rf"\color{{gray}}{{{e}}}"
            entries.append(e)
        rows.append(" & ".join(entries))
    body = r"\begin{bmatrix}" + r" \\ ".join(rows) + r"\end{bmatrix}"
    return body if scale == 1 else rf"\frac{{1}}{{{scale}}}{body}"


def show(*parts, **options) -> None:
    """Display ``parts`` joined by ``=``: strings are LaTeX, arrays become matrices.

    ``options`` go to :func:`latex_matrix` (``digits``, ``bias_row``, ``highlight``).
    sympy expressions and matrices are typeset by ``sympy.latex``.
    """
    from IPython.display import Math, display

    def as_latex(p):
        if isinstance(p, str):
            return p
        if type(p).__module__.startswith("sympy"):
            import sympy
            return sympy.latex(p)
        return latex_matrix(p, **options)

    latex = [as_latex(p) for p in parts]
    display(Math(" = ".join(latex)))


def _plain(value):
    """numpy scalars as Python numbers, so that glued text reads 0.25, not np.float64(0.25).

    A :class:`mfnet_book.experiments.Spread` is glued as its text,
    ``"0.0070 (0.0061-0.0082, 5 seeds)"``.
    """
    from .experiments import Spread

    if isinstance(value, Spread):
        return str(value)
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return value.item()
    return value


def record(**values) -> None:
    """Glue each ``name=value`` for ``{glue:text}`name``` in the prose (not displayed).

    Names are written with underscores here and looked up with hyphens in the
    text's role, so that ``record(c06_loss=J)`` serves ``{glue:text}`c06-loss:.4f```.

    Without myst-nb (in Colab, which shows the roles unrendered anyway) there is
    no book to paste into, and ``record`` does nothing.
    """
    try:
        from myst_nb import glue
    except ImportError:
        return

    for name, value in values.items():
        glue(name.replace("_", "-"), _plain(value), display=False)
