"""`make bench`: measure what a student waits for, and write benchmarks/results.md.

    .venv/bin/python benchmarks/run_all.py [--skip-notebooks] [--n 10000000]

1. each notebook's Run-All wall time and its kernel's peak memory;
2. `import actlib` time, and that it imports no TensorFlow;
3. every activation's forward and derivative throughput on 10^7 float32 values next to the
   fastest well-known implementation (bench_activations.py);
4. each widget callback's median redraw time (figure drawn and rendered to the PNG the widget
   displays): first picture, a new setting (cold) and a revisited one (warm);
5. the comparison runner (8 activations trained together) against 8 plain `model.fit` calls.
"""

from __future__ import annotations

import argparse
import datetime
import functools
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "benchmarks"), str(ROOT / "scripts")]

TARGETS = {"notebook_s": 45, "notebook_mb": 900, "widget_ms": 100, "import_s": 0.3,
           "throughput_ratio": 2.0, "runner_speedup": 2.5}
RUNNER_NAMES = ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu", "gelu", "silu")


def notebooks(pattern: str = "[0-9][0-9]_*.ipynb") -> list[str]:
    import run_notebooks

    lines = ["| notebook | Run-All (s) | kernel peak (MB) | target met |", "|---|---:|---:|---|"]
    total = 0.0
    for path in sorted((ROOT / "notebooks").glob(pattern)):
        seconds, peak, _ = run_notebooks.run(path, write=False)
        total += seconds
        ok = seconds <= TARGETS["notebook_s"] and peak <= TARGETS["notebook_mb"]
        lines.append(f"| {path.name} | {seconds:.1f} | {peak:.0f} | {'yes' if ok else 'NO'} |")
        print(lines[-1], flush=True)
    lines.append(f"| all | {total:.1f} | | |")
    return lines


def import_time(repeat: int = 5) -> list[str]:
    code = ("import sys, time; t = time.perf_counter(); import actlib; "
            "print(time.perf_counter() - t, 'tensorflow' in sys.modules)")
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True).stdout.split() for _ in range(repeat)]
    seconds = statistics.median(float(r[0]) for r in runs)
    tf_loaded = any(r[1] == "True" for r in runs)
    return [f"`import actlib`: median {seconds:.3f} s over {repeat} fresh processes "
            f"(target < {TARGETS['import_s']} s); imports TensorFlow: {tf_loaded}."]


def throughput(n: int) -> list[str]:
    import bench_activations

    rows = bench_activations.measure(n, repeat=5)
    worst = max(max(r["f"] / r["f_ref"], r["df"] / r["df_ref"]) for r in rows)
    return [bench_activations.markdown(rows, n), "",
            f"Worst ratio: {worst:.2f} (target <= {TARGETS['throughput_ratio']})."]


def _redraw_ms(draw, neighbour, repeat: int = 7) -> dict[str, float]:
    """Median milliseconds (wall clock, and CPU time of this process) of a widget redraw
    (``draw(fig=...)`` then ``widgets.render_png``, the PNG the widget displays) in three
    situations:

    first: the widget's first picture (a new figure, every network computed from scratch);
    cold:  the figure showed ``neighbour`` (one control move away) and nothing else was ever
           shown: the setting is new, and what the neighbour computed is remembered;
    warm:  the same, but the setting was shown before (a slider drag revisits them)."""
    import matplotlib.pyplot as plt

    from actlib import deepnet, widgets

    def redraw(which, fig):
        start, cpu = time.perf_counter(), time.process_time()
        fig = which(fig=fig)
        widgets.render_png(fig)
        return fig, (time.perf_counter() - start, time.process_time() - cpu)

    times = {"first": [], "cold": [], "warm": []}
    for _ in range(repeat):
        deepnet.clear_caches()
        fig, t = redraw(draw, None)
        times["first"].append(t)
        plt.close(fig)
        deepnet.clear_caches()
        fig, _ = redraw(neighbour, None)
        fig, t = redraw(draw, fig)
        times["cold"].append(t)
        fig, _ = redraw(neighbour, fig)
        fig, t = redraw(draw, fig)
        times["warm"].append(t)
        plt.close(fig)
    return {f"{k}{kind}": 1e3 * statistics.median(t[i] for t in times[k])
            for k in times for i, kind in enumerate(("", " cpu"))}


