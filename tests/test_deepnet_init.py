"""actlib.deepnet's section for lesson 03: propagation through layers of different widths, and
the NumPy trainer (MLP, train_mlp), checked against finite differences, closed forms and Keras'
conventions."""

import warnings

import numpy as np
import pytest

import actlib as act
from actlib import data, deepnet


def test_propagation_widths_equals_propagation_for_equal_widths():
    for name, init in (("tanh", "he_normal"), ("relu", "glorot_uniform")):
        square = deepnet.propagation(name, 6, 16, init, n=32, seed=3, weight_scale=1.3)
        widths = deepnet.propagation_widths(name, [16] * 7, init, n=32, seed=3, weight_scale=1.3)
        for a, b in zip(square, widths, strict=True):
            np.testing.assert_array_equal(a, b)


def test_propagation_widths_linear_funnel_matches_the_variance_formulas():
    # f(z) = z: forward variance x n_in Var(w) per layer (layers 1..L), backward x n_out Var(w)
    # (the error reaching layer 1 went through W_L .. W_2), exactly in expectation; a wide batch
    # and three seeds keep the noise within 10%.
    widths = [400, 200, 100, 50]
    n_in, n_out = np.array(widths[:-1]), np.array(widths[1:])
    for init, var in (("lecun_normal", 1 / n_in), ("glorot_uniform", 2 / (n_in + n_out))):
        runs = [deepnet.propagation_widths("linear", widths, init, n=1000, seed=s)
                for s in range(3)]
        fwd = np.mean([r.forward_std[-1] for r in runs])
        bwd = np.mean([r.backward_std[0] for r in runs])
        assert fwd == pytest.approx(np.sqrt(np.prod(n_in * var)), rel=0.1)
        assert bwd == pytest.approx(np.sqrt(np.prod((n_out * var)[1:])), rel=0.1)


def test_propagation_widths_gradient_norms_match_finite_differences():
    widths, n, seed = [4, 6, 3], 5, 2
    p = deepnet.propagation_widths("tanh", widths, n=n, seed=seed)
    rng = np.random.default_rng(seed)
    x0 = rng.standard_normal((n, widths[0]))
    ws = [deepnet.init_weights(a, b, "lecun_normal", rng)
          for a, b in zip(widths[:-1], widths[1:], strict=True)]
    g = np.random.default_rng(np.random.SeedSequence([seed, 1])).standard_normal((n, widths[-1]))

    def loss(ws):
        h = x0
        for w in ws:
            h = np.tanh(h @ w)
        return np.sum(h * g) / n

    for layer in range(len(ws)):
        def loss_of(w, layer=layer):
            return loss([w if k == layer else ws[k] for k in range(len(ws))])

        grad = act.check.numerical_gradient(loss_of, ws[layer])
        assert np.linalg.norm(grad) == pytest.approx(p.weight_grad_norm[layer], rel=1e-6)


@pytest.mark.parametrize(("widths", "match"), [
    ([8], "at least two"), ([], "at least two"), ("64", "at least two"),
    ([8, 0, 4], "every width"), ([8, 2.5], "every width"), ([8, True], "every width")])
def test_propagation_widths_bad_widths(widths, match):
    with pytest.raises(ValueError, match=f"propagation_widths: .*{match}"):
        deepnet.propagation_widths("relu", widths)


def test_propagation_widths_bad_name():
    with pytest.raises(ValueError, match="propagation_widths: unknown activation"):
        deepnet.propagation_widths("nope", [4, 4])


# --------------------------------------------------------------------------- MLP and train_mlp

@pytest.mark.parametrize("batch_norm", [False, True])
@pytest.mark.parametrize(("name", "params"), [("tanh", {}), ("leaky_relu", {"alpha": 0.2}),
                                              ("elu", {}), ("relu", {})])
