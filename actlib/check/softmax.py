"""Self-checks for 05_softmax.ipynb."""

from __future__ import annotations

import numpy as np

from ..functions import softmax
from ._core import answer, compare, numerical_gradient, rel_error, report

__all__ = ["crossentropy_gradient", "gradient_check", "log_softmax", "softmax_backward",
           "softmax_jacobian", "stable_softmax", "tempered_crossentropy_gradient"]

_MAX_SHIFT_HINT = ("Section 2: adding the same number to every logit of a vector changes "
                   "nothing. Which number, chosen for each vector (each row) on its own, keeps "
                   "every exponent <= 0 (no overflow) and one of them exactly 0 (a sum that is "
                   "never 0)?")




def _fmt(a) -> str:
    return str(np.round(a, 3).tolist())  # one line, also for 2-D arrays


def _close(got, want) -> bool:
    return got.shape == np.shape(want) and bool(np.allclose(got, want, rtol=1e-6, atol=1e-9))


def _log_softmax(z):
    m = np.max(z, axis=-1, keepdims=True)
    return z - m - np.log(np.sum(np.exp(z - m), axis=-1, keepdims=True))


def stable_softmax(student_fn) -> bool | None:
    """Exercise: ``student_fn(z)`` is softmax along the last axis of a 1-D or 2-D array, and must
    not overflow for logits like [1000, 0]."""

    def judge():
        z = np.random.default_rng(4).normal(0, 3, size=(4, 5))
        try:
            got = answer(student_fn, z)
            if not _close(got, softmax(z)):
                e = np.exp(z)
                if _close(got, e / e.sum(axis=0, keepdims=True)):
                    return False, ("each column sums to 1, not each row: normalise along the "
                                   "last axis (axis=-1, keepdims=True).")
                if _close(got, e / e.sum()):
                    return False, ("the whole array sums to 1, not each row: normalise along "
                                   "the last axis (axis=-1, keepdims=True).")
                ok, msg = compare(got, softmax(z), hint="softmax(z)_i = e^(z_i) / sum_k e^(z_k), "
                                  "for each row of a 2-D z.")
                return False, "on a 4 x 5 array of logits: " + msg
            for case in ([3.0, 0.7, 0.5], [[1000.0, 0.0], [-1000.0, -1001.0], [1000.0, 999.0]]):
                got = answer(student_fn, case)
                if not np.all(np.isfinite(got)):
                    return False, (f"softmax({case}) gave {_fmt(got)}: "
                                   f"the exponentials overflowed (or all underflowed to 0). "
                                   f"{_MAX_SHIFT_HINT}")
                ok, msg = compare(got, softmax(case), hint=_MAX_SHIFT_HINT)
                if not ok:
                    return False, f"softmax({case}): {msg}"
        except OverflowError:
            return False, f"math.exp overflowed (it raises beyond e^709). {_MAX_SHIFT_HINT}"
        return True, ("matches act.softmax on 1-D and 2-D input, and softmax([1000, 0]) = "
                      "[1, 0] without overflow.")

    return report("stable_softmax", judge)


def softmax_jacobian(student_fn) -> bool | None:
    """Exercise: ``student_fn(z)`` for a 1-D z of length n returns the n x n matrix
    J[i, j] = d softmax(z)_i / d z_j = p_i (delta_ij - p_j), i.e. diag(p) - p p^T."""

    def judge():
        z = np.array([1.0, -0.5, 2.0, 0.3])
        want = softmax.jacobian(z)
        got = answer(student_fn, z)
        p = softmax(z)
        if got.shape == p.shape and np.allclose(got, p * (1 - p)):
            return False, ("that is only the diagonal p_i (1 - p_i), a vector; return the whole "
                           "n x n matrix: every output depends on every logit.")
        if got.shape == want.shape and np.allclose(got, np.diag(p * (1 - p))):
            return False, ("the diagonal is right, but the off-diagonal entries are "
                           "-p_i p_j, not 0: raising z_j lowers every other probability.")
        if got.shape == want.shape and np.allclose(got, -want):
            return False, "the sign is flipped: J = diag(p) - p p^T (np.outer(p, p))."
        ok, msg = compare(got, want, hint="J = np.diag(p) - np.outer(p, p) with p = softmax(z).")
        if not ok:
            return False, msg
        numeric = np.stack([numerical_gradient(lambda v, i=i: softmax(v)[i], z)
                            for i in range(len(z))])
        err = rel_error(got, numeric)
        got = answer(student_fn, [1000.0, 0.0, -1000.0])
        ok, msg = compare(got, softmax.jacobian([1000.0, 0.0, -1000.0]), atol=1e-12,
                          hint="Use a stable softmax (act.softmax) for p.")
        if not ok:
            return False, "for z = [1000, 0, -1000]: " + msg
        return True, (f"matches act.softmax.jacobian and a numerical Jacobian (relative error "
                      f"{'below 1e-8' if err < 1e-8 else f'{err:.0e}'}); each row sums to 0.")

    return report("softmax_jacobian", judge)


