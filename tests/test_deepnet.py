"""actlib.deepnet: random deep networks in NumPy, checked against finite differences."""

import warnings

import numpy as np
import pytest

import actlib as act
from actlib import deepnet


def test_init_weights_variances():
    rng = np.random.default_rng(0)
    n = 400
    assert deepnet.init_weights(n, n, "lecun_normal", rng).var() == pytest.approx(1 / n, rel=0.02)
    assert deepnet.init_weights(n, n, "he_normal", rng).var() == pytest.approx(2 / n, rel=0.02)
    assert deepnet.init_weights(n, 200, "glorot_uniform", rng).var() == pytest.approx(
        2 / (n + 200), rel=0.02)
    assert deepnet.init_weights(n, n, "random_normal", rng).std() == pytest.approx(0.05, rel=0.02)
    with pytest.raises(ValueError, match="init_weights: unknown init 'zeros'"):
        deepnet.init_weights(2, 2, "zeros")


def test_gradient_norms_match_finite_differences():
    # Rebuild the network and the loss, and differentiate one weight of each layer numerically.
    name, depth, width, n, seed = "tanh", 4, 5, 7, 3
    weights, _, _ = deepnet.forward(name, depth, width, n=n, seed=seed)
    norms = deepnet.gradient_norms(name, depth, width, n=n, seed=seed)
    x0 = np.random.default_rng(seed).standard_normal((n, width))
    g = np.random.default_rng(np.random.SeedSequence([seed, 1])).standard_normal((n, width)) / n

    def loss(ws):
        h = x0
        for w in ws:
            h = np.tanh(h @ w)
        return np.sum(h * g)

    for layer in range(depth):
        grad = np.zeros((width, width))
        for i in range(width):
            for j in range(width):
                up = [w.copy() for w in weights]
                down = [w.copy() for w in weights]
                up[layer][i, j] += 1e-6
                down[layer][i, j] -= 1e-6
                grad[i, j] = (loss(up) - loss(down)) / 2e-6
        assert norms[layer] == pytest.approx(np.linalg.norm(grad), rel=1e-5)


def test_sigmoid_gradients_vanish_relu_with_he_init_do_not():
    sig = deepnet.gradient_norms("sigmoid", depth=30)
    relu = deepnet.gradient_norms("relu", depth=30, init="he_normal")
    assert sig[0] / sig[-1] < 1e-10
    assert 0.1 < relu[0] / relu[-1] < 10


def test_selu_keeps_activations_normalised_with_lecun_normal():
    means, stds = deepnet.activation_stats("selu", depth=50, width=256, init="lecun_normal")
    assert abs(means[-1]) < 0.1 and 0.8 < stds[-1] < 1.2
    means, stds = deepnet.activation_stats("selu", depth=50, width=256, init="random_normal")
    assert stds[-1] < 0.5  # Keras' RandomNormal(0.05): another fixed point, far from 1


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"name": "nope"}, "forward: unknown activation 'nope'"),
    ({"name": "relu", "depth": 0}, "forward: depth must be an int >= 1"),
    ({"name": "relu", "width": 2.5}, "forward: width must be an int >= 1"),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        deepnet.forward(**kwargs)


def test_exploding_networks_give_inf_not_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        norms = deepnet.gradient_norms("relu", depth=50, weight_scale=10.0)
    assert norms.shape == (50,) and norms[0] > 1e30  # exploding, and no warning


def same(a, b):
    """Bit-identical arrays (NaN where NaN, inf where inf, same dtype and shape)."""
    a, b = np.asarray(a), np.asarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


@pytest.mark.parametrize(("name", "init"), [("selu", "lecun_normal"), ("selu", "random_normal"),
                                            ("selu", "he_normal"), ("relu", "glorot_uniform"),
                                            ("tanh", "glorot_uniform")])
