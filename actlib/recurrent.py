r"""How far back a gradient reaches in a recurrent network: a plain tanh RNN against an LSTM, in
NumPy, with Keras' default initial weights (lesson 08).

tanh RNN (Elman):  :math:`h_t = \tanh(x_t U + h_{t-1} W + b)`.

LSTM (Hochreiter & Schmidhuber 1997, with the forget gate of Gers et al. 2000), gates in Keras'
order i, f, g, o, from :math:`z_t = x_t U + h_{t-1} W + b`:

.. math:: i, f, o = \sigma(z_i), \sigma(z_f), \sigma(z_o), \quad g = \tanh(z_g), \quad
          c_t = f \odot c_{t-1} + i \odot g, \quad h_t = o \odot \tanh(c_t).

Along the memory :math:`c`, :math:`\partial c_t / \partial c_{t-1} = \operatorname{diag}(f)`: no
weight matrix, no tanh', only the forget gate, which the network can hold near 1. In the tanh
RNN, :math:`\partial h_t / \partial h_{t-1} = \operatorname{diag}(1 - h_t^2)\, W^\top`, a product
that shrinks each step unless W grows (Bengio et al. 1994; Pascanu et al. 2013).

    init = recurrent.keras_init("lstm", inputs=8, units=32, seed=0, forget_bias=1.0)
    reach = recurrent.input_sensitivity("lstm", init, X)   # ||d(g . h_T) / d x_t||, t = 1..T
"""

from __future__ import annotations

import numpy as np

from .functions import sigmoid

__all__ = ["CELLS", "forward", "input_sensitivity", "keras_init"]

CELLS = ("tanh_rnn", "lstm")


def _cell(fname: str, cell: str) -> str:
    if cell not in CELLS:
        raise ValueError(f"{fname}: cell must be one of {CELLS}, got {cell!r}")
    return cell


def _orthogonal(rng, rows: int, cols: int) -> np.ndarray:
    """Keras' Orthogonal initializer: the Q of a Gaussian matrix's QR, signs fixed by R's
    diagonal (orthonormal columns, or rows if there are fewer rows)."""
    a = rng.normal(size=(max(rows, cols), min(rows, cols)))
    q, r = np.linalg.qr(a)
    q *= np.sign(np.diag(r))
    return q if rows >= cols else q.T


def keras_init(cell: str, inputs: int, units: int, seed: int = 0,
               forget_bias: float = 1.0) -> dict:
    """Initial weights as Keras' SimpleRNN/LSTM make them: kernel U Glorot uniform, recurrent
    kernel W orthogonal, bias 0, except the LSTM's forget-gate bias, ``forget_bias`` (Keras'
    ``unit_forget_bias=True`` sets 1, as Jozefowicz et al. 2015 advise). Returns {U, W, b}."""
    _cell("keras_init", cell)
    rng = np.random.default_rng(seed)
    gates = 4 if cell == "lstm" else 1
    limit = np.sqrt(6 / (inputs + gates * units))
    U = rng.uniform(-limit, limit, size=(inputs, gates * units))
    W = _orthogonal(rng, units, gates * units)
    b = np.zeros(gates * units)
    if cell == "lstm":
        b[units:2 * units] = forget_bias
    return {"U": U, "W": W, "b": b}


def forward(cell: str, init: dict, X: np.ndarray) -> dict:
    """Run ``cell`` over X (batch, steps, inputs) from zero state; returns the states: "h"
    (steps + 1, batch, units), and for the LSTM "c" and the gates "i", "f", "g", "o"
    (steps, batch, units)."""
    _cell("forward", cell)
    X = np.asarray(X, float)
    if X.ndim != 3:
        raise ValueError(f"forward: X must have shape (batch, steps, inputs), got {X.shape}")
    U, W, b = init["U"], init["W"], init["b"]
    n = W.shape[0]
    batch, steps, _ = X.shape
    h = np.zeros((steps + 1, batch, n))
    out = {"h": h}
    if cell == "lstm":
        c = np.zeros((steps + 1, batch, n))
        gates = {k: np.zeros((steps, batch, n)) for k in "ifgo"}
        out.update(c=c, **gates)
    for t in range(steps):
        z = X[:, t] @ U + h[t] @ W + b
        if cell == "tanh_rnn":
            h[t + 1] = np.tanh(z)
            continue
        i, f, g, o = sigmoid(z[:, :n]), sigmoid(z[:, n:2 * n]), np.tanh(z[:, 2 * n:3 * n]), \
            sigmoid(z[:, 3 * n:])
        for k, v in zip("ifgo", (i, f, g, o), strict=True):
            gates[k][t] = v
        c[t + 1] = f * c[t] + i * g
        h[t + 1] = o * np.tanh(c[t + 1])
    return out


def input_sensitivity(cell: str, init: dict, X: np.ndarray, seed: int = 0) -> np.ndarray:
    r"""How much the last state depends on each input: :math:`\lVert \partial (g \cdot h_T) /
    \partial x_t \rVert` for t = 1..T (array of length T), averaged over the batch, for a random
    unit vector g per example (drawn from ``seed``): backpropagation through time from step T."""
    _cell("input_sensitivity", cell)
    s = forward(cell, init, X)
    U, W = init["U"], init["W"]
    n = W.shape[0]
    h = s["h"]
    steps, batch = h.shape[0] - 1, h.shape[1]
    g = np.random.default_rng(seed).normal(size=(batch, n))
    dh = g / np.linalg.norm(g, axis=1, keepdims=True)
    dc = np.zeros_like(dh)
    norms = np.zeros(steps)
    for t in range(steps - 1, -1, -1):
        if cell == "tanh_rnn":
            dz = dh * (1 - h[t + 1] ** 2)
        else:
            i, f, gg, o = (s[k][t] for k in "ifgo")
            tc = np.tanh(s["c"][t + 1])
            dct = dc + dh * o * (1 - tc ** 2)
            dz = np.concatenate([dct * gg * i * (1 - i), dct * s["c"][t] * f * (1 - f),
                                 dct * i * (1 - gg ** 2), dh * tc * o * (1 - o)], axis=1)
            dc = dct * f
        norms[t] = np.linalg.norm(dz @ U.T, axis=1).mean()
        dh = dz @ W.T
    return norms
