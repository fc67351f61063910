"""Keras layers for every activation in ``actlib.ALL_NAMES``, written with ``keras.ops`` and
``keras.random`` only, so they run on any Keras 3 backend.

    from actlib import layers
    layers.layer("elu", alpha=0.5)      # a fresh layer
    layers.RReLU(seed=0)                # random slopes in training, the mean slope otherwise
    layers.layer("swiglu")              # halves the last axis: a * silu(b)
    layers.layer("maxout", k=3)         # max over groups of 3 consecutive units

Importing this module imports Keras (and TensorFlow); ``import actlib`` alone does not.
"""

from __future__ import annotations

import contextlib
import os
import sys

# Before TensorFlow loads: no C++ logs (level 3: TF 2.21's tf.data logs a harmless version-skew
# message at ERROR level on every fit, and ipykernel would show it in the notebook), and no
# oneDNN notice (oneDNN's reordered sums also make results differ in the last bits).
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")


@contextlib.contextmanager
def _native_stderr_silenced():
    """Inside, file descriptor 2 (what C/C++ code writes to stderr) goes to os.devnull.

    Why: full TensorFlow's C++ libraries write registration notices (cuDNN/cuBLAS factories,
    "computation placer already registered") straight to fd 2 while loading, before
    TF_CPP_MIN_LOG_LEVEL applies, and ipykernel shows fd 2 as a red stderr stream. Exceptions
    propagate as usual, and in Jupyter sys.stderr (Python warnings) is not fd 2."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (AttributeError, OSError, ValueError):  # no usable fd 2 (e.g. pythonw): nothing to hide
        yield
        return
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


with _native_stderr_silenced():  # an ImportError still propagates, with its message
    import keras
    from keras import ops

import numpy as np  # noqa: E402

from .functions import ALL_NAMES, VECTOR_NAMES, get  # noqa: E402

__all__ = ["ActivationLayer", "RReLU", "SubgradientReLU", "layer"]


def _mish(x):
    return x * ops.tanh(ops.softplus(x))


def _gated(gate):
    def fn(x, axis=-1, **params):
        a, b = ops.split(x, 2, axis=axis)  # a: the value, b: through the gate (as keras.ops.glu)
        return a * gate(b, **params)

    return fn


def _maxout(x, k=2, axis=-1):
    """Max over groups of k consecutive entries of ``axis`` (as ``actlib.maxout``)."""
    x = ops.moveaxis(x, axis, -1)
    shape = ops.shape(x)  # the batch size may be a tensor; the last axis is known (checked)
    y = ops.max(ops.reshape(x, (*shape[:-1], shape[-1] // k, k)), axis=-1)
    return ops.moveaxis(y, -1, axis)


# Each stateless activation as keras.ops, with actlib's parameter names.
_KERAS_OPS = {
    "linear": lambda x: x,
    "sigmoid": lambda x: ops.sigmoid(x),
    "tanh": lambda x: ops.tanh(x),
    "relu": lambda x: ops.relu(x),
    "leaky_relu": lambda x, alpha=0.01: ops.leaky_relu(x, negative_slope=alpha),
    "elu": lambda x, alpha=1.0: ops.elu(x, alpha=alpha),
    "selu": lambda x: ops.selu(x),
    "softmax": lambda x, axis=-1: ops.softmax(x, axis=axis),
    "softplus": lambda x: ops.softplus(x),
    "gelu": lambda x, approximate=False: ops.gelu(x, approximate=approximate),
    "silu": lambda x: ops.silu(x),
    "mish": _mish,
    "relu6": lambda x: ops.relu6(x),
    "hard_sigmoid": lambda x: ops.hard_sigmoid(x),  # relu6(x + 3) / 6 in every Keras 3
    "hard_silu": lambda x: ops.hard_silu(x),
    "squared_relu": lambda x: ops.square(ops.relu(x)),
    "glu": _gated(lambda b: ops.sigmoid(b)),  # keras.ops.glu only from Keras 3.6 or so
    "reglu": _gated(lambda b: ops.relu(b)),
    "geglu": _gated(lambda b, approximate=False: ops.gelu(b, approximate=approximate)),
    "swiglu": _gated(lambda b: ops.silu(b)),
    "maxout": _maxout,
}


def _dummy_shape(params) -> tuple:
    """A shape of unknown lengths with enough axes for ``params["axis"]`` (checked later)."""
    axis = params.get("axis", -1)
    ndim = max(axis + 1, -axis, 1) if isinstance(axis, int) else 1
    return (None,) * ndim


@keras.saving.register_keras_serializable(package="actlib")
class ActivationLayer(keras.layers.Layer):
    """A stateless activation layer: ``ActivationLayer("elu", {"alpha": 0.5})``.

    For the gated units and maxout (``actlib.VECTOR_NAMES`` but softmax) the output is shorter
    along ``params["axis"]`` (default -1, the features; an axis counts the batch axis, as in
    Keras); its length must be even (gated) or a multiple of k (maxout), checked on the first
    call with the same error as NumPy's."""

    def __init__(self, activation: str, params: dict | None = None, **kwargs):
        kwargs.setdefault("name", activation)
        super().__init__(**kwargs)
        if activation not in _KERAS_OPS:
            raise ValueError(f"ActivationLayer: no stateless layer for {activation!r}; "
                             f"choose one of {', '.join(_KERAS_OPS)} (or use layer())")
        self.activation = activation
        self.params = dict(params or {})
        self._narrows = activation in VECTOR_NAMES and activation != "softmax"
        fn = get(activation)
        if self._narrows:  # the same parameter checks as NumPy's
            fn.output_shape(_dummy_shape(self.params), **self.params)
        else:
            fn(np.zeros(1), **self.params)
        self._fn = _KERAS_OPS[activation]

    def call(self, inputs):
        if self._narrows:
            get(self.activation).output_shape(tuple(inputs.shape), **self.params)
        return self._fn(inputs, **self.params)

    def compute_output_shape(self, input_shape):
        if self._narrows:
            return get(self.activation).output_shape(tuple(input_shape), **self.params)
        return input_shape

    def get_config(self):
        return {**super().get_config(), "activation": self.activation, "params": self.params}


