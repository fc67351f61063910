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

    Also ``"orthogonal"`` (Keras' ``Orthogonal(gain=1)``; Saxe et al. 2013, arXiv:1312.6120):
    orthonormal rows or columns, whichever are fewer, from the QR decomposition of a Gaussian
    matrix with the signs of R's diagonal folded in (Haar-distributed). A square one keeps every
    vector's length and every angle between vectors exactly. Not in ``INITIALIZERS``, which lists
    the initialisers defined by a variance (``act.variance.weight_scale``).
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
    elif init == "orthogonal":
        a = rng.standard_normal((max(fan_in, fan_out), min(fan_in, fan_out)))
        q, r = np.linalg.qr(a)
        q = q * np.where(np.diag(r) < 0, -1.0, 1.0)
        w = q if fan_in >= fan_out else q.T
    else:
        raise ValueError(f"init_weights: unknown init {init!r}; choose one of "
                         f"{', '.join(INITIALIZERS)} or orthogonal")
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


def _check_scales(fname, weight_scale, bias_std):
    for pname, value in (("weight_scale", weight_scale), ("bias_std", bias_std)):
        if (isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real)
                or not np.isfinite(value) or value < 0):
            raise ValueError(f"{fname}: {pname} must be a finite number >= 0, got {value!r}")


def _stream(seed, k):
    """The k-th side stream of a network's seed (1: the error sent down, 2: the biases), so
    that the weights and inputs are the same draws whatever is added beside them."""
    return np.random.default_rng(np.random.SeedSequence([0 if seed is None else seed, k]))


def _network(fname, name, widths, init, weight_scale, bias_std, n, seed, params):
    """Weights, pre-activations z and activations h (h[0]: the input) of the random network
    ``widths``; biases N(0, bias_std^2) from their own stream, none when bias_std is 0."""
    fn = get(name)
    rng = rng_param(fname, seed)
    if bias_std > 0 and isinstance(seed, np.random.Generator):
        bias_rng = seed  # no seed to derive a side stream from: the caller's generator
    else:
        bias_rng = _stream(seed, 2) if bias_std > 0 else None
    h = [rng.standard_normal((n, widths[0]))]
    weights, zs = [], []
    with np.errstate(over="ignore", invalid="ignore"):  # exploding nets show as inf/nan
        for fan_in, fan_out in zip(widths[:-1], widths[1:], strict=True):
            w = init_weights(fan_in, fan_out, init, rng, weight_scale)
            z = h[-1] @ w
            if bias_rng is not None:
                z += bias_rng.normal(0.0, bias_std, fan_out)
            weights.append(w)
            zs.append(z)
            h.append(fn(z, **params))
    return weights, zs, h


@one_blas_thread
def forward(name: str, depth: int = 20, width: int = 64, init: str = "lecun_normal",
            weight_scale: float = 1.0, n: int = 256, seed=0, *, bias_std: float = 0.0,
            **params):
    r"""Push n standard-normal inputs through ``depth`` random layers of ``width`` units,
    :math:`z_l = h_{l-1} W_l + b_l`, :math:`h_l = f(z_l)`, with :math:`W_l` from ``init``
    (times ``weight_scale``) and biases :math:`b_l \sim N(0, \text{bias\_std}^2)` (drawn from
    a stream of their own, so the weights are the same with or without them; 0 by default).

    Returns (weights, pre-activations z, activations h) as lists; h[0] is the input.
    """
    _check_net("forward", name, depth, width, n)
    _check_scales("forward", weight_scale, bias_std)
    return _network("forward", name, [width] * (depth + 1), init, weight_scale, bias_std, n,
                    seed, params)


