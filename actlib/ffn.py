r"""Transformer-style feed-forward blocks in Keras, plain and gated, and a fair comparison of them
at equal parameter count (lesson 08).

A **plain** block maps x (width d) up to a hidden width h, applies an activation, and back:

.. math:: \operatorname{FFN}(x) = \varphi(x W_1)\, W_2, \qquad 2\,d\,h \text{ weights.}

A **gated** block (Shazeer 2020, arXiv:2002.05202) has two up-projections, one gating the other:

.. math:: \operatorname{FFN}_{\mathrm{GLU}}(x) = \bigl(x V \odot \varphi(x W)\bigr)\, W_2, \qquad
          3\,d\,h' \text{ weights,}

so a gated block with h' = 2h/3 has the weights of a plain one with h. Blocks have no biases,
as in T5, PaLM and LLaMA.

    ffn.block("plain", d=8, hidden=24, activation="relu").count_params()   # 384
    ffn.block("gated", d=8, hidden=16, activation="silu").count_params()   # 384 (SwiGLU)
    ffn.compare_blocks(contenders, data, learning_rates=(3e-3, 1e-2), seeds=5)

``compare_blocks`` trains every contender, seed and learning rate of one learning rate as one
Keras model: the blocks sit side by side on the same input, each with its own weights, and the
loss is the mean of their losses. The blocks share nothing, so each one's gradient is its own
loss's gradient divided by the number of blocks; Adam's step does not depend on that scale
(up to its epsilon), so each block trains as it would alone, on the same batches in the same
order as the others.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .functions import get
from .layers import ActivationLayer, keras

__all__ = ["Comparison", "block", "compare_blocks", "gated_params", "interactions",
           "matched_width", "plain_params"]

KINDS = ("plain", "gated")


def plain_params(d: int, hidden: int) -> int:
    """Weights of a plain block without biases: d h (up) + h d (down) = 2 d h."""
    return 2 * d * hidden


def gated_params(d: int, hidden: int) -> int:
    """Weights of a gated block without biases: 2 d h' (two up-projections) + h' d = 3 d h'."""
    return 3 * d * hidden


def matched_width(hidden: int) -> int:
    """The gated block's hidden width with the weights of a plain block of width ``hidden``:
    3 d h' = 2 d h gives h' = 2h/3 (``hidden`` must be a multiple of 3)."""
    if isinstance(hidden, bool) or not isinstance(hidden, (int, np.integer)) or hidden <= 0 \
            or hidden % 3:
        raise ValueError(f"matched_width: hidden must be a positive multiple of 3, got {hidden!r}")
    return 2 * int(hidden) // 3


def _check_kind(fname: str, kind: str) -> str:
    if kind not in KINDS:
        raise ValueError(f"{fname}: kind must be one of {KINDS}, got {kind!r}")
    return kind


def _block_output(x, kind: str, d: int, hidden: int, activation: str, name: str):
    dense = keras.layers.Dense

    def layer(activation):  # actlib's Keras layer, with a name unique in a joint model
        return ActivationLayer(get(activation).name, name=f"{name}_{activation}")

    if kind == "plain":
        h = layer(activation)(dense(hidden, use_bias=False, name=f"{name}_up")(x))
    else:  # value xV times phi(xW): the product of two linear maps of x, one bent by phi
        value = dense(hidden, use_bias=False, name=f"{name}_value")(x)
        gate = layer(activation)(dense(hidden, use_bias=False, name=f"{name}_gate")(x))
        h = keras.layers.Multiply(name=f"{name}_product")([value, gate])
    return dense(d, use_bias=False, name=f"{name}_down")(h)


def block(kind: str, d: int, hidden: int, activation: str) -> keras.Model:
    """A feed-forward block as a Keras model, input and output of width ``d``: ``kind`` "plain"
    (phi(x W1) W2) or "gated" ((x V * phi(x W)) W2), hidden width ``hidden``, no biases, Keras'
    default (Glorot uniform) initial weights."""
    _check_kind("block", kind)
    x = keras.Input((d,))
    return keras.Model(x, _block_output(x, kind, d, hidden, activation, "ffn"))


