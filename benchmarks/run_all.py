"""`make bench`: measure what a student waits for, each number next to its target, with the
machine, its load during the run and the versions; writes benchmarks/results.md.

    make bench                                  # = python tasks.py bench
    make bench ARGS="--fresh-clone"             # also time `make test` in a fresh clone
    .venv/bin/python benchmarks/run_all.py [--skip-notebooks] [--notebooks GLOB]
        [--runner-seeds 0-4] [--fresh-clone] [--skip-throughput] [--out FILE]

1. every notebook's Run-All wall time and its kernel's peak memory (notebooks/NN_*.ipynb, found
   on disk, so a new lesson is measured without a change here);
2. every widget's redraw (figure drawn and rendered to the PNG the widget shows), at its
   defaults and at its largest setting: ``WIDGETS`` below, one entry per widget;
3. the comparison runner (``training.compare``: 8 networks trained together) against 8 plain
   ``model.fit`` calls, over several seeds: speed-up, accuracies, where the runner's time goes
   and how far it is from the arithmetic limit;
4. `make test` in a fresh clone (``--fresh-clone``), else the last recorded `make test` run
   (tasks.py records every run in test-output/make-test.json);
5. `import actlib` time, and every activation's NumPy throughput (bench_activations.py);
6. seconds to autograde one submission of each assignment, the trusted step included
   (bench_autograde.py), and what that makes for a class of 300.
"""

from __future__ import annotations

import argparse
import datetime
import functools
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "benchmarks"), str(ROOT / "scripts"), str(ROOT)]

TARGETS = {"notebook_s": 30, "notebook_mb": 900, "widget_ms": 100, "runner_speedup": 3.0,
           "make_test_s": 600, "import_s": 0.3, "throughput_ratio": 2.0,
           # a class of 300 handing in every assignment, autograded overnight in one process
           "autograde_class_h": 8.0}
RUNNER_NAMES = ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu", "gelu", "silu")
RUNNER_SETUP = {"depth": 8, "width": 32, "epochs": 20, "n": 2000, "batch_size": 64,
                "learning_rate": 0.01}
MAKE_TEST_RECORD = Path("test-output") / "make-test.json"  # written by tasks.py test