def unit_std(z) -> float:
    r"""How much each unit still varies with the input: the std across examples (rows) of each
    unit's value (column), averaged over units,

    .. math:: \overline{s} = \frac1N \sum_{i=1}^N \operatorname{std}_a(z_i^a).

    A unit that gives every example the same value counts 0 here, however large that value:
    unlike the pooled std of all values, a fixed per-unit offset is not signal."""
    z = np.asarray(z, dtype=float)
    if z.ndim != 2 or z.shape[0] < 2:
        raise ValueError(f"unit_std: z must be a 2-d array (examples, units) with at least two "
                         f"examples, got shape {z.shape}")
    with np.errstate(over="ignore", invalid="ignore"):
        return float(z.std(axis=0).mean())


def mean_correlation(z) -> float:
    r"""The mean correlation between the vectors of distinct examples (rows of z), as mean-field
    theory defines it (Poole et al. 2016, arXiv:1606.05340), not centred:

    .. math:: c^{ab} = \frac{q^{ab}}{\sqrt{q^{aa} q^{bb}}}, \qquad
              q^{ab} = \frac1N \sum_{i=1}^N z_i^a z_i^b,

    averaged over all pairs a != b: the mean cosine of the angle between two examples. 1 means
    every input maps to the same direction (the layer can no longer tell them apart, up to
    length); about 0 for independent random inputs. Rows that are all zero have no direction and
    are left out; NaN if fewer than two rows remain or a value is not finite."""
    z = np.asarray(z, dtype=float)
    if z.ndim != 2:
        raise ValueError(f"mean_correlation: z must be a 2-d array (examples, units), got shape "
                         f"{z.shape}")
    if not np.all(np.isfinite(z)):
        return float("nan")
    size = np.abs(z).max(axis=1)  # divide first: the squares of 1e200 would overflow
    u = z[size > 0] / size[size > 0, None]
    u /= np.sqrt(np.einsum("ai,ai->a", u, u))[:, None]
    k = len(u)
    if k < 2:
        return float("nan")
    total = u.sum(axis=0)  # sum over a != b of u_a . u_b = |sum_a u_a|^2 - sum_a |u_a|^2
    return float((total @ total - k) / (k * (k - 1)))


class Propagation(NamedTuple):
    """Per-layer measurements of one random network, arrays indexed by layer l = 1..depth
    (element ``l - 1``); see ``propagation``."""

    forward_std: np.ndarray
    backward_std: np.ndarray
    weight_grad_norm: np.ndarray
    unit_std: np.ndarray
    correlation: np.ndarray


def _measure(name, weights, zs, h, seed, params) -> Propagation:
    """``propagation``'s measurements of a built network, layer by layer on the way back."""
    fn = get(name)
    depth, n = len(weights), len(h[0])
    delta = _stream(seed, 1).standard_normal((n, weights[-1].shape[1]))  # d l_i / d h_depth
    fwd, bwd, norms, spread, corr = (np.empty(depth) for _ in range(5))
    with np.errstate(over="ignore", invalid="ignore"):
        for layer in range(depth - 1, -1, -1):
            delta_z = delta * fn.derivative(zs[layer], **params)
            fwd[layer] = h[layer + 1].std()
            bwd[layer] = delta_z.std()
            norms[layer] = np.linalg.norm(h[layer].T @ delta_z) / n
            spread[layer] = zs[layer].std(axis=0).mean() if n > 1 else np.nan
            corr[layer] = mean_correlation(zs[layer])
            delta = delta_z @ weights[layer].T
    return Propagation(fwd, bwd, norms, spread, corr)


