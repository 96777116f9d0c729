"""Helpers for the notebooks of the mfnet book: displays, figures and glue.

This package is the book's plumbing, kept out of the cells a student reads
(as d2l keeps its own in the ``d2l`` package). It is *not* part of ``mfnet``,
which stays numpy-only and copyable on its own: ``mfnet_book`` needs
matplotlib, IPython and myst-nb, and is installed with the project (and by
the Colab set-up cell).

Modules:

* :mod:`mfnet_book.display`: matrices as LaTeX, ``show`` for displays, and
  ``record`` to glue computed numbers into the prose;
* :mod:`mfnet_book.style`: the figure style (sizes, fonts, sharp PNGs);
* :mod:`mfnet_book.datasets`: the MNIST and California Housing loaders
  (numpy and the standard library only, like mfnet; copy it beside
  ``mfnet/`` to load the data in your own code);
* one module per kind of figure, named after what it draws.
"""
from .display import latex_matrix, record, show
from .style import FULL_WIDTH, HALF_WIDTH, use_book_style

__all__ = ["latex_matrix", "record", "show", "use_book_style", "FULL_WIDTH", "HALF_WIDTH"]
