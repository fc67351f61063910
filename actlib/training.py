"""Keras experiments in one call: train the same MLP with different activations on the same data
with the same seed, and measure what the lessons talk about.

    from actlib import training
    results = training.compare(["sigmoid", "relu"], data="two_spirals", depth=8, epochs=30)
    results["relu"].test_accuracy, results["relu"].history["loss"], results["relu"].dead_units

This module trains one network (``train``) or several (``compare``), and is the notebooks' one
import: it also offers what the other modules do, under the same names.

    actlib.models       build_mlp: the network
    actlib.measure      hidden outputs, dead units, gradient norms, PReLU slopes, callbacks
    actlib.experiment   load_data, the task (data, loss, metric), Result, the progress line
    actlib.together     train_together: several networks side by side, as one Keras model

Progress is one compact line per model instead of Keras' per-step log. Everything is seeded
(``keras.utils.set_random_seed``) and TensorFlow's ops are made deterministic, so a re-run gives
the same numbers on the same machine.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from ._settings import RunSettings, activation_param, layer_factory_param
from .activation import Activation
from .experiment import Result, Task, build_state, load_data, make_optimizer, progress
from .layers import keras
from .measure import (
    DeadUnits,
    PerEpoch,
    PReLUSlopes,
    dead_masks,
    dead_units,
    gradient_norms,
    hidden_outputs,
    prelu_slopes,
)
from .models import activation_layer, assemble_mlp, build_mlp, scoped_layer
from .together import run_together, train_together

_Task = Task  # benchmarks/run_all.py uses training._Task

__all__ = ["DeadUnits", "PReLUSlopes", "PerEpoch", "Result", "activation_layer", "build_mlp",
           "compare", "dead_masks", "dead_units", "gradient_norms", "hidden_outputs", "keras",
           "load_data", "prelu_slopes", "train", "train_together"]


def train(name: str, data="two_spirals", depth: int = 4, width: int = 32, epochs: int = 30,
          seed: int = 0, learning_rate: float = 0.01, batch_size: int = 64,
          init: str | Mapping[str, str] = "glorot_uniform", n: int = 2000,
          optimizer: str = "adam", verbose: bool = True, callbacks: Sequence = (),
          output_activation: str | None = None, loss=None,
          make_layer: Callable[[], keras.layers.Layer] | None = None, **params) -> Result:
    """Train one MLP with activation ``name`` and measure it. See ``compare``.

    Any other keyword is a parameter of the activation (``train("elu", alpha=0.5)``). By
    default the model outputs logits and is trained with
    ``SparseCategoricalCrossentropy(from_logits=True)``; ``output_activation="softmax"`` outputs
    probabilities and uses ``from_logits=False``. ``loss`` replaces the loss (any Keras loss).
    ``make_layer`` (see ``build_mlp``) builds the hidden activation layers instead of
    ``layers.layer(name, **params)``; dead units are still counted with ``name``'s derivative.
    """
    activation = activation_param("train", name)
    run = RunSettings.check("train", depth=depth, width=width, epochs=epochs, seed=seed,
                            learning_rate=learning_rate, batch_size=batch_size, init=init, n=n,
                            optimizer=optimizer, verbose=verbose)
    make_layer = layer_factory_param("train", make_layer) or scoped_layer(activation)
    return _train("train", name, activation, data, params, run, list(callbacks),
                  output_activation, loss, make_layer)


def _train(fname: str, name: str, activation: Activation, data, params: dict, run: RunSettings,
           callbacks: list, output_activation: str | None, loss,
           make_layer: Callable[[], keras.layers.Layer] | None) -> Result:
    """``train`` on checked settings and a resolved activation; ``fname`` names the entry point
    in errors."""
    task = Task.make(data, run.n, run.seed, output_activation, loss, fname=fname)
    X_train, X_test, y_train, y_test = task.data
    out = None if output_activation is None else activation_param(
        fname, output_activation, pname="output_activation")
    model = assemble_mlp(activation, run.depth, run.width, X_train.shape[1], task.n_out,
                         run.init, run.seed, out, make_layer, params)
    # One call of the compiled train (and test) function per epoch: Keras loops over the epoch's
    # batches inside the graph, the same steps in the same order (the same numbers), one Python
    # round trip per epoch instead of one per batch. Only when no callback acts per batch (with
    # several steps per call Keras would call its batch hooks once per call). build_state: one
    # trace instead of two.
    per_epoch = MULTI_STEP_CALLS and not any(_acts_per_batch(cb) for cb in callbacks)
    steps = -(-len(X_train) // run.batch_size) if per_epoch else 1
    model.compile(make_optimizer(run.optimizer, run.learning_rate), task.loss,
                  metrics=[task.metric], steps_per_execution=steps)
    build_state(model, X_train[:run.batch_size], y_train[:run.batch_size])
    start = time.perf_counter()
    grads_init = gradient_norms(model, X_train, y_train)
    dead = DeadUnits(X_train, activation, **params)
    fit = model.fit(X_train, y_train, epochs=run.epochs, batch_size=run.batch_size, verbose=0,
                    validation_data=(X_test, y_test), callbacks=[dead, *callbacks])
    grads_final = gradient_norms(model, X_train, y_train)
    test_loss, test_metric = model.evaluate(X_test, y_test, verbose=0)
    seconds = time.perf_counter() - start
    result = Result(name, {k: [float(v) for v in vs] for k, vs in fit.history.items()},
                    float(test_metric), float(test_loss), seconds, grads_init, grads_final,
                    np.array(dead.counts), model)
    if run.verbose:
        progress(result, task)
    return result


def _keras_runs_short_epochs() -> bool:
    """Whether this Keras keeps the logs of an epoch (or evaluation) with fewer batches than
    ``steps_per_execution``: from 3.7 on. Older ones return empty logs (keras-team/keras#20390),
    so there ``train`` makes one step per call, as ``fit`` does by default."""
    import re

    found = re.match(r"(\d+)\.(\d+)", keras.__version__)
    return bool(found) and (int(found[1]), int(found[2])) >= (3, 7)


MULTI_STEP_CALLS = _keras_runs_short_epochs()


def _acts_per_batch(callback) -> bool:
    """Whether a Keras callback overrides a per-batch hook (on_train_batch_end, ...)."""
    base = keras.callbacks.Callback
    return any(getattr(type(callback), hook, None) is not getattr(base, hook)
               for hook in ("on_batch_begin", "on_batch_end", "on_train_batch_begin",
                            "on_train_batch_end", "on_test_batch_begin", "on_test_batch_end"))


def compare(names: Sequence[str], data="two_spirals", *, params: Mapping[str, dict] | None = None,
            on_result: Callable[[Result], None] | None = None, together: bool = True,
            callbacks: Sequence = (), output_activation: str | None = None, loss=None,
            **settings) -> dict[str, Result]:
    """Train the same architecture once per activation in ``names`` on the same data and seed.

    Keyword arguments are those of ``train`` (depth, width, epochs, seed, learning_rate,
    batch_size, init, n, optimizer, verbose, callbacks, output_activation, loss); ``params`` maps
    a name to its activation parameters, e.g. ``{"leaky_relu": {"alpha": 0.2}}``. Returns
    {name: Result} in order.

    ``together=True`` (the default) trains all the networks side by side inside one Keras model
    (see ``train_together``): one traced training step instead of one per network, several
    times faster for small networks, same results up to training noise. With ``callbacks`` (they
    observe one model) or ``together=False`` each network gets its own ``train`` call.
    """
    names = list(names)
    if not names:
        raise ValueError("compare: names must hold at least one activation's name")
    if len(set(names)) != len(names):
        raise ValueError(f"compare: each activation once, got {names}")
    activations = [activation_param("compare", name, pname="names") for name in names]
    run = RunSettings.check("compare", **settings)
    params = dict(params or {})
    if together and len(names) > 1 and not callbacks and output_activation is None:
        results = run_together(names, activations, data, params, loss, run)
        for result in results.values():
            if on_result is not None:
                on_result(result)
        return results
    results = {}
    for name, activation in zip(names, activations, strict=True):
        results[name] = _train("compare", name, activation, data, params.get(name, {}), run,
                               list(callbacks), output_activation, loss, scoped_layer(activation))
        if on_result is not None:
            on_result(results[name])
    return results

