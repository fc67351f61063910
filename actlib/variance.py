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

import dataclasses
import functools
import itertools
import numbers
from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np

from .functions import ELEMENTWISE_NAMES, get

__all__ = ["MeanField", "Moments", "Prediction", "critical_sigma_w", "expect", "gain", "mean_field",
           "mean_field_layers", "Layers", "moments", "phase_diagram", "predict", "weight_scale"]

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
    if not isinstance(name, str) or (name not in ELEMENTWISE_NAMES
                                     and name not in ("swish", "hard_swish")):
        raise ValueError(f"{fname}: name must be an elementwise activation's name, one of "
                         f"{', '.join(ELEMENTWISE_NAMES)}; got {name!r}")


def expect(g: Callable, q: float = 1.0, kinks: Sequence[float] = ()) -> float:
    r""":math:`\operatorname{E}[g(z)]` for :math:`z \sim N(0, q)`:
    :math:`\int g(z)\, e^{-z^2 / 2q} / \sqrt{2 \pi q}\; dz`.

    Gauss-Legendre quadrature on each half line, :math:`[-12\sqrt q, 0]` and
    :math:`[0, 12\sqrt q]`, so that a kink at 0 (ReLU and its relatives) costs no accuracy;
    ``kinks`` elsewhere (ReLU6's 6, hard-sigmoid's :math:`\pm 3`) split the line there too.
    ``g`` takes and returns arrays.

    >>> round(expect(lambda z: z ** 2, q=4.0), 12)
    4.0
    """
    if not callable(g):
        raise TypeError(f"expect: g must be a function of an array, got {type(g).__name__}")
    q = _check_q("expect", q)
    x, w = _legendre()
    half = CUTOFF * np.sqrt(q) / 2  # each half line has length 12 sqrt(q)
    inner = sorted({float(k) for k in kinks} - {0.0})
    inner = [k for k in inner if abs(k) < 2 * half]
    if not inner:
        z = np.concatenate([half * (x - 1), half * (x + 1)])  # [-12 s, 0] then [0, 12 s]
        weights = np.concatenate([w, w]) * half
    else:  # one Gauss-Legendre rule between each pair of neighbouring break points
        edges = np.array(sorted([-2 * half, 0.0, 2 * half, *inner]))
        mids, radii = (edges[1:] + edges[:-1]) / 2, (edges[1:] - edges[:-1]) / 2
        z = (mids[:, None] + radii[:, None] * x).ravel()
        weights = (radii[:, None] * w).ravel()
    weights = weights * np.exp(-z ** 2 / (2 * q)) / np.sqrt(2 * np.pi * q)
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
    return Moments(expect(lambda z: f(z, **params), q, f.kinks),
                   expect(lambda z: f(z, **params) ** 2, q, f.kinks),
                   expect(lambda z: f.derivative(z, **params) ** 2, q, f.kinks))


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


# --------------------------------------------------------------------------- mean-field theory
# Poole et al. 2016 (arXiv:1606.05340), Schoenholz et al. 2017 (arXiv:1611.01232): a wide random
# network with weights of variance sigma_w^2 / n_in and biases of variance sigma_b^2.

#: Legendre nodes per half line for the two-dimensional integrals (64 x 64 points): each inner
#: integral is split at the kink of phi(u2), so ReLU's c-map is exact to about 1e-8 (Gauss-
#: Hermite, blind to the kink, is off by about 1e-3 even with 160 x 160 nodes; measured).
NODES_2D = 32
#: Where the fixed-point search gives up: q below this is 0 (the signal dies), above its
#: inverse infinity (the signal explodes).
Q_TINY = 1e-250


def _brentq(*args, **kwargs) -> float:
    from scipy import optimize  # on first use: SciPy takes longer to import than NumPy itself

    return optimize.brentq(*args, **kwargs)


@functools.cache
def _standard_nodes(nodes: int = NODES, cutoff: float = CUTOFF):
    """Nodes z and weights w with sum(w * g(z)) = E[g(z)], z ~ N(0, 1), split at 0."""
    x, w = np.polynomial.legendre.leggauss(nodes)
    half = cutoff / 2
    z = np.concatenate([half * (x - 1), half * (x + 1)])
    return z, np.concatenate([w, w]) * half * np.exp(-z ** 2 / 2) / np.sqrt(2 * np.pi)


