"""actlib.layers: every Keras layer matches the NumPy function and derivative; Keras' own
activations agree with actlib where Keras has them."""

import numpy as np
import pytest

import actlib as act

layers = pytest.importorskip("actlib.layers")  # first: it sets TensorFlow's log level
keras = pytest.importorskip("keras")
tf = pytest.importorskip("tensorflow")

X = np.linspace(-6, 6, 49, dtype=np.float32).reshape(7, 7)
X[3, 3] = 0.0  # the kink
PARAMS = {"leaky_relu": {"alpha": 0.1}, "elu": {"alpha": 0.7}, "prelu": {"alpha": 0.25},
          "rrelu": {}, "gelu": {"approximate": False}}


def output_and_gradient(lay, x):
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        y = lay(xt)
        weights = tf.constant(np.arange(1, x.shape[-1] + 1, dtype=np.float32))
        loss = tf.reduce_sum(y * weights)  # weights: softmax's plain sum has zero gradient
    return y.numpy(), tape.gradient(loss, xt).numpy(), weights.numpy()


ACTIVATIONS = (*act.ELEMENTWISE_NAMES, "softmax")  # the gated ones and maxout: further down


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_layer_matches_numpy_forward_and_gradient(name):
    params = PARAMS.get(name, {})
    y, grad, w = output_and_gradient(layers.layer(name, **params), X)
    fn = act.get(name)
    np.testing.assert_allclose(y, fn(X, **params), rtol=2e-6, atol=2e-7)
    if name == "softmax":
        want = np.einsum("j,bji->bi", w, fn.jacobian(X.astype(np.float64)))
    else:
        want = w * fn.derivative(X, **params)
    if name in KERAS_KINK:  # frameworks disagree at exactly 0: checked below
        grad[X == 0] = want[X == 0]
    # Absolute slack of 1e-6 per unit weight: TensorFlow differentiates tanh and sigmoid as
    # 1 - y^2 and y (1 - y) in float32, which cancel in the tails (actlib does not).
    err = np.abs(grad - want)
    assert np.all(err <= 2e-5 * np.abs(want) + 1e-6 * w), err.max()


# d/dx at exactly x = 0 in Keras/TensorFlow where it differs from actlib's x <= 0 branch
# (PyTorch's convention). Keras' PReLU is relu(x) - alpha relu(-x): slope 0 at the kink,
# outside the subdifferential [alpha, 1]. TensorFlow's SELU takes the x > 0 branch at 0.
KERAS_KINK = {"prelu": 0.0, "selu": act.SELU_SCALE}


@pytest.mark.parametrize("name", KERAS_KINK)
def test_keras_derivative_at_the_kink(name):
    _, grad, _ = output_and_gradient(layers.layer(name), np.zeros((1, 1), np.float32))
    assert grad[0, 0] == pytest.approx(KERAS_KINK[name], rel=1e-6)


def test_gelu_tanh_layer():
    y, grad, w = output_and_gradient(layers.layer("gelu", approximate=True), X)
    # Keras computes x/2 (1 + tanh u) in float32, which cancels in the negative tail: 1 + tanh u
    # carries about 2 ulps of 1 (tanh's error and the sum's rounding), times |x|/2. Measured:
    # 3e-7 with TensorFlow 2.21, 4.5e-7 with 2.19 (Colab's); the bound is 7.2e-7 on [-6, 6].
    tail = np.abs(X).max() / 2 * 2 * np.finfo(np.float32).eps
    np.testing.assert_allclose(y, act.gelu(X, approximate=True), rtol=2e-6, atol=tail)
    # ...and so does its gradient: TensorFlow differentiates tanh as 1 - y^2 in float32, a few
    # ulps of 1 off in the tails, and the chain rule multiplies that by |x|/2 u'(x) (u' = du/dx).
    # Measured per unit weight: 1.5e-6 with TensorFlow 2.21, 2.8e-6 with 2.19 (at x = -4.75).
    x64 = X.astype(np.float64)
    du = np.sqrt(2 / np.pi) * (1 + 3 * 0.044715 * x64**2)
    want = w * act.gelu.derivative(X, approximate=True)
    slack = w * (np.abs(x64) / 2 * du + 0.5) * 4 * np.finfo(np.float32).eps
    err = np.abs(grad - want)
    assert np.all(err <= 2e-5 * np.abs(want) + slack), (err.max(), X.flat[err.argmax()])


def test_prelu_layer_is_trainable_and_its_alpha_gradient_matches():
    lay = layers.layer("prelu")
    xt = tf.constant(X)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(lay(xt))
    (alpha,) = lay.trainable_weights
    np.testing.assert_allclose(alpha.numpy(), np.full(7, 0.25))
    grad = tape.gradient(loss, alpha).numpy()
    np.testing.assert_allclose(grad, act.prelu.derivative_alpha(X, 0.25).sum(axis=0), rtol=1e-6)


