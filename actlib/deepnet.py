r"""Random deep networks in plain NumPy: what happens to activations on the way forward and to
gradients on the way back, layer by layer. Fast enough for a widget (milliseconds), and built
only from actlib's activations and derivatives, so the chain rule is visible:

.. math:: \frac{\partial L}{\partial h_{l-1}} = \Bigl(\frac{\partial L}{\partial h_l}
          \odot f'(z_l)\Bigr) W_l^\top, \qquad z_l = h_{l-1} W_l, \quad h_l = f(z_l)
"""

from __future__ import annotations

import functools
import numbers
from typing import NamedTuple

import numpy as np

from ._inputs import rng_param
from .functions import NAMES, get

#: Weight initialisations by name, as Keras defines their variances (NumPy draws plain, not
#: truncated, normals; the variance is what matters here).
INITIALIZERS = ("lecun_normal", "glorot_uniform", "he_normal", "random_normal")


def init_weights(fan_in: int, fan_out: int, init: str = "lecun_normal", rng=0,
                 scale: float = 1.0) -> np.ndarray:
    """A (fan_in, fan_out) weight matrix.

    lecun_normal: N(0, 1/fan_in); he_normal: N(0, 2/fan_in); glorot_uniform:
    U(-l, l) with l = sqrt(6 / (fan_in + fan_out)), variance 2 / (fan_in + fan_out);
    random_normal: N(0, 0.05^2), Keras' ``RandomNormal()`` default. ``scale`` multiplies the
    standard deviation.
    """
    rng = rng_param("init_weights", rng)
    if init == "lecun_normal":
        w = rng.normal(0.0, np.sqrt(1 / fan_in), (fan_in, fan_out))
    elif init == "he_normal":
        w = rng.normal(0.0, np.sqrt(2 / fan_in), (fan_in, fan_out))
    elif init == "glorot_uniform":
        limit = np.sqrt(6 / (fan_in + fan_out))
        w = rng.uniform(-limit, limit, (fan_in, fan_out))
    elif init == "random_normal":
        w = rng.normal(0.0, 0.05, (fan_in, fan_out))
    else:
        raise ValueError(f"init_weights: unknown init {init!r}; choose one of "
                         f"{', '.join(INITIALIZERS)}")
    return scale * w


