"""dev.py commands whose system prerequisites are missing say so in one line.

Each command that needs something outside Python (TeX Live for the PDF, npm
for MathJax, Chromium for screenshots) checks for it before it starts and
exits with status 1 and one line naming what is missing and the packages to
install, instead of a traceback from deep inside a builder.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_without_tools(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    """dev.py ARGS with a PATH that holds no tool at all and an empty cache."""
    empty = tmp_path / "bin"
    empty.mkdir(exist_ok=True)
    env = {key: value for key, value in os.environ.items()
           if key not in ("MFNET_MATHJAX", "XDG_CACHE_HOME")}
    env.update(PATH=str(empty), HOME=str(tmp_path), XDG_CACHE_HOME=str(tmp_path / "cache"))
    return subprocess.run([sys.executable, str(ROOT / "dev.py"), *args], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=60)


def test_pdf_without_tex_live_names_the_packages_in_one_line(tmp_path):
    proc = run_without_tools(tmp_path, "pdf")
    assert proc.returncode == 1, proc
    assert "Traceback" not in proc.stdout + proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("[dev.py] `dev.py pdf` needs xelatex, latexmk, kpsewhich")
    for package in ("texlive-xetex", "texlive-latex-extra", "latexmk", "fonts-freefont-otf"):
        assert package in lines[0]


def test_editions_stop_at_the_first_missing_prerequisite(tmp_path):
    proc = run_without_tools(tmp_path, "editions")
    assert proc.returncode == 1, proc
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("[dev.py] `dev.py pdf` needs"), lines


def test_offline_without_npm_or_a_cached_mathjax_says_so(tmp_path):
    proc = run_without_tools(tmp_path, "offline")
    assert proc.returncode == 1, proc
    assert proc.stdout.strip() == ("[dev.py] `dev.py offline` needs npm, which this machine "
                                   "lacks; install npm, to fetch MathJax: apt-get install npm")


def test_shot_of_a_page_that_is_not_built_says_how_to_build_it(tmp_path):
    proc = run_without_tools(tmp_path, "shot", "nowhere.html")
    assert proc.returncode == 1, proc
    assert "Traceback" not in proc.stdout + proc.stderr
    # Without Chromium the missing browser is named; with it, the missing page.
    assert ("needs chromium" in proc.stdout) or ("no such page: nowhere.html" in proc.stdout)


def test_notebooks_run_with_the_same_cpu_kernels_on_every_x86_machine(monkeypatch):
    """dev.py pins numpy's and OpenBLAS's AVX2 kernels where the CPU has more
    (the stored outputs' rounding-level digits differ on AVX-512 otherwise),
    keeps a value the user set, and pins nothing a CPU cannot run."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("dev_for_test", ROOT / "dev.py")
    dev = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(dev)
    monkeypatch.delenv("OPENBLAS_CORETYPE", raising=False)
    monkeypatch.delenv("NPY_DISABLE_CPU_FEATURES", raising=False)
    monkeypatch.setattr(dev, "cpu_flags", lambda: {"sse2", "avx", "avx2", "fma", "avx512f"})
    assert dev.numeric_pins() == {"OPENBLAS_CORETYPE": "Haswell",
                                  "NPY_DISABLE_CPU_FEATURES": "X86_V4 AVX512_ICL AVX512_SPR"}
    assert dev.child_env()["OPENBLAS_CORETYPE"] == "Haswell"
    monkeypatch.setattr(dev, "cpu_flags", lambda: {"sse2", "avx", "avx2", "fma"})
    assert dev.numeric_pins() == {"OPENBLAS_CORETYPE": "Haswell"}
    monkeypatch.setattr(dev, "cpu_flags", lambda: {"sse2", "avx"})
    assert dev.numeric_pins() == {}
    monkeypatch.setattr(dev, "cpu_flags", lambda: {"avx2", "fma", "avx512f"})
    monkeypatch.setenv("OPENBLAS_CORETYPE", "Zen")
    assert dev.numeric_pins()["OPENBLAS_CORETYPE"] == "Zen"
