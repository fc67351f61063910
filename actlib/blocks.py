r"""Deep stacks of blocks in plain NumPy, measured as lesson 01 and 03 measure a plain network
(``deepnet.propagation``): what normalisation and residual connections change.

Four blocks, each mapping the representation :math:`x_{l-1}` (width N) to :math:`x_l`:

.. math::
    \text{plain:}\quad x_l = f(x_{l-1} W_l) \qquad
    \text{layernorm:}\quad x_l = f(\operatorname{LN}(x_{l-1} W_l)) \qquad
    \text{rmsnorm:}\quad x_l = f(\operatorname{RMS}(x_{l-1} W_l))

.. math::
    \text{residual (pre-norm):}\quad x_l = x_{l-1} + f(\operatorname{LN}(x_{l-1}) W_l)\,V_l

with ``layer_norm`` and ``rms_norm`` at their initial gain 1 and bias 0 (Ba et al. 2016,
arXiv:1607.06450; Zhang & Sennrich 2019, arXiv:1910.07467) and the pre-norm residual block of
Xiong et al. 2020 (arXiv:2002.04745). f is any elementwise activation of ``act.NAMES`` or a
gated one (``glu``, ``reglu``, ``geglu``, ``swiglu``: then :math:`W_l` has 2N columns and
:math:`f(z) = a \odot \varphi(b)` for the halves a, b of z).

Weights: :math:`W_l \sim N(0, c^2/N)` with c the activation's gain (``gain``, lesson 03) in the
plain and normalised stacks; in the residual block :math:`W_l \sim N(0, 1/N)` (LN's output has
unit variance) and :math:`V_l \sim N(0, c^2/N)`, so each branch adds variance 1:
:math:`\operatorname{Var}(x_l) = \operatorname{Var}(x_{l-1}) + 1` (``residual_variance``).
"""

from __future__ import annotations

import functools
import numbers

import numpy as np

from .deepnet import Propagation, init_weights, mean_correlation, one_blas_thread, unit_std
from .functions import NAMES, get

__all__ = ["BLOCKS", "GATED", "block_propagation", "cached_block_propagation", "clear_cache",
           "gain", "layer_norm", "layer_norm_vjp", "residual_variance", "rms_norm", "rms_norm_vjp"]

#: The blocks ``block_propagation`` stacks.
BLOCKS = ("plain", "layernorm", "rmsnorm", "residual")
#: The gated activations (not elementwise) a block may use: name -> the gate's activation.
GATED = {"glu": "sigmoid", "reglu": "relu", "geglu": "gelu", "swiglu": "silu"}
#: Added to the variance (LN) or mean square (RMS) before the square root, as in PyTorch.
EPS = 1e-5


def _rows(fname, z):
    z = np.asarray(z, dtype=float)
    if z.ndim < 1 or z.shape[-1] < 1:
        raise ValueError(f"{fname}: z must have at least one entry along its last axis, got "
                         f"shape {z.shape}")
    return z


def layer_norm(z, eps: float = EPS) -> np.ndarray:
    r"""Layer normalisation at its initial gain 1 and bias 0, along the last axis (each example
    on its own; Ba et al. 2016, arXiv:1607.06450):

    .. math:: \operatorname{LN}(z) = \frac{z - \mu}{\sqrt{\sigma^2 + \epsilon}}, \qquad
              \mu = \frac1N \sum_i z_i, \quad \sigma^2 = \frac1N \sum_i (z_i - \mu)^2 ."""
    z = _rows("layer_norm", z)
    centred = z - z.mean(axis=-1, keepdims=True)
    return centred / np.sqrt((centred ** 2).mean(axis=-1, keepdims=True) + eps)


