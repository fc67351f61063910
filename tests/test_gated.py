"""actlib.gated: the gated linear units and maxout, which are not elementwise. Accuracy against
mpmath, the vector-Jacobian product against central differences and the partials, the layout
(which half is the gate, which entries form a group), dtypes, special values and bad input."""

import warnings

import numpy as np
import pytest

import actlib as act
from tests import reference as ref

GATED = act.GATED_NAMES
VECTOR = (*GATED, "maxout")

# pairs (a, b): every a against every b, tiny to huge magnitudes of both signs and the middle
A = np.array([-1e300, -1e10, -7.5, -1.0, -1e-8, 0.0, 1e-300, 0.5, 2.0, 1e5, 1e200])
B = np.unique(np.concatenate([-np.logspace(-300, 300, 25), np.logspace(-300, 300, 25), [0.0],
                              np.linspace(-30, 30, 121), [-1.2784645427610738, 1e-8]]))
PAIR_A, PAIR_B = (v.ravel() for v in np.meshgrid(A, B, indexing="ij"))
PAIRED = np.concatenate([PAIR_A, PAIR_B])  # glu's input: first half a, second half b


def ulps(got, want, dtype):
    """|got - want| in units in the last place of `dtype` at want, with subnormal results (no
    relative precision) counted against the smallest normal number's spacing."""
    got, want = np.asarray(got, np.float64), np.asarray(want, np.float64)
    tiny = np.finfo(dtype).tiny
    spacing = np.spacing(np.maximum(np.abs(want), tiny).astype(dtype)).astype(np.float64)
    same = (got == want) | (np.isnan(got) & np.isnan(want))
    with np.errstate(invalid="ignore"):
        return np.where(same, 0.0, np.abs(got - want) / spacing)


def reference(name, which, a, b):
    _, y, da, db = ref.GATED[name]
    return np.array(ref.evaluate_pairs({"y": y, "da": da, "db": db}[which], a, b))


# Worst cases against mpmath, measured on the pairs above, in ulps of float64: the gates' own
# errors plus one rounding of the product. glu 2 (y), 1 (dy/da), 3 (dy/db); reglu exact; geglu
# 1008 and 866: gelu's own left tail in float64 (erfc's argument -b/sqrt 2 is rounded, and the
# tail multiplies that by b^2: 2.4e-13 relative at b = -28.5, the same in act.gelu); swiglu 2, 1
# and 21 (silu' for b > 20, where 1 - sigmoid(b) keeps sigmoid's rounding: 2.5e-15 relative).
# dy/db = a phi'(b) is also given |a| eps absolute, for phi''s roots (silu' at b = -1.278).
MAX_ULPS_64 = {"glu": 3, "reglu": 0.5, "geglu": 1100, "swiglu": 25}
# float32 is computed in float64 and rounded once: measured <= 0.5 ulp (correctly rounded)
MAX_ULPS_32 = 0.5


def worst_ulps(name, a, b, dtype):
    """The largest error in ulps of y, dy/da and dy/db over the pairs (a, b)."""
    fn = act.get(name)
    x = np.concatenate([a, b])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = dict(zip(("y", "da", "db"), (fn(x), *fn.partials(x)), strict=True))
    big = np.finfo(dtype).max
    worst = {}
    for which, value in got.items():
        assert value.dtype == dtype
        want = reference(name, which, a, b)
        want = np.where(np.abs(want) > big, np.copysign(np.inf, want), want)  # overflow
        err = ulps(value, want, dtype)
        if which == "db":
            slack = np.abs(a.astype(np.float64)) * np.finfo(dtype).eps
            spacing = np.spacing(np.abs(want).astype(dtype)).astype(np.float64)
            with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
                err = np.where(err > 0, np.maximum(err - slack / spacing, 0), 0)
        worst[which] = err.max()
    return worst


# ------------------------------------------------------------------------- the API

def test_registry_and_signatures():
    for name in VECTOR:
        fn = act.get(name)
        assert fn is getattr(act, name) and fn.name == name
        assert name in act.VECTOR_NAMES and name not in act.ELEMENTWISE_NAMES
    assert act.glu.defaults == {"axis": -1}
    assert act.geglu.defaults == {"axis": -1, "approximate": False}
    assert act.maxout.defaults == {"k": 2, "axis": -1}
    assert repr(act.swiglu) == "<activation swiglu(x, axis=-1)>"
    assert act.glu.gate is act.sigmoid and act.reglu.gate is act.relu
    assert act.geglu.gate is act.gelu and act.swiglu.gate is act.silu


@pytest.mark.parametrize("name", VECTOR)
def test_derivative_raises_and_says_what_to_use(name):
    with pytest.raises(TypeError, match=rf"^{name} is not elementwise.*{name}\.vjp\(x, g\)"):
        act.get(name).derivative(np.ones(4))


