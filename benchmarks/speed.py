"""Speed of mfnet against the same mathematics as one plain numpy loop and against PyTorch CPU.

Run from the repository root::

    python -m benchmarks.speed                 # 10,000 samples, 1 thread, 9 rounds
    python -m benchmarks.speed --quick         # a small run, for the book
    python -m benchmarks.speed --threads 2 --samples 60000

Everything runs in one process with pinned thread counts (OMP_NUM_THREADS,
OPENBLAS_NUM_THREADS, MKL_NUM_THREADS are set before numpy is imported;
``torch.set_num_threads``), on random data of MNIST's shape (784 features,
10 classes). Five implementations train the same network from the same
initial weights on the same mini-batches in the same order
(:func:`mfnet.batches`):

* ``mfnet``         -- :func:`mfnet.fit` with :class:`mfnet.SoftmaxCrossEntropy` and :class:`mfnet.SGD`;
* ``book loop``     -- :func:`book_loop_epoch`: the loop as the book writes it with mfnet's
  layers (forward, loss, backward, ``layer.W -= lr * layer.dW``);
* ``numpy loop``    -- :func:`numpy_loop_epoch`: the same mathematics written out as the
  tightest plain numpy loop we could write, in mfnet's convention (samples as columns,
  bias row 0);
* ``torch float32`` and ``torch float64`` -- ``nn.Linear`` / ``nn.Tanh`` or ``nn.ReLU``,
  ``nn.CrossEntropyLoss`` on the logits, ``torch.optim.SGD``.

Each measurement is one training epoch; every implementation first trains a
warm-up epoch, then ``repeats`` rounds follow, in each of which every
implementation trains one timed epoch (in an order that rotates from round to
round). Samples per second come from each implementation's best epoch; a ratio
of two implementations is the median over the rounds of that round's ratio
(:func:`paired_ratio`). The functions return plain
dicts and lists so that ``book/13_speed.ipynb`` can reuse them; see
``benchmarks/README.md``.
"""
from __future__ import annotations

import os
import sys

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def _threads_from_argv(argv: list[str]) -> int:
    """The --threads value of a command line (default 1), read before numpy is imported."""
    for i, arg in enumerate(argv):
        if arg == "--threads" and i + 1 < len(argv):
            return int(argv[i + 1])
        if arg.startswith("--threads="):
            return int(arg.split("=", 1)[1])
    return 1


if __name__ == "__main__":
    # BLAS libraries read these once, when numpy (or torch) is first imported.
    for _var in THREAD_VARIABLES:
        os.environ[_var] = str(_threads_from_argv(sys.argv[1:]))

import argparse  # noqa: E402
import gc  # noqa: E402
import time  # noqa: E402
from typing import Callable  # noqa: E402

import numpy as np  # noqa: E402

import mfnet  # noqa: E402

__all__ = ["CONFIGS", "IMPLEMENTATIONS", "TARGETS", "pin_threads", "make_data", "initial_weights",
           "numpy_loop_epoch", "book_loop_epoch", "numpy_loop_train", "mfnet_train", "torch_train", "make_trainer",
           "time_trainers", "run_benchmark", "epoch_time", "check_equivalence", "check_targets",
           "format_table", "main"]

#: The two configurations of the library issue: layer sizes, hidden activation, batch size, learning rate.
CONFIGS: dict[str, dict] = {
    "seed": {"sizes": (784, 32, 16, 10), "activation": "tanh", "batch_size": 32, "lr": 0.1},
    "wide": {"sizes": (784, 256, 128, 10), "activation": "relu", "batch_size": 128, "lr": 0.1},
}

#: The implementations, in the order of the table.
IMPLEMENTATIONS = ("mfnet", "book loop", "numpy loop", "torch float32", "torch float64")

#: (configuration, implementation, reference, largest allowed time ratio implementation / reference).
TARGETS = (
    ("seed", "mfnet", "numpy loop", 1.1),
    ("seed", "book loop", "numpy loop", 1.15),
    ("seed", "mfnet", "torch float32", 0.5),
    ("seed", "mfnet", "torch float64", 0.5),
    ("wide", "mfnet", "numpy loop", 1.1),
)


# ----------------------------------------------------------------------------------------------
# Threads and data
# ----------------------------------------------------------------------------------------------

