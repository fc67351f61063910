"""Self-checks for 02_relu.ipynb."""

from __future__ import annotations

import numpy as np

from ..functions import relu
from ._core import compare, numerical_gradient, rel_error, report

__all__ = ["count_dead", "read_overfitting", "relu_backward", "relu_pair"]

_PAIR_X = np.array([[-3.0, -1e-3, 0.0, 1e-3, 2.5], [-0.0, 7.0, -7.0, 0.0, 1e6]])


def relu_pair(student_fn) -> bool | None:
    """Exercise: ``student_fn(x, at_zero=0.0)`` returns ``(relu(x), relu'(x))`` elementwise, with
    the derivative at exactly x = 0 equal to ``at_zero``; x is left unchanged."""

    def judge():
        for at_zero in (0.0, 1.0, 0.5):
            x = _PAIR_X.copy()
            result = student_fn(x, at_zero=at_zero)
            if not (isinstance(result, tuple) and len(result) == 2):
                return False, "return a pair (f, df): the values and the derivatives."
            if not np.array_equal(x, _PAIR_X):
                return False, ("your function changed its input x. Build new arrays (np.maximum, "
                               "np.where) instead of assigning into x.")
            f, df = result
            ok, msg = compare(f, relu(_PAIR_X), at=_PAIR_X,
                              hint="relu(x) = max(0, x), elementwise.")
            if not ok:
                return False, "f: " + msg
            want = np.where(_PAIR_X == 0, at_zero, (_PAIR_X > 0).astype(float))
            ok, msg = compare(df, want, at=_PAIR_X,
                              hint=f"(with at_zero = {at_zero:g}) The slope is 1 for x > 0, 0 for "
                                   "x < 0, and at_zero at exactly x = 0.")
            if not ok:
                return False, "df: " + msg
        return True, ("values and slopes right for at_zero = 0, 1 and 0.5; every value in [0, 1] "
                      "is a valid subgradient at the kink.")

    return report("relu_pair", judge)


def _dead_cases():
    rng = np.random.default_rng(2)
    Z = rng.normal(size=(50, 6))
    Z[:, 1] = -np.abs(Z[:, 1])  # negative for every example: dead
    Z[:, 3] = 0.0  # exactly 0 everywhere: f'(0) = 0, so dead too
    Z[:, 4] = -np.abs(Z[:, 4])
    Z[17, 4] = 0.3  # positive for one example: alive
    Z[:, 5] = -np.abs(Z[:, 5]) - 1.0  # dead
    return (
        ("50 examples x 6 units", Z, 3),
        ("all positive", np.abs(Z) + 0.1, 0),
        ("all negative", -np.abs(Z) - 0.1, 6),
        ("a single example", np.array([[0.5, -0.2, 0.0, -1.0]]), 3),
        ("a layer of 1 unit, alive for one example", np.array([[-1.0], [-2.0], [0.1]]), 0),
    )


def count_dead(student_fn) -> bool | None:
    """Exercise: ``student_fn(Z)`` returns how many units (columns of Z, the pre-activations of
    one ReLU layer for every example) are dead: z <= 0 for every example."""

    def judge():
        for label, Z, want in _dead_cases():
            got = student_fn(Z.copy())
            try:
                got_int = int(got)
            except (TypeError, ValueError):
                return False, f"return one whole number, got {type(got).__name__} ({label})."
            if got_int != got:
                return False, f"return one whole number, got {got} ({label})."
            if got_int != want:
                hint = ("A unit is a column; it is dead when no example gives it z > 0. And "
                        "what is relu'(0)?")
                return False, f"for {label} expected {want} dead units, got {got_int}. {hint}"
        return True, f"all {len(_dead_cases())} layers counted correctly."

    return report("count_dead", judge)


def _backward_case():
    rng = np.random.default_rng(5)
    X = rng.normal(size=(4, 3))
    W = rng.normal(size=(3, 5))
    b = rng.normal(size=5)
    dout = rng.normal(size=(4, 5))
    return X, W, b, dout


def relu_backward(student_fn) -> bool | None:
    """Exercise: ``student_fn(X, W, b, dout)`` returns ``(dX, dW, db)``, the gradients of
    L = sum(relu(X W + b) * dout); checked against numerical gradients."""

    def judge():
        X, W, b, dout = _backward_case()

        def loss(X_, W_, b_):
            return float(np.sum(relu(X_ @ W_ + b_) * dout))

        want = {"dX": numerical_gradient(lambda v: loss(v, W, b), X),
                "dW": numerical_gradient(lambda v: loss(X, v, b), W),
                "db": numerical_gradient(lambda v: loss(X, W, v), b)}
        result = student_fn(X.copy(), W.copy(), b.copy(), dout.copy())
        if not (isinstance(result, tuple) and len(result) == 3):
            return False, "return three arrays (dX, dW, db)."
        hints = {"dX": "Go back through the ReLU first (where does it pass a gradient?), then "
                       "through the product with W.",
                 "dW": "The ReLU's gate applies before the product; then match the shape of W.",
                 "db": "Every example adds its own term to db, after the ReLU's gate."}
        errors = []
        for (key, want_k), got in zip(want.items(), result, strict=True):
            got = np.asarray(got, dtype=float)
            if got.shape != want_k.shape:
                return False, f"{key}: expected shape {want_k.shape}, got {got.shape}."
            err = rel_error(got, want_k)
            if err > 1e-6:
                return False, f"{key}: relative error {err:.1e} against the numerical gradient. " \
                              + hints[key]
            errors.append(err)
        return True, (f"all three gradients agree with numerical_gradient (largest relative "
                      f"error {max(errors):.0e}).")

    return report("relu_backward", judge)


