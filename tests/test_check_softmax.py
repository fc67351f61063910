"""The self-checks of 05_softmax.ipynb: a right answer passes, a plausible wrong one fails with a
hint, the untouched stub says 'not attempted', other errors are one line. (Solutions live here,
never in the notebook.)"""

import math

import numpy as np
import pytest

import actlib as act
from tests.check_helpers import stub as _stub
from tests.check_helpers import verdict as _verdict

# ---------------------------------------------------------------- stable_softmax

def good_softmax(z):
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def naive_softmax(z):
    e = np.exp(z)
    return e / np.sum(e, axis=-1, keepdims=True)


def global_max_softmax(z):
    e = np.exp(z - np.max(z))
    return e / np.sum(e, axis=-1, keepdims=True)


def column_softmax(z):
    e = np.exp(z - np.max(z, axis=0, keepdims=True))
    return e / np.sum(e, axis=0, keepdims=True)


def math_softmax(z):
    rows = np.atleast_2d(z)
    out = [[math.exp(v) / sum(math.exp(u) for u in row) for v in row] for row in rows.tolist()]
    return np.reshape(out, np.shape(z))


def test_stable_softmax(capsys):
    check = act.check.stable_softmax
    assert _verdict(capsys, check, good_softmax).startswith("✅")
    out = _verdict(capsys, check, naive_softmax)
    assert out.startswith("❌") and "overflowed" in out and "exponent <= 0" in out
    assert "np.max" not in out  # a nudge, not the answer
    out = _verdict(capsys, check, global_max_softmax)
    assert out.startswith("❌") and "for each vector (each row)" in out
    out = _verdict(capsys, check, column_softmax)
    assert out.startswith("❌") and "each column sums to 1" in out
    out = _verdict(capsys, check, math_softmax)
    assert out.startswith("❌") and "math.exp overflowed" in out
    assert _verdict(capsys, check, _stub).startswith("⏳")
    assert _verdict(capsys, check, lambda z: z.nope).startswith("⚠️")


def test_stable_softmax_emits_no_warning():
    with np.errstate(all="raise"):  # the naive answer's overflow must stay inside the check
        assert act.check.stable_softmax(naive_softmax) is False


# ---------------------------------------------------------------- softmax_jacobian

def good_jacobian(z):
    p = act.softmax(z)
    return np.diag(p) - np.outer(p, p)


def test_softmax_jacobian(capsys):
    check = act.check.softmax_jacobian
    out = _verdict(capsys, check, good_jacobian)
    assert out.startswith("✅") and "numerical Jacobian" in out
    out = _verdict(capsys, check, lambda z: np.diag(act.softmax.derivative(z)))
    assert out.startswith("❌") and "off-diagonal" in out
    out = _verdict(capsys, check, act.softmax.derivative)
    assert out.startswith("❌") and "only the diagonal" in out
    out = _verdict(capsys, check, lambda z: -good_jacobian(z))
    assert out.startswith("❌") and "sign" in out
    out = _verdict(capsys, check, lambda z: np.outer(act.softmax(z), act.softmax(z)))
    assert out.startswith("❌") and "np.diag(p) - np.outer(p, p)" in out
    out = _verdict(capsys, check, lambda z: good_jacobian(z) if abs(z).max() < 100
                   else np.full((3, 3), np.nan))
    assert out.startswith("❌") and "[1000, 0, -1000]" in out
    assert _verdict(capsys, check, _stub).startswith("⏳")
    assert _verdict(capsys, check, lambda z: np.diag(z, z)).startswith("⚠️")


# ---------------------------------------------------------------- crossentropy_gradient

def good_gradient(z, y):
    return act.softmax(z) - np.eye(len(z))[y]


def chain_gradient(z, y):  # dL/dp through the Jacobian: right, but divides by p_y
    p = act.softmax(z)
    dL_dp = -np.eye(len(z))[y] / p[y]
    return (np.diag(p) - np.outer(p, p)).T @ dL_dp


def test_crossentropy_gradient(capsys):
    check = act.check.crossentropy_gradient
    out = _verdict(capsys, check, good_gradient)
    assert out.startswith("✅") and "numerical gradient" in out
    out = _verdict(capsys, check, lambda z, y: act.softmax(z))
    assert out.startswith("❌") and "onehot" in out
    out = _verdict(capsys, check, lambda z, y: -good_gradient(z, y))
    assert out.startswith("❌") and "sign" in out
    out = _verdict(capsys, check, lambda z, y: -np.eye(len(z))[y] / act.softmax(z)[y])
    assert out.startswith("❌") and "dL/dp" in out
    out = _verdict(capsys, check, chain_gradient)
    assert out.startswith("❌") and "[1000, 0, -1000]" in out and "no division" in out
    out = _verdict(capsys, check, lambda z, y: act.softmax(z) - 0.5)
    assert out.startswith("❌") and "numerical gradient" in out
    assert _verdict(capsys, check, _stub).startswith("⏳")
    assert _verdict(capsys, check, lambda z, y: z[y + 10]).startswith("⚠️")


