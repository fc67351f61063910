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
