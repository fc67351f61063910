"""The Activation object: a function f and its derivative f' that share one signature and one
input check, so `act.elu(x, alpha=1.0)` and `act.elu.derivative(x, alpha=1.0)` always agree."""

from __future__ import annotations

import inspect
from collections.abc import Callable

import numpy as np

from ._inputs import as_real_array, finish, working_dtype


def bind_params(name: str, signature: inspect.Signature, args: tuple, params: dict) -> dict:
    """The parameters after the input (``args`` and ``params``) bound to ``signature`` with its
    defaults filled in; a wrong call is a TypeError that names the function and its signature."""
    try:
        bound = signature.bind(None, *args, **params)
    except TypeError as exc:
        raise TypeError(f"{name}: {exc}; the signature is {name}{signature}") from None
    bound.apply_defaults()
    kwargs = dict(bound.arguments)
    kwargs.pop(next(iter(signature.parameters)))
    return kwargs


class Activation:
    """An activation function with its derivative.

    Calling it applies f elementwise; `.derivative` applies f'. Both take array-likes of real
    numbers and the same keyword parameters, and return the input's float dtype
    (float64 for ints, bools, lists and scalars) and shape.

    f and df are plain NumPy functions of (x, **params) where x is a float32 or float64 array;
    `check(fname, dtype, shape, **params)` validates the parameters and returns them cast to
    dtype. `float32_via_float64`: compute float16/float32 input in float64 (for functions whose
    tails amplify float32 rounding, like erfc), then round the result back. `kinks`: the points
    where f' jumps (relu's 0; relu6's 0 and 6), for code that integrates or samples f piecewise.
    """

    def __init__(self, f: Callable, df: Callable, check: Callable | None = None, *,
                 float32_via_float64: bool = False, kinks: tuple = ()):
        self.name = f.__name__.lstrip("_")
        self.__name__ = self.name
        self.__doc__ = f.__doc__
        self.__signature__ = inspect.signature(f)
        self._f, self._df, self._check = f, df, check
        self._float32_via_float64 = float32_via_float64
        self.kinks = tuple(float(k) for k in kinks)
        self.defaults = {k: p.default for k, p in self.__signature__.parameters.items()
                         if p.default is not inspect.Parameter.empty}

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in self.defaults.items())
        return f"<activation {self.name}(x{', ' if params else ''}{params})>"

    def __call__(self, x, *args, **params):
        return self._apply(self._f, x, args, params)

    def derivative(self, x, *args, **params):
        """Elementwise derivative f'(x), with the same parameters as the function."""
        return self._apply(self._df, x, args, params)

    def _bind(self, x, args, params) -> tuple[np.ndarray, np.ndarray, dict]:
        kwargs = bind_params(self.name, self.__signature__, args, params)
        x = as_real_array(self.name, x)
        work = x.astype(working_dtype(x.dtype, self._float32_via_float64), copy=False)
        if self._check is not None:
            kwargs = self._check(self.name, work.dtype, work.shape, **kwargs)
        return x, work, kwargs

    def _apply(self, fn, x, args, params):
        x, work, kwargs = self._bind(x, args, params)
        if work.ndim == 0:  # ufuncs turn 0-d arrays into scalars, which in-place code can't use
            return finish(np.asarray(fn(work.reshape(1), **kwargs)).reshape(()), x)
        return finish(np.asarray(fn(work, **kwargs)), x)
