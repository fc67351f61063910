"""scripts/claims.py: the comparisons it finds in an assert, the margins it computes, and one
run of a tiny notebook under two seeds (the report's margins, a failing seed, the verdict)."""

from __future__ import annotations

import ast
import json
import math
import os
import sys
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import claims  # noqa: E402


def found(src: str) -> list[tuple[str, str]]:
    return [(c.text, c.op) for c in claims.comparisons(src)[0]]


def test_a_chain_and_an_and_give_one_comparison_per_pair():
    assert found("assert 4.6e-4 < abs(d[i]) < 4.8e-4 and acc > 0.9\n") == [
        ("4.6e-4 < abs(d[i])", "<"), ("abs(d[i]) < 4.8e-4", "<"), ("acc > 0.9", ">")]


def test_forms_without_a_margin_are_named_with_the_reason():
    comps = claims.comparisons("assert a is b\nassert x in s\nassert f(x)\n"
                               "assert (y := 3) < 4\nassert a != b\nassert a == 1\n")[0]
    assert [(c.op, c.reason) for c in comps] == [
        ("", "no margin for `is`"), ("", "no margin for `in`"), ("", "not a comparison"),
        ("", "assigns (:=)"), ("", "no margin for `!=`"), ("==", "")]


def test_elementwise_all_and_asserts_in_loops():
    comps = claims.comparisons(
        "for k in ks:\n    assert lo <= d[k], k\n"
        "assert all(abs(g - 1) < 1e-6 for g in gs)\nassert np.all(a >= b)\n"
        "assert all(f(x) for x in xs)\n")[0]
    assert [(c.text, c.op, c.in_loop) for c in comps] == [
        ("lo <= d[k]", "<=", True), ("all(abs(g - 1) < 1e-6 for g in gs)", "<", False),
        ("np.all(a >= b)", ">=", False), ("all(f(x) for x in xs)", "", False)]


def test_cells_without_asserts_or_unparsable_give_nothing():
    assert claims.comparisons("x = 1\nprint(x)\n") == ([], "")
    assert claims.comparisons("assert x <\n") == ([], "")


def test_the_probe_guards_every_call_and_keeps_the_loop():
    _, program = claims.comparisons("for k in d.keys():\n    assert 0 < np.mean(d[k]) < 1\n"
                                    "x = f()\n")
    tree = ast.parse(program)  # a valid program: a try around the loop, two measures in it
    loop = tree.body[0].body[0]
    assert isinstance(loop, ast.For) and len(loop.body) == 2
    assert ast.unparse(loop.iter) == "__claims_guard(d.keys)()"
    assert "__claims_guard(np.mean)(d[k])" in program
    assert "f()" not in program  # only the asserts are run again


@pytest.mark.parametrize(("op", "left", "right", "expected"), [
    ("<", 0.9, 1.0, (0.1, 0.1)),
    ("<", 1e-13, 1e-12, (9e-13, 0.9)),
    (">", 0.96, 0.95, (0.01, 0.01 / 0.96)),
    (">=", 0.5, 0.5, (0.0, 0.0)),
    ("<=", 2.0, 1.0, (-1.0, -0.5)),  # fails: negative
    ("==", 3.0, 3.0, (0.0, 0.0)),
    ("==", 3.0, 4.0, (-1.0, -0.25)),
])
def test_margin_arithmetic(op, left, right, expected):
    m, rel = claims.margin(op, left, right)
    assert m == pytest.approx(expected[0], abs=1e-15)
    assert rel == pytest.approx(expected[1], rel=1e-12)


def test_sds_measures_the_threshold_in_seed_to_seed_spreads():
    row = claims.Row("00", 1, claims.Comparison(0, "a < b", "<"), margins=[1.0, 2.0, 3.0])
    assert row.sds == pytest.approx(2.0)  # mean 2, sd 1
    row.margins = [0.5, 0.5, 0.5]
    assert row.sds == math.inf  # the same under every seed
    row.margins = [0.5]
    assert math.isnan(row.sds)
    row.worst, row.margins = (0, 0.99, 1.0, 0.01, 0.01), [0.01, 0.5]
    assert row.flag == "thin (< 5%), within 3 sd"


def test_margins_of_zero_and_nan():
    assert claims.margin("<", 0.0, 0.0) == (0.0, 0.0)
    assert all(math.isnan(x) for x in claims.margin("<", math.nan, 1.0))
    assert not claims.holds("<", math.nan, 1.0) and not claims.holds("<", 1.0, 1.0)
    assert claims.holds("<=", 1.0, 1.0)


def test_seeds_come_from_the_flag_then_the_environment(monkeypatch):
    assert claims.seeds_arg("0-3,7") == [0, 1, 2, 3, 7]
    captured = {}
    monkeypatch.setattr(claims, "check", lambda path, seeds, timeout, after_seed:
                        captured.setdefault("seeds", seeds) and [])
    monkeypatch.setenv("SEEDS", "3-5")
    claims.main(["--report", "/dev/null", "x.ipynb"])
    assert captured.pop("seeds") == [3, 4, 5]
    claims.main(["--report", "/dev/null", "--seeds", "1,2", "x.ipynb"])
    assert captured["seeds"] == [1, 2]