def _check_sigma(fname: str, pname: str, value, positive: bool) -> float:
    ok = (not isinstance(value, bool) and isinstance(value, numbers.Real) and np.isfinite(value)
          and (value > 0 if positive else value >= 0))
    if not ok:
        raise ValueError(f"{fname}: {pname} must be a finite number {'> 0' if positive else '>= 0'}"
                         f", got {value!r}")
    return float(value)


class _Maps:
    r"""The q-map and the c-map of one activation at one (sigma_w, sigma_b)."""

    def __init__(self, name, sigma_w, sigma_b, params):
        self.f, self.params = get(name), params
        self.sw2, self.sb2 = sigma_w ** 2, sigma_b ** 2

    def phi(self, u):
        with np.errstate(over="ignore", invalid="ignore"):
            return np.asarray(self.f(u, **self.params), dtype=float)

    def dphi(self, u):
        with np.errstate(over="ignore", invalid="ignore"):
            return np.asarray(self.f.derivative(u, **self.params), dtype=float)

    def q_map(self, q):
        """sigma_w^2 E[phi(sqrt(q) z)^2] + sigma_b^2."""
        z, w = _standard_nodes()
        return self.sw2 * float(w @ self.phi(np.sqrt(q) * z) ** 2) + self.sb2

    def q_slope(self, q):
        r"""dq_map/dq = sigma_w^2 E[phi'^2 + phi phi''] (Stein: E[z phi phi'] / sqrt(q))."""
        z, w = _standard_nodes()
        u = np.sqrt(q) * z
        return self.sw2 * float(w @ (z * self.phi(u) * self.dphi(u))) / np.sqrt(q)

    def chi_1(self, q):
        """sigma_w^2 E[phi'(sqrt(q) z)^2]."""
        z, w = _standard_nodes()
        return self.sw2 * float(w @ self.dphi(np.sqrt(q) * z) ** 2)

    def q_star(self) -> float:
        """The fixed point that q_{l+1} = q_map(q_l) reaches from q_1 = 1: the first root of
        q_map(q) - q met going from 1 in the direction q moves (exact for a monotone q-map),
        bracketed in steps of a factor 2, then refined by brentq."""
        gap = self.q_map(1.0) - 1.0
        if abs(gap) <= 1e-12:
            return 1.0
        q = anchor = 1.0  # anchor: the last point where q_map(q) - q had the sign of gap
        for k in itertools.count():
            # a factor 2 per step near 1; beyond 1e+-18 every map here is linear or flat in q
            # to double precision, so larger steps skip no root
            step = 2.0 if k < 60 else 1e4
            nxt = q / step if gap < 0 else q * step
            if nxt < Q_TINY:
                return 0.0
            if nxt > 1 / Q_TINY:
                return np.inf
            step_gap = self.q_map(nxt) - nxt
            if abs(step_gap) <= 1e-12 * nxt:
                # within rounding of q itself: no sign to read (at the critical point of an odd
                # activation q_map(q) / q = 1 - O(q), which NumPy 2.0 rounds to 1 + 1e-16)
                q = nxt
                continue
            if np.sign(step_gap) != np.sign(gap):
                lo, hi = sorted((anchor, nxt))
                return float(_brentq(lambda x: self.q_map(x) - x, lo, hi,
                                             xtol=1e-14 * hi, rtol=1e-13))
            q = anchor = nxt
        raise AssertionError("unreachable")  # pragma: no cover

    def correlation(self, q, c, slope=False):
        r"""sigma_w^2 E[phi(u1) phi(u2)] + sigma_b^2 with u1, u2 ~ N(0, q) of correlation c
        (``slope``: sigma_w^2 E[phi'(u1) phi'(u2)], the c-map's derivative), by Legendre
        quadrature over z1 (split at 0) and z2 (split where u2 = 0)."""
        x, w = _legendre_2d()
        cutoff = 10.0
        half = cutoff / 2
        z1 = np.concatenate([half * (x - 1), half * (x + 1)])
        w1 = np.concatenate([w, w]) * half * np.exp(-z1 ** 2 / 2) / np.sqrt(2 * np.pi)
        s = np.sqrt(max(1 - c * c, 0.0))
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.clip(np.where(s > 0, -c * z1 / s, np.inf * -np.sign(c * z1)), -cutoff, cutoff)
        t = np.nan_to_num(t)[:, None]
        a, b = (t + cutoff) / 2, (cutoff - t) / 2
        z2 = np.concatenate([-cutoff + a * (x + 1), t + b * (x + 1)], axis=1)
        w2 = np.concatenate([a * w, b * w], axis=1) * np.exp(-z2 ** 2 / 2) / np.sqrt(2 * np.pi)
        g = self.dphi if slope else self.phi
        root = np.sqrt(q)
        inner = np.sum(w2 * g(root * (c * z1[:, None] + s * z2)), axis=1)
        value = self.sw2 * float(w1 @ (g(root * z1) * inner))
        return value if slope else value + self.sb2