# ---------------------------------------------------------------- log_softmax

def good_log_softmax(z):
    m = np.max(z, axis=-1, keepdims=True)
    return z - m - np.log(np.sum(np.exp(z - m), axis=-1, keepdims=True))


def test_log_softmax(capsys):
    check = act.check.log_softmax
    assert _verdict(capsys, check, good_log_softmax).startswith("✅")
    out = _verdict(capsys, check, lambda z: np.log(act.softmax(z)))
    assert out.startswith("❌") and "log(0) = -inf" in out
    out = _verdict(capsys, check, lambda z: z - np.log(np.sum(np.exp(z), axis=-1, keepdims=True)))
    assert out.startswith("❌") and "overflowed" in out
    out = _verdict(capsys, check, lambda z: z - np.max(z, axis=-1, keepdims=True))
    assert out.startswith("❌") and "values are off" in out
    assert _verdict(capsys, check, _stub).startswith("⏳")
    assert _verdict(capsys, check, lambda z: z @ "x").startswith("⚠️")


# ---------------------------------------------------------------- softmax_backward

def good_backward(z, g):
    p = act.softmax(z)
    return p * (g - np.sum(p * g, axis=-1, keepdims=True))


def test_softmax_backward(capsys):
    check = act.check.softmax_backward
    out = _verdict(capsys, check, good_backward)
    assert out.startswith("✅") and "numerical gradient" in out
    out = _verdict(capsys, check, lambda z, g: g * act.softmax.derivative(z))
    assert out.startswith("❌") and "diagonal only" in out
    out = _verdict(capsys, check, lambda z, g: -good_backward(z, g))
    assert out.startswith("❌") and "sign" in out
    out = _verdict(capsys, check, lambda z, g: g - np.sum(act.softmax(z) * g, axis=-1,
                                                           keepdims=True))
    assert out.startswith("❌") and "factor p_i" in out
    out = _verdict(capsys, check, lambda z, g: act.softmax(z) * (g - np.sum(act.softmax(z) * g)))
    assert out.startswith("❌") and "along the last axis" in out
    out = _verdict(capsys, check, lambda z, g: np.exp(z) / np.sum(np.exp(z), axis=-1,
                                                                   keepdims=True)
                   * (g - np.sum(np.exp(z) / np.sum(np.exp(z), axis=-1, keepdims=True) * g,
                                 axis=-1, keepdims=True)))
    assert out.startswith("❌") and "[1000, 0, -1000]" in out
    out = _verdict(capsys, check, lambda z, g: act.softmax(z))
    assert out.startswith("❌") and "values are off" in out
    assert _verdict(capsys, check, _stub).startswith("⏳")
    assert _verdict(capsys, check, lambda z, g: z @ "x").startswith("⚠️")


def test_softmax_backward_with_the_jacobian_passes(capsys):
    def with_jacobian(z, g):
        if z.ndim == 1:
            return act.softmax.jacobian(z).T @ g
        return np.stack([act.softmax.jacobian(zi).T @ gi for zi, gi in zip(z, g, strict=True)])

    assert _verdict(capsys, act.check.softmax_backward, with_jacobian).startswith("✅")


# ---------------------------------------------------------------- tempered_crossentropy_gradient

def good_tempered(z, y, T):
    return (act.softmax(z / T) - np.eye(len(z))[y]) / T


def test_tempered_crossentropy_gradient(capsys):
    check = act.check.tempered_crossentropy_gradient
    out = _verdict(capsys, check, good_tempered)
    assert out.startswith("✅") and "1/T" in out
    out = _verdict(capsys, check, lambda z, y, T: act.softmax(z / T) - np.eye(len(z))[y])
    assert out.startswith("❌") and "chain rule" in out and "exactly 0.5 times" in out
    out = _verdict(capsys, check, lambda z, y, T: act.softmax(z) - np.eye(len(z))[y])
    assert out.startswith("❌") and "softmax(z / T)" in out
    out = _verdict(capsys, check, lambda z, y, T: -good_tempered(z, y, T))
    assert out.startswith("❌") and "sign" in out
    out = _verdict(capsys, check, lambda z, y, T: (act.softmax(z / T) - np.eye(len(z))[y]) * T)
    assert out.startswith("❌") and "numerical gradient" in out
    out = _verdict(capsys, check, lambda z, y, T: act.softmax.jacobian(z / T).T
                   @ (-np.eye(len(z))[y] / act.softmax(z / T)[y]) / T)
    assert out.startswith("❌") and "[1000, 0, -1000]" in out
    assert _verdict(capsys, check, _stub).startswith("⏳")
    assert _verdict(capsys, check, lambda z, y, T: z[y + 10]).startswith("⚠️")