def test_cached_activation_stats_equal_a_fresh_computation(name, init):
    deepnet.clear_caches()
    for depth in (30, 100, 1, 57, 100, 101):  # grow, shrink (a prefix), grow again, repeat
        fresh = deepnet.activation_stats(name, depth, 64, init, n=256, seed=3)
        cached = deepnet.cached_activation_stats(name, depth, 64, init, n=256, seed=3)
        assert same(fresh[0], cached[0]) and same(fresh[1], cached[1]), depth
    cached[0][:] = 0.0  # the caller's copy: the cache is untouched
    assert same(deepnet.cached_activation_stats(name, 101, 64, init, n=256, seed=3)[0],
                deepnet.activation_stats(name, 101, 64, init, n=256, seed=3)[0])


@pytest.mark.parametrize(("name", "depth", "scale"), [("sigmoid", 20, 1.0), ("relu", 50, 10.0),
                                                      ("tanh", 2, 0.1), ("selu", 33, 1.0)])
def test_cached_gradient_norms_equal_a_fresh_computation(name, depth, scale):
    deepnet.clear_caches()
    for _ in range(2):  # computed, then remembered
        cached = deepnet.cached_gradient_norms(name, depth, 64, "lecun_normal", scale, 128, 0)
        assert same(cached, deepnet.gradient_norms(name, depth, 64, "lecun_normal", scale,
                                                   n=128, seed=0))
        assert not cached.flags.writeable  # shared: read-only
    assert deepnet.cached_gradient_norms(name, depth, 64, "lecun_normal", scale, 128, 0) is cached


def test_cached_functions_check_their_arguments():
    with pytest.raises(ValueError, match="activation_stats: depth must be an int >= 1"):
        deepnet.cached_activation_stats("selu", 0)
    with pytest.raises(ValueError, match="activation_stats: depth must be an int >= 1"):
        deepnet.cached_activation_stats("selu", True)
    with pytest.raises(ValueError, match="unknown init 'zeros'"):
        deepnet.cached_activation_stats("selu", 3, init="zeros")
    with pytest.raises(ValueError, match="forward: depth must be an int >= 1"):
        deepnet.cached_gradient_norms("relu", True)


@pytest.mark.parametrize("name", ["tanh", "relu", "gelu"])
def test_propagation_measures_both_directions(name):
    depth, width, n, seed = 6, 16, 32, 3
    weights, zs, h = deepnet.forward(name, depth, width, n=n, seed=seed)
    p = deepnet.propagation(name, depth, width, n=n, seed=seed)
    assert np.allclose(p.weight_grad_norm, deepnet.gradient_norms(name, depth, width, n=n,
                                                                  seed=seed))
    assert np.allclose(p.forward_std, [a.std() for a in h[1:]])
    # by hand: the per-example error at the top is g * f'(z_depth), one layer down through W
    g = np.random.default_rng(np.random.SeedSequence([seed, 1])).standard_normal((n, width))
    fn = getattr(act, name)
    top = g * fn.derivative(zs[-1])
    below = (top @ weights[-1].T) * fn.derivative(zs[-2])
    assert p.backward_std[-1] == pytest.approx(top.std())
    assert p.backward_std[-2] == pytest.approx(below.std())


def test_propagation_sees_what_the_weight_gradient_hides():
    """ReLU with LeCun weights: both signals shrink over 20 layers, the weight gradient not."""
    p = deepnet.propagation("relu", 20, 64, "lecun_normal")
    assert p.forward_std[-1] < 1e-2 and p.backward_std[0] < 1e-2
    assert 0.3 < p.weight_grad_norm[0] / p.weight_grad_norm[-1] < 3
    he = deepnet.propagation("relu", 20, 64, "he_normal")
    assert 0.3 < he.forward_std[-1] < 3 and 0.3 < he.backward_std[0] < 3


def test_cached_propagation_matches_and_rejects_bad_input():
    a = deepnet.cached_propagation("tanh", 5, 8, n=16, seed=2, weight_scale=1.5)
    b = deepnet.propagation("tanh", 5, 8, n=16, seed=2, weight_scale=1.5)
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))
    assert not a.forward_std.flags.writeable
    with pytest.raises(ValueError, match="propagation: depth"):
        deepnet.propagation("tanh", 0)
