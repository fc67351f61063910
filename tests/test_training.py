"""actlib.training: the comparison runner, dead units, gradient norms, determinism."""

import numpy as np
import pytest

training = pytest.importorskip("actlib.training")
keras = training.keras

SMALL = {"depth": 2, "width": 8, "epochs": 2, "n": 200, "batch_size": 50, "verbose": False}


def test_compare_returns_results_with_every_measurement():
    results = training.compare(["relu", "tanh"], data="xor_blobs", **SMALL)
    assert list(results) == ["relu", "tanh"]
    r = results["relu"]
    assert set(r.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert len(r.history["loss"]) == 2
    assert 0 <= r.test_accuracy <= 1 and r.test_loss > 0 and r.seconds > 0
    assert r.grad_norms_init.shape == (2,) and r.grad_norms_final.shape == (2,)
    assert r.dead_units.shape == (3, 2)
    assert r.model.get_layer("act_1").name == "act_1"


def test_same_seed_same_numbers_other_seed_other_numbers():
    a = training.train("elu", data="circles", seed=1, **SMALL)
    b = training.train("elu", data="circles", seed=1, **SMALL)
    c = training.train("elu", data="circles", seed=2, **SMALL)
    assert a.history == b.history
    np.testing.assert_array_equal(a.grad_norms_init, b.grad_norms_init)
    assert a.history != c.history


def test_progress_line(capsys):
    training.train("relu", data="xor_blobs", **{**SMALL, "verbose": True})
    line = capsys.readouterr().out
    assert line.startswith("relu        test acc ") and line.rstrip().endswith(" s")


def test_dead_units_counts_units_with_no_gradient():
    model = training.build_mlp("relu", depth=2, width=4)
    X = np.random.default_rng(0).normal(size=(50, 2)).astype(np.float32)
    dense = model.get_layer("dense_2")
    kernel, bias = dense.get_weights()
    bias[:3] = -1e3  # three units of layer 2 can never be positive
    dense.set_weights([kernel, bias])
    counts = training.dead_units(model, X, "relu")
    assert counts[1] == 3
    assert training.dead_units(model, X, "leaky_relu").tolist() == [0, 0]  # slope alpha > 0


def test_init_mapping_and_parameters():
    model = training.build_mlp("selu", depth=1, init={"selu": "lecun_normal"})
    assert model.get_layer("dense_1").kernel_initializer.__class__.__name__ == "LecunNormal"
    model = training.build_mlp("leaky_relu", depth=1, alpha=0.3)
    assert model.get_layer("act_1").params == {"alpha": 0.3}


def test_gradient_norms_match_a_tape_by_hand():
    import tensorflow as tf

    X, _, y, _ = training.load_data("two_spirals", n=100)
    r = training.train("sigmoid", data="two_spirals", **{**SMALL, "epochs": 1})
    kernel = r.model.get_layer("dense_1").kernel
    with tf.GradientTape() as tape:
        loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(
            y, r.model(X, training=False))
    expected = float(tf.norm(tape.gradient(loss, kernel)))
    assert training.gradient_norms(r.model, X, y)[0] == pytest.approx(expected, rel=1e-5)


def test_regression_task():
    r = training.train("gelu", data="wave", **SMALL)
    assert r.model.output_shape == (None, 1) and "mae" in r.history


@pytest.mark.parametrize(("data", "match"), [("mnist", "unknown data set 'mnist'"),
                                             ("train_test_split", "unknown data set")])
def test_unknown_data(data, match):
    with pytest.raises(ValueError, match=match):
        training.load_data(data)


def test_training_together_is_training_alone_up_to_rounding():
    kwargs = {**SMALL, "epochs": 3, "depth": 3, "n": 400}
    names = ["elu", "prelu", "leaky_relu"]
    together = training.compare(names, data="two_spirals", params={"leaky_relu": {"alpha": 0.2}},
                                **kwargs)
    alone = training.compare(names, data="two_spirals", params={"leaky_relu": {"alpha": 0.2}},
                             together=False, **kwargs)
    for name in names:
        a, b = together[name], alone[name]
        np.testing.assert_array_equal(a.grad_norms_init, b.grad_norms_init)  # same start
        np.testing.assert_allclose(a.history["val_loss"], b.history["val_loss"], rtol=1e-4)
        assert a.test_accuracy == pytest.approx(b.test_accuracy, abs=0.01)
        np.testing.assert_allclose(a.grad_norms_final, b.grad_norms_final, rtol=1e-3)
        # the returned model is the trained network alone, usual layer names
        np.testing.assert_allclose(a.model(np.zeros((1, 2), np.float32)),
                                   b.model(np.zeros((1, 2), np.float32)), rtol=1e-3, atol=1e-5)
    assert together["prelu"].model.get_layer("act_1").get_weights()[0].shape == (8,)


def test_compare_rejects_duplicates():
    with pytest.raises(ValueError, match="compare: each activation once"):
        training.compare(["relu", "relu"])


def test_one_hidden_layer():
    for together in (True, False):
        results = training.compare(["relu", "tanh"], data="xor_blobs", together=together,
                                   **{**SMALL, "depth": 1})
        assert results["relu"].dead_units.shape == (3, 1)
