"""Self-checks for 00_why_activations.ipynb."""

from __future__ import annotations

import numpy as np

from ..functions import get
from ._core import compare, report

__all__ = ["compose_linear", "count_pieces", "is_linear", "local_affine", "xor_network"]


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
        if got.shape != (4,):
            return False, f"return 4 numbers, one per row of X; got shape {got.shape}."
        want = (0, 1, 1, 0)
        wrong = [tuple(int(v) for v in row)
                 for row, g, w in zip(_XOR_INPUTS, got, want, strict=True) if abs(g - w) > 1e-6]
        if not wrong:
            return True, "XOR computed: a single hidden ReLU layer does what no linear map can."
        hint = ("(1, 1) must give 0 although both inputs are on: what could a hidden unit that "
                "switches on only when both are on contribute to the output?"
                if wrong == [(1, 1)] else
                "A hidden unit relu(w1 x1 + w2 x2 + b) is 0 until its input passes -b: which "
                "sums of the two bits should each unit react to?")
        return False, (f"wrong for {', '.join(map(str, wrong))} (got "
                       f"{np.round(got, 3).tolist()}, want [0, 1, 1, 0]). {hint}")

    return report("xor_network", judge)


# ---------------------------------------------------------------- a ReLU network, piece by piece

def _relu_net(weights, biases, x):
    """Section 1's network on one point x: relu after every layer but the last."""
    h = np.asarray(x, float)
    for i, (W, b) in enumerate(zip(weights, biases, strict=True)):
        h = h @ W + b
        if i < len(weights) - 1:
            h = np.maximum(h, 0.0)
    return h


def _local_affine(weights, biases, x):
    """The affine map (W, b) that equals the ReLU network near x: every unit that is on at x
    passes its input (a 1 on the diagonal), every unit that is off passes nothing (a 0)."""
    W_all, b_all, h = np.eye(len(x)), np.zeros(len(x)), np.asarray(x, float)
    for i, (W, b) in enumerate(zip(weights, biases, strict=True)):
        W_all, b_all, h = W_all @ W, b_all @ W + b, h @ W + b
        if i < len(weights) - 1:
            on = (h > 0).astype(float)
            W_all, b_all, h = W_all * on, b_all * on, h * on
    return W_all, b_all


def _affine_problem():
    rng = np.random.default_rng(3)
    sizes = [2, 6, 5, 3]
    weights = [rng.normal(size=(m, n)) / np.sqrt(m)
               for m, n in zip(sizes[:-1], sizes[1:], strict=True)]
    biases = [rng.normal(size=n) * 0.5 for n in sizes[1:]]
    points = rng.normal(size=(5, 2))
    return weights, biases, points


def local_affine(student_fn) -> bool | None:
    """Exercise: ``student_fn(weights, biases, x)`` returns (W, b), the affine map x' W + b that
    the ReLU network of section 1 (ReLU after every layer but the last) computes for every x'
    near the point x: the linear piece the network is on at x."""

    def judge():
        weights, biases, points = _affine_problem()
        for x in points:
            result = student_fn([W.copy() for W in weights], [b.copy() for b in biases],
                                x.copy())
            if not (isinstance(result, tuple) and len(result) == 2):
                return False, "return a pair (W, b)."
            W, b = (np.asarray(v, dtype=float) for v in result)
            want_W, want_b = _local_affine(weights, biases, x)
            if W.shape != want_W.shape or b.shape != want_b.shape:
                return False, (f"W should have shape {want_W.shape} (inputs x outputs) and b "
                               f"{want_b.shape}; got {W.shape} and {b.shape}.")
            lin_W, lin_b = np.eye(2), np.zeros(2)
            for Wl, bl in zip(weights, biases, strict=True):
                lin_W, lin_b = lin_W @ Wl, lin_b @ Wl + bl
            if np.allclose(W, lin_W) and np.allclose(b, lin_b):
                return False, ("that is the network with its ReLUs removed. At x, some hidden "
                               "units are off: what does an off unit pass on to the next layer?")
            if not np.allclose(x @ W + b, _relu_net(weights, biases, x), atol=1e-9):
                return False, (f"at x = {np.round(x, 3).tolist()}, x W + b is "
                               f"{np.round(x @ W + b, 4).tolist()}, but the network gives "
                               f"{np.round(_relu_net(weights, biases, x), 4).tolist()}. Which "
                               "units are on at x, layer by layer?")
            ok, msg = compare(W, want_W, atol=1e-9, hint="W, b is right at x itself but not "
                              "nearby: the map must also hold for points x' close to x (the same "
                              "units on).")
            if not ok:
                return False, "W: " + msg
            ok, msg = compare(b, want_b, atol=1e-9)
            if not ok:
                return False, "b: " + msg
        return True, (f"on {len(points)} points, (W, b) is the network's linear piece there: "
                      "a ReLU network is affine on each region where the same units are on.")

    return report("local_affine", judge)


