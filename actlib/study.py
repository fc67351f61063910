"""The activation study of notebook 07: every hidden-layer activation, on several tasks, depths and
seeds, measured the same way, written to one results file.

    python -m actlib.study --full            # the full study (about 8 minutes on 2 cores)
    python -m actlib.study --full --init default   # the same with Keras' default weights
    python -m actlib.study --quick           # the notebook's quick version (under a minute)
    python -m actlib.study --cost            # re-measure only the activations' cost (Keras)

    from actlib import study
    doc = study.load(study.FULL_RESULTS)            # {"meta": {...}, "rows": [...], ...}
    study.summary(doc["rows"])                       # mean, spread per (task, activation)

Every activation gets the initial weights notebook 03 recommends for it (``INIT``: He for ReLU,
LeCun times the activation's gain for the others, LeCun for SELU, tanh and the identity);
``--init default`` reruns the study with Keras' default ``glorot_uniform`` (``DEFAULT_INIT``) into
``DEFAULT_RESULTS``, to show what the weights change. Spreads are over seeds (``seed_summary``)
and two means are a tie within ``tie_margin`` (Student's t for the number of seeds).

One row per trained network: task, depth, seed, activation, metric (test accuracy, or test MAE
for the regression task "wave": lower is better), test loss, gradient ratio (log10 of layer-1
over last-layer weight-gradient norm at initialisation and after training: 0 when both get
gradients of the same size), and dead units after training. Each (task, depth, seed) is one
``training.compare`` call that trains all the activations together (so no row has a time of its
own: the joint run's time says nothing about one activation). The full study's document also
holds, per activation, the std of a random 50-layer net's activations (``normalisation``) and
the cost of its Keras layer, forward and backward, relative to ReLU's (``activation_cost``).

``side_by_side`` trains a few (activation, initializer) setups on the same data, batches and
seed, and records the test accuracy after every epoch: notebook 07's training-budget and
real-data (``data.digits``) experiments.
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
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np

from .functions import NAMES

__all__ = ["ACTIVATIONS", "DEFAULT_INIT", "DEFAULT_RESULTS", "FULL", "FULL_RESULTS", "INIT",
           "QUICK", "REGRESSION", "TASKS", "SideBySide", "activation_cost", "best_epoch",
           "cost_table", "grad_ratio", "heatmap", "load", "markdown_table", "means",
           "normalisation", "numpy_initializer", "run", "save", "seed_summary", "side_by_side",
           "summary", "t_quantile", "tie_margin", "ties_with_best"]

#: every activation that fits a hidden layer (softmax normalises a whole vector: output only)
ACTIVATIONS = tuple(n for n in NAMES if n != "softmax")
#: Each activation's weights as notebook 03 recommends them (``models.GAIN_NORMAL``: LeCun normal
#: times the activation's gain, ``variance.gain``, so standard-normal pre-activations stay
#: standard normal): He for ReLU (for leaky ReLU, PReLU and RReLU the gain is He et al.'s
#: 2 / (1 + a²)); LeCun for the identity and SELU (their gain is 1); LeCun for tanh, whose gain
#: (1.59) would put it in the chaotic phase (chi_1 = 1.18) while LeCun is its critical point
#: at zero bias (Poole et al. 2016; Schoenholz et al. 2017).
INIT = {"linear": "lecun_normal", "tanh": "lecun_normal", "selu": "lecun_normal",
        "relu": "he_normal", "default": "gain_normal"}
#: Keras' default weights for every activation but SELU: the set-up before the fair one, kept to
#: show what the initialisation changes (``python -m actlib.study --full --init default``)
DEFAULT_INIT = {"selu": "lecun_normal", "default": "glorot_uniform"}
INITS = {"fair": INIT, "default": DEFAULT_INIT}
TASKS = ("two_spirals", "circles", "wave")
REGRESSION = ("wave",)  # metric is test MAE (lower is better) instead of test accuracy

FULL = {"tasks": TASKS, "depths": (2, 4, 8), "seeds": (0, 1, 2, 3, 4), "n": 800, "epochs": 20,
        "width": 32}
QUICK = {"tasks": ("two_spirals",), "depths": (8,), "seeds": (5,), "n": 800, "epochs": 20,
         "width": 32}


#: the full study's results, shipped inside the package (package data, read with importlib.resources
#: so that it works from an installed wheel); ``python -m actlib.study --full`` rewrites it
FULL_RESULTS = importlib.resources.files("actlib") / "results" / "study_full.json"
#: the same study with Keras' default weights (``DEFAULT_INIT``), for the side-by-side comparison
DEFAULT_RESULTS = importlib.resources.files("actlib") / "results" / "study_default.json"


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
    document (``meta`` and ``rows``) that ``save`` writes; ``main`` adds ``normalisation`` and
    ``cost`` to the full study's. ``progress`` prints a text bar after each compare call (to
    ``stream``, default stdout); ``times=False`` leaves the elapsed time out of it."""
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
                "grad_ratio_init": round(grad_ratio(r.grad_norms_init), 4),
                "grad_ratio_final": round(grad_ratio(r.grad_norms_final), 4),
                "dead_units": int(dead.sum()),
                "dead_fraction": round(float(dead.sum()) / (depth * width), 4),
            })
        if progress:
            _bar(i, len(jobs), f"{task} depth {depth} seed {seed}", start, stream, times=times)
    return {"meta": _meta(command, tasks, depths, seeds, n, epochs, width, activations, init,
                          time.perf_counter() - start),
            "rows": rows}


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
    (``deepnet.activation_stats``' network), each activation with its study initializer
    (``numpy_initializer``)."""
    from .deepnet import forward

    out = {}
    for name in activations:
        kernel = init.get(name, init.get("default", "glorot_uniform"))
        numpy_init, scale = numpy_initializer(name, kernel)
        # deepnet.activation_stats' network (512 standard-normal inputs, seed 0), its weights
        # times the gain where the initializer has one
        _, _, h = forward(name, depth=depth, width=width, init=numpy_init, weight_scale=scale,
                         n=512, seed=0)
        stds = [a.std() for a in h[1:]]
        out[name] = {"init": kernel, "std_layer_10": round(float(stds[9]), 4),
                     f"std_layer_{depth}": round(float(stds[-1]), 4)}
    return out


def numpy_initializer(name: str, init: str) -> tuple[str, float]:
    """``(init, weight_scale)`` for ``actlib.deepnet``'s NumPy networks that draws the weights a
    Keras initializer name gives activation ``name``: ``("lecun_normal", variance.gain(name))``
    for ``"gain_normal"``, else ``(init, 1.0)``."""
    from .models import GAIN_NORMAL
    from .variance import gain

    if init == GAIN_NORMAL:
        return "lecun_normal", gain(name)
    return init, 1.0


#: what ``activation_cost`` times, as (batch, width): the activation of one hidden layer of these
#: lessons' networks on one batch (64 examples x 32 units); of a layer of a larger model (256
#: examples x 1024 units); and that larger layer whole, Dense(1024) then the activation
COST_SIZES = {"lesson": (64, 32), "large": (256, 1024), "large+dense": (256, 1024)}


def activation_cost(activations: Sequence[str] = ACTIVATIONS, sizes: Mapping = COST_SIZES,
                    rounds: int = 30, calls: int = 10, seed: int = 0) -> dict:
    r"""What an activation costs a Keras model: the time of its layer's forward *and* backward
    pass, relative to ReLU's, measured in TensorFlow on float32 batches.

    For each size (batch, width) in ``sizes`` and each activation, one compiled step computes
    :math:`y = f(x)` with the layer a model of these lessons uses (``layers.layer(name)``, in
    training mode) and the gradient :math:`\partial (g \cdot y) / \partial x` for a fixed
    upstream gradient g (and PReLU's slopes): what one training step pays for the activation.
    For a size whose name ends in "+dense" the step is a whole layer, ``Dense(width)`` then the
    activation (and its weights' gradients), so the activation's share of a layer shows.

    Timing is interleaved: in each of ``rounds`` rounds every activation runs ``calls`` steps,
    in a fresh random order, and its time per step is divided by ReLU's *in the same round*, so
    a change of machine load between rounds cancels out. Returns
    ``{size: {"batch", "width", "relu_ms", "ratio": {name: median ratio},
    "low": {name: 10th percentile}, "high": {name: 90th percentile}}}`` over the rounds, and
    ``"load"``: the 1-minute load average before and after, and ``"date"``. Takes about a
    minute on 2 cores with the default sizes.
    """
    from .layers import keras, layer  # noqa: I001  (first: it sets TensorFlow's options)
    import tensorflow as tf

    names = list(activations)
    if "relu" not in names:
        raise ValueError("activation_cost: activations must include 'relu' (the reference)")
    rng = np.random.default_rng(seed)
    load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    level = tf.get_logger().level
    tf.get_logger().setLevel("ERROR")  # one compiled step per activation is the point: no notice
    try:
        out = _cost(names, sizes, rounds, calls, seed, rng, tf, keras, layer)
    finally:
        tf.get_logger().setLevel(level)
    load_after = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    out["load"] = [round(load_before, 2), round(load_after, 2)]
    out["date"] = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    return out


def _cost(names, sizes, rounds, calls, seed, rng, tf, keras, layer) -> dict:
    out = {}
    for size, (batch, width) in sizes.items():
        x = tf.constant(rng.standard_normal((batch, width)), tf.float32)
        g = tf.constant(rng.standard_normal((batch, width)), tf.float32)
        steps = {}
        for name in names:
            keras.utils.set_random_seed(seed)
            stack = [keras.layers.Dense(width)] if size.endswith("+dense") else []
            model = keras.Sequential([keras.Input((width,)), *stack, layer(name)])

            @tf.function
            def step(x, model=model, g=g):
                with tf.GradientTape() as tape:
                    tape.watch(x)
                    y = model(x, training=True)
                grads = tape.gradient(y, [x, *model.trainable_variables], output_gradients=g)
                return grads[0][0, 0]  # a scalar to fetch: the step has finished

            step(x).numpy()  # trace and warm up
            steps[name] = step
        times = {name: [] for name in names}
        repeat = max(1, calls // 5) if size.endswith("+dense") else calls  # 20x the work
        for _ in range(rounds):
            for name in rng.permutation(names):
                start = time.perf_counter()
                for _ in range(repeat):
                    steps[name](x).numpy()
                times[name].append((time.perf_counter() - start) / repeat)
        t = {name: np.array(v) for name, v in times.items()}
        ratios = {name: t[name] / t["relu"] for name in names}
        out[size] = {"batch": batch, "width": width,
                     "relu_ms": round(float(np.median(t["relu"])) * 1000, 4),
                     "ratio": {k: round(float(np.median(v)), 3) for k, v in ratios.items()},
                     "low": {k: round(float(np.percentile(v, 10)), 3) for k, v in ratios.items()},
                     "high": {k: round(float(np.percentile(v, 90)), 3) for k, v in ratios.items()}}
    return out


def cost_table(cost: dict) -> str:
    """``activation_cost``'s result as a Markdown table: per activation and size, the median
    time relative to ReLU's with the 10th to 90th percentile over the rounds."""
    sizes = [k for k, v in cost.items() if isinstance(v, dict) and "ratio" in v]
    head = ["activation"] + [f"{k} ({cost[k]['batch']} x {cost[k]['width']})" for k in sizes]
    lines = ["| " + " | ".join(head) + " |", "|---|" + "---:|" * len(sizes)]
    for name in sorted(cost[sizes[0]]["ratio"], key=cost[sizes[-1]]["ratio"].get):
        cells = [f"{cost[k]['ratio'][name]:.2f} ({cost[k]['low'][name]:.2f} to "
                 f"{cost[k]['high'][name]:.2f})" for k in sizes]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines.append("| relu, ms per step | " + " | ".join(f"{cost[k]['relu_ms']:.3f}"
                                                      for k in sizes) + " |")
    return "\n".join(lines)


class SideBySide(NamedTuple):
    """What ``side_by_side`` returns: {label: test accuracy after each epoch} (arrays of length
    epochs), the number of Adam steps (mini-batches) per epoch, and {label: validation accuracy
    after each epoch} (empty without a validation split)."""

    test_accuracy: dict
    steps_per_epoch: int
    validation_accuracy: dict = {}


def best_epoch(run: SideBySide, label: str) -> tuple[int, float, float]:
    """(epoch, validation accuracy, test accuracy) at the epoch (1-based) where network
    ``label``'s *validation* accuracy is highest (the first such epoch): early stopping chosen
    on the validation split, and the test accuracy reported there, never chosen on."""
    if not run.validation_accuracy:
        raise ValueError("best_epoch: the run has no validation split; call side_by_side with "
                         "validation > 0")
    if label not in run.validation_accuracy:
        raise ValueError(f"best_epoch: label must be one of {list(run.validation_accuracy)}, "
                         f"got {label!r}")
    val = np.asarray(run.validation_accuracy[label])
    i = int(np.argmax(val))
    return i + 1, float(val[i]), float(run.test_accuracy[label][i])


def _setups_param(setups) -> list[tuple[str, str, str]]:
    from ._settings import activation_param
    from .deepnet import INITIALIZERS
    from .models import GAIN_NORMAL

    if not isinstance(setups, Mapping) or not setups:
        raise TypeError("side_by_side: setups must be a non-empty dict of label -> (activation, "
                        f"initializer), e.g. {{'relu, he': ('relu', 'he_normal')}}; got {setups!r}")
    out = []
    for label, pair in setups.items():
        if not (isinstance(pair, tuple) and len(pair) == 2):
            raise TypeError(f"side_by_side: setups[{label!r}] must be a pair (activation, "
                            f"initializer), got {pair!r}")
        name = activation_param("side_by_side", pair[0], pname=f"setups[{label!r}]").name
        if name in ("prelu", "softmax"):
            raise ValueError(f"side_by_side: setups[{label!r}]: {name} is not supported here (it "
                             "has trainable slopes or works on a whole vector); use "
                             "training.compare")
        if pair[1] not in (*INITIALIZERS, GAIN_NORMAL):
            raise ValueError(f"side_by_side: setups[{label!r}]: initializer {pair[1]!r} is not "
                             f"one of {', '.join((*INITIALIZERS, GAIN_NORMAL))}")
        out.append((str(label), name, pair[1]))
    return out


def side_by_side(setups: Mapping[str, tuple[str, str]], data="circles", *, depth: int = 8,
                 width: int = 32, epochs: int = 20, seed: int = 0, learning_rate: float = 0.01,
                 batch_size: int = 64, n: int = 800, validation: float = 0.0) -> SideBySide:
    r"""Train one MLP per setup, side by side, and record each one's test accuracy after every
    epoch.

    ``setups`` maps a label to (activation, initializer), e.g. ``{"relu, LeCun": ("relu",
    "lecun_normal"), "relu, He": ("relu", "he_normal")}``: unlike ``training.compare``, the
    same activation can appear with several initializers. ``data`` is a classification set's
    name in ``actlib.data`` (``n`` points, split as ``training.compare`` splits it) or a ready
    split ``(X_train, X_test, y_train, y_test)`` such as ``data.digits(seed=...)``.

    Each network is ``models.build_mlp(activation, depth, width, init=initializer,
    seed=seed)``: the initial weights ``training.train`` would start from. The networks are
    trained as one TensorFlow step on stacked weights (one (k, in, out) tensor per layer; a
    Keras ``fit`` of k separate 20-layer networks spends most of its time building the graph),
    with the loss :math:`\sum_j L_j`, each :math:`L_j` network j's mean cross-entropy on the
    batch, so each network gets exactly its own gradient, and Keras' Adam for each weight
    (:math:`\beta_1 = 0.9`, :math:`\beta_2 = 0.999`, :math:`\epsilon = 10^{-7}`):

    .. math:: m \leftarrow \beta_1 m + (1 - \beta_1) g, \quad
              v \leftarrow \beta_2 v + (1 - \beta_2) g^2, \quad
              w \leftarrow w - \eta \frac{\sqrt{1 - \beta_2^t}}{1 - \beta_1^t}
              \frac{m}{\sqrt v + \epsilon}.

    Every network sees the same mini-batches of ``batch_size`` in the same order (shuffled each
    epoch, from ``seed``), so an epoch is ceil(n_train / batch_size) Adam steps. With
    ``validation`` > 0 that fraction of the training split is held out (``data.train_test_split``
    with ``seed``) and not trained on: choose epochs on it (``best_epoch``), never on the test
    set. Returns a ``SideBySide``: {label: test accuracy after epochs 1..epochs}, the steps per
    epoch, and {label: validation accuracy after each epoch}.
    """
    from .layers import RReLU, keras, layer  # noqa: I001  (first: it sets TensorFlow's options)
    import tensorflow as tf

    from ._settings import count_param, int_param, positive_param
    from .experiment import deterministic, load_data
    from .models import build_mlp

    runs = _setups_param(setups)
    depth, width, epochs, batch_size, n = (count_param("side_by_side", p, v) for p, v in (
        ("depth", depth), ("width", width), ("epochs", epochs), ("batch_size", batch_size),
        ("n", n)))
    seed = int_param("side_by_side", "seed", seed)
    learning_rate = positive_param("side_by_side", "learning_rate", learning_rate)
    if isinstance(data, str):
        split = load_data(data, n=n, seed=seed)
    elif isinstance(data, (tuple, list)) and len(data) == 4:
        split = data
    else:
        raise TypeError("side_by_side: data must be a data set's name or a split (X_train, "
                        f"X_test, y_train, y_test), got {type(data).__name__}")
    X_train, X_test, y_train, y_test = (np.asarray(a) for a in split)
    if not np.issubdtype(y_train.dtype, np.integer):
        raise ValueError("side_by_side: data must be a classification task (integer labels)")
    if (isinstance(validation, bool) or not isinstance(validation, (int, float))
            or not 0 <= validation < 1):
        raise ValueError(f"side_by_side: validation must be a fraction in [0, 1), got "
                         f"{validation!r}")
    n_val = 0
    if validation > 0:
        from .data import train_test_split

        X_train, X_val, y_train, y_val = train_test_split(X_train, y_train, validation, seed)
        n_val = len(y_val)
        X_test, y_test = np.concatenate([X_val, X_test]), np.concatenate([y_val, y_test])
    deterministic()
    k, n_in, n_out = len(runs), X_train.shape[1], int(max(y_train.max(), y_test.max())) + 1
    nets = [build_mlp(name, depth, width, n_in, n_out, init, seed) for _, name, init in runs]
    kernels, biases = [], []
    for i in range(1, depth + 2):
        dense = [net.get_layer(f"dense_{i}" if i <= depth else "logits") for net in nets]
        kernels.append(tf.Variable(np.stack([keras.ops.convert_to_numpy(d.kernel)
                                             for d in dense])))
        biases.append(tf.Variable(np.stack([keras.ops.convert_to_numpy(d.bias)
                                            for d in dense])[:, None, :]))
    weights = kernels + biases
    moments = [(tf.Variable(tf.zeros_like(w)), tf.Variable(tf.zeros_like(w))) for w in weights]
    # each network's activation layers; called through .call, which skips Keras' per-call
    # bookkeeping (about a millisecond per call while TensorFlow traces the step). Only RReLU
    # looks at `training` (random slopes while training).
    activation = [[layer(name) for _, name, _ in runs] for _ in range(depth)]

    def apply(lay, x, training):
        return lay.call(x, training=training) if isinstance(lay, RReLU) else lay.call(x)

    def forward(x, training):
        h = tf.repeat(x[None], k, axis=0)  # (k, batch, features): one copy per network
        for i in range(depth + 1):
            h = tf.matmul(h, kernels[i]) + biases[i]
            if i < depth:
                h = tf.stack([apply(activation[i][j], h[j], training) for j in range(k)])
        return h

    t = tf.Variable(0.0)
    beta1, beta2 = 0.9, 0.999
    spec = [tf.TensorSpec([None, n_in], tf.float32), tf.TensorSpec([None], tf.int32)]

    @tf.function(input_signature=spec, autograph=False)  # plain Python loops: nothing to convert
    def step(x, y):
        with tf.GradientTape() as tape:
            logits = forward(x, True)
            losses = tf.nn.sparse_softmax_cross_entropy_with_logits(
                tf.repeat(y[None], k, axis=0), logits)
            loss = tf.reduce_sum(tf.reduce_mean(losses, axis=1))
        grads = tape.gradient(loss, weights)
        t.assign_add(1.0)
        for w, grad, (m, v) in zip(weights, grads, moments, strict=True):
            tf.raw_ops.ResourceApplyAdam(  # Keras' Adam update, one fused op per tensor
                var=w.handle, m=m.handle, v=v.handle, beta1_power=beta1 ** t,
                beta2_power=beta2 ** t, lr=learning_rate, beta1=beta1, beta2=beta2,
                epsilon=1e-7, grad=grad)

    predict = tf.function(lambda x: forward(x, False), input_signature=spec[:1], autograph=False)
    X_train = tf.constant(X_train, tf.float32)
    y_train = tf.constant(y_train, tf.int32)
    X_test = tf.constant(X_test, tf.float32)
    order_rng = np.random.default_rng(seed)
    n_train = int(X_train.shape[0])
    accuracy, val_accuracy = np.empty((epochs, k)), np.empty((epochs, k))
    for epoch in range(epochs):
        order = order_rng.permutation(n_train)
        for start in range(0, n_train, batch_size):
            batch = order[start:start + batch_size]
            step(tf.gather(X_train, batch), tf.gather(y_train, batch))
        right = np.argmax(predict(X_test).numpy(), axis=-1) == y_test[None, :]  # (k, n)
        accuracy[epoch] = right[:, n_val:].mean(axis=1)  # the validation rows come first
        if n_val:
            val_accuracy[epoch] = right[:, :n_val].mean(axis=1)
    return SideBySide({label: accuracy[:, j] for j, (label, _, _) in enumerate(runs)},
                      -(-n_train // batch_size),
                      {label: val_accuracy[:, j] for j, (label, _, _) in enumerate(runs)}
                      if n_val else {})


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


def seed_summary(rows, by: Sequence[str] = ("task", "activation"),
                 value: str = "metric") -> dict:
    """Like ``summary``, but the spread is over seeds only: ``value`` is first averaged over the
    rows of each (``by``, seed) (over depths, say), then {key: {"mean", "std", "sem", "n"}} is
    taken over those per-seed means, n = the number of seeds. A seed fixes the data sample, the
    split and the initial weights: it is the unit that repeats the experiment, while depths are
    different experiments whose differences are no noise."""
    per_seed: dict = {}
    for r in rows:
        per_seed.setdefault(tuple(r[k] for k in by) + (r["seed"],), []).append(float(r[value]))
    averaged = [dict(zip((*by, "seed"), key, strict=True)) | {value: float(np.mean(v))}
                for key, v in per_seed.items()]
    return summary(averaged, by=by, value=value)


def t_quantile(n: int, level: float = 0.95) -> float:
    r"""The two-sided Student t quantile :math:`t_{1 - (1 - \text{level})/2,\; n - 1}` for a
    mean of n values: 4.303 for n = 3, 2.776 for n = 5, 1.96 as n grows."""
    from scipy.stats import t

    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2:
        raise ValueError(f"t_quantile: n must be an int >= 2 (values per mean), got {n!r}")
    return float(t.ppf(1 - (1 - level) / 2, n - 1))


def tie_margin(sem_a: float, sem_b: float, n: int) -> float:
    r"""How far apart two means of n seeds each can be and still be a tie:

    .. math:: t_{0.975,\; n - 1} \sqrt{\mathrm{se}_a^2 + \mathrm{se}_b^2}

    the half-width of a 95% confidence interval for their difference, with the degrees of
    freedom of one mean (n - 1: the conservative choice for Welch's test, whose degrees of
    freedom lie between n - 1 and 2n - 2). With 3 seeds the factor is 4.30, not 2."""
    return t_quantile(n) * float(np.hypot(sem_a, sem_b))


def ties_with_best(cells: Mapping, higher_is_better: bool = True) -> list:
    """The keys of ``cells`` ({key: {"mean", "sem", "n"}}, e.g. from ``seed_summary``) whose
    mean is within ``tie_margin`` of the best mean, the best included, best first."""
    sign = 1 if higher_is_better else -1
    best = max(cells, key=lambda k: sign * cells[k]["mean"])
    b = cells[best]
    tied = [k for k, c in cells.items()
            if sign * (b["mean"] - c["mean"]) <= tie_margin(b["sem"], c["sem"],
                                                            min(b["n"], c["n"]))]
    return sorted(tied, key=lambda k: -sign * cells[k]["mean"])


def means(rows, task: str, depth: int | None = None, value: str = "metric") -> dict:
    """{activation: mean ``value``} on ``task`` over seeds (and over depths unless ``depth``)."""
    picked = [r for r in rows if r["task"] == task and (depth is None or r["depth"] == depth)]
    return {a: s["mean"] for (a,), s in summary(picked, by=("activation",), value=value).items()}


def markdown_table(doc: dict, value: str = "metric") -> str:
    """Mean ± std per activation (rows) and task (columns), plus the mean gradient ratio at init
    and dead-unit fraction. The mean is over depths and seeds; the std over seeds only
    (``seed_summary``: each seed's mean over the depths, then their spread)."""
    rows = doc["rows"]
    tasks = list(dict.fromkeys(r["task"] for r in rows))
    acts = list(dict.fromkeys(r["activation"] for r in rows))
    m = seed_summary(rows, value=value)
    extra = {k: summary(rows, by=("activation",), value=k)
             for k in ("grad_ratio_init", "dead_fraction")}
    head = ["activation"] + [t + (" (MAE)" if t in REGRESSION else " (acc)") for t in tasks]
    head += ["r at init", "dead fraction"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for a in acts:
        cells = [a] + [f"{m[(t, a)]['mean']:.3f} ± {m[(t, a)]['std']:.3f}" for t in tasks]
        cells += [f"{extra['grad_ratio_init'][(a,)]['mean']:+.2f}",
                  f"{extra['dead_fraction'][(a,)]['mean']:.3f}"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


_LABELS = {"grad_ratio_init": "r at init", "grad_ratio_final": "r after training",
           "dead_fraction": "dead fraction"}


def heatmap(doc: dict, value: str = "metric", axes=None, title: str | None = None):
    """One panel per task: activations (rows) by depth (columns), cell = mean ``value`` over
    seeds, annotated, each panel with its colour bar. Test scores use viridis, bright = better
    (for the MAE of ``wave`` the scale is reversed); the gradient ratios use a diverging scale
    centred at 0, shared by the panels. Returns the panels' Axes."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import TwoSlopeNorm

    rows = doc["rows"]
    tasks = list(dict.fromkeys(r["task"] for r in rows))
    acts = list(dict.fromkeys(r["activation"] for r in rows))
    depths = sorted({r["depth"] for r in rows})
    m = summary(rows, by=("task", "activation", "depth"), value=value)
    if axes is None:
        _, axes = plt.subplots(1, len(tasks), figsize=(4.4 * len(tasks), 5.4),
                               layout="constrained")
    axes = np.atleast_1d(axes)
    grids = {task: np.array([[m[(task, a, d)]["mean"] for d in depths] for a in acts])
             for task in tasks}
    ratio = value.startswith("grad_ratio")
    if ratio:
        top = max(float(np.max(np.abs(g))) for g in grids.values())
        norm = TwoSlopeNorm(vcenter=0.0, vmin=-top, vmax=top)
    for ax, task in zip(axes, tasks, strict=True):
        grid = grids[task]
        if ratio:
            im = ax.imshow(grid, cmap="RdBu", norm=norm, aspect="auto")
        else:
            cmap = "viridis_r" if (task in REGRESSION and value == "metric") else "viridis"
            im = ax.imshow(grid, cmap=cmap, aspect="auto")
        for (i, j), v in np.ndenumerate(grid):
            red, green, blue = im.cmap(im.norm(v))[:3]
            dark = 0.299 * red + 0.587 * green + 0.114 * blue < 0.5
            ax.text(j, i, f"{v:+.1f}" if ratio else f"{v:.2f}", ha="center", va="center",
                    fontsize=8.5, color="w" if dark else "k")
        label = (("test MAE" if task in REGRESSION else "test accuracy") if value == "metric"
                 else _LABELS.get(value, value))
        ax.set(xticks=range(len(depths)), xticklabels=depths, xlabel="depth (hidden layers)",
               yticks=range(len(acts)), title=f"{task}: {label}")
        ax.set_yticklabels(acts if ax is axes[0] else [])
        bar = ax.figure.colorbar(im, ax=ax, shrink=0.9, pad=0.02)
        bar.set_label(label + (" (lower is better)" if label == "test MAE" else ""))
    if title:
        axes[0].figure.suptitle(title)
    return axes


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m actlib.study", description=__doc__.split(
        "\n\n")[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--full", action="store_true", help="the full study (default)")
    mode.add_argument("--quick", action="store_true", help="the notebook's quick version")
    mode.add_argument("--cost", action="store_true",
                      help="re-measure only the activations' cost, in the results file")
    parser.add_argument("--init", choices=tuple(INITS), default="fair",
                        help="fair: each activation's initializer from notebook 03 (INIT, the "
                             "default); default: Keras' glorot_uniform, SELU lecun_normal "
                             "(DEFAULT_INIT), written to study_default.json without the cost")
    parser.add_argument("--out", default=None, help="results JSON (a CSV is written next to it)")
    args = parser.parse_args(argv)
    command = ("python -m actlib.study " + " ".join(sys.argv[1:] if argv is None else argv)
               ).strip()
    if args.cost:
        out = args.out or str(FULL_RESULTS)
        doc = load(out if args.out else FULL_RESULTS)
        doc["cost"] = activation_cost(doc["meta"]["settings"]["activations"])
        doc["cost"]["command"] = command
        save(doc, out)
        print(cost_table(doc["cost"]))
        print(f"\nwrote the cost into {out}")
        return 0
    config = QUICK if args.quick else FULL
    init = INITS[args.init]
    full_out = str(FULL_RESULTS if args.init == "fair" else DEFAULT_RESULTS)
    out = args.out or ("study_quick.json" if args.quick else full_out)
    doc = run(**config, init=init, stream=sys.stderr, command=command)
    if not args.quick:
        doc["normalisation"] = normalisation(config.get("activations", ACTIVATIONS), init)
        if args.init == "fair":  # the cost does not depend on the weights: measured once
            doc["cost"] = activation_cost()
            doc["cost"]["command"] = command
    save(doc, out)
    print(markdown_table(doc))
    print(f"\nwrote {out} and {Path(out).with_suffix('.csv')}; "
          f"wall time {doc['meta']['wall_seconds']:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
