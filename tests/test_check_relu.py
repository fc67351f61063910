"""act.check exercises of 02_relu: right answers pass, plausible wrong ones fail with a useful
hint, the untouched stub is "not attempted", other errors are reported."""

import numpy as np

import actlib as act
from actlib.check import relu as relu_checks
from tests.check_helpers import broken, stub
from tests.check_helpers import printed_line as verdict

# --------------------------------------------------------------------------- relu_pair

def relu_pair_right(x, at_zero=0.0):
    return np.maximum(x, 0), np.where(x > 0, 1.0, np.where(x == 0, at_zero, 0.0))


def relu_pair_ignores_at_zero(x, at_zero=0.0):
    return np.maximum(x, 0), (x > 0).astype(float)


def relu_pair_ge(x, at_zero=0.0):
    return np.maximum(x, 0), (x >= 0).astype(float)  # slope 1 at 0, whatever at_zero says


def relu_pair_in_place(x, at_zero=0.0):
    df = np.where(x > 0, 1.0, np.where(x == 0, at_zero, 0.0))
    x[x < 0] = 0
    return x, df


def relu_pair_abs(x, at_zero=0.0):
    return np.abs(x), np.where(x > 0, 1.0, np.where(x == 0, at_zero, 0.0))


def test_relu_pair_right(capsys):
    assert act.check.relu_pair(relu_pair_right) is True
    assert verdict(capsys).startswith("✅ relu_pair")


def test_relu_pair_wrong_at_zero(capsys):
    assert act.check.relu_pair(relu_pair_ignores_at_zero) is False
    out = verdict(capsys)
    assert out.startswith("❌") and "at_zero = 1" in out and "x = 0" in out


def test_relu_pair_wrong_ge(capsys):
    assert act.check.relu_pair(relu_pair_ge) is False
    assert "at exactly x = 0" in verdict(capsys)


def test_relu_pair_changes_input(capsys):
    assert act.check.relu_pair(relu_pair_in_place) is False
    assert "changed its input" in verdict(capsys)


def test_relu_pair_wrong_values(capsys):
    assert act.check.relu_pair(relu_pair_abs) is False
    out = verdict(capsys)
    assert out.startswith("❌ relu_pair: f:") and "max(0, x)" in out


def test_relu_pair_not_a_pair(capsys):
    assert act.check.relu_pair(lambda x, at_zero=0.0: np.maximum(x, 0)) is False
    assert "pair" in verdict(capsys)


def test_relu_pair_stub_and_error(capsys):
    assert act.check.relu_pair(stub) is None
    assert verdict(capsys).startswith("⏳ relu_pair")
    assert act.check.relu_pair(broken) is None
    assert verdict(capsys).startswith("⚠️ relu_pair: your code raised KeyError")


# --------------------------------------------------------------------------- count_dead

def count_dead_right(Z):
    return int(np.sum(np.all(Z <= 0, axis=0)))


def count_dead_strict(Z):
    return int(np.sum(np.all(Z < 0, axis=0)))  # misses the column of exact zeros


def count_dead_rows(Z):
    return int(np.sum(np.all(Z <= 0, axis=1)))  # examples instead of units


def count_dead_any(Z):
    return int(np.sum(np.any(Z <= 0, axis=0)))  # "negative somewhere" is not dead


def test_count_dead_right(capsys):
    assert act.check.count_dead(count_dead_right) is True
    assert verdict(capsys).startswith("✅ count_dead")


def test_count_dead_wrong(capsys):
    for wrong in (count_dead_strict, count_dead_rows, count_dead_any):
        assert act.check.count_dead(wrong) is False
        out = verdict(capsys)
        assert out.startswith("❌ count_dead") and "no example gives it z > 0" in out
        assert "np." not in out  # a nudge, not the code


def test_count_dead_returns_an_array(capsys):
    assert act.check.count_dead(lambda Z: np.all(Z <= 0, axis=0)) is False
    assert "one whole number" in verdict(capsys)


def test_count_dead_stub_and_error(capsys):
    assert act.check.count_dead(stub) is None
    assert verdict(capsys).startswith("⏳ count_dead")
    assert act.check.count_dead(broken) is None
    assert verdict(capsys).startswith("⚠️ count_dead")


def test_count_dead_cases_agree_with_training_definition():
    # The checker's answers are relu.derivative == 0 for every example, as in training.dead_units.
    for _, Z, want in relu_checks._dead_cases():
        assert np.sum(np.all(act.relu.derivative(Z) == 0, axis=0)) == want


# --------------------------------------------------------------------------- relu_backward

def backward_right(X, W, b, dout):
    z = X @ W + b
    dz = dout * (z > 0)
    return dz @ W.T, X.T @ dz, dz.sum(axis=0)


def backward_no_mask(X, W, b, dout):
    return dout @ W.T, X.T @ dout, dout.sum(axis=0)  # forgot relu'(z)


def backward_db_mean(X, W, b, dout):
    z = X @ W + b
    dz = dout * (z > 0)
    return dz @ W.T, X.T @ dz, dz.mean(axis=0)  # db averaged instead of summed


def backward_wrong_shape(X, W, b, dout):
    z = X @ W + b
    dz = dout * (z > 0)
    return dz @ W.T, dz.T @ X, dz.sum(axis=0)


def test_relu_backward_right(capsys):
    assert act.check.relu_backward(backward_right) is True
    assert verdict(capsys).startswith("✅ relu_backward")