@one_blas_thread
def propagation(name: str, depth: int = 20, width: int = 64, init: str = "lecun_normal",
                n: int = 256, seed=0, *, weight_scale: float = 1.0, bias_std: float = 0.0,
                **params) -> Propagation:
    r"""How a signal travels through a random network, both ways, layer by layer.

    The network is ``forward``'s: n standard-normal inputs :math:`h_0`, then for l = 1..depth

    .. math:: z_l = h_{l-1} W_l + b_l, \qquad h_l = f(z_l),

    with :math:`W_l` drawn by ``init`` (times ``weight_scale``) and biases
    :math:`b_l \sim N(0, \text{bias\_std}^2)` (none by default). The loss backpropagated is
    :math:`L = \frac1n \sum_i \ell_i` with :math:`\ell_i = \langle h_{\text{depth},i},
    g_i\rangle` for a fixed standard-normal direction g (the error an output layer would send
    down), so each example's error starts with std 1 at the top:

    .. math:: \delta_l = \frac{\partial \ell}{\partial z_l}
              = \bigl(\delta_{l+1} W_{l+1}^\top\bigr) \odot f'(z_l), \qquad
              \frac{\partial L}{\partial W_l} = \frac1n\, h_{l-1}^\top \delta_l .

    Returns a ``Propagation`` of five arrays of length ``depth``:

    - ``forward_std[l-1]``: std of :math:`h_l`, pooled over examples and units (the size of the
      signal going up; 1 at the input). A fixed offset per unit counts as signal here: it
      measures the size, not whether the input still makes a difference;
    - ``backward_std[l-1]``: std of :math:`\delta_l`, the per-example error reaching layer l
      (the signal going down);
    - ``weight_grad_norm[l-1]``: :math:`\lVert \partial L / \partial W_l \rVert_F`, what
      an optimiser sees (``gradient_norms``). It is a product of the two signals, so it can
      stay flat while both shrink (or grow) in opposite directions: only the two stds show that;
    - ``unit_std[l-1]``: ``unit_std`` of :math:`z_l`, the std across examples of each unit's
      pre-activation, averaged over units: what still varies with the input;
    - ``correlation[l-1]``: ``mean_correlation`` of :math:`z_l`, the mean-field
      :math:`c^l = q^{ab}_l / \sqrt{q^{aa}_l q^{bb}_l}` over pairs of distinct examples (not
      centred; about 0 for the independent inputs, 1 when every input maps to the same
      direction).
    """
    _check_net("propagation", name, depth, width, n)
    _check_scales("propagation", weight_scale, bias_std)
    weights, zs, h = _network("propagation", name, [width] * (depth + 1), init, weight_scale,
                              bias_std, n, seed, params)
    return _measure(name, weights, zs, h, seed, params)


@one_blas_thread
def gradient_norms(name: str, depth: int = 20, width: int = 64, init: str = "lecun_normal",
                   weight_scale: float = 1.0, n: int = 256, seed=0, **params) -> np.ndarray:
    """Frobenius norm of dL/dW_l for each layer l = 1..depth of a random network, where
    L = mean over examples of <h_depth, g> with a fixed random direction g (the gradient that
    arrives from above). Backpropagation by hand with ``act.<name>.derivative``."""
    weights, zs, h = forward(name, depth, width, init, weight_scale, n, seed, **params)
    fn = get(name)
    delta = _stream(seed, 1).standard_normal((n, width)) / n  # dL/dh_depth
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
def _propagation_cached(name, depth, width, init, n, seed, weight_scale, bias_std):
    result = propagation(name, depth, width, init, n, seed, weight_scale=weight_scale,
                         bias_std=bias_std)
    for a in result:
        a.flags.writeable = False
    return result


def cached_propagation(name: str, depth: int = 20, width: int = 64, init: str = "lecun_normal",
                       n: int = 256, seed: int = 0, *, weight_scale: float = 1.0,
                       bias_std: float = 0.0) -> Propagation:
    """``propagation(...)`` remembered per setting (read-only arrays: the same numbers, computed
    once); for widgets, whose sliders revisit settings."""
    _check_scales("cached_propagation", weight_scale, bias_std)
    return _propagation_cached(name, depth, width, init, n, seed, float(weight_scale),
                               float(bias_std))


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


