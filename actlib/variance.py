r"""Variance propagation: the theory behind LeCun, Glorot and He initialisation, in NumPy.

One dense layer computes :math:`z_j = \sum_{i=1}^{n_\text{in}} h_i w_{ij}`. If the weights are
drawn independently, with mean 0 and variance :math:`\operatorname{Var}(w)`, and independently of
the inputs h, every term has mean 0 and the variances add up:

.. math:: \operatorname{Var}(z) = n_\text{in}\,\operatorname{Var}(w)\,\operatorname{E}[h^2]

(the second moment :math:`\operatorname{E}[h^2]`, not the variance: a ReLU's outputs have a
mean, and it counts). Backpropagation runs the same sum the other way, over the
:math:`n_\text{out}` units a unit feeds, and multiplies by the slopes:

.. math:: \operatorname{Var}(\delta_l) = n_\text{out}\,\operatorname{Var}(w)\,
          \operatorname{E}[f'(z_l)^2]\,\operatorname{Var}(\delta_{l+1}) .

Write :math:`\operatorname{Var}(w) = c^2 / n_\text{in}` (c is the *weight scale*: 1 for LeCun,
:math:`\sqrt 2` for He). For a square layer and :math:`z \sim N(0, q)` the next layer's
pre-activations have variance :math:`c^2\,\operatorname{E}[f(z)^2]` and the error's variance is
multiplied by :math:`c^2\,\operatorname{E}[f'(z)^2]`. The **gain** of an activation is the
weight scale that keeps unit variance: :math:`c^\ast = 1/\sqrt{\operatorname{E}[f(z)^2]}`,
:math:`z \sim N(0, 1)`.

    act.variance.moments("relu")            # Moments(mean=0.399, second=0.5, slope=0.5)
    act.variance.gain("relu")               # 1.414... = sqrt(2): He
    act.variance.predict("tanh", depth=30)  # forward and backward std per layer, in theory

``predict`` follows the same network as ``act.deepnet.propagation`` (standard-normal inputs, an
error of std 1 arriving at the top), so theory and simulation can be drawn side by side.
"""

from __future__ import annotations

import functools
import numbers
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from .functions import NAMES, get

__all__ = ["Moments", "Prediction", "expect", "gain", "moments", "predict", "weight_scale"]

#: Gauss-Legendre nodes per half line: the integrands are smooth on each side of 0 (a kink at 0
#: is allowed), so 100 nodes on [-12 s, 0] and [0, 12 s] give about 1e-12 relative accuracy.
NODES = 100
#: The integral is cut at 12 standard deviations: the normal density there is below 1e-31.
CUTOFF = 12.0

INITS = {"lecun_normal", "he_normal", "glorot_uniform", "random_normal"}


@functools.cache
def _legendre():
    return np.polynomial.legendre.leggauss(NODES)


def _check_q(fname: str, q) -> float:
    if isinstance(q, bool) or not isinstance(q, numbers.Real) or not np.isfinite(q) or q <= 0:
        raise ValueError(f"{fname}: q (the variance of z) must be a finite number > 0, got {q!r}")
    return float(q)


def _check_name(fname: str, name) -> None:
    if not isinstance(name, str) or (name not in NAMES and name != "swish") or name == "softmax":
        raise ValueError(f"{fname}: name must be an elementwise activation's name, one of "
                         f"{', '.join(n for n in NAMES if n != 'softmax')}; got {name!r}")


def expect(g: Callable, q: float = 1.0) -> float:
    r""":math:`\operatorname{E}[g(z)]` for :math:`z \sim N(0, q)`:
    :math:`\int g(z)\, e^{-z^2 / 2q} / \sqrt{2 \pi q}\; dz`.

    Gauss-Legendre quadrature on each half line, :math:`[-12\sqrt q, 0]` and
    :math:`[0, 12\sqrt q]`, so that a kink at 0 (ReLU and its relatives) costs no accuracy.
    ``g`` takes and returns arrays.

    >>> round(expect(lambda z: z ** 2, q=4.0), 12)
    4.0
    """
    if not callable(g):
        raise TypeError(f"expect: g must be a function of an array, got {type(g).__name__}")
    q = _check_q("expect", q)
    x, w = _legendre()
    half = CUTOFF * np.sqrt(q) / 2  # each half line has length 12 sqrt(q)
    z = np.concatenate([half * (x - 1), half * (x + 1)])  # [-12 s, 0] then [0, 12 s]
    weights = np.concatenate([w, w]) * half * np.exp(-z ** 2 / (2 * q)) / np.sqrt(2 * np.pi * q)
    with np.errstate(over="ignore", invalid="ignore"):
        return float(np.sum(weights * np.asarray(g(z), dtype=float)))


class Moments(NamedTuple):
    r"""For :math:`z \sim N(0, q)`: ``mean`` :math:`\operatorname{E}[f(z)]`, ``second``
    :math:`\operatorname{E}[f(z)^2]`, ``slope`` :math:`\operatorname{E}[f'(z)^2]`."""

    mean: float
    second: float
    slope: float

    @property
    def std(self) -> float:
        """The standard deviation of f(z): sqrt(second - mean^2)."""
        return float(np.sqrt(max(self.second - self.mean ** 2, 0.0)))


