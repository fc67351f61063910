"""Input checking shared by every activation: clear errors that name the function and parameter."""

from __future__ import annotations

import numbers

import numpy as np

FLOAT_KINDS = "f"
CAST_KINDS = "iub"  # ints, unsigned ints and bools become float64


def as_real_array(fname: str, x) -> np.ndarray:
    """`x` as a real floating array (ints, bools, lists and scalars become float64).

    Raises TypeError naming `fname` for strings, None, dicts, objects and complex numbers.
    """
    if isinstance(x, (str, bytes, dict, set)) or x is None:
        raise TypeError(f"{fname}: expected real numbers, got {type(x).__name__}")
    try:
        arr = np.asarray(x)
    except (ValueError, TypeError) as exc:  # ragged nested lists and the like
        raise TypeError(f"{fname}: expected real numbers, got {type(x).__name__} ({exc})") from None
    kind = arr.dtype.kind
    if kind in FLOAT_KINDS:
        return arr
    if kind in CAST_KINDS:
        return arr.astype(np.float64)
    if kind == "c":
        raise TypeError(f"{fname}: expected real numbers, got complex values ({arr.dtype})")
    raise TypeError(f"{fname}: expected real numbers, got {type(x).__name__} of dtype {arr.dtype}")


def working_dtype(dtype: np.dtype, via_float64: bool = False) -> np.dtype:
    """float16 is computed in float32 (half precision has too little range for exp), or both in
    float64 when `via_float64`; the result is cast back to the input's dtype."""
    if via_float64:
        return np.dtype(np.float64)
    return np.dtype(np.float32) if dtype == np.float16 else dtype


def finish(y: np.ndarray, like: np.ndarray):
    """Give `y` the dtype of `like`; a 0-d result becomes a NumPy scalar, as ufuncs do."""
    if y.dtype != like.dtype:
        with np.errstate(over="ignore"):  # a value beyond float16's range is inf, as IEEE says
            y = y.astype(like.dtype)
    return y[()] if y.ndim == 0 else y


def real_param(fname: str, pname: str, value, dtype, *, low=None, low_text="") -> np.ndarray:
    """A finite real parameter (scalar or array), cast to the working dtype.

    `low`: smallest allowed value (inclusive), with `low_text` describing the range.
    """
    if isinstance(value, (str, bytes, dict, set, bool, np.bool_)) or value is None:
        raise TypeError(f"{fname}: {pname} must be a real number, got {type(value).__name__}")
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError):
        raise TypeError(f"{fname}: {pname} must be a real number or array, got {value!r}") from None
    if arr.dtype.kind not in "fiu":
        raise TypeError(f"{fname}: {pname} must be real, got {type(value).__name__} "
                        f"of dtype {arr.dtype}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{fname}: {pname} must be finite, got {value!r}")
    if low is not None and np.any(arr < low):
        raise ValueError(f"{fname}: {pname} must be {low_text or f'>= {low}'}, got {value!r}")
    return arr.astype(dtype)[()] if arr.ndim == 0 else arr.astype(dtype)


def bool_param(fname: str, pname: str, value) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{fname}: {pname} must be True or False, got {value!r}")
    return bool(value)


def axis_param(fname: str, axis, ndim: int, what: str = "logits") -> int:
    """`axis` as an index in range(ndim); `what` names the array in the error for a scalar."""
    if isinstance(axis, (bool, np.bool_)) or not isinstance(axis, numbers.Integral):
        raise TypeError(f"{fname}: axis must be an int, got {axis!r}")
    if ndim == 0:
        raise ValueError(f"{fname}: needs at least a 1-d array of {what}, got a scalar")
    if not -ndim <= axis < ndim:
        raise ValueError(f"{fname}: axis {axis} is out of range for a {ndim}-d array "
                         f"(valid: {-ndim} to {ndim - 1})")
    return int(axis) % ndim


def rng_param(fname: str, rng) -> np.random.Generator:
    """A numpy Generator from None (fresh entropy), an int seed, or a Generator."""
    if rng is None or (isinstance(rng, numbers.Integral) and not isinstance(rng, bool)):
        return np.random.default_rng(rng)
    if isinstance(rng, np.random.Generator):
        return rng
    raise TypeError(f"{fname}: rng must be None, an int seed or a numpy.random.Generator, "
                    f"got {type(rng).__name__}")


def positive_int_param(fname: str, pname: str, value) -> int:
    """An int >= 1 (not a bool)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{fname}: {pname} must be an int, got {value!r}")
    if value < 1:
        raise ValueError(f"{fname}: {pname} must be >= 1, got {value}")
    return int(value)
