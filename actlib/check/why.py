"""Self-checks for 00_why_activations.ipynb."""

from __future__ import annotations

import numpy as np

from ..functions import get
from ._core import compare, report

__all__ = ["compose_linear", "is_linear", "xor_network"]


def compose_linear(student_fn) -> bool | None:
    """Exercise: ``student_fn(W1, b1, W2, b2)`` returns (W, b) with
    (x W1 + b1) W2 + b2 == x W + b for every x."""

    def judge():
        rng = np.random.default_rng(7)
        W1, b1 = rng.normal(size=(3, 4)), rng.normal(size=4)
        W2, b2 = rng.normal(size=(4, 2)), rng.normal(size=2)
        result = student_fn(W1, b1, W2, b2)
        if not (isinstance(result, tuple) and len(result) == 2):
            return False, "return a pair (W, b)."
        W, b = result
        ok, msg = compare(W, W1 @ W2, hint="W is the product of the two weight matrices, in the "
                          "order the input meets them.")
        if not ok:
            return False, "W: " + msg
        ok, msg = compare(b, b1 @ W2 + b2, hint="The first bias also passes through W2.")
        if not ok:
            return False, "b: " + msg
        return True, "two linear layers are one linear layer with W = W1 W2, b = b1 W2 + b2."

    return report("compose_linear", judge)


# (function, is it linear?) — the cases the judge tries, from obvious to surprising.
_LINEARITY_CASES = (
    ("f(x) = 3x", lambda x: 3 * x, True),
    ("relu", get("relu"), False),
    ("tanh", get("tanh"), False),
    ("f(x) = x + 1", lambda x: x + 1, False),
    ("leaky_relu with alpha = 1", lambda x: get("leaky_relu")(x, alpha=1.0), True),
    ("leaky_relu with alpha = 0.01", get("leaky_relu"), False),
    ("linear", get("linear"), True),
)


def is_linear(student_fn) -> bool | None:
    """Exercise: ``student_fn(f)`` returns True when f(a x + b y) = a f(x) + b f(y) (tested on
    random inputs), False otherwise."""

    def judge():
        wrong = []
        for label, f, linear in _LINEARITY_CASES:
            answer = student_fn(f)
            if not isinstance(answer, (bool, np.bool_)):
                return False, f"return True or False, got {type(answer).__name__} for {label}."
            if bool(answer) != linear:
                wrong.append(f"{label} is {'linear' if linear else 'not linear'}")
        if wrong:
            return False, ("wrong for: " + "; ".join(wrong) + ". Hint: try negative values of "
                           "a and x too, and compare with np.allclose.")
        return True, f"all {len(_LINEARITY_CASES)} functions classified correctly."

    return report("is_linear", judge)


_XOR_INPUTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])


def xor_network(student_fn) -> bool | None:
    """Exercise: ``student_fn(X)`` computes XOR of the two 0/1 inputs in each row of X with one
    hidden ReLU layer, returning one number per row (0 or 1)."""

    def judge():
        got = np.asarray(student_fn(_XOR_INPUTS.copy()), dtype=float).reshape(-1)
        return compare(got, [0, 1, 1, 0], atol=1e-6, at=None,
                       hint="Try two hidden units: one that fires for x1 + x2 >= 1 and one for "
                            "x1 + x2 >= 2; then combine them with output weights 1 and -2.")

    return report("xor_network", judge)
