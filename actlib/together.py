"""Training several networks side by side as one Keras model: the fast path of
``training.compare``, for the same results as training each network alone.

The k networks live in one model as stacked weights: one (k, in, out) kernel per layer instead of
k kernels, so a training step runs a few ops per layer instead of a few per layer and network.
Small networks are dominated by that per-op overhead.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

import numpy as np

from ._settings import RunSettings, activation_param
from .activation import Activation
from .experiment import Result, Task, make_optimizer, progress
from .layers import keras, layer
from .measure import PerEpoch, dead_mask, gradient_norms
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
    task = Task.make(data, run.n, run.seed, None, loss, fname="train_together")
    X_train, X_test, y_train, y_test = task.data
    k, depth = len(names), run.depth
    scoped = [scoped_layer(act) for act in activations]  # see models.activation_layer
    nets = [assemble_mlp(act, depth, run.width, X_train.shape[1], task.n_out, run.init,
                         run.seed, None, make, params.get(name, {}))
            for name, act, make in zip(names, activations, scoped, strict=True)]
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
                for j, (name, act) in enumerate(zip(names, activations, strict=True)):
                    out[j]["dead"] = np.array([
                        int(np.sum(dead_mask(act, keras.ops.convert_to_numpy(z[j]),
                                             acts.activation_layers[j], params.get(name, {}))))
                        for z, acts in zip(zs, stacked_acts, strict=True)])
        return out

    tracker = PerEpoch(lambda _joint: measure())
    targets = np.repeat(y_train[:, None], k, axis=1)
    joint.fit(X_train, targets, epochs=run.epochs, batch_size=run.batch_size, verbose=0,
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
        if run.verbose:
            progress(results[name], task, " (share of a joint run)" if j == 0 else "")
    return results