def layer_norm_vjp(z, g, eps: float = EPS) -> np.ndarray:
    r"""The gradient w.r.t. z of :math:`\langle g, \operatorname{LN}(z)\rangle`:

    .. math:: \frac{1}{\sqrt{\sigma^2 + \epsilon}}
              \bigl(g - \bar g - \hat z\, \overline{g \odot \hat z}\bigr),

    with :math:`\hat z = \operatorname{LN}(z)` and bars the means along the last axis."""
    z = _rows("layer_norm_vjp", z)
    g = np.asarray(g, dtype=float)
    if g.shape != z.shape:
        raise ValueError(f"layer_norm_vjp: g must have z's shape {z.shape}, got {g.shape}")
    centred = z - z.mean(axis=-1, keepdims=True)
    inv = 1.0 / np.sqrt((centred ** 2).mean(axis=-1, keepdims=True) + eps)
    zhat = centred * inv
    return inv * (g - g.mean(axis=-1, keepdims=True)
                  - zhat * (g * zhat).mean(axis=-1, keepdims=True))


def rms_norm(z, eps: float = EPS) -> np.ndarray:
    r"""RMS normalisation at its initial gain 1, along the last axis (Zhang & Sennrich 2019,
    arXiv:1910.07467): layer norm without the centring,

    .. math:: \operatorname{RMS}(z) = \frac{z}{\sqrt{\frac1N \sum_i z_i^2 + \epsilon}} ."""
    z = _rows("rms_norm", z)
    return z / np.sqrt((z ** 2).mean(axis=-1, keepdims=True) + eps)


def rms_norm_vjp(z, g, eps: float = EPS) -> np.ndarray:
    r"""The gradient w.r.t. z of :math:`\langle g, \operatorname{RMS}(z)\rangle`:
    :math:`\frac1r \bigl(g - \hat z\, \overline{g \odot \hat z}\bigr)` with
    :math:`r = \sqrt{\overline{z^2} + \epsilon}` and :math:`\hat z = z / r`."""
    z = _rows("rms_norm_vjp", z)
    g = np.asarray(g, dtype=float)
    if g.shape != z.shape:
        raise ValueError(f"rms_norm_vjp: g must have z's shape {z.shape}, got {g.shape}")
    inv = 1.0 / np.sqrt((z ** 2).mean(axis=-1, keepdims=True) + eps)
    zhat = z * inv
    return inv * (g - zhat * (g * zhat).mean(axis=-1, keepdims=True))


def gain(name: str) -> float:
    r"""The weight scale c that keeps a standard-normal pre-activation's second moment,
    :math:`c = 1/\sqrt{\operatorname{E}[f(z)^2]}` (lesson 03's ``variance.gain``). For a gated
    unit :math:`a\,\varphi(b)` with independent standard-normal halves,
    :math:`\operatorname{E}[a^2 \varphi(b)^2] = \operatorname{E}[\varphi(b)^2]`: the gate's gain."""
    from . import variance

    return float(variance.gain(GATED.get(name, name)))


def residual_variance(depth, var_in: float = 1.0, var_branch: float = 1.0) -> np.ndarray:
    r"""The predicted variance of the residual stream after blocks 1..depth,
    :math:`\operatorname{Var}(x_l) = \operatorname{Var}(x_0) + l\,\operatorname{Var}(F)`: each
    branch is uncorrelated with the stream it is added to (fresh zero-mean weights), so the
    variances add up, and with a normalised branch input every block adds the same amount."""
    if isinstance(depth, bool) or not isinstance(depth, numbers.Integral) or depth < 1:
        raise ValueError(f"residual_variance: depth must be an int >= 1, got {depth!r}")
    return var_in + var_branch * np.arange(1, depth + 1, dtype=float)


def _activation(fname, name):
    """(forward, backward(z, g) -> dL/dz, width factor) for an elementwise or gated name."""
    if name in GATED:
        fn = getattr(__import__("actlib").gated, name)
        return fn, fn.vjp, 2
    if name not in NAMES or name == "softmax":
        raise ValueError(f"{fname}: unknown activation {name!r}; choose one of "
                         f"{', '.join(n for n in NAMES if n != 'softmax')} or "
                         f"{', '.join(GATED)}")
    fn = get(name)
    return fn, (lambda z, g: g * fn.derivative(z)), 1