def test_every_call_gives_a_fresh_layer():
    assert layers.layer("relu") is not layers.layer("relu")
    assert layers.layer("swish").activation == "silu"


def test_rrelu_layer_random_in_training_mean_slope_otherwise():
    lay = layers.RReLU(seed=3)
    x = -np.ones((200, 50), np.float32)
    slopes = lay(x, training=True).numpy() / x
    assert 1 / 8 <= slopes.min() and slopes.max() <= 1 / 3 and slopes.std() > 0.05
    np.testing.assert_allclose(lay(x, training=False).numpy(), (1 / 8 + 1 / 3) / 2 * x, rtol=1e-6)
    np.testing.assert_allclose(lay(x).numpy(), lay(x, training=False).numpy())


def test_model_with_actlib_layers_saves_and_loads(tmp_path):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8), layers.RReLU(0.1, 0.3, 7),
                              keras.layers.Dense(8), layers.layer("elu", alpha=0.5),
                              keras.layers.Dense(3), layers.layer("softmax")])
    x = np.random.default_rng(0).normal(size=(5, 4)).astype(np.float32)
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-6)
    rrelu = loaded.layers[1]
    assert (rrelu.lower, rrelu.upper, rrelu.seed) == (0.1, 0.3, 7)
    assert loaded.layers[3].params == {"alpha": 0.5}


@pytest.mark.parametrize(("call", "err", "match"), [
    (lambda: layers.layer("relu7"), ValueError, "unknown activation 'relu7'"),
    (lambda: layers.layer("elu", alpha=-1.0), ValueError, "elu: alpha must be >= 0"),
    (lambda: layers.layer("prelu", alpha=np.nan), ValueError, "prelu: alpha must be finite"),
    (lambda: layers.RReLU(0.5, 0.1), ValueError, "rrelu: need 0 <= lower <= upper"),
    (lambda: layers.layer("relu", alpha=0.1), TypeError, "relu: got an unexpected keyword"),
])
def test_layer_bad_parameters(call, err, match):
    with pytest.raises(err, match=match):
        call()


KERAS_NAMES = {"linear": {}, "sigmoid": {}, "tanh": {}, "relu": {}, "elu": {"alpha": 0.7},
               "selu": {}, "softplus": {}, "silu": {}, "mish": {}, "softmax": {}}


# keras.activations' and keras.ops' names for the hard variants (all in Keras 3.5.0, the lowest
# version actlib allows; squared ReLU is in neither)
KERAS_HARD = {"relu6": "relu6", "hard_sigmoid": "hard_sigmoid", "hard_silu": "hard_silu",
              "hard_swish": "hard_silu"}


def keras_function(module, name):
    fn = getattr(module, name, None)
    if fn is None:
        pytest.skip(f"{module.__name__}.{name} does not exist in Keras {keras.__version__}")
    return fn


