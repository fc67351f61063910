"""Self-checks for 06_modern_activations.ipynb."""

from __future__ import annotations

import numpy as np
from scipy.optimize import brentq

from ..deepnet import propagation
from ..functions import gelu, mish, sigmoid, silu, softplus
from ._core import answer, compare, numerical_derivative, rel_error, report

__all__ = ["gelu_tanh", "mish_minimum", "silu_derivative", "small_signal_factor",
           "stable_softplus", "swish_derivative"]




def _close(got, want, rtol=1e-6, atol=1e-12) -> bool:
    return got.shape == np.shape(want) and bool(np.allclose(got, want, rtol=rtol, atol=atol))


# ---------------------------------------------------------------- SiLU derivative

_MIDDLE = np.linspace(-8.0, 8.0, 41)
# Far tails: e^{-x} overflows for x < -709, and its square already for x < -355.
_SILU_TAILS = np.array([-1000.0, -700.0, -400.0, -100.0, -40.0, 40.0, 100.0, 1000.0])


def silu_derivative(student_fn) -> bool | None:
    """Exercise: ``student_fn(x)`` returns silu'(x) = sigma(x) (1 + x sigma(-x)) elementwise,
    accurate (to a relative 1e-6) in both tails, up to |x| = 1000."""

    def judge():
        x = _MIDDLE
        got = answer(student_fn, x)
        want = silu.derivative(x)
        if got.shape != want.shape:
            return False, f"expected shape {want.shape}, got {got.shape}: work elementwise."
        if not _close(got, want):
            s = 1 / (1 + np.exp(-x))
            if _close(got, s):
                return False, ("you returned sigma(x), the slope of x * sigma(x) only if sigma "
                               "were constant. Product rule: sigma(x) + x sigma'(x), with "
                               "sigma' = sigma (1 - sigma).")
            if _close(got, x * s * (1 - s)):
                return False, ("that is only x sigma'(x); the product rule adds the other term, "
                               "sigma(x) (the slope of x, 1, times sigma(x)).")
            if _close(got, silu(x)):
                return False, "you returned silu(x) itself; the exercise asks for its slope."
            ok, msg = compare(got, want, at=x,
                              hint="silu'(x) = sigma(x) + x sigma(x) (1 - sigma(x)); compare with "
                                   "act.check.numerical_derivative(act.silu, x).")
            return False, msg
        err = rel_error(got, numerical_derivative(silu, x))
        if not err < 1e-7:  # cannot happen if it matches act.silu.derivative; a safety net
            return False, f"relative error {err:.1g} against the numerical derivative."
        tails = _SILU_TAILS
        got = answer(student_fn, tails)
        want = silu.derivative(tails)
        if not np.all(np.isfinite(got)):
            bad = tails[~np.isfinite(got)]
            return False, (f"your slope is {got[~np.isfinite(got)][0]} at x = {bad[0]:g}: an "
                           "exponential overflowed (e^{-x} passes the float64 limit 1.8e308 for "
                           "x < -709). Write the derivative with act.sigmoid (or scipy.special."
                           "expit), which never overflows: sigma(x) (1 + x sigma(-x)).")
        ok, msg = compare(got, want, rtol=1e-6, atol=0, at=tails,
                          hint="Right for ordinary x, but not in the tails: a quotient like "
                               "(...) / (1 + e^{-x})^2 overflows to inf there. Use act.sigmoid: "
                               "sigma(x) (1 + x sigma(-x)).")
        if not ok:
            return False, msg
        return True, ("matches act.silu.derivative and the numerical derivative of act.silu "
                      f"(relative error below 1e-7: {err < 1e-7}), out to x = -1000 and +1000.")

    return report("silu_derivative", judge)


# ---------------------------------------------------------------- stable softplus

_SOFTPLUS_BIG = np.array([30.0, 100.0, 709.0, 710.0, 1000.0])
_SOFTPLUS_TAIL = np.array([-40.0, -100.0, -700.0])


