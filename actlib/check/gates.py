"""Self-checks for 08_gates_and_hardware.ipynb."""

from __future__ import annotations

import numpy as np

from ..functions import sigmoid, silu
from ..gated import swiglu
from ._core import answer, compare, report

__all__ = ["forget_bias", "int8_step", "matched_width", "swiglu_vjp"]


# ---------------------------------------------------------------- the vjp of swiglu

def _swiglu_cases():
    rng = np.random.default_rng(8)
    x = rng.normal(scale=2.0, size=(5, 6))
    g = rng.normal(size=(5, 3))
    return x, g


def swiglu_vjp(student_fn) -> bool | None:
    """Exercise: ``student_fn(x, g)`` returns the gradient of sum(g * swiglu(x)) with respect to
    x: [g silu(b), g a silu'(b)], of x's shape."""

    def judge():
        x, g = _swiglu_cases()
        got = answer(student_fn, x, g)
        want = swiglu.vjp(x, g)
        if got.shape != want.shape:
            hint = ("the gradient has x's shape (5, 6), one number per input: the a half and "
                    "the b half side by side (np.concatenate(..., axis=-1))")
            if got.shape == g.shape:
                hint = ("you returned one half only (shape of g); x has two halves, a and b, "
                        "and both get a gradient: concatenate them along the last axis")
            return False, f"expected shape {want.shape}, got {got.shape}: {hint}."
        a, b = np.split(x, 2, axis=-1)
        half = want.shape[-1] // 2
        if np.allclose(got[:, :half], want[:, :half]):
            if any(np.allclose(got[:, half:], w) for w in (g * silu(b), g * a * sigmoid(b))):
                return False, ("the a half is right; in the b half, the chain rule goes through "
                               "silu: d(a silu(b))/db = a silu'(b), with silu'(b) = sigma(b) "
                               "(1 + b sigma(-b)) (act.silu.derivative).")
            if np.allclose(got[:, half:], a * silu.derivative(b)):
                return False, "the b half forgot to multiply by g, the gradient from above."
        if np.allclose(got[:, half:], want[:, half:]) and np.allclose(got[:, :half], silu(b)):
            return False, "the a half forgot to multiply by g, the gradient from above."
        if np.allclose(got, np.concatenate([want[:, half:], want[:, :half]], axis=-1)):
            return False, ("the halves are swapped: a (the value) is the first half of x, b (the "
                           "gate's input) the second, and the gradient keeps that order.")
        ok, msg = compare(got, want, hint="dy/da = silu(b), dy/db = a silu'(b); multiply each by "
                                          "g and concatenate [a part, b part].")
        if not ok:
            return False, msg
        return True, ("matches act.swiglu.vjp: the value half gets g silu(b), the gate half "
                      "g a silu'(b).")

    return report("swiglu_vjp", judge)


# ---------------------------------------------------------------- the parameter-matched width

_WIDTHS = (3, 24, 96, 3072, 12288)


def matched_width(student_fn) -> bool | None:
    """Exercise: ``student_fn(h)`` returns the hidden width h' of a gated block (3 d h' weights)
    with as many weights as a plain block of width h (2 d h): h' = 2h/3."""

    def judge():
        got = np.array([float(answer(student_fn, h)) for h in _WIDTHS])
        want = 2 * np.array(_WIDTHS) / 3
        h = np.array(_WIDTHS, float)
        for wrong, hint in ((h / 2, "half the width keeps 3 d (h/2) = 1.5 d h weights, less than "
                                    "the plain block's 2 d h: count both blocks' matrices."),
                            (h, "the same width gives the gated block 3 d h weights, 1.5 times "
                                "the plain one's: it has a third matrix."),
                            (3 * h / 2, "that is the ratio upside down: the gated block has "
                                        "more matrices, so it gets the smaller width."),
                            (h / 3, "the plain block has two d x h matrices, not one: 2 d h.")):
            if np.allclose(got, wrong):
                return False, hint
        ok, msg = compare(got, want, rtol=1e-9, atol=1e-9,
                          hint="set 3 d h' = 2 d h (two matrices of the plain block, three of "
                               "the gated one) and solve for h'.")
        if not ok:
            return False, msg
        return True, ("h' = 2h/3: 3 d h' = 2 d h. LLaMA's 4d hidden width becomes 8d/3 (rounded "
                      "up to a multiple of 256 in practice).")

    return report("matched_width", judge)