# ----------------------------------------------------------------------------------- widgets
# One entry per widget: its figure function in actlib.widgets (defined in the widget's module in
# actlib/widgets/; what the widget redraws on every control move, rendered with
# widgets.render_png) and two settings, its defaults and its largest (the most work per
# redraw). Each setting is (keyword arguments, [neighbours]): a neighbour is
# the same call one control move away, drawn just before, so that "cold" measures a move to a
# setting never shown before and "warm" a move back to one shown before (a slider drag).
# A widget whose figure function is not in this checkout is listed as such; a figure function
# with no entry here (one of widgets.__all__) is measured at its defaults only and flagged.
_MAX = "max"  # resolved from actlib.widgets at run time (GRADIENT_FLOW_MAX_DEPTH, ...)
WIDGETS = {
    "activation explorer": ("explorer_figure", {
        "defaults (relu)": ({"name": "relu"}, [{"name": "leaky_relu"}]),
        "largest (gelu vs mish: two activations, the slowest f)": (
            {"name": "gelu", "compare": "mish"}, [{"name": "gelu", "compare": "silu"}]),
    }),
    "gradient flow": ("gradient_flow_figure", {
        "defaults (sigmoid, depth 20)": (
            {"activation": "sigmoid", "depth": 20}, [{"activation": "sigmoid", "depth": 21}]),
        "largest (depth max)": (
            {"activation": "relu", "depth": ("GRADIENT_FLOW_MAX_DEPTH", 0)},
            [{"activation": "relu", "depth": ("GRADIENT_FLOW_MAX_DEPTH", -1)}]),
    }),
    "signal propagation": ("propagation_figure", {
        "defaults (relu, lecun_normal, depth 20)": (
            {}, [{"depth": 21}, {"init": "he_normal"}]),
        "largest (depth max)": (
            {"depth": ("PROPAGATION_MAX_DEPTH", 0)},
            [{"depth": ("PROPAGATION_MAX_DEPTH", -1)}, {"depth": ("PROPAGATION_MAX_DEPTH", 0),
                                                        "init": "he_normal"}]),
    }),
    "self-normalisation": ("self_normalisation_figure", {
        "defaults (3 setups, 50 layers)": (
            {"setups": ("SELU, lecun_normal", "SELU, random_normal(0.05)", "ReLU, he_normal"),
             "depth": 50},
            [{"setups": ("SELU, lecun_normal", "SELU, random_normal(0.05)"), "depth": 50},
             {"setups": ("SELU, lecun_normal", "SELU, random_normal(0.05)", "ReLU, he_normal"),
              "depth": 49}]),
        "largest (every setup, 100 layers)": (
            {"setups": ("SELF_NORM_SETUPS", "all"), "depth": 100},
            [{"setups": ("SELF_NORM_SETUPS", "all but one"), "depth": 100},
             {"setups": ("SELF_NORM_SETUPS", "all"), "depth": 99}]),
    }),
    "softmax temperature": ("temperature_figure", {
        "defaults (3 logits, T = 1)": (
            {"logits": (3, 0.7, 0.5), "temperature": 1.0},
            [{"logits": (3, 0.7, 0.5), "temperature": 1.06}]),
        "largest (10 logits, T = 0.05)": (
            {"logits": (3, 0.7, 0.5, -1, 2, 0, 1.5, -0.5, 0.2, 1), "temperature": 0.05},
            [{"logits": (3, 0.7, 0.5, -1, 2, 0, 1.5, -0.5, 0.2, 1), "temperature": 0.053}]),
    }),
    "gate explorer": ("gate_figure", {
        "defaults (silu, a = 1)": ({"gate": "silu", "a": 1.0}, [{"gate": "silu", "a": 1.25}]),
        "largest (gelu, the slowest gate, a = -3)": (
            {"gate": "gelu", "a": -3.0}, [{"gate": "gelu", "a": -2.75},
                                                           {"gate": "sigmoid", "a": -3.0}]),
    }),
    "criticality (lesson 03)": ("criticality_figure", {
        "defaults (LeCun, no bias, depth 50)": (
            {"sigma_w": 1.0, "sigma_b": 0.0, "depth": 50},
            [{"sigma_w": 1.01, "sigma_b": 0.0, "depth": 50}]),
        "largest (sigma_w 3, sigma_b 1, depth max)": (
            {"sigma_w": 3.0, "sigma_b": 1.0, "depth": ("CRITICALITY_MAX_DEPTH", 0)},
            [{"sigma_w": 2.99, "sigma_b": 1.0, "depth": ("CRITICALITY_MAX_DEPTH", 0)}]),
    }),
    "blocks (lesson 09)": ("block_figure", {
        "defaults (plain, relu, depth 50)": (
            {"block": "plain", "activation": "relu", "depth": 50},
            [{"block": "layer norm", "activation": "relu", "depth": 50},
             {"block": "plain", "activation": "relu", "depth": 49}]),
        "largest (pre-norm residual, swiglu, depth max: the slowest stack)": (
            {"block": "pre-norm residual", "activation": "swiglu",
             "depth": ("BLOCKS_MAX_DEPTH", 0)},
            [{"block": "RMS norm", "activation": "swiglu", "depth": ("BLOCKS_MAX_DEPTH", 0)},
             {"block": "pre-norm residual", "activation": "swiglu",
              "depth": ("BLOCKS_MAX_DEPTH", -1)}]),
    }),
}


class LoadMonitor:
    """The 1-minute load average, sampled every few seconds while the bench runs."""

    def __init__(self, every: float = 5.0):
        self.samples: list[tuple[float, float]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(every,), daemon=True)

    def _run(self, every: float) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(every)

    def sample(self) -> None:
        if hasattr(os, "getloadavg"):
            self.samples.append((time.time(), os.getloadavg()[0]))

    def start(self) -> LoadMonitor:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def since(self, t0: float) -> str:
        """min / mean / max of the samples taken since t0 (a time.time())."""
        self.sample()
        values = [v for t, v in self.samples if t >= t0]
        if not values:
            return "n/a"
        return f"{min(values):.1f} / {statistics.mean(values):.1f} / {max(values):.1f}"


def _ok(met: bool) -> str:
    return "yes" if met else "**NO**"


# --------------------------------------------------------------------------------- notebooks

