"""Training several networks side by side as one Keras model: the fast path of
``training.compare``, for the same results as training each network alone.

The k networks live in one model as stacked weights: one (k, in, out) kernel per layer instead of
k kernels, so a training step runs a few ops per layer instead of a few per layer and network.
Small networks are dominated by that per-op overhead.

What else keeps it fast, each without changing a single number (``make bench`` shows where the
time goes, ``together.LAST_RUN_TIMES``):

- one compiled function trains a whole epoch: Keras' own ``train_step`` on each batch, in a
  graph loop, in the order ``fit`` would visit them (taken from Keras' data adapter), so no
  data pipeline, callbacks or Python between batches;
- each compiled function is traced once: the optimizer's and the metrics' variables exist before
  the first trace (else TensorFlow traces again), and the batch size is left open;
- the measurements after every epoch (loss, metric, pre-activations of every network, on the
  training and the test set) are one compiled forward pass; a unit is tested for being dead by
  evaluating f' on the whole column only when its smallest and largest values both have f' = 0.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

import numpy as np

from ._settings import RunSettings, activation_param
from .activation import Activation
from .experiment import Result, Task, build_state, make_optimizer, progress
from .layers import keras, layer
from .measure import dead_mask, gradient_norms
from .models import assemble_mlp, scoped_layer

__all__ = ["train_together"]


class _Copies(keras.layers.Layer):
    """(batch, features) -> (k, batch, features): the same input for each network."""

    def __init__(self, k: int, **kwargs):
        super().__init__(**kwargs)
        self.k = k

    def call(self, x):
        return keras.ops.repeat(keras.ops.expand_dims(x, 0), self.k, axis=0)


class _StackedDense(keras.layers.Layer):
    """k dense layers at once: (k, batch, in) -> (k, batch, out), from k Keras Dense layers."""

    def __init__(self, dense_layers: Sequence, **kwargs):
        super().__init__(**kwargs)
        kernel = np.stack([keras.ops.convert_to_numpy(d.kernel) for d in dense_layers])
        bias = np.stack([keras.ops.convert_to_numpy(d.bias) for d in dense_layers])[:, None, :]
        self.kernel = self.add_weight(shape=kernel.shape, name="kernel",
                                      initializer=keras.initializers.Constant(kernel))
        self.bias = self.add_weight(shape=bias.shape, name="bias",
                                    initializer=keras.initializers.Constant(bias))

    def call(self, x):
        return keras.ops.einsum("kbi,kio->kbo", x, self.kernel) + self.bias

    def copy_to(self, dense_layers: Sequence) -> None:
        kernel, bias = (keras.ops.convert_to_numpy(w) for w in (self.kernel, self.bias))
        for j, dense in enumerate(dense_layers):
            dense.set_weights([kernel[j], bias[j, 0]])


class _StackedActivations(keras.layers.Layer):
    """Network j's activation layer on slice j."""

    def __init__(self, activation_layers: Sequence, **kwargs):
        super().__init__(**kwargs)
        self.activation_layers = list(activation_layers)

    def call(self, x, training=None):
        return keras.ops.stack([lay(x[j], training=training)
                                for j, lay in enumerate(self.activation_layers)])


class _BatchFirst(keras.layers.Layer):
    def call(self, x):
        return keras.ops.transpose(x, (1, 0, 2))


def _epoch_orders(n: int, batch_size: int, epochs: int) -> list[np.ndarray]:
    """The order in which ``Model.fit(..., shuffle=True)`` visits n examples in each epoch, from
    Keras' own data adapter for arrays (what ``fit`` uses), made at the same point: after the
    last network's ``set_random_seed``. The permutation op in its data pipeline starts from the
    same seed in every new iterator, so with a global seed Keras 3 repeats the first epoch's
    order: when the first two epochs agree, that one order is returned for all epochs (one
    list entry); otherwise each epoch's own."""
    from keras.src.trainers.data_adapters.array_data_adapter import ArrayDataAdapter

    dataset = ArrayDataAdapter(np.arange(n), batch_size=batch_size, shuffle=True).get_tf_dataset()

    def one_epoch():
        return np.concatenate([keras.ops.convert_to_numpy(b) for b in dataset])

    orders = [one_epoch() for _ in range(min(epochs, 2))]
    if len(orders) == 2 and np.array_equal(*orders):
        return orders[:1]
    return orders + [one_epoch() for _ in range(epochs - len(orders))]


