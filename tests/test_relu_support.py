"""Support for 02_relu: layers.SubgradientReLU (relu with a chosen slope at exactly 0) and
training.dead_masks, training.PerEpoch, training.activation_layer."""

import numpy as np
import pytest

import actlib as act

layers = pytest.importorskip("actlib.layers")  # first: it sets TensorFlow's log level
training = pytest.importorskip("actlib.training")
keras = pytest.importorskip("keras")
tf = pytest.importorskip("tensorflow")

X = np.array([[-1e6, -2.0, -1e-30, -0.0, 0.0, 1e-30, 0.5, 3.0, 1e6]], dtype=np.float32)


def output_and_gradient(lay, x):
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        y = lay(xt)
    return y.numpy(), tape.gradient(y, xt).numpy()


@pytest.mark.parametrize("at_zero", [1.0, 0.5, 0.0])
def test_subgradient_relu_forward_and_gradient(at_zero):
    y, grad = output_and_gradient(layers.SubgradientReLU(at_zero=at_zero), X)
    np.testing.assert_array_equal(y, act.relu(X))
    zero = X == 0
    np.testing.assert_array_equal(grad[zero], at_zero)
    np.testing.assert_array_equal(grad[~zero], act.relu.derivative(X)[~zero])


def test_subgradient_relu_default_is_slope_1_and_plain_relu_is_0():
    _, grad = output_and_gradient(layers.SubgradientReLU(), np.zeros((1, 1), np.float32))
    assert grad[0, 0] == 1.0
    _, grad = output_and_gradient(layers.layer("relu"), np.zeros((1, 1), np.float32))
    assert grad[0, 0] == 0.0


def test_subgradient_relu_rejects_values_outside_the_subdifferential():
    with pytest.raises(ValueError, match=r"at_zero must be in \[0, 1\]"):
        layers.SubgradientReLU(at_zero=1.5)


def test_subgradient_relu_saves_and_loads(tmp_path):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4),
                              layers.SubgradientReLU(at_zero=0.25), keras.layers.Dense(2)])
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    x = np.random.default_rng(0).normal(size=(5, 3)).astype(np.float32)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert isinstance(loaded.layers[1], layers.SubgradientReLU)
    assert loaded.layers[1].at_zero == 0.25


SMALL = {"depth": 3, "width": 8, "epochs": 2, "n": 200, "batch_size": 50, "verbose": False}


def test_dead_masks_agree_with_dead_units_and_per_epoch_records_them():
    X_train = training.load_data("two_spirals", n=200, seed=0)[0]
    masks = training.PerEpoch(lambda m: training.dead_masks(m, X_train, "relu"))
    result = training.train("relu", learning_rate=0.1, callbacks=[masks], **SMALL)
    assert len(masks.values) == SMALL["epochs"] + 1
    counts = np.array([[m.sum() for m in epoch] for epoch in masks.values])
    np.testing.assert_array_equal(counts, result.dead_units)
    assert all(m.shape == (8,) and m.dtype == bool for m in masks.values[-1])
    # dead means: pre-activation <= 0 for every example
    zs = training.hidden_outputs(result.model, X_train, pre_activation=True)
    for z, m in zip(zs, training.dead_masks(result.model, X_train, "relu"), strict=True):
        np.testing.assert_array_equal(m, np.all(z <= 0, axis=0))


def test_activation_layer_replaces_the_hidden_layers_only_inside_the_block():
    with training.activation_layer("relu", lambda: layers.SubgradientReLU(at_zero=1.0)):
        model = training.build_mlp("relu", depth=2, width=4, output_activation="softmax")
    kinds = [type(lay).__name__ for lay in model.layers]
    assert kinds.count("SubgradientReLU") == 2
    assert model.get_layer("act_2").at_zero == 1.0
    assert not isinstance(model.get_layer("output"), layers.SubgradientReLU)
    plain = training.build_mlp("relu", depth=2, width=4)
    assert not any(isinstance(lay, layers.SubgradientReLU) for lay in plain.layers)


def test_activation_layer_restores_after_an_error():
    with pytest.raises(RuntimeError), training.activation_layer("relu", lambda: 1 / 0):
        raise RuntimeError
    assert training.build_mlp("relu", depth=1, width=2).get_layer("act_1").activation == "relu"


def test_same_initial_weights_so_the_two_subgradients_train_identically_without_exact_zeros():
    base = training.train("relu", data="circles", seed=3, **SMALL)
    with training.activation_layer("relu", lambda: layers.SubgradientReLU(at_zero=1.0)):
        kink = training.train("relu", data="circles", seed=3, **SMALL)
    assert kink.history == base.history


def test_a_compiled_model_reset_trains_like_a_new_one():
    """02_relu compiles each network once and, before every run, restores its initial weights,
    zeroes Adam's state, sets the learning rate and reseeds: that must give exactly the numbers
    of a newly built model (the lesson says so), with one traced step per epoch and Adam's state
    built before the first fit."""
    import tensorflow as tf

    tf.config.experimental.enable_op_determinism()
    X, _, y, _ = training.load_data("two_spirals", n=400, seed=1)  # 300 training rows

    def compiled():
        model = training.build_mlp("relu", depth=3, width=8, seed=1)
        model.compile(keras.optimizers.Adam(), keras.losses.SparseCategoricalCrossentropy(
            from_logits=True), steps_per_execution=3)
        model.optimizer.build(model.trainable_variables)
        return model

    def run(model, learning_rate):
        model.optimizer.learning_rate = learning_rate
        keras.utils.set_random_seed(1)
        return model.fit(X, y, epochs=3, batch_size=100, verbose=0).history["loss"]

    fresh = {lr: compiled() for lr in (0.01, 0.1)}
    want = {lr: (run(m, lr), m.get_weights()) for lr, m in fresh.items()}
    reused = compiled()
    initial = reused.get_weights()
    for lr in (0.1, 0.01, 0.1):  # in another order, and twice
        reused.set_weights(initial)
        for v in reused.optimizer.variables:
            v.assign(tf.zeros_like(v))
        loss = run(reused, lr)
        assert loss == want[lr][0]
        for a, b in zip(reused.get_weights(), want[lr][1], strict=True):
            np.testing.assert_array_equal(a, b)
