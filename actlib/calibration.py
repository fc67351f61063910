r"""Is a classifier's confidence honest? Expected calibration error, temperature scaling fitted
on a validation split, label smoothing, and a paired comparison over seeds. NumPy (and SciPy),
except ``train_classifier``, a small Keras model.

    conf, correct = confidence(logits, y)
    expected_calibration_error(conf, correct)      # ECE, 15 equal-width bins (Guo et al. 2017)
    T = fit_temperature(val_logits, val_y)         # minimises the validation NLL of softmax(z/T)
    smooth_labels(y, 10, 0.1)                      # (1 - eps) one-hot + eps / K
    paired_interval(after - before)                # mean and t-based 95% interval over seeds
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["confidence", "expected_calibration_error", "fit_temperature", "log_loss",
           "paired_interval", "reliability", "smooth_labels", "train_classifier"]


def _logits(fname, logits, y=None):
    z = np.asarray(logits, dtype=float)
    if z.ndim != 2 or z.shape[1] < 2 or z.shape[0] < 1:
        raise ValueError(f"{fname}: logits must be a 2-d array (examples, classes >= 2), got "
                         f"shape {z.shape}")
    if not np.all(np.isfinite(z)):
        raise ValueError(f"{fname}: logits must be finite")
    if y is None:
        return z, None
    y = np.asarray(y)
    if y.shape != (z.shape[0],) or not np.issubdtype(y.dtype, np.integer) or \
            y.min() < 0 or y.max() >= z.shape[1]:
        raise ValueError(f"{fname}: y must be {z.shape[0]} integer labels in 0..{z.shape[1] - 1}")
    return z, y


def _log_softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))


def confidence(logits, y, temperature: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """(confidence, correct): the largest probability of softmax(logits / T) per example, and
    whether its class is the label y."""
    z, y = _logits("confidence", logits, y)
    _check_temperature("confidence", temperature)
    p = np.exp(_log_softmax(z / temperature))
    return p.max(axis=1), p.argmax(axis=1) == y


def _check_temperature(fname, t):
    if isinstance(t, bool) or not isinstance(t, numbers.Real) or not np.isfinite(t) or t <= 0:
        raise ValueError(f"{fname}: temperature must be a finite number > 0, got {t!r}")


def _check_pairs(fname, conf, correct):
    conf = np.asarray(conf, dtype=float)
    correct = np.asarray(correct, dtype=float)
    if conf.ndim != 1 or conf.shape != correct.shape or conf.size == 0:
        raise ValueError(f"{fname}: confidences and correct must be 1-d arrays of the same "
                         f"non-zero length, got shapes {conf.shape} and {correct.shape}")
    if np.any((conf < 0) | (conf > 1)) or not np.all(np.isin(correct, (0, 1))):
        raise ValueError(f"{fname}: confidences must lie in [0, 1] and correct be 0/1 "
                         f"(or booleans)")
    return conf, correct


def reliability(conf, correct, n_bins: int = 15):
    """Per bin of equal width on [0, 1] (the first closed, the rest (a, b]): the number of
    examples, their mean confidence and their accuracy (NaN for an empty bin)."""
    conf, correct = _check_pairs("reliability", conf, correct)
    if isinstance(n_bins, bool) or not isinstance(n_bins, numbers.Integral) or n_bins < 1:
        raise ValueError(f"reliability: n_bins must be an int >= 1, got {n_bins!r}")
    which = np.clip(np.ceil(conf * n_bins).astype(int) - 1, 0, n_bins - 1)
    counts = np.bincount(which, minlength=n_bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_conf = np.bincount(which, conf, n_bins) / counts
        accuracy = np.bincount(which, correct, n_bins) / counts
    return counts, mean_conf, accuracy


def expected_calibration_error(conf, correct, n_bins: int = 15) -> float:
    r"""Expected calibration error (Naeini et al. 2015; Guo et al. 2017, arXiv:1706.04599):
    the examples' confidences in ``n_bins`` equal-width bins :math:`B_m`, and

    .. math:: \mathrm{ECE} = \sum_{m} \frac{|B_m|}{n}\,
              \bigl|\operatorname{acc}(B_m) - \operatorname{conf}(B_m)\bigr| ,

    the gap between accuracy and mean confidence in each bin, weighted by the bin's share of
    examples. 0 for a perfectly calibrated classifier (on infinitely many examples; a finite
    test set leaves a positive bias of order :math:`\sqrt{\text{bins}/n}`)."""
    counts, mean_conf, accuracy = reliability(conf, correct, n_bins)
    full = counts > 0
    return float(np.sum(counts[full] / counts.sum() * np.abs(accuracy[full] - mean_conf[full])))


def log_loss(logits, y, temperature: float = 1.0) -> float:
    """The mean negative log-likelihood of the labels under softmax(logits / T)."""
    z, y = _logits("log_loss", logits, y)
    _check_temperature("log_loss", temperature)
    return float(-np.mean(_log_softmax(z / temperature)[np.arange(len(y)), y]))


def fit_temperature(logits, y, bounds=(0.05, 20.0)) -> float:
    r"""Temperature scaling (Guo et al. 2017): the one number T > 0 that minimises the NLL of
    softmax(z / T) on held-out examples (a validation split, never the test set). The NLL is
    convex in 1/T, so a bounded scalar search on log T finds it. Dividing every logit by the
    same T never changes the argmax: accuracy is untouched, only confidence moves."""
    z, y = _logits("fit_temperature", logits, y)
    from scipy.optimize import minimize_scalar

    lo, hi = np.log(bounds[0]), np.log(bounds[1])
    res = minimize_scalar(lambda s: log_loss(z, y, float(np.exp(s))), bounds=(lo, hi),
                          method="bounded", options={"xatol": 1e-6})
    return float(np.exp(res.x))


def smooth_labels(y, classes: int, epsilon: float = 0.1) -> np.ndarray:
    r"""Label smoothing (Szegedy et al. 2016, arXiv:1512.00567): the target
    :math:`(1 - \epsilon)\,\operatorname{onehot}(y) + \epsilon / K`, what Keras'
    ``CategoricalCrossentropy(label_smoothing=epsilon)`` trains on."""
    y = np.asarray(y)
    if isinstance(classes, bool) or not isinstance(classes, numbers.Integral) or classes < 2:
        raise ValueError(f"smooth_labels: classes must be an int >= 2, got {classes!r}")
    if not (isinstance(epsilon, numbers.Real) and 0 <= epsilon <= 1):
        raise ValueError(f"smooth_labels: epsilon must be in [0, 1], got {epsilon!r}")
    if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer) or y.min() < 0 or y.max() >= classes:
        raise ValueError(f"smooth_labels: y must be a 1-d array of integer labels in "
                         f"0..{classes - 1}")
    return (1 - epsilon) * np.eye(classes)[y] + epsilon / classes


def paired_interval(differences, level: float = 0.95) -> tuple[float, float, float]:
    r"""(mean, low, high): the mean of paired differences over seeds and its two-sided
    confidence interval :math:`\bar d \pm t_{n-1}\, s / \sqrt n` (Student's t quantile, not
    1.96: with 5 seeds :math:`t_4 = 2.78`). An interval that excludes 0 is a direction; one
    that contains 0 is noise at this number of seeds."""
    d = np.asarray(differences, dtype=float)
    if d.ndim != 1 or d.size < 2 or not np.all(np.isfinite(d)):
        raise ValueError("paired_interval: differences must be a 1-d array of at least two "
                         "finite numbers")
    from scipy.stats import t

    half = t.ppf(0.5 + level / 2, d.size - 1) * d.std(ddof=1) / np.sqrt(d.size)
    return float(d.mean()), float(d.mean() - half), float(d.mean() + half)


def train_classifier(X_train, y_train, classes: int, *, label_smoothing: float = 0.0,
                     width: int = 64, epochs: int = 60, batch_size: int = 128,
                     learning_rate: float = 0.01, seed: int = 0):
    """A small Keras MLP (one hidden ReLU layer of ``width`` units, He weights, logits out)
    trained with Adam on cross-entropy against ``smooth_labels(y, classes, label_smoothing)``,
    verbose=0. Returns the model (call ``model.predict(X, verbose=0)`` for logits)."""
    from .layers import keras  # (sets TensorFlow quiet before it loads)

    keras.utils.set_random_seed(seed)
    model = keras.Sequential([
        keras.Input((X_train.shape[1],)),
        keras.layers.Dense(width, activation="relu", kernel_initializer="he_normal"),
        keras.layers.Dense(classes),
    ])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate),
                  loss=keras.losses.CategoricalCrossentropy(from_logits=True))
    targets = smooth_labels(np.asarray(y_train), classes, label_smoothing).astype("float32")
    model.fit(np.asarray(X_train, "float32"), targets, epochs=epochs, batch_size=batch_size,
              verbose=0, shuffle=True)
    return model
