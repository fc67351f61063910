"""actlib.check's machinery: every verdict is one line, never a traceback."""

import numpy as np

import actlib as act
from tests.check_helpers import broken as _broken
from tests.check_helpers import stub as _stub
from tests.check_helpers import verdict as _verdict


def test_report_statuses(capsys):
    assert act.check.report("t", lambda: (True, "fine")) is True
    assert act.check.report("t", lambda: (False, "hint")) is False

    def todo():
        raise NotImplementedError

    def broken():
        return 1 / 0

    assert act.check.report("t", todo) is None
    assert act.check.report("t", broken) is None
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "✅ t: fine" and lines[1] == "❌ t: hint"
    assert lines[2].startswith("⏳ t: not attempted yet")
    assert lines[3] == "⚠️ t: your code raised ZeroDivisionError: division by zero"


def test_compare_messages():
    assert act.check.compare([1.0, 2.0], [1.0, 2.0]) == (True, "correct.")
    ok, msg = act.check.compare([1.0, 2.5], [1.0, 2.0], at=[-1.0, 3.0], hint="Check x > 0.")
    assert not ok and msg == ("1 of 2 values are off; first at x = 3: got 2.5, expected 2. "
                              "Check x > 0.")
    assert act.check.compare([1.0], [1.0, 2.0])[1].startswith("expected shape (2,), got (1,)")
    assert act.check.compare("abc", [1.0])[0] is False


def test_numerical_tools():
    x = np.linspace(-3, 3, 13)
    d = act.check.numerical_derivative(act.tanh, x)
    assert act.check.rel_error(d, act.tanh.derivative(x)) < 1e-8
    g = act.check.numerical_gradient(lambda v: np.sum(v**2), np.array([[1.0, -2.0]]))
    np.testing.assert_allclose(g, [[2.0, -4.0]], rtol=1e-8)


def test_notebook_00_checks(capsys):
    act.check.compose_linear(lambda W1, b1, W2, b2: (W1 @ W2, b1 @ W2 + b2))
    act.check.compose_linear(lambda W1, b1, W2, b2: (W1 @ W2, b2))

    def is_linear(f):
        rng = np.random.default_rng(0)
        x, y = rng.normal(size=(2, 20))
        a, b = rng.normal(size=2)
        return bool(np.allclose(f(a * x + b * y), a * f(x) + b * f(y)))

    act.check.is_linear(is_linear)
    act.check.is_linear(lambda f: False)

    def xor(X):
        return act.relu(X @ np.ones((2, 2)) + np.array([0.0, -1.0])) @ np.array([1.0, -2.0])

    act.check.xor_network(xor)
    act.check.xor_network(lambda X: X.sum(axis=1))
    out = capsys.readouterr().out.splitlines()
    assert [line[0] for line in out] == ["✅", "❌", "✅", "❌", "✅", "❌"]
    assert out[1].startswith("❌ compose_linear: b: 2 of 2 values are off")
    assert out[1].endswith("The first bias also passes through W2.")
    assert "leaky_relu with alpha = 1 is linear" in out[3]
    assert "wrong for (1, 1)" in out[5] and "both are on" in out[5]
    assert "output weights 1 and -2" not in out[5]  # a nudge, not the answer


# ---------------------------------------------------------------- 00: xor_network's nudges

def test_xor_network_names_the_wrong_inputs(capsys):
    check = act.check.xor_network
    out = _verdict(capsys, check, lambda X: np.zeros(4))
    assert out.startswith("❌") and "(0, 1), (1, 0)" in out and "which sums" in out
    out = _verdict(capsys, check, lambda X: np.zeros(3))
    assert out.startswith("❌") and "4 numbers" in out
    assert _verdict(capsys, check, _stub).startswith("⏳")


# ---------------------------------------------------------------- 00: local_affine

def local_affine_right(weights, biases, x):
    W_all, b_all, h = np.eye(len(x)), np.zeros(len(x)), x
    for i, (W, b) in enumerate(zip(weights, biases, strict=True)):
        h = h @ W + b
        W_all, b_all = W_all @ W, b_all @ W + b
        if i < len(weights) - 1:
            on = (h > 0).astype(float)
            h, W_all, b_all = h * on, W_all * on, b_all * on
    return W_all, b_all


def local_affine_no_relu(weights, biases, x):  # the collapse of section 1, ReLUs ignored
    W_all, b_all = np.eye(len(x)), np.zeros(len(x))
    for W, b in zip(weights, biases, strict=True):
        W_all, b_all = W_all @ W, b_all @ W + b
    return W_all, b_all


