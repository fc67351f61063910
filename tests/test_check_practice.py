"""The self-checks of 09_normalisation_residuals_softmax.ipynb: a right answer passes,
plausible wrong ones fail with a nudge (not the answer), the untouched stub says 'not attempted',
other errors are one line. (Solutions live here, never in the notebook.)"""

import numpy as np
import pytest

import actlib as act
from tests.check_helpers import broken, stub
from tests.check_helpers import verdict as _verdict

CHECKS = ("rms_norm_forward", "ece_by_hand", "residual_std_after", "paired_verdict")


def rms_right(z):
    return z / np.sqrt(np.mean(z ** 2, axis=-1, keepdims=True) + 1e-5)


def test_rms_norm_forward(capsys):
    check = act.check.rms_norm_forward
    assert _verdict(capsys, check, rms_right).startswith("✅ rms_norm_forward")
    out = _verdict(capsys, check, lambda z: (z - z.mean(-1, keepdims=True))
                   / np.sqrt(z.var(-1, keepdims=True) + 1e-5))
    assert out.startswith("❌") and "mean" in out and "layer norm" in out
    out = _verdict(capsys, check, lambda z: z / np.sqrt(np.mean(z ** 2, axis=0) + 1e-5))
    assert out.startswith("❌") and "axis" in out
    out = _verdict(capsys, check, lambda z: z / np.sqrt(np.mean(z ** 2) + 1e-5))
    assert out.startswith("❌") and "whole batch" in out
    out = _verdict(capsys, check, lambda z: z / np.mean(np.abs(z), axis=-1, keepdims=True))
    assert out.startswith("❌") and "root mean square" in out
    out = _verdict(capsys, check, lambda z: np.ravel(rms_right(z)))
    assert out.startswith("❌") and "shape" in out


def ece_right(conf, correct, n_bins):
    edges = np.linspace(0, 1, n_bins + 1)
    total = 0.0
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        inside = (conf > lo) & (conf <= hi) if lo > 0 else (conf >= lo) & (conf <= hi)
        if inside.any():
            total += inside.mean() * abs(correct[inside].mean() - conf[inside].mean())
    return total


def test_ece_by_hand(capsys):
    check = act.check.ece_by_hand
    assert _verdict(capsys, check, ece_right).startswith("✅ ece_by_hand")

    def unweighted(conf, correct, n_bins):
        edges = np.linspace(0, 1, n_bins + 1)
        gaps = []
        for lo, hi in zip(edges[:-1], edges[1:], strict=True):
            inside = (conf > lo) & (conf <= hi) if lo > 0 else (conf >= lo) & (conf <= hi)
            if inside.any():
                gaps.append(abs(correct[inside].mean() - conf[inside].mean()))
        return np.mean(gaps)

    out = _verdict(capsys, check, unweighted)
    assert out.startswith("❌") and "weight" in out
    out = _verdict(capsys, check, lambda c, k, n: abs(k.mean() - c.mean()))
    assert out.startswith("❌") and "bin by bin" in out
    out = _verdict(capsys, check, lambda c, k, n: 0.1)
    assert out.startswith("❌") and "equal bins" in out
    out = _verdict(capsys, check, lambda c, k, n: [0.1, 0.2])
    assert out.startswith("❌") and "one number" in out


def test_residual_std_after(capsys):
    check = act.check.residual_std_after
    right = lambda L, v0, vf: np.sqrt(v0 + L * vf)  # noqa: E731
    assert _verdict(capsys, check, right).startswith("✅ residual_std_after")
    out = _verdict(capsys, check, lambda L, v0, vf: v0 + L * vf)
    assert out.startswith("❌") and "variance" in out
    out = _verdict(capsys, check, lambda L, v0, vf: np.sqrt(v0) + L * np.sqrt(vf))
    assert out.startswith("❌") and "added standard deviations" in out
    out = _verdict(capsys, check, lambda L, v0, vf: np.sqrt(v0 * (1 + vf) ** L))
    assert out.startswith("❌") and "exponentially" in out
    out = _verdict(capsys, check, lambda L, v0, vf: np.sqrt(L * vf))
    assert out.startswith("❌") and "unroll" in out
    assert "sqrt(var_in" not in out


def verdict_right(d):
    from scipy.stats import t

    d = np.asarray(d)
    half = t.ppf(0.975, d.size - 1) * d.std(ddof=1) / np.sqrt(d.size)
    if d.mean() + half < 0:
        return "better"
    if d.mean() - half > 0:
        return "worse"
    return "tie"


def test_paired_verdict(capsys):
    check = act.check.paired_verdict
    assert _verdict(capsys, check, verdict_right).startswith("✅ paired_verdict")

    def with_z(d):
        half = 1.96 * np.std(d, ddof=1) / np.sqrt(len(d))
        return "better" if d.mean() + half < 0 else "worse" if d.mean() - half > 0 else "tie"

    out = _verdict(capsys, check, with_z)
    assert out.startswith("❌") and "Student's t" in out
    out = _verdict(capsys, check, lambda d: "better" if d.mean() < 0 else "worse")
    assert out.startswith("❌") and "interval" in out
    out = _verdict(capsys, check, lambda d: True)
    assert out.startswith("❌") and '"tie"' in out


@pytest.mark.parametrize("name", CHECKS)
def test_stub_and_error(capsys, name):
    check = getattr(act.check, name)
    assert _verdict(capsys, check, stub).startswith(f"⏳ {name}")
    assert _verdict(capsys, check, broken).startswith(f"⚠️ {name}")
