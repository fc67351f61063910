r"""Every activation and its derivative, in NumPy (and SciPy's `expit`, `erfc`).

Each public name is an :class:`~actlib.activation.Activation`: call it for f(x), call
``.derivative`` for f'(x). The private functions below are the math; they receive a float32 or
float64 array whose parameters were already checked (see ``_check_*``).

Numerical care is part of the lesson, and each place that needs it says why in one line:
no overflow for any finite input, accurate tails (no ``1 - sigmoid(x)`` that cancels), and the
mathematical limit at +-inf.
"""

from __future__ import annotations

import functools

import numpy as np

from ._inputs import axis_param, bool_param, real_param, rng_param
from .activation import Activation


@functools.cache
def _special():
    import scipy.special  # on first use: it takes longer to import than NumPy itself

    return scipy.special


def expit(x):
    """SciPy's logistic sigmoid ufunc: stable for every input."""
    return _special().expit(x)


def erfc(x):
    """SciPy's complementary error function ufunc."""
    return _special().erfc(x)


#: SELU's constants (Klambauer et al. 2017, eq. 14), to full double precision.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946

SQRT1_2 = 0.7071067811865475244008443621048  # 1/sqrt(2)
INV_SQRT_2PI = 0.3989422804014326779399460599343  # 1/sqrt(2 pi)
SQRT_2_OVER_PI = 0.7978845608028653558798921198687  # sqrt(2/pi)
GELU_TANH_COEFF = 0.044715

# Beyond |x| = SATURATION every smooth derivative here equals its limit in float64 (the
# exponentials underflow), so the derivatives clip x there: no overflow in x**2 or x**3.
SATURATION = 1e4


def _lowest(x: np.ndarray):
    return np.finfo(x.dtype).min


def _no_neg_inf(x: np.ndarray) -> np.ndarray:
    """x with -inf replaced by the most negative finite number: x * g(x) then tends to its limit
    0 instead of computing -inf * 0 = NaN."""
    return np.maximum(x, _lowest(x))


def _saturate(x: np.ndarray) -> np.ndarray:
    return np.clip(x, -SATURATION, SATURATION)


def _keep_nan(d: np.ndarray, x: np.ndarray) -> np.ndarray:
    """NaN in gives NaN out (np.where(x > 0, ...) would map NaN to the x <= 0 branch)."""
    if x.size and np.isnan(np.min(x)):  # min is NaN iff some x is: a fast check
        return np.where(np.isnan(x), x, d)
    return d


def _sech2(x: np.ndarray) -> np.ndarray:
    # sech x = 2 e / (1 + e^2) with e = exp(-|x|) <= 1: no overflow, and no cancellation as in
    # 1 - tanh(x)^2 once tanh(x) rounds to 1 (|x| > 19 in float64). In place: one allocation.
    e = np.abs(x)
    np.exp(np.negative(e, out=e), out=e)
    d = np.multiply(e, e)
    d += 1
    np.divide(e, d, out=e)
    e *= 2
    np.square(e, out=e)
    return np.minimum(e, 1, out=e)  # near x = 0 rounding can land 1 ulp above 1


def _times_slope(slope, x: np.ndarray) -> np.ndarray:
    """slope * x for the negative branch of the leaky family; a zero slope times -inf is
    taken as its limit 0 (slope 0 is ReLU)."""
    if np.all(slope != 0):
        return slope * x
    with np.errstate(invalid="ignore"):  # 0 * -inf = NaN here, replaced by 0 on the next line
        y = slope * x
    return np.where((slope == 0) & np.isinf(x), 0, y)


def _leaky(x: np.ndarray, slope) -> np.ndarray:
    return np.where(x > 0, x, _times_slope(slope, x))


def _leaky_derivative(x: np.ndarray, slope) -> np.ndarray:
    one = np.ones((), x.dtype)
    return _keep_nan(np.where(x > 0, one, np.asarray(slope, x.dtype)), x)


# --------------------------------------------------------------------------- parameter checks

def _check_alpha(fname, dtype, shape, alpha):
    return dict(alpha=real_param(fname, "alpha", alpha, dtype))