def stable_softplus(student_fn) -> bool | None:
    """Exercise: ``student_fn(x)`` returns softplus(x) = log(1 + e^x) elementwise, finite for
    x = 1000 and accurate to a relative 1e-6 for x = -40 (where it is about 4.25e-18)."""

    def judge():
        x = _MIDDLE
        try:
            got = answer(student_fn, x)
            ok, msg = compare(got, softplus(x), at=x, hint="softplus(x) = log(1 + e^x).")
            if not ok:
                return False, msg
            got = answer(student_fn, _SOFTPLUS_BIG)
            if not np.all(np.isfinite(got)):
                bad = _SOFTPLUS_BIG[~np.isfinite(got)][0]
                return False, (f"softplus({bad:g}) gave {got[~np.isfinite(got)][0]}: e^x overflows "
                               "for x > 709. Section 1 split softplus into ReLU plus a gap: is "
                               "there an exponential in the gap that can overflow?")
            ok, msg = compare(got, softplus(_SOFTPLUS_BIG), at=_SOFTPLUS_BIG,
                              hint="For large x, softplus(x) is x (plus e^{-x}).")
            if not ok:
                return False, msg
            got = answer(student_fn, _SOFTPLUS_TAIL)
        except OverflowError:
            return False, ("math.exp overflowed (it raises beyond e^709): use NumPy, and a "
                           "form whose exponent is never positive (section 1's gap).")
        want = softplus(_SOFTPLUS_TAIL)
        if got.shape == want.shape and np.any(got == 0):
            bad = _SOFTPLUS_TAIL[got == 0][0]
            return False, (f"softplus({bad:g}) gave 0, but it is {float(softplus(bad)):.3g}: "
                           "1 + e^x rounds to exactly 1 once e^x < 1.1e-16, and log(1) = 0. "
                           "np.log1p(t) computes log(1 + t) without forming 1 + t.")
        ok, msg = compare(got, want, rtol=1e-6, atol=0, at=_SOFTPLUS_TAIL,
                          hint="For very negative x, softplus(x) is e^x: use np.log1p.")
        if not ok:
            return False, msg
        return True, (f"finite at x = 1000 (softplus = {float(softplus(1000.0)):g}) and accurate "
                      f"at x = -40 ({float(softplus(-40.0)):.3g}, where log(1 + e^x) gives 0).")

    return report("stable_softplus", judge)


# ---------------------------------------------------------------- tanh-approximate GELU

_GELU_X = np.linspace(-6.0, 6.0, 49)


def gelu_tanh(student_fn) -> bool | None:
    """Exercise: ``student_fn(x)`` returns the tanh approximation of GELU,
    x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), elementwise."""

    def judge():
        x = _GELU_X
        got = answer(student_fn, x)
        want = gelu(x, approximate=True)
        if got.shape != want.shape:
            return False, f"expected shape {want.shape}, got {got.shape}: work elementwise."
        if _close(got, want):
            grid = np.linspace(-10.0, 10.0, 200_001)
            with np.errstate(all="ignore"):
                err = np.abs(answer(student_fn, grid) - gelu(grid))
            i = int(np.argmax(err))
            return True, (f"matches act.gelu(x, approximate=True). Its largest distance from the "
                          f"exact GELU on [-10, 10] is {err[i]:.2e}, at x = {grid[i]:+.2f}.")
        if _close(got, gelu(x), atol=1e-9):
            return False, ("that is the exact GELU, x Phi(x) (with erf); this exercise asks for "
                           "the tanh formula that BERT and GPT-2 use.")
        u = np.sqrt(2 / np.pi) * (x + 0.044715 * x**3)
        cdf = 0.5 * (1 + np.tanh(u))
        if _close(got, cdf):
            return False, "you returned the gate 0.5 (1 + tanh(...)) only; multiply it by x."
        if _close(got, 0.5 * x * (1 + np.tanh(x + 0.044715 * x**3))):
            return False, "the tanh's argument needs the factor sqrt(2 / pi) = 0.7979 in front."
        if _close(got, 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**2)))):
            return False, "the correction term is 0.044715 x^3 (cubed), not x^2."
        if _close(got, x * (1 + np.tanh(u))):
            return False, "the factor 1/2 is missing: x/2 (1 + tanh(...))."
        ok, msg = compare(got, want, at=x, atol=1e-12,
                          hint="x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).")
        return False, msg

    return report("gelu_tanh", judge)


