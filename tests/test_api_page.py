"""The API reference page (book/api.md) documents every public name of mfnet.

Every name in ``mfnet.__all__`` has an autodoc entry on the page, under a
section that links the chapter deriving it; once the book is built, the page
holds an anchor for each name (so ``{func}`mfnet.fit``` links there). Every
public class and function has a docstring in numpydoc style (a summary line,
and sections napoleon reads), naming shapes for the array functions.
"""
from __future__ import annotations

import inspect
import os
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import mfnet  # noqa: E402

API = ROOT / "book" / "api.md"
HTML = Path(os.environ.get("MFNET_HTML") or ROOT / "_build" / "html").resolve()
ENTRY = re.compile(r"^\.\. auto(?:function|class|module):: (mfnet(?:\.\w+)+)", re.M)


def documented() -> list[str]:
    return ENTRY.findall(API.read_text(encoding="utf-8"))


def test_every_public_name_has_an_entry():
    entries = documented()
    names = set()
    for entry in entries:
        obj = mfnet
        for part in entry.split(".")[1:]:
            obj = getattr(obj, part)  # an entry that names nothing fails here
        names.add(entry.split(".", 1)[1])
    missing = sorted(set(mfnet.__all__) - names)
    assert not missing, f"book/api.md has no entry for mfnet.{', mfnet.'.join(missing)}"
    assert len(entries) == len(set(entries)), "an entry appears twice on book/api.md"


def test_every_section_links_the_chapter_that_derives_it():
    text = API.read_text(encoding="utf-8")
    sections = re.split(r"^## ", text, flags=re.M)[1:]
    assert sections
    for section in sections:
        title = section.splitlines()[0]
        if ENTRY.search(section):
            assert re.search(r"\{doc\}`\d\d_\w+`", section), (
                f"book/api.md, section {title!r}: no link to the chapter that derives it")


@pytest.mark.parametrize("name", sorted(set(mfnet.__all__)))
def test_public_docstrings_are_numpydoc(name):
    obj = getattr(mfnet, name)
    doc = inspect.getdoc(obj)
    assert doc, f"mfnet.{name} has no docstring"
    summary = doc.splitlines()[0]
    assert summary.strip() and len(summary) <= 79, (name, summary)
    sections = re.findall(r"^(\w[\w ]*)\n-+$", doc, re.M)
    unknown = set(sections) - {"Parameters", "Returns", "Yields", "Raises", "Attributes",
                                "Notes", "Examples", "See Also", "Warns"}
    assert not unknown, f"mfnet.{name}: sections napoleon does not know: {unknown}"
    if inspect.isfunction(obj) and list(inspect.signature(obj).parameters):
        assert "Parameters" in sections, f"mfnet.{name}: no Parameters section"
    if inspect.isclass(obj):
        assert re.search(r"chapter\s+\d+", doc), f"mfnet.{name}: no chapter named"
        assert re.search(r"shape|\(n[\w ]*\+ 1, m\)", doc, re.I) or not issubclass(
            obj, (mfnet.Layer, mfnet.Loss)), f"mfnet.{name}: no shapes stated"


def test_built_page_has_an_anchor_for_every_name():
    page = HTML / "book" / "api.html"
    if not page.exists():
        if os.environ.get("MFNET_REQUIRE_BUILT_BOOK", "") not in ("", "0"):
            pytest.fail("the book is not built: no book/api.html")
        pytest.skip("the book is not built (python3 dev.py book)")
    text = page.read_text(encoding="utf-8")
    missing = [name for name in mfnet.__all__ if f'id="mfnet.{name}"' not in text]
    assert not missing, f"book/api.html has no anchor for {missing}"
