"""Internal links of the built book (``_build/html``) all resolve.

Every ``href`` and ``src`` of every built page that points inside the site must
name an existing file and, when it has a ``#fragment``, an element of the target
page with that id, and when it has a text fragment (``#id:~:text=words``), those
words in the target page's text. External links are not checked here (the weekly linkcheck
workflow reports them). Skipped when the book is not built, unless
``MFNET_REQUIRE_BUILT_BOOK=1`` (set by ``.ci/run`` and the linkcheck workflow).
"""
from __future__ import annotations

import html.parser
import os
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
HTML = Path(os.environ.get("MFNET_HTML") or ROOT / "_build" / "html").resolve()
REQUIRED = os.environ.get("MFNET_REQUIRE_BUILT_BOOK", "") not in ("", "0")


class _Links(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, int]] = []
        self.ids: set[str] = set()
        self.text: list[str] = []
        self._skip = 0

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)

    def plain_text(self) -> str:
        """The page's text, whitespace squashed, lower case (as a browser's
        find and text fragments match it)."""
        return " ".join("".join(self.text).split()).lower()

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for key, value in attrs:
            if key in ("id", "name") and value:
                self.ids.add(value)
            if value and ((key == "href" and tag in ("a", "link", "area"))
                          or (key == "src" and tag in ("img", "script", "iframe", "source"))):
                self.links.append((value, self.getpos()[0]))


@lru_cache(maxsize=None)
def parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    return parser


def unbuilt_editions() -> set[Path]:
    """The editions every page's download menu links (``mfnet_downloads`` in
    _config.yml), which are built by their own commands and may not be there
    yet: the PDF on a machine without TeX Live, for one."""
    import yaml
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    files = config["sphinx"]["config"].get("mfnet_downloads", [])
    return {(HTML / item["file"]).resolve() for item in files}


def built_pages() -> list[Path]:
    return sorted(p for p in HTML.rglob("*.html") if "_static" not in p.parts)


def test_internal_links_resolve():
    if not (HTML / "index.html").exists():
        reason = "the book is not built (_build/html): run `python3 dev.py book` first"
        if REQUIRED:
            pytest.fail(reason)
        print(f"SKIPPED link test: {reason}")
        pytest.skip(reason)
    broken: list[str] = []
    pages = built_pages()
    for page in pages:
        for link, line in parse(page).links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith(("mailto:", "javascript:", "data:")):
                continue  # external
            target = page if not parts.path else (page.parent / unquote(parts.path)).resolve()
            where = f"{page.relative_to(HTML)}:{line}: {link}"
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                if target in unbuilt_editions():
                    continue  # linked before it is built; test_editions.py checks it
                broken.append(f"{where} (no such file)")
                continue
            # A text fragment (#id:~:text=words, the status page's links to the
            # sentence that uses a number) must find its words on the page.
            fragment, _, directive = parts.fragment.partition(":~:")
            fragment = unquote(fragment)
            if fragment and target.suffix == ".html" and fragment not in parse(target).ids:
                broken.append(f"{where} (no element with id {fragment!r})")
            # (The student edition drops the solutions, so there a fragment into
            # one falls back to its section, as browsers do; its id is checked.)
            if directive.startswith("text=") and "student" not in page.relative_to(HTML).parts:
                words = " ".join(unquote(directive[len("text="):]).split()).lower()
                if words not in parse(target).plain_text():
                    broken.append(f"{where} (the page has no text {words!r})")
    assert pages, "no built pages found"
    assert not broken, f"{len(broken)} broken internal link(s):\n" + "\n".join(broken[:50])
