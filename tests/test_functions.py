"""actlib's NumPy activations: accuracy, dtypes, shapes, special values, bad input."""

import subprocess
import sys
import warnings

import numpy as np
import pytest

import actlib as act
from tests import reference as ref

ELEMENTWISE = act.ELEMENTWISE_NAMES
ACTIVATIONS = (*ELEMENTWISE, "softmax")  # every Activation object (the rest: tests/test_gated.py)
CASES = tuple(ref.REFERENCE)  # elementwise names, plus gelu's tanh form as "gelu_tanh"


def activation(case):
    """(activation object, params) for a reference case name."""
    params, _, _ = ref.REFERENCE[case]
    return act.get("gelu" if case == "gelu_tanh" else case), params


# The whole real line: tiny to huge magnitudes of both signs, and the interesting middle.
GRID = np.unique(np.concatenate([
    -np.logspace(-300, 308, 240), np.logspace(-300, 308, 240), [0.0],
    np.linspace(-40, 40, 321), [-1.2784645427610738, -0.7517916, -1e-8, 1e-8],
]))


def assert_close(got, want, rtol, atol, what):
    got, want = np.asarray(got, np.float64), np.asarray(want, np.float64)
    with np.errstate(invalid="ignore"):  # inf - inf: equal values, accepted below
        err = np.abs(got - want)
    bad = ~(err <= rtol * np.abs(want) + atol)
    bad &= ~((got == want) | (np.isnan(got) & np.isnan(want)))
    assert not bad.any(), (f"{what}: {bad.sum()} points off, e.g. at {np.flatnonzero(bad)[:5]}, "
                           f"got {got[bad][:3]}, want {want[bad][:3]}")


# ------------------------------------------------------------------------- the API contract

def test_names_and_registry():
    assert act.NAMES == ("linear", "sigmoid", "tanh", "relu", "leaky_relu", "prelu", "rrelu", "elu",
                         "selu", "softmax", "softplus", "gelu", "silu", "mish")
    assert act.ELEMENTWISE_NAMES == (*(n for n in act.NAMES if n != "softmax"), "relu6",
                                     "hard_sigmoid", "hard_silu", "squared_relu")
    assert act.GATED_NAMES == ("glu", "reglu", "geglu", "swiglu")
    assert act.VECTOR_NAMES == ("softmax", "glu", "reglu", "geglu", "swiglu", "maxout")
    assert set(act.ALL_NAMES) == set(act.ELEMENTWISE_NAMES) | set(act.VECTOR_NAMES)
    assert len(set(act.ALL_NAMES)) == len(act.ALL_NAMES) == 23
    assert act.ALL_NAMES[:len(act.NAMES)] == act.NAMES
    for name in act.ALL_NAMES:
        assert act.get(name) is getattr(act, name)
        assert act.get(name).name == name
        assert act.get(name.upper()) is act.get(name)
    assert set(CASES) - {"gelu_tanh"} == set(ELEMENTWISE)  # every one has a reference
    assert act.swish is act.silu
    assert act.get("swish") is act.silu
    assert act.hard_swish is act.hard_silu
    assert act.get("hard_swish") is act.hard_silu
    assert act.get("Hard_Swish") is act.hard_silu
    assert act.get("ELU") is act.elu


def test_get_unknown_name_lists_every_name():
    with pytest.raises(ValueError, match="unknown activation 'relu7'") as info:
        act.get("relu7")
    for name in act.ALL_NAMES:
        assert name in str(info.value)
    with pytest.raises(TypeError, match="get: name must be a string"):
        act.get(3)


def test_signatures_and_defaults():
    assert act.leaky_relu.defaults == {"alpha": 0.01}
    assert act.prelu.defaults == {"alpha": 0.25}
    assert act.elu.defaults == {"alpha": 1.0}
    assert act.rrelu.defaults == {"lower": 1 / 8, "upper": 1 / 3, "training": False, "rng": None}
    assert act.gelu.defaults == {"approximate": False}
    assert act.softmax.defaults == {"axis": -1}
    assert repr(act.elu) == "<activation elu(x, alpha=1.0)>"


@pytest.mark.parametrize("name", act.ALL_NAMES)
def test_docstring_gives_formula_and_derivative(name):
    doc = act.get(name).__doc__
    assert ".. math::" in doc and len(doc) > 200


