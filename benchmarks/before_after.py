"""Speed of mfnet.fit and of the book's loop at another git revision against
the working tree, paired in one process (a change must not slow them down).

Run from the repository root::

    python -m benchmarks.before_after main            # 5,000 samples, 15 rounds
    python -m benchmarks.before_after a99edd8 --samples 10000 --repeats 31

The ``mfnet/`` of the revision is extracted (``git archive``) into a
temporary folder as the package ``mfnet_before``; then, for each
configuration of :data:`benchmarks.speed.CONFIGS`, six trainers run
interleaved rounds (:func:`benchmarks.speed.time_trainers`, CPU clock, one
BLAS thread): fit and the book loop before and after, the numpy loop, and
``fit + pass``, the current fit preceded by one pass over X that looks for
NaN or infinity (what checking the data up front would cost). Every ratio
is paired, the median over the rounds with the range. Both fits must end at
the same weights (printed).
"""
from __future__ import annotations

import os
import sys

if __name__ == "__main__":
    for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[_var] = "1"

import argparse  # noqa: E402
import importlib  # noqa: E402
import subprocess  # noqa: E402
import tarfile  # noqa: E402
import tempfile  # noqa: E402
from io import BytesIO  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

import mfnet  # noqa: E402
from benchmarks import speed  # noqa: E402
from mfnet.guards import finite_data  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def load_revision(revision: str, folder: Path):
    """Import the ``mfnet`` package of a git revision as ``mfnet_before``."""
    archive = subprocess.run(["git", "archive", revision, "mfnet"], cwd=ROOT,
                             check=True, capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(folder)  # our own repository's files
    (folder / "mfnet").rename(folder / "mfnet_before")
    sys.path.insert(0, str(folder))
    return importlib.import_module("mfnet_before")


def _model(lib, weights, activation):
    sizes = [weights[0].shape[1] - 1] + [W.shape[0] - 1 for W in weights]
    model = lib.mlp(sizes, activation, rng=0)
    for layer, W in zip(model.linear_layers, weights):
        layer.W = W
    return model


def _fit(lib, data, weights, cfg, upfront=False):
    model = _model(lib, weights, cfg["activation"])
    loss, opt = lib.SoftmaxCrossEntropy(), lib.SGD(model, lr=cfg["lr"])
    gen = np.random.default_rng(0)

    def epoch() -> float:
        if upfront:
            finite_data(X=data["X"])
        return lib.fit(model, loss, opt, data["X"], data["y"], epochs=1,
                       batch_size=cfg["batch_size"], rng=gen).loss[0]
    return epoch, model.weights


def _book(lib, data, weights, cfg):
    model = _model(lib, weights, cfg["activation"])
    loss = lib.SoftmaxCrossEntropy()
    gen = np.random.default_rng(0)

    def epoch() -> float:
        return speed.book_loop_epoch(model, loss, data["X"], data["Y"],
                                     cfg["batch_size"], cfg["lr"], gen)
    return epoch, model.weights


def compare(before, samples: int = 5000, repeats: int = 15) -> str:
    """The table of paired ratios, one block per configuration."""
    data = speed.make_data(samples)
    lines = [f"{samples:,} samples, {repeats} rounds, cpu clock, 1 thread; "
             "ratios: median over the rounds [range]"]
    for name, cfg in speed.CONFIGS.items():
        W0 = speed.initial_weights(cfg["sizes"], cfg["activation"])
        t, current = {}, {}
        t["fit before"], current["fit before"] = _fit(before, data, W0, cfg)
        t["fit after"], current["fit after"] = _fit(mfnet, data, W0, cfg)
        t["fit + pass"], _ = _fit(mfnet, data, W0, cfg, upfront=True)
        t["book before"], _ = _book(before, data, W0, cfg)
        t["book after"], _ = _book(mfnet, data, W0, cfg)
        t["numpy loop"], _ = speed.make_trainer(
            "numpy loop", W0, cfg["activation"], data,
            batch_size=cfg["batch_size"], lr=cfg["lr"], rng=0)
        times = speed.time_trainers(t, repeats=repeats, warmup=1, clock="cpu")
        same = all(np.array_equal(u, v) for u, v in
                   zip(current["fit after"](), current["fit before"]()))
        lines += ["", f"{name} {cfg['sizes']} batch {cfg['batch_size']}; "
                      f"fit after ends at fit before's weights: {same}",
                  f"  {'':14s} {'best ms':>8s}  vs numpy loop"]
        for impl, ts in times.items():
            r = [a / b for a, b in zip(ts, times["numpy loop"])]
            lines.append(f"  {impl:14s} {min(ts) * 1e3:8.1f}  {np.median(r):.3f} "
                         f"[{min(r):.3f}, {max(r):.3f}]")
        for a, b in (("fit after", "fit before"), ("book after", "book before"),
                     ("fit + pass", "fit after")):
            r = [x / y for x, y in zip(times[a], times[b])]
            lines.append(f"  {a} / {b}: {np.median(r):.3f} "
                         f"[{min(r):.3f}, {max(r):.3f}]")
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("revision", help="git revision to compare with, e.g. main")
    parser.add_argument("--samples", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args(argv)
    speed.pin_threads(1)
    with tempfile.TemporaryDirectory() as folder:
        before = load_revision(args.revision, Path(folder))
        print(f"{args.revision} against the working tree")
        print(compare(before, args.samples, args.repeats))


if __name__ == "__main__":
    main()