def test_relu_backward_wrong(capsys):
    assert act.check.relu_backward(backward_no_mask) is False
    out = verdict(capsys)
    assert out.startswith("❌ relu_backward: dX") and "through the ReLU first" in out
    assert "W.T" not in out  # a nudge, not the formula
    assert act.check.relu_backward(backward_db_mean) is False
    assert verdict(capsys).startswith("❌ relu_backward: db")
    assert act.check.relu_backward(backward_wrong_shape) is False
    assert "dW: expected shape (3, 5), got (5, 3)" in verdict(capsys)


def test_relu_backward_stub_and_error(capsys):
    assert act.check.relu_backward(stub) is None
    assert verdict(capsys).startswith("⏳ relu_backward")
    assert act.check.relu_backward(broken) is None
    assert verdict(capsys).startswith("⚠️ relu_backward")


def test_relu_backward_case_stays_away_from_the_kink():
    # The numerical gradient is only trustworthy when no pre-activation is within h of 0.
    X, W, b, _ = relu_checks._backward_case()
    z = X @ W + b
    assert np.abs(z).min() > 1e-3 and 0.2 < np.mean(z > 0) < 0.8


# --------------------------------------------------------------------------- read_overfitting

OVERFIT = {"relu": {"zero_fraction": 0.65, "train_accuracy": 0.98, "test_accuracy": 0.726},
           "leaky_relu": {"zero_fraction": 0.0, "train_accuracy": 0.90, "test_accuracy": 0.722}}
SPARSE_HELPS = {"relu": {"zero_fraction": 0.65, "train_accuracy": 0.80, "test_accuracy": 0.79},
                "leaky_relu": {"zero_fraction": 0.0, "train_accuracy": 0.99, "test_accuracy": 0.75}}


def reading_right(table):
    gap = {n: r["train_accuracy"] - r["test_accuracy"] for n, r in table.items()}
    sparser = max(table, key=lambda n: table[n]["zero_fraction"])
    others = [g for n, g in gap.items() if n != sparser]
    prevents = gap[sparser] <= 0.05 and max(others) > gap[sparser] + 0.05
    return {"sparser": sparser, "gap": gap, "sparsity_prevents_overfitting": prevents}


def reading_believes_the_source(table):
    return {**reading_right(table), "sparsity_prevents_overfitting": True}


def reading_gap_reversed(table):
    answer = reading_right(table)
    answer["gap"] = {n: -g for n, g in answer["gap"].items()}
    return answer


def reading_wrong_network(table):
    return {**reading_right(table), "sparser": "leaky_relu"}


def test_read_overfitting_right(capsys):
    assert act.check.read_overfitting(reading_right, OVERFIT) is True
    out = verdict(capsys)
    assert out.startswith("✅ read_overfitting") and "relu" in out and "+0.25" in out
    # The verdict follows the numbers: where the sparse network does not overfit, True is right.
    assert act.check.read_overfitting(reading_right, SPARSE_HELPS) is True
    assert verdict(capsys).startswith("✅ read_overfitting: right: here the sparser")


def test_read_overfitting_believing_the_source_fails_with_a_nudge(capsys):
    assert act.check.read_overfitting(reading_believes_the_source, OVERFIT) is False
    out = verdict(capsys)
    assert out.startswith("❌ read_overfitting") and "+0.25 better" in out
    assert "False" not in out  # a nudge, not the answer


def test_read_overfitting_other_mistakes(capsys):
    assert act.check.read_overfitting(reading_gap_reversed, OVERFIT) is False
    assert "wrong sign" in verdict(capsys)
    assert act.check.read_overfitting(reading_wrong_network, OVERFIT) is False
    assert "zero_fraction" not in verdict(capsys)  # nudges towards the column, does not name it
    assert act.check.read_overfitting(lambda t: {"sparser": "relu"}, OVERFIT) is False
    assert "keys" in verdict(capsys)
    missing = lambda t: {**reading_right(t), "gap": {"relu": 0.25}}  # noqa: E731
    assert act.check.read_overfitting(missing, OVERFIT) is False
    assert "one entry per network" in verdict(capsys)
    as_text = lambda t: {**reading_right(t), "sparsity_prevents_overfitting": "no"}  # noqa: E731
    assert act.check.read_overfitting(as_text, OVERFIT) is False
    assert "True or False" in verdict(capsys)
    # The SPARSE_HELPS table: saying False where the sparse network did not overfit is wrong too.
    never = lambda t: {**reading_right(t), "sparsity_prevents_overfitting": False}  # noqa: E731
    assert act.check.read_overfitting(never, SPARSE_HELPS) is False
    assert "look at the gaps again" in verdict(capsys)


def test_read_overfitting_stub_and_error(capsys):
    assert act.check.read_overfitting(stub, OVERFIT) is None
    assert verdict(capsys).startswith("⏳ read_overfitting")
    assert act.check.read_overfitting(broken, OVERFIT) is None
    assert verdict(capsys).startswith("⚠️ read_overfitting")


def test_read_overfitting_student_cannot_change_the_table(capsys):
    def vandal(table):
        table["relu"]["test_accuracy"] = 1.0
        return reading_right(table)

    table = {n: dict(r) for n, r in OVERFIT.items()}
    act.check.read_overfitting(vandal, table)
    verdict(capsys)
    assert table == OVERFIT


def test_read_overfitting_bad_table():
    import pytest

    with pytest.raises(ValueError, match="read_overfitting: table must be a dict"):
        act.check.read_overfitting(reading_right, {"relu": OVERFIT["relu"]})
    with pytest.raises(ValueError, match=r"read_overfitting: table\['relu'\] must hold"):
        act.check.read_overfitting(reading_right, {"relu": {}, "tanh": OVERFIT["relu"]})