# ============================================================================================
# Lesson 03 (initialisation): networks whose layers differ in width, and a small NumPy trainer
# for the dying-ReLU remedies (He weights, a positive bias, the learning rate, leaky slopes,
# batch normalisation), measured side by side in milliseconds instead of Keras' seconds.
# ============================================================================================


@one_blas_thread
def propagation_widths(name: str, widths, init: str = "lecun_normal", n: int = 256, seed=0, *,
                       weight_scale: float = 1.0, bias_std: float = 0.0,
                       **params) -> Propagation:
    r"""``propagation`` for layers of different widths: ``widths`` = [n_0, n_1, ..., n_L] gives
    L layers, layer l mapping n_{l-1} units to n_l with weights
    ``init_weights(n_{l-1}, n_l, init)`` (times ``weight_scale``) and biases
    N(0, bias_std^2). The inputs are n standard-normal rows of n_0 values; the error arriving
    at the top has std 1 (see ``propagation``). With equal widths it is ``propagation`` exactly
    (the same draws).

    A layer multiplies the forward variance by :math:`n_{l-1}\operatorname{Var}(w)
    \operatorname{E}[f(z)^2]/\operatorname{Var}(z)` and the backward one by
    :math:`n_l \operatorname{Var}(w) \operatorname{E}[f'(z)^2]`: LeCun's
    :math:`1/n_\text{in}` keeps the first, :math:`1/n_\text{out}` would keep the second, and
    Glorot's :math:`2/(n_\text{in} + n_\text{out})` splits the difference.
    """
    widths = list(widths) if not isinstance(widths, (str, bytes)) else None
    if not widths or len(widths) < 2:
        raise ValueError("propagation_widths: widths must list at least two layer sizes "
                         "(the input's and one layer's), e.g. [64, 32, 16]")
    for w in widths:
        if isinstance(w, bool) or not isinstance(w, numbers.Integral) or w < 1:
            raise ValueError(f"propagation_widths: every width must be an int >= 1, got {w!r}")
    _check_net("propagation_widths", name, len(widths) - 1, widths[0], n)
    _check_scales("propagation_widths", weight_scale, bias_std)
    weights, zs, h = _network("propagation_widths", name, widths, init, weight_scale, bias_std,
                              n, seed, params)
    return _measure(name, weights, zs, h, seed, params)


#: Keras' defaults, which the trainer copies: Adam's beta_1, beta_2 and epsilon, and
#: BatchNormalization's epsilon.
ADAM = (0.9, 0.999, 1e-7)
BN_EPSILON = 1e-3