def widget_callbacks(repeat: int = 7) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    from actlib import widgets

    setups = ("SELU, lecun_normal", "SELU, random_normal(0.05)", "ReLU, he_normal")  # widget's
    many = tuple(widgets.SELF_NORM_SETUPS)
    deepest = widgets.GRADIENT_FLOW_MAX_DEPTH
    logits10 = [3, 0.7, 0.5, -1, 2, 0, 1.5, -0.5, 0.2, 1]
    f = functools.partial
    cases = {  # label: (the setting measured, its neighbour on the slider)
        "activation explorer: elu, alpha 1": (
            f(widgets.explorer_figure, "elu", alpha=1.0),
            f(widgets.explorer_figure, "elu", alpha=0.95)),
        "activation explorer: gelu vs silu": (
            f(widgets.explorer_figure, "gelu", "silu"),
            f(widgets.explorer_figure, "gelu", "silu", approximate=True)),
        "gradient flow: sigmoid, depth 20 (default)": (
            f(widgets.gradient_flow_figure, "sigmoid", 20),
            f(widgets.gradient_flow_figure, "sigmoid", 21)),
        f"gradient flow: relu, depth {deepest} (largest)": (
            f(widgets.gradient_flow_figure, "relu", deepest),
            f(widgets.gradient_flow_figure, "relu", deepest - 1)),
        "self-normalisation: 3 setups, 50 layers (default; cold: 3rd setup ticked)": (
            f(widgets.self_normalisation_figure, setups, 50),
            f(widgets.self_normalisation_figure, setups[:2], 50)),
        "self-normalisation: 3 setups, 50 layers (default; cold: depth 49 -> 50)": (
            f(widgets.self_normalisation_figure, setups, 50),
            f(widgets.self_normalisation_figure, setups, 49)),
        "self-normalisation: 7 setups, 100 layers (largest; cold: 7th setup ticked)": (
            f(widgets.self_normalisation_figure, many, 100),
            f(widgets.self_normalisation_figure, many[:6], 100)),
        "self-normalisation: 7 setups, 100 layers (largest; cold: depth 99 -> 100)": (
            f(widgets.self_normalisation_figure, many, 100),
            f(widgets.self_normalisation_figure, many, 99)),
        "softmax temperature: 3 logits, T = 0.5 (default)": (
            f(widgets.temperature_figure, [3, 0.7, 0.5], 0.5),
            f(widgets.temperature_figure, [3, 0.7, 0.5], 0.525)),
        "softmax temperature: 10 logits, T = 0.5": (
            f(widgets.temperature_figure, logits10, 0.5),
            f(widgets.temperature_figure, logits10, 0.525)),
    }
    target = TARGETS["widget_ms"]
    lines = [f"Median of {repeat} redraws each: the figure drawn and rendered to the PNG the "
             "widget displays (`widgets.render_png`). first = the widget's first picture (new "
             "figure, every network computed from scratch); cold = a setting shown for the "
             "first time, one control move after its neighbour (what the neighbour computed "
             "is remembered, nothing else); warm = the same move to a setting shown before "
             "(a slider drag revisits them). "
             f"Target: {target} ms wall clock, cold and warm. CPU = this process's CPU time "
             "(what a redraw costs on an idle core; the wall clock adds waiting for a busy "
             "one). Load average at the start: "
             f"{', '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs.", "",
             "| widget callback | first (ms) | cold (ms) | warm (ms) | cold, CPU (ms) "
             "| warm, CPU (ms) | target met |",
             "|---|---:|---:|---:|---:|---:|---|"]
    for label, (draw, neighbour) in cases.items():
        t = _redraw_ms(draw, neighbour, repeat)
        ok = t["cold"] <= target and t["warm"] <= target
        lines.append(f"| {label} | {t['first']:.0f} | {t['cold']:.0f} | {t['warm']:.0f} | "
                     f"{t['cold cpu']:.0f} | {t['warm cpu']:.0f} | {'yes' if ok else 'NO'} |")
        print(lines[-1], flush=True)
    return lines