def crossentropy_gradient(student_fn) -> bool | None:
    """Exercise: ``student_fn(z, y)`` for a 1-D z and a class index y returns the gradient of
    L(z) = -log softmax(z)_y, which is p - onehot(y)."""

    def judge():
        cases = [(np.array([2.0, -1.0, 0.5]), 0), (np.array([0.3, 1.7, -2.0, 0.0]), 2),
                 (np.array([-1.0, 4.0]), 0)]
        worst = 0.0
        for z, y in cases:
            got = answer(student_fn, z, y)
            p, onehot = softmax(z), np.eye(len(z))[y]
            numeric = numerical_gradient(lambda v, y=y: -np.log(softmax(v)[y]), z)
            if _close(got, p):
                return False, ("you returned p; the label's entry must also lose 1: "
                               "p - onehot(y).")
            if _close(got, onehot - p):
                return False, "the sign is flipped: the gradient is p - onehot(y)."
            if _close(got, -onehot / p[y]):
                return False, ("that is dL/dp; the gradient with respect to the logits z "
                               "goes through the softmax Jacobian, and simplifies to p - y.")
            ok, msg = compare(got, numeric, rtol=1e-5, atol=1e-7,
                              hint="Differentiate -z_y + log sum_k e^(z_k).")
            if not ok:
                return False, f"for z = {z.tolist()}, y = {y} (against a numerical gradient): {msg}"
            worst = max(worst, rel_error(got, numeric))
        got = answer(student_fn, [1000.0, 0.0, -1000.0], 2)
        ok, msg = compare(got, [1.0, 0.0, -1.0], atol=1e-12,
                          hint="p - onehot(y) needs no division: use a stable softmax for p.")
        if not ok:
            return False, "for z = [1000, 0, -1000], y = 2: " + msg
        return True, (f"agrees with the numerical gradient (relative error "
                      f"{'below 1e-7' if worst < 1e-7 else f'{worst:.0e}'}) and stays finite "
                      "for a confidently wrong prediction: [1, 0, -1].")

    return report("crossentropy_gradient", judge)


def log_softmax(student_fn) -> bool | None:
    """Exercise: ``student_fn(z)`` returns log softmax(z) along the last axis, computed so that
    it stays finite: log_softmax([0, -1000]) = [0, -1000]."""

    def judge():
        z = np.random.default_rng(5).normal(0, 3, size=(3, 4))
        try:
            got = answer(student_fn, z)
            ok, msg = compare(got, _log_softmax(z), hint="log softmax(z)_i = z_i - log sum_k "
                              "e^(z_k), for each row of a 2-D z.")
            if not ok:
                return False, "on a 3 x 4 array of logits: " + msg
            case = [[0.0, -1000.0], [1000.0, 0.0]]
            got = answer(student_fn, case)
        except OverflowError:
            return False, f"math.exp overflowed. {_MAX_SHIFT_HINT}"
        want = np.array([[0.0, -1000.0], [0.0, -1000.0]])
        if got.shape == want.shape and not np.all(np.isfinite(got[:, 0])):
            return False, (f"log_softmax({case}) gave {_fmt(got)}: e^1000 overflowed. "
                           f"{_MAX_SHIFT_HINT}")
        if np.any(np.isneginf(got)):
            return False, (f"log_softmax({case}) gave {_fmt(got)}: the probability "
                           "e^-1000 underflows to 0 and log(0) = -inf. Don't take the log of "
                           "the probabilities: what is log(e^a / s) before you compute "
                           "anything?")
        if not np.all(np.isfinite(got)):
            return False, (f"log_softmax({case}) gave {_fmt(got)}: e^1000 "
                           f"overflowed. {_MAX_SHIFT_HINT}")
        ok, msg = compare(got, want, hint="Write log(e^(z_i) / sum_k e^(z_k)) as a difference, "
                          "then shift as in a stable softmax.")
        if not ok:
            return False, f"log_softmax({case}): {msg}"
        return True, "stable: log_softmax([0, -1000]) = [0, -1000], where log(softmax) gives -inf."

    return report("log_softmax", judge)


