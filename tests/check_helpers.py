"""Shared by the tests of the exercise self-checks (tests/test_check_*.py)."""


def stub(*args, **kwargs):
    """The untouched exercise cell."""
    raise NotImplementedError


def broken(*args, **kwargs):
    """Student code that fails with another error, as a typo would."""
    return {}["oops"]


def printed_line(capsys) -> str:
    """What the last check printed: exactly one line, never a traceback."""
    out = capsys.readouterr().out
    assert out.count("\n") == 1, out
    return out


def verdict(capsys, check, fn) -> str:
    """Run ``check(fn)`` and return its one printed line."""
    check(fn)
    return printed_line(capsys)