def pin_threads(n: int = 1) -> dict:
    """Pin numpy's BLAS and PyTorch to ``n`` threads; return what holds.

    Before numpy is imported (``python -m benchmarks.speed``) the BLAS
    variables are set too, for any library that reads them; in any case
    :func:`mfnet_torch.pin_threads` sets the loaded libraries at run time.
    Returns {"requested": n, "env": {variable: value}, "blas": [counts], "torch": count}.
    """
    if "numpy" not in sys.modules:
        for var in THREAD_VARIABLES:
            os.environ[var] = str(n)
    import mfnet_torch

    pinned = mfnet_torch.pin_threads(n)
    return {"requested": n, "env": {var: os.environ.get(var) for var in THREAD_VARIABLES}, **pinned}


def make_data(samples: int = 10_000, n_features: int = 784, n_classes: int = 10,
              seed: int = 0) -> dict:
    """Random data of MNIST's shape: pixel-like features in [0, 1) and learnable labels.

    Returns a dict of
      "X"      : (n_features + 1, samples) float64, mfnet's layout (bias row 0 of ones);
      "y"      : (samples,) int64 labels in 0 .. n_classes - 1 (the argmax of a random linear map);
      "Y"      : (n_classes + 1, samples) float64, augmented one-hot targets (for the numpy loop);
      "X_rows" : (samples, n_features) float64, samples as rows (for PyTorch).
    """
    rng = np.random.default_rng(seed)
    X_rows = rng.random((samples, n_features))
    y = np.argmax((X_rows - 0.5) @ rng.normal(size=(n_features, n_classes)), axis=1)
    return {"X": mfnet.augment(X_rows), "y": y, "Y": mfnet.one_hot(y, n_classes), "X_rows": X_rows}


def initial_weights(sizes, activation: str, seed: int = 0) -> list[np.ndarray]:
    """The augmented W of every layer of ``mfnet.mlp(sizes, activation, rng=seed)`` (copies)."""
    return mfnet.mlp(list(sizes), activation, rng=seed).weights()


def _model(weights: list[np.ndarray], activation: str) -> mfnet.Sequential:
    """An mfnet network Linear, g, ..., Linear (logits) with the given augmented weights."""
    sizes = [weights[0].shape[1] - 1] + [W.shape[0] - 1 for W in weights]
    model = mfnet.mlp(sizes, activation, rng=0)
    for layer, W in zip(model.linear_layers, weights):
        layer.W = W
    return model


def _generator(rng) -> np.random.Generator:
    return rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)


# ----------------------------------------------------------------------------------------------
# The three ways to train
# ----------------------------------------------------------------------------------------------

def numpy_loop_epoch(Ws: list[np.ndarray], activation: str, X: np.ndarray,
                     Y: np.ndarray, batch_size: int, lr: float,
                     rng: np.random.Generator) -> float:
    """One epoch of mini-batch SGD written as the tightest plain numpy loop
    we could; returns the mean loss.

    The mathematics of mfnet (book chapter 4) without the library: samples
    as columns, bias row 0, Ws[l] of shape (n_l + 1, n_{l-1} + 1) updated in
    place, hidden activation "tanh" or "relu", softmax + cross-entropy on the
    logits.
    X : (n_0 + 1, m), column-major (each sample contiguous, as mfnet.augment
    returns it); Y : (n_L + 1, m) augmented one-hot; batches from
    mfnet.batches(m, batch_size, rng).

    What makes it tight, with the same arithmetic as mfnet: row 0 of every
    Delta and every dW is zero, so only rows 1.. are ever computed
    (dW[1:] = Delta[1:] A^T, dJ/dA = W[1:]^T Delta[1:]) and only W[1:] is
    updated; activations and gradients are computed in place; the gradient
    buffers, the views W[1:] and the list of layer inputs are made once per
    epoch, not per batch.
    """
    if activation not in ("tanh", "relu"):
        raise ValueError("numpy_loop_epoch: activation must be 'tanh' or "
                         f"'relu', got {activation!r}")
    tanh = activation == "tanh"
    m = X.shape[1]
    L = len(Ws)
    W1s = [W[1:] for W in Ws]               # the trainable rows, as views
    W1Ts = [W1.T for W1 in W1s]
    Gs = [np.empty(W1.shape) for W1 in W1s]  # dW[1:] buffers
    As = [None] * L                          # each layer's input, reused
    total = 0.0
    for idx in mfnet.batches(m, batch_size, rng):
        A = X[:, idx]
        for l in range(L - 1):               # forward: Z = W A, g on rows 1..
            As[l] = A
            A = Ws[l] @ A                    # row 0 of W A is the ones again
            H = A[1:]
            if tanh:
                np.tanh(H, out=H)
            else:
                np.maximum(H, 0.0, out=H)
        As[L - 1] = A
        Z1 = W1s[L - 1] @ A                  # the logits' rows 1..
        Z1 -= Z1.max(axis=0)                 # softmax + cross-entropy
        E = np.exp(Z1)
        sums = E.sum(axis=0)
        Yb = Y[1:, idx]
        total -= np.vdot(Yb, Z1 - np.log(sums))
        E /= sums
        E -= Yb
        E /= len(idx)                        # Delta[1:] = (softmax - Y) / m_b
        D = E
        for l in range(L - 1, -1, -1):       # backward, then the in-place step
            A = As[l]
            if l > 0:
                dA1 = (W1Ts[l] @ D)[1:]      # rows 1.. of W^T Delta
                A1 = A[1:]
                if tanh:
                    t = A1 * A1
                    np.subtract(1.0, t, out=t)
                    dA1 *= t
                else:
                    dA1 *= A1 > 0
            G = Gs[l]
            np.matmul(D, A.T, out=G)
            G *= lr
            W1s[l] -= G
            if l > 0:
                D = dA1
    return total / m


