"""What every training run shares: its data (split into train and test), how it is scored (loss
and metric, classification or regression), the ``Result`` it returns and its progress line.

``actlib.training`` trains one network at a time, ``actlib.together`` several side by side; both
start from a ``Task`` and end with one ``Result`` per network.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import data as datasets
from .layers import keras

__all__ = ["Result", "Task", "load_data"]

DATA_SETS = ("two_spirals", "circles", "xor_blobs", "spirals", "wave")


def load_data(data="two_spirals", n: int = 2000, noise: float | None = None, seed: int = 0,
              test_fraction: float = 0.25):
    """(X_train, X_test, y_train, y_test) from a name in ``actlib.data`` or an (X, y) pair."""
    if isinstance(data, str):
        gen = getattr(datasets, data, None)
        if gen is None or data.startswith("_") or data == "train_test_split":
            raise ValueError(f"load_data: unknown data set {data!r}; choose one of "
                             f"{', '.join(DATA_SETS)}")
        kwargs = {} if noise is None else {"noise": noise}
        X, y = gen(n=n, seed=seed, **kwargs)
    else:
        X, y = data
    return datasets.train_test_split(X, y, test_fraction=test_fraction, seed=seed)


def deterministic() -> None:
    """Make TensorFlow's ops deterministic: the same seed gives the same numbers."""
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()


@dataclass
class Task:
    """The data of an experiment and how to score it (classification or regression)."""

    data: tuple
    classification: bool
    n_out: int
    loss: object
    metric: str

    @classmethod
    def make(cls, data, n, seed, output_activation=None, loss=None, fname: str = "train") -> Task:
        deterministic()
        split = load_data(data, n=n, seed=seed)
        y_train = split[2]
        classification = bool(np.issubdtype(y_train.dtype, np.integer))
        if classification and output_activation not in (None, "softmax"):
            raise ValueError(f"{fname}: output_activation must be None (logits) or 'softmax' for "
                             f"classification, got {output_activation!r}")
        if loss is None:
            loss = (keras.losses.SparseCategoricalCrossentropy(
                        from_logits=output_activation is None) if classification
                    else keras.losses.MeanSquaredError())
        n_out = int(y_train.max()) + 1 if classification else 1
        return cls(split, classification, n_out, loss, "accuracy" if classification else "mae")


def build_state(model: keras.Model, X, y) -> None:
    """Create a compiled model's optimizer slots and metric and loss state before training.

    Keras creates them while tracing the train function, and TensorFlow traces a function that
    created variables a second time (tf.function's variable-creation rule): creating them first
    halves the tracing. ``X``, ``y``: a batch of the training data (only its shapes count).
    The variables start as they would anyway (zeros), so the training is the same."""
    symbolic_build = getattr(model, "_symbolic_build", None)  # Keras 3.5 to 3.15 at least
    if symbolic_build is not None:
        symbolic_build(data_batch=(np.asarray(X, np.float32), np.asarray(y), None))
    elif not model.optimizer.built:
        model.optimizer.build(model.trainable_variables)


def make_optimizer(name: str, learning_rate: float):
    """A fresh Keras optimizer by name ("adam", "sgd", ...) with this learning rate."""
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


def progress(result: Result, task: Task, note: str = "") -> None:
    """Print the run's one line: test metric, loss, dead units at the end, seconds."""
    metric = "test acc" if task.classification else "test mae"
    print(f"{result.name:<11} {metric} {result.test_accuracy:.3f}   loss {result.test_loss:.3f}"
          f"   dead units {int(result.dead_units[-1].sum()):3d}   {result.seconds:.1f} s{note}",
          flush=True)
