"""actlib.variance: the variance-propagation math, against independent integrals (SciPy's quad),
closed forms, and simulated networks (actlib.deepnet)."""

import doctest
import warnings

import numpy as np
import pytest
from scipy import integrate

import actlib as act
from actlib import deepnet, variance


def quad_expect(g, q=1.0):
    """E[g(z)], z ~ N(0, q), by adaptive quadrature: an independent reference."""
    s = np.sqrt(q)

    def density(z):
        return np.exp(-z * z / (2 * q)) / np.sqrt(2 * np.pi * q)

    left = integrate.quad(lambda z: g(z) * density(z), -14 * s, 0, epsabs=0, epsrel=1e-12,
                          limit=200)[0]
    right = integrate.quad(lambda z: g(z) * density(z), 0, 14 * s, epsabs=0, epsrel=1e-12,
                           limit=200)[0]
    return left + right


def test_docstring_examples():
    assert doctest.testmod(variance).failed == 0


@pytest.mark.parametrize("q", [1e-4, 0.3, 1.0, 7.0, 1e4])
def test_expect_closed_forms(q):
    assert variance.expect(lambda z: np.ones_like(z), q) == pytest.approx(1, rel=1e-12)
    assert variance.expect(lambda z: z ** 2, q) == pytest.approx(q, rel=1e-12)
    assert variance.expect(lambda z: z ** 4, q) == pytest.approx(3 * q * q, rel=1e-10)
    assert variance.expect(np.abs, q) == pytest.approx(np.sqrt(2 * q / np.pi), rel=1e-12)
    assert variance.expect(lambda z: z, q) == pytest.approx(0, abs=1e-14 * np.sqrt(q))


@pytest.mark.parametrize("name", ["tanh", "sigmoid", "elu", "selu", "gelu", "silu", "softplus",
                                  "mish", "leaky_relu", "linear"])
@pytest.mark.parametrize("q", [0.25, 1.0, 9.0])
def test_moments_against_quad(name, q):
    f = act.get(name)
    m = variance.moments(name, q)

    def one(fn):
        return lambda z: float(fn(np.array([z]))[0])

    assert m.mean == pytest.approx(quad_expect(one(f), q), rel=1e-8, abs=1e-12)
    assert m.second == pytest.approx(quad_expect(one(lambda z: f(z) ** 2), q), rel=1e-8)
    assert m.slope == pytest.approx(quad_expect(one(lambda z: f.derivative(z) ** 2), q), rel=1e-8)
    assert m.std == pytest.approx(np.sqrt(m.second - m.mean ** 2), rel=1e-12)


def test_moments_closed_forms():
    relu = variance.moments("relu", 4.0)  # z ~ N(0, 4): E[relu] = 2 / sqrt(2 pi), E[relu^2] = 2
    assert relu.mean == pytest.approx(2 / np.sqrt(2 * np.pi), rel=1e-12)
    assert relu.second == pytest.approx(2.0, rel=1e-12) and relu.slope == pytest.approx(0.5)
    for alpha in (0.0, 0.2, 1.0):
        m = variance.moments("leaky_relu", 1.0, alpha=alpha)
        assert m.second == pytest.approx((1 + alpha ** 2) / 2, rel=1e-12)
        assert m.slope == pytest.approx((1 + alpha ** 2) / 2, rel=1e-12)
    selu = variance.moments("selu")  # SELU's constants: mean 0 and variance 1 for N(0, 1)
    assert selu.mean == pytest.approx(0, abs=1e-6) and selu.second == pytest.approx(1, rel=1e-6)
    lin = variance.moments("linear", 2.5)
    assert (lin.mean, lin.second, lin.slope) == pytest.approx((0, 2.5, 1))


def test_moments_against_monte_carlo():
    z = np.random.default_rng(0).standard_normal(2_000_000)
    for name in ("tanh", "gelu", "sigmoid"):
        f = act.get(name)
        m = variance.moments(name)
        assert m.second == pytest.approx(np.mean(f(z) ** 2), rel=3e-3)
        assert m.slope == pytest.approx(np.mean(f.derivative(z) ** 2), rel=3e-3)