# ---------------------------------------------------------------- the int8 step

_RANGES = ((0.0, 6.0), (0.0, 25.5), (-3.0, 6.0), (-1.0, 1.0))


def int8_step(student_fn) -> bool | None:
    """Exercise: ``student_fn(lo, hi)`` returns the step of an 8-bit affine quantiser over
    [lo, hi]: (hi - lo) / 255."""

    def judge():
        got = np.array([float(answer(student_fn, lo, hi)) for lo, hi in _RANGES])
        span = np.array([hi - lo for lo, hi in _RANGES])
        for wrong, hint in ((span / 256, "256 levels have 255 gaps between them: the first "
                                         "level is lo, the last is hi."),
                            (span / 127, "that is a symmetric quantiser's step for one sign "
                                         "(q up to 127); the affine one spreads all 256 levels "
                                         "over [lo, hi]."),
                            (span / 128, "an affine int8 quantiser uses all 256 levels (0..255) "
                                         "over [lo, hi]."),
                            (span / 8, "8 bits give 2^8 = 256 levels, not 8.")):
            if np.allclose(got, wrong):
                return False, hint
        ok, msg = compare(got, span / 255, rtol=1e-9, atol=0,
                          hint="(hi - lo) divided by the number of gaps between 2^8 levels.")
        if not ok:
            return False, msg
        return True, "(hi - lo) / 255: for ReLU6's [0, 6], 0.0235."

    return report("int8_step", judge)


# ---------------------------------------------------------------- the forget-gate bias

_MEMORY = ((100, 0.5), (10, 0.5), (1000, 0.9), (50, 0.01))


def _logit(p):
    return np.log(p) - np.log1p(-p)


def forget_bias(student_fn) -> bool | None:
    """Exercise (design): ``student_fn(steps, keep)`` returns the forget-gate bias b for which
    sigma(b)^steps = keep (the memory path's gradient after ``steps`` steps, with the gate's
    other inputs at 0): b = logit(keep^(1/steps))."""

    def judge():
        got = np.array([float(answer(student_fn, s, k)) for s, k in _MEMORY])
        want = np.array([_logit(k ** (1 / s)) for s, k in _MEMORY])
        for wrong, hint in ((np.array([_logit(k) for _, k in _MEMORY]),
                             "that bias keeps `keep` after one step; the gate multiplies the "
                             "gradient once per step, steps times in all."),
                            (np.array([k ** (1 / s) for s, k in _MEMORY]),
                             "that is the gate's value f = keep^(1/steps); the exercise asks for "
                             "the bias b with sigma(b) = f: invert the sigmoid."),
                            (np.array([_logit(k / s) for s, k in _MEMORY]),
                             "the gradient is multiplied by f at each step, f^steps in all, "
                             "not divided into steps equal parts.")):
            if np.allclose(got, wrong, rtol=1e-6):
                return False, hint
        ok, msg = compare(got, want, rtol=1e-6, atol=1e-9,
                          hint="solve sigma(b)^steps = keep: sigma(b) = keep^(1/steps), and "
                               "b = log(f / (1 - f)).")
        if not ok:
            return False, msg
        return True, (f"b = logit(keep^(1/steps)): {want[0]:.2f} keeps half the gradient over "
                      "100 steps. Such a gate is nearly shut to new input, which is why LSTMs "
                      "learn their gates instead of fixing them.")

    return report("forget_bias", judge)
