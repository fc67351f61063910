"""Building the lessons' networks: the MLP every experiment trains, with its layers named so that
the measurements (``actlib.measure``) can find them.

    from actlib import models
    model = models.build_mlp("relu", depth=8, width=32, seed=0)
    model.get_layer("dense_3"), model.get_layer("act_3"), model.get_layer("logits")
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar

from ._settings import activation_param, count_param, init_param, int_param, layer_factory_param
from .activation import Activation
from .layers import keras, layer

__all__ = ["GAIN_NORMAL", "activation_layer", "build_mlp", "gain_initializer",
           "kernel_initializer"]

#: The initializer name for "LeCun normal times the activation's gain": weights of variance
#: gain² / fan_in, with the gain of ``actlib.variance.gain`` (He for ReLU, LeCun for SELU)
GAIN_NORMAL = "gain_normal"


def kernel_initializer(activation: Activation, init: str | Mapping[str, str]) -> str:
    """The initializer's name: ``init`` itself, or its entry for this activation's name, else its
    "default" entry, else "glorot_uniform"."""
    if isinstance(init, str):
        return init
    return init.get(activation.name, init.get("default", "glorot_uniform"))


def gain_initializer(activation: Activation | str, **params):
    r"""The Keras initializer behind ``GAIN_NORMAL`` for this activation (and its parameters):
    a truncated normal, like ``lecun_normal``, with variance

    .. math:: \operatorname{Var}(w) = \frac{c^{\ast 2}}{n_\text{in}}, \qquad
              c^\ast = 1 / \sqrt{\operatorname{E}[f(z)^2]}, \; z \sim N(0, 1)

    (``variance.gain``): standard-normal pre-activations stay standard normal, layer after
    layer, in a wide network. For ReLU :math:`c^{\ast 2} = 2` (He), for leaky ReLU with slope
    a :math:`2 / (1 + a^2)` (He et al. 2015), for SELU and the identity 1 (LeCun)."""
    from .variance import gain

    name = activation if isinstance(activation, str) else activation.name
    return keras.initializers.VarianceScaling(scale=gain(name, **params) ** 2, mode="fan_in",
                                              distribution="truncated_normal")


def build_mlp(name: str | Activation, depth: int = 4, width: int = 32, n_inputs: int = 2,
              n_outputs: int = 2, init: str | Mapping[str, str] = "glorot_uniform", seed: int = 0,
              output_activation: str | None = None,
              make_layer: Callable[[], keras.layers.Layer] | None = None,
              **params) -> keras.Model:
    """Input -> depth x [Dense(width) -> activation] -> Dense(n_outputs) (logits).

    ``init`` names the kernel initializer (or maps activation names to one, with an optional
    "default"): a Keras name such as "he_normal", or ``GAIN_NORMAL`` ("gain_normal", LeCun
    normal times the activation's gain, ``gain_initializer``). Hidden Dense layers are called
    ``dense_1..depth``, activations ``act_1..depth``.
    ``output_activation`` (e.g. "softmax") adds a layer ``output`` after the logits; it has no
    weights, so the same seed gives the same initial weights with or without it.
    ``make_layer``: a function of no arguments that returns a fresh activation layer, used for
    every hidden layer instead of ``layers.layer(name, **params)``, e.g.
    ``make_layer=lambda: layers.SubgradientReLU(at_zero=1.0)``.
    """
    activation = activation_param("build_mlp", name)
    depth = count_param("build_mlp", "depth", depth)
    width = count_param("build_mlp", "width", width)
    n_inputs = count_param("build_mlp", "n_inputs", n_inputs)
    n_outputs = count_param("build_mlp", "n_outputs", n_outputs)
    seed = int_param("build_mlp", "seed", seed)
    init = init_param("build_mlp", init)
    make_layer = layer_factory_param("build_mlp", make_layer) or scoped_layer(activation)
    if output_activation is not None:
        output_activation = activation_param("build_mlp", output_activation,
                                             pname="output_activation")
    return assemble_mlp(activation, depth, width, n_inputs, n_outputs, init, seed,
                        output_activation, make_layer, params)


def assemble_mlp(activation: Activation, depth: int, width: int, n_inputs: int, n_outputs: int,
                 init: str | Mapping[str, str], seed: int, output_activation: Activation | None,
                 make_layer: Callable[[], keras.layers.Layer] | None,
                 params: dict) -> keras.Model:
    """``build_mlp`` on checked parameters (the training entry points check theirs)."""
    keras.utils.set_random_seed(seed)
    kernel_init = kernel_initializer(activation, init)
    gain_params = {k: v for k, v in params.items() if k != "seed"}  # RReLU's seed is no shape
    if make_layer is None:
        def make_layer():
            return layer(activation.name, **params)
    inputs = keras.Input((n_inputs,))
    h = inputs
    for i in range(1, depth + 1):
        kernel = (gain_initializer(activation, **gain_params) if kernel_init == GAIN_NORMAL
                  else kernel_init)
        h = keras.layers.Dense(width, kernel_initializer=kernel, name=f"dense_{i}")(h)
        h = _named(make_layer(), f"act_{i}")(h)
    outputs = keras.layers.Dense(n_outputs, name="logits")(h)
    if output_activation is not None:
        outputs = _named(layer(output_activation.name), "output")(outputs)
    return keras.Model(inputs, outputs, name=f"{activation.name}_mlp")


def _named(lay: keras.layers.Layer, name: str) -> keras.layers.Layer:
    lay.name = name
    return lay


# ------------------------------------------------- another layer for one activation, in a block

_LAYER_FOR: ContextVar[tuple[str, Callable[[], keras.layers.Layer]] | None] = ContextVar(
    "actlib_models_layer_for", default=None)


def scoped_layer(activation: Activation) -> Callable[[], keras.layers.Layer] | None:
    """The ``make_layer`` of the enclosing ``activation_layer`` block for this activation."""
    scoped = _LAYER_FOR.get()
    return scoped[1] if scoped is not None and scoped[0] == activation.name else None


@contextmanager
def activation_layer(name: str, make_layer: Callable[[], keras.layers.Layer]) -> Iterator[None]:
    """Inside ``with activation_layer("relu", make_layer):``, ``build_mlp`` (and so
    ``training.train`` and ``training.compare``) builds the hidden layers of a "relu" network with
    ``make_layer()`` instead of ``layers.layer("relu")``, e.g.
    ``make_layer=lambda: layers.SubgradientReLU(at_zero=1.0)``: the same as passing
    ``make_layer=`` to each call, for every call in the block. The block sets a context variable
    (no global is replaced), and ends with it. ``train("relu", ...)`` still counts dead units
    with ``actlib.relu.derivative``."""
    activation = activation_param("activation_layer", name)
    make_layer = layer_factory_param("activation_layer", make_layer)
    token = _LAYER_FOR.set((activation.name, make_layer))
    try:
        yield
    finally:
        _LAYER_FOR.reset(token)