def runner() -> list[str]:
    from actlib import training

    setup = {"depth": 8, "width": 32, "epochs": 20, "n": 2000, "seed": 0, "batch_size": 64}
    start = time.perf_counter()
    together = training.compare(list(RUNNER_NAMES), "two_spirals", verbose=False, **setup)
    t_runner = time.perf_counter() - start

    keras = training.keras
    task = training._Task.make("two_spirals", setup["n"], setup["seed"])
    X_train, X_test, y_train, y_test = task.data
    plain = {}
    start = time.perf_counter()
    for name in RUNNER_NAMES:
        model = training.build_mlp(name, setup["depth"], setup["width"], seed=setup["seed"])
        model.compile(keras.optimizers.Adam(0.01), task.loss, metrics=["accuracy"])
        model.fit(X_train, y_train, epochs=setup["epochs"], batch_size=setup["batch_size"],
                  verbose=0)
        plain[name] = model.evaluate(X_test, y_test, verbose=0)[1]
    t_plain = time.perf_counter() - start
    speedup = t_plain / t_runner
    lines = ["8 activations, 8 hidden layers of 32 units, 2,000 points, 20 epochs, seed 0. "
             "The runner also measures gradient norms, dead units every epoch and validation "
             "loss; the plain calls do not.", "",
             "| | wall time (s) |", "|---|---:|",
             f"| actlib runner (`training.compare`, trained together) | {t_runner:.1f} |",
             f"| 8 plain `build_mlp` + `model.fit` calls | {t_plain:.1f} |",
             f"| speed-up (target >= {TARGETS['runner_speedup']}) | {speedup:.2f} |", "",
             "| activation | test accuracy, runner | test accuracy, plain fit |", "|---|---:|---:|"]
    for name in RUNNER_NAMES:
        lines.append(f"| {name} | {together[name].test_accuracy:.3f} | {plain[name]:.3f} |")
    return lines


def header() -> list[str]:
    import numpy

    import actlib
    from actlib.layers import keras  # before TensorFlow: it sets the log level, oneDNN off

    tensorflow = sys.modules["tensorflow"]

    return [
        "# Benchmarks", "",
        f"Written by `make bench` (`benchmarks/run_all.py`) on "
        f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M UTC}.", "",
        f"Machine: {platform.platform()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}. Versions: actlib {actlib.__version__}, NumPy "
        f"{numpy.__version__}, TensorFlow {tensorflow.__version__}, Keras {keras.__version__}.",
        "Wall times depend on what else the machine is doing; run it on an idle machine.", ""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-notebooks", action="store_true")
    parser.add_argument("--notebooks", default="[0-9][0-9]_*.ipynb", help="which (a glob)")
    parser.add_argument("--n", type=int, default=10_000_000)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results.md")
    args = parser.parse_args()
    sections = [("Import", import_time), ("Widget callbacks", widget_callbacks),
                ("Activation throughput", lambda: throughput(args.n)),
                ("Comparison runner", runner)]
    if not args.skip_notebooks:
        sections.insert(0, ("Notebooks: Run-All time and kernel peak memory",
                            lambda: notebooks(args.notebooks)))
    lines = header()
    for title, fn in sections:
        print(f"== {title}", flush=True)
        body = fn()
        print("\n".join(body), flush=True)
        lines += [f"## {title}", "", *body, ""]
    args.out.write_text("\n".join(lines))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