def test_which_half_is_the_gate():
    # a = first half (the value), b = second half (through the gate): keras.ops.glu, F.glu
    x = np.array([-1.0, 0.0, 1.0, 1.0])  # keras.ops.glu's docstring example
    np.testing.assert_allclose(act.glu(x), [-0.7310585786300049, 0.0], rtol=1e-15)
    a, b = np.array([1.0, -2.0, 3.0]), np.array([0.5, -1.0, 2.0])
    x = np.concatenate([a, b])
    np.testing.assert_array_equal(act.glu(x), a * act.sigmoid(b))
    np.testing.assert_array_equal(act.reglu(x), a * act.relu(b))
    np.testing.assert_array_equal(act.geglu(x), a * act.gelu(b))
    np.testing.assert_array_equal(act.geglu(x, approximate=True), a * act.gelu(b, approximate=True))
    np.testing.assert_array_equal(act.swiglu(x), a * act.silu(b))
    # reglu with a = b is squared_relu (So et al. 2021)
    np.testing.assert_array_equal(act.reglu(np.concatenate([b, b])), act.squared_relu(b))


def test_axis_and_output_shape():
    x = np.random.default_rng(0).normal(size=(3, 4, 6))
    for axis in (0, 1, 2, -1, -2):
        if x.shape[axis] % 2:
            continue
        a, b = np.split(x, 2, axis=axis)
        np.testing.assert_array_equal(act.swiglu(x, axis=axis), a * act.silu(b))
        assert act.swiglu.output_shape(x.shape, axis=axis) == act.swiglu(x, axis=axis).shape
    assert act.glu.output_shape((None, 8)) == (None, 4)
    assert act.glu.output_shape((8, None)) == (8, None)
    assert act.maxout.output_shape((None, 12), k=3) == (None, 4)
    assert act.maxout(x, k=3).shape == (3, 4, 2)
    assert act.maxout(x, k=3, axis=0).shape == (1, 4, 6)


def test_maxout_groups_consecutive_entries():
    x = np.array([1.0, 5.0, 2.0, 3.0, 9.0, 0.0])
    np.testing.assert_array_equal(act.maxout(x, k=3), [5, 9])  # (1, 5, 2), (3, 9, 0)
    np.testing.assert_array_equal(act.maxout(x, k=2), [5, 3, 9])  # (1, 5), (2, 3), (9, 0)
    np.testing.assert_array_equal(act.maxout(x, k=1), x)
    np.testing.assert_array_equal(act.maxout(x, k=6), [9])
    np.testing.assert_array_equal(act.maxout(x.reshape(3, 2), k=3, axis=0), [[9, 5]])  # columns
    # with pieces (0, z) maxout is relu; with (z, 0.1 z) it is leaky_relu(alpha=0.1)
    z = np.linspace(-3, 3, 13)
    pieces = np.stack([np.zeros_like(z), z], -1).ravel()  # (0, z_1), (0, z_2), ...
    np.testing.assert_array_equal(act.maxout(pieces), act.relu(z))
    np.testing.assert_allclose(act.maxout(np.stack([z, 0.1 * z], -1).ravel()),
                               act.leaky_relu(z, alpha=0.1), rtol=1e-15)


# ------------------------------------------------------------------------- accuracy

@pytest.mark.parametrize("name", GATED)
def test_float64_within_a_few_ulps_of_mpmath(name):
    worst = worst_ulps(name, PAIR_A, PAIR_B, np.float64)
    assert max(worst.values()) <= MAX_ULPS_64[name], worst


@pytest.mark.parametrize("name", GATED)
def test_float32_is_correctly_rounded(name):
    big = np.finfo(np.float32).max
    keep = (np.abs(PAIR_A) < big) & (np.abs(PAIR_B) < big)
    a, b = PAIR_A[keep].astype(np.float32), PAIR_B[keep].astype(np.float32)
    worst = worst_ulps(name, a, b, np.float32)
    assert max(worst.values()) <= MAX_ULPS_32, worst


def test_float32_product_survives_an_underflowing_gate():
    # gelu(-14.5) = -8.7e-47 underflows in float32; 1e10 times it is -8.7e-37, a normal float32
    y = act.geglu(np.array([1e10, -14.5], np.float32))
    assert y.dtype == np.float32
    np.testing.assert_allclose(y, 1e10 * act.gelu(-14.5), rtol=1e-7)


# ------------------------------------------------------------------------- the vjp

def numerical_vjp(f, x, g, h=1e-6):
    """sum_j g_j dy_j/dx_i by central differences, one x_i at a time (float64)."""
    out = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[i] = h
        out[i] = np.sum(g * (f(x + step) - f(x - step))) / (2 * h)
    return out


