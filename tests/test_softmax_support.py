"""actlib.training's softmax-output option (added for 05_softmax.ipynb)."""

import numpy as np
import pytest

training = pytest.importorskip("actlib.training")
keras = training.keras

SMALL = {"depth": 2, "width": 8, "epochs": 2, "n": 200, "batch_size": 50, "verbose": False}


def test_build_mlp_default_still_outputs_logits():
    model = training.build_mlp("relu", depth=2, width=4, n_outputs=3)
    assert model.layers[-1].name == "logits"


def test_build_mlp_softmax_output_same_weights_probabilities():
    X = np.random.default_rng(0).normal(size=(5, 2)).astype(np.float32)
    logits = training.build_mlp("relu", depth=2, width=4, n_outputs=3, seed=3)
    probs = training.build_mlp("relu", depth=2, width=4, n_outputs=3, seed=3,
                               output_activation="softmax")
    assert probs.layers[-1].name == "output"
    for a, b in zip(logits.weights, probs.weights, strict=True):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    p = np.asarray(probs(X))
    z = np.asarray(logits(X))
    np.testing.assert_allclose(p.sum(axis=1), 1, rtol=1e-6)
    np.testing.assert_allclose(p, np.exp(z) / np.exp(z).sum(axis=1, keepdims=True), rtol=1e-5)


def test_train_softmax_output_uses_probability_loss():
    r = training.train("relu", data="xor_blobs", output_activation="softmax", **SMALL)
    assert r.model.loss.get_config()["from_logits"] is False
    default = training.train("relu", data="xor_blobs", **SMALL)
    assert default.model.loss.get_config()["from_logits"] is True


def test_train_custom_loss_and_bad_output_activation():
    def loss(y, p):
        return keras.ops.mean(keras.ops.square(p), axis=-1)

    r = training.train("relu", data="xor_blobs", output_activation="softmax", loss=loss, **SMALL)
    assert r.model.loss is loss
    with pytest.raises(ValueError, match="output_activation"):
        training.train("relu", data="xor_blobs", output_activation="sigmoid", **SMALL)