# ---------------------------------------------------------------- Mish's minimum

def _mish_min() -> tuple[float, float]:
    x = brentq(mish.derivative, -3.0, -0.5, xtol=1e-14)
    return x, float(mish(x))


def mish_minimum(student_fn) -> bool | None:
    """Exercise: ``student_fn()`` returns (x_min, f_min): where Mish is smallest and its value
    there, x_min to within 1e-6 and f_min to within 1e-9."""

    def judge():
        answer = student_fn()
        if not (isinstance(answer, (tuple, list, np.ndarray)) and len(answer) == 2):
            return False, "return a pair (x_min, f_min)."
        try:
            x_min, f_min = (float(np.asarray(v).reshape(())) for v in answer)
        except (TypeError, ValueError):
            return False, "return two numbers, (x_min, f_min)."
        x_true, f_true = _mish_min()
        if abs(x_min - f_true) < 1e-3 and abs(f_min - x_true) < 1e-3:
            return False, "the pair is swapped: return (x_min, f_min), the location first."
        if abs(x_min + 1.2785) < 1e-3:
            return False, ("x = -1.2785 is SiLU's minimum; Mish's lies elsewhere. Solve "
                           "act.mish.derivative(x) = 0 instead.")
        if abs(x_min - x_true) > 1e-6:
            close = abs(x_min - x_true) < 0.05
            return False, ((f"x_min = {x_min:.6f} is close, but not within 1e-6; " if close else
                            f"x_min = {x_min:.4g} is not where Mish is smallest; ") +
                           "the minimum is where the slope changes sign, and a root finder "
                           "such as scipy.optimize.brentq (section 3) finds that point to "
                           "1e-12 (a grid search is only as fine as its grid).")
        if abs(f_min - f_true) > 1e-9:
            return False, (f"x_min is right, but f_min = {f_min:.6g}: it should be the value of "
                           "Mish there, act.mish(x_min).")
        return True, (f"Mish is smallest at x = {x_true:.4f}, where it is {f_true:.4f} (SiLU: "
                      f"{brentq(silu.derivative, -3, -0.5):.4f}, "
                      f"{float(silu(brentq(silu.derivative, -3, -0.5))):.4f}).")

    return report("mish_minimum", judge)


# ---------------------------------------------------------------- Swish's derivative for any beta

_SWISH_BETAS = (1.0, 0.5, 3.0)


def _swish_slope(x, beta):
    """d/dx x sigma(beta x) = sigma(beta x) (1 + beta x sigma(-beta x))."""
    return sigmoid(beta * x) * (1 + beta * x * sigmoid(-beta * x))