class MLP:
    r"""A multilayer perceptron in NumPy, as ``act.models.build_mlp`` builds it in Keras:
    input -> depth x [Dense(width) -> (BatchNorm) -> f] -> Dense(classes) (logits), trained
    with softmax cross-entropy :math:`L = -\frac1N \sum_i \log p_{i, y_i}`.

    Hidden kernels: ``init_weights(fan_in, width, init) * weight_scale``; the logits' kernel
    glorot_uniform (Keras' default); every hidden bias starts at ``bias``, the logits' at 0.
    Batch normalisation (``batch_norm=True``) standardises each unit's pre-activation over the
    batch, :math:`\hat z = (z - \mu) / \sqrt{\sigma^2 + 10^{-3}}`, and applies
    :math:`\gamma \hat z + \beta` (:math:`\gamma = 1, \beta = 0` at first); in evaluation it
    uses the statistics of the data it is given (``stats``). ``loss_and_grads`` is the forward
    and backward pass, by hand (checked against finite differences in the tests).
    """

    def __init__(self, name: str, n_inputs: int, n_classes: int, depth: int = 8,
                 width: int = 32, init: str = "glorot_uniform", weight_scale: float = 1.0,
                 bias: float = 0.0, batch_norm: bool = False, rng=0, **params):
        _check_net("MLP", name, depth, width, 1)
        rng = rng_param("MLP", rng)
        self.fn, self.params, self.depth = get(name), params, depth
        # Check the parameters once, then call the activation's NumPy functions directly: the
        # public call checks its input every time, most of a small network's training step.
        _, _, self._kwargs = self.fn._bind(np.zeros(1), (), params)
        self.batch_norm = bool(batch_norm)
        sizes = [n_inputs] + [width] * depth
        self.W = [init_weights(a, b, init, rng, weight_scale)
                  for a, b in zip(sizes[:-1], sizes[1:], strict=True)]
        self.W.append(init_weights(width, n_classes, "glorot_uniform", rng))
        self.b = [np.full(width, float(bias)) for _ in range(depth)] + [np.zeros(n_classes)]
        self.gamma = [np.ones(width) for _ in range(depth)] if self.batch_norm else []
        self.beta = [np.zeros(width) for _ in range(depth)] if self.batch_norm else []
        # Every array is a view into one flat vector, so an optimiser updates all at once.
        self.flat = np.concatenate([w.ravel() for w in self.weights])
        views, start = [], 0
        for w in self.weights:
            views.append(self.flat[start:start + w.size].reshape(w.shape))
            start += w.size
        k, d = depth + 1, len(self.gamma)
        self.W, self.b = views[:k], views[k:2 * k]
        self.gamma, self.beta = views[2 * k:2 * k + d], views[2 * k + d:]

    def _f(self, u):
        return self.fn._f(u, **self._kwargs)

    def _df(self, u):
        return self.fn._df(u, **self._kwargs)

    @property
    def weights(self) -> list[np.ndarray]:
        """Every trainable array, in a fixed order (kernels, biases, BN scales, BN shifts)."""
        return self.W + self.b + self.gamma + self.beta

    def forward(self, X, stats=None):
        """(logits, cache). ``cache[l]`` holds layer l's input h, the activation's input u (the
        BN output with batch norm, else z), and BN's x-hat and std. BN uses the batch's own
        statistics, or ``stats`` (one (mean, var) per layer) if given."""
        h, cache = np.asarray(X, dtype=float), []
        with np.errstate(over="ignore", invalid="ignore"):
            for layer in range(self.depth):
                z = h @ self.W[layer] + self.b[layer]
                if self.batch_norm:
                    mean, var = (z.mean(axis=0), z.var(axis=0)) if stats is None else \
                        stats[layer]
                    sd = np.sqrt(var + BN_EPSILON)
                    x_hat = (z - mean) / sd
                    u = self.gamma[layer] * x_hat + self.beta[layer]
                else:
                    x_hat = sd = None
                    u = z
                cache.append((h, u, x_hat, sd))
                h = self._f(u)
            return h @ self.W[-1] + self.b[-1], cache + [(h, None, None, None)]

    def statistics(self, X):
        """BN's per-layer (mean, var) of the pre-activations on X (the population statistics
        evaluation uses)."""
        h, stats = np.asarray(X, dtype=float), []
        with np.errstate(over="ignore", invalid="ignore"):
            for layer in range(self.depth):
                z = h @ self.W[layer] + self.b[layer]
                stats.append((z.mean(axis=0), z.var(axis=0)))
                u = self.gamma[layer] * (z - stats[-1][0]) / np.sqrt(stats[-1][1] + BN_EPSILON) \
                    + self.beta[layer]
                h = self._f(u)
        return stats

    @staticmethod
    def _log_softmax(logits):
        shifted = logits - logits.max(axis=1, keepdims=True)  # no overflow in exp
        return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))

    def loss_and_grads(self, X, y):
        """The mean cross-entropy on (X, y) and its gradient for every array of ``weights``
        (batch statistics for BN, as in training)."""
        logits, cache = self.forward(X)
        n = len(y)
        with np.errstate(over="ignore", invalid="ignore"):
            logp = self._log_softmax(logits)
            loss = -logp[np.arange(n), y].mean()
            d = np.exp(logp)
            d[np.arange(n), y] -= 1
            d /= n  # dL/dlogits
            h_top = cache[-1][0]
            gW, gb = [None] * (self.depth + 1), [None] * (self.depth + 1)
            gg, gbeta = [None] * len(self.gamma), [None] * len(self.beta)
            gW[-1], gb[-1] = h_top.T @ d, d.sum(axis=0)
            dh = d @ self.W[-1].T
            for layer in range(self.depth - 1, -1, -1):
                h, u, x_hat, sd = cache[layer]
                du = dh * self._df(u)
                if self.batch_norm:  # the standard batch-norm backward pass
                    gg[layer], gbeta[layer] = (du * x_hat).sum(axis=0), du.sum(axis=0)
                    dx = du * self.gamma[layer]
                    dz = (n * dx - dx.sum(axis=0) - x_hat * (dx * x_hat).sum(axis=0)) / (n * sd)
                else:
                    dz = du
                gW[layer], gb[layer] = h.T @ dz, dz.sum(axis=0)
                dh = dz @ self.W[layer].T
        return float(loss), gW + gb + gg + gbeta

    def evaluate(self, X, y, stats=None):
        """(mean cross-entropy, accuracy) on (X, y)."""
        logits, _ = self.forward(X, stats)
        with np.errstate(over="ignore", invalid="ignore"):
            logp = self._log_softmax(logits)
        y = np.asarray(y)
        return float(-logp[np.arange(len(y)), y].mean()), float(np.mean(logits.argmax(1) == y))

    def dead_units(self, X, stats=None) -> np.ndarray:
        """Per hidden layer, the units with f'(u) = 0 for every row of X (u: the activation's
        input), as ``act.measure.dead_units`` counts them in Keras."""
        _, cache = self.forward(X, stats)
        return np.array([int(np.sum(np.all(self._df(u) == 0, axis=0)))
                         for _, u, _, _ in cache[:-1]])