def local_affine_relu_on_output(weights, biases, x):  # a mask after the last layer too
    W_all, b_all, h = np.eye(len(x)), np.zeros(len(x)), x
    for W, b in zip(weights, biases, strict=True):
        h = h @ W + b
        W_all, b_all = W_all @ W, b_all @ W + b
        on = (h > 0).astype(float)
        h, W_all, b_all = h * on, W_all * on, b_all * on
    return W_all, b_all


def local_affine_only_at_x(weights, biases, x):  # right value at x, wrong map around it
    W, b = local_affine_right(weights, biases, x)
    return np.zeros_like(W), x @ W + b


def test_local_affine(capsys):
    check = act.check.local_affine
    out = _verdict(capsys, check, local_affine_right)
    assert out.startswith("✅") and "affine on each region" in out
    out = _verdict(capsys, check, local_affine_no_relu)
    assert out.startswith("❌") and "ReLUs removed" in out and "off unit" in out
    out = _verdict(capsys, check, local_affine_relu_on_output)
    assert out.startswith("❌") and "the network gives" in out
    out = _verdict(capsys, check, local_affine_only_at_x)
    assert out.startswith("❌") and "nearby" in out
    out = _verdict(capsys, check, lambda weights, biases, x: local_affine_right(
        weights, biases, x)[0])
    assert out.startswith("❌") and "pair (W, b)" in out
    out = _verdict(capsys, check, lambda weights, biases, x: (np.eye(3), np.zeros(3)))
    assert out.startswith("❌") and "shape" in out
    assert _verdict(capsys, check, _stub).startswith("⏳")
    assert _verdict(capsys, check, _broken).startswith("⚠️")


def test_local_affine_problem_uses_both_states():
    """The judged points must switch some units off and keep others on, or ignoring the ReLUs
    would pass."""
    from actlib.check.why import _affine_problem

    weights, biases, points = _affine_problem()
    for x in points:
        h = x @ weights[0] + biases[0]
        assert (h > 0).any() and (h <= 0).any()


# ---------------------------------------------------------------- 00: count_pieces (design)

def count_pieces_right(f, lo, hi):
    x = np.linspace(lo, hi, 200_001)
    slope = np.diff(f(x)) / np.diff(x)
    change = np.abs(np.diff(slope)) > 1e-6 * (1 + np.abs(slope[:-1]))
    runs = change[0] + np.sum(change[1:] & ~change[:-1])
    return int(runs) + 1


def count_pieces_every_change(f, lo, hi):  # counts a kink between grid points twice
    x = np.linspace(lo, hi, 200_001)
    slope = np.diff(f(x)) / np.diff(x)
    return int(np.sum(np.abs(np.diff(slope)) > 1e-6)) + 1


def count_pieces_coarse(f, lo, hi):  # runs counted, but a grid too coarse for close kinks
    x = np.linspace(lo, hi, 31)
    slope = np.diff(f(x)) / np.diff(x)
    change = np.abs(np.diff(slope)) > 1e-6
    return int(change[0] + np.sum(change[1:] & ~change[:-1])) + 1


def test_count_pieces(capsys):
    check = act.check.count_pieces
    out = _verdict(capsys, check, count_pieces_right)
    assert out.startswith("✅") and "random ReLU network" in out
    out = _verdict(capsys, check, count_pieces_every_change)
    assert out.startswith("❌") and "Too many" in out and "expected 6" in out
    out = _verdict(capsys, check, count_pieces_coarse)
    assert out.startswith("❌") and "Too few" in out
    out = _verdict(capsys, check, lambda f, lo, hi: 2.0)
    assert out.startswith("❌") and "whole number" in out
    out = _verdict(capsys, check, lambda f, lo, hi: True)
    assert out.startswith("❌") and "whole number" in out
    assert _verdict(capsys, check, _stub).startswith("⏳")
    assert _verdict(capsys, check, _broken).startswith("⚠️")


def test_count_pieces_cases_are_what_they_claim():
    """Each case's kinks lie inside its interval and really bend the slope: the expected counts
    are right (a fine grid with exact kink locations)."""
    from actlib.check.why import _PIECE_CASES

    for label, f, lo, hi, pieces in _PIECE_CASES:
        assert count_pieces_right(f, lo, hi) == pieces, label