CELLS = [
    # the seed decides: 0.5 + 0.1 * seed; under seed 1 the claim "< 0.55" fails
    "import os\nimport numpy as np\nimport random\n"
    "seed = int(os.environ['ACTLIB_SEED'])\nvalue = 0.5 + 0.1 * seed\n"
    "values = {'a': 1.0 + seed, 'b': 1.5}\nnp.random.seed(0)\nbefore = np.random.rand()\n"
    "calls = []\ndef train():\n    calls.append(1)\n    return 0.0\n"
    "assert all(v < 3.5 for v in values.values()) and len(values) == 2\n"
    "for k in values:\n    assert values[k] >= 0.5, k\n"
    "assert train() < 1\n"
    "assert 0.4 < value < 0.55",
    # the probe changed nothing: the random stream, the counter of train() calls, no new names
    "np.random.seed(0)\nassert np.random.rand() == before\nassert len(calls) == 1\n"
    "assert not [n for n in globals() if n.startswith('__claims')]\n"
    "assert 'k' in globals() and k == 'b'\n"
    "assert np.zeros((2, 3)).shape == (2, 3)",
]


def test_end_to_end_two_seeds(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in CELLS]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    path = tmp_path / "99_tiny.ipynb"
    nbformat.write(nb, path)
    report = tmp_path / "claims.md"
    before = os.environ.get("ACTLIB_SEED")
    code = claims.main(["--seeds", "0,1", "--report", str(report), str(path)])
    assert os.environ.get("ACTLIB_SEED") == before  # the kernels' seed does not leak into ours
    text = report.read_text()
    assert code == 1  # seed 1 fails a claim
    assert "in progress" not in text  # rewritten after each seed, final at the end
    lines = {line.split("|")[3].strip(): line for line in text.splitlines()
             if line.startswith("| 99 |") and "`" in line.split("|")[3]}
    # the cells' table: the first cell's check fails under seed 1 only; the second holds
    cell_rows = [line for line in text.splitlines() if line.startswith("| 99 |")
                 and "failed under" not in line and line.count("|") == 6]
    assert any("1/2" in r and "seed 1: AssertionError" in r for r in cell_rows)
    assert any("`np.random.seed(0)`" not in r and "2/2" in r for r in cell_rows)
    # margins: value < 0.55 is 0.5 (seed 0) and 0.6 (seed 1): fails, worst seed 1, -0.05
    row = lines["`value < 0.55`"].split("|")
    assert row[4].strip() == "1/2" and row[5].strip() == "1"
    assert row[6].strip() == "0.6, 0.55" and row[7].strip() == "-0.05"
    assert row[8].strip().startswith("-8.3%") and "FAILS" in row[10]
    # 0.4 < value: worst at seed 0 (0.1 of room, 20 %)
    row = lines["`0.4 < value`"].split("|")
    assert row[4].strip() == "2/2" and row[5].strip() == "0" and row[7].strip() == "0.1"
    assert row[8].strip() == "20.0% … 33.3%"
    assert row[9].strip() == "2.1" and row[10].strip() == "within 3 sd"  # 0.15 / 0.0707
    # the worst element of all(...): values["a"] = 2.0 under seed 1 against 3.5
    row = lines["`all(v < 3.5 for v in values.values())`"].split("|")
    assert row[5].strip() == "1" and row[6].strip() == "2, 3.5" and row[7].strip() == "1.5"
    # the loop's worst pass: values["a"] = 1.0 at seed 0 (b = 2.0 every time)
    row = lines["`values[k] >= 0.5` (in a loop: its worst pass)"].split("|")
    assert row[5].strip() == "0" and row[6].strip() == "1, 0.5" and row[8].strip().startswith(
        "50.0%")
    assert "exact" in lines["`len(values) == 2`"]
    assert "not numbers | exact" in lines["`np.zeros((2, 3)).shape == (2, 3)`"]
    # a call that might change state is not made again: no margin, and the cell says why
    assert "train() might change the kernel's state" in lines["`train() < 1`"]
    # sorted: the failing comparison first
    order = [line for line in text.split("## Margins")[1].splitlines()
             if line.startswith("| 99 |")]
    assert "`value < 0.55`" in order[0]
    raw = json.loads(report.with_suffix(".json").read_text())  # what each seed measured
    assert raw[0]["measured"]["1"]["0"]["left"] == 2.0  # seed 1, values["a"] in all(...)
    # --merge: seeds 0 and 1 run separately, then pooled, give the same tables as one run
    parts = []
    for seed in ("0", "1"):
        part = tmp_path / f"seed{seed}" / "claims.md"
        claims.main(["--seeds", seed, "--report", str(part), str(path)])
        parts.append(str(part.with_suffix(".json")))
    merged = tmp_path / "merged" / "claims.md"
    assert claims.main(["--merge", *parts, "--report", str(merged)]) == 1
    assert merged.read_text() == text


def test_merge_refuses_runs_of_different_notebook_versions(tmp_path):
    def run_file(name, claim):
        cell = {"notebook": "99_tiny.ipynb", "cell": 3, "claim": claim, "held": [0],
                "failed": {}, "comparisons": [], "measured": {}}
        (tmp_path / name).write_text(json.dumps([cell]))
        return tmp_path / name

    with pytest.raises(ValueError, match="claims.py --merge: 99_tiny.ipynb cell 3 differs"):
        claims.merge([run_file("a.json", "assert x < 1"), run_file("b.json", "assert x < 2")])


def test_a_kernel_that_dies_while_starting_gets_one_more_try(monkeypatch, tmp_path):
    calls = []

    def flaky(path, timeout):
        calls.append(path)
        if len(calls) == 1:
            raise RuntimeError("Kernel died before replying to kernel_info")
        return "nb", 1.0, {}

    monkeypatch.setattr(claims, "execute", flaky)
    assert claims._execute_with_seed(tmp_path / "x.ipynb", 3, 10) == ("nb", 1.0, {})
    assert len(calls) == 2

    def broken(path, timeout):  # any other error is not a start-up failure: it propagates
        raise RuntimeError("something else")

    monkeypatch.setattr(claims, "execute", broken)
    with pytest.raises(RuntimeError, match="something else"):
        claims._execute_with_seed(tmp_path / "x.ipynb", 3, 10)