@functools.cache
def _legendre_2d():
    return np.polynomial.legendre.leggauss(NODES_2D)


def _depth_scale(slope: float) -> float:
    """-1 / ln(slope) for a fixed point approached at rate slope < 1; infinity otherwise."""
    if abs(slope - 1) <= 1e-12 or slope > 1:  # critical (to rounding) or no finite fixed point
        return np.inf
    return float(-1 / np.log(slope)) if slope > 0 else 0.0


@dataclasses.dataclass(frozen=True)
class MeanField:
    r"""The mean-field description of a wide random network (``mean_field``).

    ``q_star``: the fixed point of the length map; ``chi_1``: the growth factor per layer of a
    small perturbation (and of the backward variance) at it; ``c_star``: the stable fixed point
    of the correlation map; ``chi_c``: the slope of the correlation map there; ``xi_q``,
    ``xi_c``: the depth scales over which q and c approach their fixed points
    (:math:`|q_l - q^\ast| \sim e^{-l/\xi_q}`), infinite where they diverge.
    """

    name: str
    sigma_w: float
    sigma_b: float
    q_star: float
    chi_1: float
    c_star: float
    chi_c: float
    xi_q: float
    xi_c: float

    @property
    def phase(self) -> str:
        """'ordered' (chi_1 < 1: inputs converge), 'chaotic' (chi_1 > 1: they decorrelate) or
        'critical' (chi_1 = 1 to 1e-9)."""
        if abs(self.chi_1 - 1) <= 1e-9:
            return "critical"
        return "ordered" if self.chi_1 < 1 else "chaotic"


def mean_field(name: str, sigma_w: float, sigma_b: float = 0.0, **params) -> MeanField:
    r"""Mean-field theory of a deep random network (Poole et al. 2016, arXiv:1606.05340;
    Schoenholz et al. 2017, arXiv:1611.01232): weights of variance
    :math:`\sigma_w^2 / n_\text{in}`, biases of variance :math:`\sigma_b^2`, activation
    :math:`\phi` = ``name``, infinitely wide layers, z standard normal.

    Length map and its fixed point ``q_star`` (the one reached from :math:`q_1 = 1`):

    .. math:: q^{l+1} = \sigma_w^2\, \operatorname{E}\bigl[\phi(\sqrt{q^l} z)^2\bigr]
              + \sigma_b^2, \qquad
              \chi_1 = \sigma_w^2\, \operatorname{E}\bigl[\phi'(\sqrt{q^\ast} z)^2\bigr].

    Correlation map (two inputs, :math:`u_1, u_2 \sim N(0, q^\ast)` with correlation c) and
    its stable fixed point ``c_star`` (1 when :math:`\chi_1 \le 1`, the ordered phase):

    .. math:: c^{l+1} = \frac{\sigma_w^2\, \operatorname{E}[\phi(u_1)\phi(u_2)]
              + \sigma_b^2}{q^\ast}, \qquad
              \chi_c = \sigma_w^2\, \operatorname{E}[\phi'(u_1)\phi'(u_2)]\big|_{c^\ast}.

    Depth scales :math:`\xi_q = -1/\ln(\chi_1 + \sigma_w^2 \operatorname{E}[\phi\phi''])`
    (the q-map's slope at :math:`q^\ast`) and :math:`\xi_c = -1/\ln \chi_c`; at
    :math:`c^\ast = 1`, :math:`\chi_c = \chi_1`. Both are infinite at the critical line
    :math:`\chi_1 = 1` (and where :math:`q^\ast = \infty`).

    >>> mf = mean_field("relu", 1.0)
    >>> round(mf.chi_1, 12), mf.q_star, mf.c_star    # ReLU: chi_1 = sigma_w^2 / 2
    (0.5, 0.0, 1.0)
    >>> mf = mean_field("tanh", 1.304, 0.2)           # near the critical line
    >>> round(mf.q_star, 3), round(mf.chi_1, 3), mf.phase
    (0.512, 1.0, 'ordered')
    """
    _check_name("mean_field", name)
    sigma_w = _check_sigma("mean_field", "sigma_w", sigma_w, positive=True)
    sigma_b = _check_sigma("mean_field", "sigma_b", sigma_b, positive=False)
    maps = _Maps(name, sigma_w, sigma_b, params)
    q_star = maps.q_star()
    q_eval = float(np.clip(q_star, Q_TINY, 1 / Q_TINY))  # 0 and inf: the limits
    chi_1 = maps.chi_1(q_eval)
    xi_q = np.inf if not np.isfinite(q_star) else _depth_scale(maps.q_slope(q_eval))
    if chi_1 <= 1 or not np.isfinite(q_star):
        c_star, chi_c = 1.0, chi_1
    else:
        c_star, chi_c = _c_star(maps, q_eval)
    return MeanField(name, sigma_w, sigma_b, q_star, chi_1, c_star, chi_c, xi_q,
                     _depth_scale(chi_c))