def notebooks(pattern: str, summary: list) -> list[str]:
    import run_notebooks

    lines = [f"Every `notebooks/{pattern}`, executed in a fresh kernel as `make notebooks` does "
             "(nothing written). Targets: Run-All <= "
             f"{TARGETS['notebook_s']} s (TensorFlow's import included), kernel peak <= "
             f"{TARGETS['notebook_mb']} MB.", "",
             "| notebook | Run-All (s) | kernel peak (MB) | load during it | target met |",
             "|---|---:|---:|---:|---|"]
    total = 0.0
    for path in sorted((ROOT / "notebooks").glob(pattern)):
        t0 = time.time()
        load0 = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        seconds, peak, problems = run_notebooks.run(path, write=False)
        load1 = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        total += seconds
        ok = seconds <= TARGETS["notebook_s"] and peak <= TARGETS["notebook_mb"]
        note = f" ({'; '.join(problems)})" if problems else ""
        lines.append(f"| {path.name} | {seconds:.1f} | {peak:.0f} | {load0:.1f} -> {load1:.1f} | "
                     f"{_ok(ok)}{note} |")
        summary.append((f"notebook {path.name}", f"{seconds:.1f} s, {peak:.0f} MB",
                        f"<= {TARGETS['notebook_s']} s, <= {TARGETS['notebook_mb']} MB", ok))
        print(lines[-1], f"[{time.time() - t0:.0f} s]", flush=True)
    lines.append(f"| all | {total:.1f} | | | |")
    return lines


# ----------------------------------------------------------------------------------- widgets

def _resolve(value, widgets):
    """("NAME", offset) -> widgets.NAME + offset; ("SELF_NORM_SETUPS", "all" | "all but one")."""
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], str) \
            and value[0].isupper():
        base = getattr(widgets, value[0])
        if value[1] == "all":
            return tuple(base)
        if value[1] == "all but one":
            return tuple(base)[:-1]
        return base + value[1]
    return value


def _redraw_ms(draw, neighbours, repeat: int) -> dict[str, float]:
    """Median milliseconds (wall clock, and this process's CPU time) of a widget redraw
    (``draw(fig=...)`` then ``widgets.render_png``) in three situations:

    first: the widget's first picture (a new figure, every network computed from scratch);
    cold:  the figure showed a neighbour (one control move away) and nothing else was ever
           shown: the setting is new, what the neighbour computed is remembered (the worst
           neighbour's median);
    warm:  the same, but the setting was shown before (a slider drag revisits them)."""
    import matplotlib.pyplot as plt

    from actlib import widgets

    def redraw(which, fig):
        start, cpu = time.perf_counter(), time.process_time()
        fig = which(fig=fig)
        widgets.render_png(fig)
        return fig, (time.perf_counter() - start, time.process_time() - cpu)

    times = {"first": [], **{f"cold {i}": [] for i in range(len(neighbours))}, "warm": []}
    for _ in range(repeat):
        widgets.clear_caches()
        fig, t = redraw(draw, None)
        times["first"].append(t)
        plt.close(fig)
        for i, neighbour in enumerate(neighbours):
            widgets.clear_caches()
            fig, _ = redraw(neighbour, None)
            fig, t = redraw(draw, fig)
            times[f"cold {i}"].append(t)
            fig, _ = redraw(neighbour, fig)
            fig, t = redraw(draw, fig)
            times["warm"].append(t)
            plt.close(fig)
    med = {k: [1e3 * statistics.median(t[i] for t in v) for i in (0, 1)] for k, v in times.items()}
    colds = [v for k, v in med.items() if k.startswith("cold")]
    worst = max(colds, key=lambda v: v[0]) if colds else [float("nan")] * 2
    return {"first": med["first"][0], "cold": worst[0], "warm": med["warm"][0],
            "cold cpu": worst[1], "warm cpu": med["warm"][1]}


