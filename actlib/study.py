"""The activation study of notebook 07: every hidden-layer activation, on several tasks, depths and
seeds, measured the same way, written to one results file.

    python -m actlib.study --full            # the full study (about 10 minutes on 2 cores)
    python -m actlib.study --quick           # the notebook's quick version (under a minute)

    from actlib import study
    doc = study.load(study.FULL_RESULTS)            # {"meta": {...}, "rows": [...], ...}
    study.summary(doc["rows"])                       # mean, spread per (task, activation)

One row per trained network: task, depth, seed, activation, metric (test accuracy, or test MAE
for the regression task "wave": lower is better), seconds (its share of the joint run),
gradient ratio (log10 of layer-1 over last-layer gradient norm at initialisation: 0 is healthy,
large positive or negative values mean the gradient grows or shrinks through the layers), and
dead units after training. Each (task, depth, seed) is one ``training.compare`` call that trains
all the activations together.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.resources
import json
import os
import platform
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .functions import NAMES

__all__ = ["ACTIVATIONS", "FULL", "FULL_RESULTS", "INIT", "QUICK", "REGRESSION", "TASKS",
           "activation_cost", "grad_ratio", "heatmap", "load", "markdown_table", "means",
           "normalisation", "run", "save", "summary"]

#: every activation that fits a hidden layer (softmax normalises a whole vector: output only)
ACTIVATIONS = tuple(n for n in NAMES if n != "softmax")
#: SELU gets the initializer its self-normalisation derivation assumes; the rest the Keras default
INIT = {"selu": "lecun_normal", "default": "glorot_uniform"}
TASKS = ("two_spirals", "circles", "wave")
REGRESSION = ("wave",)  # metric is test MAE (lower is better) instead of test accuracy

FULL = {"tasks": TASKS, "depths": (2, 4, 8), "seeds": (0, 1, 2), "n": 800, "epochs": 20,
        "width": 32}
QUICK = {"tasks": ("two_spirals",), "depths": (8,), "seeds": (3,), "n": 800, "epochs": 20,
         "width": 32}


#: the full study's results, shipped inside the package (package data, read with importlib.resources
#: so that it works from an installed wheel); ``python -m actlib.study --full`` rewrites it
FULL_RESULTS = importlib.resources.files("actlib") / "results" / "study_full.json"


def grad_ratio(norms) -> float:
    """log10(norm of layer 1 / norm of the last hidden layer): 0 when the gradient reaches the
    first layer as strong as the last; -3 when it arrives 1000 times weaker."""
    norms = np.asarray(norms, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.log10(norms[0] / norms[-1]))


def _bar(done: int, total: int, label: str, start: float, stream, width: int = 30,
         times: bool = True) -> None:
    filled = round(width * done / total)
    text = f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {label}"
    if times:
        text += f"  {time.perf_counter() - start:.0f} s elapsed"
    print(text, file=stream, flush=True)


def run(tasks: Sequence[str] = QUICK["tasks"], depths: Sequence[int] = QUICK["depths"],
        seeds: Sequence[int] = QUICK["seeds"], n: int = 1000, epochs: int = 20, width: int = 32,
        activations: Sequence[str] = ACTIVATIONS, init=INIT, progress: bool = True,
        stream=None, times: bool = True, command: str | None = None) -> dict:
    """Run the study: one ``training.compare`` per (task, depth, seed). Returns the results
    document (``meta`` and ``rows``) that ``save`` writes. ``progress`` prints a text bar after
    each compare call (to ``stream``, default stdout); ``times=False`` leaves the elapsed time
    out of it."""
    from . import training

    stream = sys.stdout if stream is None else stream
    jobs = [(t, d, s) for t in tasks for d in depths for s in seeds]
    rows, start = [], time.perf_counter()
    if progress:
        _bar(0, len(jobs), "starting", start, stream, times=times)
    for i, (task, depth, seed) in enumerate(jobs, start=1):
        results = training.compare(list(activations), task, depth=depth, width=width,
                                   epochs=epochs, seed=seed, n=n, init=init, verbose=False)
        for name, r in results.items():
            dead = np.asarray(r.dead_units)[-1]
            rows.append({
                "task": task, "depth": depth, "seed": seed, "activation": name,
                "metric_name": "test_mae" if task in REGRESSION else "test_accuracy",
                "metric": round(float(r.test_accuracy), 5),
                "test_loss": round(float(r.test_loss), 5),
                "seconds": round(float(r.seconds), 3),
                "grad_ratio_init": round(grad_ratio(r.grad_norms_init), 4),
                "grad_ratio_final": round(grad_ratio(r.grad_norms_final), 4),
                "dead_units": int(dead.sum()),
                "dead_fraction": round(float(dead.sum()) / (depth * width), 4),
            })
        if progress:
            _bar(i, len(jobs), f"{task} depth {depth} seed {seed}", start, stream, times=times)
    return {"meta": _meta(command, tasks, depths, seeds, n, epochs, width, activations, init,
                          time.perf_counter() - start),
            "rows": rows, "normalisation": normalisation(activations, init),
            "cost_ms": activation_cost(activations)}


def _meta(command, tasks, depths, seeds, n, epochs, width, activations, init, wall) -> dict:
    from . import __version__
    from .training import keras

    try:
        import tensorflow as tf

        tf_version = tf.__version__
    except ImportError:  # pragma: no cover - another Keras backend
        tf_version = None
    return {
        "command": command or "actlib.study.run(...)",
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "versions": {"actlib": __version__, "keras": keras.__version__,
                     "tensorflow": tf_version, "numpy": np.__version__,
                     "python": platform.python_version()},
        "machine": {"platform": platform.platform(), "processor": platform.machine(),
                    "cpu_count": os.cpu_count()},
        "settings": {"tasks": list(tasks), "depths": list(depths), "seeds": list(seeds), "n": n,
                     "epochs": epochs, "width": width, "activations": list(activations),
                     "init": dict(init), "optimizer": "adam", "learning_rate": 0.01,
                     "batch_size": 64},
        "wall_seconds": round(wall, 1),
    }


def normalisation(activations: Sequence[str] = ACTIVATIONS, init=INIT, depth: int = 50,
                  width: int = 128) -> dict:
    """Std of the activations after layer 10 and layer ``depth`` of a random NumPy net
    (``deepnet.activation_stats``), each activation with its study initializer."""
    from .deepnet import activation_stats

    out = {}
    for name in activations:
        kernel = init.get(name, init.get("default", "glorot_uniform"))
        _, stds = activation_stats(name, depth=depth, width=width, init=kernel)
        out[name] = {"init": kernel, "std_layer_10": round(float(stds[9]), 4),
                     f"std_layer_{depth}": round(float(stds[-1]), 4)}
    return out


def activation_cost(activations: Sequence[str] = ACTIVATIONS, size: int = 200_000,
                    repeats: int = 5) -> dict:
    """Milliseconds for f(x) plus f'(x) on ``size`` float32 numbers in NumPy (best of
    ``repeats``): the activations' own cost, which the joint Keras runs cannot separate."""
    from .functions import get

    x = np.random.default_rng(0).normal(size=size).astype(np.float32)
    out = {}
    for name in activations:
        fn, best = get(name), float("inf")
        for _ in range(repeats):
            t = time.perf_counter()
            fn(x)
            fn.derivative(x)
            best = min(best, time.perf_counter() - t)
        out[name] = round(best * 1000, 3)
    return out


