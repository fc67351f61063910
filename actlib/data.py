"""Small, deterministic data sets for the experiments; nothing is ever downloaded.

The 2-D sets are generated on the spot. Every generator takes ``n``, ``noise`` and ``seed`` and
returns ``(X, y)``: X float32 of shape (n, 2), y int64 class labels of shape (n,) (float32
targets for ``wave``). Points lie roughly within [-1, 1]^2; ``noise`` is the standard deviation
of Gaussian jitter in those units.

One real data set: ``digits``, the 8x8 handwritten digits that scikit-learn ships inside its
package, already split and standardised: ``X_train, X_test, y_train, y_test``."""

from __future__ import annotations

import numbers

import numpy as np

from ._inputs import rng_param

__all__ = ["circles", "digits", "spirals", "train_test_split", "two_spirals", "wave",
           "xor_blobs"]


def _check(fname: str, n, noise, min_n: int = 1) -> None:
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise TypeError(f"{fname}: n must be an int, got {type(n).__name__}")
    if n < min_n:
        raise ValueError(f"{fname}: n must be >= {min_n}, got {n}")
    if isinstance(noise, bool) or not isinstance(noise, numbers.Real):
        raise TypeError(f"{fname}: noise must be a real number, got {type(noise).__name__}")
    if not (np.isfinite(noise) and noise >= 0):
        raise ValueError(f"{fname}: noise must be finite and >= 0, got {noise}")


def _split_counts(n: int, classes: int) -> np.ndarray:
    return np.full(classes, n // classes) + (np.arange(classes) < n % classes)


def spirals(n: int = 1000, classes: int = 2, noise: float = 0.05, seed=0, turns: float = 1.5):
    """``classes`` interleaved spiral arms of ``turns`` turns each, radius growing from 0 to 1.

    Arm k is the curve r(t) = t, angle(t) = 2 pi (turns t + k / classes), t in (0, 1], sampled
    with more points far out (t = sqrt(u)) so the density along the arm is even.
    """
    _check("spirals", n, noise, min_n=classes)
    if isinstance(classes, bool) or not isinstance(classes, numbers.Integral) or classes < 2:
        raise ValueError(f"spirals: classes must be an int >= 2, got {classes!r}")
    if not (isinstance(turns, numbers.Real) and np.isfinite(turns) and turns > 0):
        raise ValueError(f"spirals: turns must be a finite number > 0, got {turns!r}")
    rng = rng_param("spirals", seed)
    y = np.repeat(np.arange(classes), _split_counts(n, classes))
    t = np.sqrt(rng.uniform(0.02, 1.0, n))
    angle = 2 * np.pi * (turns * t + y / classes)
    X = np.stack([t * np.cos(angle), t * np.sin(angle)], axis=1)
    X += rng.normal(0.0, noise, X.shape)
    return _shuffled(X, y, rng)


def two_spirals(n: int = 1000, noise: float = 0.05, seed=0, turns: float = 1.5):
    """The classic two-spirals problem: ``spirals`` with two arms."""
    return spirals(n, 2, noise, seed, turns)


def circles(n: int = 1000, noise: float = 0.05, seed=0, factor: float = 0.5):
    """Two concentric circles, radius 1 (class 0) and ``factor`` (class 1)."""
    _check("circles", n, noise, min_n=2)
    if not (isinstance(factor, numbers.Real) and 0 < factor < 1):
        raise ValueError(f"circles: factor must be between 0 and 1, got {factor!r}")
    rng = rng_param("circles", seed)
    y = np.repeat([0, 1], _split_counts(n, 2))
    radius = np.where(y == 0, 1.0, factor)
    angle = rng.uniform(0, 2 * np.pi, n)
    X = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
    X += rng.normal(0.0, noise, X.shape)
    return _shuffled(X, y, rng)


def xor_blobs(n: int = 1000, noise: float = 0.2, seed=0):
    """Four Gaussian blobs at (+-0.5, +-0.5); the label is 1 where the signs differ (XOR)."""
    _check("xor_blobs", n, noise, min_n=4)
    rng = rng_param("xor_blobs", seed)
    corner = np.repeat(np.arange(4), _split_counts(n, 4))
    signs = np.array([[1, 1], [-1, -1], [1, -1], [-1, 1]])[corner]
    X = 0.5 * signs + rng.normal(0.0, noise, (n, 2))
    y = (corner >= 2).astype(np.int64)
    return _shuffled(X, y, rng)


def wave(n: int = 1000, noise: float = 0.05, seed=0):
    """A regression task: y = sin(3 x1) cos(2 x2) + noise, x uniform on [-1, 1]^2."""
    _check("wave", n, noise)
    rng = rng_param("wave", seed)
    X = rng.uniform(-1, 1, (n, 2))
    y = np.sin(3 * X[:, 0]) * np.cos(2 * X[:, 1]) + rng.normal(0.0, noise, n)
    return X.astype(np.float32), y.astype(np.float32)


def _shuffled(X, y, rng):
    order = rng.permutation(len(y))
    return X[order].astype(np.float32), y[order].astype(np.int64)


def train_test_split(X, y, test_fraction: float = 0.25, seed=0):
    """Shuffle and split: returns ``X_train, X_test, y_train, y_test``."""
    X, y = np.asarray(X), np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"train_test_split: X has {len(X)} rows but y has {len(y)}")
    if not (isinstance(test_fraction, numbers.Real) and 0 < test_fraction < 1):
        raise ValueError(f"train_test_split: test_fraction must be between 0 and 1, "
                         f"got {test_fraction!r}")
    n_test = int(round(len(y) * test_fraction))
    if not 0 < n_test < len(y):
        raise ValueError(f"train_test_split: {len(y)} rows are too few to split at "
                         f"test_fraction={test_fraction}")
    order = rng_param("train_test_split", seed).permutation(len(y))
    test, train = order[:n_test], order[n_test:]
    return X[train], X[test], y[train], y[test]


def digits(test_fraction: float = 0.25, seed=0):
    r"""The 8x8 handwritten digits (real data), split and standardised:
    ``X_train, X_test, y_train, y_test``.

    scikit-learn ships the set inside its package (``sklearn.datasets.load_digits``: 1,797
    images of the digits 0 to 9, 8 x 8 pixels with grey levels 0 to 16, from the UCI optical
    recognition data), so nothing is downloaded. Each image is one row of 64 pixels. The rows
    are split by ``train_test_split(X, y, test_fraction, seed)`` and every pixel is standardised
    with the *training* rows' statistics only (the test rows must not leak into the scaling):

    .. math:: x'_{ij} = \frac{x_{ij} - \mu_j}{\sigma_j}, \qquad
              \mu_j, \sigma_j = \text{mean and std of pixel } j \text{ over the training rows},

    with :math:`\sigma_j` replaced by 1 for a pixel that is constant in the training rows (a
    corner that is always blank): it becomes 0 there. X is float32 of shape (rows, 64), y int64
    in 0..9. With the default ``test_fraction`` 0.25: 1,348 training and 449 test images.
    """
    if not (isinstance(test_fraction, numbers.Real) and 0 < test_fraction < 1):
        raise ValueError(f"digits: test_fraction must be between 0 and 1, got {test_fraction!r}")
    rng = rng_param("digits", seed)
    from sklearn.datasets import load_digits  # imported here: `import actlib` stays light

    bunch = load_digits()
    X_train, X_test, y_train, y_test = train_test_split(bunch.data, bunch.target, test_fraction,
                                                        rng)
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    return (((X_train - mean) / std).astype(np.float32), ((X_test - mean) / std).astype(np.float32),
            y_train.astype(np.int64), y_test.astype(np.int64))
