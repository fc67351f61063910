"""actlib.data: deterministic, offline, well-formed data sets."""

import numpy as np
import pytest

from actlib import data

GENERATORS = [data.two_spirals, data.circles, data.xor_blobs]


@pytest.mark.parametrize("gen", GENERATORS)
def test_shapes_dtypes_balance_and_determinism(gen):
    X, y = gen(n=301, noise=0.1, seed=4)
    assert X.shape == (301, 2) and X.dtype == np.float32 and y.dtype == np.int64
    assert set(np.unique(y)) == {0, 1} and abs(np.mean(y) - 0.5) < 0.01
    assert np.abs(X).max() < 2
    X2, y2 = gen(n=301, noise=0.1, seed=4)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    assert not np.array_equal(gen(n=301, noise=0.1, seed=5)[0], X)


def test_spirals_with_three_classes_and_zero_noise_lie_on_the_arms():
    X, y = data.spirals(n=600, classes=3, noise=0.0, seed=0)
    assert np.bincount(y).tolist() == [200, 200, 200]
    r = np.hypot(X[:, 0], X[:, 1])
    angle = np.arctan2(X[:, 1], X[:, 0])
    expected = 2 * np.pi * (1.5 * r + y / 3)
    np.testing.assert_allclose(np.cos(angle - expected), 1, atol=1e-5)


def test_circles_radii_and_xor_labels():
    X, y = data.circles(n=400, noise=0.0, factor=0.3)
    np.testing.assert_allclose(np.hypot(X[:, 0], X[:, 1]), np.where(y == 0, 1.0, 0.3), rtol=1e-6)
    X, y = data.xor_blobs(n=400, noise=0.0)
    np.testing.assert_array_equal(y, (np.sign(X[:, 0]) != np.sign(X[:, 1])).astype(int))


def test_wave_regression_targets():
    X, y = data.wave(n=500, noise=0.0, seed=1)
    np.testing.assert_allclose(y, np.sin(3 * X[:, 0]) * np.cos(2 * X[:, 1]), atol=1e-6)


def test_train_test_split_partitions_the_rows():
    X, y = data.two_spirals(n=100)
    Xtr, Xte, ytr, yte = data.train_test_split(X, y, test_fraction=0.2, seed=1)
    assert len(Xtr) == 80 and len(Xte) == 20 and len(ytr) == 80 and len(yte) == 20
    rows = {tuple(r) for r in np.concatenate([Xtr, Xte])}
    assert rows == {tuple(r) for r in X}


@pytest.mark.parametrize(("call", "err", "match"), [
    (lambda: data.two_spirals(n=0), ValueError, "spirals: n must be >= 2"),
    (lambda: data.two_spirals(n=10.5), TypeError, "spirals: n must be an int"),
    (lambda: data.circles(noise=-1), ValueError, "circles: noise must be finite and >= 0"),
    (lambda: data.circles(factor=1.5), ValueError, "circles: factor must be between 0 and 1"),
    (lambda: data.xor_blobs(noise="a"), TypeError, "xor_blobs: noise must be a real number"),
    (lambda: data.spirals(classes=1), ValueError, "spirals: classes must be an int >= 2"),
    (lambda: data.two_spirals(seed="x"), TypeError, "spirals: rng must be None, an int seed"),
    (lambda: data.train_test_split(np.ones((4, 2)), np.ones(3)), ValueError, "4 rows but y has 3"),
    (lambda: data.train_test_split(np.ones((4, 2)), np.ones(4), 1.0), ValueError, "test_fraction"),
])
def test_bad_arguments(call, err, match):
    with pytest.raises(err, match=match):
        call()