def save(doc: dict, path) -> Path:
    """Write the results document as JSON (and the rows as CSV next to it)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    rows = doc["rows"]
    keys = list(rows[0])
    lines = [",".join(keys)] + [",".join(str(r[k]) for k in keys) for r in rows]
    path.with_suffix(".csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def load(path) -> dict:
    """The results document written by ``save`` (a path, or a package resource such as
    ``FULL_RESULTS``)."""
    if not hasattr(path, "read_text"):
        path = Path(path)
    return json.loads(path.read_text(encoding="utf-8"))


def summary(rows, by: Sequence[str] = ("task", "activation"), value: str = "metric") -> dict:
    """{key tuple: {"mean", "std", "sem", "n"}} of ``value`` over the rows grouped by ``by``
    (std with ddof=1; sem = std / sqrt(n))."""
    groups: dict = {}
    for r in rows:
        groups.setdefault(tuple(r[k] for k in by), []).append(float(r[value]))
    out = {}
    for key, vals in groups.items():
        v = np.array(vals)
        std = float(v.std(ddof=1)) if len(v) > 1 else 0.0
        out[key] = {"mean": float(v.mean()), "std": std, "sem": std / np.sqrt(len(v)),
                    "n": len(v)}
    return out


def means(rows, task: str, depth: int | None = None, value: str = "metric") -> dict:
    """{activation: mean ``value``} on ``task`` over seeds (and over depths unless ``depth``)."""
    picked = [r for r in rows if r["task"] == task and (depth is None or r["depth"] == depth)]
    return {a: s["mean"] for (a,), s in summary(picked, by=("activation",), value=value).items()}


def markdown_table(doc: dict, value: str = "metric") -> str:
    """Mean ± std per activation (rows) and task (columns), over depths and seeds, plus mean
    seconds, gradient ratio at init and dead-unit fraction."""
    rows = doc["rows"]
    tasks = list(dict.fromkeys(r["task"] for r in rows))
    acts = list(dict.fromkeys(r["activation"] for r in rows))
    m = summary(rows, value=value)
    extra = {k: summary(rows, by=("activation",), value=k)
             for k in ("seconds", "grad_ratio_init", "dead_fraction")}
    head = ["activation"] + [t + (" (MAE)" if t in REGRESSION else " (acc)") for t in tasks]
    head += ["seconds", "log10 grad ratio", "dead fraction"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for a in acts:
        cells = [a] + [f"{m[(t, a)]['mean']:.3f} ± {m[(t, a)]['std']:.3f}" for t in tasks]
        cells += [f"{extra['seconds'][(a,)]['mean']:.2f}",
                  f"{extra['grad_ratio_init'][(a,)]['mean']:+.2f}",
                  f"{extra['dead_fraction'][(a,)]['mean']:.3f}"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


_LABELS = {"grad_ratio_init": "gradient ratio r at init", "grad_ratio_final": "r after training",
           "dead_fraction": "dead fraction", "seconds": "seconds"}


def heatmap(doc: dict, value: str = "metric", axes=None, title: str | None = None):
    """One panel per task: activations (rows) by depth (columns), cell = mean ``value`` over
    seeds, annotated. Returns the Axes."""
    import matplotlib.pyplot as plt

    rows = doc["rows"]
    tasks = list(dict.fromkeys(r["task"] for r in rows))
    acts = list(dict.fromkeys(r["activation"] for r in rows))
    depths = sorted({r["depth"] for r in rows})
    m = summary(rows, by=("task", "activation", "depth"), value=value)
    if axes is None:
        _, axes = plt.subplots(1, len(tasks), figsize=(2.1 + 1.2 * len(tasks) * len(depths) / 1.5,
                                                       4.6), constrained_layout=True)
    axes = np.atleast_1d(axes)
    for ax, task in zip(axes, tasks, strict=True):
        grid = np.array([[m[(task, a, d)]["mean"] for d in depths] for a in acts])
        cmap = "viridis_r" if (task in REGRESSION and value == "metric") else "viridis"
        im = ax.imshow(grid, cmap=cmap, aspect="auto")
        for (i, j), v in np.ndenumerate(grid):
            ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=7,
                    color="w" if np.mean(im.cmap(im.norm(v))[:3]) < 0.5 else "k")
        label = (("test MAE" if task in REGRESSION else "test acc") if value == "metric"
                 else _LABELS.get(value, value))
        ax.set(xticks=range(len(depths)), xticklabels=depths, xlabel="depth (hidden layers)",
               yticks=range(len(acts)), title=f"{task}: {label}")
        ax.set_yticklabels(acts if ax is axes[0] else [])
    if title:
        axes[0].figure.suptitle(title)
    return axes


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m actlib.study", description=__doc__.split(
        "\n\n")[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--full", action="store_true", help="the full study (default)")
    mode.add_argument("--quick", action="store_true", help="the notebook's quick version")
    parser.add_argument("--out", default=None, help="results JSON (a CSV is written next to it)")
    args = parser.parse_args(argv)
    config = QUICK if args.quick else FULL
    out = args.out or ("study_quick.json" if args.quick else str(FULL_RESULTS))
    command = "python -m actlib.study " + " ".join(sys.argv[1:] if argv is None else argv)
    doc = run(**config, stream=sys.stderr, command=command.strip())
    save(doc, out)
    print(markdown_table(doc))
    print(f"\nwrote {out} and {Path(out).with_suffix('.csv')}; "
          f"wall time {doc['meta']['wall_seconds']:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