def widget_redraws(repeat: int, summary: list) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from actlib import widgets

    target = TARGETS["widget_ms"]
    lines = [f"Median of {repeat} redraws each: the figure drawn and rendered to the PNG the "
             "widget displays (`widgets.render_png`). first = the widget's first picture (new "
             "figure, every network computed from scratch: part of the notebook's run, not a "
             "redraw); cold = a move to a setting never shown before, one control move after a "
             "neighbour (the worst of the neighbours listed in `WIDGETS`); warm = a move back to "
             f"a setting shown before (a slider drag). Target: cold and warm <= {target} ms "
             "(wall clock). CPU = this process's CPU time (what a redraw costs on an idle "
             "core; the wall clock adds waiting for a busy one).", "",
             "| widget | setting | first (ms) | cold (ms) | warm (ms) | cold, CPU (ms) "
             "| warm, CPU (ms) | load during it | target met |",
             "|---|---|---:|---:|---:|---:|---:|---:|---|"]
    covered = set()
    for widget, (fname, settings) in WIDGETS.items():
        fn = getattr(widgets, fname, None)
        covered.add(fname)
        if fn is None:
            lines.append(f"| {widget} | (`widgets.{fname}` is not in this checkout) | | | | | | "
                         "| not measured |")
            summary.append((f"widget {widget}", "not in this checkout", f"<= {target} ms", None))
            continue
        for setting, (kwargs, neighbours) in settings.items():
            t0 = time.time()
            load0 = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
            try:
                call = functools.partial(fn, **{k: _resolve(v, widgets) for k, v in kwargs.items()})
                near = [functools.partial(fn, **{k: _resolve(v, widgets) for k, v in n.items()})
                        for n in neighbours]
                t = _redraw_ms(call, near, repeat)
            except Exception as exc:  # a changed signature: say so, measure the rest
                plt.close("all")
                lines.append(f"| {widget} | {setting} | failed: {type(exc).__name__}: {exc} "
                             "| | | | | | **NO** |")
                summary.append((f"widget {widget}: {setting}", "failed", f"<= {target} ms", False))
                continue
            load1 = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
            ok = t["cold"] <= target and t["warm"] <= target
            lines.append(f"| {widget} | {setting} | {t['first']:.0f} | {t['cold']:.0f} | "
                         f"{t['warm']:.0f} | {t['cold cpu']:.0f} | {t['warm cpu']:.0f} | "
                         f"{load0:.1f} -> {load1:.1f} | {_ok(ok)} |")
            summary.append((f"widget {widget}: {setting}",
                            f"cold {t['cold']:.0f} ms, warm {t['warm']:.0f} ms (CPU "
                            f"{t['cold cpu']:.0f}, {t['warm cpu']:.0f})", f"<= {target} ms", ok))
            print(lines[-1], f"[{time.time() - t0:.0f} s]", flush=True)
    for fname in sorted(n for n in getattr(widgets, "__all__", []) if n.endswith("_figure")):
        if fname in covered:
            continue
        t = _redraw_ms(getattr(widgets, fname), [], repeat)
        lines.append(f"| `{fname}` (no entry in `WIDGETS`: defaults only, add its largest "
                     f"setting) | defaults | {t['first']:.0f} | | {t['warm']:.0f} | | "
                     f"{t['warm cpu']:.0f} | | {_ok(t['warm'] <= target)} |")
        summary.append((f"widget {fname} (no entry)", f"warm {t['warm']:.0f} ms",
                        f"<= {target} ms", t["warm"] <= target))
    return lines


# ------------------------------------------------------------------------------------ runner

def _plain_fit(names, seed: int) -> tuple[dict[str, float], float, float]:
    """8 plain build_mlp + compile + fit + evaluate calls: test accuracies, wall s, CPU s."""
    from actlib import training

    keras = training.keras
    start, cpu = time.perf_counter(), time.process_time()
    task = training._Task.make("two_spirals", RUNNER_SETUP["n"], seed)
    X_train, X_test, y_train, y_test = task.data
    accuracy = {}
    for name in names:
        model = training.build_mlp(name, RUNNER_SETUP["depth"], RUNNER_SETUP["width"], seed=seed)
        model.compile(keras.optimizers.Adam(RUNNER_SETUP["learning_rate"]), task.loss,
                      metrics=["accuracy"])
        model.fit(X_train, y_train, epochs=RUNNER_SETUP["epochs"],
                  batch_size=RUNNER_SETUP["batch_size"], verbose=0)
        accuracy[name] = float(model.evaluate(X_test, y_test, verbose=0)[1])
    return accuracy, time.perf_counter() - start, time.process_time() - cpu


def _runner(names, seed: int) -> tuple[dict[str, float], float, float, dict[str, float]]:
    from actlib import together, training

    start, cpu = time.perf_counter(), time.process_time()
    results = training.compare(list(names), "two_spirals", verbose=False, seed=seed,
                               **RUNNER_SETUP)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    return ({n: r.test_accuracy for n, r in results.items()}, wall, cpu,
            dict(together.LAST_RUN_TIMES))


