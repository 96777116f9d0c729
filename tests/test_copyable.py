"""mfnet needs numpy and the standard library only: the mfnet/ folder copied alone works.

1. Static: every import statement in mfnet/*.py names numpy, the standard library
   (``sys.stdlib_module_names``) or mfnet itself (relative imports).
2. Dynamic: mfnet/ is copied to a temporary directory; a fresh Python process, in
   which a ``sitecustomize`` module blocks matplotlib, sympy, torch (and a few
   other usual suspects) and removes the editable install's finder, imports mfnet
   from the copy, trains a tiny network and checks that the loss fell and that
   nothing outside numpy and the standard library was imported.
"""
from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "mfnet"
BLOCKED = ["matplotlib", "sympy", "torch", "scipy", "pandas", "sklearn", "mfnet_torch", "IPython"]


def _imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, 0, alias.name
        elif isinstance(node, ast.ImportFrom):
            yield node.lineno, node.level, node.module or ""


def test_package_files_import_only_numpy_and_the_standard_library():
    files = sorted(PACKAGE.glob("*.py"))
    assert PACKAGE / "__init__.py" in files and len(files) > 5
    offenders = []
    seen_numpy = False
    for path in files:
        for lineno, level, module in _imports(path):
            if level > 0:  # from . import x / from .linear import Linear
                continue
            top = module.split(".")[0]
            seen_numpy |= top == "numpy"
            if top != "numpy" and top not in sys.stdlib_module_names:
                offenders.append(f"{path.name}:{lineno}: import {module}")
    assert not offenders, "mfnet must import only numpy and the standard library:\n" + "\n".join(offenders)
    assert seen_numpy, "the scan found no numpy import at all: it is not looking at mfnet"


def test_the_static_scan_catches_a_forbidden_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import numpy as np\n\ndef f():\n    import torch.nn\n    from scipy import linalg\n")
    tops = [m.split(".")[0] for _, lvl, m in _imports(bad) if lvl == 0]
    assert [t for t in tops if t != "numpy" and t not in sys.stdlib_module_names] == ["torch", "scipy"]


SITECUSTOMIZE = """
import sys
from importlib.abc import MetaPathFinder

BLOCKED = frozenset({blocked!r})


class _Blocker(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"{{name}} is blocked by mfnet's copyability test")
        return None


# no editable-install finder: mfnet must come from the copy or not at all
sys.meta_path[:] = [f for f in sys.meta_path if "__editable__" not in getattr(f, "__module__", "")]
sys.meta_path.insert(0, _Blocker())
"""

CHILD = """
import json, sys

baseline = {m.split(".")[0] for m in sys.modules}
blocked_ok = []
for name in BLOCKED:
    try:
        __import__(name)
    except ImportError as exc:
        blocked_ok.append("blocked" in str(exc))
    else:
        blocked_ok.append(False)

import numpy as np
import mfnet

rng = np.random.default_rng(0)
x = rng.uniform(-1, 1, size=(64, 2))
y = (x[:, :1] * x[:, 1:] > 0).astype(float)  # a non-linear rule
X, Y = mfnet.augment(x), mfnet.augment(y)
model = mfnet.mlp([2, 8, 1], "tanh", output="sigmoid", rng=1)
hist = mfnet.fit(model, mfnet.MSE(), mfnet.SGD(model, lr=1.0, momentum=0.9), X, Y, epochs=60,
                 batch_size=16, rng=2)
new = sorted({m.split(".")[0] for m in sys.modules} - baseline)
print(json.dumps({"file": mfnet.__file__, "first": hist.loss[0], "last": hist.loss[-1],
                  "blocked_ok": blocked_ok, "new_modules": new,
                  "stdlib": sorted(sys.stdlib_module_names)}))
"""


def test_copied_folder_works_without_the_optional_packages(tmp_path):
    project = tmp_path / "another_project"
    shutil.copytree(PACKAGE, project / "mfnet", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    block = tmp_path / "block"
    block.mkdir()
    (block / "sitecustomize.py").write_text(SITECUSTOMIZE.format(blocked=sorted(BLOCKED)))
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env.update(PYTHONPATH=os.pathsep.join([str(block), str(project)]), PYTHONNOUSERSITE="1",
               PYTHONDONTWRITEBYTECODE="1")
    code = f"BLOCKED = {BLOCKED!r}\n" + textwrap.dedent(CHILD)
    proc = subprocess.run([sys.executable, "-c", code], cwd=workdir, env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert Path(out["file"]).resolve().is_relative_to(project.resolve()), out["file"]
    assert all(out["blocked_ok"]), "the blocker did not block every optional package"
    assert out["last"] < 0.5 * out["first"], (out["first"], out["last"])
    stdlib = set(out["stdlib"])
    # numpy's compiled parts register "cython_runtime" and private "_..." helper modules
    foreign = [m for m in out["new_modules"] if m not in stdlib and m not in {"numpy", "mfnet", "cython_runtime"}
               and not m.startswith("_")]
    assert not foreign, f"importing and training mfnet loaded non-stdlib modules: {foreign}"
    assert "mfnet" in out["new_modules"] and "numpy" in out["new_modules"]
