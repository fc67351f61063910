"""actlib.recurrent: forward passes against hand recursions, backpropagation through time against
finite differences and against TensorFlow's autodiff on Keras' own cells."""

import numpy as np
import pytest

from actlib import recurrent


def _finite_difference(cell, init, X, g, h=1e-6):
    def loss(Z):
        return float(recurrent.forward(cell, init, Z)["h"][-1][0] @ g)

    grad = np.zeros_like(X)
    for idx in np.ndindex(X.shape):
        e = np.zeros_like(X)
        e[idx] = h
        grad[idx] = (loss(X + e) - loss(X - e)) / (2 * h)
    return np.linalg.norm(grad[0], axis=1)


@pytest.mark.parametrize("cell", recurrent.CELLS)
def test_sensitivity_matches_finite_differences(cell):
    init = recurrent.keras_init(cell, 3, 4, seed=1)
    X = np.random.default_rng(2).normal(size=(1, 6, 3))
    g = np.random.default_rng(0).normal(size=(1, 4))
    g = (g / np.linalg.norm(g))[0]
    want = _finite_difference(cell, init, X, g)
    got = recurrent.input_sensitivity(cell, init, X, seed=0)
    assert np.allclose(got, want, rtol=1e-6, atol=1e-10)


def test_init_matches_keras_conventions():
    init = recurrent.keras_init("lstm", 8, 16, seed=0, forget_bias=2.5)
    assert init["U"].shape == (8, 64) and init["W"].shape == (16, 64)
    assert np.allclose(init["W"] @ init["W"].T, np.eye(16))  # orthogonal rows
    assert np.all(init["b"][16:32] == 2.5)
    assert np.all(init["b"][:16] == 0) and np.all(init["b"][32:] == 0)
    rnn = recurrent.keras_init("tanh_rnn", 8, 16, seed=0)
    assert np.allclose(rnn["W"] @ rnn["W"].T, np.eye(16))
    assert np.abs(rnn["U"]).max() <= np.sqrt(6 / 24)


def test_lstm_forward_matches_keras_cell():
    keras = pytest.importorskip("keras")
    init = recurrent.keras_init("lstm", 3, 5, seed=3, forget_bias=1.0)
    X = np.random.default_rng(4).normal(size=(2, 7, 3)).astype(np.float32)
    lstm = keras.layers.LSTM(5)
    lstm.build((None, 7, 3))
    lstm.set_weights([init["U"], init["W"], init["b"]])
    want = keras.ops.convert_to_numpy(lstm(X))
    got = recurrent.forward("lstm", init, X)["h"][-1]
    assert np.allclose(got, want, atol=1e-5)
    rinit = recurrent.keras_init("tanh_rnn", 3, 5, seed=3)
    rnn = keras.layers.SimpleRNN(5)
    rnn.build((None, 7, 3))
    rnn.set_weights([rinit["U"], rinit["W"], rinit["b"]])
    assert np.allclose(recurrent.forward("tanh_rnn", rinit, X)["h"][-1],
                       keras.ops.convert_to_numpy(rnn(X)), atol=1e-5)


def test_open_forget_gate_keeps_the_gradient():
    X = np.random.default_rng(0).normal(size=(16, 60, 8))
    rnn = recurrent.input_sensitivity("tanh_rnn", recurrent.keras_init("tanh_rnn", 8, 32), X)
    open_gate = recurrent.keras_init("lstm", 8, 32, forget_bias=5)
    lstm = recurrent.input_sensitivity("lstm", open_gate, X)
    assert rnn[0] / rnn[-1] < 1e-4 and lstm[0] / lstm[-1] > 0.1


def test_errors():
    with pytest.raises(ValueError, match="keras_init: cell"):
        recurrent.keras_init("gru", 3, 4)
    with pytest.raises(ValueError, match="forward: X"):
        recurrent.forward("lstm", recurrent.keras_init("lstm", 3, 4), np.zeros((3, 4)))