def book_loop_epoch(model: mfnet.Sequential, loss: mfnet.Loss,
                    X: np.ndarray, Y: np.ndarray, batch_size: int, lr: float,
                    rng: np.random.Generator) -> float:
    """One epoch as the book writes the loop with mfnet's pieces; returns
    the mean loss.

    For each batch: forward, loss, ``model.backward(loss.backward())``, then
    ``layer.W -= lr * layer.dW`` for every Linear layer. X : (n_0 + 1, m) from
    mfnet.augment; Y : (n_L + 1, m) one-hot (mfnet.one_hot).
    """
    m = X.shape[1]
    total = 0.0
    for idx in mfnet.batches(m, batch_size, rng):
        J = loss.forward(model.forward(X[:, idx]), Y[:, idx])
        model.backward(loss.backward())
        for layer in model.linear_layers:
            layer.W -= lr * layer.dW
        total += J * len(idx)
    return total / m


def _numpy_loop_trainer(weights, activation, data, batch_size, lr, rng):
    Ws = [W.copy() for W in weights]
    gen = _generator(rng)

    def epoch() -> float:
        return numpy_loop_epoch(Ws, activation, data["X"], data["Y"], batch_size, lr, gen)

    return epoch, lambda: [W.copy() for W in Ws]


def _book_loop_trainer(weights, activation, data, batch_size, lr, rng):
    model = _model(weights, activation)
    loss = mfnet.SoftmaxCrossEntropy()
    gen = _generator(rng)

    def epoch() -> float:
        return book_loop_epoch(model, loss, data["X"], data["Y"], batch_size, lr, gen)

    return epoch, model.weights


def _mfnet_trainer(weights, activation, data, batch_size, lr, rng):
    model = _model(weights, activation)
    loss = mfnet.SoftmaxCrossEntropy()
    optimizer = mfnet.SGD(model, lr=lr)
    gen = _generator(rng)

    def epoch() -> float:
        return mfnet.fit(model, loss, optimizer, data["X"], data["y"], epochs=1,
                         batch_size=batch_size, rng=gen).loss[0]

    return epoch, model.weights


def _torch_trainer(weights, activation, data, batch_size, lr, rng, dtype_name: str):
    import torch
    from torch import nn

    from mfnet_torch import to_torch, train_epoch, weights_from_torch

    dtype = {"float32": torch.float32, "float64": torch.float64}[dtype_name]
    net = to_torch(_model(weights, activation), dtype=dtype)
    Xt = torch.as_tensor(data["X_rows"], dtype=dtype)
    yt = torch.as_tensor(data["y"], dtype=torch.int64)
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(net.parameters(), lr=lr)
    gen = _generator(rng)

    def epoch() -> float:
        return train_epoch(net, loss_fn, optimizer, Xt, yt, batch_size, gen)

    return epoch, lambda: weights_from_torch(net)


