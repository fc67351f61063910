"""pytest's set-up for the whole repository: nbval compares the notebooks' outputs strictly only
on the reference platform (tests/nbval_mode.py says why and what counts)."""

import os

from tests.nbval_mode import why_not_reference

os.environ.setdefault("MPLBACKEND", "Agg")  # figures without a screen
_REASONS = why_not_reference()


def pytest_configure(config):
    if _REASONS and getattr(config.option, "nbval", False):
        # lax: every cell runs and every assert is checked; printed numbers are not compared
        config.option.nbval, config.option.nbval_lax = False, True


def pytest_report_header(config):
    if getattr(config.option, "nbval_lax", False) and _REASONS:
        return ("notebooks: every cell and every claim runs, outputs are not compared (not the "
                "reference platform: " + "; ".join(_REASONS) + ")")
    if getattr(config.option, "nbval", False):
        return "notebooks: outputs compared strictly with the committed ones (reference platform)"
    return None