def test_mlp_gradients_match_finite_differences(name, params, batch_norm):
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(7, 3)), rng.integers(0, 3, 7)
    model = deepnet.MLP(name, 3, 3, depth=3, width=5, init="he_normal", bias=0.1,
                        batch_norm=batch_norm, rng=2, **params)
    _, grads = model.loss_and_grads(X, y)
    assert len(grads) == len(model.weights) == (4 + 4 + (6 if batch_norm else 0))
    for w, g in zip(model.weights, grads, strict=True):
        original = w.copy()

        def loss_at(v, w=w):
            np.copyto(w, v)
            return model.loss_and_grads(X, y)[0]

        numeric = act.check.numerical_gradient(loss_at, original)
        np.copyto(w, original)
        scale = max(np.abs(numeric).max(), 1e-3)
        assert np.abs(g - numeric).max() / scale < 1e-6


def test_mlp_initialisation_follows_keras():
    model = deepnet.MLP("relu", 2, 3, depth=4, width=300, init="he_normal", weight_scale=1.5,
                        bias=0.1, rng=0)
    assert [w.shape for w in model.W] == [(2, 300), (300, 300), (300, 300), (300, 300), (300, 3)]
    assert model.W[1].std() == pytest.approx(1.5 * np.sqrt(2 / 300), rel=0.02)
    limit = np.sqrt(6 / (300 + 3))  # the logits: glorot_uniform, unscaled
    assert np.abs(model.W[-1]).max() <= limit and model.W[-1].std() > 0.9 * limit / np.sqrt(3)
    assert all(np.all(b == 0.1) for b in model.b[:-1]) and np.all(model.b[-1] == 0)
    # every array is a view of one flat vector: an update of flat updates the arrays
    model.flat += 1.0
    assert np.all(model.b[-1] == 1.0)


