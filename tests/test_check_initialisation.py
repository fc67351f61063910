"""The self-checks of 03_initialisation.ipynb: a right answer passes, plausible wrong ones fail
with a nudge (not the answer), the untouched stub says 'not attempted', other errors are one
line. (Solutions live here, never in the notebook.)"""

import numpy as np
import pytest

import actlib as act
from actlib import variance
from actlib.check import initialisation as checks
from tests.check_helpers import broken, stub
from tests.check_helpers import verdict as _verdict

# --------------------------------------------------------------------------- leaky_he_std


def leaky_right(fan_in, alpha):
    return np.sqrt(2 / ((1 + alpha ** 2) * fan_in))


def test_leaky_he_std(capsys):
    check = act.check.leaky_he_std
    out = _verdict(capsys, check, leaky_right)
    assert out.startswith("✅ leaky_he_std")
    out = _verdict(capsys, check, lambda n, a: np.sqrt(2 / n))  # He, ignoring alpha
    assert out.startswith("❌") and "negative half" in out
    out = _verdict(capsys, check, lambda n, a: np.sqrt(2 / ((1 + a) * n)))  # slope not squared
    assert out.startswith("❌") and "square" in out
    out = _verdict(capsys, check, lambda n, a: 2 / ((1 + a * a) * n))  # the variance
    assert out.startswith("❌") and "variance" in out
    out = _verdict(capsys, check, lambda n, a: np.sqrt(1 / ((1 + a * a) * n)))  # LeCun-like
    assert out.startswith("❌") and "E[f(z)^2]" in out
    out = _verdict(capsys, check, lambda n, a: [1.0, 2.0])
    assert out.startswith("❌") and "one number" in out
    for wrong in (leaky_right(1, 0), "1 + alpha ** 2", "(1 + alpha^2)"):  # no answer given away
        assert str(wrong) not in out


def test_leaky_he_std_agrees_with_the_gain():
    for alpha in (0.0, 0.01, 0.3, 1.0):
        assert leaky_right(1, alpha) == pytest.approx(variance.gain("leaky_relu", alpha=alpha))


def test_leaky_he_std_stub_and_error(capsys):
    assert _verdict(capsys, act.check.leaky_he_std, stub).startswith("⏳ leaky_he_std")
    assert _verdict(capsys, act.check.leaky_he_std, broken).startswith("⚠️ leaky_he_std")


# --------------------------------------------------------------------------- clip_global_norm

def clip_right(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g * g) for g in grads))
    factor = min(1.0, max_norm / norm) if norm > 0 else 1.0
    return [g * factor for g in grads]


def clip_per_array(grads, max_norm):  # Keras' clipnorm, not global_clipnorm
    return [g * min(1.0, max_norm / np.linalg.norm(g)) if np.linalg.norm(g) > 0 else g
            for g in grads]


def clip_always(grads, max_norm):  # rescales short gradients up as well
    norm = np.sqrt(sum(np.sum(g * g) for g in grads))
    return [g * (max_norm / norm) for g in grads]


def clip_values(grads, max_norm):  # clips each entry: changes the direction
    return [np.clip(g, -max_norm, max_norm) for g in grads]


def clip_in_place(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g * g) for g in grads))
    if norm > max_norm:
        for g in grads:
            g *= max_norm / norm
    return grads


def clip_divides_by_zero(grads, max_norm):  # 0 / 0 for a gradient of zeros
    norm = np.sqrt(sum(np.sum(g * g) for g in grads))
    return [g / norm * min(norm, max_norm) for g in grads]


def test_clip_global_norm(capsys):
    check = act.check.clip_global_norm
    assert _verdict(capsys, check, clip_right).startswith("✅ clip_global_norm")
    out = _verdict(capsys, check, clip_per_array)
    assert out.startswith("❌") and "clipnorm" in out and "common factor" in out
    out = _verdict(capsys, check, clip_always)
    assert out.startswith("❌") and "only ever shortens" in out
    out = _verdict(capsys, check, clip_values)
    assert out.startswith("❌") and "same factor" in out
    out = _verdict(capsys, check, clip_in_place)
    assert out.startswith("❌") and "changed the arrays" in out
    out = _verdict(capsys, check, clip_divides_by_zero)
    assert out.startswith("❌") and "zeros" in out
    out = _verdict(capsys, check, lambda grads, m: np.concatenate([g.ravel() for g in grads]))
    assert out.startswith("❌") and "list of arrays" in out
    out = _verdict(capsys, check, lambda grads, m: grads[:1])
    assert out.startswith("❌") and "one array per gradient" in out