def _matmul_gflops(k: int, rows: int, width: int) -> float:
    """This core's float32 rate on the runner's biggest products, (k, rows, width) @ (k, width,
    width), NumPy on one thread: what "arithmetic limit" divides by."""
    import numpy as np
    from threadpoolctl import threadpool_limits

    rng = np.random.default_rng(0)
    a = rng.normal(size=(k, rows, width)).astype(np.float32)
    b = rng.normal(size=(k, width, width)).astype(np.float32)
    with threadpool_limits(1):
        best = float("inf")
        for _ in range(7):
            start = time.perf_counter()
            for _ in range(20):
                a @ b
            best = min(best, (time.perf_counter() - start) / 20)
    return 2 * k * rows * width * width / best / 1e9


def _flops(k: int, n_train: int, n_test: int) -> tuple[float, float]:
    """Multiply-adds x 2 of the runner's matrix products: (training: forward + the two backward
    products per layer, measurements: a forward pass over train and test data per epoch and
    before the first)."""
    s = RUNNER_SETUP
    macs = 2 * s["width"] + (s["depth"] - 1) * s["width"] ** 2 + s["width"] * 2  # per example
    train = 2 * macs * 3 * n_train * s["epochs"] * k
    measure = 2 * macs * (n_train + n_test) * (s["epochs"] + 1) * k
    return train, measure


def runner(seeds: list[int], summary: list) -> list[str]:
    from actlib import training

    names = RUNNER_NAMES
    training.compare(list(names[:2]), "two_spirals", verbose=False, **{**RUNNER_SETUP,
                                                                       "epochs": 1})  # warm-up
    runs, plain = [], []
    for i, seed in enumerate(seeds):  # interleaved, so that both see the same load
        order = (("runner", _runner), ("plain", _plain_fit))
        for label, fn in order if i % 2 == 0 else order[::-1]:
            t0 = time.time()
            load0 = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
            out = fn(names, seed)
            (runs if label == "runner" else plain).append((seed, load0, *out))
            print(f"runner bench: seed {seed} {label}: {out[1]:.1f} s wall, {out[2]:.1f} s CPU, "
                  f"load {load0:.1f} [{time.time() - t0:.0f} s]", flush=True)
    t_run = statistics.median(r[3] for r in runs)
    t_plain = statistics.median(p[3] for p in plain)
    c_run = statistics.median(r[4] for r in runs)
    c_plain = statistics.median(p[4] for p in plain)
    speedup = t_plain / t_run
    ratios = ", ".join(f"{p[3] / r[3]:.2f}" for r, p in zip(runs, plain, strict=True))
    ok = speedup >= TARGETS["runner_speedup"]
    summary.append(("runner speed-up vs plain fit",
                    f"{speedup:.2f}x (CPU time {c_plain / c_run:.2f}x)",
                    f">= {TARGETS['runner_speedup']}x", ok))
    s = RUNNER_SETUP
    n_train = round(s["n"] * 0.75)
    f_train, f_measure = _flops(len(names), n_train, s["n"] - n_train)
    rate = _matmul_gflops(len(names), n_train, s["width"])
    limit = (f_train + f_measure) / rate / 1e9
    parts = {key: statistics.median(r[5].get(key, 0.0) for r in runs) for key in runs[0][5]}
    lines = [f"{len(names)} activations ({', '.join(names)}), {s['depth']} hidden layers of "
             f"{s['width']} units, two spirals, {s['n']:,} points ({n_train:,} to train), "
             f"{s['epochs']} epochs, Adam {s['learning_rate']}, batches of {s['batch_size']}; "
             f"seeds {', '.join(map(str, seeds))}, runner and plain calls interleaved. The runner "
             "also measures, before training and after every epoch, each network's loss and "
             "accuracy on the whole training and test sets and its dead units, and its gradient "
             "norms before and after training; the plain calls measure nothing.", "",
             "| | median wall time (s) | median CPU time (s) |", "|---|---:|---:|",
             f"| actlib runner (`training.compare`, trained together) | {t_run:.2f} | "
             f"{c_run:.2f} |",
             f"| {len(names)} plain `build_mlp` + `fit` + `evaluate` calls | {t_plain:.2f} | "
             f"{c_plain:.2f} |",
             f"| **speed-up** (target >= {TARGETS['runner_speedup']}) | **{speedup:.2f}** "
             f"({_ok(ok)}; per seed: {ratios}) | {c_plain / c_run:.2f} |", "",
             "Where the runner's time goes (median over the seeds, wall clock; "
             "`actlib.together.LAST_RUN_TIMES`):", "",
             "| part | seconds | share |", "|---|---:|---:|"]
    total = parts.get("total", sum(parts.values()))
    for key, value in parts.items():
        if key != "total":
            lines.append(f"| {key} | {value:.2f} | {100 * value / total:.0f}% |")
    lines += [f"| total | {total:.2f} | |", "",
              f"Arithmetic: the matrix products come to {f_train / 1e9:.1f} GFLOP of training "
              f"(forward and both backward products) and {f_measure / 1e9:.1f} GFLOP of "
              f"measurements (a forward pass over all {s['n']:,} points before training and after "
              f"each epoch). At this core's float32 rate on these shapes ({rate:.0f} GFLOP/s, "
              f"NumPy, one thread) that is {limit:.2f} s: the runner takes {t_run / limit:.0f}x "
              "the arithmetic limit. The rest is per-op overhead (a training step runs about a "
              "thousand small TensorFlow ops: 8 layers x 8 activations, their gradients, Adam's "
              "update of each weight tensor), tracing the two compiled functions, building the "
              "Keras models, and eager gradient norms.", "",
              "Test accuracy, mean ± standard deviation over the seeds (min to max):", "",
              "| activation | runner | plain fit | difference of means | within the seed spread |",
              "|---|---:|---:|---:|---|"]
    all_within = True
    for name in names:
        a = [r[2][name] for r in runs]
        b = [p[2][name] for p in plain]
        sd = lambda v: statistics.stdev(v) if len(v) > 1 else 0.0  # noqa: E731
        diff = statistics.mean(a) - statistics.mean(b)
        within = abs(diff) <= max(sd(a), sd(b))
        all_within &= within
        lines.append(f"| {name} | {statistics.mean(a):.3f} ± {sd(a):.3f} ({min(a):.3f} to "
                     f"{max(a):.3f}) | {statistics.mean(b):.3f} ± {sd(b):.3f} ({min(b):.3f} to "
                     f"{max(b):.3f}) | {diff:+.3f} | {'yes' if within else 'no'} |")
    lines += ["", "Within the seed spread: the difference of the means is at most the larger of "
              "the two standard deviations. (The runner trains each network exactly as alone, "
              "but float rounding differs between one stacked product and separate ones, and "
              "20 epochs on spirals amplify it: single seeds can differ a lot; the means do "
              "not.)"]
    summary.append(("runner accuracy vs plain fit", "every activation within the seed spread"
                    if all_within else "not all within the seed spread", "within the spread",
                    all_within))
    return lines