@pytest.mark.parametrize("name", VECTOR)
@pytest.mark.parametrize("axis", [-1, 0])
def test_vjp_is_the_central_difference(name, axis):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(6, 4, 6)) * 2
    params = {"axis": axis, **({"k": 3} if name == "maxout" else {})}
    fn = act.get(name)
    g = rng.normal(size=fn.output_shape(x.shape, **params))
    # away from the kinks (relu's 0 in reglu; maxout's ties), where no derivative exists
    got = fn.vjp(x, g, **params)
    want = numerical_vjp(lambda v: fn(v, **params), x, g)
    assert got.shape == x.shape
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", GATED)
def test_vjp_is_the_partials_times_g(name):
    rng = np.random.default_rng(2)
    x = rng.normal(size=(5, 8))
    g = rng.normal(size=(5, 4))
    da, db = act.get(name).partials(x)
    np.testing.assert_array_equal(act.get(name).vjp(x, g), np.concatenate([g * da, g * db], -1))
    # the partials are the elementwise derivatives of the pair: phi(b) and a phi'(b)
    a, b = np.split(x, 2, axis=-1)
    gate = act.get(name).gate
    np.testing.assert_array_equal(da, gate(b))
    np.testing.assert_array_equal(db, a * gate.derivative(b))


def test_maxout_vjp_routes_to_the_first_winner():
    x = np.array([[1.0, 7.0, 7.0, 2.0], [3.0, 3.0, -1.0, 0.0]])
    g = np.array([[10.0, 20.0], [30.0, 40.0]])
    # groups (1, 7) (7, 2) | (3, 3) (-1, 0): the tie (3, 3) gives all of g to the first
    np.testing.assert_array_equal(act.maxout.vjp(x, g), [[0, 10, 20, 0], [30, 0, 0, 40]])
    assert act.maxout.vjp(x, g[:, :1], k=4).tolist() == [[0, 10, 0, 0], [30, 0, 0, 0]]


# ------------------------------------------------------------------------- dtypes, shapes

@pytest.mark.parametrize("name", VECTOR)
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_float_dtype_is_kept(name, dtype):
    fn = act.get(name)
    x = np.linspace(-3, 3, 24, dtype=dtype).reshape(3, 8)
    y = fn(x)
    assert y.dtype == dtype and y.shape == (3, 4)
    d = fn.vjp(x, np.ones((3, 4)))
    assert d.dtype == dtype and d.shape == x.shape
    if name != "maxout":
        assert all(p.dtype == dtype and p.shape == (3, 4) for p in fn.partials(x))


@pytest.mark.parametrize("name", VECTOR)
@pytest.mark.parametrize("x", [[-1, 0, 2, 3], np.array([-1, 2], np.int32), np.array([True, False]),
                               [[0.5, -0.5]]])
def test_ints_bools_lists_give_float64(name, x):
    fn = act.get(name)
    y = fn(x)
    assert y.dtype == np.float64 and y.shape[-1] == np.shape(x)[-1] // 2
    assert fn.vjp(x, np.ones(y.shape, int)).dtype == np.float64


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("name", VECTOR)
@pytest.mark.parametrize("shape", [(0,), (0, 4), (3, 0), (0, 0)])
def test_empty_arrays(name, shape):
    fn = act.get(name)
    x = np.zeros(shape, np.float32)
    out = fn.output_shape(shape)
    y = fn(x)
    assert y.shape == out and y.dtype == np.float32
    d = fn.vjp(x, np.zeros(out))
    assert d.shape == shape and d.dtype == np.float32


@pytest.mark.parametrize("name", VECTOR)
def test_input_is_never_modified(name):
    x = np.linspace(-5, 5, 12)
    g = np.linspace(1, 2, 6)
    before, gbefore = x.copy(), g.copy()
    fn = act.get(name)
    fn(x)
    fn.vjp(x, g)
    if name != "maxout":
        fn.partials(x)
    np.testing.assert_array_equal(x, before)
    np.testing.assert_array_equal(g, gbefore)


# ------------------------------------------------------------------------- special values

@pytest.mark.parametrize("name", VECTOR)
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_no_warning_and_no_nan_for_any_finite_input(name, dtype):
    info = np.finfo(dtype)
    x = np.array([info.min, -1e4, -50, -1, -0.0, 0.0, 1, 50, 1e4, info.max], dtype)
    x = np.concatenate([x, x[::-1]])  # every value as a and as b
    fn = act.get(name)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = fn(x)
        d = fn.vjp(x, np.ones(10))
    assert not np.isnan(y).any() and not np.isnan(d).any()