def _check_alpha_nonneg(fname, dtype, shape, alpha):
    return dict(alpha=real_param(fname, "alpha", alpha, dtype, low=0, low_text=">= 0"))


def _check_prelu(fname, dtype, shape, alpha):
    alpha = real_param(fname, "alpha", alpha, dtype)
    a_shape = np.shape(alpha)
    try:
        ok = np.broadcast_shapes(shape, a_shape) == shape
    except ValueError:
        ok = False
    if not ok:
        raise ValueError(f"{fname}: alpha of shape {a_shape} does not broadcast against x of shape "
                         f"{shape} (use a scalar, or one slope per channel on x's last axes)")
    return dict(alpha=alpha)


def _check_rrelu(fname, dtype, shape, lower, upper, training, rng):
    lower = real_param(fname, "lower", lower, dtype)
    upper = real_param(fname, "upper", upper, dtype)
    if np.ndim(lower) or np.ndim(upper):
        raise ValueError(f"{fname}: lower and upper must be scalars")
    if not 0 <= lower <= upper:
        raise ValueError(f"{fname}: need 0 <= lower <= upper, got lower={lower}, upper={upper}")
    return dict(lower=lower, upper=upper, training=bool_param(fname, "training", training),
                rng=rng_param(fname, rng) if training else None)


def _check_gelu(fname, dtype, shape, approximate):
    return dict(approximate=bool_param(fname, "approximate", approximate))


def _check_softmax(fname, dtype, shape, axis):
    return dict(axis=axis_param(fname, axis, len(shape)))


# --------------------------------------------------------------------------- linear, sigmoid, tanh

def _linear(x):
    r"""The identity, or "no activation": the baseline that shows why the others exist.

    .. math:: f(x) = x, \qquad f'(x) = 1

    A network whose layers all use it is one linear map, however deep: x W1 W2 ... Wn is
    x (W1 W2 ... Wn). Keras calls it ``"linear"`` too (``Dense``'s default activation).
    """
    return x.copy()


def _linear_derivative(x):
    return _keep_nan(np.ones_like(x), x)


def _sigmoid(x):
    r"""Logistic sigmoid.

    .. math:: \sigma(x) = \frac{1}{1 + e^{-x}}, \qquad \sigma'(x) = \sigma(x)\,(1 - \sigma(x))
              = \sigma(x)\,\sigma(-x) \le \tfrac14

    Range (0, 1); the slope is largest at 0, where it is 1/4. Computed with SciPy's ``expit``,
    which never overflows. The derivative uses e^{-|x|} / (1 + e^{-|x|})^2, exact in both tails
    (``s * (1 - s)`` returns 0 for x > 37 because 1 - s cancels).
    """
    return expit(x)


def _sigmoid_derivative(x):
    e = np.exp(-np.abs(x))  # <= 1: never overflows
    return np.minimum(e / (1 + e) ** 2, 0.25)  # near x = 0 rounding can land 1 ulp above 1/4


def _tanh(x):
    r"""Hyperbolic tangent.

    .. math:: \tanh x = \frac{e^x - e^{-x}}{e^x + e^{-x}} = 2\sigma(2x) - 1, \qquad
              \tanh' x = 1 - \tanh^2 x = \operatorname{sech}^2 x \le 1

    Range (-1, 1), zero-centred, slope 1 at 0. The derivative is computed as sech^2 from
    e^{-2|x|}, exact in the tails where 1 - tanh^2 cancels to 0.
    """
    return np.tanh(x)


# --------------------------------------------------------------------------- the ReLU family

def _relu(x):
    r"""Rectified linear unit (Nair & Hinton 2010).

    .. math:: \operatorname{relu}(x) = \max(0, x), \qquad
              \operatorname{relu}'(x) = \begin{cases} 1 & x > 0 \\ 0 & x \le 0 \end{cases}

    At the kink x = 0 any value in [0, 1] is a valid subgradient; we return 0, as TensorFlow's
    and PyTorch's autodiff do. (Some texts write f'(0) = 1; training does not notice.)
    """
    return np.maximum(x, 0)


