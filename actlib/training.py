"""Keras experiments in one call: build the same MLP with different activations, train each on the
same data with the same seed, and measure what the lessons talk about.

    from actlib import training
    results = training.compare(["sigmoid", "relu"], data="two_spirals", depth=8, epochs=30)
    results["relu"].test_accuracy, results["relu"].history["loss"], results["relu"].dead_units

Progress is one compact line per model instead of Keras' per-step log. Everything is seeded
(``keras.utils.set_random_seed``) and TensorFlow's ops are made deterministic, so a re-run gives
the same numbers on the same machine.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

from . import data as datasets
from .functions import get
from .layers import keras, layer

__all__ = ["DeadUnits", "PerEpoch", "Result", "activation_layer", "build_mlp", "compare",
           "dead_masks", "dead_units", "gradient_norms", "hidden_outputs", "load_data", "train",
           "train_together",
           "PReLUSlopes", "prelu_slopes"]



def _deterministic() -> None:
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()


def load_data(data="two_spirals", n: int = 2000, noise: float | None = None, seed: int = 0,
              test_fraction: float = 0.25):
    """(X_train, X_test, y_train, y_test) from a name in ``actlib.data`` or an (X, y) pair."""
    if isinstance(data, str):
        gen = getattr(datasets, data, None)
        if gen is None or data.startswith("_") or data == "train_test_split":
            raise ValueError(f"load_data: unknown data set {data!r}; choose one of "
                             "two_spirals, circles, xor_blobs, spirals, wave")
        kwargs = {} if noise is None else {"noise": noise}
        X, y = gen(n=n, seed=seed, **kwargs)
    else:
        X, y = data
    return datasets.train_test_split(X, y, test_fraction=test_fraction, seed=seed)


def _init_for(name: str, init: str | Mapping[str, str]) -> str:
    if isinstance(init, str):
        return init
    return init.get(name, init.get("default", "glorot_uniform"))


def build_mlp(name: str, depth: int = 4, width: int = 32, n_inputs: int = 2, n_outputs: int = 2,
              init: str | Mapping[str, str] = "glorot_uniform", seed: int = 0,
              output_activation: str | None = None, **params) -> keras.Model:
    """Input -> depth x [Dense(width) -> activation] -> Dense(n_outputs) (logits).

    ``init`` names the kernel initializer (or maps activation names to one, with an optional
    "default"). Hidden Dense layers are called ``dense_1..depth``, activations ``act_1..depth``.
    ``output_activation`` (e.g. "softmax") adds a layer ``output`` after the logits; it has no
    weights, so the same seed gives the same initial weights with or without it.
    """
    keras.utils.set_random_seed(seed)
    kernel_init = _init_for(name, init)
    inputs = keras.Input((n_inputs,))
    h = inputs
    for i in range(1, depth + 1):
        h = keras.layers.Dense(width, kernel_initializer=kernel_init, name=f"dense_{i}")(h)
        h = _named(layer(name, **params), f"act_{i}")(h)
    outputs = keras.layers.Dense(n_outputs, name="logits")(h)
    if output_activation is not None:
        outputs = _named(layer(output_activation), "output")(outputs)
    return keras.Model(inputs, outputs, name=f"{name}_mlp")


def _named(lay, name):
    lay.name = name
    return lay


def hidden_outputs(model: keras.Model, X, pre_activation: bool = False) -> list[np.ndarray]:
    """The output of every hidden layer (``act_i``, or ``dense_i`` with pre_activation=True)."""
    prefix = "dense_" if pre_activation else "act_"
    probes = model.__dict__.setdefault("_actlib_probes", {})  # built once per model: ~30 ms
    if prefix not in probes:
        names = [lay.name for lay in model.layers if lay.name.startswith(prefix)]
        probes[prefix] = keras.Model(model.input, [model.get_layer(n).output for n in names])
    outs = probes[prefix](np.asarray(X, np.float32), training=False)
    if not isinstance(outs, (list, tuple)):  # a model with one output returns it bare
        outs = [outs]
    return [keras.ops.convert_to_numpy(o) for o in outs]


def _activation_params(model, i, name, params):
    lay = model.get_layer(f"act_{i}")
    if name == "prelu":
        return {"alpha": keras.ops.convert_to_numpy(lay.weights[0])}
    if name == "rrelu":
        return {"lower": lay.lower, "upper": lay.upper}
    return params


def dead_units(model: keras.Model, X, name: str, **params) -> np.ndarray:
    """Per hidden layer, how many units get no gradient from any example in X: f'(z) = 0 for
    every example (a ReLU unit whose pre-activation is never positive)."""
    zs = hidden_outputs(model, X, pre_activation=True)
    fn = get(name)
    counts = []
    for i, z in enumerate(zs, start=1):
        slope = fn.derivative(z, **_activation_params(model, i, name, params))
        counts.append(int(np.sum(np.all(slope == 0, axis=0))))
    return np.array(counts)


class DeadUnits(keras.callbacks.Callback):
    """Counts dead units per hidden layer (see ``dead_units``) before training and after every
    epoch: ``callback.counts`` has shape (epochs + 1, depth)."""

    def __init__(self, X, name: str, **params):
        super().__init__()
        self.X, self.name, self.act_params = X, name, params
        self.counts: list[np.ndarray] = []

    def on_train_begin(self, logs=None):
        self.counts = [dead_units(self.model, self.X, self.name, **self.act_params)]

    def on_epoch_end(self, epoch, logs=None):
        self.counts.append(dead_units(self.model, self.X, self.name, **self.act_params))


def gradient_norms(model: keras.Model, X, y, loss=None) -> np.ndarray:
    """Norm of d loss / d kernel for each hidden Dense layer (``dense_1..depth``), on (X, y).
    ``loss``: a Keras loss; by default the one the model was compiled with."""
    import tensorflow as tf

    kernels = [lay.kernel for lay in model.layers if lay.name.startswith("dense_")]
    loss_fn = model.loss if loss is None else loss
    loss_fn = keras.losses.get(loss_fn) if isinstance(loss_fn, str) else loss_fn
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(np.asarray(X, np.float32), training=False))
    return np.array([float(tf.norm(g)) for g in tape.gradient(loss, kernels)])


@dataclass
class _Task:
    """The data of an experiment and how to score it (classification or regression)."""

    data: tuple
    classification: bool
    n_out: int
    loss: object
    metric: str

    @classmethod
    def make(cls, data, n, seed, output_activation=None, loss=None) -> _Task:
        _deterministic()
        split = load_data(data, n=n, seed=seed)
        y_train = split[2]
        classification = bool(np.issubdtype(y_train.dtype, np.integer))
        if classification and output_activation not in (None, "softmax"):
            raise ValueError(f"train: output_activation must be None (logits) or 'softmax' for "
                             f"classification, got {output_activation!r}")
        if loss is None:
            loss = (keras.losses.SparseCategoricalCrossentropy(
                        from_logits=output_activation is None) if classification
                    else keras.losses.MeanSquaredError())
        n_out = int(y_train.max()) + 1 if classification else 1
        return cls(split, classification, n_out, loss, "accuracy" if classification else "mae")


def _optimizer(name: str, learning_rate: float):
    return keras.optimizers.get({"class_name": name, "config": {"learning_rate": learning_rate}})


@dataclass
class Result:
    """What one training run measured."""

    name: str
    history: dict[str, list[float]]
    test_accuracy: float
    test_loss: float
    seconds: float
    grad_norms_init: np.ndarray
    grad_norms_final: np.ndarray
    dead_units: np.ndarray  # (epochs + 1, depth)
    model: keras.Model = field(repr=False)


def train(name: str, data="two_spirals", depth: int = 4, width: int = 32, epochs: int = 30,
          seed: int = 0, learning_rate: float = 0.01, batch_size: int = 64,
          init: str | Mapping[str, str] = "glorot_uniform", n: int = 2000,
          optimizer: str = "adam", verbose: bool = True, callbacks: Sequence = (),
          output_activation: str | None = None, loss=None, **params) -> Result:
    """Train one MLP with activation ``name`` and measure it. See ``compare``.

    By default the model outputs logits and is trained with
    ``SparseCategoricalCrossentropy(from_logits=True)``; ``output_activation="softmax"`` outputs
    probabilities and uses ``from_logits=False``. ``loss`` replaces the loss (any Keras loss).
    """
    task = _Task.make(data, n, seed, output_activation, loss)
    X_train, X_test, y_train, y_test = task.data
    model = build_mlp(name, depth, width, X_train.shape[1], task.n_out, init, seed,
                      output_activation=output_activation, **params)
    model.compile(_optimizer(optimizer, learning_rate), task.loss, metrics=[task.metric])
    start = time.perf_counter()
    grads_init = gradient_norms(model, X_train, y_train)
    dead = DeadUnits(X_train, name, **params)
    fit = model.fit(X_train, y_train, epochs=epochs, batch_size=batch_size, verbose=0,
                    validation_data=(X_test, y_test), callbacks=[dead, *callbacks])
    grads_final = gradient_norms(model, X_train, y_train)
    test_loss, test_metric = model.evaluate(X_test, y_test, verbose=0)
    seconds = time.perf_counter() - start
    result = Result(name, {k: [float(v) for v in vs] for k, vs in fit.history.items()},
                    float(test_metric), float(test_loss), seconds, grads_init, grads_final,
                    np.array(dead.counts), model)
    if verbose:
        _progress(result, task)
    return result


def _progress(result: Result, task: _Task, note: str = "") -> None:
    metric = "test acc" if task.classification else "test mae"
    print(f"{result.name:<11} {metric} {result.test_accuracy:.3f}   loss {result.test_loss:.3f}"
          f"   dead units {int(result.dead_units[-1].sum()):3d}   {result.seconds:.1f} s{note}",
          flush=True)


def compare(names: Sequence[str], data="two_spirals", *, params: Mapping[str, dict] | None = None,
            on_result: Callable[[Result], None] | None = None, together: bool = True,
            **kwargs) -> dict[str, Result]:
    """Train the same architecture once per activation in ``names`` on the same data and seed.

    Keyword arguments are those of ``train`` (depth, width, epochs, seed, learning_rate,
    batch_size, init, n, optimizer, verbose, output_activation, loss); ``params`` maps a name to
    its activation parameters, e.g. ``{"leaky_relu": {"alpha": 0.2}}``. Returns {name: Result}
    in order.

    ``together=True`` (the default) trains all the networks side by side inside one Keras model
    (see ``train_together``): one traced training step instead of one per network, several
    times faster for small networks, same results up to training noise. With ``callbacks`` (they
    observe one model) or ``together=False`` each network gets its own ``train`` call.
    """
    names = list(names)
    if len(set(names)) != len(names):
        raise ValueError(f"compare: each activation once, got {names}")
    if together and len(names) > 1 and not kwargs.get("callbacks"):
        kwargs.pop("callbacks", None)
        results = train_together(names, data, params=params, **kwargs)
        for result in results.values():
            if on_result is not None:
                on_result(result)
        return results
    results = {}
    for name in names:
        results[name] = train(name, data, **kwargs, **(params or {}).get(name, {}))
        if on_result is not None:
            on_result(results[name])
    return results


def dead_masks(model: keras.Model, X, name: str, **params) -> list[np.ndarray]:
    """Per hidden layer, a boolean array (one entry per unit): True where the unit is dead on X
    in the sense of ``dead_units`` (f'(z) = 0 for every example)."""
    zs = hidden_outputs(model, X, pre_activation=True)
    fn = get(name)
    return [np.all(fn.derivative(z, **_activation_params(model, i, name, params)) == 0, axis=0)
            for i, z in enumerate(zs, start=1)]


class PerEpoch(keras.callbacks.Callback):
    """Records ``fn(model)`` before training and after every epoch: ``callback.values`` has
    epochs + 1 entries. E.g. ``PerEpoch(lambda m: dead_masks(m, X, "relu"))``."""

    def __init__(self, fn: Callable[[keras.Model], object]):
        super().__init__()
        self.fn = fn
        self.values: list = []

    def on_train_begin(self, logs=None):
        self.values = [self.fn(self.model)]

    def on_epoch_end(self, epoch, logs=None):
        self.values.append(self.fn(self.model))


@contextmanager
def activation_layer(name: str, make_layer: Callable[[], keras.layers.Layer]):
    """Inside ``with activation_layer("relu", make_layer):``, ``build_mlp`` (and so ``train`` and
    ``compare``) uses ``make_layer()`` wherever it would use ``layers.layer("relu")``, e.g.
    ``make_layer=lambda: layers.SubgradientReLU(at_zero=1.0)``. ``train("relu", ...)`` still
    counts dead units with ``actlib.relu.derivative``."""
    global layer
    saved = layer

    def replaced(requested, **params):
        return make_layer() if requested == name else saved(requested, **params)

    layer = replaced
    try:
        yield
    finally:
        layer = saved


def prelu_slopes(model: keras.Model) -> list[np.ndarray]:
    """The current slopes (alpha) of every ``keras.layers.PReLU`` layer in ``model``, in layer
    order, each flattened to one value per slope (an empty list if there are none)."""
    return [keras.ops.convert_to_numpy(lay.alpha).ravel().copy() for lay in model.layers
            if isinstance(lay, keras.layers.PReLU)]


class PReLUSlopes(PerEpoch):
    """Records every PReLU layer's slopes before training and after every epoch.

    ``callback.values[e][l]`` holds layer l's slopes after epoch e (e = 0: the initial ones);
    ``callback.mean`` and ``callback.std`` summarise them as arrays of shape
    (epochs + 1, PReLU layers)."""

    def __init__(self):
        super().__init__(prelu_slopes)

    def _summary(self, stat) -> np.ndarray:
        return np.array([[stat(a) for a in epoch] for epoch in self.values], dtype=float)

    @property
    def mean(self) -> np.ndarray:
        return self._summary(np.mean)

    @property
    def std(self) -> np.ndarray:
        return self._summary(np.std)


class _EachModel(keras.callbacks.Callback):
    """Runs ``fn()`` before training and after every epoch, collecting what it returns."""

    def __init__(self, fn: Callable[[], object]):
        super().__init__()
        self.fn, self.values = fn, []

    def on_train_begin(self, logs=None):
        self.values = [self.fn()]

    def on_epoch_end(self, epoch, logs=None):
        self.values.append(self.fn())


# The k networks of ``train_together`` live in one model as stacked weights: one (k, in, out)
# kernel per layer instead of k kernels, so a training step runs a few ops per layer instead of a
# few per layer and network. Small networks are dominated by that per-op overhead.

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


def train_together(names: Sequence[str], data="two_spirals", *,
                   params: Mapping[str, dict] | None = None, depth: int = 4, width: int = 32,
                   epochs: int = 30, seed: int = 0, learning_rate: float = 0.01,
                   batch_size: int = 64, init: str | Mapping[str, str] = "glorot_uniform",
                   n: int = 2000, optimizer: str = "adam", verbose: bool = True,
                   output_activation: str | None = None, loss=None) -> dict[str, Result]:
    """Train one network per activation side by side, as one Keras model.

    Each network starts exactly as ``train`` builds it (``build_mlp`` after
    ``set_random_seed(seed)``: the same initial weights). Inside the joint model the networks'
    weights are stacked (one (k, in, out) kernel per layer) and each network applies its own
    activation to its own slice. The loss is the sum of the networks' losses and no weight is
    shared, so each network gets exactly the gradient of its own loss, Adam's per-weight state
    keeps them independent, and every network sees the same batches in the same order: the same
    training as alone, up to float rounding. What is saved is overhead: one traced step, and a
    few ops per layer instead of a few per layer and network.

    Histories hold, after every epoch, each network's loss and metric on the whole training set
    and on the test set (Keras' own ``loss`` averages over the epoch's batches instead). Each
    Result's ``model`` is that network alone, trained, with the usual layer names; ``seconds`` is
    its share of the total time.
    """
    if output_activation is not None:
        raise ValueError("train_together: output_activation is not supported; use train()")
    params = dict(params or {})
    task = _Task.make(data, n, seed, None, loss)
    X_train, X_test, y_train, y_test = task.data
    k = len(names)
    nets = [build_mlp(name, depth, width, X_train.shape[1], task.n_out, init, seed,
                      **params.get(name, {})) for name in names]
    start = time.perf_counter()
    grads_init = [gradient_norms(net, X_train, y_train, task.loss) for net in nets]

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
                [layer(name, **params.get(name, {})) for name in names]))
            h = stacked_acts[-1](h)
    joint = keras.Model(inputs, _BatchFirst()(h), name="together")
    probe = keras.Model(inputs, [joint.output, *pre_activations])
    for acts, i in zip(stacked_acts, range(1, depth + 1), strict=True):
        for lay, net in zip(acts.activation_layers, nets, strict=True):
            lay.set_weights(net.get_layer(f"act_{i}").get_weights())  # PReLU's initial slopes

    def joint_loss(y, p):
        return k * task.loss(y, p)  # k x the mean over networks = the sum of their losses

    joint.compile(_optimizer(optimizer, learning_rate), joint_loss)
    metric = (keras.metrics.SparseCategoricalAccuracy() if task.classification
              else keras.metrics.MeanAbsoluteError())

    def measure():
        """Each network's loss and metric on train and test data, and its dead units."""
        out = {}
        for split, X, y in (("", X_train, y_train), ("val_", X_test, y_test)):
            pred, *zs = probe(X, training=False)
            for j in range(k):
                metric.reset_state()
                metric.update_state(y, pred[:, j])
                out.setdefault(j, {})[f"{split}loss"] = float(task.loss(y, pred[:, j]))
                out[j][f"{split}{task.metric}"] = float(metric.result())
            if not split:
                for j, name in enumerate(names):
                    out[j]["dead"] = _dead_counts(name, params.get(name, {}),
                                                  [keras.ops.convert_to_numpy(z[j]) for z in zs],
                                                  [a.activation_layers[j] for a in stacked_acts])
        return out

    tracker = _EachModel(measure)
    targets = np.repeat(y_train[:, None], k, axis=1)
    joint.fit(X_train, targets, epochs=epochs, batch_size=batch_size, verbose=0,
              callbacks=[tracker])
    for i, dense in enumerate(stacked_dense, start=1):
        dense.copy_to([net.get_layer(f"dense_{i}" if i <= depth else "logits") for net in nets])
    for i, acts in enumerate(stacked_acts, start=1):
        for lay, net in zip(acts.activation_layers, nets, strict=True):
            net.get_layer(f"act_{i}").set_weights(lay.get_weights())
    grads_final = [gradient_norms(net, X_train, y_train, task.loss) for net in nets]
    seconds = (time.perf_counter() - start) / k
    keys = ("loss", task.metric, "val_loss", f"val_{task.metric}")
    results = {}
    for j, (name, net) in enumerate(zip(names, nets, strict=True)):
        epochs_seen = tracker.values[1:]
        history = {key: [e[j][key] for e in epochs_seen] for key in keys}
        final = tracker.values[-1][j]
        results[name] = Result(name, history, final[f"val_{task.metric}"], final["val_loss"],
                               seconds, grads_init[j], grads_final[j],
                               np.array([e[j]["dead"] for e in tracker.values]), net)
        if verbose:
            _progress(results[name], task, " (share of a joint run)" if j == 0 else "")
    return results


def _dead_counts(name: str, params: dict, zs: Sequence[np.ndarray], acts: Sequence) -> np.ndarray:
    """Dead units per layer (see ``dead_units``) from each layer's pre-activations."""
    fn = get(name)
    counts = []
    for z, lay in zip(zs, acts, strict=True):
        p = params
        if name == "prelu":
            p = {"alpha": keras.ops.convert_to_numpy(lay.weights[0])}
        elif name == "rrelu":
            p = {"lower": lay.lower, "upper": lay.upper}
        counts.append(int(np.sum(np.all(fn.derivative(z, **p) == 0, axis=0))))
    return np.array(counts)