def _epoch_trainer(joint: keras.Model, X, y, batch_size: int):
    """A compiled function that trains ``joint`` for one epoch, visiting the examples in the
    given order: Keras' own ``train_step`` on each batch, in a graph loop, as ``fit`` does, so
    the same numbers; traced once (the batch size is left open for the last, smaller batch)."""
    import tensorflow as tf

    X = tf.constant(np.asarray(X, np.float32))
    y = np.asarray(y)
    y = tf.constant(y.astype(np.float32) if np.issubdtype(y.dtype, np.floating) else y)
    n = int(X.shape[0])
    steps = -(-n // batch_size)

    @tf.function(autograph=False)
    def train_epoch(order):
        X_epoch, y_epoch = tf.gather(X, order), tf.gather(y, order)

        def step(i):
            start = i * batch_size
            end = tf.minimum(start + batch_size, n)
            joint.train_step((X_epoch[start:end], y_epoch[start:end]))
            return i + 1

        # one step after the other (parallel_iterations=1): each reads the weights the last wrote
        return tf.while_loop(lambda i: i < steps, step, [tf.constant(0)], parallel_iterations=1)

    return train_epoch


def _evaluator(probe: keras.Model, task: Task, k: int, X, y):
    """A compiled function (X, y) -> (each network's loss, each one's metric, the pre-activations
    (depth, k, examples, width)): the joint model's forward pass, then ``task.loss`` and the
    task's Keras metric on each network's slice, the same ops as calling them one by one. Traced
    once: the number of examples is left open, for the train and the test set alike."""
    import tensorflow as tf

    metrics = [keras.metrics.SparseCategoricalAccuracy() if task.classification
               else keras.metrics.MeanAbsoluteError() for _ in range(k)]
    signature = [tf.TensorSpec((None, *np.shape(X)[1:]), tf.float32),
                 tf.TensorSpec((None, *np.shape(y)[1:]), tf.as_dtype(np.asarray(y).dtype))]

    @tf.function(input_signature=signature, autograph=False)
    def evaluate(X, y):
        pred, *zs = probe(X, training=False)
        losses, scores = [], []
        for j, metric in enumerate(metrics):
            losses.append(task.loss(y, pred[:, j]))
            metric.reset_state()
            metric.update_state(y, pred[:, j])
            scores.append(metric.result())
        return tf.stack(losses), tf.stack(scores), tf.stack(zs)

    evaluate.get_concrete_function()  # trace it now
    return evaluate


def train_together(names: Sequence[str], data="two_spirals", *,
                   params: Mapping[str, dict] | None = None, output_activation: str | None = None,
                   loss=None, **settings) -> dict[str, Result]:
    """Train one network per activation side by side, as one Keras model.

    Settings (depth, width, epochs, seed, learning_rate, batch_size, init, n, optimizer, verbose)
    are those of ``training.train``. Each network starts exactly as ``train`` builds it
    (``build_mlp`` after ``set_random_seed(seed)``: the same initial weights). Inside the joint
    model the networks' weights are stacked (one (k, in, out) kernel per layer) and each network
    applies its own activation to its own slice. The loss is the sum of the networks' losses and
    no weight is shared, so each network gets exactly the gradient of its own loss, Adam's
    per-weight state keeps them independent, and every network sees the same batches in the same
    order: the same training as alone, up to float rounding. What is saved is overhead: one
    traced step, and a few ops per layer instead of a few per layer and network.

    Histories hold, after every epoch, each network's loss and metric on the whole training set
    and on the test set (Keras' own ``loss`` averages over the epoch's batches instead). Each
    Result's ``model`` is that network alone, trained, with the usual layer names; ``seconds`` is
    its share of the total time.
    """
    if output_activation is not None:
        raise ValueError("train_together: output_activation is not supported; use train()")
    names = list(names)
    if not names:
        raise ValueError("train_together: names must hold at least one activation's name")
    activations = [activation_param("train_together", name, pname="names") for name in names]
    run = RunSettings.check("train_together", **settings)
    return run_together(names, activations, data, dict(params or {}), loss, run)


def run_together(names: Sequence[str], activations: Sequence[Activation], data, params: dict,
                 loss, run: RunSettings) -> dict[str, Result]:
    """``train_together`` on checked settings and resolved activations (one per name)."""
    clock = _Clock()
    task = Task.make(data, run.n, run.seed, None, loss, fname="train_together")
    X_train, X_test, y_train, y_test = task.data
    k, depth = len(names), run.depth
    scoped = [scoped_layer(act) for act in activations]  # see models.activation_layer
    nets = [assemble_mlp(act, depth, run.width, X_train.shape[1], task.n_out, run.init,
                         run.seed, None, make, params.get(name, {}))
            for name, act, make in zip(names, activations, scoped, strict=True)]
    clock.lap("build the networks")
    start = time.perf_counter()
    grads_init = [gradient_norms(net, X_train, y_train, task.loss) for net in nets]
    clock.lap("gradient norms")

    inputs = keras.Input((X_train.shape[1],))
    h = _Copies(k)(inputs)
    stacked_dense, stacked_acts, pre_activations = [], [], []
    for i in range(1, depth + 2):
        dense_name = f"dense_{i}" if i <= depth else "logits"
        stacked_dense.append(_StackedDense([net.get_layer(dense_name) for net in nets]))
        h = stacked_dense[-1](h)
        if i <= depth:
            pre_activations.append(h)
            stacked_acts.append(_StackedActivations(
                [make() if make is not None else layer(act.name, **params.get(name, {}))
                 for name, act, make in zip(names, activations, scoped, strict=True)]))
            h = stacked_acts[-1](h)
    joint = keras.Model(inputs, _BatchFirst()(h), name="together")
    probe = keras.Model(inputs, [joint.output, *pre_activations])
    for acts, i in zip(stacked_acts, range(1, depth + 1), strict=True):
        for lay, net in zip(acts.activation_layers, nets, strict=True):
            lay.set_weights(net.get_layer(f"act_{i}").get_weights())  # PReLU's initial slopes

    def joint_loss(y, p):
        return k * task.loss(y, p)  # k x the mean over networks = the sum of their losses

    joint.compile(make_optimizer(run.optimizer, run.learning_rate), joint_loss)
    targets = np.repeat(y_train[:, None], k, axis=1)
    build_state(joint, X_train[:run.batch_size], targets[:run.batch_size])
    orders = _epoch_orders(len(X_train), run.batch_size, run.epochs)
    train_epoch = clock.timed(_epoch_trainer(joint, X_train, targets, run.batch_size), "train")
    clock.lap("joint model")
    evaluate = _evaluator(probe, task, k, X_train, y_train)
    clock.lap("measure: trace")
    evaluate = clock.timed(evaluate, "measure")
    splits = [(np.asarray(X, np.float32), y) for X, y in ((X_train, y_train), (X_test, y_test))]
    layers_of = [[acts.activation_layers[j] for acts in stacked_acts] for j in range(k)]
    net_params = [params.get(name, {}) for name in names]

    def measure():
        """Each network's loss and metric on train and test data, and its dead units."""
        out = [{} for _ in range(k)]
        for split, (X, y) in zip(("", "val_"), splits, strict=True):
            losses, scores, zs = (keras.ops.convert_to_numpy(t) for t in evaluate(X, y))
            for j in range(k):
                out[j][f"{split}loss"] = float(losses[j])
                out[j][f"{split}{task.metric}"] = float(scores[j])
            if not split:  # zs: (depth, k, examples, width)
                for j, act in enumerate(activations):
                    out[j]["dead"] = np.array([
                        int(np.sum(dead_mask(act, zs[i, j], lay, net_params[j])))
                        for i, lay in enumerate(layers_of[j])])
        return out

    measure = clock.timed(measure, "measure + dead units")
    tracker = [measure()]
    for epoch in range(run.epochs):
        train_epoch(orders[min(epoch, len(orders) - 1)])
        tracker.append(measure())
    clock.lap("fit")
    for i, dense in enumerate(stacked_dense, start=1):
        dense.copy_to([net.get_layer(f"dense_{i}" if i <= depth else "logits") for net in nets])
    for i, acts in enumerate(stacked_acts, start=1):
        for lay, net in zip(acts.activation_layers, nets, strict=True):
            net.get_layer(f"act_{i}").set_weights(lay.get_weights())
    clock.lap("copy the weights back")
    grads_final = [gradient_norms(net, X_train, y_train, task.loss) for net in nets]
    clock.lap("gradient norms")
    seconds = (time.perf_counter() - start) / k
    keys = ("loss", task.metric, "val_loss", f"val_{task.metric}")
    results = {}
    for j, (name, net) in enumerate(zip(names, nets, strict=True)):
        epochs_seen = tracker[1:]
        history = {key: [e[j][key] for e in epochs_seen] for key in keys}
        final = tracker[-1][j]
        results[name] = Result(name, history, final[f"val_{task.metric}"], final["val_loss"],
                               seconds, grads_init[j], grads_final[j],
                               np.array([e[j]["dead"] for e in tracker]), net)
        if run.verbose:
            progress(results[name], task, " (share of a joint run)" if j == 0 else "")
    LAST_RUN_TIMES.clear()
    LAST_RUN_TIMES.update(clock.breakdown())
    return results


#: Where the last ``run_together`` call's wall-clock time went, in seconds per part (see
#: ``_Clock.breakdown``); ``benchmarks/run_all.py`` reports it.
LAST_RUN_TIMES: dict[str, float] = {}


class _Clock:
    """Wall-clock seconds per part of a run: ``lap(label)`` books the time since the previous
    lap; ``timed(fn, label)`` wraps a function so that its calls are booked under ``label``."""

    def __init__(self):
        self.laps: dict[str, float] = {}
        self.calls: dict[str, list[float]] = {}
        self.last = self.begin = time.perf_counter()

    def lap(self, label: str) -> None:
        now = time.perf_counter()
        self.laps[label] = self.laps.get(label, 0.0) + now - self.last
        self.last = now

    def timed(self, fn, label: str):
        calls = self.calls.setdefault(label, [])

        def wrapper(*args, **kwargs):
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                calls.append(time.perf_counter() - t)

        return wrapper

    def breakdown(self) -> dict[str, float]:
        """The laps, with "fit" (the epochs) split into the train function's trace (its first
        call minus a typical later one), its steps, the per-epoch measurements (the compiled
        forward pass, and the rest: NumPy's dead-unit test, Python) and what is left (the epoch
        loop itself); "total" is the whole run."""
        train, evaluate = self.calls.get("train", []), self.calls.get("measure", [])
        per_epoch = sum(self.calls.get("measure + dead units", []))
        times = dict(self.laps)
        fit = times.pop("fit", 0.0)  # the epochs: training and measuring
        typical = float(np.median(train[1:])) if len(train) > 1 else 0.0
        trace = max(train[0] - typical, 0.0) if train else 0.0
        times["train: trace"] = trace
        times["train: steps"] = sum(train) - trace
        times["measure: forward passes"] = sum(evaluate)
        times["measure: dead units, Python"] = per_epoch - sum(evaluate)
        times["epoch loop, Python"] = fit - sum(train) - per_epoch
        times["total"] = time.perf_counter() - self.begin
        return times
