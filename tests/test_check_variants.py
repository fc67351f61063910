"""The self-checks of 04_relu_variants.ipynb: a right answer passes, a plausible wrong one fails
with a hint, the untouched stub says 'not attempted', other errors are one line. (Solutions live
here, never in the notebook.)"""

import numpy as np

import actlib as act
from tests.check_helpers import broken as _broken
from tests.check_helpers import stub as _stub
from tests.check_helpers import verdict as _verdict

# ---------------------------------------------------------------- elu_derivative

def good_elu_derivative(x, alpha=1.0):
    return np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0)))


def test_elu_derivative(capsys):
    check = act.check.elu_derivative
    out = _verdict(capsys, check, good_elu_derivative)
    assert out.startswith("✅") and "True" in out
    out = _verdict(capsys, check, lambda x, alpha: np.where(x > 0, 1.0, np.exp(x)))
    assert out.startswith("❌") and "alpha = 1" in out
    out = _verdict(capsys, check, lambda x, alpha: act.elu(x, alpha=alpha) + alpha)
    assert out.startswith("❌") and "slope is 1" in out
    out = _verdict(capsys, check, lambda x, alpha: np.where(x > 0, 1.0, alpha * np.expm1(x)))
    assert out.startswith("❌") and "f(x) = alpha (e^x - 1) itself" in out
    out = _verdict(capsys, check, lambda x, alpha: (x > 0).astype(float))
    assert out.startswith("❌") and "ReLU" in out
    out = _verdict(capsys, check, lambda x, alpha: np.where(x > 0, 1.0, alpha * np.exp(2 * x)))
    assert out.startswith("❌") and "values are off" in out
    out = _verdict(capsys, check, lambda x, alpha: 1.0)
    assert out.startswith("❌") and "shape" in out
    assert _verdict(capsys, check, _stub).startswith("⏳")
    out = _verdict(capsys, check, _broken)
    assert out.startswith("⚠️") and "KeyError" in out


# ---------------------------------------------------------------- prelu_alpha_gradient

def good_prelu_alpha_gradient(x, alpha, upstream):
    return np.sum(upstream * np.where(x > 0, 0.0, x), axis=(0, 1, 2))


def test_prelu_alpha_gradient(capsys):
    check = act.check.prelu_alpha_gradient
    out = _verdict(capsys, check, good_prelu_alpha_gradient)
    assert out.startswith("✅") and "True" in out
    out = _verdict(capsys, check, lambda x, a, up: np.mean(up * np.where(x > 0, 0, x),
                                                           axis=(0, 1, 2)))
    assert out.startswith("❌") and "averaged" in out
    out = _verdict(capsys, check, lambda x, a, up: np.sum(np.where(x > 0, 0, x), axis=(0, 1, 2)))
    assert out.startswith("❌") and "upstream" in out
    out = _verdict(capsys, check, lambda x, a, up: np.sum(up * np.where(x > 0, x, 0),
                                                          axis=(0, 1, 2)))
    assert out.startswith("❌") and "x <= 0" in out
    out = _verdict(capsys, check, lambda x, a, up: np.sum(up * np.where(x > 0, 0, x)))
    assert out.startswith("❌") and "one number per channel" in out
    out = _verdict(capsys, check, lambda x, a, up: np.sum(up * np.where(x > 0, 0, a * x),
                                                          axis=(0, 1, 2)))
    assert out.startswith("❌") and "values are off" in out
    assert _verdict(capsys, check, _stub).startswith("⏳")
    assert _verdict(capsys, check, _broken).startswith("⚠️")


# ---------------------------------------------------------------- xu_slopes

def good_xu_slopes(low, up):
    return np.log(up / low) / (up - low), 2 / (low + up)


def monte_carlo_xu_slopes(low, up):
    a = np.random.default_rng().uniform(low, up, 10**6)
    return np.mean(1 / a), 1 / np.mean([low, up])


def test_xu_slopes(capsys):
    check = act.check.xu_slopes
    out = _verdict(capsys, check, good_xu_slopes)
    assert out.startswith("✅") and "0.196" in out and "0.182" in out
    assert _verdict(capsys, check, monte_carlo_xu_slopes).startswith("✅")
    out = _verdict(capsys, check, lambda lo, up: (np.log(up / lo) / (up - lo), (lo + up) / 2))
    assert out.startswith("❌") and "reciprocal" in out
    out = _verdict(capsys, check, lambda lo, up: (2 / (lo + up), 2 / (lo + up)))
    assert out.startswith("❌") and "1/E[a]" in out
    out = _verdict(capsys, check, lambda lo, up: ((1 / lo + 1 / up) / 2, 2 / (lo + up)))
    assert out.startswith("❌") and "extreme slopes" in out
    out = _verdict(capsys, check, lambda lo, up: (1 / lo, 2 / (lo + up)))
    assert out.startswith("❌") and "expected 0.1962" in out
    out = _verdict(capsys, check, lambda lo, up: 2 / (lo + up))
    assert out.startswith("❌") and "pair" in out
    assert _verdict(capsys, check, _stub).startswith("⏳")
    assert _verdict(capsys, check, _broken).startswith("⚠️")


