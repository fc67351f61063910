"""Property-based tests (hypothesis): monotonicity, bounds, derivative = central difference."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import actlib as act

reals = st.floats(-1e6, 1e6, allow_nan=False)
middle = st.floats(-20, 20, allow_nan=False)
alphas = st.floats(0, 3, allow_nan=False)

MONOTONIC = ("sigmoid", "tanh", "relu", "leaky_relu", "prelu", "rrelu", "elu", "selu", "softplus",
             "relu6", "hard_sigmoid", "squared_relu")
MINIMA = {"silu": -0.27846454276107380, "gelu": -0.16997120747990, "mish": -0.30884303324,
          "hard_silu": -0.375}
KINKS = {"relu": (0,), "leaky_relu": (0,), "prelu": (0,), "rrelu": (0,), "elu": (0,), "selu": (0,),
         "relu6": (0, 6), "hard_sigmoid": (-3, 3), "hard_silu": (-3, 3)}  # f' jumps there
SMOOTH_AND_KINKED = act.ELEMENTWISE_NAMES


@settings(max_examples=300, deadline=None)
@given(a=reals, b=reals)
def test_monotonic_activations_keep_order(a, b):
    lo, hi = min(a, b), max(a, b)
    for name in MONOTONIC:
        f = act.get(name)
        assert f(lo) <= f(hi), name
        assert f.derivative(lo) >= 0 and f.derivative(hi) >= 0, name


@settings(max_examples=300, deadline=None)
@given(x=reals, alpha=alphas)
def test_bounds(x, alpha):
    assert 0 <= act.sigmoid(x) <= 1 and 0 <= act.sigmoid.derivative(x) <= 0.25
    assert -1 <= act.tanh(x) <= 1 and 0 <= act.tanh.derivative(x) <= 1
    assert act.relu(x) >= 0
    assert act.elu(x, alpha) >= -alpha
    assert act.selu(x) >= -act.SELU_SCALE * act.SELU_ALPHA
    assert act.softplus(x) >= max(x, 0)
    for name, minimum in MINIMA.items():  # the non-monotonic smooth ReLUs dip, but not far
        assert act.get(name)(x) >= minimum - 1e-12, name
    assert 0 <= act.relu6(x) <= 6 and act.relu6(x) <= act.relu(x)
    assert 0 <= act.hard_sigmoid(x) <= 1 and 0 <= act.hard_sigmoid.derivative(x) <= 1 / 6
    assert act.squared_relu(x) == act.relu(x) ** 2
    assert act.hard_silu(x) == x * act.hard_sigmoid(x)
    # each hard variant stays within a fixed distance of its smooth original (the sups, on a grid
    # of step 1e-5 over [-10, 10]: 0.0692 and 0.1423)
    assert abs(act.hard_sigmoid(x) - act.sigmoid(x)) <= 0.07
    assert abs(act.hard_silu(x) - act.silu(x)) <= 0.15


@settings(max_examples=300, deadline=None)
@given(x=middle, alpha=alphas)
def test_derivative_is_the_central_difference(x, alpha):
    h = 1e-6
    for name in SMOOTH_AND_KINKED:
        if any(abs(x - k) < 2 * h for k in KINKS.get(name, ())):
            continue  # a kink: no derivative to compare with
        f = act.get(name)
        params = {"alpha": alpha} if name in ("leaky_relu", "prelu", "elu") else {}
        numeric = (f(x + h, **params) - f(x - h, **params)) / (2 * h)
        assert abs(f.derivative(x, **params) - numeric) <= 1e-6 * (1 + abs(numeric)), name
    numeric = (act.gelu(x + h, approximate=True) - act.gelu(x - h, approximate=True)) / (2 * h)
    assert abs(act.gelu.derivative(x, approximate=True) - numeric) <= 1e-6 * (1 + abs(numeric))


@settings(max_examples=200, deadline=None)
@given(z=arrays(np.float64, st.integers(1, 12), elements=st.floats(-1e300, 1e300)),
       shift=st.floats(-100, 100))
def test_softmax_is_a_distribution_invariant_to_shifts(z, shift):
    p = act.softmax(z)
    assert np.all(p >= 0) and abs(p.sum() - 1) < 1e-12
    if np.all(np.abs(z) < 1e6):
        np.testing.assert_allclose(act.softmax(z + shift), p, atol=1e-9)


pairs = arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(1, 6).map(lambda n: 2 * n)),
               elements=st.floats(-1e3, 1e3, allow_nan=False))


@settings(max_examples=200, deadline=None)
@given(x=pairs)
def test_gates_bound_the_value_half(x):
    a, b = np.split(x, 2, axis=-1)
    assert np.all(np.abs(act.glu(x)) <= np.abs(a))  # sigmoid's gate is between 0 and 1
    assert np.all(np.sign(act.reglu(x)) * np.sign(a) >= 0)  # relu's gate never flips a
    np.testing.assert_array_equal(act.swiglu(x), a * act.silu(b))
    # the upstream gradient splits into the two halves: g phi(b) and g a phi'(b)
    g = np.ones(a.shape)
    da, db = np.split(act.swiglu.vjp(x, g), 2, axis=-1)
    np.testing.assert_array_equal(da, act.silu(b))
    np.testing.assert_array_equal(db, a * act.silu.derivative(b))


@settings(max_examples=200, deadline=None)
@given(x=arrays(np.float64, st.integers(1, 5).map(lambda n: 3 * n),
                elements=st.floats(-1e6, 1e6, allow_nan=False)),
       g=st.floats(-10, 10, allow_nan=False), seed=st.integers(0, 2**32 - 1))
def test_maxout_is_a_group_max_and_routes_all_of_g(x, g, seed):
    y = act.maxout(x, k=3)
    groups = x.reshape(-1, 3)
    assert np.all(y >= groups.mean(axis=1) - 1e-9 * np.abs(groups).max(initial=0))
    np.testing.assert_array_equal(y, groups.max(axis=1))
    perm = np.random.default_rng(seed).permutation(3)  # order inside a group does not matter
    np.testing.assert_array_equal(act.maxout(groups[:, perm].ravel(), k=3), y)
    d = act.maxout.vjp(x, np.full(y.shape, g), k=3).reshape(-1, 3)
    np.testing.assert_array_equal(d.sum(axis=1), g)  # all of g, to one entry per group
    assert np.all(np.count_nonzero(d, axis=1) <= 1)
