"""The notebooks as files: numbered, linked in order, listed in the README, committed executed and
clean, with the structure every lesson follows. (nbval re-runs them; this checks the rest.)"""

import json
import re
from pathlib import Path

import pytest

import actlib as act

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
README = (ROOT / "README.md").read_text()


def load(path):
    return json.loads(path.read_text())


def source(cell):
    return "".join(cell["source"])


def test_numbered_from_00_without_gaps():
    assert [p.name[:2] for p in NOTEBOOKS] == [f"{i:02d}" for i in range(len(NOTEBOOKS))]
    assert len(NOTEBOOKS) >= 5


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_links_to_the_next_notebook(path):
    text = " ".join(source(c) for c in load(path)["cells"] if c["cell_type"] == "markdown")
    index = NOTEBOOKS.index(path)
    if index + 1 < len(NOTEBOOKS):
        nxt = NOTEBOOKS[index + 1].name
        assert f"]({nxt})" in text, f"{path.name} does not link to {nxt}"
    links = re.findall(r"\]\((\d\d_[a-z_]+\.ipynb)\)", text)
    assert links, f"{path.name} links to no next notebook"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_readme_table_lists_it(path):
    assert f"notebooks/{path.name}" in README


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_lesson_structure(path):
    cells = load(path)["cells"]
    first = source(cells[0])
    assert cells[0]["cell_type"] == "markdown" and first.startswith(f"# {path.name[:2]} · ")
    assert "What you will learn" in first and 3 <= first.count("\n- ") <= 5
    headings = [source(c) for c in cells if c["cell_type"] == "markdown"]
    assert any(h.startswith("## Exercises") for h in headings)
    assert any(h.startswith("## Summary") for h in headings)
    stubs = [i for i, c in enumerate(cells)
             if c["cell_type"] == "code" and "raise NotImplementedError" in source(c)]
    assert len(stubs) >= 3
    for i in stubs:  # each stub is followed by its self-check
        assert "act.check." in source(cells[i + 1]), f"cell {i + 1} should check cell {i}"
        assert "⏳" in "".join("".join(o.get("text", "")) for o in cells[i + 1]["outputs"])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_executed_and_clean(path):
    nb = load(path)
    assert "widgets" not in nb["metadata"], "stored widget state"
    assert path.stat().st_size < 1_500_000
    code = [c for c in nb["cells"] if c["cell_type"] == "code" and source(c).strip()]
    counts = [c["execution_count"] for c in code]
    assert counts == list(range(1, len(code) + 1)), "run top to bottom in a fresh kernel"
    for c in code:
        for out in c["outputs"]:
            assert out["output_type"] != "error", source(c)[:80]
            assert out.get("name") != "stderr", "".join(out.get("text", ""))[:200]
            text = "".join(out.get("text", "")) + str(out.get("data", {}).get("text/plain", ""))
            assert "Warning" not in text and "Traceback" not in text, text[:200]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_ignored_outputs_are_timings_or_widgets(path):
    for c in load(path)["cells"]:
        src = source(c)
        if src.startswith("# NBVAL_IGNORE_OUTPUT"):
            assert "widgets." in src or "time" in src.lower(), src[:120]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_activation_defined_outside_exercises(path):
    cells = load(path)["cells"]
    exercises = next(i for i, c in enumerate(cells)
                     if c["cell_type"] == "markdown" and source(c).startswith("## Exercises"))
    names = "|".join(act.NAMES + ("swish",))
    pattern = re.compile(rf"^\s*def ({names})\b|^\s*({names})\s*=\s*lambda", re.MULTILINE)
    for c in cells[:exercises]:
        if c["cell_type"] == "code":
            assert not pattern.search(source(c)), source(c)[:120]


def _asserts(src):
    import ast

    try:
        return [n for n in ast.walk(ast.parse(src)) if isinstance(n, ast.Assert)]
    except SyntaxError:  # an exercise stub may be half-written code
        return []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_asserts_live_in_collapsed_check_cells(path):
    """Every claim keeps its assert, out of the student's way: in a check cell right after the
    cell it checks, collapsed in JupyterLab (jupyter.source_hidden) and Colab (cellView: form),
    silent unless a claim fails (scripts/hide_checks.py makes them)."""
    from scripts.hide_checks import CHECK_HEADER, CHECK_METADATA, is_check

    cells = load(path)["cells"]
    checks = [i for i, c in enumerate(cells) if is_check(c)]
    assert checks, f"{path.name} checks no claim"
    for i, c in enumerate(cells):
        src = source(c)
        if c["cell_type"] != "code":
            continue
        if i in checks:
            assert c["metadata"]["jupyter"] == CHECK_METADATA["jupyter"]
            assert c["metadata"]["cellView"] == "form" and src.startswith(CHECK_HEADER)
            assert _asserts(src), f"cell {i} is a check cell without an assert"
            assert not c["outputs"], f"check cell {i} printed something"
            assert cells[i - 1]["cell_type"] == "code", f"check cell {i} follows no code cell"
        else:
            assert not _asserts(src), f"{path.name} cell {i} asserts in view: {src[:80]}"


def _exercise_cells(path):
    cells = load(path)["cells"]
    start = next(i for i, c in enumerate(cells)
                 if c["cell_type"] == "markdown" and source(c).startswith("## Exercises"))
    end = next(i for i, c in enumerate(cells)
               if c["cell_type"] == "markdown" and source(c).startswith("## Summary"))
    return cells[start:end]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_an_exercise_designs_or_interprets_an_experiment(path):
    """Not only formulas to retype: each lesson asks for at least one experiment to design or a
    result to interpret (heading '**Exercise N (design): ...**' or '(interpret)'), and checks
    what can be checked with an act.check function."""
    text = "\n".join(source(c) for c in _exercise_cells(path) if c["cell_type"] == "markdown")
    assert re.search(r"\*\*Exercise \d+ \((design|interpret)\)", text), path.name


SUMMARY = re.compile(r"<summary>(.*?)</summary>")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_hints_are_tiered(path):
    """Hints open one at a time (<details>): 'Hint 1' is a nudge, then 'Hint 2', ..., and the
    answer, if given at all, only in the last one ('Answer')."""
    tiered = 0
    for c in _exercise_cells(path):
        if c["cell_type"] != "markdown":
            continue
        for block in re.split(r"\*\*Exercise \d+", source(c)):
            summaries = SUMMARY.findall(block)
            if not summaries:
                continue
            hints = [s for s in summaries if s != "Answer"]
            assert hints == [f"Hint {k}" for k in range(1, len(hints) + 1)], summaries
            assert "Answer" not in summaries[:-1], summaries
            tiered += len(hints) >= 2
    assert tiered >= 1, f"{path.name}: no exercise with at least two tiers of hints"
