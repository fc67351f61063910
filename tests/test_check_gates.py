"""The self-checks of 08_gates_and_hardware.ipynb: a right answer passes, a plausible wrong one
fails with a hint, the untouched stub says 'not attempted', other errors are one line."""

import numpy as np

import actlib as act
from actlib import quantise
from actlib.check import gates
from tests.check_helpers import broken as _broken
from tests.check_helpers import stub as _stub
from tests.check_helpers import verdict as _verdict


def good_swiglu_vjp(x, g):
    a, b = np.split(x, 2, axis=-1)
    return np.concatenate([g * act.silu(b), g * a * act.silu.derivative(b)], axis=-1)


def test_swiglu_vjp(capsys):
    check = gates.swiglu_vjp
    assert _verdict(capsys, check, good_swiglu_vjp).startswith("✅")
    assert _verdict(capsys, check, act.swiglu.vjp).startswith("✅")

    def halves(x, g, da, db):
        return np.concatenate([da, db], axis=-1)

    def split(x):
        return np.split(x, 2, axis=-1)

    out = _verdict(capsys, check, lambda x, g: g * act.silu(split(x)[1]))
    assert out.startswith("❌") and "one half only" in out
    out = _verdict(capsys, check, lambda x, g: halves(x, g, g * act.silu(split(x)[1]),
                                                      g * act.silu(split(x)[1])))
    assert out.startswith("❌") and "chain rule" in out
    def no_g(x, g):
        a, b = split(x)
        return halves(x, g, g * act.silu(b), a * act.silu.derivative(b))

    out = _verdict(capsys, check, no_g)
    assert out.startswith("❌") and "forgot to multiply by g" in out
    out = _verdict(capsys, check, lambda x, g: np.roll(good_swiglu_vjp(x, g), 3, axis=-1))
    assert out.startswith("❌") and "swapped" in out
    out = _verdict(capsys, check, lambda x, g: 2 * good_swiglu_vjp(x, g))
    assert out.startswith("❌") and "values are off" in out
    assert _verdict(capsys, check, lambda x, g: np.zeros(4)).startswith("❌")
    assert _verdict(capsys, check, _stub).startswith("⏳")
    assert _verdict(capsys, check, _broken).startswith("⚠️")


def test_matched_width(capsys):
    check = gates.matched_width
    assert _verdict(capsys, check, lambda h: 2 * h / 3).startswith("✅")
    assert _verdict(capsys, check, lambda h: 2 * h // 3).startswith("✅")  # multiples of 3
    for wrong, words in ((lambda h: h / 2, "1.5 d h"), (lambda h: h, "third matrix"),
                         (lambda h: 1.5 * h, "upside down"), (lambda h: h / 3, "two d x h"),
                         (lambda h: h - 1, "solve for h'")):
        out = _verdict(capsys, check, wrong)
        assert out.startswith("❌") and words in out, out
    assert _verdict(capsys, check, _stub).startswith("⏳")
    assert _verdict(capsys, check, _broken).startswith("⚠️")


def test_int8_step(capsys):
    check = gates.int8_step
    out = _verdict(capsys, check, lambda lo, hi: (hi - lo) / 255)
    assert out.startswith("✅") and "0.0235" in out
    assert _verdict(capsys, check, lambda lo, hi: quantise.step(lo, hi, 8)).startswith("✅")
    for wrong, words in ((lambda lo, hi: (hi - lo) / 256, "255 gaps"),
                         (lambda lo, hi: (hi - lo) / 127, "symmetric"),
                         (lambda lo, hi: (hi - lo) / 128, "all 256 levels"),
                         (lambda lo, hi: (hi - lo) / 8, "2^8"),
                         (lambda lo, hi: hi / 255, "gaps")):
        out = _verdict(capsys, check, wrong)
        assert out.startswith("❌") and words in out, out
    assert _verdict(capsys, check, _stub).startswith("⏳")


def test_forget_bias(capsys):
    check = gates.forget_bias

    def logit(p):
        return np.log(p / (1 - p))

    out = _verdict(capsys, check, lambda steps, keep: logit(keep ** (1 / steps)))
    assert out.startswith("✅") and "4.97" in out
    for wrong, words in ((lambda steps, keep: logit(keep), "one step"),
                         (lambda steps, keep: keep ** (1 / steps), "invert the sigmoid"),
                         (lambda steps, keep: logit(keep / steps), "not divided"),
                         (lambda steps, keep: 1.0, "values are off")):
        out = _verdict(capsys, check, wrong)
        assert out.startswith("❌") and words in out, out
    # the answer really keeps `keep`: sigma(b)^steps
    b = logit(0.5 ** (1 / 100))
    assert abs(act.sigmoid(b) ** 100 - 0.5) < 1e-12
    assert _verdict(capsys, check, _stub).startswith("⏳")
    assert _verdict(capsys, check, _broken).startswith("⚠️")
