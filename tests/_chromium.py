"""A minimal headless-Chromium driver (standard library only).

Chromium's ``--window-size`` cannot go below 500 px in headless mode, so a
phone-width page needs the DevTools protocol's device emulation. This module
speaks that protocol over ``--remote-debugging-pipe`` (JSON messages separated
by NUL bytes on file descriptors 3 and 4): no websocket library, no Selenium.

    with Browser() as browser:
        page = browser.open(path, width=390, dark=True)
        value = page.evaluate("document.title")
        page.screenshot(Path("/tmp/page.png"))

Used by ``tests/test_browser.py`` (measuring overflow, captions) and by
``python3 dev.py shot`` (screenshots for reviewing a chapter).
"""
from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--disable-extensions", "--mute-audio", "--hide-scrollbars",
]


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


def local_mathjax() -> Path | None:
    """The local MathJax 3 bundle named by MFNET_MATHJAX, or the one .ci/run caches."""
    if os.environ.get("MFNET_MATHJAX"):
        path = Path(os.environ["MFNET_MATHJAX"])
        return path if path.exists() else None
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    path = cache / "mfnet-ci" / "mathjax-3.2.2-es5" / "package" / "es5" / "tex-mml-svg.js"
    return path if path.exists() else None


def matching_bundle(page_text: str, bundle: Path | None = None) -> Path | None:
    """The local MathJax bundle the page names (``tex-mml-chtml.js``, as on the site).

    ``.ci/run`` unpacks the npm package's whole ``es5/`` folder, which has every
    combined bundle; the one next to :func:`local_mathjax` with the file name the
    page's ``<script>`` asks for is preferred, so that formulas are laid out
    by the same output (CHTML) the readers get. Falls back to ``bundle``.
    """
    bundle = bundle or local_mathjax()
    if bundle is None:
        return None
    m = re.search(r'src="[^"]*mathjax[^"]*/([\w.-]+\.js)"', page_text)
    if m and (bundle.parent / m.group(1)).exists():
        return bundle.parent / m.group(1)
    return bundle


def with_local_mathjax(page: Path) -> Path:
    """A copy of the page, next to it, that loads the local MathJax (or the page itself).

    The local bundle is the one the page names (see :func:`matching_bundle`).
    """
    bundle = local_mathjax()
    if bundle is None:
        return page
    text = page.read_text(encoding="utf-8")
    bundle = matching_bundle(text, bundle)
    text, n = re.subn(r'src="[^"]*mathjax[^"]*\.js"', f'src="{bundle.as_uri()}"', text)
    if not n:
        return page
    shown = page.with_name(f".local-mathjax-{page.name}")
    shown.write_text(text, encoding="utf-8")
    return shown


class ProtocolError(RuntimeError):
    pass