@functools.cache
def _blas():
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def one_blas_thread(fn):
    """Run ``fn`` with BLAS on one thread: these products are small, and a second BLAS thread
    only waits for a busy core (20 to 40 times slower on a loaded 2-core machine, measured)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with _blas().limit(limits=1, user_api="blas"):
            return fn(*args, **kwargs)

    return wrapper


def _check_net(fname, name, depth, width, n, max_depth=1000):
    if name not in NAMES and name != "swish":
        raise ValueError(f"{fname}: unknown activation {name!r}; choose one of {', '.join(NAMES)}")
    for pname, value, low in (("depth", depth, 1), ("width", width, 1), ("n", n, 1)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low:
            raise ValueError(f"{fname}: {pname} must be an int >= {low}, got {value!r}")
    if depth > max_depth:
        raise ValueError(f"{fname}: depth must be <= {max_depth}, got {depth}")


@one_blas_thread
def forward(name: str, depth: int = 20, width: int = 64, init: str = "lecun_normal",
            weight_scale: float = 1.0, n: int = 256, seed=0, **params):
    """Push n standard-normal inputs through ``depth`` random layers of ``width`` units.

    Returns (weights, pre-activations z, activations h) as lists; h[0] is the input.
    """
    _check_net("forward", name, depth, width, n)
    fn = get(name)
    rng = rng_param("forward", seed)
    h = [rng.standard_normal((n, width))]
    weights, zs = [], []
    for _ in range(depth):
        w = init_weights(width, width, init, rng, weight_scale)
        with np.errstate(over="ignore", invalid="ignore"):  # exploding nets show as inf/nan
            z = h[-1] @ w
        weights.append(w)
        zs.append(z)
        h.append(fn(z, **params))
    return weights, zs, h


class Propagation(NamedTuple):
    """Per-layer measurements of one random network, arrays indexed by layer l = 1..depth
    (element ``l - 1``); see ``propagation``."""

    forward_std: np.ndarray
    backward_std: np.ndarray
    weight_grad_norm: np.ndarray


@one_blas_thread
def propagation(name: str, depth: int = 20, width: int = 64, init: str = "lecun_normal",
                n: int = 256, seed=0, *, weight_scale: float = 1.0, **params) -> Propagation:
    r"""How a signal travels through a random network, both ways, layer by layer.

    The network is ``forward``'s: n standard-normal inputs :math:`h_0`, then for l = 1..depth

    .. math:: z_l = h_{l-1} W_l, \qquad h_l = f(z_l),

    with :math:`W_l` drawn by ``init`` (times ``weight_scale``). The loss backpropagated is
    :math:`L = \frac1n \sum_i \ell_i` with :math:`\ell_i = \langle h_{\text{depth},i},
    g_i\rangle` for a fixed standard-normal direction g (the error an output layer would send
    down), so each example's error starts with std 1 at the top:

    .. math:: \delta_l = \frac{\partial \ell}{\partial z_l}
              = \bigl(\delta_{l+1} W_{l+1}^\top\bigr) \odot f'(z_l), \qquad
              \frac{\partial L}{\partial W_l} = \frac1n\, h_{l-1}^\top \delta_l .

    Returns a ``Propagation`` of three arrays of length ``depth``:

    - ``forward_std[l-1]``: std of :math:`h_l` (the signal going up; 1 at the input);
    - ``backward_std[l-1]``: std of :math:`\delta_l`, the per-example error reaching layer l
      (the signal going down);
    - ``weight_grad_norm[l-1]``: :math:`\lVert \partial L / \partial W_l \rVert_F`, what
      an optimiser sees (``gradient_norms``). It is a product of the two signals, so it can
      stay flat while both shrink (or grow) in opposite directions: only the two stds show that.
    """
    _check_net("propagation", name, depth, width, n)
    weights, zs, h = forward(name, depth, width, init, weight_scale, n, seed, **params)
    fn = get(name)
    g = np.random.default_rng(np.random.SeedSequence([0 if seed is None else seed, 1]))
    delta = g.standard_normal((n, width))  # d l_i / d h_depth for each example
    fwd, bwd, norms = np.empty(depth), np.empty(depth), np.empty(depth)
    with np.errstate(over="ignore", invalid="ignore"):
        for layer in range(depth - 1, -1, -1):
            delta_z = delta * fn.derivative(zs[layer], **params)
            fwd[layer] = h[layer + 1].std()
            bwd[layer] = delta_z.std()
            norms[layer] = np.linalg.norm(h[layer].T @ delta_z) / n
            delta = delta_z @ weights[layer].T
    return Propagation(fwd, bwd, norms)


@one_blas_thread
def gradient_norms(name: str, depth: int = 20, width: int = 64, init: str = "lecun_normal",
                   weight_scale: float = 1.0, n: int = 256, seed=0, **params) -> np.ndarray:
    """Frobenius norm of dL/dW_l for each layer l = 1..depth of a random network, where
    L = mean over examples of <h_depth, g> with a fixed random direction g (the gradient that
    arrives from above). Backpropagation by hand with ``act.<name>.derivative``."""
    weights, zs, h = forward(name, depth, width, init, weight_scale, n, seed, **params)
    fn = get(name)
    g = np.random.default_rng(np.random.SeedSequence([0 if seed is None else seed, 1]))
    delta = g.standard_normal((n, width)) / n  # dL/dh_depth
    norms = np.empty(depth)
    with np.errstate(over="ignore", invalid="ignore"):
        for layer in range(depth - 1, -1, -1):
            delta_z = delta * fn.derivative(zs[layer], **params)
            norms[layer] = np.linalg.norm(h[layer].T @ delta_z)
            delta = delta_z @ weights[layer].T
    return norms


@one_blas_thread
def activation_stats(name: str, depth: int = 50, width: int = 128, init: str = "lecun_normal",
                     n: int = 512, seed=0, **params) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation of the activations after each layer (arrays of length
    depth) of a random network fed standardised inputs."""
    _, _, h = forward(name, depth, width, init, 1.0, n, seed, **params)
    with np.errstate(over="ignore", invalid="ignore"):
        means = np.array([a.mean() for a in h[1:]])
        stds = np.array([a.std() for a in h[1:]])
    return means, stds


