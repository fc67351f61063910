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
                                 "test_loss": 1.0, "seconds": 1.0 + i,
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


def test_markdown_table_and_heatmap():
    doc = {"rows": _rows()}
    table = study.markdown_table(doc)
    lines = table.splitlines()
    assert len(lines) == 4 and "wave (MAE)" in lines[0] and "two_spirals (acc)" in lines[0]
    assert lines[2].startswith("| relu | 0.510 ± 0.009")
    import matplotlib

    matplotlib.use("Agg")
    axes = study.heatmap(doc)
    assert len(axes) == 2 and axes[1].get_title() == "wave: test MAE"


def test_save_and_load(tmp_path):
    doc = {"meta": {"command": "x"}, "rows": _rows()}
    path = study.save(doc, tmp_path / "r.json")
    assert study.load(path) == json.loads(json.dumps(doc))
    csv = path.with_suffix(".csv").read_text().splitlines()
    assert len(csv) == len(doc["rows"]) + 1 and csv[0].startswith("task,depth,seed")


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
    assert set(doc["cost_ms"]) == {"relu", "tanh"}
