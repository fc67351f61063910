"""Self-checks for 04_relu_variants.ipynb."""

from __future__ import annotations

import numpy as np
from scipy import integrate
from scipy.stats import norm

from ..functions import SELU_SCALE, elu, prelu, selu
from ._core import answer, compare, numerical_derivative, numerical_gradient, rel_error, report

__all__ = ["dropout_moments", "elu_derivative", "prelu_alpha_gradient", "selu_moments",
           "xu_slopes"]


def _close(got, want, rtol=1e-6, atol=1e-9) -> bool:
    return got.shape == np.shape(want) and bool(np.allclose(got, want, rtol=rtol, atol=atol))


# ---------------------------------------------------------------- ELU derivative

# 40 points on [-6, 4]; none is exactly 0, where any value between alpha and 1 is a subgradient.
_ELU_X = np.linspace(-6.0, 4.0, 40)
_ELU_ALPHAS = (1.0, 0.5, 2.0)


def elu_derivative(student_fn) -> bool | None:
    """Exercise: ``student_fn(x, alpha)`` is ELU's derivative, elementwise on an array x:
    1 for x > 0, alpha e^x = f(x) + alpha for x <= 0."""

    def judge():
        for alpha in _ELU_ALPHAS:
            x = _ELU_X.copy()
            got = answer(student_fn, x, alpha)
            want = elu.derivative(_ELU_X, alpha=alpha)
            if got.shape != want.shape:
                return False, (f"expected one slope per element, shape {want.shape}; got shape "
                               f"{got.shape}. Use np.where(x > 0, ..., ...), not an if.")
            if _close(got, want):
                continue
            neg, pos = _ELU_X <= 0, _ELU_X > 0
            if alpha != 1 and _close(got, elu.derivative(_ELU_X, alpha=1.0)):
                return False, (f"with alpha = {alpha:g} your slopes are those of alpha = 1: the "
                               "negative branch is alpha (e^x - 1), so its slope is alpha e^x.")
            if _close(got[neg], want[neg]) and _close(got[pos], _ELU_X[pos] + alpha):
                return False, ("for x <= 0 you are right (f(x) + alpha), but for x > 0 "
                               "f(x) = x, whose slope is 1, not f(x) + alpha.")
            if _close(got[neg], elu(_ELU_X[neg], alpha=alpha)):
                return False, ("for x <= 0 you returned f(x) = alpha (e^x - 1) itself; its "
                               "derivative is alpha e^x.")
            if _close(got[neg], np.zeros(int(neg.sum()))):
                return False, ("your slope is 0 for x <= 0, like ReLU's; ELU's negative branch "
                               "alpha (e^x - 1) keeps a slope alpha e^x > 0.")
            ok, msg = compare(got, want, at=_ELU_X,
                              hint="Differentiate each branch of f on its own, then pick "
                                   "elementwise.")
            return False, f"alpha = {alpha:g}: {msg}"
        # The reference is right too: it agrees with the numerical derivative of act.elu.
        worst = max(rel_error(elu.derivative(_ELU_X, alpha=a),
                              numerical_derivative(lambda t, a=a: elu(t, alpha=a), _ELU_X))
                    for a in _ELU_ALPHAS)
        return True, (f"matches act.elu.derivative and the numerical derivative of act.elu "
                      f"(relative error below 1e-6: {worst < 1e-6}) for alpha = 0.5, 1 and 2.")

    return report("elu_derivative", judge)


# ---------------------------------------------------------------- PReLU gradient w.r.t. alpha

def _prelu_case():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(4, 5, 5, 3))  # a batch of 4 images, 5 x 5 pixels, 3 channels
    alpha = np.array([0.25, 0.1, -0.05])
    upstream = rng.normal(size=x.shape)  # dE/df for every element
    return x, alpha, upstream