def _relu_derivative(x):
    return _keep_nan((x > 0).astype(x.dtype), x)


def _leaky_relu(x, alpha=0.01):
    r"""Leaky ReLU (Maas, Hannun & Ng 2013).

    .. math:: f(x) = \begin{cases} x & x > 0 \\ \alpha x & x \le 0 \end{cases}, \qquad
              f'(x) = \begin{cases} 1 & x > 0 \\ \alpha & x \le 0 \end{cases}

    Default alpha = 0.01, from Maas et al. and PyTorch's ``negative_slope``; Keras differs:
    ``keras.activations.leaky_relu`` uses 0.2 and ``keras.layers.LeakyReLU`` 0.3. Xu et al. (2015)
    found 1/5.5 better than 0.01 on CIFAR. At x = 0 the derivative is alpha, as in TensorFlow and
    PyTorch; any value between alpha and 1 is a valid subgradient. alpha: any finite real.
    """
    return _leaky(x, alpha)


def _leaky_relu_derivative(x, alpha=0.01):
    return _leaky_derivative(x, alpha)


def _prelu(x, alpha=0.25):
    r"""Parametric ReLU (He, Zhang, Ren & Sun 2015): a leaky ReLU whose slope alpha is learned.

    .. math:: f(x) = \begin{cases} x & x > 0 \\ \alpha x & x \le 0 \end{cases}, \qquad
              \frac{\partial f}{\partial x} = \begin{cases} 1 & x > 0 \\ \alpha & x \le 0
              \end{cases}, \qquad
              \frac{\partial f}{\partial \alpha} = \begin{cases} 0 & x > 0 \\ x & x \le 0
              \end{cases}

    alpha: a scalar, or an array that broadcasts against x without changing its shape (one
    slope per channel). Default 0.25, He et al.'s starting value, also PyTorch's ``nn.PReLU``
    init (one shared slope by default). Keras' ``PReLU`` layer starts at 0 instead (ReLU), one
    slope per unit. ``prelu.derivative_alpha(x, alpha)`` is df/dalpha, elementwise; training
    sums it times the upstream gradient over every element that shares a slope.
    """
    return _leaky(x, alpha)


def _prelu_derivative(x, alpha=0.25):
    return _leaky_derivative(x, alpha)


def _prelu_derivative_alpha(x, alpha=0.25):
    return np.where(x > 0, np.zeros((), x.dtype), x)  # NaN stays NaN: NaN > 0 is False


class _PReLU(Activation):
    def derivative_alpha(self, x, *args, **params):
        """Elementwise df/dalpha: x where x <= 0, else 0 (same parameters as the function)."""
        return self._apply(_prelu_derivative_alpha, x, args, params)


def _rrelu(x, lower=1 / 8, upper=1 / 3, training=False, rng=None):
    r"""Randomized leaky ReLU (Xu, Wang, Chen & Li 2015).

    .. math:: f(x) = \begin{cases} x & x > 0 \\ a\,x & x \le 0 \end{cases}, \qquad
              a \sim U(\text{lower}, \text{upper}) \text{ in training}, \quad
              a = \tfrac{\text{lower} + \text{upper}}{2} \text{ at test time}

    In training (``training=True``) every element draws its own slope from ``rng`` (a
    ``numpy.random.Generator``, an int seed, or None for fresh entropy); the same seed gives the
    same slopes in ``rrelu`` and ``rrelu.derivative``. At test time the slope is the mean,
    (1/8 + 1/3)/2 = 0.229 by default.

    Defaults follow PyTorch's ``nn.RReLU``. Xu et al. write the slope as 1/a with a ~ U(3, 8),
    which gives slopes between 1/8 and 1/3, but at test time they divide by the mean of a,
    (3 + 8)/2 = 5.5: a slope of 1/5.5 = 0.182, not the mean slope 0.229 used here and by PyTorch.
    Need 0 <= lower <= upper. ``derivative`` is the test-time one unless ``training=True``.
    """
    return _leaky(x, _rrelu_slope(x, lower, upper, training, rng))


