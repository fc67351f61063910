"""softmax, its derivative and its Jacobian on arrays with a zero-length dimension anywhere,
including the softmax axis: empty results of the right shape and dtype, no error or warning."""

import numpy as np
import pytest

import actlib as act

SHAPES = [(0, 3), (3, 0), (0, 0), (0,)]  # empty batch, empty softmax axis, both, 1-d


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("axis", [0, -1])
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_softmax_and_derivative_of_empty_arrays(shape, axis, dtype):
    z = np.zeros(shape, dtype)
    for y in (act.softmax(z, axis=axis), act.softmax.derivative(z, axis=axis)):
        assert isinstance(y, np.ndarray) and y.shape == shape and y.dtype == dtype


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("axis", [0, -1])
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_jacobian_of_empty_arrays(shape, axis, dtype):
    # jacobian works on the last axis: for another axis, move it last first
    z = np.moveaxis(np.zeros(shape, dtype), axis, -1)
    n = shape[axis]
    jac = act.softmax.jacobian(z)
    assert jac.shape == z.shape + (n,) and jac.dtype == dtype


@pytest.mark.filterwarnings("error")
def test_empty_lists_and_ints_give_float64():
    for z in ([], [[]], np.zeros((0, 3), np.int64), np.zeros((2, 0), bool)):
        shape = np.shape(z)
        for y in (act.softmax(z), act.softmax.derivative(z), act.softmax(z, axis=0)):
            assert y.shape == shape and y.dtype == np.float64
        jac = act.softmax.jacobian(z)
        assert jac.shape == shape + shape[-1:] and jac.dtype == np.float64


def test_empty_batch_matches_slicing_a_full_one():
    z = np.random.default_rng(0).normal(size=(4, 3))
    np.testing.assert_array_equal(act.softmax(z[:0]), act.softmax(z)[:0])
    np.testing.assert_array_equal(act.softmax.jacobian(z[:0]), act.softmax.jacobian(z)[:0])


def test_derivative_docstring_says_it_is_only_the_diagonal():
    doc = act.softmax.derivative.__doc__
    assert "ONLY THE DIAGONAL" in doc and "jacobian" in doc
    assert "ONLY THE DIAGONAL" in act.softmax.__doc__