def prelu_alpha_gradient(student_fn) -> bool | None:
    """Exercise: ``student_fn(x, alpha, upstream)`` returns dE/dalpha, one number per channel
    (x's last axis), where upstream = dE/df for every element of f = prelu(x, alpha)."""

    def judge():
        x, alpha, upstream = _prelu_case()
        got = answer(student_fn, x.copy(), alpha.copy(), upstream.copy())
        terms = upstream * prelu.derivative_alpha(x, alpha)
        want = terms.sum(axis=(0, 1, 2))
        if got.shape != want.shape:
            return False, (f"expected one number per channel, shape {want.shape}; got shape "
                           f"{got.shape}. Sum over every axis except the last (the channels).")
        if _close(got, want):
            energy = lambda a: np.sum(upstream * prelu(x, alpha=a))  # noqa: E731
            err = rel_error(want, numerical_gradient(energy, alpha))
            return True, ("matches the sum of upstream * act.prelu.derivative_alpha per channel "
                          f"and the numerical gradient (relative error below 1e-7: "
                          f"{err < 1e-7}).")
        if _close(got, terms.mean(axis=(0, 1, 2))):
            return False, ("you averaged; the gradient is the sum over every element that "
                           "shares the slope (each one adds its own term).")
        if _close(got, prelu.derivative_alpha(x, alpha).sum(axis=(0, 1, 2))):
            return False, ("you left out upstream: by the chain rule each element contributes "
                           "dE/df * df/dalpha.")
        if _close(got, (upstream * np.where(x > 0, x, 0)).sum(axis=(0, 1, 2))):
            return False, ("you used the positive inputs; alpha only multiplies the x <= 0 "
                           "branch, so df/dalpha = x there and 0 for x > 0.")
        ok, msg = compare(got, want, hint="Each element adds dE/df * df/dalpha to its "
                          "channel's gradient.")
        return False, msg

    return report("prelu_alpha_gradient", judge)


# ---------------------------------------------------------------- RReLU: Xu et al.'s slopes

_XU_CASES = ((3.0, 8.0), (2.0, 4.0), (1.5, 10.0))


def xu_slopes(student_fn) -> bool | None:
    """Exercise: ``student_fn(l, u)`` returns (mean training slope, test slope) for Xu et al.'s
    convention: slope 1/a with a ~ U(l, u) in training, 1/((l + u) / 2) at test time."""

    def judge():
        for low, up in _XU_CASES:
            answer = student_fn(low, up)
            if not (isinstance(answer, (tuple, list)) and len(answer) == 2):
                return False, "return a pair (mean training slope, test slope)."
            mean_slope, test_slope = (float(v) for v in answer)
            want_mean = np.log(up / low) / (up - low)  # E[1/a] = int 1/a da / (u - l)
            want_test = 2 / (low + up)
            case = f"for (l, u) = ({low:g}, {up:g})"
            if np.isclose(test_slope, (low + up) / 2):
                return False, (f"{case} your test slope is the mean of a, (l + u)/2; the slope "
                               "is its reciprocal.")
            if not np.isclose(test_slope, want_test, rtol=1e-6):
                return False, (f"{case} your test slope is {test_slope:.4g}, expected "
                               f"{want_test:.4g}: x is divided by the mean of a.")
            if np.isclose(mean_slope, want_test, rtol=1e-4):
                return False, (f"{case} your mean training slope is 1/E[a], the test slope. The "
                               "average of 1/a is not 1 over the average of a: average the "
                               "slopes themselves (sample many a, or integrate 1/a).")
            if np.isclose(mean_slope, (1 / low + 1 / up) / 2, rtol=1e-4):
                return False, (f"{case} you averaged the two extreme slopes; 1/a is not "
                               "uniform (it is denser near 1/u): average 1/a over a ~ U(l, u).")
            if not np.isclose(mean_slope, want_mean, rtol=2e-3):
                return False, (f"{case} your mean training slope is {mean_slope:.4g}, expected "
                               f"{want_mean:.4g}. Average the slope 1/a itself over a ~ U(l, u): "
                               "many draws, or an integral.")
        return True, ("for U(3, 8): mean training slope 0.196, test slope 1/5.5 = 0.182; test "
                      "time uses a smaller slope than training does on average (Jensen).")

    return report("xu_slopes", judge)


# ---------------------------------------------------------------- SELU moments

_SELU_CASES = ((0.0, 1.0), (0.5, 1.5), (-0.3, 0.7), (0.0, 2.0))


def _selu_moments(mean, std):
    pdf = lambda z: norm.pdf(z, mean, std)  # noqa: E731
    lo, hi = mean - 12 * std, mean + 12 * std
    m = integrate.quad(lambda z: selu(z) * pdf(z), lo, hi, points=[0.0], limit=200)[0]
    v = integrate.quad(lambda z: (selu(z) - m) ** 2 * pdf(z), lo, hi, points=[0.0],
                       limit=200)[0]
    return m, v


