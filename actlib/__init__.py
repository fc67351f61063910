"""actlib: activation functions, their derivatives, Keras layers, data, plots and widgets for the
actlib teaching notebooks.

    import actlib as act
    act.NAMES                      # the activations of lessons 00-07 (elementwise + softmax)
    act.elu(x, alpha=1.0)          # f(x), elementwise, on any array-like of real numbers
    act.elu.derivative(x)          # f'(x)
    act.get("elu")                 # the same object, by name (any of act.ALL_NAMES)
    act.softmax.jacobian(z)        # (..., n, n)
    act.relu6(x); act.hard_silu.derivative(x)   # act.ELEMENTWISE_NAMES: all elementwise ones
    act.swiglu(x); act.swiglu.vjp(x, g)         # act.VECTOR_NAMES: not elementwise (gated.py)
    act.seed()                     # the lessons' seed: $ACTLIB_SEED, default 0

Submodules load on first use, so ``import actlib`` stays light and never imports TensorFlow:
``act.data`` (data sets), ``act.deepnet`` (random deep nets in NumPy), ``act.layers`` (Keras
layers), ``act.training`` (Keras experiments: train, compare; built from ``act.models``,
``act.measure``, ``act.experiment`` and ``act.together``), ``act.plots``, ``act.widgets``,
``act.study`` (notebook 07's study) and ``act.check`` (exercise self-checks). ``act.gated`` (the
gated linear units and maxout, NumPy only) is imported with the package.
"""

import importlib

from .activation import Activation
from .functions import (
    ALL_NAMES,
    ELEMENTWISE_NAMES,
    GATED_NAMES,
    NAMES,
    SELU_ALPHA,
    SELU_SCALE,
    VECTOR_NAMES,
    elu,
    gelu,
    get,
    hard_sigmoid,
    hard_silu,
    hard_swish,
    leaky_relu,
    linear,
    mish,
    prelu,
    relu,
    relu6,
    rrelu,
    selu,
    sigmoid,
    silu,
    softmax,
    softplus,
    squared_relu,
    swish,
    tanh,
)
from .gated import geglu, glu, maxout, reglu, swiglu
from .seeds import seed

__version__ = "0.1.0"

_SUBMODULES = ("data", "deepnet", "layers", "training", "models", "measure", "experiment",
               "together", "plots", "widgets", "check", "study", "variance", "gated", "ffn",
               "quantise", "recurrent", "blocks", "calibration", "attention")

__all__ = ["ALL_NAMES", "ELEMENTWISE_NAMES", "GATED_NAMES", "NAMES", "SELU_ALPHA", "SELU_SCALE",
           "VECTOR_NAMES", "Activation", "elu", "geglu", "gelu", "get", "glu", "hard_sigmoid",
           "hard_silu", "hard_swish", "leaky_relu", "linear", "maxout", "mish", "prelu", "reglu",
           "relu", "relu6", "rrelu", "selu", "sigmoid", "silu", "softmax", "softplus",
           "squared_relu", "swiglu", "swish", "tanh", "seed", *_SUBMODULES]


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'actlib' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_SUBMODULES))
