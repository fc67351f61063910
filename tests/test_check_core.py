"""actlib.check's machinery: every verdict is one line, never a traceback."""

import numpy as np

import actlib as act


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
    assert "Try two hidden units" in out[5]
