"""actlib.seed: the one seed knob (ACTLIB_SEED)."""

import pytest

import actlib as act


def test_default_is_zero(monkeypatch):
    monkeypatch.delenv("ACTLIB_SEED", raising=False)
    assert act.seed() == 0
    assert act.seed(3) == 3


@pytest.mark.parametrize(("raw", "expected"), [("4", 4), (" 7 ", 7), ("", 0)])
def test_reads_the_environment(monkeypatch, raw, expected):
    monkeypatch.setenv("ACTLIB_SEED", raw)
    assert act.seed() == expected
    assert act.seed(2) == expected + 2


@pytest.mark.parametrize("raw", ["abc", "1.5", "-1"])
def test_bad_environment_names_the_variable(monkeypatch, raw):
    monkeypatch.setenv("ACTLIB_SEED", raw)
    with pytest.raises(ValueError, match="seed: the environment variable ACTLIB_SEED"):
        act.seed()


@pytest.mark.parametrize("offset", [1.5, "1", True, None])
def test_bad_offset(offset):
    with pytest.raises(TypeError, match="seed: offset must be an integer"):
        act.seed(offset)
