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


# ------------------------------------------------------------------ parameters, checked up front

@pytest.mark.parametrize(("call", "error", "match"), [
    (lambda: training.train("relu", depth=0), ValueError, r"^train: depth must be >= 1, got 0$"),
    (lambda: training.train("relu", epochs=-1), ValueError, r"^train: epochs must be >= 1, got -1"),
    (lambda: training.train("relu", width=2.5), TypeError, r"^train: width must be an int"),
    (lambda: training.train("relu", batch_size=True), TypeError, r"^train: batch_size must be"),
    (lambda: training.train("relu", learning_rate=0), ValueError,
     r"^train: learning_rate must be a finite number > 0, got 0"),
    (lambda: training.train("relu", learning_rate=float("nan")), ValueError,
     r"^train: learning_rate must be a finite number > 0"),
    (lambda: training.train("relu", seed="0"), TypeError, r"^train: seed must be an int"),
    (lambda: training.train("relu", verbose=1), TypeError, r"^train: verbose must be True or"),
    (lambda: training.train("relu", init=3), TypeError, r"^train: init must be an initializer"),
    (lambda: training.train("relu", make_layer="relu"), TypeError, r"^train: make_layer must be"),
    (lambda: training.train("rleu"), ValueError, r"^train: name 'rleu' is not an activation"),
    (lambda: training.train(None), TypeError, r"^train: name must be an activation's name"),
    (lambda: training.compare(["relu", "tanh"], depth=0), ValueError, r"^compare: depth must be"),
    (lambda: training.compare(["relu", "tnah"]), ValueError,
     r"^compare: names 'tnah' is not an activation"),
    (lambda: training.compare([]), ValueError, r"^compare: names must hold at least one"),
    (lambda: training.compare(["relu", "tanh"], dept=3), TypeError,
     r"^compare: unexpected keyword argument\(s\) dept"),
    (lambda: training.compare(["relu", "tanh"], output_activation="sigmoid"), ValueError,
     r"^compare: output_activation must be None \(logits\) or 'softmax'"),
    (lambda: training.train_together(["relu", "tanh"], n=0), ValueError,
     r"^train_together: n must be >= 1, got 0"),
    (lambda: training.build_mlp("relu", depth=0), ValueError, r"^build_mlp: depth must be >= 1"),
    (lambda: training.build_mlp("relu", width=-3), ValueError, r"^build_mlp: width must be >= 1"),
    (lambda: training.dead_units(None, None, "rleu"), ValueError, r"^dead_units: name 'rleu'"),
])
def test_entry_points_name_the_function_and_the_parameter(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_make_layer_is_a_parameter_and_the_block_is_the_same_as_passing_it():
    layers = pytest.importorskip("actlib.layers")
    model = training.build_mlp("relu", depth=3, width=4,
                               make_layer=lambda: layers.SubgradientReLU(at_zero=1.0))
    assert [type(model.get_layer(f"act_{i}")).__name__ for i in (1, 2, 3)] == \
        ["SubgradientReLU"] * 3
    passed = training.train("relu", data="circles", seed=3, learning_rate=0.3,
                            make_layer=lambda: layers.SubgradientReLU(at_zero=1.0), **SMALL)
    with training.activation_layer("relu", lambda: layers.SubgradientReLU(at_zero=1.0)):
        scoped = training.train("relu", data="circles", seed=3, learning_rate=0.3, **SMALL)
    assert isinstance(passed.model.get_layer("act_1"), layers.SubgradientReLU)
    assert passed.history == scoped.history
    # only "relu" networks, and only inside the block
    with training.activation_layer("relu", lambda: layers.SubgradientReLU(at_zero=1.0)):
        tanh = training.build_mlp("tanh", depth=1, width=2)
    assert type(tanh.get_layer("act_1")).__name__ == "ActivationLayer"
    assert type(training.build_mlp("relu", depth=1).get_layer("act_1")).__name__ == \
        "ActivationLayer"


def test_compare_looks_each_name_up_once(monkeypatch):
    import actlib._settings as settings

    looked_up = []

    def get(name):
        looked_up.append(name)
        return actlib_get(name)

    actlib_get = settings.get
    monkeypatch.setattr(settings, "get", get)
    for together in (True, False):
        looked_up.clear()
        training.compare(["elu", "tanh"], data="xor_blobs", together=together,
                         **{**SMALL, "epochs": 2})
        assert looked_up == ["elu", "tanh"]


def test_every_module_says_what_it_is_for():
    import importlib

    for name in ("models", "measure", "experiment", "together", "training"):
        module = importlib.import_module(f"actlib.{name}")
        first = module.__doc__.strip().splitlines()[0]
        assert len(first) > 30, f"actlib.{name}: {first!r}"
    # the notebooks' one import still offers every name, from where it lives
    from actlib import measure, models, together

    assert training.build_mlp is models.build_mlp and training.dead_units is measure.dead_units
    assert training.train_together is together.train_together


# ------------------------------------------------------- the runner's own loop is Keras' fit

@pytest.mark.parametrize("name", ["rrelu", "gelu"])  # rrelu: random slopes drawn in training
def test_the_runners_epoch_loop_trains_exactly_as_fit(name):
    from actlib import experiment, together

    X, _, y, _ = training.load_data("two_spirals", n=220, seed=1)  # 165: a last, smaller batch

    def fresh():
        model = training.build_mlp(name, depth=2, width=8, seed=1)  # set_random_seed(1)
        model.compile(keras.optimizers.Adam(0.01),
                      keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        return model

    by_fit = fresh()
    by_fit.fit(X, y, epochs=3, batch_size=50, verbose=0)
    ours = fresh()
    experiment.build_state(ours, X[:50], y[:50])
    orders = together._epoch_orders(len(X), 50, 3)  # where fit makes its data pipeline
    train_epoch = together._epoch_trainer(ours, X, y, 50)
    for epoch in range(3):
        train_epoch(orders[min(epoch, len(orders) - 1)])
    for a, b in zip(by_fit.get_weights(), ours.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)  # bit for bit


def test_compare_gives_the_same_numbers_on_a_rerun():
    a, b = (training.compare(["rrelu", "gelu"], data="two_spirals", seed=4, **SMALL)
            for _ in range(2))
    for name in a:
        assert a[name].history == b[name].history
        np.testing.assert_array_equal(a[name].dead_units, b[name].dead_units)
        np.testing.assert_array_equal(a[name].grad_norms_final, b[name].grad_norms_final)


def test_the_runner_says_where_its_time_went():
    from actlib import together

    training.compare(["relu", "tanh"], data="xor_blobs", **SMALL)
    times = together.LAST_RUN_TIMES
    parts = {"build the networks", "gradient norms", "joint model", "measure: trace",
             "train: trace", "train: steps", "measure: forward passes",
             "measure: dead units, Python", "epoch loop, Python", "copy the weights back",
             "total"}
    assert set(times) == parts and all(t >= 0 for t in times.values())
    assert sum(t for k, t in times.items() if k != "total") == pytest.approx(times["total"],
                                                                           rel=0.05, abs=0.05)


def test_dead_units_evaluate_the_derivative_only_where_needed_with_the_same_answer():
    from actlib import measure

    rng = np.random.default_rng(0)
    z = rng.normal(size=(40, 6)).astype(np.float32)
    z[:, 1] = -np.abs(z[:, 1])  # dead for relu
    z[:, 2] = np.where(rng.random(40) < 0.5, -200, 200)  # saturated both ways: tanh' = 0
    z[:, 3] = np.where(np.arange(40) == 7, 0.5, -200)  # one example in the middle: alive
    z[0, 4] = np.nan
    for name, params in (("relu", {}), ("tanh", {}), ("sigmoid", {}), ("elu", {"alpha": 0.0}),
                         ("prelu", {"alpha": np.array([0, 0.1, 0, 0, 0, 0.2], np.float32)})):
        activation = act_get(name)
        want = np.all(activation.derivative(z, **params) == 0, axis=0)
        np.testing.assert_array_equal(measure._all_zero_derivative(activation, z, params), want)
    assert measure._all_zero_derivative(act_get("tanh"), z, {}).tolist() == \
        [False, False, True, False, False, False]


def act_get(name):
    from actlib.functions import get

    return get(name)


def test_a_callback_that_acts_per_batch_is_called_per_batch():
    class Batches(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.calls = 0

        def on_train_batch_end(self, batch, logs=None):
            self.calls += 1

    per_epoch, per_batch = training.PerEpoch(lambda m: None), Batches()
    training.train("relu", data="xor_blobs", callbacks=[per_epoch, per_batch], **SMALL)
    assert per_batch.calls == 2 * 3  # 2 epochs of 150 / 50 batches (not once per epoch)
    assert len(per_epoch.values) == 3  # before training and after each epoch
    assert training._acts_per_batch(per_batch) and not training._acts_per_batch(per_epoch)


def test_one_step_per_call_trains_the_same_numbers(monkeypatch):
    """Keras before 3.7 drops the logs of an epoch shorter than one multi-step call, so train()
    falls back to one step per call there; both ways give the same training and test numbers."""
    from actlib import training as t

    assert t._keras_runs_short_epochs() == (tuple(map(int, keras.__version__.split(".")[:2]))
                                            >= (3, 7))
    runs = {}
    for multi in (True, False):
        if multi and not t._keras_runs_short_epochs():
            continue  # this Keras cannot run the multi-step way
        monkeypatch.setattr(t, "MULTI_STEP_CALLS", multi)
        runs[multi] = t.train("relu", data="xor_blobs", **SMALL)
    assert set(runs[False].history) >= {"loss", "val_loss", "accuracy", "val_accuracy"}
    if True in runs:
        for key, values in runs[True].history.items():
            np.testing.assert_allclose(values, runs[False].history[key], rtol=1e-5, err_msg=key)
        assert runs[True].test_loss == pytest.approx(runs[False].test_loss, rel=1e-5)
