"""actlib.ffn: parameter counts (formula = Keras), the blocks' maths, the joint training equals
training alone in direction (each copy's own loss), learning-rate choice on validation only."""

import numpy as np
import pytest

from actlib import ffn


def test_counts_match_keras():
    for d, h in ((8, 24), (16, 96)):
        hp = ffn.matched_width(h)
        plain = ffn.block("plain", d, h, "relu").count_params()
        gated = ffn.block("gated", d, hp, "silu").count_params()
        assert plain == ffn.plain_params(d, h) == 2 * d * h
        assert gated == ffn.gated_params(d, hp) == plain


def test_gated_block_is_value_times_phi_of_gate():
    import actlib as act

    model = ffn.block("gated", 4, 6, "silu")
    w = {v.path.split("/")[0]: v.numpy() for v in model.weights}
    x = np.random.default_rng(0).normal(size=(5, 4)).astype(np.float32)
    want = ((x @ w["ffn_value"]) * act.silu(x @ w["ffn_gate"])) @ w["ffn_down"]
    assert np.allclose(model(x), want, atol=1e-5)


def test_matched_width_errors():
    assert ffn.matched_width(3072) == 2048
    for bad in (10, 0, -3, 4.5, True):
        with pytest.raises(ValueError, match="matched_width: hidden"):
            ffn.matched_width(bad)
    with pytest.raises(ValueError, match="block: kind"):
        ffn.block("residual", 4, 6, "relu")


def test_compare_blocks_small():
    X, Y = ffn.interactions(600, d=4, seed=1)
    data = (X[:400], Y[:400], X[400:500], Y[400:500], X[500:], Y[500:])
    C = {"relu": ("plain", 12, "relu"), "swiglu": ("gated", 8, "silu")}
    r = ffn.compare_blocks(C, data, learning_rates=(0.003, 0.03), seeds=2, epochs=3, seed=0)
    assert r.params == {"relu": 96, "swiglu": 96}
    for n in C:
        assert r.val[n].shape == r.test[n].shape == (2, 2) and np.all(np.isfinite(r.test[n]))
        i = int(np.argmin(r.val[n].mean(axis=1)))
        assert r.chosen[n] == (0.003, 0.03)[i]
        assert np.array_equal(r.test_at_chosen(n), r.test[n][i])
    # trained: better than predicting 0 (the target's mean square is about 1)
    assert all(r.test_at_chosen(n).mean() < np.mean(data[5] ** 2) for n in C)
    with pytest.raises(ValueError, match="compare_blocks: seeds"):
        ffn.compare_blocks(C, data, seeds=1)
    with pytest.raises(ValueError, match="compare_blocks: kind"):
        ffn.compare_blocks({"x": ("res", 3, "relu")}, data)


def test_interactions_is_products():
    X, Y = ffn.interactions(1000, d=5, noise=0.0, seed=3)
    assert np.allclose(Y, X * np.roll(X, -1, axis=1), atol=1e-6)


def test_joint_training_equals_training_each_block_alone():
    """The module's promise: in compare_blocks' one model, each block (any learning rate) ends
    where Keras' fit would take it alone, from the same initial weights on the same batches
    (up to float32 and Adam's epsilon)."""
    from actlib.layers import keras

    X, Y = ffn.interactions(500, d=4, seed=1)
    data = (X[:300], Y[:300], X[300:400], Y[300:400], X[400:], Y[400:])
    C = {"relu": ("plain", 6, "relu"), "swiglu": ("gated", 4, "silu")}
    lrs = (0.01, 0.03)
    joint = ffn.compare_blocks(C, data, learning_rates=lrs, seeds=2, epochs=3, batch_size=50,
                               seed=7)
    for c, (name, (kind, hidden, activation)) in enumerate(C.items()):
        rng = np.random.default_rng([7, c])  # compare_blocks' initial weights
        shapes = [(4, hidden)] * (1 if kind == "plain" else 2) + [(hidden, 4)]
        initial = dict(zip(["up", "down"] if kind == "plain" else ["value", "gate", "down"],
                           (ffn._glorot(rng, 2, *s) for s in shapes), strict=True))
        for i, lr in enumerate(lrs):
            for j in range(2):
                keras.utils.set_random_seed(7)
                alone = ffn.block(kind, 4, hidden, activation)
                alone.set_weights([initial[w.path.split("/")[0].removeprefix("ffn_")][j]
                                   for w in alone.weights])
                alone.compile(optimizer=keras.optimizers.Adam(lr), loss="mse")
                alone.fit(data[0], data[1], epochs=3, batch_size=50, verbose=0)
                mse = float(np.mean((keras.ops.convert_to_numpy(alone(data[4])) - data[5]) ** 2))
                assert abs(mse / joint.test[name][i, j] - 1) < 1e-3, (name, lr, j)
