"""actlib.deepnet's forward measures beyond the pooled std: ``unit_std`` (what still varies with
the input) and ``correlation`` (the mean-field c^l), checked on hand-computed cases, on networks
whose answer is known (a linear orthogonal net keeps every angle; a sigmoid net maps every input
to one vector) and against mean-field closed forms (ReLU's arc-cosine map, a linear net with
biases)."""

import warnings

import numpy as np
import pytest

from actlib import deepnet

FIELDS = ("forward_std", "backward_std", "weight_grad_norm", "unit_std", "correlation")


def test_measures_by_hand():
    # two examples: cos = 1 / sqrt(2); unit stds |1 - 1| / 2 = 0 and |0 - 1| / 2 = 0.5
    z = np.array([[1.0, 0.0], [1.0, 1.0]])
    assert deepnet.mean_correlation(z) == pytest.approx(1 / np.sqrt(2), rel=1e-12)
    assert deepnet.unit_std(z) == pytest.approx(0.25, rel=1e-12)
    # three examples, pairs (0, 1), (0, 2), (1, 2): cosines 0, 1/sqrt2, 1/sqrt2; a zero row has
    # no direction and is left out
    z3 = np.array([[2.0, 0.0], [0.0, 3.0], [1.0, 1.0], [0.0, 0.0]])
    assert deepnet.mean_correlation(z3) == pytest.approx(np.sqrt(2) / 3, rel=1e-12)
    # not centred: a common offset makes two examples alike (the mean-field definition)
    assert deepnet.mean_correlation(np.array([[5.0, 5.1], [5.1, 5.0]])) > 0.99
    # opposite vectors: -1; huge values do not overflow
    assert deepnet.mean_correlation(np.array([[1e200, -2e200], [-1e200, 2e200]])) == -1.0
    assert np.isnan(deepnet.mean_correlation(np.array([[1.0, np.inf], [1.0, 2.0]])))
    assert np.isnan(deepnet.mean_correlation(np.array([[1.0, 2.0]])))


def test_propagation_measures_a_two_example_network_by_hand():
    name, depth, width, seed = "tanh", 3, 5, 4
    _, zs, _ = deepnet.forward(name, depth, width, n=2, seed=seed)
    p = deepnet.propagation(name, depth, width, n=2, seed=seed)
    for layer, z in enumerate(zs):
        a, b = z
        assert p.correlation[layer] == pytest.approx(a @ b / np.sqrt((a @ a) * (b @ b)),
                                                     rel=1e-12)
        assert p.unit_std[layer] == pytest.approx(np.mean(np.abs(a - b) / 2), rel=1e-12)


def test_shapes_and_dtypes():
    p = deepnet.propagation("relu", 7, 16, n=32)
    assert p._fields == FIELDS
    for field in FIELDS:
        a = getattr(p, field)
        assert a.shape == (7,) and a.dtype == np.float64, field
    one = deepnet.propagation("relu", 7, 16, n=1)  # one example: nothing to compare
    assert np.all(np.isnan(one.unit_std)) and np.all(np.isnan(one.correlation))


def test_sigmoid_maps_every_input_to_one_vector_while_the_pooled_std_stays():
    """Lesson 01's network (sigmoid, LeCun, 20 x 64): the pooled std of h stays near 0.11, but
    each unit's spread across examples falls by more than ten decades and c^l reaches 1."""
    for seed in range(3):
        p = deepnet.propagation("sigmoid", 20, 64, "lecun_normal", seed=seed)
        assert abs(p.correlation[0]) < 0.05  # independent inputs: about 0
        assert np.all(p.correlation[4:] > 0.9999) and p.correlation[-1] > 1 - 1e-12
        assert p.unit_std[0] > 0.5 and p.unit_std[4] < 1e-2 and p.unit_std[-1] < 1e-10
        assert np.all(np.diff(p.unit_std) < 0)
        assert np.all((0.05 < p.forward_std[4:]) & (p.forward_std[4:] < 0.2))


def test_linear_orthogonal_network_keeps_every_angle():
    """A square orthogonal W keeps inner products exactly (W W^T = I), so a linear net's c^l is
    the input's at every layer, and each example's length too."""
    depth, width, n, seed = 12, 16, 10, 5
    _, zs, h = deepnet.forward("linear", depth, width, "orthogonal", n=n, seed=seed)
    p = deepnet.propagation("linear", depth, width, "orthogonal", n=n, seed=seed)
    c0 = deepnet.mean_correlation(h[0])
    np.testing.assert_allclose(p.correlation, c0, rtol=0, atol=1e-12)
    np.testing.assert_allclose(np.linalg.norm(zs[-1], axis=1), np.linalg.norm(h[0], axis=1),
                               rtol=1e-12)
    # Gaussian weights keep angles only on average, not exactly
    g = deepnet.propagation("linear", depth, width, "lecun_normal", n=n, seed=seed)
    assert np.max(np.abs(g.correlation - c0)) > 1e-3


def test_orthogonal_init():
    for fan_in, fan_out in ((8, 8), (12, 5), (5, 12)):
        w = deepnet.init_weights(fan_in, fan_out, "orthogonal", rng=1)
        assert w.shape == (fan_in, fan_out)
        small = w.T @ w if fan_in >= fan_out else w @ w.T
        np.testing.assert_allclose(small, np.eye(min(fan_in, fan_out)), atol=1e-12)
    assert np.allclose(deepnet.init_weights(4, 4, "orthogonal", 1, scale=2.0) / 2,
                       deepnet.init_weights(4, 4, "orthogonal", 1))