def test_gain():
    assert variance.gain("relu") == pytest.approx(np.sqrt(2), rel=1e-12)
    assert variance.gain("linear") == pytest.approx(1, rel=1e-12)
    assert variance.gain("selu") == pytest.approx(1, rel=1e-6)
    assert variance.gain("tanh") == pytest.approx(1.592537, rel=1e-6)
    assert variance.gain("leaky_relu", alpha=0.5) == pytest.approx(np.sqrt(2 / 1.25), rel=1e-12)
    assert variance.gain("elu", alpha=0.5) != variance.gain("elu")  # parameters are passed on


def test_weight_scale():
    assert variance.weight_scale("lecun_normal") == 1
    assert variance.weight_scale("he_normal") == pytest.approx(np.sqrt(2))
    assert variance.weight_scale("glorot_uniform", 100) == 1
    assert variance.weight_scale("random_normal", 400) == pytest.approx(1.0)  # 0.05 * 20
    # the scales agree with the draws of act.deepnet.init_weights
    for init in ("lecun_normal", "he_normal", "glorot_uniform", "random_normal"):
        w = deepnet.init_weights(300, 300, init, rng=1)
        assert np.sqrt(300 * w.var()) == pytest.approx(variance.weight_scale(init, 300), rel=0.02)


@pytest.mark.parametrize(("name", "init", "scale"), [
    ("relu", "he_normal", 1.0), ("relu", "lecun_normal", 1.0), ("tanh", "lecun_normal", 1.0),
    ("tanh", "lecun_normal", 1.6), ("selu", "lecun_normal", 1.0), ("elu", "he_normal", 1.0),
    ("sigmoid", "lecun_normal", 1.0), ("linear", "he_normal", 0.8)])
def test_predict_matches_wide_simulations(name, init, scale):
    depth = 8
    pred = variance.predict(name, depth, 256, init, weight_scale=scale)
    sims = [deepnet.propagation(name, depth, 256, init, n=256, seed=s, weight_scale=scale)
            for s in range(8)]
    fwd = np.exp(np.mean([np.log(s.forward_std) for s in sims], axis=0))
    bwd = np.exp(np.mean([np.log(s.backward_std) for s in sims], axis=0))
    np.testing.assert_allclose(fwd, pred.forward_std, rtol=0.15)
    np.testing.assert_allclose(bwd, pred.backward_std, rtol=0.15)


def test_predict_relu_factors():
    # ReLU with weight scale c (relative to LeCun): the std changes by c / sqrt(2) per layer,
    # both ways, exactly.
    for c in (1.0, np.sqrt(2), 1.7):
        p = variance.predict("relu", 12, weight_scale=c)
        np.testing.assert_allclose(p.forward_std[1:] / p.forward_std[:-1], c / np.sqrt(2),
                                   rtol=1e-9)
        np.testing.assert_allclose(p.backward_std[:-1] / p.backward_std[1:], c / np.sqrt(2),
                                   rtol=1e-9)
        np.testing.assert_allclose(p.q[1:] / p.q[:-1], c * c / 2, rtol=1e-9)
    he = variance.predict("relu", 5, init="he_normal")
    lecun = variance.predict("relu", 5, init="lecun_normal", weight_scale=np.sqrt(2))
    np.testing.assert_allclose(he.forward_std, lecun.forward_std, rtol=1e-12)
    # the top layer's error: std of g * f'(z) with g of std 1, i.e. sqrt(E[f'(z)^2])
    assert he.backward_std[-1] == pytest.approx(np.sqrt(0.5), rel=1e-12)


def test_predict_vanishing_and_exploding_stay_quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        small = variance.predict("relu", 400, weight_scale=0.1)
        big = variance.predict("relu", 400, init="he_normal", weight_scale=10)
    assert small.forward_std[-1] == 0 and small.backward_std[0] == 0
    assert np.isinf(big.forward_std[-1]) and np.all(np.isfinite(big.forward_std[:100]))
    assert big.backward_std[0] > 1e100