def test_clip_global_norm_stub_and_error(capsys):
    assert _verdict(capsys, act.check.clip_global_norm, stub).startswith("⏳ clip_global_norm")
    assert _verdict(capsys, act.check.clip_global_norm, broken).startswith("⚠️")


def test_clip_cases_tell_the_wrong_answers_apart():
    # each plausible mistake differs from the right answer on at least one case
    for wrong in (clip_per_array, clip_always, clip_values):
        assert any(not checks._same(wrong([g.copy() for g in grads], m), clip_right(grads, m))
                   for _, grads, m in checks._clip_cases())


# --------------------------------------------------------------------------- stable_scale

def stable_by_theory(name):
    """Scan c on a grid, keep the scale whose two ratios are closest to 1."""
    best = None
    for c in np.arange(0.5, 3.0, 0.01):
        forward, backward = checks._ratios(name, c)
        if 0.5 <= forward <= 2 and 0.5 <= backward <= 2:
            score = abs(np.log(forward)) + abs(np.log(backward))
            if best is None or score < best[0]:
                best = (score, float(c))
    return None if best is None else best[1]


def test_stable_scale_right(capsys):
    out = _verdict(capsys, act.check.stable_scale, stable_by_theory)
    assert out.startswith("✅ stable_scale") and "gelu none" in out


def test_stable_scale_possible_table_is_right():
    # POSSIBLE is what a scan of [0.5, 3) in steps of 0.01 finds with the check's band
    for name, possible in checks.POSSIBLE.items():
        assert any(checks._kept(checks._ratios(name, c))
                   for c in np.arange(0.5, 3.0, 0.01)) == possible, name


def test_stable_scale_wrong(capsys):
    check = act.check.stable_scale
    out = _verdict(capsys, check, lambda name: variance.gain(name))  # forward only
    assert out.startswith("❌ stable_scale: for tanh") and "both directions" in out
    out = _verdict(capsys, check, lambda name: 1.0)  # LeCun everywhere
    assert out.startswith("❌ stable_scale: for tanh")
    out = _verdict(capsys, check, lambda name: None)  # gives up
    assert out.startswith("❌") and "one exists" in out
    out = _verdict(capsys, check, lambda name: None if name != "gelu" else 1.41)
    assert out.startswith("❌") and "one exists" in out
    right = {n: stable_by_theory(n) for n in ("tanh", "relu", "elu")}
    out = _verdict(capsys, check, lambda name: right.get(name, 1.53))  # a lucky gelu seed
    assert out.startswith("❌ stable_scale: for gelu") and "no scale keeps both" in out
    out = _verdict(capsys, check, lambda name: "1.2")
    assert out.startswith("❌") and "positive number" in out


def test_stable_scale_stub_and_error(capsys):
    assert _verdict(capsys, act.check.stable_scale, stub).startswith("⏳ stable_scale")
    assert _verdict(capsys, act.check.stable_scale, broken).startswith("⚠️")


# --------------------------------------------------------------------------- which_init

def which_right(forward_std):
    factor = np.exp(np.mean(np.diff(np.log(forward_std))))
    return "he_normal" if factor > 0.85 else "lecun_normal"


def test_which_init(capsys):
    check = act.check.which_init
    assert _verdict(capsys, check, which_right).startswith("✅ which_init: all 12")
    # the size of the std is fooled by the input's scale
    for wrong in (lambda s: "he_normal" if s[-1] > 0.1 else "lecun_normal",
                  lambda s: "he_normal" if s[0] > 0.5 else "lecun_normal",
                  lambda s: "he_normal" if s.mean() > 0.1 else "lecun_normal"):
        out = _verdict(capsys, check, wrong)
        assert out.startswith("❌ which_init") and "scaled" in out
    out = _verdict(capsys, check, lambda s: "he")
    assert out.startswith("❌") and "'lecun_normal' or 'he_normal'" in out
    out = _verdict(capsys, check, lambda s: "lecun_normal")
    assert out.startswith("❌") and "network 2" in out