def make_trainer(implementation: str, weights: list[np.ndarray], activation: str, data: dict, *,
                 batch_size: int, lr: float, rng: np.random.Generator | int = 0
                 ) -> tuple[Callable[[], float], Callable[[], list[np.ndarray]]]:
    """Set up one implementation (untimed) and return (train_one_epoch, current_weights).

    ``train_one_epoch()`` trains one more epoch (the batch order continues from
    ``rng`` epoch after epoch) and returns its mean loss; ``current_weights()``
    returns the augmented W of every layer as float64 arrays.
    implementation : one of :data:`IMPLEMENTATIONS`. data : from :func:`make_data`.
    """
    if implementation == "mfnet":
        return _mfnet_trainer(weights, activation, data, batch_size, lr, rng)
    if implementation == "numpy loop":
        return _numpy_loop_trainer(weights, activation, data, batch_size, lr, rng)
    if implementation == "book loop":
        return _book_loop_trainer(weights, activation, data, batch_size, lr, rng)
    if implementation.startswith("torch "):
        return _torch_trainer(weights, activation, data, batch_size, lr, rng, implementation[6:])
    raise ValueError(f"unknown implementation {implementation!r}; choose from {IMPLEMENTATIONS}")


def _train(implementation, weights, activation, data, epochs, batch_size, lr, rng) -> dict:
    epoch, current = make_trainer(implementation, weights, activation, data,
                                  batch_size=batch_size, lr=lr, rng=rng)
    losses = [epoch() for _ in range(epochs)]
    return {"implementation": implementation, "loss": losses, "weights": current()}


def numpy_loop_train(weights, activation: str, data: dict, *, epochs: int = 1, batch_size: int = 32,
                     lr: float = 0.1, rng=0) -> dict:
    """Train with :func:`numpy_loop_epoch`; returns {"implementation", "loss": [per epoch], "weights": [W]}."""
    return _train("numpy loop", weights, activation, data, epochs, batch_size, lr, rng)


def mfnet_train(weights, activation: str, data: dict, *, epochs: int = 1, batch_size: int = 32,
                lr: float = 0.1, rng=0) -> dict:
    """Train with :func:`mfnet.fit`; returns {"implementation", "loss": [per epoch], "weights": [W]}."""
    return _train("mfnet", weights, activation, data, epochs, batch_size, lr, rng)


def torch_train(weights, activation: str, data: dict, *, epochs: int = 1, batch_size: int = 32,
                lr: float = 0.1, rng=0, dtype: str = "float64") -> dict:
    """Train in PyTorch (dtype "float32" or "float64"); returns {"implementation", "loss", "weights"}."""
    return _train(f"torch {dtype}", weights, activation, data, epochs, batch_size, lr, rng)


# ----------------------------------------------------------------------------------------------
# Timing
# ----------------------------------------------------------------------------------------------

CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}


def time_trainers(trainers: dict[str, Callable[[], float]], *, repeats: int = 3, warmup: int = 1,
                  clock: str = "wall") -> dict[str, list[float]]:
    """Time one epoch of every trainer ``repeats`` times, interleaved; returns {name: [seconds]}.

    Each trainer first runs ``warmup`` untimed epochs. Then, in every round,
    each trainer trains one timed epoch; the order rotates from round to round
    so that no implementation always runs first. The garbage collector is
    paused during each timed epoch (as in ``timeit``).
    clock : "wall" (time.perf_counter) or "cpu" (time.process_time: the CPU time
        of this process, less disturbed by other programs on a busy machine;
        with more than one thread it adds up the threads' times).
    """
    timer = CLOCKS[clock]
    for train_one_epoch in trainers.values():
        for _ in range(warmup):
            train_one_epoch()
    names = list(trainers)
    times: dict[str, list[float]] = {name: [] for name in names}
    # Freeze what exists now (torch's many objects): later collections then only
    # look at new objects, which keeps the collection before each epoch cheap.
    gc.collect()
    gc.freeze()
    try:
        for r in range(repeats):
            for name in names[r % len(names):] + names[:r % len(names)]:
                gc.collect()
                gc.disable()
                try:
                    start = timer()
                    trainers[name]()
                    times[name].append(timer() - start)
                finally:
                    gc.enable()
    finally:
        gc.unfreeze()
    return times


def _summary(times: list[float], statistic: str) -> float:
    return min(times) if statistic == "best" else float(np.median(times))


def paired_ratio(times: list[float], reference: list[float]) -> float:
    """The median over the rounds of time / reference time in that round.

    Every round of :func:`time_trainers` runs each implementation once,
    back to back, so the two epochs of a round share the machine's state
    (its clock speed, its other load). A ratio of the two best epochs
    pairs epochs from different moments instead, and on a shared machine
    it moves by 0.3 from run to run; the median of paired ratios moves by
    a few hundredths.
    """
    return float(np.median(np.asarray(times) / np.asarray(reference)))