class Browser:
    """One headless Chromium process, driven through the DevTools pipe."""

    def __init__(self, timeout: float = 120.0) -> None:
        path = chromium()
        if path is None:
            raise FileNotFoundError("chromium is not installed (apt-get install chromium)")
        self.timeout = timeout
        self._profile = tempfile.TemporaryDirectory(prefix="mfnet-chromium-")
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()
        # The child reads commands on fd 3 and writes replies on fd 4.
        os.set_inheritable(to_browser_r, True)
        os.set_inheritable(from_browser_w, True)

        def child_fds() -> None:
            os.dup2(to_browser_r, 3)
            os.dup2(from_browser_w, 4)

        self._proc = subprocess.Popen(
            [path, *FLAGS, f"--user-data-dir={self._profile.name}", "--remote-debugging-pipe",
             "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=child_fds, close_fds=False)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next_id = 0

    # -- protocol -------------------------------------------------------------------------
    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._read(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise ProtocolError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    def _read(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            if time.monotonic() > deadline:
                raise TimeoutError("chromium did not answer in time")
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                raise ProtocolError("chromium closed the DevTools pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    # -- pages ----------------------------------------------------------------------------
    def open(self, page: Path, width: int = 1280, height: int = 900, dark: bool = False,
             settle: float = 0.5, mathjax: bool = True) -> "Page":
        """Load a local page at a viewport of width x height CSS px; wait for MathJax."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"]
        tab = Page(self, session, target)
        tab.send("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})
        tab.send("Emulation.setEmulatedMedia", {"features": [
            {"name": "prefers-color-scheme", "value": "dark" if dark else "light"}]})
        tab.send("Page.enable")
        shown = with_local_mathjax(page) if mathjax else page
        try:
            tab.send("Page.navigate", {"url": shown.resolve().as_uri()})
            tab.wait_for("document.readyState === 'complete'")
            # MathJax 3 typesets after load; its startup promise resolves when done.
            tab.wait_for("!window.MathJax || !MathJax.startup || !MathJax.startup.promise"
                         " || window.__mfnetTypeset === true",
                         setup="if (window.MathJax && MathJax.startup && MathJax.startup.promise)"
                               " MathJax.startup.promise.then(() => window.__mfnetTypeset = true)")
            time.sleep(settle)
        finally:
            if shown != page:
                shown.unlink(missing_ok=True)
        return tab

    def close(self) -> None:
        try:
            self.send("Browser.close")
        except Exception:
            pass
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
        for fd in (self._to_browser, self._from_browser):
            try:
                os.close(fd)
            except OSError:
                pass
        self._profile.cleanup()

    def __enter__(self) -> "Browser":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class Page:
    def __init__(self, browser: Browser, session: str, target: str) -> None:
        self.browser, self.session, self.target = browser, session, target

    def send(self, method: str, params: dict | None = None) -> dict:
        return self.browser.send(method, params, session=self.session)

    def evaluate(self, expression: str):
        """The JSON value of a JavaScript expression (promises are awaited)."""
        result = self.send("Runtime.evaluate", {
            "expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in result:
            raise ProtocolError(f"JavaScript error: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, condition: str, setup: str | None = None, timeout: float = 60.0) -> None:
        if setup:
            self.evaluate(setup)
        deadline = time.monotonic() + timeout
        while not self.evaluate(f"Boolean({condition})"):
            if time.monotonic() > deadline:
                raise TimeoutError(f"page never satisfied: {condition}")
            time.sleep(0.1)

    # Screenshots never use ``captureBeyondViewport``: to draw beyond the
    # viewport Chromium resizes the page's frame to the clip for the capture,
    # which re-runs the layout at another viewport size (media queries, ``vh``
    # units, the theme's resize handlers that collapse the sidebar). Tiles then
    # showed the page shifted sideways by up to 294 px, and tall pages came out
    # blank or garbled. The page is instead scrolled to each tile, and the
    # viewport, laid out exactly as the reader's, is captured.
    SETTLE_JS = ("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() =>"
                 " setTimeout(r, 30))))")
    IMAGES_IN_VIEW_JS = ("[...document.images].every(img => { const r ="
                         " img.getBoundingClientRect(); return img.complete || r.bottom < 0"
                         " || r.top > innerHeight || !r.width; })")

    def _scroll_to(self, top: int) -> dict:
        """Scroll the window to ``top`` (CSS px), wait for the frame and the images in view."""
        self.evaluate(f"window.scrollTo(0, {int(top)})")
        self.evaluate(self.SETTLE_JS)
        try:
            self.wait_for(self.IMAGES_IN_VIEW_JS, timeout=10)
        except TimeoutError:
            pass  # an image that never loads shows as it is
        return self.evaluate("({x: window.scrollX, y: window.scrollY, w: innerWidth,"
                             " h: innerHeight, cw: document.documentElement.clientWidth,"
                             " H: document.documentElement.scrollHeight,"
                             " scale: visualViewport.scale})")

    def _capture(self, view: dict, top: int, height: int) -> bytes:
        """PNG of the page rows ``top .. top + height``, which must be in the viewport."""
        if view["scale"] != 1:
            raise ProtocolError(f"the page is zoomed (visual viewport scale {view['scale']}):"
                                " it is wider than the viewport")
        if not (view["y"] - 0.5 <= top and top + height <= view["y"] + view["h"] + 0.5):
            raise ProtocolError(f"rows {top}-{top + height} are not in the viewport "
                                f"({view['y']}-{view['y'] + view['h']})")
        # The clip is in document coordinates; the capture stays inside the viewport.
        clip = {"x": view["x"], "y": top, "width": view["cw"], "height": height, "scale": 1}
        data = self.send("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": False, "clip": clip})["data"]
        return base64.b64decode(data)

    def screenshot_tiles(self, stem: Path, tile: int | None = None) -> list[Path]:
        """The whole page as PNG tiles ``STEM-00.png``, ``STEM-01.png``, ...

        Each tile is one viewport (``tile`` px high, default: the viewport's
        height; at most the viewport), captured after scrolling the page to it,
        so fixed and sticky parts (the header, the sidebars) appear on every
        tile, where the reader sees them. Returns the paths.
        """
        # Sections with content-visibility: auto are laid out only near the
        # viewport, so the page's height changes while it scrolls: lay out all.
        self.evaluate("(() => { const s = document.createElement('style'); s.textContent ="
                      " '* { content-visibility: visible !important; }';"
                      " document.head.appendChild(s); })()")
        view = self._scroll_to(0)
        tile = min(int(tile or view["h"]), int(view["h"]))
        height = int(view["H"])
        stem.parent.mkdir(parents=True, exist_ok=True)
        tiles = []
        for k, top in enumerate(range(0, height, tile)):
            rows = min(tile, height - top)
            view = self._scroll_to(top)
            # scrollHeight is rounded: a page 26776.6 px high reports 26777 but
            # scrolls to 25176.6 at most, so the last row may be a pixel short.
            rows = min(rows, int(view["y"] + view["h"] + 0.5) - top)
            out = stem.with_name(f"{stem.name}-{k:02d}.png")
            out.write_bytes(self._capture(view, top, rows))
            tiles.append(out)
        self._scroll_to(0)
        return tiles

    def screenshot(self, out: Path, full_page: bool = True) -> Path:
        """The viewport as a PNG (``full_page``: the tiles of :meth:`screenshot_tiles`,
        written as ``OUT-00.png``, ... beside ``out``; returns the first)."""
        if full_page:
            return self.screenshot_tiles(out.with_suffix(""))[0]
        view = self._scroll_to(int(self.evaluate("window.scrollY")))
        out.write_bytes(self._capture(view, int(view["y"]), int(view["h"])))
        return out

    def close(self) -> None:
        self.browser.send("Target.closeTarget", {"targetId": self.target})


# -- offline pages (tests/test_editions.py) ------------------------------------------------
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:", "chrome-error:")


class OfflineBrowser(Browser):
    """A Browser whose tabs have no network, and which records every request.

    Each tab opened with ``open`` gets DevTools' network emulation set to offline
    (http, https and websockets fail) before it navigates, and every request it
    makes is kept in ``requests`` (URL) and ``failed`` (URL, error text), so that a
    test can assert that nothing left ``file://`` and that no local file was missing.
    Open offline pages with ``mathjax=False`` to load the page's own MathJax.
    """

    def __init__(self, timeout: float = 120.0) -> None:
        super().__init__(timeout)
        self.requests: list[str] = []
        self.failed: list[tuple[str, str]] = []
        self._urls: dict[str, str] = {}

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        if method == "Page.enable" and session:
            super().send("Network.enable", {}, session=session)
            super().send("Network.emulateNetworkConditions", {
                "offline": True, "latency": 0, "downloadThroughput": -1,
                "uploadThroughput": -1}, session=session)
        return super().send(method, params, session)

    def _read(self, deadline: float) -> dict:
        message = super()._read(deadline)
        method, params = message.get("method"), message.get("params", {})
        if method == "Network.requestWillBeSent":
            url = params.get("request", {}).get("url", "")
            self._urls[params.get("requestId", "")] = url
            self.requests.append(url)
        elif method == "Network.loadingFailed":
            url = self._urls.get(params.get("requestId", ""), "?")
            self.failed.append((url, params.get("errorText", "")))
        return message

    def remote_requests(self) -> list[str]:
        """Every recorded request that was not for a local (file:, data:, ...) URL."""
        return [url for url in self.requests if not url.startswith(LOCAL_SCHEMES)]
