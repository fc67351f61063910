"""Self-checks for 05_softmax.ipynb."""

from __future__ import annotations

import numpy as np

from ..functions import softmax
from ._core import answer, compare, numerical_gradient, rel_error, report

__all__ = ["crossentropy_gradient", "log_softmax", "softmax_jacobian", "stable_softmax"]

_MAX_SHIFT_HINT = ("Subtract each vector's largest logit first, m = np.max(z, axis=-1, "
                   "keepdims=True): e^(z - m) never overflows, and its largest term is exactly 1, "
                   "so the sum is never 0.")




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
                           "the probabilities: compute z - m - log(sum(e^(z - m))) directly.")
        if not np.all(np.isfinite(got)):
            return False, (f"log_softmax({case}) gave {_fmt(got)}: e^1000 "
                           f"overflowed. {_MAX_SHIFT_HINT}")
        ok, msg = compare(got, want, hint="log softmax(z) = z - m - log(sum(e^(z - m))).")
        if not ok:
            return False, f"log_softmax({case}): {msg}"
        return True, "stable: log_softmax([0, -1000]) = [0, -1000], where log(softmax) gives -inf."

    return report("log_softmax", judge)