# --------------------------------------------------------------------------------- make test

def fresh_clone_make_test(summary: list) -> list[str]:
    """`git clone` this repository's HEAD into a temporary folder and run `make test` there:
    the commands tasks.py runs after its install step, with this checkout's venv (PYTHONPATH
    set to the clone, so the clone's actlib is the one tested). Only committed files count."""
    import tasks

    py = tasks.venv_python()
    if not py.exists():
        py = Path(sys.executable)
    folder = Path(tempfile.mkdtemp(prefix="actlib-fresh-"))
    clone = folder / "actlib"
    try:
        try:
            subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
            commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=clone,
                                    check=True, capture_output=True, text=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError) as exc:
            summary.append(("fresh clone's `make test`", "failed to clone", "", False))
            return [f"`git clone` failed: {exc}"]
        env = tasks.activated(py, {**os.environ, "PYTHONPATH": str(clone)})
        t0, start = time.time(), time.perf_counter()
        code = 0
        for command, extra_env in tasks.commands("test", [], py):
            print("$", " ".join(command), flush=True)
            code = subprocess.call(command, cwd=clone, env={**env, **extra_env})
            if code:
                break
        seconds = time.perf_counter() - start
        load = f"{os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else "n/a"
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    ok = code == 0 and seconds <= TARGETS["make_test_s"]
    summary.append(("fresh clone's `make test`", f"{seconds / 60:.1f} min (exit {code})",
                    f"<= {TARGETS['make_test_s'] / 60:.0f} min", ok))
    return [f"`git clone` of HEAD ({commit}), then `make test`'s commands in it (ruff, pytest: "
            "tasks.py's test task after its install step; the venv is this checkout's, so "
            "nothing is installed): "
            f"**{seconds / 60:.1f} min** (exit code {code}; target <= "
            f"{TARGETS['make_test_s'] / 60:.0f} min: {_ok(ok)}). Started "
            f"{datetime.datetime.fromtimestamp(t0):%H:%M}, load average at the end {load}. "
            "Measured now, by `--fresh-clone`."]


