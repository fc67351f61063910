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


def _raw_digits():
    from sklearn.datasets import load_digits

    bunch = load_digits()
    return bunch.data, bunch.target


def test_digits_split_shapes_and_labels():
    X_train, X_test, y_train, y_test = data.digits(seed=3)
    assert X_train.shape == (1348, 64) and X_test.shape == (449, 64)
    assert X_train.dtype == X_test.dtype == np.float32
    assert y_train.dtype == y_test.dtype == np.int64
    assert set(np.unique(y_train)) == set(range(10)) and set(np.unique(y_test)) <= set(range(10))
    X_train2, X_test2, y_train2, _ = data.digits(seed=3)
    np.testing.assert_array_equal(X_train, X_train2)
    np.testing.assert_array_equal(X_test, X_test2)
    assert not np.array_equal(data.digits(seed=4)[2], y_train2)
    assert len(data.digits(test_fraction=0.5)[1]) == 898


def test_digits_standardised_with_the_training_statistics_only():
    raw_X, raw_y = _raw_digits()
    X_train, X_test, y_train, y_test = data.digits(seed=1)
    # the same rows as train_test_split with the same seed: every image once
    _, raw_test, _, raw_test_y = data.train_test_split(raw_X, raw_y, 0.25, seed=1)
    np.testing.assert_array_equal(y_test, raw_test_y)
    raw_train = data.train_test_split(raw_X, raw_y, 0.25, seed=1)[0]
    mean, std = raw_train.mean(axis=0), raw_train.std(axis=0)
    live = std > 0
    # training pixels: mean 0, std 1 (constant pixels: all 0)
    np.testing.assert_allclose(X_train.mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(X_train.std(axis=0)[live], 1, rtol=1e-4)
    assert (~live).any() and np.all(X_train[:, ~live] == 0)
    # test pixels: scaled with the training mean and std, not their own
    np.testing.assert_allclose(X_test[:, live] * std[live] + mean[live], raw_test[:, live],
                               atol=1e-4)
    assert np.abs(X_test.mean(axis=0)).max() > 0.01  # the test rows' own mean is not removed


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
    (lambda: data.digits(test_fraction=0), ValueError, "digits: test_fraction must be between"),
    (lambda: data.digits(seed="a"), TypeError, "digits: rng must be None, an int seed"),
])
def test_bad_arguments(call, err, match):
    with pytest.raises(err, match=match):
        call()