def run_benchmark(configs=("seed", "wide"), *, samples: int = 10_000, repeats: int = 3,
                  warmup: int = 1, implementations=IMPLEMENTATIONS, statistic: str = "best",
                  clock: str = "wall", seed: int = 0, data: dict | None = None) -> list[dict]:
    """Time one training epoch of every implementation on every configuration.

    configs : names in :data:`CONFIGS` (or dicts with the same keys, plus "name").
    statistic : "best" (minimum over the repeats) or "median".
    clock : "wall" or "cpu" (see :func:`time_trainers`).
    Returns one dict per (configuration, implementation), in table order, with
      "config", "implementation", "sizes", "activation", "batch_size", "samples",
      "seconds" (the statistic, per epoch), "times" (all timed epochs),
      "samples_per_s", and "ratio_<other>" = :func:`paired_ratio` of the
      times against other's, for other in "numpy loop", "torch float32",
      "torch float64" when measured.
    """
    data = data if data is not None else make_data(samples, seed=seed)
    samples = data["X"].shape[1]
    rows = []
    for config in configs:
        cfg = dict(CONFIGS[config], name=config) if isinstance(config, str) else dict(config)
        weights = initial_weights(cfg["sizes"], cfg["activation"], seed)
        trainers = {impl: make_trainer(impl, weights, cfg["activation"], data,
                                       batch_size=cfg["batch_size"], lr=cfg["lr"], rng=seed)[0]
                    for impl in implementations}
        times = time_trainers(trainers, repeats=repeats, warmup=warmup, clock=clock)
        seconds = {impl: _summary(t, statistic) for impl, t in times.items()}
        for impl in implementations:
            row = {"config": cfg["name"], "implementation": impl, "sizes": tuple(cfg["sizes"]),
                   "activation": cfg["activation"], "batch_size": cfg["batch_size"],
                   "samples": samples, "seconds": seconds[impl], "times": times[impl],
                   "samples_per_s": samples / seconds[impl]}
            for other in ("numpy loop", "torch float32", "torch float64"):
                if other in seconds:
                    row[f"ratio_{other}"] = paired_ratio(times[impl], times[other])
            rows.append(row)
    return rows


