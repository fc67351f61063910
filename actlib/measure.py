"""Measuring a network the lessons talk about: its hidden layers' outputs, its dead units, its
gradient norms and PReLU slopes, once or after every epoch (Keras callbacks).

    from actlib import measure
    measure.hidden_outputs(model, X)           # one array per hidden layer
    measure.dead_units(model, X, "relu")       # dead units per hidden layer
    measure.gradient_norms(model, X, y)        # |d loss / d kernel| per hidden layer

The model is one that ``actlib.models.build_mlp`` builds: hidden layers ``dense_i`` and
``act_i``, i = 1..depth.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from ._settings import activation_param
from .activation import Activation
from .layers import keras

__all__ = ["DeadUnits", "PReLUSlopes", "PerEpoch", "dead_masks", "dead_units", "gradient_norms",
           "hidden_outputs", "prelu_slopes"]


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


def dead_mask(activation: Activation, z: np.ndarray, lay: keras.layers.Layer,
              params: dict) -> np.ndarray:
    """One boolean per unit of a hidden layer: True where f'(z) = 0 for every example (row) of
    the pre-activations ``z``. ``lay`` is the layer's activation layer: a PReLU's derivative uses
    its current slopes, an RReLU's its slope range; any other uses ``params``."""
    if activation.name == "prelu":
        params = {"alpha": keras.ops.convert_to_numpy(lay.weights[0])}
    elif activation.name == "rrelu":
        params = {"lower": lay.lower, "upper": lay.upper}
    return _all_zero_derivative(activation, np.asarray(z), params)


def _all_zero_derivative(activation: Activation, z: np.ndarray, params: dict) -> np.ndarray:
    """np.all(activation.derivative(z, **params) == 0, axis=0), for a 2-D z, without computing
    f' on every entry: a unit whose smallest or largest value already has f' != 0 is alive (one
    example is enough), so f' is evaluated in full only on the other units' columns (for ReLU,
    the dead ones). The same answer, elementwise f' being the same function of each entry; NaN
    propagates through min and max, and f'(NaN) = NaN != 0, as in the full test."""
    if z.ndim != 2 or z.shape[0] == 0:
        return np.all(activation.derivative(z, **params) == 0, axis=0)
    width = z.shape[1]
    ends = np.stack([z.min(axis=0), z.max(axis=0)])
    maybe = np.all(activation.derivative(ends, **params) == 0, axis=0)
    dead = np.zeros(width, dtype=bool)
    if maybe.any():
        cols = np.flatnonzero(maybe)
        per_unit = {k: v[..., cols] if np.ndim(v) and np.shape(v)[-1] == width else v
                    for k, v in params.items()}
        dead[cols] = np.all(activation.derivative(z[:, cols], **per_unit) == 0, axis=0)
    return dead


def _masks(model: keras.Model, X, activation: Activation, params: dict) -> list[np.ndarray]:
    zs = hidden_outputs(model, X, pre_activation=True)
    return [dead_mask(activation, z, model.get_layer(f"act_{i}"), params)
            for i, z in enumerate(zs, start=1)]


def _counts(masks: Sequence[np.ndarray]) -> np.ndarray:
    return np.array([int(np.sum(mask)) for mask in masks])


def dead_masks(model: keras.Model, X, name: str, **params) -> list[np.ndarray]:
    """Per hidden layer, a boolean array (one entry per unit): True where the unit is dead on X
    in the sense of ``dead_units`` (f'(z) = 0 for every example)."""
    return _masks(model, X, activation_param("dead_masks", name), params)


def dead_units(model: keras.Model, X, name: str, **params) -> np.ndarray:
    """Per hidden layer, how many units get no gradient from any example in X: f'(z) = 0 for
    every example (a ReLU unit whose pre-activation is never positive)."""
    return _counts(_masks(model, X, activation_param("dead_units", name), params))


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


def prelu_slopes(model: keras.Model) -> list[np.ndarray]:
    """The current slopes (alpha) of every ``keras.layers.PReLU`` layer in ``model``, in layer
    order, each flattened to one value per slope (an empty list if there are none)."""
    return [keras.ops.convert_to_numpy(lay.alpha).ravel().copy() for lay in model.layers
            if isinstance(lay, keras.layers.PReLU)]


# ------------------------------------------------------------------ after every epoch: callbacks

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


class DeadUnits(keras.callbacks.Callback):
    """Counts dead units per hidden layer (see ``dead_units``) before training and after every
    epoch: ``callback.counts`` has shape (epochs + 1, depth)."""

    def __init__(self, X, name: str | Activation, **params):
        super().__init__()
        self.X, self.activation, self.act_params = X, activation_param("DeadUnits", name), params
        self.counts: list[np.ndarray] = []

    def _count(self) -> np.ndarray:
        return _counts(_masks(self.model, self.X, self.activation, self.act_params))

    def on_train_begin(self, logs=None):
        self.counts = [self._count()]

    def on_epoch_end(self, epoch, logs=None):
        self.counts.append(self._count())


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
