"""`make test` runs pytest-xdist workers (conftest.py): each file goes whole to one worker, the
slowest first, and nbval's strict or lax mode is decided and reported as without xdist."""

import os
import re
import subprocess
import sys

import nbformat
import pytest

import conftest
from tests.nbval_mode import ROOT

pytest.importorskip("xdist", reason="pytest-xdist (in requirements.txt) runs make test's workers")


def test_the_slow_files_go_first_and_the_rest_keep_their_order():
    ids = ["tests/test_data.py::test_a", "notebooks/01_x.ipynb::Cell 0",
           "tests/test_assignments.py::test_b", "tests/test_browser.py::test_c[00]",
           "notebooks/00_y.ipynb::Cell 0", "tests/test_data.py::test_d"]
    ordered = sorted(ids, key=conftest.file_rank)
    assert ordered == ["tests/test_browser.py::test_c[00]", "tests/test_assignments.py::test_b",
                       "notebooks/01_x.ipynb::Cell 0", "notebooks/00_y.ipynb::Cell 0",
                       "tests/test_data.py::test_a", "tests/test_data.py::test_d"]


def _notebook(path, cells):
    """A notebook whose code cells print; ``cells``: (source, committed stdout)."""
    nb = nbformat.v4.new_notebook()
    for i, (src, out) in enumerate(cells, start=1):
        cell = nbformat.v4.new_code_cell(src, execution_count=i)
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=out)] if out else []
        nb.cells.append(cell)
    nbformat.write(nb, path)


def test_nbval_under_xdist_keeps_each_notebook_on_one_worker_and_applies_its_mode():
    # inside the repository: its conftest.py and pytest settings apply
    folder = ROOT / "test-output" / "xdist"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.ipynb"):
        old.unlink()
    # each later cell needs the earlier ones' state: split across workers, it would fail; the
    # second cell's committed output is stale, which only strict mode (forced here) notices
    for name in ("a", "b"):
        _notebook(folder / f"{name}.ipynb",
                  [(f"x = '{name}'", None), ("print(x, 2)", f"{name} 1\n"), ("assert x", None)])
    run = subprocess.run(
        [sys.executable, "-m", "pytest", str(folder), "-p", "no:cacheprovider", "-n", "2", "-v"],
        capture_output=True, text=True, cwd=ROOT, timeout=600,
        env={**os.environ, "ACTLIB_NBVAL": "strict"})
    assert "outputs compared strictly" in run.stdout, run.stdout[-3000:]  # the header
    assert "2 failed, 4 passed" in run.stdout, run.stdout[-3000:]  # the stale outputs only
    workers = {}  # notebook -> the workers that ran its cells ("[gw1] [ 16%] PASSED .../a...")
    for worker, notebook in re.findall(r"^\[(gw\d+)\] .*(?:PASSED|FAILED) \S*/(\w+)\W+ipynb::",
                                       run.stdout, re.MULTILINE):
        workers.setdefault(notebook, set()).add(worker)
    assert set(workers) == {"a", "b"} and all(len(w) == 1 for w in workers.values()), workers