def epoch_time(width: int, batch_size: int, *, activation: str = "tanh", samples: int = 10_000,
               repeats: int = 3, warmup: int = 1, implementations=IMPLEMENTATIONS, lr: float = 0.1,
               statistic: str = "best", clock: str = "wall", seed: int = 0,
               data: dict | None = None) -> dict:
    """Seconds per training epoch of a 784-width-(width // 2)-10 network, for each implementation.

    width = 32 with tanh and batch 32 is the "seed" configuration, 256 with
    ReLU and batch 128 the "wide" one. Pass ``data`` (from :func:`make_data`)
    to reuse one data set across calls.
    Returns {"width", "batch_size", "activation", "samples", "sizes",
             "seconds": {implementation: seconds per epoch}, "times": {implementation: [all]}}.
    """
    sizes = (784, width, max(width // 2, 1), 10)
    config = {"name": f"width {width}", "sizes": sizes, "activation": activation,
              "batch_size": batch_size, "lr": lr}
    if data is None:
        data = make_data(samples, seed=seed)
    rows = run_benchmark([config], repeats=repeats, warmup=warmup, implementations=implementations,
                         statistic=statistic, clock=clock, seed=seed, data=data)
    return {"width": width, "batch_size": batch_size, "activation": activation,
            "samples": data["X"].shape[1], "sizes": sizes,
            "seconds": {row["implementation"]: row["seconds"] for row in rows},
            "times": {row["implementation"]: row["times"] for row in rows}}


def check_equivalence(configs=("seed", "wide"), *, samples: int = 512, seed: int = 0) -> list[dict]:
    """Train one epoch of every implementation from the same weights on the same batches and compare.

    Returns one dict per (configuration, implementation) with "config",
    "implementation" and "max_rel_diff": the largest, over layers, of
    max|W - W_mfnet| / max|W_mfnet| after the epoch. float64 implementations
    agree to rounding (about 1e-15); float32 to about 1e-6.
    """
    data = make_data(samples, seed=seed + 1)
    out = []
    for name in configs:
        cfg = CONFIGS[name]
        weights = initial_weights(cfg["sizes"], cfg["activation"], seed)
        kwargs = {"epochs": 1, "batch_size": cfg["batch_size"], "lr": cfg["lr"], "rng": seed}
        reference = mfnet_train(weights, cfg["activation"], data, **kwargs)["weights"]
        for impl in IMPLEMENTATIONS[1:]:
            result = _train(impl, weights, cfg["activation"], data, 1, cfg["batch_size"], cfg["lr"], seed)
            diff = max(mfnet.relative_error(W, Wr) for W, Wr in zip(result["weights"], reference))
            out.append({"config": name, "implementation": impl, "max_rel_diff": diff})
    return out


def check_targets(rows: list[dict]) -> list[dict]:
    """Compare the measured ratios with :data:`TARGETS`.

    Returns one dict per target found in ``rows``: "config", "implementation",
    "reference", "limit", "ratio", "met" (bool).
    """
    found = {(row["config"], row["implementation"]): row for row in rows}
    out = []
    for config, impl, reference, limit in TARGETS:
        row = found.get((config, impl))
        if row is None or f"ratio_{reference}" not in row:
            continue
        ratio = row[f"ratio_{reference}"]
        out.append({"config": config, "implementation": impl, "reference": reference,
                    "limit": limit, "ratio": ratio, "met": ratio <= limit})
    return out


def format_table(rows: list[dict]) -> str:
    """The rows of :func:`run_benchmark` as a fixed-width text table."""
    header = ("configuration", "implementation", "samples/s", "vs numpy loop", "vs torch f32", "vs torch f64")
    lines = [f"{header[0]:<22} {header[1]:<14} {header[2]:>10} {header[3]:>14} {header[4]:>13} {header[5]:>13}"]
    lines.append("-" * len(lines[0]))
    for row in rows:
        cfg = f"{row['config']} {'-'.join(map(str, row['sizes']))}"
        ratios = [row.get(f"ratio_{other}") for other in ("numpy loop", "torch float32", "torch float64")]
        cells = [f"{r:.2f}x" if r is not None else "-" for r in ratios]
        lines.append(f"{cfg:<22} {row['implementation']:<14} {row['samples_per_s']:>10,.0f} "
                     f"{cells[0]:>14} {cells[1]:>13} {cells[2]:>13}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=10_000, help="training samples (default 10,000)")
    parser.add_argument("--threads", type=int, default=1, help="BLAS / torch threads (default 1)")
    parser.add_argument("--repeats", type=int, default=9, help="timed epochs per implementation (default 9)")
    parser.add_argument("--statistic", choices=("best", "median"), default="best")
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="wall",
                        help="wall time (default) or the process's CPU time")
    parser.add_argument("--configs", nargs="+", choices=sorted(CONFIGS), default=["seed", "wide"])
    parser.add_argument("--quick", action="store_true", help="2,000 samples, 2 repeats (for the book)")
    parser.add_argument("--check", action="store_true", help="exit with status 1 if a target is missed")
    args = parser.parse_args(argv)
    if args.quick:
        args.samples, args.repeats = min(args.samples, 2_000), min(args.repeats, 2)

    threads = pin_threads(args.threads)
    import torch
    print(f"numpy {np.__version__}, torch {torch.__version__}, python {sys.version.split()[0]}; "
          f"threads: {threads['env']}, torch {threads['torch']}")
    print(f"{args.samples:,} random samples of MNIST's shape; one epoch per measurement, "
          f"{args.repeats} rounds after a warm-up epoch, implementations interleaved; samples/s "
          f"from the {args.statistic} epoch, ratios the median of each round's ratio; "
          f"{args.clock} clock\n")

    for row in check_equivalence(args.configs):
        if row["implementation"] != "torch float32" and not row["max_rel_diff"] < 1e-10:
            print(f"WARNING: {row['implementation']} does not train like mfnet on {row['config']}: "
                  f"max relative weight difference {row['max_rel_diff']:.2e}")

    rows = run_benchmark(args.configs, samples=args.samples, repeats=args.repeats,
                         statistic=args.statistic, clock=args.clock)
    print(format_table(rows))
    print()
    ok = True
    for t in check_targets(rows):
        ok &= t["met"]
        print(f"target {t['config']}: {t['implementation']} time / {t['reference']} time = "
              f"{t['ratio']:.2f} <= {t['limit']}: {'met' if t['met'] else 'NOT MET'}")
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