def interactions(n: int, d: int = 8, noise: float = 0.1, seed: int = 0):
    r"""A regression task made of products: x ~ N(0, I_d) and target

    .. math:: y_k = x_k\, x_{k+1} + \text{noise}, \qquad k = 1..d \ (\text{indices mod } d),

    each output a product of two inputs (multiplicative interactions). Returns X, Y float32."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    Y = X * np.roll(X, -1, axis=1) + noise * rng.normal(size=(n, d))
    return X.astype(np.float32), Y.astype(np.float32)


@dataclass
class Comparison:
    """What ``compare_blocks`` measured. ``val`` and ``test``: mean squared error,
    {contender: array (learning rates, seeds)}; ``chosen``: {contender: the learning rate with the
    lowest mean validation error}; ``params``: {contender: weights of one block}."""

    learning_rates: tuple
    val: dict
    test: dict
    chosen: dict
    params: dict

    def test_at_chosen(self, name: str) -> np.ndarray:
        """Test MSE per seed at the learning rate chosen on the validation split."""
        return self.test[name][self.learning_rates.index(self.chosen[name])]


class _Copies(keras.layers.Layer):
    """``copies`` blocks of one contender side by side on the same input: (batch, d) ->
    (batch, copies * d). Their weights are stacked, one (copies, in, out) kernel per
    projection, so a training step costs a few ops per contender, not per block.

    Copy j learns at ``rates[j]`` times the optimizer's learning rate: its weights are
    ``rates[j] * w`` with w the trained variable, and Adam's step on w does not depend on the
    gradient's scale (up to its epsilon), so ``rates[j] * w`` moves ``rates[j]`` times as far."""

    def __init__(self, kind, d, hidden, activation, initial, rates, **kwargs):
        super().__init__(**kwargs)
        self.kind, self.d = kind, d
        self.rates = np.asarray(rates, np.float32)[:, None, None]
        self.act = ActivationLayer(get(activation).name, name=f"{self.name}_{activation}")
        self.ws = [self.add_weight(shape=w.shape, name=f"w{i}",
                                   initializer=keras.initializers.Constant(w / self.rates))
                   for i, w in enumerate(initial)]

    def call(self, x):
        ops = keras.ops
        ws = [w * self.rates for w in self.ws]
        up = ops.einsum("bi,sih->sbh", x, ws[0])
        if self.kind == "plain":
            h = self.act(up)
        else:  # value x V times phi(x W)
            h = up * self.act(ops.einsum("bi,sih->sbh", x, ws[1]))
        out = ops.einsum("sbh,sho->bso", h, ws[-1])
        return ops.reshape(out, (-1, out.shape[1] * self.d))


def _glorot(rng, copies, fan_in, fan_out):
    """Keras' default Dense init (Glorot uniform), for ``copies`` kernels at once."""
    limit = np.sqrt(6 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=(copies, fan_in, fan_out)).astype(np.float32)


def compare_blocks(contenders: Mapping[str, tuple], data, *, learning_rates=(0.003, 0.01),
                   seeds: int = 5, epochs: int = 20, batch_size: int = 100,
                   seed: int = 0) -> Comparison:
    """Train ``seeds`` blocks of each contender ({name: (kind, hidden, activation)}) with Adam at
    each learning rate for ``epochs`` epochs, and measure their validation and test MSE.

    ``data`` = (X_train, Y_train, X_val, Y_val, X_test, Y_test). Block j of a contender starts
    from the same Glorot-uniform weights at every learning rate (drawn from ``seed``, j and the
    contender's position); all blocks train in one Keras model (``_Copies``), on the same
    batches in the same order. The learning rate is chosen per contender on the validation
    split only; ``Comparison.test_at_chosen`` gives the test errors there."""
    if not contenders:
        raise ValueError("compare_blocks: contenders must name at least one block")
    if isinstance(seeds, bool) or not isinstance(seeds, int) or seeds < 2:
        raise ValueError(f"compare_blocks: seeds must be an integer >= 2, got {seeds!r}")
    for spec in contenders.values():
        _check_kind("compare_blocks", spec[0])
    X, Y, X_val, Y_val, X_test, Y_test = data
    d = X.shape[1]
    names = list(contenders)
    n_lr = len(learning_rates)
    base = max(learning_rates)
    rates = np.repeat(np.asarray(learning_rates, float) / base, seeds)  # copy = (lr, seed)
    keras.utils.set_random_seed(seed)
    x = keras.Input((d,))
    outputs = []
    for c, name in enumerate(names):
        kind, hidden, activation = contenders[name]
        rng = np.random.default_rng([seed, c])
        shapes = [(d, hidden)] * (1 if kind == "plain" else 2) + [(hidden, d)]
        initial = [np.tile(_glorot(rng, seeds, *shape), (n_lr, 1, 1)) for shape in shapes]
        outputs.append(_Copies(kind, d, hidden, activation, initial, rates, name=f"c{c}")(x))
    joint = keras.Model(x, keras.layers.Concatenate()(outputs))
    steps = -(-len(X) // batch_size)
    joint.compile(optimizer=keras.optimizers.Adam(base), loss="mse", steps_per_execution=steps)
    k = len(names) * n_lr * seeds
    joint.fit(X, np.tile(Y, k), epochs=epochs, batch_size=batch_size, verbose=0)
    val, test = {}, {}
    for split, (Xs, Ys) in ((val, (X_val, Y_val)), (test, (X_test, Y_test))):
        pred = keras.ops.convert_to_numpy(joint(Xs)).reshape(len(Xs), k, d)
        mse = ((pred - Ys[:, None, :]) ** 2).mean(axis=(0, 2)).reshape(len(names), n_lr, seeds)
        split.update({name: mse[c] for c, name in enumerate(names)})
    chosen = {n: learning_rates[int(np.argmin(val[n].mean(axis=1)))] for n in names}
    params = {n: (plain_params if kind == "plain" else gated_params)(d, hidden)
              for n, (kind, hidden, _) in contenders.items()}
    return Comparison(tuple(learning_rates), val, test, chosen, params)
