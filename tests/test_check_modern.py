"""The self-checks of 06_modern_activations.ipynb: a right answer passes, a plausible wrong one
fails with a hint, the untouched stub says 'not attempted', other errors are one line. (Solutions
live here, never in the notebook.)"""

import math

import numpy as np
import pytest
from scipy.optimize import brentq
from scipy.special import expit

import actlib as act
from actlib.check import modern
from tests.check_helpers import broken as _broken
from tests.check_helpers import stub as _stub
from tests.check_helpers import verdict as _verdict

# ---------------------------------------------------------------- silu_derivative

def good_silu_derivative(x):
    return expit(x) * (1 + x * expit(-x))


def one_minus_sigmoid_derivative(x):  # 1 - sigma cancels for large x, harmlessly here
    s = act.sigmoid(x)
    return s + x * s * (1 - s)


def quotient_silu_derivative(x):  # right on paper; e^{-x} overflows in the left tail
    e = np.exp(-x)
    return (1 + e + x * e) / (1 + e) ** 2


def test_silu_derivative(capsys):
    check = modern.silu_derivative
    out = _verdict(capsys, check, good_silu_derivative)
    assert out.startswith("✅") and "True" in out and "-1000" in out
    assert _verdict(capsys, check, one_minus_sigmoid_derivative).startswith("✅")
    out = _verdict(capsys, check, quotient_silu_derivative)
    assert out.startswith("❌") and "act.sigmoid" in out
    out = _verdict(capsys, check, act.sigmoid)
    assert out.startswith("❌") and "Product rule" in out
    out = _verdict(capsys, check, lambda x: x * act.sigmoid.derivative(x))
    assert out.startswith("❌") and "product rule adds" in out
    out = _verdict(capsys, check, act.silu)
    assert out.startswith("❌") and "itself" in out
    out = _verdict(capsys, check, lambda x: act.sigmoid(x) * (1 + x * act.sigmoid(x)))
    assert out.startswith("❌") and "values are off" in out
    out = _verdict(capsys, check, lambda x: 1.0)
    assert out.startswith("❌") and "shape" in out
    assert _verdict(capsys, check, _stub).startswith("⏳")
    out = _verdict(capsys, check, _broken)
    assert out.startswith("⚠️") and "KeyError" in out


def test_silu_derivative_tail_failure_is_caught_without_inf():
    # A quotient form that stays finite but loses the tail (e^{-x} squared overflows to inf,
    # so the result is -0 instead of about -7.6e-172 at x = -400).
    def squared_overflow(x):
        e = np.exp(np.minimum(-x, 700))
        return (1 + e + x * e) / (1 + e) ** 2

    assert modern.silu_derivative(squared_overflow) is False


def test_silu_derivative_emits_no_warning():
    with np.errstate(all="raise"):
        assert modern.silu_derivative(quotient_silu_derivative) is False


# ---------------------------------------------------------------- stable_softplus

def good_softplus(x):
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


def where_softplus(x):  # another correct answer: x itself beyond 30
    return np.where(x > 30, x, np.log1p(np.exp(np.minimum(x, 30))))


def math_softplus(x):
    return np.array([math.log(1 + math.exp(v)) for v in np.ravel(x)]).reshape(np.shape(x))


def test_stable_softplus(capsys):
    check = modern.stable_softplus
    out = _verdict(capsys, check, good_softplus)
    assert out.startswith("✅") and "4.25e-18" in out
    assert _verdict(capsys, check, where_softplus).startswith("✅")
    out = _verdict(capsys, check, lambda x: np.log(1 + np.exp(x)))
    assert out.startswith("❌") and "overflows for x > 709" in out
    out = _verdict(capsys, check, lambda x: np.log1p(np.exp(x)))
    assert out.startswith("❌") and "overflows" in out
    out = _verdict(capsys, check, lambda x: np.maximum(x, 0) + np.log(1 + np.exp(-np.abs(x))))
    assert out.startswith("❌") and "np.log1p" in out and "gave 0" in out
    out = _verdict(capsys, check, math_softplus)
    assert out.startswith("❌") and "math.exp overflowed" in out
    out = _verdict(capsys, check, act.relu)
    assert out.startswith("❌") and "log(1 + e^x)" in out
    out = _verdict(capsys, check, lambda x: np.where(x > 30, x, np.log(1 + np.exp(x))))
    assert out.startswith("❌") and "np.log1p" in out
    assert _verdict(capsys, check, _stub).startswith("⏳")
    out = _verdict(capsys, check, _broken)
    assert out.startswith("⚠️") and "KeyError" in out


def test_stable_softplus_emits_no_warning():
    with np.errstate(all="raise"):
        assert modern.stable_softplus(lambda x: np.log(1 + np.exp(x))) is False


# ---------------------------------------------------------------- gelu_tanh

def good_gelu_tanh(x):
    return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3)))


def test_gelu_tanh(capsys):
    check = modern.gelu_tanh
    out = _verdict(capsys, check, good_gelu_tanh)
    assert out.startswith("✅") and "4.73e-04" in out and "2.70" in out
    out = _verdict(capsys, check, act.gelu)
    assert out.startswith("❌") and "exact GELU" in out
    out = _verdict(capsys, check, lambda x: 0.5 * (1 + np.tanh(np.sqrt(2 / np.pi)
                                                              * (x + 0.044715 * x**3))))
    assert out.startswith("❌") and "multiply it by x" in out
    out = _verdict(capsys, check, lambda x: 0.5 * x * (1 + np.tanh(x + 0.044715 * x**3)))
    assert out.startswith("❌") and "sqrt(2 / pi)" in out
    out = _verdict(capsys, check, lambda x: 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi)
                                                                  * (x + 0.044715 * x**2))))
    assert out.startswith("❌") and "cubed" in out
    out = _verdict(capsys, check, lambda x: 2 * good_gelu_tanh(x))
    assert out.startswith("❌") and "1/2" in out
    out = _verdict(capsys, check, act.silu)
    assert out.startswith("❌") and "values are off" in out
    out = _verdict(capsys, check, lambda x: 0.0)
    assert out.startswith("❌") and "shape" in out
    assert _verdict(capsys, check, _stub).startswith("⏳")
    out = _verdict(capsys, check, _broken)
    assert out.startswith("⚠️") and "KeyError" in out


