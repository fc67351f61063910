r"""Activations that are not elementwise: the gated linear units and maxout.

Each output here depends on more than one input, and the output is narrower than the input:

* a **gated linear unit** splits x along ``axis`` into two halves a and b of equal length and
  returns :math:`a \odot \varphi(b)`, half as long as x. ``glu`` (phi = sigmoid), ``reglu``
  (relu), ``geglu`` (gelu) and ``swiglu`` (silu);
* **maxout** splits ``axis`` into groups of k consecutive entries and returns each group's max,
  1/k as long as x.

So "the derivative" is no longer one number per input. Each object offers what fits:

    act.swiglu(x)               # a * silu(b); a, b: the first and second half of x's last axis
    act.swiglu.partials(x)      # (dy/da, dy/db) = (silu(b), a * silu'(b)), each of y's shape
    act.swiglu.vjp(x, g)        # the gradient w.r.t. x, given g = dL/dy: what backprop needs
    act.maxout(x, k=3)          # max over groups of 3; act.maxout.vjp(x, g, k=3) routes g
    act.swiglu.output_shape((8, 6))    # (8, 3)

``vjp`` is the vector-Jacobian product :math:`g^\top \partial y / \partial x`, of x's shape: the
gradient backpropagation sends to the layer below when g arrives from above. ``.derivative``
raises, on purpose: there is no elementwise derivative to give.

**Which half is the gate.** ``keras.ops.glu`` (``keras.activations.glu``) and PyTorch's
``F.glu`` both gate the *second* half: glu(x) = a * sigmoid(b) with a = the first half (the
value) and b = the second (through the gate). We follow them. Dauphin et al. write it the same
way; Shazeer (2020) writes sigma(xW) (x) xV, gate first. The two differ only in the order the
two projections are stored: with learned W and V, the same model.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable

import numpy as np

from ._inputs import (
    as_real_array,
    axis_param,
    bool_param,
    finish,
    positive_int_param,
    working_dtype,
)
from .activation import bind_params
from .functions import gelu, relu, sigmoid, silu

__all__ = ["Gated", "Maxout", "VectorActivation", "geglu", "glu", "maxout", "reglu",
           "swiglu"]


class VectorActivation:
    """An activation that maps the vectors along ``axis`` to shorter vectors.

    ``f(x, *params)`` returns the output; ``vjp(x, g, *params)`` the gradient w.r.t. x given
    ``g = dL/dy`` of the output's shape; ``output_shape(shape, *params)`` the output's shape
    (None entries allowed, as Keras' unknown batch size). Same input rules as the elementwise
    ``Activation``: array-likes of reals, float dtype kept (float64 for ints, bools, lists),
    float16 computed in float32 (float64 for the gated units), clear errors naming the function
    and the parameter.
    """

    #: compute float16/float32 input in float64 and round once at the end
    _via_float64 = False

    def __init__(self, f: Callable, check: Callable):
        self.name = f.__name__.lstrip("_")
        self.__name__ = self.name
        self.__doc__ = f.__doc__
        self.__signature__ = inspect.signature(f)
        self._check = check  # (fname, shape, **params) -> params, normalised
        self.defaults = {k: p.default for k, p in self.__signature__.parameters.items()
                         if p.default is not inspect.Parameter.empty}

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in self.defaults.items())
        return f"<activation {self.name}(x, {params})>"

    # the math, on a float32/float64 array with checked parameters (subclasses)
    def _forward(self, x, **params):
        raise NotImplementedError

    def _backward(self, x, g, **params):
        raise NotImplementedError

    def _out_shape(self, shape, **params):
        raise NotImplementedError

    def _params(self, args, params) -> dict:
        return bind_params(self.name, self.__signature__, args, params)

    def _bind(self, x, args, params):
        kwargs = self._params(args, params)
        x = as_real_array(self.name, x)
        work = x.astype(working_dtype(x.dtype, self._via_float64), copy=False)
        return x, work, self._check(self.name, work.shape, **kwargs)

    def __call__(self, x, *args, **params):
        x, work, kwargs = self._bind(x, args, params)
        return finish(np.asarray(self._forward(work, **kwargs)), x)

    def vjp(self, x, g, *args, **params):
        """The gradient w.r.t. x, :math:`g^\\top \\partial y / \\partial x`, given the upstream
        gradient ``g = dL/dy`` of the output's shape; the result has x's shape and dtype."""
        x, work, kwargs = self._bind(x, args, params)
        g = as_real_array(f"{self.name}.vjp: g", g)
        want = self._out_shape(work.shape, **kwargs)
        if g.shape != want:
            raise ValueError(f"{self.name}.vjp: g must have the output's shape {want}, "
                             f"got {g.shape}")
        return finish(np.asarray(self._backward(work, g.astype(work.dtype), **kwargs)), x)

    def output_shape(self, shape, *args, **params) -> tuple:
        """The output's shape for an input of ``shape`` (None: unknown length, kept)."""
        kwargs = self._params(args, params)
        shape = tuple(shape)
        return self._out_shape(shape, **self._check(self.name, shape, **kwargs))

    def derivative(self, x, *args, **params):
        """Not defined: this activation is not elementwise. Raises TypeError saying what to use."""
        extra = f" or {self.name}.partials(x) (dy/da, dy/db)" if isinstance(self, Gated) else ""
        raise TypeError(f"{self.name} is not elementwise, so it has no elementwise derivative: "
                        f"use {self.name}.vjp(x, g) (the gradient w.r.t. x){extra}")


def _axis_length(fname, shape, axis, per, what):
    """Check that shape[axis] splits into pieces of `per`; `what` describes them."""
    ax = axis_param(fname, axis, len(shape), what="numbers")
    n = shape[ax]
    if n is not None and n % per:
        raise ValueError(f"{fname}: x's axis {axis} has length {n}, which does not split into "
                         f"{what}")
    return ax


# --------------------------------------------------------------------------- gated linear units

def _ieee():
    """Products of the halves follow IEEE arithmetic, silently: beyond the largest float they
    are inf (the right answer), and 0 * inf (a = 0 with phi(b) = inf, or a = inf with
    phi(b) = 0) is NaN, an undefined form. The gates give their limits at +-inf
    (``act.silu(-inf)`` is 0), so a finite a and an infinite b give the right limit."""
    return np.errstate(over="ignore", invalid="ignore")


def _halves(x, axis):
    return np.split(x, 2, axis=axis)


class Gated(VectorActivation):
    r"""a (.) phi(b), with a and b the first and second half of x along ``axis``.

    float16 and float32 input is computed in float64 and rounded once: in float32, phi(b) can
    underflow (gelu(-14.5) = 9e-47) where a phi(b) does not (a = 1e10), and each factor's
    rounding would add to the product's."""

    _via_float64 = True

    def __init__(self, f: Callable, gate, gate_params: tuple = ()):
        self.gate = gate  #: the elementwise activation phi on the gate half
        self._gate_params = gate_params

        def check(fname, shape, axis=-1, **params):
            params = {k: bool_param(fname, k, v) for k, v in params.items()}
            ax = _axis_length(fname, shape, axis, 2, "two halves a, b of equal length (it must "
                                                      "be even)")
            return dict(axis=ax, **params)

        super().__init__(f, check)

    def _out_shape(self, shape, axis, **params):
        n = shape[axis]
        return shape[:axis] + (None if n is None else n // 2,) + shape[axis + 1:]

    def _forward(self, x, axis, **params):
        a, b = _halves(x, axis)
        with _ieee():  # each factor is accurate; the product adds half an ulp
            return a * self.gate(b, **params)

    def _partials(self, x, axis, **params):
        a, b = _halves(x, axis)
        with _ieee():
            return self.gate(b, **params), a * self.gate.derivative(b, **params)

    def partials(self, x, *args, **params):
        r"""(dy/da, dy/db) = (phi(b), a phi'(b)), each of the output's shape and x's dtype.

        y_i depends only on a_i and b_i, so these two arrays are the whole Jacobian: y is
        elementwise in the *pair* (a, b), linear in a, and bent by phi in b."""
        x, work, kwargs = self._bind(x, args, params)
        return tuple(finish(np.asarray(p), x) for p in self._partials(work, **kwargs))

    def _backward(self, x, g, axis, **params):
        da, db = self._partials(x, axis, **params)
        with _ieee():
            return np.concatenate([g * da, g * db], axis=axis)


def _glu(x, axis=-1):
    r"""Gated linear unit (Dauphin, Fan, Auli & Grangier 2017, arXiv:1612.08083).

    .. math:: \operatorname{glu}(x) = a \odot \sigma(b), \qquad
              \frac{\partial y}{\partial a} = \sigma(b), \qquad
              \frac{\partial y}{\partial b} = a\,\sigma(b)\,\sigma(-b)

    with a and b the first and second half of x along ``axis`` (default: the last), which must
    have even length; the output is half as long. The sigmoid gate, between 0 and 1, decides how
    much of the linear value a passes: Dauphin et al. gated a convolutional language model so,
    and found the linear path let gradients through where tanh units saturate. a is the value,
    b goes through the gate: the order of ``keras.ops.glu`` and PyTorch's ``F.glu``.

    Not elementwise: ``glu.partials(x)`` gives (dy/da, dy/db), ``glu.vjp(x, g)`` the gradient
    w.r.t. x. In a network, a and b are two linear maps of the same input, xW and xV: the
    unit is then the product of two linear maps, one of them bent by the gate.
    """


def _reglu(x, axis=-1):
    r"""ReLU-gated linear unit (Shazeer 2020, "GLU Variants Improve Transformer",
    arXiv:2002.05202).

    .. math:: \operatorname{reglu}(x) = a \odot \operatorname{relu}(b), \qquad
              \frac{\partial y}{\partial a} = \operatorname{relu}(b), \qquad
              \frac{\partial y}{\partial b} = a\,\operatorname{relu}'(b)

    a, b: the first and second half of x along ``axis`` (even length; the output is half as
    long), as in ``glu``. relu'(0) = 0 as everywhere in actlib. Shazeer's feed-forward block is
    (relu(xW) (x) xV) W2: the same unit, gate written first (see the module's note).
    """


def _geglu(x, axis=-1, approximate=False):
    r"""GELU-gated linear unit (Shazeer 2020, arXiv:2002.05202; T5 v1.1's feed-forward block).

    .. math:: \operatorname{geglu}(x) = a \odot \operatorname{gelu}(b), \qquad
              \frac{\partial y}{\partial a} = \operatorname{gelu}(b), \qquad
              \frac{\partial y}{\partial b} = a\,\bigl(\Phi(b) + b\,\varphi(b)\bigr)

    a, b: the first and second half of x along ``axis`` (even length; the output is half as
    long). ``approximate``: GELU's tanh form, as in ``act.gelu`` (default exact, as Shazeer's
    GELU; T5 v1.1's code uses the tanh form).
    """


def _swiglu(x, axis=-1):
    r"""SiLU(Swish)-gated linear unit (Shazeer 2020, arXiv:2002.05202): the feed-forward block
    of PaLM, LLaMA, Mistral and most recent language models.

    .. math:: \operatorname{swiglu}(x) = a \odot \operatorname{silu}(b), \qquad
              \frac{\partial y}{\partial a} = \operatorname{silu}(b), \qquad
              \frac{\partial y}{\partial b} = a\,\sigma(b)\,\bigl(1 + b\,\sigma(-b)\bigr)

    a, b: the first and second half of x along ``axis`` (even length; the output is half as
    long). Shazeer's Swish_beta has beta = 1 here, which is SiLU (and what these models use).
    A SwiGLU block needs three weight matrices (W, V, W2) where a plain block has two, so it is
    usually given 2/3 of the hidden width to keep the parameter count.
    """


glu = Gated(_glu, sigmoid)
reglu = Gated(_reglu, relu)
geglu = Gated(_geglu, gelu)
swiglu = Gated(_swiglu, silu)


# --------------------------------------------------------------------------- maxout

def _groups(x, k, axis):
    """x with `axis` moved last and split into (..., n, k): n groups of k consecutive entries."""
    x = np.moveaxis(x, axis, -1)
    return x.reshape(*x.shape[:-1], x.shape[-1] // k, k)


class Maxout(VectorActivation):
    def __init__(self, f):
        def check(fname, shape, k=2, axis=-1):
            k = positive_int_param(fname, "k", k)
            ax = _axis_length(fname, shape, axis, k, f"groups of k = {k} (it must be a "
                                                     f"multiple of k)")
            return dict(k=k, axis=ax)

        super().__init__(f, check)

    def _out_shape(self, shape, k, axis):
        n = shape[axis]
        return shape[:axis] + (None if n is None else n // k,) + shape[axis + 1:]

    def _forward(self, x, k, axis):
        return np.moveaxis(np.max(_groups(x, k, axis), axis=-1), -1, axis)

    def _backward(self, x, g, k, axis):
        groups = _groups(x, k, axis)
        grad = np.zeros_like(groups)
        if grad.size:
            win = np.argmax(groups, axis=-1)[..., None]  # the first maximum; NaN counts as max
            np.put_along_axis(grad, win, np.moveaxis(g, axis, -1)[..., None], axis=-1)
            nan = np.isnan(groups).any(axis=-1, keepdims=True)
            if nan.any():  # the max of a group with a NaN is NaN: so is its derivative
                grad = np.where(nan, np.nan, grad)
        grad = grad.reshape(*grad.shape[:-2], grad.shape[-2] * k)
        return np.moveaxis(grad, -1, axis)


def _maxout(x, k=2, axis=-1):
    r"""Maxout (Goodfellow, Warde-Farley, Mirza, Courville & Bengio 2013, arXiv:1302.4389).

    .. math:: \operatorname{maxout}(x)_j = \max_{i = 1}^{k} x_{(j - 1) k + i}, \qquad
              \frac{\partial y_j}{\partial x_{(j - 1) k + i}} = \begin{cases} 1 & i = i^*_j
              \\ 0 & \text{otherwise} \end{cases}

    The grouping: x's ``axis`` (default: the last), of length n k, is cut into n groups of k
    *consecutive* entries, (x_1..x_k), (x_{k+1}..x_{2k}), ..., and each group gives its max: the
    output has length n. (The same grouping as TensorFlow Addons' ``Maxout``; Keras and PyTorch
    have none.) In a network the k pieces are k linear maps of the input, and their max is a
    learned convex piecewise-linear function: with k = 2, max(w1 x + b1, w2 x + b2), the form
    CS231n gives, it contains ReLU (w1 = b1 = 0) and leaky ReLU. Default k = 2.

    ``maxout.vjp(x, g, k=2)`` routes each upstream g_j to the winner i*_j of its group: on a
    tie, to the first (lowest index) of the tied entries, as ``np.argmax`` and PyTorch's
    ``max(dim)`` indices (TensorFlow's ``reduce_max`` gradient splits g evenly among the tied
    ones instead; both are subgradients, and ties have probability 0 for real-valued inputs).
    A group with a NaN gives NaN, and NaN gradients to all of its entries.
    """


maxout = Maxout(_maxout)