@pytest.mark.parametrize("name", [*KERAS_NAMES, *KERAS_HARD])
def test_keras_activations_agree(name):
    x = np.linspace(-20, 20, 401, dtype=np.float32).reshape(1, -1)
    params = KERAS_NAMES.get(name, {})
    want = keras.ops.convert_to_numpy(keras_function(keras.activations, name)(x, **params))
    np.testing.assert_allclose(act.get(name)(x, **params), want, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("name", KERAS_HARD)
def test_keras_ops_hard_variants_agree_exactly_with_their_kink_gradients(name):
    # Both compute clip(x + 3, 0, 6) / 6 in float32: the same bits. The grid holds the kinks
    # -3, 0, 3 and 6, where TensorFlow's gradient is actlib's derivative (the flat/outer side).
    x = np.linspace(-8, 8, 161, dtype=np.float32)
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        y = keras_function(keras.ops, name)(xt)
    np.testing.assert_array_equal(y.numpy(), act.get(name)(x))
    np.testing.assert_allclose(tape.gradient(y, xt).numpy(), act.get(name).derivative(x),
                               rtol=1e-6, atol=1e-7)


def test_keras_hard_sigmoid_is_relu6_of_x_plus_3_over_6():
    # Keras 3's convention, computed (Keras 3.5.0's docstring of keras.ops.hard_sigmoid still
    # says 0.2 x + 0.5, Keras 2's; its code is relu6(x + 3) / 6): at 2.5 the two differ.
    x = np.array([-3.0, -2.5, 0.0, 2.5, 3.0], np.float32)
    got = keras.ops.convert_to_numpy(keras.activations.hard_sigmoid(x))
    np.testing.assert_allclose(got, np.clip(x + 3, 0, 6) / 6, rtol=1e-7)
    assert not np.allclose(got, np.clip(0.2 * x + 0.5, 0, 1))


def test_keras_leaky_relu_and_gelu_agree_under_their_own_names():
    x = np.linspace(-20, 20, 401, dtype=np.float32)
    np.testing.assert_allclose(act.leaky_relu(x, alpha=0.2),
                               keras.activations.leaky_relu(x, negative_slope=0.2), rtol=1e-6)
    for approximate in (False, True):
        np.testing.assert_allclose(act.gelu(x, approximate=approximate),
                                   keras.activations.gelu(x, approximate=approximate),
                                   rtol=1e-5, atol=1e-6)  # Keras' tanh form cancels below -5


# ------------------------------------------------------------------------- gated units, maxout

XG = np.linspace(-6, 6, 48, dtype=np.float32).reshape(4, 12)  # no ties, no b exactly at 0
VECTOR_PARAMS = {"glu": {}, "reglu": {}, "geglu": {}, "geglu_tanh": {"approximate": True},
                 "swiglu": {}, "maxout": {"k": 3}}


def vector_output_and_gradient(lay, x, out_shape):
    xt = tf.constant(x)
    w = np.random.default_rng(0).normal(size=out_shape).astype(np.float32)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        y = lay(xt)
        loss = tf.reduce_sum(y * w)
    return y.numpy(), tape.gradient(loss, xt).numpy(), w


@pytest.mark.parametrize("case", VECTOR_PARAMS)
@pytest.mark.parametrize("axis", [-1, 1])
def test_vector_layer_matches_numpy_forward_and_vjp(case, axis):
    name, params = case.replace("_tanh", ""), {**VECTOR_PARAMS[case], "axis": axis}
    fn = act.get(name)
    x = np.stack([XG, XG[::-1]], axis=1) if axis == 1 else XG  # (4, 2, 12): axis 1 has length 2
    if name == "maxout" and axis == 1:
        params["k"] = 2
    out = fn.output_shape(x.shape, **params)
    lay = layers.layer(name, **params)
    assert lay.compute_output_shape((None, *x.shape[1:])) == (None, *out[1:])
    y, grad, w = vector_output_and_gradient(lay, x, out)
    assert y.shape == out
    slack_y, slack_grad = 2e-7, 1e-5 * np.abs(w).max()
    if case == "geglu_tanh":  # Keras' tanh-form GELU cancels in its left tail in float32: the
        # bounds of test_gelu_tanh_layer, times |a| (and |w|) here
        eps = np.finfo(np.float32).eps
        a, b = (np.abs(h.astype(np.float64)) for h in np.split(x, 2, axis=axis))
        du = np.sqrt(2 / np.pi) * (1 + 3 * 0.044715 * b**2)
        slack_y = a * b * eps + 2e-7
        slack_grad = np.concatenate([np.abs(w) * b * eps, np.abs(w) * a * (b / 2 * du + 0.5)
                                     * 4 * eps], axis=axis) + slack_grad
    assert np.all(np.abs(y - fn(x, **params)) <= 2e-6 * np.abs(y) + slack_y)
    want = fn.vjp(x, w, **params)
    assert np.all(np.abs(grad - want) <= 2e-5 * np.abs(want) + slack_grad)


def test_keras_glu_agrees_and_gates_the_second_half():
    glu = keras_function(keras.activations, "glu")  # absent in Keras 3.5.0
    np.testing.assert_allclose(keras.ops.convert_to_numpy(glu(XG)), act.glu(XG), rtol=1e-6,
                               atol=1e-7)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(glu(XG.T, axis=0)),
                               act.glu(XG.T, axis=0), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(keras_function(keras.ops, "glu")(XG)),
                               act.glu(XG), rtol=1e-6, atol=1e-7)


def test_vector_layers_in_a_model_save_and_load(tmp_path):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(12),
                              layers.layer("swiglu"), layers.layer("maxout", k=3),
                              keras.layers.Dense(2)])
    assert model.layers[1].output.shape == (None, 6) and model.layers[2].output.shape == (None, 2)
    x = np.random.default_rng(0).normal(size=(5, 4)).astype(np.float32)
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-6)
    assert loaded.layers[2].params == {"k": 3}


@pytest.mark.parametrize(("call", "err", "match"), [
    (lambda: layers.layer("glu")(np.ones((2, 5), np.float32)), ValueError,
     "glu: x's axis -1 has length 5"),
    (lambda: layers.layer("maxout", k=2)(np.ones((2, 5), np.float32)), ValueError,
     "maxout: x's axis -1 has length 5"),
    (lambda: layers.layer("maxout", k=0), ValueError, "maxout: k must be >= 1"),
    (lambda: layers.layer("maxout", k=2.5), TypeError, "maxout: k must be an int"),
    (lambda: layers.layer("geglu", approximate="yes"), TypeError, "geglu: approximate must be"),
    (lambda: layers.layer("swiglu", alpha=1.0), TypeError, "swiglu: got an unexpected keyword"),
])
def test_vector_layer_bad_parameters(call, err, match):
    with pytest.raises(err, match=match):
        call()
