"""An independent reference for every activation: the textbook formulas evaluated by mpmath at
40 significant digits, one point at a time. Nothing here shares code with actlib."""

import mpmath as mp

mp.mp.dps = 40

SQRT2 = mp.sqrt(2)
ALPHA = mp.mpf("1.6732632423543772848170429916717")
SCALE = mp.mpf("1.0507009873554804934193349852946")


def sig(x):
    return 1 / (1 + mp.exp(-x))


def sech2(x):
    return 1 / mp.cosh(x) ** 2


def softplus(x):
    return mp.log1p(mp.exp(x))


def Phi(x):
    z = -x / SQRT2
    return mp.erfc(z) / 2 if z < 1e6 else mp.mpf(0)  # erfc(1e6) < exp(-1e12); mpmath overflows


def phi(x):
    return mp.exp(-x * x / 2) / mp.sqrt(2 * mp.pi)


def gelu_tanh_u(x):
    return mp.sqrt(2 / mp.pi) * (x + mp.mpf("0.044715") * x**3)


def relu6(x):
    return min(max(x, 0), 6)


def hard_sigmoid(x):
    return relu6(x + 3) / 6


def _leaky(a):
    return (lambda x: x if x > 0 else a * x), (lambda x: mp.mpf(1) if x > 0 else a)


# name -> (params, f, f')
REFERENCE = {
    "linear": ({}, lambda x: x, lambda x: mp.mpf(1)),
    "sigmoid": ({}, sig, lambda x: sig(x) * sig(-x)),
    "tanh": ({}, mp.tanh, sech2),
    "relu": ({}, lambda x: max(x, 0), lambda x: mp.mpf(1) if x > 0 else mp.mpf(0)),
    "leaky_relu": ({"alpha": 0.01}, *_leaky(mp.mpf(0.01))),
    "prelu": ({"alpha": 0.25}, *_leaky(mp.mpf(0.25))),
    "rrelu": ({}, *_leaky((mp.mpf(1) / 8 + mp.mpf(1) / 3) / 2)),
    "elu": ({"alpha": 0.7}, lambda x: x if x > 0 else mp.mpf(0.7) * mp.expm1(x),
            lambda x: mp.mpf(1) if x > 0 else mp.mpf(0.7) * mp.exp(x)),
    "selu": ({}, lambda x: SCALE * (x if x > 0 else ALPHA * mp.expm1(x)),
             lambda x: SCALE * (1 if x > 0 else ALPHA * mp.exp(x))),
    "softplus": ({}, softplus, sig),
    "gelu": ({}, lambda x: x * Phi(x), lambda x: Phi(x) + x * phi(x)),
    "gelu_tanh": ({"approximate": True},
                  lambda x: x * sig(2 * gelu_tanh_u(x)),
                  lambda x: sig(2 * gelu_tanh_u(x)) + x * 2 * mp.sqrt(2 / mp.pi)
                  * (1 + 3 * mp.mpf("0.044715") * x**2) * sig(2 * gelu_tanh_u(x))
                  * sig(-2 * gelu_tanh_u(x))),
    "silu": ({}, lambda x: x * sig(x), lambda x: sig(x) * (1 + x * (1 - sig(x)))),
    "mish": ({}, lambda x: x * mp.tanh(softplus(x)),
             lambda x: mp.tanh(softplus(x)) + x * sech2(softplus(x)) * sig(x)),
    # the kinks' derivatives as actlib documents them (the flat, or outer, side)
    "relu6": ({}, relu6, lambda x: mp.mpf(1) if 0 < x < 6 else mp.mpf(0)),
    "hard_sigmoid": ({}, hard_sigmoid, lambda x: 1 / mp.mpf(6) if -3 < x < 3 else mp.mpf(0)),
    "hard_silu": ({}, lambda x: x * hard_sigmoid(x),
                  lambda x: (2 * x + 3) / 6 if -3 < x < 3 else mp.mpf(1 if x >= 3 else 0)),
    "squared_relu": ({}, lambda x: max(x, 0) ** 2, lambda x: 2 * max(x, 0)),
}


# The gated units as functions of the pair (a, b): name -> (params, y, dy/da, dy/db)
GATED = {
    "glu": ({}, lambda a, b: a * sig(b), lambda a, b: sig(b), lambda a, b: a * sig(b) * sig(-b)),
    "reglu": ({}, lambda a, b: a * max(b, 0), lambda a, b: max(b, 0),
              lambda a, b: a if b > 0 else mp.mpf(0)),
    "geglu": ({}, lambda a, b: a * b * Phi(b), lambda a, b: b * Phi(b),
              lambda a, b: a * (Phi(b) + b * phi(b))),
    "swiglu": ({}, lambda a, b: a * b * sig(b), lambda a, b: b * sig(b),
               lambda a, b: a * sig(b) * (1 + b * (1 - sig(b)))),
}


def evaluate_pairs(fn, a, b):
    """fn at each pair of floats (a, b), rounded to the nearest float64."""
    return [float(fn(mp.mpf(float(u)), mp.mpf(float(v)))) for u, v in zip(a, b, strict=True)]


def evaluate(fn, xs):
    """fn at each float in xs, rounded to the nearest float64."""
    return [float(fn(mp.mpf(float(x)))) for x in xs]


def softmax(z):
    e = [mp.exp(mp.mpf(float(v))) for v in z]
    s = mp.fsum(e)
    return [float(v / s) for v in e]


def selu_constants():
    """alpha_01 and lambda_01 from Klambauer et al. (2017), eq. 14, at 40 digits."""
    e, pi = mp.e, mp.pi
    erfc1 = mp.erfc(1 / SQRT2)
    alpha = -mp.sqrt(2 / pi) / (erfc1 * mp.exp(mp.mpf(1) / 2) - 1)
    lam = (1 - erfc1 * mp.sqrt(e)) * mp.sqrt(2 * pi) * (
        2 * mp.erfc(SQRT2) * e**2 + pi * erfc1**2 * e - 2 * (2 + pi) * erfc1 * mp.sqrt(e)
        + pi + 2) ** mp.mpf(-0.5)
    return alpha, lam