# ---------------------------------------------------------------- mish_minimum

def good_mish_minimum():
    x = brentq(act.mish.derivative, -3, -0.5)
    return x, float(act.mish(x))


def grid_mish_minimum():
    x = np.linspace(-3, 0, 301)
    i = np.argmin(act.mish(x))
    return x[i], act.mish(x[i])


def test_mish_minimum(capsys):
    check = modern.mish_minimum
    out = _verdict(capsys, check, good_mish_minimum)
    assert out.startswith("✅") and "-1.1924" in out and "-0.3088" in out and "-1.2785" in out
    out = _verdict(capsys, check, lambda: np.array(good_mish_minimum()))
    assert out.startswith("✅")
    out = _verdict(capsys, check, grid_mish_minimum)
    assert out.startswith("❌") and "close" in out and "brentq" in out
    out = _verdict(capsys, check, lambda: good_mish_minimum()[::-1])
    assert out.startswith("❌") and "swapped" in out
    silu_x = brentq(act.silu.derivative, -3, -0.5)
    out = _verdict(capsys, check, lambda: (silu_x, act.silu(silu_x)))
    assert out.startswith("❌") and "SiLU" in out
    out = _verdict(capsys, check, lambda: (good_mish_minimum()[0], -0.3))
    assert out.startswith("❌") and "act.mish(x_min)" in out
    out = _verdict(capsys, check, lambda: (0.0, 0.0))
    assert out.startswith("❌") and "not where" in out
    out = _verdict(capsys, check, lambda: -1.19)
    assert out.startswith("❌") and "pair" in out
    out = _verdict(capsys, check, lambda: ("a", "b"))
    assert out.startswith("❌") and "two numbers" in out
    assert _verdict(capsys, check, _stub).startswith("⏳")
    out = _verdict(capsys, check, _broken)
    assert out.startswith("⚠️") and "KeyError" in out


# ---------------------------------------------------------------- swish_derivative

def good_swish_derivative(x, beta):
    return act.sigmoid(beta * x) * (1 + beta * x * act.sigmoid(-beta * x))


def test_swish_derivative(capsys):
    check = modern.swish_derivative
    out = _verdict(capsys, check, good_swish_derivative)
    assert out.startswith("✅") and "for every beta" in out
    out = _verdict(capsys, check, lambda x, beta: act.silu.derivative(x))
    assert out.startswith("❌") and "beta is ignored" in out
    out = _verdict(capsys, check, lambda x, beta: act.sigmoid(beta * x)
                   * (1 + x * act.sigmoid(-beta * x)))  # forgot the chain rule's beta
    assert out.startswith("❌") and "chain rule" in out
    out = _verdict(capsys, check, lambda x, beta: act.sigmoid(beta * x))
    assert out.startswith("❌") and "product" in out
    out = _verdict(capsys, check, lambda x, beta: 1 / (1 + np.exp(-beta * x))
                   + beta * x * np.exp(-beta * x) / (1 + np.exp(-beta * x)) ** 2)
    assert out.startswith("❌") and "overflowed" in out
    out = _verdict(capsys, check, lambda x, beta: good_swish_derivative(x, beta)[:3])
    assert out.startswith("❌") and "shape" in out
    out = _verdict(capsys, check, lambda x, beta: good_swish_derivative(x, beta) + 0.01)
    assert out.startswith("❌") and "values are off" in out
    assert _verdict(capsys, check, _stub).startswith("⏳")
    assert _verdict(capsys, check, _broken).startswith("⚠️")


def test_swish_derivative_emits_no_warning():
    with np.errstate(all="raise"):
        assert modern.swish_derivative(lambda x, beta: beta * x * np.exp(-beta * x)) is False


# ---------------------------------------------------------------- small_signal_factor (interpret)

def good_small_signal_factor(name):
    return 1 / np.sqrt(2) if name == "relu" else float(act.get(name).derivative(0.0))


def test_small_signal_factor(capsys):
    check = modern.small_signal_factor
    out = _verdict(capsys, check, good_small_signal_factor)
    assert out.startswith("✅") and "measured" in out
    out = _verdict(capsys, check, lambda name: float(act.get(name).derivative(0.0)))
    assert out.startswith("❌") and "for relu:" in out and "homogeneous" in out
    assert "sqrt" not in out and "0.707" not in out  # a nudge, not the answer
    out = _verdict(capsys, check, lambda name: 0.5)
    assert out.startswith("❌") and "mish" in out and "straight lines" in out
    out = _verdict(capsys, check, lambda name: "half")
    assert out.startswith("❌") and "one number" in out
    assert _verdict(capsys, check, _stub).startswith("⏳")
    assert _verdict(capsys, check, _broken).startswith("⚠️")


def test_small_signal_factor_measurement_matches_the_theory():
    """The interpretation the exercise asks for is right: f'(0) for the smooth units, 1/sqrt(2)
    for ReLU, measured on the check's networks to well within its tolerance."""
    for name in ("gelu", "silu", "mish", "relu"):
        assert abs(modern._measured_factor(name) - good_small_signal_factor(name)) < 0.025, name


@pytest.mark.parametrize("name", modern.__all__)
def test_every_check_is_exported(name):
    assert callable(getattr(act.check, name))
