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
  ``decoding="async"``), except the landing page's picture, its largest paint.
* **A tap opens the full-size figure**: every figure image is wrapped in a
  link to its PNG (class ``mfnet-fullsize``).
* **Labels stay readable on a phone**: each image carries its width as
  ``--mfnet-width`` and 0.7 of it as ``--mfnet-phone-width``; on a narrow
  screen ``_static/mfnet.css`` shows it no smaller than that, in a box that
  scrolls sideways (as wide code and displays do).
* **No FontAwesome JavaScript.** The theme loads ``fontawesome.js`` (1.5 MB,
  531 KB gzipped) on every page to draw about twenty icons;
  ``_static/mfnet-icons.css`` draws the same icons as CSS masks, and the
  script is removed from the pages.
* **Scripts do not block the first paint**: the ``<script src>`` of the head
  are deferred (they keep their order), except ``documentation_options.js``;
  the search scripts and index are left to ``search.html``, the only page
  that uses them.
* **No layout of the whole page at load.** The theme's script measures every
  code box once the page has loaded (to give those that scroll a tab stop),
  which lays out the whole page and undoes the ``content-visibility`` of
  ``_static/mfnet.css``: half a second of a phone's main thread on a long
  chapter. :func:`patch_theme_script` takes that call out of the theme's
  script; ``_static/mfnet-tabstops.js`` measures a box when it comes near the
  viewport instead.
* **Mathematics typeset at build time** when Node.js and ``mathjax-full``
  3.2.2 are available (see :func:`typeset_pages`): the phone then runs no
  MathJax at all. Without them the pages keep loading MathJax in the browser,
  as before.