class MLPResult(NamedTuple):
    """What ``train_mlp`` measured: test accuracy and loss at the end; ``history`` with one value
    per epoch ("loss": the mean over the epoch's batches, "test_loss", "test_accuracy");
    ``dead_units`` of shape (epochs + 1, depth), row 0 before training; ``clipped``: the share
    of steps whose gradient was clipped; the trained ``model``."""

    test_accuracy: float
    test_loss: float
    history: dict
    dead_units: np.ndarray
    clipped: float
    model: MLP


def _split(fname, data, n, seed):
    from . import data as datasets

    if isinstance(data, str):
        gen = getattr(datasets, data, None)
        if data not in ("two_spirals", "circles", "xor_blobs", "spirals") or gen is None:
            raise ValueError(f"{fname}: data must be a classification set of actlib.data "
                             f"(two_spirals, circles, xor_blobs, spirals) or a tuple "
                             f"(X_train, X_test, y_train, y_test); got {data!r}")
        X, y = gen(n=n, seed=seed)
        return datasets.train_test_split(X, y, test_fraction=0.25, seed=seed)
    if not (isinstance(data, tuple) and len(data) == 4):
        raise ValueError(f"{fname}: data must be a data set's name or a tuple "
                         f"(X_train, X_test, y_train, y_test)")
    return data