@keras.saving.register_keras_serializable(package="actlib")
class RReLU(keras.layers.Layer):
    r"""Randomized leaky ReLU: f(x) = x for x > 0, a x otherwise, with a ~ U(lower, upper) per
    element when ``training=True`` and a = (lower + upper) / 2 otherwise (see ``actlib.rrelu``)."""

    def __init__(self, lower: float = 1 / 8, upper: float = 1 / 3, seed: int | None = None,
                 **kwargs):
        super().__init__(**kwargs)
        get("rrelu")(np.zeros(1), lower=lower, upper=upper)  # checks 0 <= lower <= upper
        self.lower, self.upper, self.seed = float(lower), float(upper), seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs, training=None):
        if training:
            slope = keras.random.uniform(ops.shape(inputs), self.lower, self.upper,
                                         dtype=inputs.dtype, seed=self.seed_generator)
        else:
            slope = (self.lower + self.upper) / 2
        return ops.where(inputs > 0, inputs, slope * inputs)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "lower": self.lower, "upper": self.upper,
                "seed": self.seed}


def layer(name: str, **params) -> keras.layers.Layer:
    """A fresh Keras layer for any activation in ``actlib.ALL_NAMES`` (or an alias).

    ``layer("prelu", alpha=0.25)`` is a trainable ``keras.layers.PReLU`` whose slopes (one per
    unit) start at alpha; ``layer("rrelu", lower=..., upper=..., seed=...)`` is an ``RReLU``;
    ``layer("softmax")`` works on the last axis; ``layer("swiglu", axis=-1)`` and the other
    gated units halve that axis, ``layer("maxout", k=2, axis=-1)`` divides it by k; every other
    name is an ``ActivationLayer`` too.
    """
    key = get(name).name  # validates the name, resolves "swish"
    if key == "prelu":
        alpha = params.pop("alpha", 0.25)
        get("prelu")(np.zeros(1), alpha=alpha)
        return keras.layers.PReLU(alpha_initializer=keras.initializers.Constant(alpha), **params)
    if key == "rrelu":
        return RReLU(**params)
    return ActivationLayer(key, params)


assert set(_KERAS_OPS) | {"prelu", "rrelu"} == set(ALL_NAMES)


@keras.saving.register_keras_serializable(package="actlib")
class SubgradientReLU(keras.layers.Layer):
    r"""ReLU, max(0, x), whose derivative at exactly x = 0 is ``at_zero`` instead of 0.

    Any value in [0, 1] is a valid subgradient at the kink. Frameworks (and ``actlib.relu``) use
    0; some texts write relu'(0) = 1, which is ``SubgradientReLU(at_zero=1.0)``. Everywhere else
    the output and the derivative are ``actlib.relu``'s.
    """

    def __init__(self, at_zero: float = 1.0, **kwargs):
        super().__init__(**kwargs)
        if not 0 <= at_zero <= 1:
            raise ValueError(f"SubgradientReLU: at_zero must be in [0, 1] (a subgradient of "
                             f"relu at 0), got {at_zero}")
        self.at_zero = float(at_zero)

    def call(self, inputs):
        # x - stop_gradient(x) is 0 going forward and has derivative 1; kept only where x == 0.
        kink = ops.where(ops.equal(inputs, 0), inputs - ops.stop_gradient(inputs),
                         ops.zeros_like(inputs))
        return ops.relu(inputs) + self.at_zero * kink

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "at_zero": self.at_zero}