def test_relu_correlation_follows_the_arc_cosine_map():
    """ReLU with He weights (Cho & Saul 2009; Poole et al. 2016): c_{l+1} =
    (sqrt(1 - c^2) + (pi - arccos c) c) / pi from c_1 = 0, which climbs toward 1 (0.94 at layer
    20): He weights keep the size, not the differences. Averaged over 8 networks of 128 units."""
    c = [0.0]
    for _ in range(19):
        c.append((np.sqrt(1 - c[-1] ** 2) + (np.pi - np.arccos(c[-1])) * c[-1]) / np.pi)
    sims = np.mean([deepnet.propagation("relu", 20, 128, "he_normal", seed=s).correlation
                    for s in range(8)], axis=0)
    np.testing.assert_allclose(sims, c, atol=0.05)
    assert sims[-1] > 0.9


def test_bias_raises_the_correlation_as_the_linear_recursion_says():
    """Linear net, LeCun weights, biases of std s_b: q^aa_l = 1 + l s_b^2, q^ab_l = l s_b^2, so
    c_l = l s_b^2 / (1 + l s_b^2) (independent inputs: q^ab_0 = 0). Mean of 8 networks."""
    sb, depth = 0.5, 10
    layers = np.arange(1, depth + 1)
    sims = np.mean([deepnet.propagation("linear", depth, 256, seed=s, bias_std=sb).correlation
                    for s in range(8)], axis=0)
    np.testing.assert_allclose(sims, layers * sb**2 / (1 + layers * sb**2), atol=0.04)
    # tanh: biases pull every layer's c toward 1, on average over networks
    without = np.mean([deepnet.propagation("tanh", 20, 64, seed=s).correlation
                       for s in range(5)], axis=0)
    with_bias = np.mean([deepnet.propagation("tanh", 20, 64, seed=s, bias_std=0.3).correlation
                         for s in range(5)], axis=0)
    assert np.all(with_bias > without + 0.05) and with_bias[-1] > 0.9


def test_biases_come_from_their_own_stream():
    w0, z0, _ = deepnet.forward("tanh", 4, 8, n=5, seed=2)
    w1, z1, h1 = deepnet.forward("tanh", 4, 8, n=5, seed=2, bias_std=0.7)
    assert all(np.array_equal(a, b) for a, b in zip(w0, w1, strict=True))  # the same weights
    b1 = z1[0] - h1[0] @ w1[0]  # the first layer's bias, one value per unit
    assert np.allclose(b1, b1[0]) and np.all(np.abs(b1[0]) > 0)
    assert not np.allclose(z0[0], z1[0])
    # bias_std=0 is exactly the network without biases
    p = deepnet.propagation("relu", 6, 16, n=32, seed=3)
    q = deepnet.propagation("relu", 6, 16, n=32, seed=3, bias_std=0.0)
    assert all(np.array_equal(a, b, equal_nan=True) for a, b in zip(p, q, strict=True))
    # deterministic given the seed
    r1 = deepnet.propagation("relu", 6, 16, n=32, seed=3, bias_std=0.2)
    r2 = deepnet.propagation("relu", 6, 16, n=32, seed=3, bias_std=0.2)
    assert all(np.array_equal(a, b) for a, b in zip(r1, r2, strict=True))


def test_widths_and_cache_agree_with_propagation_with_biases():
    square = deepnet.propagation("tanh", 6, 16, "he_normal", n=32, seed=3, weight_scale=1.3,
                                 bias_std=0.4)
    widths = deepnet.propagation_widths("tanh", [16] * 7, "he_normal", n=32, seed=3,
                                        weight_scale=1.3, bias_std=0.4)
    deepnet.clear_caches()
    cached = deepnet.cached_propagation("tanh", 6, 16, "he_normal", n=32, seed=3,
                                        weight_scale=1.3, bias_std=0.4)
    for a, b, c in zip(square, widths, cached, strict=True):
        np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(a, c)
    assert not cached.correlation.flags.writeable and not cached.unit_std.flags.writeable
    other = deepnet.cached_propagation("tanh", 6, 16, "he_normal", n=32, seed=3, weight_scale=1.3)
    assert not np.array_equal(other.correlation, cached.correlation)


def test_exploding_network_gives_nan_correlation_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = deepnet.propagation("relu", 400, 16, n=8, weight_scale=10.0)
    assert np.isnan(p.correlation[-1]) and not np.isfinite(p.unit_std[-1])


@pytest.mark.parametrize("fn", [
    lambda **kw: deepnet.propagation("tanh", 3, 4, n=4, **kw),
    lambda **kw: deepnet.forward("tanh", 3, 4, n=4, **kw),
    lambda **kw: deepnet.propagation_widths("tanh", [4, 4], n=4, **kw),
    lambda **kw: deepnet.cached_propagation("tanh", 3, 4, n=4, **kw),
])
@pytest.mark.parametrize("pname", ["bias_std", "weight_scale"])
@pytest.mark.parametrize("value", [-0.1, np.nan, np.inf, True, "0.1", None])
def test_bad_scales_are_named(fn, pname, value):
    with pytest.raises(ValueError, match=rf"^\w+: {pname} must be a finite number >= 0"):
        fn(**{pname: value})


def test_bad_arrays_for_the_measures():
    with pytest.raises(ValueError, match="unit_std: z must be a 2-d array"):
        deepnet.unit_std(np.ones(3))
    with pytest.raises(ValueError, match="unit_std: z must be a 2-d array"):
        deepnet.unit_std(np.ones((1, 3)))
    with pytest.raises(ValueError, match="mean_correlation: z must be a 2-d array"):
        deepnet.mean_correlation(np.ones(3))
