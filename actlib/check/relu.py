"""Self-checks for 02_relu.ipynb."""

from __future__ import annotations

import numpy as np

from ..functions import relu
from ._core import compare, numerical_gradient, rel_error, report

__all__ = ["count_dead", "relu_backward", "relu_pair"]

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
                hint = ("A unit is a column; it is dead when NO example gives z > 0 (and z = 0 "
                        "counts as dead: relu'(0) = 0). np.all(..., axis=0) looks down each "
                        "column.")
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
        hints = {"dX": "dX = (dout * relu'(z)) @ W.T, with z = X W + b.",
                 "dW": "dW = X.T @ (dout * relu'(z)): the mask comes before the product.",
                 "db": "db sums dout * relu'(z) over the examples (axis 0)."}
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