# ---------------------------------------------------------------- reading an overfitting table

_KEYS = ("zero_fraction", "train_accuracy", "test_accuracy")


def _table_param(table) -> dict:
    """The notebook's table {name: {"zero_fraction", "train_accuracy", "test_accuracy"}},
    checked: a clear error names the function and the parameter."""
    if not isinstance(table, dict) or len(table) < 2:
        raise ValueError("read_overfitting: table must be a dict of at least two networks, "
                         "{name: {'zero_fraction': ..., 'train_accuracy': ..., "
                         "'test_accuracy': ...}}")
    for name, row in table.items():
        if not isinstance(row, dict) or any(k not in row for k in _KEYS):
            raise ValueError(f"read_overfitting: table[{name!r}] must hold {', '.join(_KEYS)}")
    return {name: {k: float(row[k]) for k in _KEYS} for name, row in table.items()}


def read_overfitting(student_fn, table, overfits: float = 0.05) -> bool | None:
    r"""Exercise (interpret): ``student_fn(table)`` reads a table of networks (per network the
    fraction of hidden outputs exactly 0, and the accuracy on the training and test sets) and
    returns ``{"sparser": name, "gap": {name: train - test}, "sparsity_prevents_overfitting":
    bool}``.

    The verdict is judged from the same numbers: with gap_k = train_k - test_k and s the network
    with the largest zero fraction, sparsity prevents overfitting only if s does not overfit
    (gap_s <= ``overfits``) while another network does, by more than ``overfits``
    (gap_k > gap_s + ``overfits``)."""
    rows = _table_param(table)

    def judge():
        got = student_fn({name: dict(row) for name, row in rows.items()})
        keys = ("sparser", "gap", "sparsity_prevents_overfitting")
        if not isinstance(got, dict) or any(k not in got for k in keys):
            return False, ("return a dict with the keys 'sparser', 'gap' and "
                           "'sparsity_prevents_overfitting'.")
        sparser = max(rows, key=lambda n: rows[n]["zero_fraction"])
        if got["sparser"] != sparser:
            return False, ("'sparser' should name the network with more outputs exactly 0: "
                           "which entry of the table measures that?")
        gap = {n: r["train_accuracy"] - r["test_accuracy"] for n, r in rows.items()}
        their = got["gap"]
        if not isinstance(their, dict) or set(their) != set(rows):
            return False, f"'gap' should be a dict with one entry per network: {sorted(rows)}."
        for name, want in gap.items():
            value = float(their[name])
            if np.isclose(value, -want) and not np.isclose(want, 0):
                return False, (f"gap[{name!r}] has the wrong sign: a network that overfits does "
                               "better on the points it was trained on.")
            if not np.isclose(value, want, atol=1e-9):
                return False, (f"gap[{name!r}] is {value:.4g}; compare the network's accuracy on "
                               "its training set with its accuracy on the test set.")
        verdict = got["sparsity_prevents_overfitting"]
        if not isinstance(verdict, (bool, np.bool_)):
            return False, "'sparsity_prevents_overfitting' should be True or False."
        others = [g for n, g in gap.items() if n != sparser]
        truth = gap[sparser] <= overfits and max(others) > gap[sparser] + overfits
        if bool(verdict) != truth:
            if verdict:
                return False, (f"the sparser network ({sparser}) does {gap[sparser]:+.2f} better "
                               "on its training points than on new ones. Would that happen if its "
                               "zeros prevented overfitting? Compare with the other network's gap.")
            return False, ("here the sparser network does not overfit while the other one does: "
                           "look at the gaps again.")
        if truth:
            return True, "right: here the sparser network is the one that does not overfit."
        if gap[sparser] <= overfits:
            return True, "right: no network here overfits by more than a few points."
        compared = ("about as much as" if abs(max(others) - gap[sparser]) <= 2 * overfits
                    else "compared with")
        return True, (f"{sparser} is the sparser network and still overfits (gap "
                      f"{gap[sparser]:+.2f}), {compared} the other network (gap "
                      f"{max(others):+.2f}): its zeros did not prevent overfitting.")

    return report("read_overfitting", judge)
