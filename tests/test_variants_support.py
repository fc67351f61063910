"""actlib.training.PReLUSlopes / prelu_slopes: the learned PReLU slopes per layer over training
(used by 04_relu_variants.ipynb)."""

import numpy as np
import pytest

training = pytest.importorskip("actlib.training")

SMALL = {"depth": 3, "width": 8, "epochs": 2, "n": 200, "batch_size": 50, "verbose": False}


def test_prelu_slopes_reads_every_prelu_layer_in_order():
    model = training.build_mlp("prelu", depth=3, width=5, alpha=0.25)
    slopes = training.prelu_slopes(model)
    assert len(slopes) == 3
    for s in slopes:
        np.testing.assert_allclose(s, np.full(5, 0.25))
    model.get_layer("act_2").alpha.assign(np.full((5,), 0.5, np.float32))
    np.testing.assert_allclose(training.prelu_slopes(model)[1], 0.5)
    assert training.prelu_slopes(training.build_mlp("relu", depth=2, width=4)) == []


def test_callback_records_initial_and_per_epoch_slopes():
    cb = training.PReLUSlopes()
    result = training.train("prelu", data="xor_blobs", callbacks=[cb], **SMALL)
    assert len(cb.values) == SMALL["epochs"] + 1
    assert cb.mean.shape == cb.std.shape == (SMALL["epochs"] + 1, SMALL["depth"])
    np.testing.assert_allclose(cb.mean[0], 0.25)  # actlib's PReLU starts at He et al.'s 0.25
    np.testing.assert_allclose(cb.std[0], 0.0)
    assert not np.allclose(cb.mean[-1], 0.25)  # the slopes were trained
    final = training.prelu_slopes(result.model)
    for layer, s in enumerate(final):
        np.testing.assert_allclose(cb.values[-1][layer], s)
        assert cb.mean[-1, layer] == pytest.approx(s.mean())
        assert cb.std[-1, layer] == pytest.approx(s.std())


def test_records_are_copies_not_views():
    cb = training.PReLUSlopes()
    training.train("prelu", data="xor_blobs", callbacks=[cb], **SMALL)
    assert not np.array_equal(cb.values[0][0], cb.values[-1][0])


def test_model_without_prelu_gives_empty_rows():
    cb = training.PReLUSlopes()
    training.train("relu", data="xor_blobs", callbacks=[cb], **SMALL)
    assert len(cb.values) == SMALL["epochs"] + 1 and all(v == [] for v in cb.values)