def _rrelu_derivative(x, lower=1 / 8, upper=1 / 3, training=False, rng=None):
    return _leaky_derivative(x, _rrelu_slope(x, lower, upper, training, rng))


def _rrelu_slope(x, lower, upper, training, rng):
    if not training:
        return (lower + upper) / 2
    return lower + (upper - lower) * rng.random(x.shape, dtype=x.dtype)


def _elu(x, alpha=1.0):
    r"""Exponential linear unit (Clevert, Unterthiner & Hochreiter 2016).

    .. math:: f(x) = \begin{cases} x & x > 0 \\ \alpha\,(e^x - 1) & x \le 0 \end{cases}, \qquad
              f'(x) = \begin{cases} 1 & x > 0 \\ \alpha e^x = f(x) + \alpha & x \le 0 \end{cases}

    Saturates to -alpha as x -> -inf. Default alpha = 1.0 (the paper, Keras and PyTorch);
    need alpha >= 0. Uses expm1: e^x - 1 cancels for x near 0.
    """
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))  # min: no exp overflow


def _elu_derivative(x, alpha=1.0):
    return np.where(x > 0, np.ones((), x.dtype), alpha * np.exp(np.minimum(x, 0)))


def _selu(x):
    r"""Scaled ELU (Klambauer, Unterthiner, Mayr & Hochreiter 2017).

    .. math:: f(x) = \lambda \begin{cases} x & x > 0 \\ \alpha\,(e^x - 1) & x \le 0 \end{cases},
              \qquad f'(x) = \lambda \begin{cases} 1 & x > 0 \\ \alpha e^x & x \le 0 \end{cases}

    with alpha = ``SELU_ALPHA`` = 1.6732632423543772 and lambda = ``SELU_SCALE`` =
    1.0507009873554805, chosen so that activations keep mean 0 and variance 1 through many
    layers, *when* the weights are initialised with variance 1/fan_in (LeCun normal, Keras'
    ``kernel_initializer="lecun_normal"``) and the inputs are standardised.

    At the kink x = 0 the derivative is lambda alpha (the x <= 0 branch, as PyTorch);
    TensorFlow returns lambda there. Both are valid subgradients.
    """
    with np.errstate(over="ignore"):  # lambda * x > the dtype's max is inf, the right answer
        return SELU_SCALE * _elu(x, SELU_ALPHA)


def _selu_derivative(x):
    return SELU_SCALE * _elu_derivative(x, SELU_ALPHA)


# --------------------------------------------------------------------------- smooth ReLUs

def _softplus(x):
    r"""Softplus (Dugas et al. 2001), a smooth ReLU.

    .. math:: f(x) = \log(1 + e^x), \qquad f'(x) = \sigma(x)

    Computed as max(x, 0) + log1p(e^{-|x|}): no overflow for large x, and exact for very
    negative x, where it is e^x (log(1 + e^x) would overflow at x > 709 in float64).
    """
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


def _gelu(x, approximate=False):
    r"""Gaussian error linear unit (Hendrycks & Gimpel 2016).

    .. math:: f(x) = x\,\Phi(x) = \frac{x}{2}\operatorname{erfc}\!\left(-\frac{x}{\sqrt2}\right),
              \qquad f'(x) = \Phi(x) + x\,\varphi(x)

    with Phi and phi the standard normal CDF and density. ``approximate=True`` is the tanh form
    used by BERT and GPT-2: x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) = x sigma(2u), computed
    through the sigmoid so that its left tail does not cancel. Default exact, as
    ``keras.activations.gelu`` and PyTorch's ``approximate='none'`` (``keras.ops.gelu`` defaults to
    the tanh form). erfc, not 1 + erf: the latter cancels for x < -3.
    """
    if approximate:
        return _no_neg_inf(x) * expit(2 * _gelu_tanh_arg(_saturate(x)))
    return _no_neg_inf(x) * (0.5 * erfc(-x * SQRT1_2))  # 0.5 first: x * 2 overflows at max


def _gelu_tanh_arg(x):
    return SQRT_2_OVER_PI * (x + GELU_TANH_COEFF * x**3)