# ---------------------------------------------------------------- backprop through softmax

def _vjp(z, g):
    """J^T g along the last axis: p * (g - <p, g>) (J = diag(p) - p p^T is symmetric)."""
    p = softmax(z)
    return p * (g - np.sum(p * g, axis=-1, keepdims=True))


def _backward_problem():
    rng = np.random.default_rng(8)
    return rng.normal(0, 2, size=5), rng.normal(size=5), rng.normal(0, 2, size=(4, 5)), \
        rng.normal(size=(4, 5))


def softmax_backward(student_fn) -> bool | None:
    """Exercise: ``student_fn(z, g)`` returns J^T g, the gradient that flows back through
    p = softmax(z) when dL/dp = g, along the last axis of a 1-D or 2-D z (one vector of logits
    per row), without building the n x n Jacobian."""

    def judge():
        z, g, Z, G = _backward_problem()
        got = answer(student_fn, z, g)
        want = softmax.jacobian(z).T @ g
        p = softmax(z)
        if _close(got, g * softmax.derivative(z)):
            return False, ("that is g times act.softmax.derivative, the Jacobian's diagonal "
                           "only: raising z_j also lowers every other p_i. Which terms of "
                           "J^T g does that leave out?")
        if _close(got, -want):
            return False, "the sign is flipped: compare with act.softmax.jacobian(z).T @ g."
        if _close(got, g - np.sum(p * g)):
            return False, "close: every entry still needs a factor p_i."
        ok, msg = compare(got, want, hint="Write (J^T g)_j = sum_i J_ij g_i with J = diag(p) - "
                          "p p^T and simplify: one sum over i is left, the same for every j.")
        if not ok:
            return False, "for a 1-D z (against act.softmax.jacobian(z).T @ g): " + msg
        numeric = numerical_gradient(lambda v: float(np.dot(g, softmax(v))), z)
        err = rel_error(got, numeric)
        got = answer(student_fn, Z, G)
        want = _vjp(Z, G)
        P = softmax(Z)
        if _close(got, P * (G - np.sum(P * G))):
            return False, ("right for one vector, but on a 2-D batch the sum <p, g> runs over the "
                           "whole array: take it along the last axis, one per row (keepdims).")
        ok, msg = compare(got, want, hint="Each row is its own softmax: sums along axis=-1.")
        if not ok:
            return False, "on a 4 x 5 batch (one vector of logits per row): " + msg
        got = answer(student_fn, [1000.0, 0.0, -1000.0], [1.0, 2.0, 3.0])
        ok, msg = compare(got, _vjp(np.array([1000.0, 0.0, -1000.0]), np.array([1.0, 2.0, 3.0])),
                          atol=1e-12, hint="Use a stable softmax (act.softmax) for p.")
        if not ok:
            return False, "for z = [1000, 0, -1000]: " + msg
        return True, (f"J^T g for vectors and batches, matching a numerical gradient of <g, "
                      f"softmax(z)> (relative error {'below 1e-8' if err < 1e-8 else f'{err:.0e}'}"
                      "), with n numbers instead of an n x n matrix.")

    return report("softmax_backward", judge)


