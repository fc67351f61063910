"""The self-checks of 07_choosing_an_activation.ipynb: a right answer passes, a plausible wrong one
fails with a hint, the untouched stub says 'not attempted', other errors are one line. (Solutions
live here, never in the notebook.)"""

import math

import numpy as np
import pytest

import actlib as act
from actlib.check import choosing


def _verdict(capsys, check, fn):
    check(fn)
    out = capsys.readouterr().out
    assert out.count("\n") == 1, out  # one line, never a traceback
    return out


def _stub(*args):
    raise NotImplementedError


def _broken(*args):
    return undefined_name  # noqa: F821  (a NameError, as a typo would raise)


# ---------------------------------------------------------------- mean_and_sem

def good_mean_and_sem(values):
    v = np.asarray(values, float)
    return float(v.mean()), float(v.std(ddof=1) / math.sqrt(len(v)))


def test_mean_and_sem(capsys):
    check = choosing.mean_and_sem
    assert _verdict(capsys, check, good_mean_and_sem).startswith("✅")
    out = _verdict(capsys, check, lambda v: (v.mean(), v.std() / np.sqrt(len(v))))
    assert out.startswith("❌") and "ddof=1" in out
    out = _verdict(capsys, check, lambda v: (v.mean(), v.std(ddof=1)))
    assert out.startswith("❌") and "sqrt(n)" in out
    out = _verdict(capsys, check, lambda v: v.mean())
    assert out.startswith("❌") and "pair" in out


# ---------------------------------------------------------------- gradient_ratio

def good_gradient_ratio(norms):
    return float(np.log10(norms[0] / norms[-1]))


def test_gradient_ratio(capsys):
    check = choosing.gradient_ratio
    assert _verdict(capsys, check, good_gradient_ratio).startswith("✅")
    out = _verdict(capsys, check, lambda n: np.log10(n[-1] / n[0]))
    assert out.startswith("❌") and "sign" in out
    out = _verdict(capsys, check, lambda n: np.log(n[0] / n[-1]))
    assert out.startswith("❌") and "log10" in out
    out = _verdict(capsys, check, lambda n: n[0] / n[-1])
    assert out.startswith("❌")


# ---------------------------------------------------------------- within_noise

def good_within_noise(table):
    from scipy.stats import t

    best = max(table, key=lambda k: table[k][0])
    m0, s0, n0 = table[best]
    return {k for k, (m, s, n) in table.items()
            if m0 - m <= t.ppf(0.975, min(n0, n) - 1) * math.hypot(s0, s)}


def test_within_noise(capsys):
    check = choosing.within_noise
    assert _verdict(capsys, check, good_within_noise).startswith("✅")
    out = _verdict(capsys, check, lambda t: {max(t, key=lambda k: t[k][0])})
    assert out.startswith("❌") and "only the winner" in out

    def normal_rule(table):  # 2 combined sems, whatever the number of seeds: too strict for 3
        best = max(table, key=lambda k: table[k][0])
        m0, s0, _ = table[best]
        return {k for k, (m, s, _) in table.items() if m0 - m <= 2 * math.hypot(s0, s)}

    out = _verdict(capsys, check, normal_rule)
    assert out.startswith("❌") and "4.30" in out and "degrees" in out

    def three_seeds_always(table):  # t for 3 seeds even when the table says 5
        best = max(table, key=lambda k: table[k][0])
        m0, s0, _ = table[best]
        return {k for k, (m, s, _) in table.items() if m0 - m <= 4.303 * math.hypot(s0, s)}

    out = _verdict(capsys, check, three_seeds_always)
    assert out.startswith("❌") and "2.78" in out
    assert _verdict(capsys, check, lambda t: 3).startswith("❌")


# ---------------------------------------------------------------- chain_derivative

def good_chain_derivative(name, x, depth):
    f = act.get(name)
    z, slope = np.asarray(x, float), np.ones_like(x, dtype=float)
    for _ in range(depth):
        slope = slope * f.derivative(z)
        z = f(z)
    return slope


def test_chain_derivative(capsys):
    check = choosing.chain_derivative
    out = _verdict(capsys, check, good_chain_derivative)
    assert out.startswith("✅") and "8 sigmoids" in out

    def power_of_first(name, x, depth):  # f'(x)^depth: every layer evaluated at the input
        return act.get(name).derivative(x) ** depth

    out = _verdict(capsys, check, power_of_first)
    assert out.startswith("❌") and "z = f(z)" in out


# ---------------------------------------------------------------- stub and broken code

@pytest.mark.parametrize("name", choosing.__all__)
def test_stub_and_broken(capsys, name):
    check = getattr(choosing, name)
    assert _verdict(capsys, check, _stub).startswith("⏳")
    out = _verdict(capsys, check, _broken)
    assert out.startswith("⚠️") and "NameError" in out


# ---------------------------------------------------------------- fool_the_ratio (design)

def test_fool_the_ratio(capsys):
    check = choosing.fool_the_ratio
    out = _verdict(capsys, check, lambda: {"name": "relu", "init": "lecun_normal", "depth": 20})
    assert out.startswith("✅") and "flat" in out
    out = _verdict(capsys, check, lambda: {"name": "gelu", "init": "glorot_uniform", "depth": 12,
                                           "width": 32})
    assert out.startswith("✅")
    # plausible wrong designs: the study's depth is too shallow for a factor of 100 ...
    out = _verdict(capsys, check, lambda: {"name": "relu", "init": "lecun_normal", "depth": 8})
    assert out.startswith("❌") and "looks healthy" in out and "forward signal" in out
    assert "lecun" not in out.lower() and "20" not in out  # a nudge, not the answer
    # ... He weights keep the signal, and sigmoid's ratio is not flat at all
    out = _verdict(capsys, check, lambda: {"name": "relu", "init": "he_normal", "depth": 20})
    assert out.startswith("❌") and "looks healthy" in out
    out = _verdict(capsys, check, lambda: {"name": "sigmoid", "init": "lecun_normal", "depth": 20})
    assert out.startswith("❌") and "already shows the problem" in out
    # malformed answers get a one-line explanation
    assert "return a dict" in _verdict(capsys, check, lambda: ("relu", "lecun_normal", 20))
    assert "init must be one of" in _verdict(capsys, check, lambda: {
        "name": "relu", "init": "lecun", "depth": 20})
    assert "depth must be" in _verdict(capsys, check, lambda: {
        "name": "relu", "init": "lecun_normal", "depth": 5000})
    assert "unexpected keys" in _verdict(capsys, check, lambda: {
        "name": "relu", "init": "lecun_normal", "depth": 20, "seed": 3})
