"""actlib.calibration and actlib.attention: ECE, temperature scaling, label smoothing and the
paired interval against cases with known answers; the attention logits' std and entropy."""

import numpy as np
import pytest

from actlib import attention, calibration


def test_ece_known_values():
    # two bins of 10: [0, 0.5] and (0.5, 1]
    conf = np.array([0.9, 0.9, 0.9, 0.9, 0.3, 0.3])
    correct = np.array([1, 1, 1, 0, 0, 1])
    # bin 2: conf 0.9, acc 0.75, weight 4/6; bin 1: conf 0.3, acc 0.5, weight 2/6
    want = 4 / 6 * 0.15 + 2 / 6 * 0.2
    assert calibration.expected_calibration_error(conf, correct, n_bins=2) == pytest.approx(want)
    # a boundary value goes to the lower bin, 0 to the first
    counts, _, _ = calibration.reliability([0.5, 0.0, 1.0], [1, 1, 1], n_bins=2)
    assert list(counts) == [2, 1]


def test_ece_is_small_for_a_calibrated_source():
    rng = np.random.default_rng(0)
    conf = rng.uniform(0.2, 1, 100_000)
    correct = rng.random(conf.size) < conf
    assert calibration.expected_calibration_error(conf, correct) < 0.01
    overconfident = rng.random(conf.size) < conf ** 2
    assert calibration.expected_calibration_error(conf, overconfident) > 0.1


def test_fit_temperature_recovers_a_known_temperature():
    rng = np.random.default_rng(1)
    logits = rng.normal(0, 3, (20_000, 5))
    p = np.exp(logits - logits.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    y = np.array([rng.choice(5, p=row) for row in p])  # calibrated at T = 1
    assert calibration.fit_temperature(logits, y) == pytest.approx(1, abs=0.05)
    assert calibration.fit_temperature(2.5 * logits, y) == pytest.approx(2.5, rel=0.05)
    # temperature never changes the argmax
    c1, ok1 = calibration.confidence(logits, y)
    c2, ok2 = calibration.confidence(logits, y, 3.0)
    assert np.array_equal(ok1, ok2) and np.all(c2 <= c1 + 1e-12)


def test_smooth_labels_and_log_loss():
    t = calibration.smooth_labels(np.array([0, 2]), 4, 0.2)
    assert np.allclose(t, [[0.85, 0.05, 0.05, 0.05], [0.05, 0.05, 0.85, 0.05]])
    assert np.allclose(t.sum(1), 1)
    assert calibration.log_loss(np.zeros((3, 4)), np.array([0, 1, 3])) == pytest.approx(np.log(4))


def test_paired_interval_uses_t():
    from scipy.stats import t

    d = np.array([1.0, 2.0, 3.0])
    mean, lo, hi = calibration.paired_interval(d)
    assert mean == 2 and hi - mean == pytest.approx(t.ppf(0.975, 2) * 1 / np.sqrt(3))
    assert lo == pytest.approx(2 * mean - hi)


@pytest.mark.parametrize(("call", "match"), [
    (lambda: calibration.expected_calibration_error([0.5, 2.0], [1, 0]), "in \\[0, 1\\]"),
    (lambda: calibration.reliability([0.5], [1], n_bins=0), "reliability: n_bins"),
    (lambda: calibration.confidence(np.ones((2, 3)), [0, 3]), "confidence: y"),
    (lambda: calibration.confidence(np.ones((2, 3)), [0, 1], temperature=0), "temperature"),
    (lambda: calibration.fit_temperature(np.ones(3), [0]), "fit_temperature: logits"),
    (lambda: calibration.smooth_labels(np.array([0, 1]), 2, 1.5), "smooth_labels: epsilon"),
    (lambda: calibration.paired_interval([1.0]), "paired_interval"),
])
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_attention_logits_scale_with_sqrt_d():
    for d in (4, 64, 1024):
        std_raw, _ = attention.attention_stats(d, scaled=False)
        std_scaled, _ = attention.attention_stats(d)
        assert std_raw / np.sqrt(d) == pytest.approx(1, rel=0.1)
        assert std_scaled == pytest.approx(1, rel=0.1)
    assert attention.attention_stats(1024, scaled=False)[1] < 0.3
    assert attention.attention_stats(1024)[1] > 3.4


def test_entropy_known_values():
    assert attention.entropy([1.0, 0.0]) == 0
    assert attention.entropy(np.full(8, 1 / 8)) == pytest.approx(np.log(8))
    with pytest.raises(ValueError, match="attention_stats: d"):
        attention.attention_stats(0)
