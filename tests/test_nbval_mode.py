"""Where nbval compares outputs strictly (tests/nbval_mode.py)."""

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