def _gelu_derivative(x, approximate=False):
    x = _saturate(x)
    if approximate:
        u2 = 2 * _gelu_tanh_arg(x)
        du2 = 2 * SQRT_2_OVER_PI * (1 + 3 * GELU_TANH_COEFF * x**2)
        return expit(u2) + x * du2 * expit(u2) * expit(-u2)
    return 0.5 * erfc(-x * SQRT1_2) + x * INV_SQRT_2PI * np.exp(-0.5 * x * x)


def _silu(x):
    r"""Sigmoid linear unit, also called swish (Elfwing et al. 2018; Ramachandran et al. 2017).

    .. math:: f(x) = x\,\sigma(x), \qquad f'(x) = \sigma(x)\,\bigl(1 + x\,\sigma(-x)\bigr)

    Not monotonic: its minimum is about -0.278 at x of about -1.278. ``act.swish`` is the same
    object (swish with beta = 1).
    """
    return _no_neg_inf(x) * expit(x)


def _silu_derivative(x):
    x = _saturate(x)  # no inf * 0
    s = expit(x)
    # 1 - s cancels for large x, but only in a term x (1 - s) that is tiny next to the 1
    d = np.subtract(1, s)
    d *= x
    d += 1
    d *= s
    return d


def _mish(x):
    r"""Mish (Misra 2019).

    .. math:: f(x) = x \tanh(\operatorname{softplus}(x)), \qquad
              f'(x) = \tanh(\operatorname{softplus} x) + x\,\operatorname{sech}^2(\operatorname
              {softplus} x)\,\sigma(x)

    Computed without tanh or log: with e = e^x and n = e (e + 2),
    tanh(softplus x) = n / (n + 2) and the derivative is n / (n + 2) + 4 x e (e + 1) / (n + 2)^2.
    e^x is taken at min(x, 21), where both already equal their limits in float64 (and
    (n + 2)^2 = e^{84} still fits in float32).
    """
    n = _mish_n(x)
    t = np.divide(n, np.add(n, 2, out=np.empty_like(n)), out=n)
    t *= _no_neg_inf(x)
    return t


MISH_CLIP = 21


def _mish_n(x):
    e = np.exp(np.minimum(x, MISH_CLIP))
    n = np.add(e, 2)
    n *= e
    return n


def _mish_derivative(x):
    x = np.maximum(np.minimum(x, MISH_CLIP), -SATURATION)
    e = np.exp(x)
    n2 = np.add(e, 2)
    n2 *= e
    t = n2 / (n2 + 2)
    n2 += 2  # n + 2
    np.square(n2, out=n2)
    e1 = e + 1
    e1 *= e
    e1 *= x
    e1 *= 4
    e1 /= n2
    e1 += t
    return e1


# --------------------------------------------------------------------------- hard and squared

def _relu6(x):
    r"""ReLU6: a ReLU capped at 6 (Krizhevsky 2010; MobileNets: Howard et al. 2017,
    arXiv:1704.04861, and MobileNetV2: Sandler et al. 2018, arXiv:1801.04381).

    .. math:: \operatorname{relu6}(x) = \min(\max(x, 0), 6), \qquad
              \operatorname{relu6}'(x) = \begin{cases} 1 & 0 < x < 6 \\ 0 & \text{otherwise}
              \end{cases}

    The cap bounds every activation to [0, 6], so a fixed 8-bit range covers it: Sandler et al.
    use it "because of its robustness when used with low-precision computation". At both kinks
    (x = 0 and x = 6) the derivative is 0, the flat side, as for ``relu`` (relu'(0) = 0) and as
    TensorFlow's ``Relu6Grad`` and PyTorch's ``hardtanh`` backward; any value in [0, 1] is a
    valid subgradient there. Same as ``keras.activations.relu6`` and PyTorch's ``F.relu6``.
    """
    return np.clip(x, 0, 6)


def _relu6_derivative(x):
    return _keep_nan(((x > 0) & (x < 6)).astype(x.dtype), x)


