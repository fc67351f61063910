"""Where nbval compares outputs strictly (tests/nbval_mode.py)."""

import os
import subprocess
import sys

import nbformat
import pytest

from tests.nbval_mode import COMPARED, PINS_FILE, pins, why_not_reference

WANTED = pins(PINS_FILE.read_text())
REFERENCE = {name: WANTED.get(name) for name in COMPARED}


def reasons(**kw):
    args = {"system": "linux", "machine": "x86_64", "versions": dict(REFERENCE),
            "wanted": WANTED, "env": {}}
    args.update(kw)
    return why_not_reference(**args)


def test_pins_reads_plain_and_marked_lines():
    text = ("numpy==2.4.6 ; python_version >= '3.11'\nnumpy==2.2.6 ; python_version < '3.11'\n"
            "keras==3.15.1  # comment\n# scipy==0\ntensorflow-cpu==2.21.0\n")
    assert pins(text) == {"numpy": "2.4.6", "keras": "3.15.1", "tensorflow-cpu": "2.21.0"}
    assert pins("numpy==1 ; x\nnumpy==2\n") == {"numpy": "2"}


def test_the_reference_platform_is_strict():
    assert reasons() == []
    assert reasons(env={"ACTLIB_SEED": "0"}) == []


@pytest.mark.parametrize(("kw", "reason"), [
    ({"system": "darwin", "machine": "arm64"}, "platform darwin/arm64"),
    ({"system": "win32", "machine": "AMD64"}, "platform win32/AMD64"),
    ({"machine": "aarch64"}, "platform linux/aarch64"),
    ({"env": {"ACTLIB_SEED": "3"}}, "ACTLIB_SEED=3"),
    ({"env": {"ACTLIB_NBVAL": "lax"}}, "ACTLIB_NBVAL=lax"),
])
def test_elsewhere_is_lax(kw, reason):
    assert any(r.startswith(reason) for r in reasons(**kw)), reasons(**kw)


def test_other_versions_are_lax():
    versions = dict(REFERENCE, keras="3.10.0")
    assert reasons(versions=versions) == [f"keras 3.10.0, not {WANTED['keras']}"]


def test_strict_can_be_forced_and_bad_values_are_refused():
    assert reasons(system="darwin", env={"ACTLIB_NBVAL": "strict"}) == []
    with pytest.raises(ValueError, match="ACTLIB_NBVAL must be 'strict' or 'lax'"):
        reasons(env={"ACTLIB_NBVAL": "yes"})


def test_this_run_matches_the_decision(pytestconfig):
    strict = not why_not_reference()
    assert bool(pytestconfig.option.nbval) is strict
    assert bool(pytestconfig.option.nbval_lax) is not strict


def test_lax_mode_still_fails_a_false_claim():
    """Off the reference platform outputs are not compared, but a failing assert still fails."""
    nb = nbformat.v4.new_notebook()
    stale = nbformat.v4.new_code_cell("print(1 + 1)", execution_count=1)
    stale.outputs = [nbformat.v4.new_output("stream", name="stdout", text="3\n")]  # not 2
    nb.cells = [stale, nbformat.v4.new_code_cell("assert 1 + 1 == 3, 'a false claim'",
                                                       execution_count=2)]
    root = PINS_FILE.parent
    path = root / "test-output" / "nbval_mode" / "claim.ipynb"  # inside the repository: its
    path.parent.mkdir(parents=True, exist_ok=True)               # conftest.py and pytest settings
    nbformat.write(nb, path)
    for mode, expected in (("lax", "1 failed, 1 passed"), ("strict", "2 failed")):
        run = subprocess.run(
            [sys.executable, "-m", "pytest", str(path), "-p", "no:cacheprovider", "-q"],
            capture_output=True, text=True, cwd=root, timeout=300,
            env={**os.environ, "ACTLIB_NBVAL": mode})
        assert expected in run.stdout, run.stdout[-2000:]
