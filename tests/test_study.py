"""actlib.study: the bookkeeping of notebook 07's study (summaries, table, heatmap, file format).
The training itself is tested in test_training.py; here one tiny real run checks the rows."""

import json
import math

import numpy as np
import pytest

from actlib import study


def _rows():
    rows = []
    for task in ("two_spirals", "wave"):
        for depth in (2, 4):
            for seed in (0, 1, 2):
                for i, a in enumerate(("relu", "sigmoid")):
                    rows.append({"task": task, "depth": depth, "seed": seed, "activation": a,
                                 "metric_name": "x", "metric": 0.5 + 0.1 * i + 0.01 * seed,
                                 "test_loss": 1.0,
                                 "grad_ratio_init": -depth * i, "grad_ratio_final": 0.0,
                                 "dead_units": 0, "dead_fraction": 0.1 * (1 - i)})
    return rows


def test_activations_exclude_softmax():
    assert "softmax" not in study.ACTIVATIONS and len(study.ACTIVATIONS) == 13
    assert "linear" in study.ACTIVATIONS


def test_grad_ratio():
    assert study.grad_ratio([1e-3, 1e-1, 1.0]) == pytest.approx(-3)
    assert study.grad_ratio([2.0, 2.0]) == 0


def test_summary_mean_std_sem():
    s = study.summary(_rows())
    cell = s[("two_spirals", "sigmoid")]
    vals = np.array([0.60, 0.61, 0.62] * 2)
    assert cell["n"] == 6 and cell["mean"] == pytest.approx(vals.mean())
    assert cell["std"] == pytest.approx(vals.std(ddof=1))
    assert cell["sem"] == pytest.approx(vals.std(ddof=1) / math.sqrt(6))
    by_depth = study.summary(_rows(), by=("activation", "depth"), value="grad_ratio_init")
    assert by_depth[("sigmoid", 4)]["mean"] == -4


def test_seed_summary_spreads_over_seeds_only():
    rows = _rows()
    for r in rows:  # depth changes the score a lot, seeds a little: depth is no noise
        r["metric"] += 0.2 * (r["depth"] == 4)
    cell = study.seed_summary(rows)[("two_spirals", "relu")]
    per_seed = np.array([0.60, 0.61, 0.62])  # (0.5 + 0.01 s) and (0.7 + 0.01 s), averaged
    assert cell["n"] == 3 and cell["mean"] == pytest.approx(per_seed.mean())
    assert cell["std"] == pytest.approx(per_seed.std(ddof=1))
    assert cell["sem"] == pytest.approx(0.01 / math.sqrt(3))
    mixed = study.summary(rows)[("two_spirals", "relu")]
    assert mixed["n"] == 6 and mixed["std"] > 10 * cell["std"]  # what mixing depths would say


def test_t_quantile_and_tie_margin():
    assert study.t_quantile(3) == pytest.approx(4.3027, abs=1e-4)
    assert study.t_quantile(5) == pytest.approx(2.7764, abs=1e-4)
    assert study.t_quantile(10_000) == pytest.approx(1.96, abs=1e-3)
    assert study.tie_margin(0.03, 0.04, 3) == pytest.approx(4.3027 * 0.05, abs=1e-4)
    with pytest.raises(ValueError, match="t_quantile: n must be an int >= 2"):
        study.t_quantile(1)
    cells = {"a": {"mean": 0.90, "sem": 0.01, "n": 3}, "b": {"mean": 0.80, "sem": 0.03, "n": 3},
             "c": {"mean": 0.70, "sem": 0.02, "n": 3}}
    assert study.ties_with_best(cells) == ["a", "b"]  # 0.10 <= 4.30 x 0.0316 = 0.136
    cells = {k: v | {"n": 5} for k, v in cells.items()}
    assert study.ties_with_best(cells) == ["a"]  # 0.10 > 2.78 x 0.0316 = 0.088
    errors = {"x": {"mean": 0.06, "sem": 0.001, "n": 5}, "y": {"mean": 0.30, "sem": 0.01, "n": 5}}
    assert study.ties_with_best(errors, higher_is_better=False) == ["x"]


