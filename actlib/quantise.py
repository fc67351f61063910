r"""Simulated 8-bit quantisation of activations, in NumPy (lesson 08).

An integer quantiser stores a real value r as an integer q and a shared step (scale) Δ:

* **affine** (asymmetric; Jacob et al. 2018, arXiv:1712.05877): r ≈ Δ (q - z) with
  q in {0, ..., 2^b - 1}, Δ = (hi - lo) / (2^b - 1) and the zero point z = round(-lo / Δ), an
  integer, so that r = 0 is represented exactly;
* **symmetric**: r ≈ Δ q with q in {-(2^{b-1} - 1), ..., 2^{b-1} - 1}, Δ = bound / (2^{b-1} - 1).

Values outside the range are clipped to its ends. Inside it, rounding to the nearest of evenly
spaced levels makes an error spread evenly on [-Δ/2, Δ/2], of mean square Δ²/12.

    quantise.affine(x, lo=0, hi=6)          # int8-style, dequantised back to floats
    quantise.step(0, 6)                     # 6 / 255
    quantise.sqnr_db(x, quantise.affine(x, 0, 6))
"""

from __future__ import annotations

import numpy as np

from ._inputs import as_real_array

__all__ = ["affine", "mse", "sqnr_db", "step", "symmetric"]


def _bits(fname: str, bits) -> int:
    if isinstance(bits, bool) or not isinstance(bits, (int, np.integer)) or not 2 <= bits <= 16:
        raise ValueError(f"{fname}: bits must be an integer from 2 to 16, got {bits!r}")
    return int(bits)


def step(lo: float, hi: float, bits: int = 8) -> float:
    """The affine quantiser's step over [lo, hi]: Δ = (hi - lo) / (2^bits - 1), the distance
    between neighbouring levels (2^bits levels, 2^bits - 1 gaps)."""
    bits = _bits("step", bits)
    if not (np.isfinite(lo) and np.isfinite(hi) and hi > lo):
        raise ValueError(f"step: need finite lo < hi, got lo={lo!r}, hi={hi!r}")
    return (hi - lo) / (2 ** bits - 1)


def affine(x, lo: float, hi: float, bits: int = 8) -> np.ndarray:
    """x quantised to 2^bits levels over [lo, hi] (lo <= 0 <= hi, so 0 is a level) and back:
    Δ (clip(round(x / Δ) + z, 0, 2^bits - 1) - z), with Δ = ``step(lo, hi, bits)`` and
    z = round(-lo / Δ)."""
    x = np.asarray(as_real_array("affine", x), float)
    bits = _bits("affine", bits)
    if not lo <= 0 <= hi:
        raise ValueError(f"affine: the range [lo, hi] must contain 0, got [{lo!r}, {hi!r}]")
    delta = step(lo, hi, bits)
    zero = np.round(-lo / delta)
    q = np.clip(np.round(x / delta) + zero, 0, 2 ** bits - 1)
    return (q - zero) * delta


def symmetric(x, bound: float, bits: int = 8) -> np.ndarray:
    """x quantised to the signed levels Δ q, |q| <= 2^(bits-1) - 1, Δ = bound / (2^(bits-1) - 1),
    and back (int8: q in -127..127)."""
    x = np.asarray(as_real_array("symmetric", x), float)
    bits = _bits("symmetric", bits)
    if not (np.isfinite(bound) and bound > 0):
        raise ValueError(f"symmetric: bound must be a positive number, got {bound!r}")
    top = 2 ** (bits - 1) - 1
    delta = bound / top
    return np.clip(np.round(x / delta), -top, top) * delta


def mse(x, xq) -> float:
    """Mean squared quantisation error, mean((x - xq)^2)."""
    x, xq = np.asarray(x, float), np.asarray(xq, float)
    return float(np.mean((x - xq) ** 2))


def sqnr_db(x, xq) -> float:
    """Signal-to-quantisation-noise ratio in decibels: 10 log10(sum x^2 / sum (x - xq)^2)."""
    x, xq = np.asarray(x, float), np.asarray(xq, float)
    return float(10 * np.log10(np.sum(x ** 2) / np.sum((x - xq) ** 2)))