def _hard_sigmoid(x):
    r"""Hard sigmoid, a piecewise-linear sigmoid: relu6(x + 3) / 6, the convention of Keras 3
    and PyTorch (MobileNetV3's h-sigmoid: Howard et al. 2019, arXiv:1905.02244).

    .. math:: \operatorname{hard\_sigmoid}(x) = \frac{\operatorname{relu6}(x + 3)}{6}
              = \begin{cases} 0 & x \le -3 \\ \tfrac{x}{6} + \tfrac12 & -3 < x < 3 \\
              1 & x \ge 3 \end{cases}, \qquad
              \operatorname{hard\_sigmoid}'(x) = \begin{cases} \tfrac16 & -3 < x < 3 \\
              0 & \text{otherwise} \end{cases}

    Libraries differ: this is ``keras.activations.hard_sigmoid`` in Keras 3 and PyTorch's
    ``F.hardsigmoid`` (slope 1/6, flat beyond +-3), Howard et al.'s h-sigmoid. Keras 2 and
    ``tf.keras`` used 0.2 x + 0.5 clipped to [0, 1] (slope 1/5, flat beyond +-2.5). Both cross
    1/2 at 0; neither has the sigmoid's slope 1/4 there. At the kinks x = +-3 the derivative is
    0 (the flat side), as TensorFlow's autodiff and PyTorch give. Computed as clip(x + 3, 0, 6)
    / 6, as Keras does: x + 3 is exact near -3, where x/6 + 1/2 would cancel.
    """
    return np.clip(x + 3, 0, 6) / 6


def _hard_sigmoid_derivative(x):
    inside = (x > -3) & (x < 3)
    return _keep_nan(np.where(inside, np.asarray(1 / 6, x.dtype), np.zeros((), x.dtype)), x)


def _hard_silu(x):
    r"""Hard SiLU, also called hard swish: x times the hard sigmoid (Howard et al. 2019,
    MobileNetV3, arXiv:1905.02244).

    .. math:: \operatorname{hard\_silu}(x) = x\,\frac{\operatorname{relu6}(x + 3)}{6}
              = \begin{cases} 0 & x \le -3 \\ \tfrac{x (x + 3)}{6} & -3 < x < 3 \\
              x & x \ge 3 \end{cases}, \qquad
              \operatorname{hard\_silu}'(x) = \begin{cases} 0 & x \le -3 \\
              \tfrac{2x + 3}{6} & -3 < x < 3 \\ 1 & x \ge 3 \end{cases}

    A piecewise-quadratic SiLU without exp: MobileNetV3 replaced swish by it because the
    sigmoid is costly on mobile hardware and in quantised arithmetic. Its minimum is -3/8 at
    x = -3/2 (SiLU's: -0.278). ``act.hard_swish`` is the same object, as Keras' two names.
    The derivative jumps at x = -3 (from 0 to -1/2) and at x = 3 (from 3/2 to 1); there we take
    the outer value, 0 and 1: the product rule with hard_sigmoid'(+-3) = 0, which is what
    TensorFlow's autodiff of Keras' ``x * hard_sigmoid(x)`` gives. PyTorch's ``hardswish``
    backward takes the inner one (-1/2 and 3/2). Both are valid (Clarke) subgradients.
    """
    return _no_neg_inf(x) * _hard_sigmoid(x)  # no -inf * 0: the limit at -inf is 0


def _hard_silu_derivative(x):
    inside = (x > -3) & (x < 3)
    middle = (2 * np.clip(x, -3, 3) + 3) / 6  # clip: no overflow in 2x
    return _keep_nan(np.where(inside, middle, (x >= 3).astype(x.dtype)), x)


