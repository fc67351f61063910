"""The environment checks run only with ACTLIB_ENV_TESTS=1 (`make test-all`): they build fresh
virtual environments from the package index, which takes minutes and needs the network."""

import os
from pathlib import Path

import pytest

from tests.envs.harness import build_wheel

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    if os.environ.get("ACTLIB_ENV_TESTS") == "1":
        return
    skip = pytest.mark.skip(reason="environment checks: run `make test-all`")
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def wheel(tmp_path_factory):
    """actlib's wheel, built once per session."""
    return build_wheel(tmp_path_factory.mktemp("wheel"))