@pytest.mark.parametrize(("call", "match"), [
    (lambda: variance.expect(np.sin, q=0), "expect: q"),
    (lambda: variance.expect(np.sin, q=float("nan")), "expect: q"),
    (lambda: variance.expect(np.sin, q=True), "expect: q"),
    (lambda: variance.moments("softmax"), "moments: name"),
    (lambda: variance.moments("nope"), "moments: name"),
    (lambda: variance.moments("relu", q=-1.0), "moments: q"),
    (lambda: variance.gain("softmax"), "gain: name"),
    (lambda: variance.weight_scale("zeros"), "weight_scale: unknown init"),
    (lambda: variance.weight_scale("he_normal", 0), "weight_scale: width"),
    (lambda: variance.predict("relu", 0), "predict: depth"),
    (lambda: variance.predict("relu", 5, width=2.5), "predict: width"),
    (lambda: variance.predict("relu", 5, init="zeros"), "predict: unknown init"),
    (lambda: variance.predict("relu", 5, weight_scale=0), "predict: weight_scale"),
    (lambda: variance.predict("relu", 5, weight_scale=float("inf")), "predict: weight_scale"),
])
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_expect_needs_a_function():
    with pytest.raises(TypeError, match="expect: g must be a function"):
        variance.expect(3.0)


# --------------------------------------------------------------------------- mean-field theory
# Closed forms: ReLU's and the identity's maps are linear in q; ReLU's correlation map is the
# arc-cosine kernel (Cho & Saul 2009): E[relu(u1) relu(u2)] = q (sqrt(1 - c^2) + (pi - arccos c)
# c) / (2 pi).


def relu_kernel(q, c):
    return q * (np.sqrt(1 - c * c) + (np.pi - np.arccos(c)) * c) / (2 * np.pi)


@pytest.mark.parametrize("sigma_w", [0.5, 1.0, 1.3, 1.41])
@pytest.mark.parametrize("sigma_b", [0.0, 0.1, 0.7])
def test_mean_field_relu_and_linear_closed_forms(sigma_w, sigma_b):
    mf = variance.mean_field("relu", sigma_w, sigma_b)
    assert mf.chi_1 == pytest.approx(sigma_w ** 2 / 2, rel=1e-12)
    assert mf.q_star == pytest.approx(sigma_b ** 2 / (1 - sigma_w ** 2 / 2), rel=1e-9, abs=1e-300)
    assert mf.c_star == 1 and mf.chi_c == pytest.approx(mf.chi_1)
    assert mf.xi_q == pytest.approx(-1 / np.log(sigma_w ** 2 / 2), rel=1e-9)  # q-map slope
    assert mf.xi_c == pytest.approx(-1 / np.log(sigma_w ** 2 / 2), rel=1e-9)
    assert mf.phase == "ordered"
    if sigma_w < 1:
        lin = variance.mean_field("linear", sigma_w, sigma_b)
        assert lin.chi_1 == pytest.approx(sigma_w ** 2, rel=1e-12)
        assert lin.q_star == pytest.approx(sigma_b ** 2 / (1 - sigma_w ** 2), rel=1e-9,
                                           abs=1e-300)


def test_mean_field_beyond_the_edge_explodes():
    mf = variance.mean_field("relu", 2.0, 0.1)  # chi_1 = 2: q grows without bound
    assert mf.q_star == np.inf and mf.chi_1 == pytest.approx(2.0) and mf.phase == "chaotic"
    assert mf.xi_q == np.inf
    assert variance.mean_field("linear", 1.5).q_star == np.inf


@pytest.mark.parametrize("q", [0.3, 1.0, 4.0])
@pytest.mark.parametrize("c", [-0.9, 0.0, 0.5, 0.99, 0.999999, 1.0])
def test_correlation_map_against_the_arc_cosine_kernel(q, c):
    maps = variance._Maps("relu", 1.3, 0.2, {})
    want = 1.3 ** 2 * relu_kernel(q, c) + 0.2 ** 2
    assert maps.correlation(q, c) == pytest.approx(want, rel=1e-7)
    # its slope, sigma_w^2 E[relu'(u1) relu'(u2)] = sigma_w^2 (pi - arccos c) / (2 pi): a
    # product of steps, whose inner integral is a step of width sqrt(1 - c^2) in z1, so the
    # quadrature loses accuracy as c -> 1 (4e-4 at c = 1 - 1e-6)
    assert maps.correlation(q, c, slope=True) == pytest.approx(
        1.3 ** 2 * (np.pi - np.arccos(c)) / (2 * np.pi), rel=1e-7 if c < 0.999 else 1e-3)