# ---------------------------------------------------------------- gradient_check (design)

def good_gradient_check(backward):
    rng = np.random.default_rng(0)
    for shape in [(5,), (3, 4)]:
        z, g = rng.normal(size=shape), rng.normal(size=shape)
        got = np.atleast_2d(backward(z, g))
        for zr, gr, row in zip(np.atleast_2d(z), np.atleast_2d(g), got, strict=True):
            numeric = act.check.numerical_gradient(lambda v, gr=gr: np.dot(gr, act.softmax(v)), zr)
            if act.check.rel_error(row, numeric) > 1e-6:
                return False
    return True


def one_vector_gradient_check(backward):  # never tries a batch
    rng = np.random.default_rng(0)
    z, g = rng.normal(size=5), rng.normal(size=5)
    numeric = act.check.numerical_gradient(lambda v: np.dot(g, act.softmax(v)), z)
    return act.check.rel_error(backward(z, g), numeric) < 1e-6


def equal_logits_gradient_check(backward):  # z = 0: p is uniform, and one wrong version is right
    cases = ((np.zeros(4), np.arange(4.0)), (np.zeros((2, 4)), np.arange(8.0).reshape(2, 4)))
    for z, g in cases:
        numeric = np.stack([
            act.check.numerical_gradient(lambda v, gr=gr: np.dot(gr, act.softmax(v)), zr)
            for zr, gr in zip(np.atleast_2d(z), np.atleast_2d(g), strict=True)])
        if act.check.rel_error(np.atleast_2d(backward(z, g)), numeric) > 1e-6:
            return False
    return True


def exact_gradient_check(backward):  # equality instead of a tolerance
    z, g = np.array([0.5, -1.0, 2.0]), np.array([1.0, 0.0, -1.0])
    return bool(np.all(backward(z, g) == act.check.numerical_gradient(
        lambda v: np.dot(g, act.softmax(v)), z)))


def test_gradient_check(capsys):
    check = act.check.gradient_check
    out = _verdict(capsys, check, good_gradient_check)
    assert out.startswith("✅") and "diagonal trap" in out
    out = _verdict(capsys, check, one_vector_gradient_check)
    assert out.startswith("❌") and "2-D batch" in out and "diagonal" not in out
    out = _verdict(capsys, check, equal_logits_gradient_check)
    assert out.startswith("❌") and "all the logits of a vector are equal" in out
    out = _verdict(capsys, check, exact_gradient_check)
    assert out.startswith("❌") and "tolerance" in out
    out = _verdict(capsys, check, lambda backward: True)
    assert out.startswith("❌") and "diagonal" in out and "sign" in out
    out = _verdict(capsys, check, lambda backward: "yes")
    assert out.startswith("❌") and "True or False" in out
    assert _verdict(capsys, check, _stub).startswith("⏳")
    assert _verdict(capsys, check, lambda backward: backward(1, 2, 3)).startswith("⚠️")


def test_gradient_check_wrong_backwards_are_wrong_but_plausible():
    """Each wrong backward differs from J^T g on random input, and agrees with it somewhere
    (that is what makes the design exercise a design exercise)."""
    from actlib.check.softmax import _WRONG_BACKWARDS, _backward_right

    rng = np.random.default_rng(1)
    Z, G = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    for label, backward in _WRONG_BACKWARDS:
        assert not np.allclose(backward(Z, G), _backward_right(Z, G)), label
    z0, g0 = np.zeros(4), np.ones(4)  # the diagonal and the sign are wrong even here...
    assert np.allclose(_WRONG_BACKWARDS[2][1](z0, G[0]), _backward_right(z0, G[0]))
    assert np.allclose(_WRONG_BACKWARDS[3][1](Z[0], G[0]), _backward_right(Z[0], G[0]))
    assert np.allclose(_WRONG_BACKWARDS[1][1](z0, g0), _backward_right(z0, g0))  # both 0


@pytest.mark.parametrize("name", act.check.softmax.__all__)
def test_every_check_is_exported(name):
    assert callable(getattr(act.check, name))
