"""actlib.quantise: levels, zero exact, the Δ²/12 error of a uniform quantiser, clipping, errors."""

import numpy as np
import pytest

from actlib import quantise


def test_step_and_levels():
    assert quantise.step(0, 6) == 6 / 255
    assert quantise.step(-1, 1, bits=4) == 2 / 15
    x = np.linspace(-1, 7, 10001)
    q = quantise.affine(x, 0, 6)
    levels = np.unique(q)
    assert len(levels) == 256 and levels[0] == 0 and np.isclose(levels[-1], 6)
    assert np.allclose(np.diff(levels), 6 / 255)
    assert quantise.affine(0.0, -3, 6) == 0  # zero is a level (integer zero point)
    assert np.unique(quantise.symmetric(np.linspace(-6, 6, 10001), 6)).size == 255


def test_uniform_error_is_step_squared_over_twelve():
    x = np.random.default_rng(0).uniform(0, 6, 200_000)
    err = quantise.mse(x, quantise.affine(x, 0, 6))
    assert abs(err / (quantise.step(0, 6) ** 2 / 12) - 1) < 0.02
    # each extra bit divides the error by about 4 (6 dB of SQNR)
    gain = quantise.sqnr_db(x, quantise.affine(x, 0, 6, bits=9)) - \
        quantise.sqnr_db(x, quantise.affine(x, 0, 6, bits=8))
    assert 5.8 < gain < 6.3


def test_clipping():
    assert quantise.affine(100.0, 0, 6) == pytest.approx(6)
    assert quantise.affine(-5.0, 0, 6) == 0
    assert quantise.symmetric(-100.0, 6) == pytest.approx(-6)


@pytest.mark.parametrize(("call", "words"), [
    (lambda: quantise.step(1, 1), "step: need finite lo < hi"),
    (lambda: quantise.affine([1.0], 1, 6), "affine: the range"),
    (lambda: quantise.affine([1.0], 0, 6, bits=1), "affine: bits"),
    (lambda: quantise.symmetric([1.0], -1), "symmetric: bound"),
    (lambda: quantise.symmetric([1.0], 1, bits=8.0), "symmetric: bits"),
])
def test_errors(call, words):
    with pytest.raises(ValueError, match=words):
        call()


def test_type_error():
    with pytest.raises(TypeError, match="affine"):
        quantise.affine("x", 0, 6)