@one_blas_thread
def train_mlp(name: str, data="two_spirals", *, depth: int = 8, width: int = 32,
              init: str = "glorot_uniform", weight_scale: float = 1.0, bias: float = 0.0,
              batch_norm: bool = False, optimizer: str = "adam", learning_rate: float = 0.01,
              clip: float | None = None, epochs: int = 20, batch_size: int = 64, n: int = 2000,
              seed: int = 0, **params) -> MLPResult:
    r"""Train an ``MLP`` with mini-batches in NumPy, as ``act.training.train`` does in Keras
    (the same data split for the same ``data``, ``n`` and ``seed``; Keras' Adam, or plain SGD
    :math:`w \leftarrow w - \eta g`).

    Adam: :math:`m \leftarrow \beta_1 m + (1 - \beta_1) g`, :math:`v \leftarrow \beta_2 v +
    (1 - \beta_2) g^2`, :math:`w \leftarrow w - \eta \frac{\sqrt{1 - \beta_2^t}}{1 - \beta_1^t}
    \frac{m}{\sqrt v + \epsilon}` with Keras' (0.9, 0.999, 1e-7). ``clip``: clip by the global
    norm, as Keras' ``global_clipnorm``: if :math:`\lVert g \rVert = \sqrt{\sum_k \lVert g_k
    \rVert^2} > \text{clip}`, every :math:`g_k` is multiplied by :math:`\text{clip} / \lVert g
    \rVert` (the direction stays, the length is capped). Dead units are counted on the training
    set before training and after every epoch. With ``batch_norm`` evaluation uses the training
    set's statistics (where Keras' moving averages would converge).
    """
    for pname, value in (("epochs", epochs), ("batch_size", batch_size), ("n", n)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
            raise ValueError(f"train_mlp: {pname} must be an int >= 1, got {value!r}")
    if optimizer not in ("adam", "sgd"):
        raise ValueError(f"train_mlp: optimizer must be 'adam' or 'sgd', got {optimizer!r}")
    for pname, value in (("learning_rate", learning_rate), ("weight_scale", weight_scale)) + (
            (("clip", clip),) if clip is not None else ()):
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or \
                not np.isfinite(value) or value <= 0:
            raise ValueError(f"train_mlp: {pname} must be a finite number > 0, got {value!r}")
    X_train, X_test, y_train, y_test = _split("train_mlp", data, n, seed)
    X_train, X_test = np.asarray(X_train, float), np.asarray(X_test, float)
    y_train, y_test = np.asarray(y_train), np.asarray(y_test)
    model = MLP(name, X_train.shape[1], int(max(y_train.max(), y_test.max())) + 1, depth, width,
                init, weight_scale, bias, batch_norm, rng=seed, **params)
    order_rng = np.random.default_rng(np.random.SeedSequence([seed, 2]))
    beta1, beta2, eps = ADAM
    m, v = np.zeros_like(model.flat), np.zeros_like(model.flat)

    def stats():
        return model.statistics(X_train) if model.batch_norm else None

    dead = [model.dead_units(X_train, stats())]
    history = {"loss": [], "test_loss": [], "test_accuracy": []}
    step, clipped = 0, 0
    for _ in range(epochs):
        order, losses = order_rng.permutation(len(y_train)), []
        for start in range(0, len(order), batch_size):
            batch = order[start:start + batch_size]
            loss, grads = model.loss_and_grads(X_train[batch], y_train[batch])
            losses.append(loss)
            g = np.concatenate([a.ravel() for a in grads])
            with np.errstate(over="ignore", invalid="ignore"):
                if clip is not None:
                    norm = np.sqrt(g @ g)
                    if norm > clip:
                        g *= clip / norm
                        clipped += 1
                step += 1
                if optimizer == "adam":
                    m *= beta1
                    m += (1 - beta1) * g
                    v *= beta2
                    v += (1 - beta2) * g * g
                    rate = learning_rate * np.sqrt(1 - beta2 ** step) / (1 - beta1 ** step)
                    model.flat -= rate * m / (np.sqrt(v) + eps)
                else:
                    model.flat -= learning_rate * g
        current = stats()
        test_loss, test_acc = model.evaluate(X_test, y_test, current)
        history["loss"].append(float(np.mean(losses)))
        history["test_loss"].append(test_loss)
        history["test_accuracy"].append(test_acc)
        dead.append(model.dead_units(X_train, current))
    return MLPResult(history["test_accuracy"][-1], history["test_loss"][-1], history,
                     np.array(dead), clipped / step, model)