def test_correlation_map_against_monte_carlo():
    rng = np.random.default_rng(0)
    z1, z2 = rng.standard_normal((2, 1_000_000))
    maps = variance._Maps("tanh", 1.5, 0.3, {})
    for q, c in ((0.5, 0.3), (2.0, -0.6), (1.0, 0.95)):
        u1 = np.sqrt(q) * z1
        u2 = np.sqrt(q) * (c * z1 + np.sqrt(1 - c * c) * z2)
        mc = 1.5 ** 2 * np.mean(np.tanh(u1) * np.tanh(u2)) + 0.3 ** 2
        assert maps.correlation(q, c) == pytest.approx(mc, abs=3e-3)
        assert maps.correlation(q, 1.0) == pytest.approx(maps.q_map(q), rel=1e-8)  # c = 1


# The numbers of issue 17 (tanh), each recomputed here.
@pytest.mark.parametrize(("sigma_b", "sigma_w", "q_star"),
                         [(0.0, 1.0, 0.0), (0.1, 1.193, None), (0.2, 1.304, 0.512),
                          (0.3, 1.396, None)])
def test_critical_sigma_w_tanh(sigma_b, sigma_w, q_star):
    crit = variance.critical_sigma_w("tanh", sigma_b)
    assert crit == pytest.approx(sigma_w, abs=6e-4)
    mf = variance.mean_field("tanh", crit, sigma_b)
    assert mf.chi_1 == pytest.approx(1, abs=1e-9)
    if q_star is not None:
        assert mf.q_star == pytest.approx(q_star, abs=6e-4)
    # just below the line the inputs converge (ordered), just above they decorrelate (chaotic)
    assert variance.mean_field("tanh", crit * 0.97, sigma_b).phase == "ordered"
    above = variance.mean_field("tanh", crit * 1.03, sigma_b)
    assert above.phase == "chaotic" and above.c_star < 1


def test_critical_sigma_w_closed_forms():
    assert variance.critical_sigma_w("relu") == pytest.approx(np.sqrt(2), rel=1e-9)
    assert variance.critical_sigma_w("relu", 0.5) == pytest.approx(np.sqrt(2), rel=1e-9)
    assert variance.critical_sigma_w("linear") == pytest.approx(1, rel=1e-9)
    assert variance.critical_sigma_w("leaky_relu", alpha=0.2) == pytest.approx(
        np.sqrt(2 / 1.04), rel=1e-9)


def test_the_tanh_gain_is_chaotic():
    # 1.5925 = act.variance.gain("tanh"): q = 1 is (nearly) a fixed point, but chi_1 > 1
    g = variance.gain("tanh")
    assert g == pytest.approx(1.5925, abs=1e-4)
    mf = variance.mean_field("tanh", g)
    assert mf.q_star == pytest.approx(1, abs=1e-6)
    assert mf.chi_1 == pytest.approx(1.178, abs=1e-3) and mf.phase == "chaotic"
    assert mf.c_star == pytest.approx(0, abs=1e-9)  # odd activation, no bias: c* = 0
    lecun = variance.mean_field("tanh", 1.0)  # zero bias, LeCun: the critical point
    assert lecun.q_star == 0 and lecun.chi_1 == pytest.approx(1, abs=1e-12)
    assert lecun.xi_q == np.inf and lecun.xi_c == np.inf


@pytest.mark.parametrize(("name", "sigma_w", "sigma_b"),
                         [("tanh", 1.5925, 0.0), ("tanh", 2.5, 0.3), ("tanh", 1.4, 0.05),
                          ("selu", 1.0, 0.0), ("elu", 1.38, 0.1)])