"""
from __future__ import annotations

import html
import json
import os
import re
import shutil
import struct
import subprocess
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)

MARKER = "<!-- mfnet_book.webpage -->"
FONTAWESOME_JS = re.compile(
    r'\s*<(?:script|link)\b[^>]*(?:src|href)="[^"]*_static/scripts/fontawesome\.js[^"]*"'
    r'[^>]*>(?:\s*</script>)?')
IMG = re.compile(r"<img\b[^>]*?/?>")
ATTR = re.compile(r'\s([\w-]+)="([^"]*)"')


# Figures are drawn at 100 CSS px per inch with labels of 10-11 pt (14-15 px;
# mfnet_book/style.py, networks.FONT). Shrunk to a 342 px phone column, a
# 690 px figure put them at 7 px. Not below 0.7 of its width, the smallest
# label stays at 9.7 px; a wider figure scrolls sideways in its box.
PHONE_MIN_SCALE = 0.7


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
        # On a phone the figure is not shrunk below PHONE_MIN_SCALE of this
        # width (_static/mfnet.css): its box scrolls sideways instead.
        style = ";".join([part.strip() for part in style.split(";") if part.strip()]
                         + [f"--mfnet-width: {width}px",
                            f"--mfnet-phone-width: {round(width * PHONE_MIN_SCALE)}px"])
        new["style"] = style + ";"
        # The landing page's picture is its largest paint: it loads at once.
        # Elsewhere the first figure comes after a screenful of text or more.
        if not (first and page.name == "index.html"):
            new["loading"] = "lazy"
        first = False
        count += 1
        body = " ".join(f'{k}="{v}"' for k, v in new.items())
        return (f'<a class="mfnet-fullsize reference internal image-reference" href="{src}" '
                f'title="Open the figure at full size"><img {body} /></a>')

    # Images already inside a link (myst-nb's figures, :target:) keep that link,
    # which gets the class (the phone's scroll box is the link).
    out, pos = [], 0
    for match in IMG.finditer(text):
        between = text[pos:match.start()]
        link = re.search(r"<a\b[^>]*>\s*$", between)
        replaced = fix(match)
        if link and replaced != match.group(0):
            replaced = re.sub(r"^<a\b[^>]*>(.*)</a>$", r"\1", replaced, flags=re.S)
            tag = link.group(0)
            if 'class="' in tag:
                tag = tag.replace('class="', 'class="mfnet-fullsize ', 1)
            else:
                tag = tag.replace("<a", '<a class="mfnet-fullsize"', 1)
            between = between[:link.start()] + tag
        out.append(between)
        out.append(replaced)
        pos = match.end()
    out.append(text[pos:])
    return "".join(out), count


# The theme's and extensions' scripts in <head> block the first paint; deferred
# they run in the same order once the page is parsed (before DOMContentLoaded,
# which is when they act). documentation_options.js stays: the inline scripts
# after it set DOCUMENTATION_OPTIONS fields at once.
SYNC_SCRIPT = re.compile(r'<script (?:data-[\w-]+="[^"]*" )?src="(?P<src>[^"]+)"></script>')


def defer_scripts(text: str) -> str:
    head_end = text.find("</head>")
    if head_end < 0:
        return text

    def fix(m: re.Match) -> str:
        if "documentation_options" in m.group("src"):
            return m.group(0)
        return m.group(0).replace("<script ", "<script defer ", 1)

    return SYNC_SCRIPT.sub(fix, text[:head_end]) + text[head_end:]


# Sphinx's search scripts and the whole book's index (26 KB gzipped) are loaded
# by every page; only search.html uses them (the theme's search box submits to
# it; search-as-you-type, which would use them, is off in this theme version).
SEARCH_SCRIPTS = re.compile(
    r'\s*<script (?:defer )?src="[^"]*(?:searchtools|language_data|searchindex)\.js[^"]*">'
    r'</script>')


def rewrite_page(text: str, page: Path) -> str:
    """One built page, rewritten as the module docstring says (idempotent)."""
    if MARKER in text:
        return text
    text = FONTAWESOME_JS.sub("", text)
    if page.name != "search.html" and "search_as_you_type = true" not in text:
        text = SEARCH_SCRIPTS.sub("", text)
    text = defer_scripts(text)
    # Only the article's images: the theme's logos (Binder, Colab) are not figures.
    start = text.find('<article class="bd-article"')
    end = text.find("</article>", start)
    if start >= 0 and end > start:
        article, _ = rewrite_images(text[start:end], page)
        text = text[:start] + article + text[end:]
    return text.replace("</body>", f"{MARKER}\n</body>", 1)


# pydata-sphinx-theme 0.17's script ends by calling its tab-stop function
# (addTabStopsToScrollableElements; minified name varies) on "load".
THEME_SCRIPT = Path("_static") / "scripts" / "pydata-sphinx-theme.js"
THEME_TABSTOPS_CALL = re.compile(
    r'"complete"===document\.readyState\?(?P<f>[\w$]+)\(\):'
    r'window\.addEventListener\("load",(?P=f)\)')
THEME_PATCHED = "/* mfnet_book.webpage: tab stops by _static/mfnet-tabstops.js */"


def patch_theme_script(outdir: Path) -> bool:
    """Take the load-time call of the theme's tab-stop function out of its script.

    Returns True when the script is (now or already) patched. Raises
    RuntimeError when the theme's script no longer has the call this expects
    (a new theme version): the pages would silently be slow again.
    """
    script = Path(outdir) / THEME_SCRIPT
    if not script.exists():
        return False
    text = script.read_text(encoding="utf-8")
    if THEME_PATCHED in text:
        return True
    match = THEME_TABSTOPS_CALL.search(text)
    if match is None or "scrollWidth>" not in text:
        raise RuntimeError(
            f"{THEME_SCRIPT}: the theme's load-time tab-stop call was not found "
            "(pydata-sphinx-theme changed?); update THEME_TABSTOPS_CALL in "
            "mfnet_book/webpage.py, or the pages lay out in full at load")
    text = text[:match.start()] + "void 0" + THEME_PATCHED + text[match.end():]
    script.write_text(text, encoding="utf-8")
    return True


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


# -- mathematics typeset at build time ---------------------------------------------------
MATHJAX_FULL_VERSION = "3.2.2"
MATH_CSS = "mfnet-math.css"
MATH_FONTS = "mathjax-chtml-fonts"
MATH_FORMULAS = "mfnet-math-formulas.json"   # every formula typeset so far (for the CSS)
MATH_ELEMENT = re.compile(
    r'(<(span|div) class="(?:[^"]*\s)?math(?:\s[^"]*)?"[^>]*>)(.*?)(</\2>)', re.S)
TEX = re.compile(r"\\\((?P<inline>.*?)\\\)|\\\[(?P<display>.*?)\\\]", re.S)
MATHJAX_SCRIPTS = re.compile(
    r'\s*<script>\s*window\.MathJax\s*=.*?</script>'
    r'|\s*<script\b[^>]*src="[^"]*mathjax[^"]*"[^>]*>\s*</script>', re.S)


def mathjax_full() -> Path | None:
    """The npm package mathjax-full 3.2.2 (MFNET_MATHJAX_FULL, or the CI cache; npm
    installs it there when it is missing and npm is on the PATH)."""
    if os.environ.get("MFNET_MATHJAX_FULL"):
        folder = Path(os.environ["MFNET_MATHJAX_FULL"])
        return folder if (folder / "js" / "mathjax.js").exists() else None
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    prefix = cache / "mfnet-ci" / f"mathjax-full-{MATHJAX_FULL_VERSION}"
    folder = prefix / "node_modules" / "mathjax-full"
    if not (folder / "js" / "mathjax.js").exists() and shutil.which("npm"):
        logger.info(f"mfnet_book.webpage: installing mathjax-full@{MATHJAX_FULL_VERSION} "
                    f"with npm into {prefix}")
        prefix.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix",
                        str(prefix), f"mathjax-full@{MATHJAX_FULL_VERSION}"],
                       stdout=subprocess.DEVNULL, check=False, timeout=600)
    return folder if (folder / "js" / "mathjax.js").exists() else None


def formulas_of(text: str) -> list[tuple[str, bool]]:
    """(TeX, display) of every formula MathJax would typeset in a page's math elements."""
    found = []
    for element in MATH_ELEMENT.finditer(text):
        for m in TEX.finditer(element.group(3)):
            display = m.group("display") is not None
            found.append((html.unescape(m.group("display" if display else "inline")), display))
    return found