def recorded_make_test(summary: list) -> list[str]:
    path = ROOT / MAKE_TEST_RECORD
    if not path.exists():
        summary.append(("`make test`", "no recorded run", f"<= {TARGETS['make_test_s'] / 60:.0f}"
                        " min", None))
        return [f"No recorded `make test` run ({MAKE_TEST_RECORD} is written by each `make "
                "test`); run `make bench ARGS=--fresh-clone` to time one in a fresh clone."]
    rec = json.loads(path.read_text())
    seconds = rec["seconds"]
    ok = rec.get("exit_code") == 0 and seconds <= TARGETS["make_test_s"]
    summary.append(("`make test` (recorded run)", f"{seconds / 60:.1f} min",
                    f"<= {TARGETS['make_test_s'] / 60:.0f} min", ok))
    return [f"Not measured now: the last recorded `make test` ({MAKE_TEST_RECORD}): "
            f"**{seconds / 60:.1f} min**, exit code {rec.get('exit_code')}, on {rec.get('date')}, "
            f"commit {rec.get('commit')}{' (uncommitted changes)' if rec.get('dirty') else ''}, "
            f"pytest arguments {rec.get('args') or 'none'}, load average at start and end "
            f"{rec.get('load_start')} and {rec.get('load_end')} (target <= "
            f"{TARGETS['make_test_s'] / 60:.0f} min: {_ok(ok)})."
            + (f" Note: {rec['note']}" if rec.get("note") else "")
            + " `make bench ARGS=--fresh-clone` times one in a fresh clone instead."]


# ------------------------------------------------------------------------ import, throughput

def import_time(summary: list, repeat: int = 5) -> list[str]:
    code = ("import sys, time; t = time.perf_counter(); import actlib; "
            "print(time.perf_counter() - t, 'tensorflow' in sys.modules)")
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True, env={**os.environ, "PYTHONPATH": str(ROOT)}
                           ).stdout.split() for _ in range(repeat)]
    seconds = statistics.median(float(r[0]) for r in runs)
    tf_loaded = any(r[1] == "True" for r in runs)
    ok = seconds < TARGETS["import_s"] and not tf_loaded
    summary.append(("`import actlib`", f"{seconds:.3f} s", f"< {TARGETS['import_s']} s, no "
                    "TensorFlow", ok))
    return [f"`import actlib`: median {seconds:.3f} s over {repeat} fresh processes "
            f"(target < {TARGETS['import_s']} s); imports TensorFlow: {tf_loaded}."]


def throughput(n: int, summary: list) -> list[str]:
    import bench_activations

    rows = bench_activations.measure(n, repeat=5)
    worst = max(max(r["f"] / r["f_ref"], r["df"] / r["df_ref"]) for r in rows)
    ok = worst <= TARGETS["throughput_ratio"]
    summary.append(("activation throughput, worst ratio to the reference", f"{worst:.2f}",
                    f"<= {TARGETS['throughput_ratio']}", ok))
    return [bench_activations.markdown(rows, n), "",
            f"Worst ratio: {worst:.2f} (target <= {TARGETS['throughput_ratio']})."]


# --------------------------------------------------------------------------------- autograde

def autograde(summary: list, k: int = 3) -> list[str]:
    """Seconds per submission of each assignment (nbgrader + the trusted step), and the class."""
    import bench_autograde

    rows = bench_autograde.measure(k)
    worst = max(r["one"] for r in rows)
    total = sum(r["one"] for r in rows)
    hours = 300 * total / 3600
    ok = hours <= TARGETS["autograde_class_h"]
    summary.append((f"autograde a class of 300, all {len(rows)} assignments (one submission "
                    f"{worst:.1f} s at worst, trusted step and nbgrader's start-up included)",
                    f"{hours:.1f} h", f"<= {TARGETS['autograde_class_h']:g} h", ok))
    return [bench_autograde.markdown(rows), "",
            f"A class of 300 handing in all {len(rows)} assignments, one submission per "
            f"autograde run: 300 x {total:.1f} s = {300 * total / 3600:.1f} h on this machine "
            "(an upper bound: a run that grades many submissions starts nbgrader once)."]