def selu_moments(student_fn) -> bool | None:
    """Exercise: ``student_fn(mean, std)`` returns (E[selu(z)], Var[selu(z)]) for
    z ~ N(mean, std^2), by Monte Carlo or numerical integration (tolerance 0.01 + 1%)."""

    def judge():
        for mu, sd in _SELU_CASES:
            answer = student_fn(mu, sd)
            if not (isinstance(answer, (tuple, list)) and len(answer) == 2):
                return False, "return a pair (mean, variance)."
            got = np.array([float(v) for v in answer])
            want = np.array(_selu_moments(mu, sd))
            if np.allclose(got, want, rtol=0.01, atol=0.01):
                continue
            case = f"for z ~ N({mu:g}, {sd:g}^2)"
            if np.allclose(got, [want[0], np.sqrt(want[1])], rtol=0.01, atol=0.01):
                return False, f"{case} you returned the standard deviation; return the variance."
            if np.allclose(got, want / [SELU_SCALE, SELU_SCALE**2], rtol=0.01, atol=0.01):
                return False, (f"{case} your numbers are those of ELU with alpha = 1.6733 "
                               "without the scale lambda = 1.0507: use act.selu.")
            return False, (f"{case} expected mean {want[0]:.3f}, variance {want[1]:.3f}; got "
                           f"{got[0]:.3f}, {got[1]:.3f}. Are your z drawn with this mean and "
                           "standard deviation, and enough of them (10^6)?")
        return True, ("N(0, 1) in gives mean 0 and variance 1 out: SELU's fixed point. "
                      "Variance 4 comes out as 2.94 and 0.25 as 0.33: both move towards 1.")

    return report("selu_moments", judge)


# ---------------------------------------------------------------- plain dropout's moments

_DROPOUT_CASES = ((0.0, 1.0, 0.1), (0.0, 1.0, 0.5), (0.5, 2.0, 0.2), (-1.0, 0.5, 0.3))


def _dropout_moments(mean, var, p):
    r"""Mean and variance of inverted dropout's output y = m h / (1 - p), m ~ Bernoulli(1 - p)
    independent of h: E[y] = E[h], E[y^2] = E[h^2] / (1 - p), so
    Var[y] = (var + mean^2) / (1 - p) - mean^2."""
    return mean, (var + mean**2) / (1 - p) - mean**2


def dropout_moments(student_fn) -> bool | None:
    r"""Exercise (interpret): ``student_fn(mean, var, p)`` returns (mean, variance) of inverted
    dropout's output in training, y = m h / (1 - p) with m = 1 with probability 1 - p, else 0,
    for an input h of that mean and variance:

    .. math:: E[y] = E[h], \qquad \operatorname{Var}[y] = \frac{\operatorname{Var}[h] + E[h]^2}
              {1 - p} - E[h]^2 .
    """

    def judge():
        for mean, var, p in _DROPOUT_CASES:
            got = student_fn(mean, var, p)
            if not (isinstance(got, (tuple, list)) and len(got) == 2):
                return False, "return a pair (mean, variance)."
            got_mean, got_var = (float(v) for v in got)
            want_mean, want_var = _dropout_moments(mean, var, p)
            case = f"for mean {mean:g}, variance {var:g}, p = {p:g}"
            if not np.isclose(got_mean, want_mean, atol=1e-9):
                if np.isclose(got_mean, mean * (1 - p), atol=1e-9):
                    return False, (f"{case} your mean shrinks by 1 - p; but the survivors are "
                                   "divided by 1 - p: what does that do to E[y]?")
                return False, f"{case} your mean is {got_mean:.4g}: compute E[m h] / (1 - p)."
            if np.isclose(got_var, want_var, rtol=1e-9, atol=1e-12):
                continue
            if np.isclose(got_var, var, rtol=1e-9):
                return False, (f"{case} your variance is unchanged; but each output is either 0 "
                               "or h / (1 - p): is that as spread out as h?")
            if np.isclose(got_var, var * (1 - p), rtol=1e-9):
                return False, (f"{case} your variance shrinks; the survivors are scaled *up* by "
                               "1 / (1 - p). Work out E[y^2] first.")
            if np.isclose(got_var, var / (1 - p) ** 2, rtol=1e-9):
                return False, (f"{case} you scaled the variance by 1 / (1 - p)^2, as if every "
                               "activation survived: only a fraction 1 - p of them do.")
            if mean != 0 and np.isclose(got_var, var / (1 - p), rtol=1e-9):
                return False, (f"{case} right for a zero mean, not here: the mean contributes to "
                               "E[h^2] too.")
            return False, (f"{case} your variance is {got_var:.4g}; compute E[y^2] - E[y]^2 with "
                           "m^2 = m.")
        return True, ("the mean survives and the variance grows, to 1.11 for p = 0.1: each plain "
                      "Dropout layer pushes SELU's variance above 1, so the fixed point moves up.")

    return report("dropout_moments", judge)