def _squared_relu(x):
    r"""Squared ReLU (So et al. 2021, Primer, arXiv:2109.08668).

    .. math:: f(x) = \operatorname{relu}(x)^2 = \max(x, 0)^2, \qquad f'(x) = 2 \max(x, 0)

    Found by Primer's architecture search, in the feed-forward block of a Transformer language
    model. So et al. point out that it is ReGLU with its two projections tied: relu(z) z =
    relu(z)^2 (``act.reglu`` with a = b). Unlike ReLU its derivative is continuous (0 at x = 0,
    no convention needed), but it is unbounded and grows like x^2.
    f(x) overflows to inf for x above sqrt(max float), 1.3e154 in float64: the correctly
    rounded answer.
    """
    r = np.maximum(x, 0)
    with np.errstate(over="ignore"):  # beyond sqrt(max) the square is inf: the right answer
        return np.square(r, out=r)


def _squared_relu_derivative(x):
    with np.errstate(over="ignore"):  # 2x > max is inf: the right answer
        return 2 * np.maximum(x, 0)


# --------------------------------------------------------------------------- softmax

def _softmax(z, axis=-1):
    r"""Softmax along ``axis`` (default: the last).

    .. math:: \operatorname{softmax}(z)_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}

    Computed as e^{z_i - m} / sum_k e^{z_k - m} with m = max_k z_k, which is the same number
    (the e^{-m} cancels) but never overflows: softmax([1000, 0]) = [1, 0]. -inf logits get
    probability 0 (masking); if any logit is +inf the +inf ones share probability 1. A vector
    with a NaN, or with every logit -inf, is undefined: that whole vector is NaN (every output
    depends on every input), the other vectors are unaffected.

    ``softmax.derivative(z)`` is ONLY THE DIAGONAL of the Jacobian, d p_i / d z_i = p_i (1 - p_i):
    not the full derivative, because every p_i also depends on every other z_j. Backpropagation
    needs the full ``softmax.jacobian(z)``, d p_i / d z_j = p_i (delta_ij - p_j), shape
    (..., n, n), for each vector on the last axis. An empty vector (n = 0) has an empty softmax.
    """
    # initial: the max of an empty vector (a zero-length axis) is -inf, not a NumPy error
    m = np.max(z, axis=axis, keepdims=True, initial=-np.inf)
    finite = np.isfinite(m)
    if not finite.all():  # rows with NaN, +inf or only -inf: see the docstring
        inf_share = np.where(np.isposinf(z), 0, -np.inf)
        z = np.where(np.isposinf(m), inf_share, np.where(finite, z, np.nan))
        m = np.where(finite, m, 0)
    with np.errstate(over="ignore"):  # z - m overflows only to -inf, whose exp is the right 0
        e = np.exp(z - m)
    return e / np.sum(e, axis=axis, keepdims=True)


def _softmax_derivative(z, axis=-1):
    p = _softmax(z, axis)
    if p.size == 0:  # nothing to compute, and argmax below raises for an empty vector
        return p
    # 1 - p cancels for the winning logit (p -> 1); there use the sum of the other
    # probabilities instead, which is accurate. Every other p_i <= 1/2 needs no care.
    top = np.argmax(np.where(np.isnan(p), -1, p), axis=axis, keepdims=True)
    others = p.copy()
    np.put_along_axis(others, top, 0, axis=axis)
    q = 1 - p
    np.put_along_axis(q, top, np.sum(others, axis=axis, keepdims=True), axis=axis)
    return p * q


class _Softmax(Activation):
    def derivative(self, x, *args, **params):
        """ONLY THE DIAGONAL of the Jacobian, d p_i / d z_i = p_i (1 - p_i): NOT the full
        derivative, since every p_i depends on every z_j. For backpropagation use ``jacobian``."""
        return super().derivative(x, *args, **params)

    def jacobian(self, z):
        """d softmax(z)_i / d z_j for each vector on the last axis: shape (..., n, n), the
        full derivative (``softmax.derivative`` is only its diagonal)."""
        z, work, kw = self._bind(z, (), {"axis": -1})
        p = _softmax(work, -1)
        jac = -p[..., :, None] * p[..., None, :]
        idx = np.arange(p.shape[-1])
        jac[..., idx, idx] = _softmax_derivative(work, -1)
        return jac.astype(z.dtype, copy=False)


# --------------------------------------------------------------------------- the objects