# ------------------------------------------------------------------------------------ header

def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.partition(":")[2].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def versions() -> dict[str, str]:
    import importlib.metadata

    found = {"Python": platform.python_version()}
    for label, dist in (("actlib", "actlib"), ("NumPy", "numpy"), ("SciPy", "scipy"),
                        ("TensorFlow", "tensorflow-cpu"), ("TensorFlow", "tensorflow"),
                        ("Keras", "keras"), ("Matplotlib", "matplotlib"),
                        ("ipykernel", "ipykernel")):
        if label in found:
            continue
        try:
            found[label] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            pass
    return found


def header(started: datetime.datetime, loads: LoadMonitor, t0: float, argv: list[str]) -> list[str]:
    cores = os.cpu_count()
    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    return [
        "# Benchmarks", "",
        f"Written by `make bench` (`benchmarks/run_all.py{' ' + ' '.join(argv) if argv else ''}`)"
        f", started {started:%Y-%m-%d %H:%M} UTC, took {(time.time() - t0) / 60:.1f} min.", "",
        f"- Machine: {cpu_model()}, {cores} logical CPUs ({affinity} usable), "
        f"{platform.platform()}.",
        f"- Load average (1 min) during the run, min / mean / max: {loads.since(t0)} "
        f"(on {cores} CPUs: above {cores}, every wall time here is inflated; the CPU-time "
        "columns are less so).",
        "- Versions: " + ", ".join(f"{k} {v}" for k, v in versions().items()) + ".", ""]


def parse_seeds(text: str) -> list[int]:
    seeds = []
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        seeds += list(range(int(lo), int(hi or lo) + 1))
    return seeds


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-notebooks", action="store_true")
    parser.add_argument("--notebooks", default="[0-9][0-9]_*.ipynb", help="which (a glob)")
    parser.add_argument("--skip-widgets", action="store_true")
    parser.add_argument("--widget-repeat", type=int, default=7)
    parser.add_argument("--skip-runner", action="store_true")
    parser.add_argument("--runner-seeds", default="0-4", help="e.g. 0-4 or 0,2")
    parser.add_argument("--fresh-clone", action="store_true",
                        help="also time `make test` in a fresh clone of HEAD (several minutes)")
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--n", type=int, default=10_000_000, help="values per throughput run")
    parser.add_argument("--skip-autograde", action="store_true")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results.md")
    args = parser.parse_args(argv)
    started, t0 = datetime.datetime.now(datetime.timezone.utc), time.time()
    loads = LoadMonitor().start()
    summary: list[tuple[str, str, str, bool | None]] = []
    sections = []
    if not args.skip_notebooks:
        sections.append(("Notebooks: Run-All time and kernel peak memory",
                         lambda: notebooks(args.notebooks, summary)))
    if not args.skip_widgets:
        sections.append(("Widgets: redraw time",
                         lambda: widget_redraws(args.widget_repeat, summary)))
    if not args.skip_runner:
        sections.append(("Comparison runner vs plain fit",
                         lambda: runner(parse_seeds(args.runner_seeds), summary)))
    sections.append(("`make test`", lambda: fresh_clone_make_test(summary) if args.fresh_clone
                     else recorded_make_test(summary)))
    sections.append(("Import", lambda: import_time(summary)))
    if not args.skip_throughput:
        sections.append(("Activation throughput", lambda: throughput(args.n, summary)))
    if not args.skip_autograde:
        sections.append(("Autograding: seconds per submission",
                         lambda: autograde(summary)))
    body = []
    for title, fn in sections:
        print(f"== {title}", flush=True)
        s0 = time.time()
        lines = fn()
        print("\n".join(lines), flush=True)
        body += [f"## {title}", "", *lines, "",
                 f"(This section took {(time.time() - s0) / 60:.1f} min; load average min / mean "
                 f"/ max during it: {loads.since(s0)}.)", ""]
    loads.stop()
    table = ["## Summary: every target", "", "| what | measured | target | met |",
             "|---|---|---|---|"]
    for what, measured, target, ok in summary:
        table.append(f"| {what} | {measured} | {target} | "
                     f"{'not measured' if ok is None else _ok(ok)} |")
    lines = header(started, loads, t0, sys.argv[1:] if argv is None else argv) + table + [""] + body
    args.out.write_text("\n".join(lines))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
