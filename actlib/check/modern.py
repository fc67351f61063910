"""Self-checks for 06_modern_activations.ipynb."""

from __future__ import annotations

import numpy as np
from scipy.optimize import brentq

from ..functions import gelu, mish, silu, softplus
from ._core import answer, compare, numerical_derivative, rel_error, report

__all__ = ["gelu_tanh", "mish_minimum", "silu_derivative", "stable_softplus"]




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
                               "for x > 709. Split off the linear part: log(1 + e^x) = max(x, 0) "
                               "+ log(1 + e^{-|x|}), where the exponent is never positive.")
            ok, msg = compare(got, softplus(_SOFTPLUS_BIG), at=_SOFTPLUS_BIG,
                              hint="For large x, softplus(x) is x (plus e^{-x}).")
            if not ok:
                return False, msg
            got = answer(student_fn, _SOFTPLUS_TAIL)
        except OverflowError:
            return False, ("math.exp overflowed (it raises beyond e^709). Use max(x, 0) + "
                           "log(1 + e^{-|x|}), with NumPy.")
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
                           "the minimum is where the slope changes sign: scipy.optimize.brentq"
                           "(act.mish.derivative, -3, -0.5) finds it to 1e-12 (a grid search "
                           "is only as fine as its grid).")
        if abs(f_min - f_true) > 1e-9:
            return False, (f"x_min is right, but f_min = {f_min:.6g}: it should be the value of "
                           "Mish there, act.mish(x_min).")
        return True, (f"Mish is smallest at x = {x_true:.4f}, where it is {f_true:.4f} (SiLU: "
                      f"{brentq(silu.derivative, -3, -0.5):.4f}, "
                      f"{float(silu(brentq(silu.derivative, -3, -0.5))):.4f}).")

    return report("mish_minimum", judge)
