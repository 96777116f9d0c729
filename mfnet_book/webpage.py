"""Sphinx extension: the HTML pages as a phone should get them (issue 19).

Loaded by ``_config.yml`` (``sphinx.extra_extensions``). When an HTML build
finishes, every page written is rewritten once (a marker comment makes it
idempotent), with the standard library only:

* **Figures keep their proportions and do not shift the page.** myst-nb writes
  ``style="width: 644px; height: 363px"`` into each figure image; the inline
  height beat ``height: auto`` and squeezed figures on narrow screens. Each
  image of the article gets ``width`` and ``height`` attributes with its
  displayed width and the PNG's own aspect ratio (so the browser reserves the
  box before the image arrives) and the inline height is dropped;
  ``_static/mfnet.css`` keeps ``height: auto``.
* **Images load when they come into view** (``loading="lazy"``,
  ``decoding="async"``), except the first, which is often the largest paint.
* **A tap opens the full-size figure**: every figure image is wrapped in a
  link to its PNG (class ``mfnet-fullsize``).
* **No FontAwesome JavaScript.** The theme loads ``fontawesome.js`` (1.5 MB,
  531 KB gzipped) on every page to draw about twenty icons;
  ``_static/mfnet-icons.css`` draws the same icons as CSS masks, and the
  script is removed from the pages.
* **Mathematics typeset at build time** when Node.js and ``mathjax-full``
  3.2.2 are available (see :func:`typeset_pages`): the phone then runs no
  MathJax at all. Without them the pages keep loading MathJax in the browser,
  as before.
"""
from __future__ import annotations

import re
import struct
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)

MARKER = "<!-- mfnet_book.webpage -->"
FONTAWESOME_JS = re.compile(
    r'\s*<(?:script|link)\b[^>]*(?:src|href)="[^"]*_static/scripts/fontawesome\.js[^"]*"'
    r'[^>]*>(?:\s*</script>)?')
IMG = re.compile(r"<img\b[^>]*?/?>")
ATTR = re.compile(r'\s([\w-]+)="([^"]*)"')


def png_size(path: Path) -> tuple[int, int] | None:
    """(width, height) in pixels of a PNG file, from its IHDR chunk (None: not a PNG)."""
    try:
        with open(path, "rb") as f:
            head = f.read(24)
    except OSError:
        return None
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", head[16:24])


def _style_width(style: str) -> float | None:
    m = re.search(r"(?:^|;)\s*width:\s*([\d.]+)px", style)
    return float(m.group(1)) if m else None


def rewrite_images(text: str, page: Path) -> tuple[str, int]:
    """The page with every ``_images/`` image sized, lazy and linked to its full size."""
    count = 0
    first = True

    def fix(match: re.Match) -> str:
        nonlocal count, first
        tag = match.group(0)
        attrs = dict(ATTR.findall(tag))
        src = attrs.get("src", "")
        if "_images/" not in src or "mfnet-sized" in attrs.get("class", ""):
            return tag
        size = png_size((page.parent / src).resolve())
        if size is None:
            return tag
        natural_w, natural_h = size
        style = attrs.get("style", "")
        shown = _style_width(style)
        if shown is None:
            # No width given: a 2x ("retina") PNG shows at half its pixels.
            shown = natural_w / 2 if natural_w > 1400 else natural_w
        width = round(shown)
        height = round(shown * natural_h / natural_w)
        # Keep only the width of the inline style: the height follows the aspect.
        style = ";".join(part for part in style.split(";")
                         if part.strip() and not part.strip().startswith("height"))
        new = {**attrs, "width": str(width), "height": str(height),
               "class": (attrs.get("class", "") + " mfnet-sized").strip(),
               "decoding": "async"}
        if style:
            new["style"] = style.strip() + ";"
        else:
            new.pop("style", None)
        if not first:
            new["loading"] = "lazy"
        first = False
        count += 1
        body = " ".join(f'{k}="{v}"' for k, v in new.items())
        return (f'<a class="mfnet-fullsize reference internal image-reference" href="{src}" '
                f'title="Open the figure at full size"><img {body} /></a>')

    # Images already inside a link (e.g. :target:) keep that link.
    out, pos = [], 0
    for match in IMG.finditer(text):
        out.append(text[pos:match.start()])
        before = text[max(0, match.start() - 200):match.start()]
        linked = re.search(r"<a\b[^>]*>\s*$", before) is not None
        replaced = fix(match)
        if linked and replaced != match.group(0):
            replaced = re.sub(r"^<a\b[^>]*>(.*)</a>$", r"\1", replaced, flags=re.S)
        out.append(replaced)
        pos = match.end()
    out.append(text[pos:])
    return "".join(out), count


def rewrite_page(text: str, page: Path) -> str:
    """One built page, rewritten as the module docstring says (idempotent)."""
    if MARKER in text:
        return text
    text = FONTAWESOME_JS.sub("", text)
    # Only the article's images: the theme's logos (Binder, Colab) are not figures.
    start = text.find('<article class="bd-article"')
    end = text.find("</article>", start)
    if start >= 0 and end > start:
        article, _ = rewrite_images(text[start:end], page)
        text = text[:start] + article + text[end:]
    return text.replace("</body>", f"{MARKER}\n</body>", 1)


def rewrite_site(outdir: Path) -> int:
    """Rewrite every page of a built site; returns how many pages changed."""
    changed = 0
    for page in sorted(Path(outdir).rglob("*.html")):
        if "_static" in page.parts:
            continue
        text = page.read_text(encoding="utf-8")
        new = rewrite_page(text, page)
        if new != text:
            page.write_text(new, encoding="utf-8")
            changed += 1
    return changed


def _build_finished(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    changed = rewrite_site(Path(app.outdir))
    logger.info(f"mfnet_book.webpage: {changed} page(s) sized, linked, without fontawesome.js")


def setup(app):
    app.connect("build-finished", _build_finished)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