def test_fair_initializers_follow_the_gain():
    from actlib import models, variance

    assert study.INIT["relu"] == "he_normal" and study.INIT["selu"] == "lecun_normal"
    assert study.INIT["tanh"] == "lecun_normal" and study.INIT["default"] == models.GAIN_NORMAL
    assert study.numpy_initializer("gelu", "gain_normal") == ("lecun_normal",
                                                              pytest.approx(variance.gain("gelu")))
    assert study.numpy_initializer("relu", "he_normal") == ("he_normal", 1.0)
    for name, params in (("gelu", {}), ("leaky_relu", {"alpha": 0.2}), ("selu", {})):
        net = models.build_mlp(name, depth=2, width=400, n_inputs=400, init=study.INIT, seed=1,
                               **params)
        kernel = np.asarray(net.get_layer("dense_2").kernel)
        want = variance.gain(name, **params) ** 2 / 400  # Var(w) = gain^2 / fan_in
        assert kernel.var() == pytest.approx(want, rel=0.02)
    rrelu = models.build_mlp("rrelu", depth=1, width=8, init="gain_normal", seed=2)  # a seed param
    assert rrelu.get_layer("dense_1").kernel.shape == (2, 8)


def test_markdown_table_and_heatmap():
    doc = {"rows": _rows()}
    table = study.markdown_table(doc)
    lines = table.splitlines()
    assert len(lines) == 4 and "wave (MAE)" in lines[0] and "two_spirals (acc)" in lines[0]
    assert "seconds" not in lines[0] and lines[0].endswith("| r at init | dead fraction |")
    assert lines[2].startswith("| relu | 0.510 ± 0.010")  # the spread over the 3 seeds only
    assert lines[3].endswith("| -3.00 | 0.000 |")
    import matplotlib

    matplotlib.use("Agg")
    axes = study.heatmap(doc)
    assert len(axes) == 2 and axes[1].get_title() == "wave: test MAE"
    fig = axes[0].figure
    bars = [ax for ax in fig.axes if ax not in axes]
    assert len(bars) == 2 and bars[1].get_ylabel() == "test MAE (lower is better)"
    assert axes[0].get_title() == "two_spirals: test accuracy"
    texts = [t.get_text() for t in axes[0].texts]
    assert len(texts) == 4 and "0.51" in texts and all(t.get_fontsize() >= 8 for t in axes[0].texts)
    ratio_axes = study.heatmap(doc, value="grad_ratio_init")
    norm = ratio_axes[0].images[0].norm
    assert norm.vcenter == 0 and norm.vmin == -norm.vmax == -4  # one scale for both panels
    assert ratio_axes[1].images[0].norm is norm
    assert "-4.0" in [t.get_text() for t in ratio_axes[0].texts]
    matplotlib.pyplot.close("all")


def test_save_and_load(tmp_path):
    doc = {"meta": {"command": "x"}, "rows": _rows()}
    path = study.save(doc, tmp_path / "r.json")
    assert study.load(path) == json.loads(json.dumps(doc))
    csv = path.with_suffix(".csv").read_text().splitlines()
    assert len(csv) == len(doc["rows"]) + 1 and csv[0].startswith("task,depth,seed")