# --------------------------------------------------------------------------- caches for widgets
# A slider drag revisits settings: these remember results per setting (int seeds, no activation
# parameters) and return exactly what the public functions above return for the same arguments.


@functools.lru_cache(maxsize=4096, typed=True)
def _gradient_norms_cached(name, depth, width, init, weight_scale, n, seed):
    norms = gradient_norms(name, depth, width, init, weight_scale, n, seed)
    norms.flags.writeable = False
    return norms


def cached_gradient_norms(name: str, depth: int = 20, width: int = 64,
                          init: str = "lecun_normal", weight_scale: float = 1.0, n: int = 256,
                          seed: int = 0) -> np.ndarray:
    """``gradient_norms(name, depth, width, init, weight_scale, n, seed)``, remembered per
    setting (a read-only array: the same numbers, computed once)."""
    return _gradient_norms_cached(name, depth, width, init, weight_scale, n, seed)


@functools.lru_cache(maxsize=1024, typed=True)
def _propagation_cached(name, depth, width, init, n, seed, weight_scale):
    result = propagation(name, depth, width, init, n, seed, weight_scale=weight_scale)
    for a in result:
        a.flags.writeable = False
    return result


def cached_propagation(name: str, depth: int = 20, width: int = 64, init: str = "lecun_normal",
                       n: int = 256, seed: int = 0, *, weight_scale: float = 1.0) -> Propagation:
    """``propagation(...)`` remembered per setting (read-only arrays: the same numbers, computed
    once); for widgets, whose sliders revisit settings."""
    return _propagation_cached(name, depth, width, init, n, seed, float(weight_scale))


class _StatsRun:
    """One network of ``activation_stats``, grown layer by layer on demand: the layers of a
    deeper network are the same random draws in the same order, so the first ``depth`` layers of
    a deeper run are exactly the ``depth``-layer network (same operations, same numbers)."""

    def __init__(self, name, width, init, n, seed):
        self.fn, self.width, self.init = get(name), width, init
        self.rng = rng_param("activation_stats", seed)
        self.h = self.rng.standard_normal((n, width))  # forward's h[0]
        self.means, self.stds = [], []

    @one_blas_thread
    def grow(self, depth):
        while len(self.means) < depth:  # forward's loop, then activation_stats' reductions
            w = init_weights(self.width, self.width, self.init, self.rng, 1.0)
            with np.errstate(over="ignore", invalid="ignore"):
                z = self.h @ w
            self.h = self.fn(z)
            with np.errstate(over="ignore", invalid="ignore"):
                self.means.append(self.h.mean())
                self.stds.append(self.h.std())


@functools.lru_cache(maxsize=64, typed=True)
def _stats_run(name, width, init, n, seed):
    return _StatsRun(name, width, init, n, seed)


def cached_activation_stats(name: str, depth: int = 50, width: int = 128,
                            init: str = "lecun_normal", n: int = 512,
                            seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``activation_stats(name, depth, width, init, n, seed)``, remembered per network: a new
    depth computes only the layers not computed before (the same numbers, as new arrays)."""
    _check_net("activation_stats", name, depth, width, n)
    if init not in INITIALIZERS:
        init_weights(1, 1, init)  # its error message
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"cached_activation_stats: seed must be an int, got {seed!r}")
    run = _stats_run(name, width, init, n, int(seed))
    run.grow(depth)
    return np.array(run.means[:depth]), np.array(run.stds[:depth])


def clear_caches() -> None:
    """Forget every remembered network (``cached_gradient_norms``, ``cached_propagation``,
    ``cached_activation_stats``)."""
    _gradient_norms_cached.cache_clear()
    _propagation_cached.cache_clear()
    _stats_run.cache_clear()
