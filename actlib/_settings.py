"""Checks of the Keras experiments' settings (depth, epochs, learning rate, ...): clear errors that
name the function and the parameter, as ``actlib._inputs`` gives for the activations' inputs."""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace

from .activation import Activation
from .functions import ELEMENTWISE_NAMES, NAMES, get


def activation_param(fname: str, name, pname: str = "name") -> Activation:
    """The Activation called ``name`` (or ``name`` itself if it is one)."""
    if isinstance(name, Activation):
        return name
    if not isinstance(name, str):
        raise TypeError(f"{fname}: {pname} must be an activation's name, one of "
                        f"{', '.join(NAMES)}; got {type(name).__name__}")
    try:
        activation = get(name)
    except ValueError:
        raise ValueError(f"{fname}: {pname} {name!r} is not an activation; choose one of "
                         f"{', '.join(NAMES)}") from None
    if activation.name not in ELEMENTWISE_NAMES and activation.name not in NAMES:
        # glu, swiglu, maxout, ...: they change a layer's width and have no elementwise f'
        raise ValueError(f"{fname}: {pname} {name!r} is not elementwise (it maps a vector to a "
                         f"shorter one), so it cannot be a hidden layer's activation here; use "
                         f"actlib.layers.layer({name!r}) after a wider Dense layer instead")
    return activation


def int_param(fname: str, pname: str, value, low: int | None = None) -> int:
    """An int (not a bool), at least ``low`` when given."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{fname}: {pname} must be an int, got {value!r}")
    if low is not None and value < low:
        raise ValueError(f"{fname}: {pname} must be >= {low}, got {value}")
    return int(value)


def count_param(fname: str, pname: str, value) -> int:
    """A whole number of things, at least 1 (layers, units, epochs, examples per batch)."""
    return int_param(fname, pname, value, low=1)


def positive_param(fname: str, pname: str, value) -> float:
    """A finite real number > 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{fname}: {pname} must be a real number, got {value!r}")
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{fname}: {pname} must be a finite number > 0, got {value!r}")
    return float(value)


def init_param(fname: str, init) -> str | Mapping[str, str]:
    """A Keras initializer's name, or a mapping of activation names (and "default") to one."""
    if isinstance(init, str):
        return init
    if isinstance(init, Mapping) and all(isinstance(v, str) for v in init.values()):
        return init
    raise TypeError(f"{fname}: init must be an initializer's name such as 'glorot_uniform', or a "
                    f"dict of activation name -> initializer name; got {init!r}")


def layer_factory_param(fname: str, make_layer) -> Callable | None:
    """None, or a function of no arguments that returns a fresh Keras layer."""
    if make_layer is not None and not callable(make_layer):
        raise TypeError(f"{fname}: make_layer must be a function that returns a new layer, "
                        f"e.g. lambda: layers.SubgradientReLU(), got {make_layer!r}")
    return make_layer


@dataclass(frozen=True)
class RunSettings:
    """The settings every training entry point shares, checked."""

    depth: int = 4
    width: int = 32
    epochs: int = 30
    seed: int = 0
    learning_rate: float = 0.01
    batch_size: int = 64
    init: str | Mapping[str, str] = "glorot_uniform"
    n: int = 2000
    optimizer: str = "adam"
    verbose: bool = True

    @classmethod
    def check(cls, fname: str, **settings) -> RunSettings:
        """The settings, each checked; an unknown one is a TypeError naming ``fname``."""
        unknown = sorted(set(settings) - {f.name for f in fields(cls)})
        if unknown:
            raise TypeError(f"{fname}: unexpected keyword argument(s) {', '.join(unknown)}")
        s = cls(**settings)
        for pname in ("depth", "width", "epochs", "batch_size", "n"):
            count_param(fname, pname, getattr(s, pname))
        int_param(fname, "seed", s.seed)
        positive_param(fname, "learning_rate", s.learning_rate)
        init_param(fname, s.init)
        if not isinstance(s.optimizer, str):
            raise TypeError(f"{fname}: optimizer must be a Keras optimizer's name such as "
                            f"'adam' or 'sgd', got {s.optimizer!r}")
        if not isinstance(s.verbose, bool):
            raise TypeError(f"{fname}: verbose must be True or False, got {s.verbose!r}")
        return replace(s, depth=int(s.depth), width=int(s.width), epochs=int(s.epochs),
                       batch_size=int(s.batch_size), n=int(s.n), seed=int(s.seed),
                       learning_rate=float(s.learning_rate))