# ---------------------------------------------------------------- counting linear pieces

def _kinks(points, slopes, offset=0.0):
    """A continuous piecewise-linear function of one variable: slope ``slopes[0]`` left of
    every point, changing by ``slopes[k + 1]`` at ``points[k]``."""
    points, slopes = np.asarray(points, float), np.asarray(slopes, float)

    def f(x):
        x = np.asarray(x, float)
        y = offset + slopes[0] * x
        for p, s in zip(points, slopes[1:], strict=True):
            y = y + s * np.maximum(x - p, 0.0)
        return y

    return f


# (label, function, lo, hi, number of linear pieces on [lo, hi])
_PIECE_CASES = (
    ("f(x) = 3x + 1", lambda x: 3 * np.asarray(x, float) + 1, -3.0, 3.0, 1),
    ("relu", lambda x: np.maximum(np.asarray(x, float), 0.0), -3.0, 3.0, 2),
    ("|x - 0.3|", lambda x: np.abs(np.asarray(x, float) - 0.3), -3.0, 3.0, 2),
    ("relu on [1, 3] (no kink inside)", lambda x: np.maximum(np.asarray(x, float), 0.0),
     1.0, 3.0, 1),
    ("5 kinks, two of them 0.05 apart",
     _kinks([-1.7, -0.45, -0.4, 1.13, 2.5], [0.5, -1.0, 2.0, 0.7, -3.0, 1.5]), -3.0, 3.0, 6),
    ("3 kinks, slopes up to 40",
     _kinks([-2.2, 0.017, 1.9], [40.0, -50.0, 12.0, -30.0], offset=7.0), -3.0, 3.0, 4),
)


def _random_relu_net(width, depth, seed=0):
    rng = np.random.default_rng(seed)
    sizes = [1] + [width] * depth + [1]
    weights = [rng.normal(size=(m, n)) * np.sqrt(2 / m)
               for m, n in zip(sizes[:-1], sizes[1:], strict=True)]
    biases = [rng.normal(size=n) for n in sizes[1:]]

    def f(x):
        h = np.asarray(x, float).reshape(-1, 1)
        for i, (W, b) in enumerate(zip(weights, biases, strict=True)):
            h = h @ W + b
            if i < len(weights) - 1:
                h = np.maximum(h, 0.0)
        return h[:, 0]

    return f


def count_pieces(student_fn) -> bool | None:
    """Exercise (design): ``student_fn(f, lo, hi)`` returns how many linear pieces the continuous
    piecewise-linear function f (of one variable, elementwise on arrays) has on [lo, hi]."""

    def judge():
        wrong, too_many, too_few = [], False, False
        for label, f, lo, hi, pieces in _PIECE_CASES:
            got = student_fn(f, lo, hi)
            if isinstance(got, (bool, np.bool_)) or not isinstance(got, (int, np.integer)):
                return False, f"return a whole number (an int), got {got!r} for {label}."
            if int(got) != pieces:
                wrong.append(f"{label}: got {int(got)}, expected {pieces}")
                too_many, too_few = too_many or got > pieces, too_few or got < pieces
        if wrong:
            hints = []
            if too_many:
                hints.append("Too many: a kink that falls between two grid points bends the "
                             "slope on two neighbouring steps (count it once), and rounding "
                             "moves every slope a little (allow for it).")
            if too_few:
                hints.append("Too few: can your grid tell apart two kinks 0.05 apart?")
            return False, "; ".join(wrong) + ". " + " ".join(hints)
        counts = {depth: student_fn(_random_relu_net(16, depth), -3.0, 3.0) for depth in (1, 2)}
        return True, (f"all {len(_PIECE_CASES)} functions counted right. On [-3, 3], a random "
                      f"ReLU network with one hidden layer of 16 units has {counts[1]} pieces, "
                      f"with two such layers {counts[2]}; a linear network has 1.")

    return report("count_pieces", judge)