def test_shipped_results_have_no_seconds_and_a_keras_cost():
    doc = study.load(study.FULL_RESULTS)
    assert len(doc["rows"]) == 585 and all("seconds" not in r for r in doc["rows"])
    assert doc["meta"]["settings"]["init"] == study.INIT  # the fair set-up
    assert doc["meta"]["settings"]["seeds"] == list(study.FULL["seeds"])
    default = study.load(study.DEFAULT_RESULTS)
    assert default["meta"]["settings"]["init"] == study.DEFAULT_INIT
    assert [(r["task"], r["depth"], r["seed"], r["activation"]) for r in default["rows"]] == [
        (r["task"], r["depth"], r["seed"], r["activation"]) for r in doc["rows"]]
    assert "cost" not in default and set(default["normalisation"]) == set(study.ACTIVATIONS)
    assert "cost_ms" not in doc
    header = (study.FULL_RESULTS.parent / "study_full.csv").read_text().splitlines()[0]
    assert "seconds" not in header.split(",")
    cost = doc["cost"]
    for size in study.COST_SIZES:
        assert cost[size]["ratio"]["relu"] == 1 and set(cost[size]["ratio"]) == set(
            study.ACTIVATIONS)
        assert all(cost[size]["low"][a] <= cost[size]["ratio"][a] <= cost[size]["high"][a]
                   for a in study.ACTIVATIONS)
    assert "| gelu |" in study.cost_table(cost)


def test_normalisation_selu_keeps_unit_std():
    norm = study.normalisation(("selu", "sigmoid"), depth=20, width=64)
    assert 0.8 < norm["selu"]["std_layer_20"] < 1.25 and norm["selu"]["init"] == "lecun_normal"
    assert norm["sigmoid"]["std_layer_20"] < 0.5


def test_tiny_run_rows(capsys):
    doc = study.run(tasks=("wave",), depths=(2,), seeds=(0,), n=100, epochs=1, width=4,
                    activations=("relu", "tanh"), times=False)
    out = capsys.readouterr().out
    assert "1/1 wave depth 2 seed 0" in out and "elapsed" not in out
    assert [r["activation"] for r in doc["rows"]] == ["relu", "tanh"]
    assert doc["rows"][0]["metric_name"] == "test_mae"
    meta = doc["meta"]
    assert {"command", "date", "versions", "machine", "settings", "wall_seconds"} <= set(meta)
    assert set(meta["versions"]) >= {"actlib", "keras", "tensorflow", "numpy"}
    assert set(doc) == {"meta", "rows"}  # normalisation and cost: the full study's (main)
    assert "seconds" not in doc["rows"][0]


def test_activation_cost_is_relative_to_relu():
    cost = study.activation_cost(("relu", "tanh", "prelu"), sizes={"tiny": (8, 4),
                                                                   "tiny+dense": (8, 4)},
                                 rounds=3, calls=2)
    for size in ("tiny", "tiny+dense"):
        part = cost[size]
        assert (part["batch"], part["width"]) == (8, 4) and part["relu_ms"] > 0
        assert part["ratio"]["relu"] == part["low"]["relu"] == part["high"]["relu"] == 1
        assert all(part["low"][a] <= part["ratio"][a] <= part["high"][a] for a in part["ratio"])
    assert len(cost["load"]) == 2 and "date" in cost
    assert "| tanh |" in study.cost_table(cost)
    with pytest.raises(ValueError, match="activation_cost: activations must include 'relu'"):
        study.activation_cost(("tanh",), sizes={"tiny": (8, 4)}, rounds=1, calls=1)


_PAIR = {"relu, LeCun": ("relu", "lecun_normal"), "relu, He": ("relu", "he_normal")}


def test_side_by_side_records_test_accuracy_per_epoch():
    run = study.side_by_side(_PAIR | {"sigmoid": ("sigmoid", "glorot_uniform")}, "circles",
                             depth=2, width=8, epochs=3, n=200, seed=1)
    assert list(run.test_accuracy) == ["relu, LeCun", "relu, He", "sigmoid"]
    assert run.steps_per_epoch == 3  # 150 training points in batches of 64
    for acc in run.test_accuracy.values():
        assert acc.shape == (3,) and np.all((acc >= 0) & (acc <= 1))
        assert np.allclose(acc * 50, np.round(acc * 50))  # a fraction of the 50 test points
    again = study.side_by_side(_PAIR | {"sigmoid": ("sigmoid", "glorot_uniform")}, "circles",
                               depth=2, width=8, epochs=3, n=200, seed=1)
    for label, acc in run.test_accuracy.items():
        np.testing.assert_array_equal(acc, again.test_accuracy[label])