def test_chaotic_fixed_point_and_slopes(name, sigma_w, sigma_b):
    mf = variance.mean_field(name, sigma_w, sigma_b)
    assert mf.phase == "chaotic"
    maps = variance._Maps(name, sigma_w, sigma_b, {})
    q = mf.q_star
    assert maps.q_map(q) == pytest.approx(q, rel=1e-9)  # a fixed point of the q-map

    def c_map(c):
        return maps.correlation(q, c) / q

    assert c_map(mf.c_star) == pytest.approx(mf.c_star, abs=1e-9)  # and of the c-map
    h = 1e-5
    slope = (c_map(mf.c_star + h) - c_map(mf.c_star - h)) / (2 * h)
    assert mf.chi_c == pytest.approx(slope, rel=1e-5) and mf.chi_c < 1  # stable
    assert mf.xi_c == pytest.approx(-1 / np.log(mf.chi_c))
    q_slope = (maps.q_map(q * (1 + h)) - maps.q_map(q * (1 - h))) / (2 * h * q)
    assert mf.xi_q == pytest.approx(-1 / np.log(q_slope), rel=1e-5)
    # iterating the maps from q = 1 (and c = 0.5) lands on the same fixed points
    q_l, c_l = 1.0, 0.5
    for _ in range(3000):
        c_l = maps.correlation(q_l, c_l) / maps.q_map(q_l)
        q_l = maps.q_map(q_l)
    assert q_l == pytest.approx(q, rel=1e-8) and c_l == pytest.approx(mf.c_star, abs=1e-6)


def test_mean_field_layers_reaches_the_fixed_points():
    lay = variance.mean_field_layers("tanh", 2.5, 0.3, depth=200)
    mf = variance.mean_field("tanh", 2.5, 0.3)
    assert lay.q[-1] == pytest.approx(mf.q_star, rel=1e-9)
    assert lay.c[-1] == pytest.approx(mf.c_star, abs=1e-9)
    assert lay.q[0] == pytest.approx(2.5 ** 2 + 0.3 ** 2)
    assert lay.c[0] == pytest.approx(0.3 ** 2 / (2.5 ** 2 + 0.3 ** 2))
    # with no bias the backward recursion is predict's
    pred = variance.predict("tanh", 30, weight_scale=1.2)
    lay = variance.mean_field_layers("tanh", 1.2, 0.0, depth=30)
    np.testing.assert_allclose(lay.q, pred.q, rtol=1e-12)
    np.testing.assert_allclose(lay.backward_std, pred.backward_std, rtol=1e-12)


def test_mean_field_errors():
    with pytest.raises(ValueError, match="mean_field: name"):
        variance.mean_field("softmax", 1.0)
    for bad in (-1.0, 0.0, np.nan, True, "1"):
        with pytest.raises(ValueError, match="mean_field: sigma_w"):
            variance.mean_field("tanh", bad)
    for bad in (-0.1, np.inf, None):
        with pytest.raises(ValueError, match="mean_field: sigma_b"):
            variance.mean_field("tanh", 1.0, bad)
    with pytest.raises(ValueError, match="critical_sigma_w: sigma_b"):
        variance.critical_sigma_w("tanh", -0.2)
    with pytest.raises(ValueError, match="critical_sigma_w: no sigma_w .* sigma_b"):
        variance.critical_sigma_w("sigmoid", 1e6)  # would need sigma_w in the thousands
    with pytest.raises(ValueError, match="mean_field_layers: depth"):
        variance.mean_field_layers("tanh", 1.0, depth=0)
    with pytest.raises(ValueError, match="mean_field_layers: c_0"):
        variance.mean_field_layers("tanh", 1.0, c_0=1.5)


