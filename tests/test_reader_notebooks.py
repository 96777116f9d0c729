"""The reader's notebooks (python3 dev.py notebooks): no MyST markup left
that a notebook front end shows raw, glued values written in, numbers as
in the built book, figures kept with their captions, the set-up cell first.

Needs a built book (its Sphinx environment gives the numbers): `dev.py
book` or `dev.py preview`; skipped without one unless
MFNET_REQUIRE_BUILT_BOOK=1."""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from mfnet_book import reader, truth

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = truth.chapters()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    env = reader.find_env(ROOT / "_build" / "html")
    if env is None:
        if os.environ.get("MFNET_REQUIRE_BUILT_BOOK"):
            pytest.fail("no built book: run python3 dev.py book first")
        pytest.skip("no built book (python3 dev.py book or preview)")
    out = tmp_path_factory.mktemp("reader")
    reader.write(out, env)
    html = env.parents[1] / "html"
    return out / "notebooks" / "book", reader.Numbers(env), html


def md_text(nb) -> str:
    return "\n\n".join(reader._source(c) for c in nb["cells"]
                       if c["cell_type"] == "markdown")


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_no_markup_a_front_end_cannot_render(built, path):
    nb = json.loads((built[0] / path.name).read_text())
    assert reader.leftovers(nb) == []
    assert nb["nbformat"] == 4 and all("id" in c for c in nb["cells"])


def test_the_leftover_check_can_fail():
    for planted in ["{glue:text}`c06-loss`", "see {numref}`fig-x`",
                    "{eq}`eq-a`", "{doc}`05_layers`", "{cite}`he2015`",
                    "```{exercise}\n:label: a\nx\n```", ":::{note}\nx\n:::",
                    "(sec-x)=\n# T"]:
        nb = {"cells": [{"cell_type": "markdown", "source": planted}]}
        assert reader.leftovers(nb), planted


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_glued_values_are_written_in(built, path):
    source = truth.load(path)
    values = reader.glue_values(source)
    text = md_text(json.loads((built[0] / path.name).read_text()))
    for m in re.finditer(r"\{glue:text\}`([^`:]+):?([^`]*)`",
                         "\n".join(truth.source(c) for c in source["cells"])):
        name, fmt = m.groups()
        assert format(values[name], fmt) in text, (path.name, name)


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_numbers_are_those_of_the_built_book(built, path):
    _, numbers, html = built
    page = html / "book" / f"{path.stem}.html"
    if not page.exists():
        pytest.skip(f"{page} not built")
    shown = page.read_text(encoding="utf-8")
    text = md_text(json.loads((built[0] / path.name).read_text()))
    source = "\n".join(truth.source(c) for c in truth.load(path)["cells"])
    for label in re.findall(r"\{numref\}`([^`<]+)`", source):
        kind, number = numbers.numbered(label)
        assert f"{kind} {number}" in text
        assert number in shown, (path.name, label, number)
    for label in re.findall(r"\{eq\}`([^`]+)`", source):
        number = numbers.equation(label)
        assert f"({number})" in text and f"({number})" in shown


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_setup_cell_first_figures_and_captions_kept(built, path):
    nb = json.loads((built[0] / path.name).read_text())
    first = nb["cells"][0]
    assert first["cell_type"] == "code" and "Colab set-up" in \
        reader._source(first)
    assert "remove-cell" not in first["metadata"].get("tags", [])
    source = truth.load(path)
    figures = [c for c in source["cells"]
               if c.get("metadata", {}).get("mystnb", {}).get("figure")]
    cells = nb["cells"]
    for cell in figures:
        i = next(k for k, c in enumerate(cells) if c.get("id") == cell["id"])
        assert any("image/png" in o.get("data", {})
                   for o in cells[i]["outputs"])
        assert reader._source(cells[i + 1]).startswith("**Figure ")


def _launch_urls(page: Path) -> list[str]:
    return re.findall(r'href="(https://(?:colab\.research\.google\.com|'
                      r'mybinder\.org)/[^"]+)"', page.read_text("utf-8"))


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_launch_buttons_open_the_published_reader_notebook(built, path):
    """Colab and Binder open book/NN.ipynb of the `notebooks` branch (which
    the book workflow fills from _build/html/notebooks/), and the page's
    .ipynb download is the reader's notebook when dev.py notebooks ran."""
    html = built[2]
    page = html / "book" / f"{path.stem}.html"
    if not page.exists():
        pytest.skip(f"{page} not built")
    config = (ROOT / "_config.yml").read_text()
    branch = re.search(r"mfnet_reader_branch: *(\S+)", config).group(1)
    repo = re.search(r"url: https://github.com/(\S+)", config).group(1)
    urls = _launch_urls(page)
    assert (f"https://colab.research.google.com/github/{repo}/blob/{branch}/"
            f"book/{path.name}") in urls, urls
    assert (f"https://mybinder.org/v2/gh/{repo}/{branch}?urlpath=lab/tree/"
            f"book/{path.name}") in urls, urls
    published = html / "notebooks" / "book" / path.name
    if published.exists():
        download = html / "_sources" / "book" / path.name
        assert download.read_bytes() == published.read_bytes()
        assert reader.leftovers(json.loads(published.read_text())) == []