def _check(fname, block, depth, width, n):
    if block not in BLOCKS:
        raise ValueError(f"{fname}: unknown block {block!r}; choose one of {', '.join(BLOCKS)}")
    for pname, value, low in (("depth", depth, 1), ("width", width, 2), ("n", n, 2)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low:
            raise ValueError(f"{fname}: {pname} must be an int >= {low}, got {value!r}")


@one_blas_thread
def block_propagation(block: str, name: str, depth: int = 50, width: int = 64, n: int = 256,
                      seed=0) -> Propagation:
    r"""Send n standard-normal inputs up through ``depth`` random ``block``\ s (see the module)
    and an error of std 1 down from the top, as ``deepnet.propagation`` does, and measure at
    every block l = 1..depth (element l - 1 of each array):

    - ``forward_std``: the std of the block's output :math:`x_l`, pooled over examples and units;
    - ``unit_std``: ``deepnet.unit_std`` of :math:`x_l`: each unit's std across examples,
      averaged over units (what still varies with the input);
    - ``correlation``: ``deepnet.mean_correlation`` of :math:`x_l`, the mean cosine between the
      vectors of two distinct examples (about 0 for the independent inputs; 1 when the network
      maps every input to the same direction);
    - ``backward_std``: the std of :math:`\partial\ell/\partial x_{l-1}`, the per-example error
      after passing back through block l (1 above the top block);
    - ``weight_grad_norm``: :math:`\lVert \partial L/\partial W_l \rVert_F` with
      :math:`L = \frac1n\sum_i \ell_i`, for the block's first weight matrix.

    The inputs and the error come from ``seed`` (the same draws for every block and
    activation, so the stacks are compared on the same examples)."""
    fname = "block_propagation"
    _check(fname, block, depth, width, n)
    f, vjp, widen = _activation(fname, name)
    rng = np.random.default_rng(np.random.SeedSequence([0 if seed is None else seed, 0]))
    c = gain(name)
    x = [rng.standard_normal((n, width))]
    cache = []
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for _ in range(depth):
            if block == "residual":
                w = init_weights(width, widen * width, "lecun_normal", rng)
                v = init_weights(width, width, "lecun_normal", rng, c)
                u = layer_norm(x[-1])
                z = u @ w
                x.append(x[-1] + f(z) @ v)
                cache.append((w, v, u, z))
            else:
                w = init_weights(width, widen * width, "lecun_normal", rng, c)
                pre = x[-1] @ w
                z = {"plain": lambda a: a, "layernorm": layer_norm, "rmsnorm": rms_norm}[block](pre)
                x.append(f(z))
                cache.append((w, None, pre, z))
        delta = np.random.default_rng(
            np.random.SeedSequence([0 if seed is None else seed, 1])).standard_normal((n, width))
        fwd, bwd, norms, spread, corr = (np.empty(depth) for _ in range(5))
        for layer in range(depth - 1, -1, -1):
            out = x[layer + 1]
            fwd[layer] = out.std()
            spread[layer] = unit_std(out)
            corr[layer] = mean_correlation(out)
            w, v, pre, z = cache[layer]
            if block == "residual":
                delta_z = vjp(z, delta @ v.T)
                norms[layer] = np.linalg.norm(pre.T @ delta_z) / n
                delta = delta + layer_norm_vjp(x[layer], delta_z @ w.T)
            else:
                delta_z = vjp(z, delta)
                if block == "layernorm":
                    delta_z = layer_norm_vjp(pre, delta_z)
                elif block == "rmsnorm":
                    delta_z = rms_norm_vjp(pre, delta_z)
                norms[layer] = np.linalg.norm(x[layer].T @ delta_z) / n
                delta = delta_z @ w.T
            bwd[layer] = delta.std()
    return Propagation(fwd, bwd, norms, spread, corr)


@functools.lru_cache(maxsize=512)
def _cached(block, name, depth, width, n, seed):
    result = block_propagation(block, name, depth, width, n, seed)
    for a in result:
        a.flags.writeable = False
    return result


def cached_block_propagation(block: str, name: str, depth: int = 50, width: int = 64,
                             n: int = 128, seed: int = 0) -> Propagation:
    """``block_propagation(...)`` remembered per setting (read-only arrays), for the widget."""
    return _cached(block, name, depth, width, n, seed)


def clear_cache() -> None:
    """Forget every ``cached_block_propagation`` result (benchmarks measure cold redraws)."""
    _cached.cache_clear()

