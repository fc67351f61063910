"""Where nbval compares outputs strictly (tests/nbval_mode.py)."""

import json
import os
import subprocess
import sys

import nbformat
import pytest

from tests.nbval_mode import REFERENCE_FILE, ROOT, cpu_isa, fingerprint, why_not_reference

REFERENCE = {"system": "linux", "machine": "x86_64", "cpu_isa": ["avx", "avx2", "fma"],
             "versions": {"numpy": "2.4.6", "keras": "3.15.1", "tensorflow-cpu": "2.21.0"}}


def reasons(env=None, **changes):
    current = json.loads(json.dumps(REFERENCE))
    for key, value in changes.items():
        current[key] = value
    return why_not_reference(current, REFERENCE, env or {})


def test_the_reference_platform_is_strict():
    assert reasons() == []
    assert reasons(env={"ACTLIB_SEED": "0"}) == []


@pytest.mark.parametrize(("changes", "reason"), [
    ({"system": "darwin", "machine": "arm64"}, "platform darwin/arm64, not linux/x86_64"),
    ({"system": "win32", "machine": "amd64"}, "platform win32/amd64"),
    ({"machine": "aarch64"}, "platform linux/aarch64"),
    ({"cpu_isa": ["avx", "avx2", "fma", "avx512f"]}, "a CPU with other vector instructions "
                                                      "(has avx512f)"),
    ({"cpu_isa": ["avx"]}, "a CPU with other vector instructions (lacks avx2, lacks fma)"),
    ({"versions": {"numpy": "2.4.6", "keras": "3.10.0", "tensorflow-cpu": "2.21.0"}},
     "keras 3.10.0, not 3.15.1"),
    ({"versions": {"numpy": "2.4.6", "keras": "3.15.1", "tensorflow": "2.19.0"}},
     "tensorflow 2.19.0, not None"),
])
def test_elsewhere_is_lax(changes, reason):
    assert any(r.startswith(reason) for r in reasons(**changes)), reasons(**changes)


def test_another_seed_is_lax():
    assert reasons(env={"ACTLIB_SEED": "3"}) == ["ACTLIB_SEED=3, not 0"]


def test_strict_or_lax_can_be_forced_and_bad_values_are_refused():
    assert reasons(env={"ACTLIB_NBVAL": "strict"}, machine="arm64") == []
    assert reasons(env={"ACTLIB_NBVAL": "lax"}) == ["ACTLIB_NBVAL=lax"]
    with pytest.raises(ValueError, match="ACTLIB_NBVAL must be 'strict' or 'lax'"):
        reasons(env={"ACTLIB_NBVAL": "yes"})


def test_cpu_isa_reads_the_flags_line():
    info = "processor\t: 0\nflags\t\t: fpu sse4_2 avx avx2 fma avx512f amx_tile\nbogomips\t: 1\n"
    assert cpu_isa(info) == ["sse4_2", "avx", "avx2", "fma", "avx512f", "amx_tile"]
    assert cpu_isa("") == []


def test_the_committed_outputs_name_their_platform():
    recorded = json.loads(REFERENCE_FILE.read_text())
    assert set(recorded) == set(fingerprint())
    assert recorded["system"] == "linux" and recorded["machine"] in ("x86_64", "amd64")
    pins = (ROOT / "requirements.txt").read_text()
    for name in ("numpy", "keras"):
        assert f"{name}=={recorded['versions'][name]}" in pins, f"{name} is not the pinned one"


def test_this_run_matches_the_decision(pytestconfig):
    strict = not why_not_reference()
    assert bool(pytestconfig.option.nbval) is strict, why_not_reference()
    assert bool(pytestconfig.option.nbval_lax) is not strict


def test_lax_mode_still_fails_a_false_claim():
    """Off the reference platform outputs are not compared, but a failing assert still fails."""
    nb = nbformat.v4.new_notebook()
    stale = nbformat.v4.new_code_cell("print(1 + 1)", execution_count=1)
    stale.outputs = [nbformat.v4.new_output("stream", name="stdout", text="3\n")]  # not 2
    nb.cells = [stale, nbformat.v4.new_code_cell("assert 1 + 1 == 3, 'a false claim'",
                                                 execution_count=2)]
    path = ROOT / "test-output" / "nbval_mode" / "claim.ipynb"  # inside the repository: its
    path.parent.mkdir(parents=True, exist_ok=True)              # conftest.py and pytest settings
    nbformat.write(nb, path)
    for mode, expected in (("lax", "1 failed, 1 passed"), ("strict", "2 failed")):
        run = subprocess.run(
            [sys.executable, "-m", "pytest", str(path), "-p", "no:cacheprovider", "-q"],
            capture_output=True, text=True, cwd=ROOT, timeout=300,
            env={**os.environ, "ACTLIB_NBVAL": mode})
        assert expected in run.stdout, run.stdout[-2000:]