def typeset(formulas: list[tuple[str, bool]], folder: Path) -> dict:
    """Run mfnet_book/typeset.js (Node) on the formulas; its JSON answer."""
    script = Path(__file__).with_name("typeset.js")
    proc = subprocess.run(
        ["node", str(script), str(folder), MATH_FONTS],
        input=json.dumps([{"tex": t, "display": d} for t, d in formulas]),
        capture_output=True, text=True, encoding="utf-8", timeout=900)
    if proc.returncode != 0:
        raise RuntimeError(f"typeset.js failed: {proc.stderr[-2000:]}")
    return json.loads(proc.stdout)


def typeset_site(outdir: Path, pages: list[Path]) -> int:
    """Typeset the formulas of PAGES (not yet rewritten) with MathJax in Node.

    Each formula's TeX is replaced by MathJax's CHTML, the page's MathJax
    scripts are removed and it links ``_static/mfnet-math.css`` (the CSS for
    every formula of the site, fonts in ``_static/mathjax-chtml-fonts``).
    Returns the number of pages typeset (0 without Node or mathjax-full).
    """
    folder = mathjax_full()
    if folder is None or shutil.which("node") is None:
        logger.info("mfnet_book.webpage: no Node.js or mathjax-full: the pages keep "
                    "typesetting their formulas in the browser")
        return 0
    static = outdir / "_static"
    texts = {page: page.read_text(encoding="utf-8") for page in pages}
    known_file = static / MATH_FORMULAS
    known = [tuple(f) for f in json.loads(known_file.read_text())] if known_file.exists() \
        else []
    order = list(dict.fromkeys(known + [f for t in texts.values() for f in formulas_of(t)]))
    if not order:
        return 0
    result = typeset(order, folder)
    rendered = dict(zip(order, result["html"]))
    for index, message in result["errors"]:
        tex, display = order[index]
        where = [p.relative_to(outdir).as_posix() for p, t in texts.items()
                 if html.escape(tex, quote=False) in t or tex in t]
        logger.warning(f"MathJax cannot typeset {tex[:120]!r} ({message}) in "
                       f"{', '.join(where[:3]) or 'a page typeset earlier'}")
    fonts = folder / "es5" / "output" / "chtml" / "fonts" / "woff-v2"
    if not (static / MATH_FONTS).exists():
        shutil.copytree(fonts, static / MATH_FONTS)
    (static / MATH_CSS).write_text(result["css"], encoding="utf-8")
    known_file.write_text(json.dumps(order, ensure_ascii=False), encoding="utf-8")
    done = 0
    for page, text in texts.items():
        def replace(element: re.Match) -> str:
            body = TEX.sub(lambda m: rendered[(
                html.unescape(m.group("display") if m.group("display") is not None
                              else m.group("inline")),
                m.group("display") is not None)], element.group(3))
            return element.group(1) + body + element.group(4)

        new = MATH_ELEMENT.sub(replace, text)
        new = MATHJAX_SCRIPTS.sub("", new)
        css = os.path.relpath(static / MATH_CSS, page.parent).replace(os.sep, "/")
        new = new.replace("</head>", f'<link rel="stylesheet" type="text/css" href="{css}" />'
                          "\n</head>", 1)
        page.write_text(new, encoding="utf-8")
        done += 1
    return done


def _build_finished(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    fresh = [page for page in sorted(outdir.rglob("*.html")) if "_static" not in page.parts
             and MARKER not in page.read_text(encoding="utf-8")]
    typeset = typeset_site(outdir, fresh)
    changed = rewrite_site(outdir)
    patch_theme_script(outdir)
    logger.info(f"mfnet_book.webpage: {changed} page(s) sized, linked, without "
                f"fontawesome.js; formulas typeset at build time on {typeset}")


def setup(app):
    app.connect("build-finished", _build_finished)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