def test_which_init_cases_need_the_ratio():
    cases = list(checks._which_cases())
    assert len(cases) == 12
    last = {init: [s[-1] for _, s, i in cases if i == init]
            for init in ("lecun_normal", "he_normal")}
    assert max(last["lecun_normal"]) > min(last["he_normal"])  # no threshold on size works
    factors = {init: [np.exp(np.mean(np.diff(np.log(s)))) for _, s, i in cases if i == init]
               for init in ("lecun_normal", "he_normal")}
    assert max(factors["lecun_normal"]) < 0.8 < 0.9 < min(factors["he_normal"])


def test_which_init_stub_and_error(capsys):
    assert _verdict(capsys, act.check.which_init, stub).startswith("⏳ which_init")
    assert _verdict(capsys, act.check.which_init, broken).startswith("⚠️")


# --------------------------------------------------------------------------- critical_tanh

def critical_right(sigma_b):
    # written from the definitions, independently of act.variance: Gauss-Hermite quadrature
    # (tanh is smooth), the length map iterated to its fixed point, bisection on chi_1 - 1
    z, w = np.polynomial.hermite_e.hermegauss(120)
    w = w / np.sqrt(2 * np.pi)

    def chi_1(sigma_w):
        q = 1.0
        for _ in range(5000):
            q_next = sigma_w ** 2 * w @ np.tanh(np.sqrt(q) * z) ** 2 + sigma_b ** 2
            if abs(q_next - q) < 1e-15:
                break
            q = q_next
        return sigma_w ** 2 * w @ (1 - np.tanh(np.sqrt(q) * z) ** 2) ** 2

    lo, hi = 0.9, 3.0
    for _ in range(50):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if chi_1(mid) < 1 else (lo, mid)
    return (lo + hi) / 2


def test_critical_tanh_right_answer_passes(capsys):
    out = _verdict(capsys, act.check.critical_tanh, critical_right)
    assert out.startswith("✅ critical_tanh")
    assert critical_right(0.25) == pytest.approx(variance.critical_sigma_w("tanh", 0.25),
                                                 rel=1e-6)
    assert critical_right(0.25) == pytest.approx(1.3516, abs=1e-4)
    # an answer within the tolerance (a careful Monte Carlo estimate) passes; one outside not
    for factor, verdict in ((1 + 2e-3, "✅"), (1 - 2e-3, "✅"), (1 + 6e-3, "❌")):
        out = _verdict(capsys, act.check.critical_tanh, lambda b, f=factor: critical_right(b) * f)
        assert out.startswith(verdict), (factor, out)


@pytest.mark.parametrize(("wrong", "nudge"), [
    (lambda b: 1.5925, "gain"),
    (lambda b: variance.gain("tanh"), "gain"),
    (lambda b: 5 / 3, "PyTorch"),
    (lambda b: 1.0, "only without bias"),  # LeCun, and the answer at sigma_b = 0
    (lambda b: np.sqrt((1 - b * b) / variance.moments("tanh").second), "q = 1 a fixed point"),
    (lambda b: 1 / np.sqrt(variance.moments("tanh").slope), "at q = 1"),
    (lambda b: variance.critical_sigma_w("tanh", np.sqrt(b)), "sigma_b^2"),
    (lambda b: 1.2, "too small"),
    (lambda b: 1.45, "too large"),
    (lambda b: 1.3516, "sigma_b = 0.05"),  # the number for 0.25, typed in
    (lambda b: [1.35], "one number"),
    (lambda b: -1.0, "positive"),
])
def test_critical_tanh_wrong_answers_get_a_nudge(capsys, wrong, nudge):
    out = _verdict(capsys, act.check.critical_tanh, wrong)
    assert out.startswith("❌ critical_tanh") and nudge in out, out
    for sigma_b in checks.CRITICAL_SIGMA_B:  # no right value given away
        assert f"{variance.critical_sigma_w('tanh', sigma_b):.3f}"[:-1] not in out.replace(
            "sigma_w = 1.352", "")


def test_critical_tanh_stub_and_error(capsys):
    assert _verdict(capsys, act.check.critical_tanh, stub).startswith("⏳ critical_tanh")
    assert _verdict(capsys, act.check.critical_tanh, broken).startswith("⚠️ critical_tanh")