# ---------------------------------------------------------------- selu_moments

def good_selu_moments(mean, std):
    z = mean + std * np.random.default_rng().standard_normal(10**6)
    h = act.selu(z)
    return h.mean(), h.var()


def grid_selu_moments(mean, std):
    z = np.linspace(mean - 10 * std, mean + 10 * std, 200_001)
    w = np.exp(-0.5 * ((z - mean) / std) ** 2)
    w /= w.sum()
    m = np.sum(w * act.selu(z))
    return m, np.sum(w * (act.selu(z) - m) ** 2)


def test_selu_moments(capsys):
    check = act.check.selu_moments
    out = _verdict(capsys, check, good_selu_moments)
    assert out.startswith("✅") and "fixed point" in out
    assert _verdict(capsys, check, grid_selu_moments).startswith("✅")
    out = _verdict(capsys, check, lambda m, s: (good_selu_moments(m, s)[0],
                                                np.sqrt(good_selu_moments(m, s)[1])))
    assert out.startswith("❌") and "standard deviation" in out

    def no_scale(mean, std):
        z = mean + std * np.random.default_rng(0).standard_normal(10**6)
        h = act.elu(z, alpha=act.SELU_ALPHA)
        return h.mean(), h.var()

    out = _verdict(capsys, check, no_scale)
    assert out.startswith("❌") and "scale lambda" in out

    def with_relu(mean, std):
        z = mean + std * np.random.default_rng(0).standard_normal(10**6)
        return act.relu(z).mean(), act.relu(z).var()

    out = _verdict(capsys, check, with_relu)
    assert out.startswith("❌") and "expected mean 0.000, variance 1.000" in out
    out = _verdict(capsys, check, lambda m, s: 0.0)
    assert out.startswith("❌") and "pair" in out
    assert _verdict(capsys, check, _stub).startswith("⏳")
    assert _verdict(capsys, check, _broken).startswith("⚠️")


# ---------------------------------------------------------------- dropout_moments

def good_dropout_moments(mean, var, p):
    return mean, (var + mean**2) / (1 - p) - mean**2


def monte_carlo_dropout_moments(mean, var, p):
    rng = np.random.default_rng(0)
    h = mean + np.sqrt(var) * rng.standard_normal(4_000_000)
    y = h * (rng.random(h.size) >= p) / (1 - p)
    return y.mean(), y.var()


def test_dropout_moments(capsys):
    check = act.check.dropout_moments
    out = _verdict(capsys, check, good_dropout_moments)
    assert out.startswith("✅") and "1.11" in out
    # The formula is the truth: a large simulation of inverted dropout agrees with it.
    for mean, var, p in ((0.0, 1.0, 0.1), (0.5, 2.0, 0.2)):
        sim, exact = monte_carlo_dropout_moments(mean, var, p), good_dropout_moments(mean, var, p)
        np.testing.assert_allclose(sim, exact, atol=0.01)
    wrong = {
        "unchanged": (lambda m, v, p: (m, v), "as spread out as h"),
        "shrinks": (lambda m, v, p: (m, v * (1 - p)), "scaled *up*"),
        "squared": (lambda m, v, p: (m, v / (1 - p) ** 2), "only a fraction 1 - p"),
        "mean ignored": (lambda m, v, p: (m, v / (1 - p)), "the mean contributes"),
        "mean scaled": (lambda m, v, p: (m * (1 - p), (v + m**2) / (1 - p) - m**2),
                        "mean shrinks by 1 - p"),
    }
    for label, (fn, hint) in wrong.items():
        out = _verdict(capsys, check, fn)
        assert out.startswith("❌") and hint in out, label
        assert "(var + mean" not in out  # a nudge, not the formula
    out = _verdict(capsys, check, lambda m, v, p: v)
    assert out.startswith("❌") and "pair" in out
    assert _verdict(capsys, check, _stub).startswith("⏳")
    assert _verdict(capsys, check, _broken).startswith("⚠️")