def _c_star(maps: _Maps, q: float) -> tuple[float, float]:
    """In the chaotic phase (slope chi_1 > 1 at c = 1) the c-map lies below the diagonal just
    under 1; its stable fixed point is the first root of C(c) - c met going down from 1."""
    norm = maps.q_map(q)  # = q* at the fixed point

    def gap(c):
        return maps.correlation(q, c) / norm - c

    grid = np.linspace(1.0, -1.0, 41)[1:]
    prev = 1.0 - 1e-6
    if gap(prev) >= 0:  # numerically at the critical line
        return 1.0, maps.correlation(q, 1.0, slope=True)
    for c in grid:
        if gap(c) >= 0:
            root = float(_brentq(gap, c, prev, xtol=1e-13))
            return root, maps.correlation(q, root, slope=True)
        prev = c
    return -1.0, maps.correlation(q, -1.0, slope=True)


def critical_sigma_w(name: str, sigma_b: float = 0.0, **params) -> float:
    r"""The weight scale :math:`\sigma_w` on the critical line, where
    :math:`\chi_1 = \sigma_w^2 \operatorname{E}[\phi'(\sqrt{q^\ast} z)^2] = 1` (``mean_field``):
    the order-to-chaos transition, where both the signal's correlations and the gradients
    travel furthest. Found by brentq after bracketing on :math:`\sigma_w \in [0.01, 100]`.

    ReLU: :math:`\sqrt 2` for every :math:`\sigma_b`; linear: 1; tanh at :math:`\sigma_b = 0`: 1.

    >>> round(critical_sigma_w("relu") ** 2, 10), round(critical_sigma_w("tanh", 0.2), 3)
    (2.0, 1.304)
    """
    _check_name("critical_sigma_w", name)
    sigma_b = _check_sigma("critical_sigma_w", "sigma_b", sigma_b, positive=False)

    def excess(sigma_w):
        maps = _Maps(name, sigma_w, sigma_b, params)
        return maps.chi_1(float(np.clip(maps.q_star(), Q_TINY, 1 / Q_TINY))) - 1

    grid = np.geomspace(0.01, 100.0, 41)
    values = [excess(s) for s in grid]
    for k in range(len(grid) - 1):
        if values[k] == 0:
            return float(grid[k])
        if values[k] < 0 < values[k + 1]:
            return float(_brentq(excess, grid[k], grid[k + 1], xtol=1e-13, rtol=1e-12))
    raise ValueError(f"critical_sigma_w: no sigma_w in [0.01, 100] gives chi_1 = 1 for {name!r} "
                     f"with sigma_b = {sigma_b:g} (chi_1 runs from {values[0] + 1:.3g} to "
                     f"{values[-1] + 1:.3g}); try a smaller sigma_b or other parameters")


class Layers(NamedTuple):
    """Mean-field recursions per layer l = 1..depth (element ``l - 1``), for
    ``act.deepnet.propagation``'s network: ``q`` (the variance of z_l), ``c`` (the correlation of
    two inputs' z_l) and ``backward_std`` (std of the per-example error dl/dz_l)."""

    q: np.ndarray
    c: np.ndarray
    backward_std: np.ndarray