def test_side_by_side_validation_split_and_best_epoch():
    run = study.side_by_side(_PAIR, "circles", depth=2, width=8, epochs=4, n=200, seed=1,
                             validation=0.2)
    assert run.steps_per_epoch == 2  # 150 training points, 30 held out: 120 in batches of 64
    for label in _PAIR:
        val, test = run.validation_accuracy[label], run.test_accuracy[label]
        assert val.shape == test.shape == (4,)
        assert np.allclose(val * 30, np.round(val * 30))  # a fraction of the 30 held out
        assert np.allclose(test * 50, np.round(test * 50))  # the test set is unchanged
        epoch, best_val, at_test = study.best_epoch(run, label)
        assert best_val == val.max() and epoch == int(np.argmax(val)) + 1
        assert at_test == test[epoch - 1]
    plain = study.side_by_side(_PAIR, "circles", depth=2, width=8, epochs=1, n=200, seed=1)
    assert plain.validation_accuracy == {}
    with pytest.raises(ValueError, match="best_epoch: the run has no validation split"):
        study.best_epoch(plain, "relu, He")
    with pytest.raises(ValueError, match="best_epoch: label must be one of"):
        study.best_epoch(run, "tanh")
    with pytest.raises(ValueError, match=r"side_by_side: validation must be a fraction"):
        study.side_by_side(_PAIR, validation=1.0)


def test_side_by_side_trains_each_network_as_alone():
    """A network's curve does not depend on which others train beside it (each gets exactly its
    own gradient and its own Adam state), and the initializer matters."""
    from actlib import data

    split = data.digits(seed=2)
    both = study.side_by_side(_PAIR, split, depth=3, width=16, epochs=3, seed=2)
    alone = study.side_by_side({"relu, He": ("relu", "he_normal")}, split, depth=3, width=16,
                               epochs=3, seed=2)
    assert both.steps_per_epoch == 22  # 1,348 training images in batches of 64
    np.testing.assert_allclose(both.test_accuracy["relu, He"], alone.test_accuracy["relu, He"],
                               atol=3 / 449)  # float rounding may flip a test image or two
    assert not np.array_equal(both.test_accuracy["relu, He"], both.test_accuracy["relu, LeCun"])
    assert both.test_accuracy["relu, He"][-1] > 0.8  # it learns the digits (Keras' fit: 0.91)


def test_side_by_side_checks_its_arguments():
    with pytest.raises(TypeError, match="side_by_side: setups must be a non-empty dict"):
        study.side_by_side({})
    with pytest.raises(TypeError, match=r"side_by_side: setups\['a'\] must be a pair"):
        study.side_by_side({"a": "relu"})
    with pytest.raises(ValueError, match=r"side_by_side: setups\['a'\] 'rlu' is not"):
        study.side_by_side({"a": ("rlu", "he_normal")})
    with pytest.raises(ValueError, match="prelu is not supported here"):
        study.side_by_side({"a": ("prelu", "he_normal")})
    with pytest.raises(ValueError, match="initializer 'he' is not one of .*gain_normal"):
        study.side_by_side({"a": ("relu", "he")})
    with pytest.raises(ValueError, match="side_by_side: depth must be >= 1"):
        study.side_by_side(_PAIR, depth=0)
    with pytest.raises(ValueError, match="side_by_side: learning_rate must be a finite"):
        study.side_by_side(_PAIR, learning_rate=-1.0)
    with pytest.raises(TypeError, match="side_by_side: data must be a data set's name or a split"):
        study.side_by_side(_PAIR, data=42)
    with pytest.raises(ValueError, match="side_by_side: data must be a classification task"):
        study.side_by_side(_PAIR, data="wave")