def tempered_crossentropy_gradient(student_fn) -> bool | None:
    """Exercise: ``student_fn(z, y, T)`` for a 1-D z, a class index y and a temperature T > 0
    returns the gradient of L(z) = -log softmax(z / T)_y with respect to z:
    (softmax(z / T) - onehot(y)) / T."""

    def judge():
        cases = [(np.array([2.0, -1.0, 0.5]), 0, 1.0), (np.array([0.3, 1.7, -2.0, 0.0]), 2, 0.5),
                 (np.array([-1.0, 4.0, 1.0]), 0, 4.0)]
        worst = 0.0
        for z, y, T in cases:
            got = answer(student_fn, z, y, T)
            onehot = np.eye(len(z))[y]
            p_T = softmax(z / T)
            numeric = numerical_gradient(lambda v, y=y, T=T: -np.log(softmax(v / T)[y]), z)
            if T != 1 and _close(got, p_T - onehot):
                return False, (f"for T = {T:g} your gradient is exactly {T:g} times the true "
                               "one: the logits pass through v = z / T first. What does the "
                               "chain rule add?")
            if T != 1 and _close(got, softmax(z) - onehot):
                return False, (f"for T = {T:g} you used softmax(z): the loss sees softmax(z / T).")
            if _close(got, onehot - p_T) or _close(got, (onehot - p_T) / T):
                return False, "the sign is flipped: the gradient points towards more loss."
            ok, msg = compare(got, numeric, rtol=1e-5, atol=1e-7,
                              hint="Start from section 6 for T = 1; then the chain rule.")
            if not ok:
                return False, (f"for z = {z.tolist()}, y = {y}, T = {T:g} (against a numerical "
                               f"gradient): {msg}")
            worst = max(worst, rel_error(got, numeric))
        got = answer(student_fn, [1000.0, 0.0, -1000.0], 2, 0.5)
        ok, msg = compare(got, [2.0, 0.0, -2.0], atol=1e-12,
                          hint="The gradient needs no division by a probability: use a stable "
                               "softmax.")
        if not ok:
            return False, "for z = [1000, 0, -1000], y = 2, T = 0.5: " + msg
        return True, (f"agrees with the numerical gradient for T = 1, 0.5 and 4 (relative error "
                      f"{'below 1e-7' if worst < 1e-7 else f'{worst:.0e}'}): a low temperature "
                      "makes the gradient 1/T times stronger.")

    return report("tempered_crossentropy_gradient", judge)


# ---------------------------------------------------------------- design: a gradient check

def _backward_right(z, g):
    return _vjp(np.asarray(z, float), np.asarray(g, float))


def _backward_with_jacobian(z, g):
    z, g = np.asarray(z, float), np.asarray(g, float)
    if z.ndim == 1:
        return softmax.jacobian(z).T @ g
    return np.stack([softmax.jacobian(zi).T @ gi for zi, gi in zip(z, g, strict=True)])


def _backward_diagonal(z, g):  # act.softmax.derivative used as if softmax were elementwise
    return np.asarray(g, float) * softmax.derivative(np.asarray(z, float))


def _backward_uniform(z, g):  # right only when every probability is equal
    z, g = np.asarray(z, float), np.asarray(g, float)
    return softmax(z) * (g - np.mean(g, axis=-1, keepdims=True))


def _backward_global_sum(z, g):  # right for one vector, wrong on a batch
    z, g = np.asarray(z, float), np.asarray(g, float)
    p = softmax(z)
    return p * (g - np.sum(p * g))


def _backward_sign(z, g):
    return -_backward_right(z, g)


#: (what is wrong, the wrong backward) -- each one is right on some inputs.
_WRONG_BACKWARDS = (
    ("uses only the Jacobian's diagonal (act.softmax.derivative)", _backward_diagonal),
    ("has the sign flipped", _backward_sign),
    ("is right only when all the logits of a vector are equal", _backward_uniform),
    ("is right for one vector but mixes the rows of a 2-D batch", _backward_global_sum),
)


def gradient_check(student_fn) -> bool | None:
    """Exercise (design): ``student_fn(backward)`` tests a function ``backward(z, g)`` that claims
    to return J^T g for p = softmax(z) along the last axis (1-D or 2-D z), and returns True if
    it is right, False if not. The check hands it right and wrong implementations."""

    def judge():
        for label, backward in (("a right backward", _backward_right),
                                ("a right backward that builds the Jacobian",
                                 _backward_with_jacobian)):
            verdict = student_fn(backward)
            if not isinstance(verdict, (bool, np.bool_)):
                return False, f"return True or False, got {type(verdict).__name__}."
            if not verdict:
                return False, (f"your test rejected {label}. Compare with a tolerance: a "
                               "numerical gradient agrees to about 1e-7, not exactly.")
        missed = [label for label, backward in _WRONG_BACKWARDS if student_fn(backward)]
        if missed:
            return False, ("your test passed a backward that " + "; and one that ".join(missed)
                           + ". What inputs would make it show its mistake?")
        return True, (f"your test accepts both right versions and catches all "
                      f"{len(_WRONG_BACKWARDS)} wrong ones, including the diagonal trap.")

    return report("gradient_check", judge)
