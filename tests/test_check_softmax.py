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
    assert out.startswith("❌") and "overflowed" in out and "np.max(z, axis=-1" in out
    out = _verdict(capsys, check, global_max_softmax)
    assert out.startswith("❌") and "keepdims" in out
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


@pytest.mark.parametrize("name", act.check.softmax.__all__)
def test_every_check_is_exported(name):
    assert callable(getattr(act.check, name))
