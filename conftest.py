"""pytest's set-up for the whole repository: nbval compares the notebooks' outputs strictly only
on the reference platform (tests/nbval_mode.py says why and what counts); under pytest-xdist
(`make test` runs two workers) each file goes whole to one worker, the slowest files first."""

import os

import pytest

from tests.nbval_mode import why_not_reference

os.environ.setdefault("MPLBACKEND", "Agg")  # figures without a screen
_REASONS = why_not_reference()

#: Files that take minutes, handed to the xdist workers first (longest first, so that the short
#: ones fill the gaps at the end); then the notebooks (nbval), then everything else, each group
#: in collection order. Measured on 2 cores: the browser test runs every lesson in JupyterLab,
#: the assignment test autogrades 15 submissions.
SLOW_FIRST = ("tests/test_browser.py", "tests/test_site.py", "tests/test_assignments",
              "notebooks/")


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


def _under_xdist(config) -> bool:
    return bool(getattr(config.option, "numprocesses", None)) or hasattr(config, "workerinput")


def file_rank(nodeid: str) -> int:
    """The position of a test's file in the order xdist hands files out (SLOW_FIRST)."""
    return next((i for i, prefix in enumerate(SLOW_FIRST) if nodeid.startswith(prefix)),
                len(SLOW_FIRST))


def pytest_collection_modifyitems(config, items):
    if _under_xdist(config):  # every worker collects in this same order
        items.sort(key=lambda item: file_rank(item.nodeid))  # stable: files stay in order


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """Whole files per worker: a notebook's cells share one kernel and must run in order on
    one worker, and module-scoped fixtures (the assignments' autograding, the browser test's
    JupyterLab) are built once. Files in collection order (``SLOW_FIRST``), not xdist's default
    of most tests first. Any explicit --dist other than load/loadscope/loadfile is kept."""
    if config.option.dist not in ("load", "loadscope", "loadfile"):
        return None
    from xdist.scheduler import LoadFileScheduling

    config.option.loadscopereorder = False
    return LoadFileScheduling(config, log)