def moments(name: str, q: float = 1.0, **params) -> Moments:
    r""":math:`\operatorname{E}[f(z)]`, :math:`\operatorname{E}[f(z)^2]` and
    :math:`\operatorname{E}[f'(z)^2]` for :math:`z \sim N(0, q)` and the activation ``name``
    (with its parameters), by ``expect``.

    >>> m = moments("relu")
    >>> round(m.mean, 4), round(m.second, 12), round(m.slope, 12)  # 1/sqrt(2 pi), 1/2, 1/2
    (0.3989, 0.5, 0.5)
    """
    _check_name("moments", name)
    q = _check_q("moments", q)
    f = get(name)
    return Moments(expect(lambda z: f(z, **params), q),
                   expect(lambda z: f(z, **params) ** 2, q),
                   expect(lambda z: f.derivative(z, **params) ** 2, q))


def gain(name: str, **params) -> float:
    r"""The activation's gain: the weight scale :math:`c^\ast = 1/\sqrt{\operatorname{E}[f(z)^2]}`,
    :math:`z \sim N(0, 1)`, for which weights of variance :math:`c^{\ast 2} / n_\text{in}` turn
    standard-normal pre-activations into standard-normal pre-activations at the next layer.

    1 for the identity and SELU (LeCun), :math:`\sqrt 2` for ReLU (He),
    :math:`\sqrt{2 / (1 + \alpha^2)}` for leaky ReLU, about 1.59 for tanh.

    >>> round(gain("relu") ** 2, 10), round(gain("selu"), 3)
    (2.0, 1.0)
    """
    _check_name("gain", name)
    return float(1 / np.sqrt(moments(name, 1.0, **params).second))


def weight_scale(init: str, width: int = 64) -> float:
    r"""c with :math:`n_\text{in} \operatorname{Var}(w) = c^2` for an initialiser of
    ``act.deepnet.INITIALIZERS`` in a square layer of ``width`` units: lecun_normal 1,
    he_normal :math:`\sqrt 2`, glorot_uniform 1 (:math:`2 / (n + n) = 1/n`), random_normal
    :math:`0.05\sqrt{n}` (a fixed standard deviation, whatever the width)."""
    if init not in INITS:
        raise ValueError(f"weight_scale: unknown init {init!r}; choose one of "
                         f"{', '.join(sorted(INITS))}")
    if isinstance(width, bool) or not isinstance(width, numbers.Integral) or width < 1:
        raise ValueError(f"weight_scale: width must be an int >= 1, got {width!r}")
    return {"lecun_normal": 1.0, "he_normal": np.sqrt(2.0), "glorot_uniform": 1.0,
            "random_normal": 0.05 * np.sqrt(width)}[init]


class Prediction(NamedTuple):
    """What the variance recursion predicts per layer l = 1..depth (element ``l - 1``), the
    same quantities as ``act.deepnet.Propagation``: ``forward_std`` (std of h_l),
    ``backward_std`` (std of the per-example error dl/dz_l) and ``q`` (variance of z_l)."""

    forward_std: np.ndarray
    backward_std: np.ndarray
    q: np.ndarray


def predict(name: str, depth: int = 20, width: int = 64, init: str = "lecun_normal", *,
            weight_scale: float = 1.0, **params) -> Prediction:
    r"""The variance recursion for ``act.deepnet.propagation``'s network (square layers,
    standard-normal inputs, an error of std 1 arriving at the top), with
    :math:`c = \text{weight\_scale} \times` the initialiser's scale (``weight_scale(init)``):

    .. math:: q_1 = c^2, \qquad q_{l+1} = c^2\, \operatorname{E}[f(z)^2]_{z \sim N(0, q_l)},
              \qquad \operatorname{std}(h_l) = \operatorname{std}[f(z)]_{z \sim N(0, q_l)},

    .. math:: v_\text{depth} = \operatorname{E}[f'(z)^2]_{q_\text{depth}}, \qquad
              v_l = c^2\, \operatorname{E}[f'(z)^2]_{q_l}\, v_{l+1}, \qquad
              \operatorname{std}(\delta_l) = \sqrt{v_l}.

    Exact for infinitely wide layers; a finite network follows it up to a random factor whose
    spread grows with depth / width. Once q leaves [1e-250, 1e250] the forward std is 0 or
    inf from there on.
    """
    _check_name("predict", name)
    for pname, value in (("depth", depth), ("width", width)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
            raise ValueError(f"predict: {pname} must be an int >= 1, got {value!r}")
    if (isinstance(weight_scale, bool) or not isinstance(weight_scale, numbers.Real)
            or not np.isfinite(weight_scale) or weight_scale <= 0):
        raise ValueError(f"predict: weight_scale must be a finite number > 0, got "
                         f"{weight_scale!r}")
    if init not in INITS:
        raise ValueError(f"predict: unknown init {init!r}; choose one of "
                         f"{', '.join(sorted(INITS))}")
    c2 = (weight_scale * globals()["weight_scale"](init, width)) ** 2
    q = np.empty(depth)
    fwd = np.empty(depth)
    slope = np.empty(depth)
    q_l = c2  # E[h_0^2] = 1
    for layer in range(depth):
        q[layer] = q_l
        # beyond [1e-250, 1e250] the integrals would underflow or overflow: the signal has
        # vanished (std 0) or exploded (inf), and the slopes are those of the nearest limit
        m = moments(name, float(np.clip(q_l, 1e-250, 1e250)), **params)
        fwd[layer] = m.std if 1e-250 <= q_l <= 1e250 else (0.0 if q_l < 1e-250 else np.inf)
        slope[layer] = m.slope
        q_l = c2 * m.second if 1e-250 <= q_l <= 1e250 else q_l
    v = np.empty(depth)
    v_l = 1.0
    with np.errstate(over="ignore", invalid="ignore"):
        for layer in range(depth - 1, -1, -1):
            v_l = v_l * slope[layer] * (c2 if layer < depth - 1 else 1.0)
            v[layer] = v_l
    return Prediction(fwd, np.sqrt(v), q)