# each new activation's docstring names its paper (arXiv id) and, where libraries differ, says so
DOC_FACTS = {"relu6": ["1801.04381", "Relu6Grad"], "hard_sigmoid": ["0.2 x + 0.5", "1905.02244",
             "relu6(x + 3) / 6"], "hard_silu": ["1905.02244", "hard_swish", "PyTorch"],
             "squared_relu": ["2109.08668"], "glu": ["1612.08083", "F.glu"],
             "reglu": ["2002.05202"], "geglu": ["2002.05202"], "swiglu": ["2002.05202"],
             "maxout": ["1302.4389", "consecutive", "tie"]}


@pytest.mark.parametrize("name", DOC_FACTS)
def test_new_docstrings_cite_and_state_conventions(name):
    for fact in DOC_FACTS[name]:
        assert fact in act.get(name).__doc__, fact


def test_selu_constants_to_double_precision():
    alpha, lam = ref.selu_constants()
    assert act.SELU_ALPHA == float(alpha)
    assert act.SELU_SCALE == float(lam)


def test_import_is_light():
    code = ("import sys, actlib; actlib.relu(1.0); "
            "print(sorted(m for m in ('tensorflow', 'keras', 'matplotlib') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# ------------------------------------------------------------------------- accuracy

@pytest.mark.parametrize("case", CASES)
def test_float64_matches_mpmath_forward_and_derivative(case):
    fn, params = activation(case)
    _, f, df = ref.REFERENCE[case]
    assert_close(fn(GRID, **params), ref.evaluate(f, GRID), 1e-7, 1e-300, f"{case} f")
    # silu', gelu' and mish' have a root in the middle of the line, where relative error is
    # meaningless: there (|x| < 10) the derivative is compared to 1e-15 absolute as well.
    atol = np.where(np.abs(GRID) < 10, 1e-15, 1e-300)
    assert_close(fn.derivative(GRID, **params), ref.evaluate(df, GRID), 1e-7, atol, f"{case} f'")


def to_float32(y):
    """float64 values rounded to float32: beyond its range, inf (squared_relu's x^2 there)."""
    with np.errstate(over="ignore"):
        return np.asarray(y).astype(np.float32)


@pytest.mark.parametrize("case", CASES)
def test_float32_within_2e_6_of_float64(case):
    fn, params = activation(case)
    x32 = GRID[np.abs(GRID) < np.finfo(np.float32).max].astype(np.float32)
    x64 = x32.astype(np.float64)
    tiny = np.finfo(np.float32).tiny  # below it float32 is subnormal: no relative precision left
    assert_close(fn(x32, **params), to_float32(fn(x64, **params)), 2e-6, tiny, f"{case} f")
    # Derivatives are O(1); near a derivative's root, relative error is meaningless.
    assert_close(fn.derivative(x32, **params), to_float32(fn.derivative(x64, **params)), 2e-6,
                 2e-7, f"{case} f'")


def ulps(got, want):
    """|got - want| in units in the last place of want's dtype (want: the exact value)."""
    got, want = np.asarray(got), np.asarray(want, np.float64)
    spacing = np.spacing(np.abs(want.astype(got.dtype))).astype(np.float64)
    ok = (got == want) | (np.isnan(got) & np.isnan(want))
    return np.where(ok, 0.0, np.abs(got.astype(np.float64) - want) / spacing)


HARD_AND_SQUARED = ("relu6", "hard_sigmoid", "hard_silu", "squared_relu")
# Measured worst cases on GRID and 4001 points of [-8, 8], float64 and float32, against mpmath
# rounded to float64: relu6 0 ulp (exact), hard_sigmoid 1, hard_silu 1.5 (float32) and 1
# (float64), squared_relu 0.5 (one rounding); derivatives <= 1 ulp.
MAX_ULPS = {"relu6": 0, "hard_sigmoid": 1, "hard_silu": 2, "squared_relu": 0.5}
MIDDLE = np.linspace(-8, 8, 4001)


@pytest.mark.parametrize("name", HARD_AND_SQUARED)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_hard_and_squared_within_a_few_ulps_of_mpmath(name, dtype):
    _, f, df = ref.REFERENCE[name]
    fmax = np.finfo(dtype).max
    x = np.concatenate([GRID[np.abs(GRID) < fmax], MIDDLE]).astype(dtype)
    want = np.array(ref.evaluate(f, x))
    keep = np.abs(want) < fmax  # squared_relu's x^2 overflows: inf, checked elsewhere
    fn = act.get(name)
    assert ulps(fn(x)[keep], want[keep]).max() <= MAX_ULPS[name]
    wantd = np.array(ref.evaluate(df, x))
    keep = np.abs(wantd) < fmax
    assert ulps(fn.derivative(x)[keep], wantd[keep]).max() <= max(MAX_ULPS[name], 1)


def test_sigmoid_tails_are_accurate_in_float32():
    x = np.array([-80.0, -30.0, 30.0], np.float32)
    assert act.sigmoid(x)[0] > 0
    assert act.sigmoid.derivative(x)[2] == pytest.approx(np.exp(-30.0), rel=1e-6)


# ------------------------------------------------------------------------- dtypes and shapes

@pytest.mark.parametrize("name", ACTIVATIONS)
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_float_dtype_is_kept(name, dtype):
    x = np.linspace(-3, 3, 12, dtype=dtype).reshape(3, 4)
    fn = act.get(name)
    for y in (fn(x), fn.derivative(x)):
        assert y.dtype == dtype and y.shape == x.shape


@pytest.mark.parametrize("name", ACTIVATIONS)
@pytest.mark.parametrize("x", [[-1, 0, 2], np.array([-1, 2], np.int32), np.array([True, False]),
                               [[0.5, -0.5]]])
def test_ints_bools_lists_give_float64(name, x):
    fn = act.get(name)
    for y in (fn(x), fn.derivative(x)):
        assert y.dtype == np.float64 and y.shape == np.shape(x)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_scalars_and_zero_d(name):
    fn = act.get(name)
    for x in (2, 2.5, np.float64(2.0), np.array(-1.0)):
        y = fn(x)
        assert np.shape(y) == () and np.asarray(y).dtype == np.float64


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("name", ACTIVATIONS)
@pytest.mark.parametrize("shape", [(0,), (0, 3), (3, 0), (0, 0)])
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_empty_arrays(name, shape, dtype):
    fn = act.get(name)
    empty = np.zeros(shape, dtype)
    for y in (fn(empty), fn.derivative(empty)):
        assert y.shape == shape and y.dtype == dtype


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_input_is_never_modified(name):
    x = np.linspace(-5, 5, 11)
    before = x.copy()
    fn = act.get(name)
    fn(x)
    fn.derivative(x)
    if name == "softmax":
        fn.jacobian(x)
    np.testing.assert_array_equal(x, before)


# ------------------------------------------------------------------------- special values

EXTREMES = {dt: np.array([np.finfo(dt).min, -1e4, -50, -1, -0.0, 0.0, 1, 50, 1e4, np.finfo(dt).max],
                         dt) for dt in (np.float16, np.float32, np.float64)}


@pytest.mark.parametrize("name", ACTIVATIONS)
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_no_runtime_warning_for_any_finite_input(name, dtype):
    fn = act.get(name)
    x = EXTREMES[dtype][np.isfinite(EXTREMES[dtype])]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y, d = fn(x), fn.derivative(x)
        if name == "softmax":
            fn.jacobian(x)
    assert not np.isnan(y).any() and not np.isnan(d).any()


LIMITS = {  # name: (f(-inf), f(+inf), f'(-inf), f'(+inf))
    "linear": (-np.inf, np.inf, 1, 1),
    "sigmoid": (0, 1, 0, 0), "tanh": (-1, 1, 0, 0), "relu": (0, np.inf, 0, 1),
    "leaky_relu": (-np.inf, np.inf, 0.01, 1), "prelu": (-np.inf, np.inf, 0.25, 1),
    "rrelu": (-np.inf, np.inf, (1 / 8 + 1 / 3) / 2, 1), "elu": (-1, np.inf, 0, 1),
    "selu": (-act.SELU_SCALE * act.SELU_ALPHA, np.inf, 0, act.SELU_SCALE),
    "softplus": (0, np.inf, 0, 1), "gelu": (0, np.inf, 0, 1), "silu": (0, np.inf, 0, 1),
    "mish": (0, np.inf, 0, 1), "relu6": (0, 6, 0, 0), "hard_sigmoid": (0, 1, 0, 0),
    "hard_silu": (0, np.inf, 0, 1), "squared_relu": (0, np.inf, 0, np.inf),
}


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_infinities_give_the_mathematical_limits(name):
    fn = act.get(name)
    x = np.array([-np.inf, np.inf])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y, d = fn(x), fn.derivative(x)
    lo, hi, dlo, dhi = LIMITS[name]
    np.testing.assert_allclose(y, [lo, hi], rtol=1e-15)
    np.testing.assert_allclose(d, [dlo, dhi], rtol=1e-15)


def test_limits_follow_parameters():
    assert act.elu(-np.inf, alpha=2.5) == -2.5
    assert act.leaky_relu(-np.inf, alpha=0.0) == 0.0
    assert act.gelu(-np.inf, approximate=True) == 0.0
    assert act.prelu(np.array([-np.inf, -np.inf]), alpha=np.array([0.0, 0.5])).tolist() == [
        0.0, -np.inf]


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_nan_gives_nan_at_that_position_only(name):
    fn = act.get(name)
    x = np.array([-1.0, np.nan, 0.0, 2.0, -np.inf])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y, d = fn(x), fn.derivative(x)
    assert np.isnan(y).tolist() == [False, True, False, False, False]
    assert np.isnan(d).tolist() == [False, True, False, False, False]


def test_kink_derivatives_follow_autodiff():
    assert act.relu.derivative(0.0) == 0.0
    assert act.leaky_relu.derivative(0.0) == 0.01
    assert act.leaky_relu.derivative(0.0, alpha=0.2) == np.float64(0.2)
    assert act.prelu.derivative(0.0) == 0.25
    assert act.elu.derivative(0.0, alpha=0.5) == 0.5
    # the hard variants: the flat (or outer) side at every kink, as TensorFlow's autodiff
    assert act.relu6.derivative([0.0, 6.0]).tolist() == [0.0, 0.0]
    assert act.relu6.derivative([1e-300, 6 - 1e-15]).tolist() == [1.0, 1.0]
    assert act.hard_sigmoid.derivative([-3.0, 3.0]).tolist() == [0.0, 0.0]
    assert act.hard_sigmoid.derivative([-2.999, 2.999]).tolist() == [1 / 6, 1 / 6]
    assert act.hard_silu.derivative([-3.0, 3.0]).tolist() == [0.0, 1.0]
    np.testing.assert_allclose(act.hard_silu.derivative([-2.999999, 2.999999]), [-0.5, 1.5],
                               atol=1e-6)  # the inner limits PyTorch uses at the kinks
    assert act.squared_relu.derivative(0.0) == 0.0  # continuous: no convention needed


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_kinks_list_every_jump_of_the_derivative(name):
    fn = act.get(name)
    params = {"alpha": 0.5} if name in ("elu", "leaky_relu", "prelu") else {}
    x = np.linspace(-10, 10, 200_001)  # step 1e-4, through every integer
    jumps = x[:-1][np.abs(np.diff(fn.derivative(x, **params))) > 1e-2]
    kinks = np.array(fn.kinks)
    assert all(np.abs(kinks - j).min() <= 1e-4 for j in jumps), (name, jumps)
    for k in fn.kinks:  # ...and each listed kink is one (elu's only when alpha != 1)
        assert np.any(np.abs(jumps - k) <= 1e-4), (name, k)


def test_hard_variants_known_values():
    np.testing.assert_array_equal(act.relu6([-1.0, 0.0, 3.0, 6.0, 7.0, 1e300]),
                                  [0, 0, 3, 6, 6, 6])
    # Keras 3 / PyTorch convention: relu6(x + 3) / 6, flat beyond +-3 (Keras 2: 0.2 x + 0.5)
    np.testing.assert_allclose(act.hard_sigmoid([-3.0, -2.5, 0.0, 1.0, 2.5, 3.0]),
                               [0, 0.5 / 6, 0.5, 4 / 6, 5.5 / 6, 1], rtol=1e-15)
    np.testing.assert_allclose(act.hard_silu([-4.0, -3.0, -1.5, 0.0, 1.0, 3.0, 5.0]),
                               [0, 0, -0.375, 0, 4 / 6, 3, 5], rtol=1e-15)
    x = np.linspace(-5, 5, 101)
    np.testing.assert_array_equal(act.hard_silu(x), x * act.hard_sigmoid(x))
    assert act.hard_silu(np.linspace(-5, 5, 100_001)).min() == pytest.approx(-3 / 8, abs=1e-9)
    np.testing.assert_array_equal(act.squared_relu([-2.0, 0.0, 3.0]), [0, 0, 9])
    assert act.squared_relu(2e154) == np.inf and act.squared_relu(np.float32(2e19)) == np.inf


# ------------------------------------------------------------------------- softmax

def test_softmax_large_logits_without_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(act.softmax([1000.0, 0.0]), [1.0, 0.0])
        np.testing.assert_array_equal(act.softmax([1e308, -1e308]), [1.0, 0.0])
        assert act.softmax(np.array([3e38, -3e38], np.float32)).tolist() == [1.0, 0.0]


def test_softmax_matches_mpmath_and_the_worked_examples():
    for z in ([3, 0.7, 0.5], [1.2, 1, 1.5], [1.5] + [1.2] * 9, [-700.0, 0, 700], [1e-9, 0]):
        np.testing.assert_allclose(act.softmax(z), ref.softmax(z), rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(act.softmax([3, 0.7, 0.5]), [0.846, 0.085, 0.069], atol=5e-4)
    np.testing.assert_allclose(act.softmax([1.2, 1, 1.5]), [0.316, 0.258, 0.426], atol=5e-4)
    np.testing.assert_allclose(act.softmax([1.5] + [1.2] * 9)[:2], [0.13, 0.097], atol=5e-4)


def test_softmax_axis_and_special_rows():
    z = np.array([[1.0, 2.0, 3.0], [np.inf, 0, np.inf], [-np.inf, 0, 1], [np.nan, 0, 1],
                  [-np.inf, -np.inf, -np.inf]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = act.softmax(z)
    np.testing.assert_allclose(p[0].sum(), 1.0)
    np.testing.assert_array_equal(p[1], [0.5, 0, 0.5])
    assert p[2, 0] == 0 and p[2].sum() == pytest.approx(1)
    assert np.isnan(p[3]).all() and np.isnan(p[4]).all()
    np.testing.assert_allclose(act.softmax(z[:1].T, axis=0), act.softmax(z[:1]).T)


def test_softmax_jacobian_against_finite_differences():
    rng = np.random.default_rng(0)
    z = rng.normal(size=(2, 3, 4))
    jac = act.softmax.jacobian(z)
    assert jac.shape == (2, 3, 4, 4)
    h = 1e-6
    for j in range(4):
        dz = np.zeros(4)
        dz[j] = h
        numeric = (act.softmax(z + dz) - act.softmax(z - dz)) / (2 * h)
        np.testing.assert_allclose(jac[..., :, j], numeric, atol=1e-9)
    np.testing.assert_allclose(np.diagonal(jac, axis1=-2, axis2=-1), act.softmax.derivative(z))
    np.testing.assert_allclose(jac.sum(axis=-2), 0, atol=1e-15)  # probabilities sum to 1


def test_softmax_derivative_is_accurate_for_a_confident_winner():
    d = act.softmax.derivative([50.0, 0.0])
    np.testing.assert_allclose(d, [np.exp(-50.0), np.exp(-50.0)], rtol=1e-12)


# ------------------------------------------------------------------------- PReLU and RReLU

def test_prelu_per_channel_alpha_and_derivative_alpha():
    x = np.array([[-2.0, -1.0, 3.0], [1.0, -4.0, 0.0]])
    alpha = np.array([0.1, 0.2, 0.3])
    np.testing.assert_allclose(act.prelu(x, alpha), [[-0.2, -0.2, 3.0], [1.0, -0.8, 0.0]])
    np.testing.assert_allclose(act.prelu.derivative(x, alpha), [[0.1, 0.2, 1.0], [1.0, 0.2, 0.3]])
    np.testing.assert_allclose(act.prelu.derivative_alpha(x, alpha), [[-2, -1, 0], [0, -4, 0]])
    h = 1e-6  # d/dalpha by finite differences
    numeric = (act.prelu(x, alpha + h) - act.prelu(x, alpha - h)) / (2 * h)
    np.testing.assert_allclose(act.prelu.derivative_alpha(x, alpha), numeric, atol=1e-8)
    assert act.prelu(np.float32([-1]), np.float64(0.5)).dtype == np.float32


def test_rrelu_training_draws_one_slope_per_element():
    x = -np.ones(100_000)
    y = act.rrelu(x, training=True, rng=0)
    slopes = y / x
    assert 1 / 8 <= slopes.min() and slopes.max() <= 1 / 3
    assert slopes.mean() == pytest.approx((1 / 8 + 1 / 3) / 2, abs=1e-3)
    assert len(np.unique(slopes)) > 99_000
    np.testing.assert_array_equal(act.rrelu(x, training=True, rng=0), y)  # same seed, same slopes
    np.testing.assert_array_equal(act.rrelu.derivative(x, training=True, rng=0), slopes)
    gen = np.random.default_rng(1)
    assert not np.array_equal(act.rrelu(x, training=True, rng=gen), act.rrelu(x, training=True,
                                                                                rng=gen))
    np.testing.assert_allclose(act.rrelu([-1.0, 2.0]), [-(1 / 8 + 1 / 3) / 2, 2.0])
    np.testing.assert_array_equal(act.rrelu(np.ones(5), training=True, rng=0), np.ones(5))


# ------------------------------------------------------------------------- bad input

BAD_X = ["1.5", None, {"a": 1}, object(), 1 + 2j, np.array([1 + 1j]), [1, "a"], [[1, 2], [3]],
         b"12"]


@pytest.mark.parametrize("name", ACTIVATIONS)
@pytest.mark.parametrize("x", BAD_X, ids=lambda v: type(v).__name__)
def test_bad_x_is_a_type_error_naming_the_activation(name, x):
    fn = act.get(name)
    for call in (fn, fn.derivative):
        with pytest.raises(TypeError, match=rf"^{name}: expected real numbers, got "):
            call(x)


@pytest.mark.parametrize(("call", "match"), [
    (lambda: act.leaky_relu(1.0, alpha=np.nan), "leaky_relu: alpha must be finite"),
    (lambda: act.leaky_relu(1.0, alpha=np.inf), "leaky_relu: alpha must be finite"),
    (lambda: act.prelu(1.0, alpha=[0.1, np.inf]), "prelu: alpha must be finite"),
    (lambda: act.elu(1.0, alpha=-0.5), r"elu: alpha must be >= 0"),
    (lambda: act.elu.derivative(1.0, alpha=np.nan), "elu: alpha must be finite"),
    (lambda: act.rrelu(1.0, lower=0.5, upper=0.1), r"rrelu: need 0 <= lower <= upper"),
    (lambda: act.rrelu(1.0, lower=-0.1), r"rrelu: need 0 <= lower <= upper"),
    (lambda: act.rrelu(1.0, upper=np.inf), "rrelu: upper must be finite"),
    (lambda: act.prelu(np.ones((2, 3)), alpha=np.ones(2)), "prelu: alpha of shape .2,. does not"),
    (lambda: act.prelu(np.ones(3), alpha=np.ones((2, 3))), "prelu: alpha of shape .2, 3. does"),
    (lambda: act.softmax(np.ones((2, 3)), axis=2), "softmax: axis 2 is out of range"),
    (lambda: act.softmax(np.ones(3), axis=-2), "softmax: axis -2 is out of range"),
    (lambda: act.softmax(1.0), "softmax: needs at least a 1-d array"),
    (lambda: act.softmax.jacobian(1.0), "softmax: needs at least a 1-d array"),
])
def test_bad_parameter_is_a_value_error_naming_it(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize(("call", "match"), [
    (lambda: act.elu(1.0, alpha="big"), "elu: alpha must be a real number"),
    (lambda: act.elu(1.0, beta=2), "elu: got an unexpected keyword argument 'beta'"),
    (lambda: act.relu(1.0, alpha=0.1), "relu: got an unexpected keyword argument 'alpha'"),
    (lambda: act.gelu(1.0, approximate="tanh"), "gelu: approximate must be True or False"),
    (lambda: act.rrelu(1.0, training=True, rng="seed"), "rrelu: rng must be None, an int seed"),
    (lambda: act.softmax([1.0, 2.0], axis=1.5), "softmax: axis must be an int"),
])
def test_bad_parameter_type_is_a_type_error_naming_it(call, match):
    with pytest.raises(TypeError, match=match):
        call()