def test_mlp_batch_norm_standardises_and_counts_dead_units_after_it():
    model = deepnet.MLP("relu", 2, 2, depth=2, width=6, batch_norm=True, rng=0)
    X = np.random.default_rng(0).normal(size=(50, 2))
    _, cache = model.forward(X)
    u = cache[0][1]  # what the first activation receives
    z_var = (X @ model.W[0] + model.b[0]).var(axis=0)
    np.testing.assert_allclose(u.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(u.var(axis=0), z_var / (z_var + deepnet.BN_EPSILON), rtol=1e-9)
    model.beta[1][:] = [-100, -100, 0, 0, 0, 0]  # two units pushed far below 0: dead
    stats = model.statistics(X)
    assert model.dead_units(X, stats).tolist() == [0, 2]


def test_dead_units_match_the_definition():
    model = deepnet.MLP("relu", 2, 2, depth=3, width=8, rng=4)
    X = np.random.default_rng(1).normal(size=(40, 2))
    model.b[1][:3] = -50.0  # three units of layer 2 never fire
    _, cache = model.forward(X)
    want = [int(np.sum(np.all(act.relu.derivative(u) == 0, axis=0))) for _, u, _, _ in cache[:-1]]
    assert model.dead_units(X).tolist() == want and want[1] >= 3


def test_train_mlp_learns_and_reports():
    r = deepnet.train_mlp("relu", "circles", depth=3, width=16, n=400, epochs=15,
                          learning_rate=0.01, seed=0)
    assert r.test_accuracy > 0.95
    assert len(r.history["loss"]) == 15 and r.dead_units.shape == (16, 3)
    assert r.history["loss"][-1] < r.history["loss"][0] and r.clipped == 0.0
    assert r.test_accuracy == r.history["test_accuracy"][-1]


def test_train_mlp_uses_trainings_data_split():
    # the same data as act.training for the same data, n and seed (experiment.load_data)
    X, y = data.circles(n=300, seed=5)
    want = data.train_test_split(X, y, test_fraction=0.25, seed=5)
    got = deepnet._split("train_mlp", "circles", 300, 5)
    for a, b in zip(got, want, strict=True):
        np.testing.assert_array_equal(a, b)


def test_train_mlp_is_deterministic_and_seeded():
    a = deepnet.train_mlp("tanh", "xor_blobs", depth=2, width=8, n=200, epochs=3, seed=1)
    b = deepnet.train_mlp("tanh", "xor_blobs", depth=2, width=8, n=200, epochs=3, seed=1)
    c = deepnet.train_mlp("tanh", "xor_blobs", depth=2, width=8, n=200, epochs=3, seed=2)
    assert a.history == b.history and a.history != c.history


def test_train_mlp_sgd_step_is_plain_gradient_descent():
    # one full batch, one epoch of SGD: the weights move by exactly -lr * gradient
    X_tr, X_te, y_tr, y_te = deepnet._split("t", "circles", 100, 0)
    split = (X_tr.astype(float), X_te.astype(float), y_tr, y_te)
    fresh = deepnet.MLP("tanh", 2, 2, depth=2, width=4, rng=0)
    _, grads = fresh.loss_and_grads(split[0], split[2])
    r = deepnet.train_mlp("tanh", split, depth=2, width=4, epochs=1, batch_size=len(y_tr),
                          optimizer="sgd", learning_rate=0.5, seed=0)
    np.testing.assert_allclose(r.model.flat, fresh.flat - 0.5 * np.concatenate(
        [g.ravel() for g in grads]), rtol=1e-12)


def test_train_mlp_clipping_caps_the_step():
    X_tr, X_te, y_tr, y_te = deepnet._split("t", "circles", 100, 0)
    split = (X_tr.astype(float), X_te.astype(float), y_tr, y_te)
    fresh = deepnet.MLP("relu", 2, 2, depth=4, width=8, weight_scale=3.0, rng=0)
    _, grads = fresh.loss_and_grads(split[0], split[2])
    g = np.concatenate([a.ravel() for a in grads])
    assert np.linalg.norm(g) > 0.01
    r = deepnet.train_mlp("relu", split, depth=4, width=8, weight_scale=3.0, epochs=1,
                          batch_size=len(y_tr), optimizer="sgd", learning_rate=1.0, clip=0.01,
                          seed=0)
    step = r.model.flat - fresh.flat
    assert np.linalg.norm(step) == pytest.approx(0.01, rel=1e-9) and r.clipped == 1.0
    np.testing.assert_allclose(step / np.linalg.norm(step), -g / np.linalg.norm(g), rtol=1e-6,
                               atol=1e-13)


def test_train_mlp_adam_first_step_is_kerass():
    # Keras' Adam, step 1: m = (1 - b1) g, v = (1 - b2) g^2, lr_1 = lr sqrt(1 - b2) / (1 - b1),
    # w -= lr_1 m / (sqrt(v) + eps): about lr for every weight whose gradient is not tiny
    X_tr, X_te, y_tr, y_te = deepnet._split("t", "circles", 100, 0)
    split = (X_tr.astype(float), X_te.astype(float), y_tr, y_te)
    fresh = deepnet.MLP("tanh", 2, 2, depth=2, width=4, rng=0)
    _, grads = fresh.loss_and_grads(split[0], split[2])
    g = np.concatenate([a.ravel() for a in grads])
    r = deepnet.train_mlp("tanh", split, depth=2, width=4, epochs=1, batch_size=len(y_tr),
                          learning_rate=0.01, seed=0)
    b1, b2, eps = 0.9, 0.999, 1e-7
    want = -0.01 * np.sqrt(1 - b2) / (1 - b1) * (1 - b1) * g / (np.sqrt((1 - b2) * g * g) + eps)
    np.testing.assert_allclose(r.model.flat - fresh.flat, want, rtol=1e-9, atol=1e-15)
    assert np.median(np.abs(want)) == pytest.approx(0.01, rel=0.05)


def test_train_mlp_exploding_without_clipping_is_quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = deepnet.train_mlp("relu", "circles", depth=12, n=200, epochs=2, weight_scale=3.0,
                              optimizer="sgd", learning_rate=0.1, init="he_normal", seed=0)
    assert not np.isfinite(r.history["loss"][-1])


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"epochs": 0}, "epochs"), ({"batch_size": 1.5}, "batch_size"), ({"n": True}, "n must"),
    ({"optimizer": "rmsprop"}, "optimizer"), ({"learning_rate": 0}, "learning_rate"),
    ({"clip": -1.0}, "clip"), ({"weight_scale": float("nan")}, "weight_scale"),
    ({"data": "wave"}, "data must"), ({"data": (1, 2)}, "data must"),
    ({"depth": 0}, "depth")])
def test_train_mlp_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        deepnet.train_mlp("relu", **{"data": "circles", "n": 100, "epochs": 1, **kwargs})