@pytest.mark.parametrize(("sigma_w", "sigma_b"), [(1.304, 0.2), (0.8, 0.3), (1.5925, 0.0)])
def test_mean_field_layers_against_propagation(sigma_w, sigma_b):
    # act.deepnet.propagation: 8 networks of width 500 (seeds 0-7), 16 inputs each. A finite
    # layer scatters around the recursion by about sqrt(2 / width) per network, and the scatter
    # carries on to the next layers. Measured on five disjoint groups of 8 seeds (0-39), the
    # worst errors over 15 layers and these three cases: correlation 0.014 (absolute), forward
    # std 0.034 and backward std 0.037 (relative, geometric mean over seeds). The tolerances
    # leave a margin of about 2x; the recursion without the bias misses by far more.
    depth = 15
    lay = variance.mean_field_layers("tanh", sigma_w, sigma_b, depth=depth)
    runs = [deepnet.propagation("tanh", depth, 500, n=16, seed=seed, weight_scale=sigma_w,
                                bias_std=sigma_b) for seed in range(8)]
    corr = np.mean([r.correlation for r in runs], axis=0)
    fwd = np.mean([r.forward_std for r in runs], axis=0)
    bwd = np.exp(np.mean([np.log(r.backward_std) for r in runs], axis=0))
    np.testing.assert_allclose(corr, lay.c, atol=0.03)
    theory_fwd = [variance.moments("tanh", q).std for q in lay.q]  # std of h_l = tanh(z_l)
    np.testing.assert_allclose(fwd, theory_fwd, rtol=0.06)
    np.testing.assert_allclose(bwd, lay.backward_std, rtol=0.07)
    if sigma_b > 0:
        no_bias = variance.mean_field_layers("tanh", sigma_w, 0.0, depth=depth)
        assert np.max(np.abs(corr - no_bias.c)) > 0.3


def test_phase_diagram_matches_mean_field():
    ws, bs = [0.8, 1.2, 1.5925, 2.5], [0.0, 0.2, 0.6]
    chi = variance.phase_diagram("tanh", ws, bs)
    assert chi.shape == (3, 4)
    for i, b in enumerate(bs):
        for j, w in enumerate(ws):
            assert chi[i, j] == pytest.approx(variance.mean_field("tanh", w, b).chi_1, rel=1e-12)
    np.testing.assert_allclose(variance.phase_diagram("relu", ws, [0.0, 0.3]),
                               [np.square(ws) / 2] * 2, rtol=1e-12)
    with pytest.raises(ValueError, match="phase_diagram: sigma_w"):
        variance.phase_diagram("tanh", [0.0, 1.0], [0.0])
    with pytest.raises(ValueError, match="phase_diagram: sigma_b"):
        variance.phase_diagram("tanh", [1.0], [[0.1]])


# --------------------------------------------------------------------------- newer activations

@pytest.mark.parametrize("name", ["relu6", "hard_sigmoid", "hard_silu", "squared_relu"])
def test_gain_of_the_newer_elementwise_activations_against_mpmath(name):
    """E[f(z)^2] by 40-digit quadrature, split at the activation's kinks (ReLU6's 6, the hard
    units' -3 and 3): the gain 1/sqrt(E[f(z)^2]) to 1e-9."""
    import mpmath

    mpmath.mp.dps = 40
    f = act.get(name)
    points = sorted({-40.0, 40.0, 0.0, *f.kinks})

    def integrand(t):
        value = float(f(np.array([float(t)]))[0])
        return mpmath.mpf(value) ** 2 * mpmath.npdf(t)

    second = mpmath.quad(integrand, points)
    assert variance.gain(name) == pytest.approx(float(1 / mpmath.sqrt(second)), rel=1e-9)
    assert variance.gain("hard_swish") == variance.gain("hard_silu")


def test_squared_relu_gain_is_the_closed_form():
    assert variance.gain("squared_relu") == pytest.approx(np.sqrt(2 / 3), rel=1e-12)  # E = 3/2


def test_expect_splits_at_kinks_and_is_unchanged_without_them():
    z = np.linspace(-60, 60, 2_000_001)  # a fine Riemann sum of E[relu6(z)] for z ~ N(0, 4)
    riemann = np.sum(act.relu6(z) * np.exp(-z ** 2 / 8)) * (z[1] - z[0]) / np.sqrt(8 * np.pi)
    assert variance.expect(act.relu6, 4.0, kinks=(0, 6)) == pytest.approx(riemann, rel=1e-6)
    assert variance.expect(act.relu, 1.0) == variance.expect(act.relu, 1.0, kinks=(0.0,))


def test_gated_names_are_refused():
    with pytest.raises(ValueError, match="gain: name must be an elementwise activation's name"):
        variance.gain("swiglu")