def mean_field_layers(name: str, sigma_w: float, sigma_b: float = 0.0, depth: int = 20,
                      c_0: float = 0.0, **params) -> Layers:
    r"""The length and correlation maps (``mean_field``) iterated layer by layer from the
    input: standard-normal inputs :math:`h_0` whose pairs have correlation ``c_0`` (0 for
    independent inputs), so

    .. math:: q^1 = \sigma_w^2 + \sigma_b^2, \quad c^1 = \frac{\sigma_w^2 c_0 + \sigma_b^2}{q^1},
              \quad q^{l+1} = \sigma_w^2 \operatorname{E}[\phi(\sqrt{q^l} z)^2] + \sigma_b^2,
              \quad c^{l+1} = \frac{\sigma_w^2 \operatorname{E}[\phi(u_1)\phi(u_2)]
              + \sigma_b^2}{q^{l+1}},

    and, going down from an error of std 1 arriving at :math:`h_\text{depth}`,
    :math:`v_\text{depth} = \operatorname{E}[\phi'^2]_{q^\text{depth}}`,
    :math:`v_l = \sigma_w^2 \operatorname{E}[\phi'^2]_{q^l}\, v_{l+1}` (``predict``'s
    recursion, with biases). Exact for infinitely wide layers.

    >>> lay = mean_field_layers("linear", 1.0, 0.0, depth=3, c_0=0.5)
    >>> [np.round(a, 12).tolist() for a in lay]       # linear, sigma_w = 1: all kept
    [[1.0, 1.0, 1.0], [0.5, 0.5, 0.5], [1.0, 1.0, 1.0]]
    """
    _check_name("mean_field_layers", name)
    sigma_w = _check_sigma("mean_field_layers", "sigma_w", sigma_w, positive=True)
    sigma_b = _check_sigma("mean_field_layers", "sigma_b", sigma_b, positive=False)
    if isinstance(depth, bool) or not isinstance(depth, numbers.Integral) or depth < 1:
        raise ValueError(f"mean_field_layers: depth must be an int >= 1, got {depth!r}")
    if (isinstance(c_0, bool) or not isinstance(c_0, numbers.Real)
            or not -1 <= c_0 <= 1):
        raise ValueError(f"mean_field_layers: c_0 must be a number in [-1, 1], got {c_0!r}")
    maps = _Maps(name, sigma_w, sigma_b, params)
    q, c, slope = np.empty(depth), np.empty(depth), np.empty(depth)
    q_l = sigma_w ** 2 + sigma_b ** 2
    c_l = (sigma_w ** 2 * c_0 + sigma_b ** 2) / q_l
    for layer in range(depth):
        q[layer], c[layer] = q_l, c_l
        q_eval = float(np.clip(q_l, Q_TINY, 1 / Q_TINY))
        slope[layer] = maps.chi_1(q_eval) / maps.sw2
        if layer + 1 < depth:
            q_next = maps.q_map(q_eval)
            c_l = float(np.clip(maps.correlation(q_eval, c_l) / q_next, -1.0, 1.0))
            q_l = q_next if Q_TINY <= q_l <= 1 / Q_TINY else q_l
    v = np.empty(depth)
    v_l = 1.0
    with np.errstate(over="ignore", invalid="ignore"):
        for layer in range(depth - 1, -1, -1):
            v_l = v_l * slope[layer] * (maps.sw2 if layer < depth - 1 else 1.0)
            v[layer] = v_l
    return Layers(q, c, np.sqrt(v))


def phase_diagram(name: str, sigma_w, sigma_b, **params) -> np.ndarray:
    r""":math:`\chi_1` (``mean_field``) on a grid: element ``[i, j]`` is for ``sigma_b[i]``,
    ``sigma_w[j]`` (rows are bias scales, as on a plot with :math:`\sigma_w` across).
    :math:`\chi_1 < 1`: ordered phase, :math:`> 1`: chaotic, :math:`= 1`: the critical line.

    >>> np.round(phase_diagram("relu", [1.0, 2.0], [0.0]), 12).tolist()   # sigma_w^2 / 2
    [[0.5, 2.0]]
    """
    _check_name("phase_diagram", name)
    ws = np.atleast_1d(np.asarray(sigma_w, dtype=float))
    bs = np.atleast_1d(np.asarray(sigma_b, dtype=float))
    for pname, values, positive in (("sigma_w", ws, True), ("sigma_b", bs, False)):
        if values.ndim != 1 or not values.size or not np.all(np.isfinite(values)) or \
                not np.all(values > 0 if positive else values >= 0):
            raise ValueError(f"phase_diagram: {pname} must be a 1-d sequence of finite numbers "
                             f"{'> 0' if positive else '>= 0'}, got {pname}={values!r}")
    chi = np.empty((len(bs), len(ws)))
    for i, b in enumerate(bs):
        for j, w in enumerate(ws):
            maps = _Maps(name, float(w), float(b), params)
            chi[i, j] = maps.chi_1(float(np.clip(maps.q_star(), Q_TINY, 1 / Q_TINY)))
    return chi