def test_infinite_gate_inputs_give_the_gates_limits():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # finite a, infinite b: phi's limit times a
        assert act.glu([2.0, 2.0, np.inf, -np.inf]).tolist() == [2.0, 0.0]
        assert act.swiglu([2.0, 2.0, np.inf, -np.inf]).tolist() == [np.inf, 0.0]
        assert act.reglu([-2.0, np.inf]).tolist() == [-np.inf]
        assert act.geglu([3.0, -np.inf]).tolist() == [0.0]
        # 0 * inf is undefined: NaN, as IEEE arithmetic (documented), without a warning
        assert np.isnan(act.swiglu([0.0, np.inf])).all()
        assert np.isnan(act.glu([np.inf, -np.inf])).all()
        assert act.maxout([-np.inf, np.inf, -np.inf, -np.inf]).tolist() == [np.inf, -np.inf]
        assert act.maxout.vjp([-np.inf, -np.inf], [1.0]).tolist() == [1.0, 0.0]


@pytest.mark.parametrize("name", GATED)
def test_nan_gives_nan_at_that_position_only(name):
    fn = act.get(name)
    x = np.array([np.nan, 1.0, 2.0, -1.0, 0.5, np.nan])  # a = (nan, 1, 2), b = (-1, .5, nan)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = fn(x)
        d = fn.vjp(x, np.ones(3))
    assert np.isnan(y).tolist() == [True, False, True]
    # d/da_0 = phi(b_0) is a number, d/db_0 = a_0 phi'(b_0) is NaN; b_2 = NaN spoils both
    assert np.isnan(d).tolist() == [False, False, True, True, False, True]


def test_maxout_nan_spoils_its_group_only():
    x = np.array([1.0, np.nan, 3.0, 2.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = act.maxout(x)
        d = act.maxout.vjp(x, [1.0, 1.0])
    assert np.isnan(y).tolist() == [True, False] and y[1] == 3
    assert np.isnan(d).tolist() == [True, True, False, False] and d[2:].tolist() == [1, 0]


# ------------------------------------------------------------------------- bad input

BAD_X = ["1.5", None, {"a": 1}, object(), 1 + 2j, np.array([1 + 1j]), [1, "a"], [[1, 2], [3]]]


@pytest.mark.parametrize("name", VECTOR)
@pytest.mark.parametrize("x", BAD_X, ids=lambda v: type(v).__name__)
def test_bad_x_is_a_type_error_naming_the_activation(name, x):
    fn = act.get(name)
    with pytest.raises(TypeError, match=rf"^{name}: expected real numbers, got "):
        fn(x)
    with pytest.raises(TypeError, match=rf"^{name}: expected real numbers, got "):
        fn.vjp(x, [1.0])


@pytest.mark.parametrize(("call", "err", "match"), [
    (lambda: act.glu(np.ones(5)), ValueError, "glu: x's axis -1 has length 5, which does not "
                                               "split into two halves"),
    (lambda: act.swiglu(np.ones((3, 4)), axis=0), ValueError, "swiglu: x's axis 0 has length 3"),
    (lambda: act.geglu.partials(np.ones(3)), ValueError, "geglu: x's axis -1 has length 3"),
    (lambda: act.glu.output_shape((4, 7)), ValueError, "glu: x's axis -1 has length 7"),
    (lambda: act.reglu(np.ones(4), axis=1), ValueError, "reglu: axis 1 is out of range"),
    (lambda: act.glu(1.0), ValueError, "glu: needs at least a 1-d array of numbers"),
    (lambda: act.maxout(np.ones(7), k=2), ValueError, "maxout: x's axis -1 has length 7, which "
                                                       "does not split into groups of k = 2"),
    (lambda: act.maxout(np.ones(4), k=0), ValueError, "maxout: k must be >= 1"),
    (lambda: act.glu.vjp(np.ones(4), np.ones(4)), ValueError,
     r"glu.vjp: g must have the output's shape \(2,\), got \(4,\)"),
    (lambda: act.maxout.vjp(np.ones((2, 6)), np.ones((2, 2)), k=2), ValueError,
     r"maxout.vjp: g must have the output's shape \(2, 3\)"),
])
def test_bad_parameter_is_an_error_naming_it(call, err, match):
    with pytest.raises(err, match=match):
        call()


@pytest.mark.parametrize(("call", "match"), [
    (lambda: act.maxout(np.ones(4), k=2.0), "maxout: k must be an int"),
    (lambda: act.maxout(np.ones(4), k=True), "maxout: k must be an int"),
    (lambda: act.glu(np.ones(4), axis=1.0), "glu: axis must be an int"),
    (lambda: act.geglu(np.ones(4), approximate="tanh"), "geglu: approximate must be True or False"),
    (lambda: act.glu(np.ones(4), alpha=1), "glu: got an unexpected keyword argument 'alpha'"),
    (lambda: act.glu.vjp(np.ones(4), "g"), "glu.vjp: g: expected real numbers"),
])
def test_bad_parameter_type_is_a_type_error_naming_it(call, match):
    with pytest.raises(TypeError, match=match):
        call()