linear = Activation(_linear, _linear_derivative)
sigmoid = Activation(_sigmoid, _sigmoid_derivative)
tanh = Activation(_tanh, lambda x: _sech2(x))
relu = Activation(_relu, _relu_derivative, kinks=(0,))
leaky_relu = Activation(_leaky_relu, _leaky_relu_derivative, _check_alpha, kinks=(0,))
prelu = _PReLU(_prelu, _prelu_derivative, _check_prelu, kinks=(0,))
rrelu = Activation(_rrelu, _rrelu_derivative, _check_rrelu, kinks=(0,))
elu = Activation(_elu, _elu_derivative, _check_alpha_nonneg, kinks=(0,))  # unless alpha = 1
selu = Activation(_selu, _selu_derivative, kinks=(0,))
softmax = _Softmax(_softmax, _softmax_derivative, _check_softmax)
softplus = Activation(_softplus, expit)
# erfc(-x/sqrt 2) and e^{2u} multiply float32 rounding of their argument by up to x^2 in the left
# tail (2e-5 at x = -9): evaluate in float64 and round once.
gelu = Activation(_gelu, _gelu_derivative, _check_gelu, float32_via_float64=True)
silu = Activation(_silu, _silu_derivative)
mish = Activation(_mish, _mish_derivative)
swish = silu
relu6 = Activation(_relu6, _relu6_derivative, kinks=(0, 6))
hard_sigmoid = Activation(_hard_sigmoid, _hard_sigmoid_derivative, kinks=(-3, 3))
hard_silu = Activation(_hard_silu, _hard_silu_derivative, kinks=(-3, 3))
hard_swish = hard_silu
squared_relu = Activation(_squared_relu, _squared_relu_derivative)

#: The activations of lessons 00-07: every elementwise one there, plus softmax. Kept as it is
#: because notebook 00's card, notebook 07's study and the explorer widgets iterate over it.
NAMES = ("linear", "sigmoid", "tanh", "relu", "leaky_relu", "prelu", "rrelu", "elu", "selu",
         "softmax", "softplus", "gelu", "silu", "mish")
#: Every elementwise activation (f and f' of each number alone): NAMES without softmax, plus the
#: hard and squared variants that mobile and recent models ship.
ELEMENTWISE_NAMES = (*(n for n in NAMES if n != "softmax"),
                     "relu6", "hard_sigmoid", "hard_silu", "squared_relu")
#: The gated linear units (``actlib.gated``): a (.) phi(b) on the two halves of an axis.
GATED_NAMES = ("glu", "reglu", "geglu", "swiglu")
#: Activations of a whole vector along an axis, each output depending on several inputs:
#: softmax (same length; ``.jacobian``), the gated units and maxout (shorter; ``.vjp``).
VECTOR_NAMES = ("softmax", *GATED_NAMES, "maxout")
#: Every name ``get`` knows (without the aliases).
ALL_NAMES = (*NAMES, *(n for n in ELEMENTWISE_NAMES if n not in NAMES), *GATED_NAMES, "maxout")
ALIASES = {"swish": "silu", "hard_swish": "hard_silu"}


def get(name: str):
    """The activation called `name`: any of ``ALL_NAMES`` (case-insensitive), or an alias
    (``"swish"`` for silu, ``"hard_swish"`` for hard_silu).

    ``ELEMENTWISE_NAMES`` give an :class:`~actlib.activation.Activation` (``.derivative`` is
    f'); softmax has ``.jacobian``; ``GATED_NAMES`` and ``"maxout"`` give an
    :class:`~actlib.gated.VectorActivation` (``.vjp``; the gated ones also ``.partials``)."""
    if not isinstance(name, str):
        raise TypeError(f"get: name must be a string, one of {', '.join(ALL_NAMES)}; "
                        f"got {type(name).__name__}")
    key = ALIASES.get(name.lower(), name.lower())
    if key not in ALL_NAMES:
        raise ValueError(f"get: unknown activation {name!r}; choose one of {', '.join(ALL_NAMES)}")
    if key in GATED_NAMES or key == "maxout":
        from . import gated  # it imports this module: a late import, no cycle

        return getattr(gated, key)
    return globals()[key]
