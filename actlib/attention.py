r"""Softmax as attention: why scaled dot-product attention divides by :math:`\sqrt d`
(Vaswani et al. 2017, arXiv:1706.03762).

A query q and a key k with d independent entries of mean 0 and variance 1 have a dot product
:math:`q \cdot k = \sum_{i=1}^d q_i k_i` of variance d: the logits' std grows as
:math:`\sqrt d`, and softmax at a fixed temperature turns ever larger logits into an ever
sharper (lower-entropy) attention pattern. Dividing by :math:`\sqrt d` is a temperature
:math:`T = \sqrt d` that keeps the logits' std at 1 for every d.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["attention_stats", "entropy"]


def entropy(p, axis: int = -1) -> np.ndarray:
    r"""Shannon entropy :math:`-\sum_i p_i \ln p_i` in nats along ``axis`` (0 ln 0 = 0): 0 for
    a one-hot distribution, :math:`\ln K` for the uniform one over K entries."""
    p = np.asarray(p, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    return -terms.sum(axis=axis)


def attention_stats(d: int, n_keys: int = 64, n_queries: int = 256, seed=0,
                    scaled: bool = True) -> tuple[float, float]:
    r"""(std of the logits, mean entropy of the attention rows) for ``n_queries`` random queries
    against ``n_keys`` random keys, every entry N(0, 1), logits :math:`QK^\top / \sqrt d` if
    ``scaled`` else :math:`QK^\top`; each row's attention is their softmax over the keys."""
    for pname, value in (("d", d), ("n_keys", n_keys), ("n_queries", n_queries)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
            raise ValueError(f"attention_stats: {pname} must be an int >= 1, got {value!r}")
    rng = np.random.default_rng(np.random.SeedSequence([0 if seed is None else seed, d]))
    q = rng.standard_normal((n_queries, d))
    k = rng.standard_normal((n_keys, d))
    logits = q @ k.T / (np.sqrt(d) if scaled else 1.0)
    z = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(z)
    p /= p.sum(axis=1, keepdims=True)
    return float(logits.std()), float(entropy(p).mean())
