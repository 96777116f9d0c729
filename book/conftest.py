"""nbval over the chapters: the PDF copy of a figure is an image, like its PNG.

mfnet_book.use_book_style() stores each figure as a 2x PNG and as a PDF for
the PDF edition. nbval does not compare images (image/png, image/jpeg), but it
would compare application/pdf byte for byte, and a figure drawn from measured
times changes at every run. The numbers a figure draws are checked by the
figure tests (tests/test_figures_c*.py), not by comparing pictures.
"""


def pytest_collection_modifyitems(session, config, items):
    for item in items:
        notebook = getattr(item, "parent", None)
        skipped = getattr(notebook, "skip_compare", None)
        if skipped is not None and "application/pdf" not in skipped:
            notebook.skip_compare = skipped + ("application/pdf",)