def swish_derivative(student_fn) -> bool | None:
    """Exercise: ``student_fn(x, beta)`` returns the slope of swish, d/dx x sigma(beta x),
    elementwise, accurate (to a relative 1e-6) out to |x| = 1000."""

    def judge():
        x = _MIDDLE
        worst = 0.0
        for beta in _SWISH_BETAS:
            got = answer(student_fn, x, beta)
            want = _swish_slope(x, beta)
            if got.shape != want.shape:
                return False, f"expected shape {want.shape}, got {got.shape}: work elementwise."
            if _close(got, want):
                worst = max(worst, rel_error(got, numerical_derivative(
                    lambda v, beta=beta: v * sigmoid(beta * v), x)))
                continue
            s = sigmoid(beta * x)
            if beta != 1 and _close(got, silu.derivative(x)):
                return False, f"for beta = {beta:g} you returned SiLU's slope: beta is ignored."
            if beta != 1 and _close(got, s + x * s * (1 - s)):
                return False, (f"right for beta = 1 but not for beta = {beta:g}: the inner "
                               "function is beta x. What does the chain rule add when you "
                               "differentiate sigma(beta x)?")
            if _close(got, s):
                return False, ("you returned sigma(beta x), the slope only if the gate were "
                               "constant: x sigma(beta x) is a product.")
            ok, msg = compare(got, want, at=x,
                              hint="Product rule on x times sigma(beta x), then the chain rule; "
                                   "compare with act.check.numerical_derivative.")
            return False, f"beta = {beta:g}: {msg}"
        for beta in (1.0, 3.0):
            got = answer(student_fn, _SILU_TAILS, beta)
            want = _swish_slope(_SILU_TAILS, beta)
            if not np.all(np.isfinite(got)):
                bad = _SILU_TAILS[~np.isfinite(got)][0]
                return False, (f"beta = {beta:g}: your slope is {got[~np.isfinite(got)][0]} at "
                               f"x = {bad:g}: an exponential overflowed. Which of actlib's "
                               "functions never overflows?")
            ok, msg = compare(got, want, rtol=1e-6, atol=0, at=_SILU_TAILS,
                              hint="Right for ordinary x but not in the tails: avoid quotients "
                                   "of exponentials.")
            if not ok:
                return False, f"beta = {beta:g}: {msg}"
        return True, (f"matches the numerical derivative for beta = 1, 0.5 and 3 (relative error "
                      f"{'below 1e-7' if worst < 1e-7 else f'{worst:.0e}'}), out to |x| = 1000. "
                      "Its largest slope is "
                      f"{_swish_slope(np.linspace(-10, 10, 20001), 3.0).max():.3f} for every "
                      "beta: what does beta stretch, and what does it leave alone?")

    return report("swish_derivative", judge)


# ---------------------------------------------------------------- interpret: a small signal

#: The networks the interpret exercise measures: 30 random layers of 64 units, LeCun weights;
#: the factor is the geometric mean per layer of the forward std over layers 10 to 30, where the
#: signal is already small.
_SIGNAL_NET = {"depth": 30, "width": 64, "seeds": (0, 1, 2), "from_layer": 10}
_SIGNAL_NAMES = ("gelu", "silu", "mish", "relu")


def _measured_factor(name: str) -> float:
    depth, width, seeds, start = (_SIGNAL_NET[k] for k in ("depth", "width", "seeds",
                                                           "from_layer"))
    factors = []
    for seed in seeds:
        std = propagation(name, depth, width, seed=seed).forward_std[start - 1:]
        factors.append(np.exp(np.mean(np.diff(np.log(std)))))
    return float(np.mean(factors))


def small_signal_factor(student_fn) -> bool | None:
    """Exercise (interpret): ``student_fn(name)`` predicts, from the activation alone, the factor
    by which the forward signal (std of h_l) shrinks per layer once it is small, in a deep random
    network with LeCun weights (variance 1/fan_in). Checked against ``deepnet.propagation`` for
    GELU, SiLU, Mish and ReLU (30 layers of 64 units, layers 10 to 30, seeds 0 to 2), to within
    0.05."""

    def judge():
        rows, wrong = [], []
        for name in _SIGNAL_NAMES:
            got = student_fn(name)
            try:
                got = float(np.asarray(got, dtype=float).reshape(()))
            except (TypeError, ValueError):
                return False, f"return one number per activation, got {got!r} for {name!r}."
            measured = _measured_factor(name)
            rows.append(f"{name} {got:.3g} (measured {measured:.3f})")
            if not abs(got - measured) < 0.05:
                wrong.append(name)
        if not wrong:
            return True, ("predicted: " + "; ".join(rows) + ". A small signal sees only the "
                          "activation near 0.")
        hint = ("ReLU has no slope at 0, and it is not close to a line there. But it is "
                "positively homogeneous, relu(c z) = c relu(z): what share of a symmetric "
                "signal's second moment does it keep?" if wrong == ["relu"] else
                "Near 0 these curves are almost straight lines through the origin. With LeCun "
                "weights, a line f(z) = a z changes the std by which factor per layer?")
        return False, "off by more than 0.05 for " + ", ".join(wrong) + ": " + "; ".join(
            rows) + ". " + hint

    return report("small_signal_factor", judge)
