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
    names = [lay.name for lay in model.layers if lay.name.startswith(prefix)]
    probe = keras.Model(model.input, [model.get_layer(n).output for n in names])
    outs = probe(np.asarray(X, np.float32), training=False)
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


def gradient_norms(model: keras.Model, X, y) -> np.ndarray:
    """Norm of d loss / d kernel for each hidden Dense layer (``dense_1..depth``), on (X, y)."""
    import tensorflow as tf

    kernels = [lay.kernel for lay in model.layers if lay.name.startswith("dense_")]
    with tf.GradientTape() as tape:
        loss_fn = keras.losses.get(model.loss) if isinstance(model.loss, str) else model.loss
        loss = loss_fn(y, model(np.asarray(X, np.float32), training=False))
    return np.array([float(tf.norm(g)) for g in tape.gradient(loss, kernels)])


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
    _deterministic()
    X_train, X_test, y_train, y_test = load_data(data, n=n, seed=seed)
    classification = np.issubdtype(y_train.dtype, np.integer)
    n_out = int(y_train.max()) + 1 if classification else 1
    if classification and output_activation not in (None, "softmax"):
        raise ValueError(f"train: output_activation must be None (logits) or 'softmax' for "
                         f"classification, got {output_activation!r}")
    model = build_mlp(name, depth, width, X_train.shape[1], n_out, init, seed,
                      output_activation=output_activation, **params)
    opt = keras.optimizers.get({"class_name": optimizer,
                                "config": {"learning_rate": learning_rate}})
    if classification:
        if loss is None:
            loss = keras.losses.SparseCategoricalCrossentropy(
                from_logits=output_activation is None)
        model.compile(opt, loss, metrics=["accuracy"])
    else:
        model.compile(opt, "mse" if loss is None else loss, metrics=["mae"])
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
        metric = "test acc" if classification else "test mae"
        print(f"{name:<11} {metric} {result.test_accuracy:.3f}   loss {result.test_loss:.3f}"
              f"   dead units {int(result.dead_units[-1].sum()):3d}   {seconds:5.1f} s", flush=True)
    return result


def compare(names: Sequence[str], data="two_spirals", *, params: Mapping[str, dict] | None = None,
            on_result: Callable[[Result], None] | None = None, **kwargs) -> dict[str, Result]:
    """Train the same architecture once per activation in ``names`` on the same data and seed.

    Keyword arguments are those of ``train`` (depth, width, epochs, seed, learning_rate,
    batch_size, init, n, optimizer, verbose); ``params`` maps a name to its activation
    parameters, e.g. ``{"leaky_relu": {"alpha": 0.2}}``. Returns {name: Result} in order.
    """
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
