"""Honest lower bounds: `actlib[keras]` with every direct dependency at the lowest version
pyproject.toml allows (uv's lowest-direct resolution, Python 3.11), plus the test tools at their
requirements.txt pins, passes the unit tests and runs every lesson.

The unit tests run from a copy of the repository without actlib/, so they import the installed
wheel. What was installed goes to test-output/envs/lowest.md."""

import os
import shutil
import subprocess

from tests.envs.harness import REPORTS, ROOT, Env, pins, python_version, report, run_notebooks, uv

PYTHON = "3.11"
TOOLS = {"pytest", "nbval", "hypothesis", "mpmath", "nbclient", "ipykernel"}
# the repository's launch files and tools (Binder, browser, nbgrader), not actlib's behaviour
NOT_ACTLIB = ["tests/envs", "tests/test_launch.py", "tests/test_browser.py",
              "tests/test_assignments.py"]
DIRECT = ["numpy", "scipy", "threadpoolctl", "scikit-learn", "matplotlib", "ipywidgets", "keras",
          "tensorflow", "tensorflow-cpu"]


def lowest_requirements(folder) -> str:
    """uv's lowest-direct resolution of pyproject.toml's dependencies and keras extra."""
    tools = folder / "tools.txt"
    tools.write_text("\n".join(pins(ROOT / "requirements.txt", TOOLS, PYTHON)) + "\n")
    out = folder / "lowest.txt"
    uv("pip", "compile", "--quiet", "--no-header", "--resolution", "lowest-direct",
       "--only-binary", ":all:", "--python-version", PYTHON, ROOT / "pyproject.toml",
       "--extra", "keras", tools, "-o", out)
    return out


def repository_copy(dest):
    """The repository without actlib/ (and without build products), for the unit tests."""
    skip = shutil.ignore_patterns(".git", ".venv", ".envs", "actlib", "build", "*.egg-info",
                                  "test-output", "__pycache__", ".pytest_cache", ".hypothesis")
    shutil.copytree(ROOT, dest, ignore=skip)
    return dest


def test_lowest_allowed_versions_pass_the_tests_and_lessons(wheel, tmp_path):
    env = Env.create(tmp_path / "lowest", python=python_version(PYTHON))
    env.pip("install", "--quiet", "-r", lowest_requirements(tmp_path),
            f"actlib[keras] @ {wheel.as_uri()}")
    installed = env.freeze()
    versions = ", ".join(f"{n} {installed[n]}" for n in DIRECT if n in installed)

    repo = repository_copy(tmp_path / "repo")
    variables = {k: v for k, v in os.environ.items() if k != "ACTLIB_ENV_TESTS"}
    unit = subprocess.run([str(env.python), "-m", "pytest", "tests", "-p", "no:cacheprovider",
                           "-q", *(f"--ignore={p}" for p in NOT_ACTLIB)],
                          cwd=repo, env=variables, capture_output=True, text=True, timeout=1800)
    summary = [line for line in unit.stdout.splitlines()
               if line.startswith(("FAILED", "ERROR"))] or unit.stdout.splitlines()[-3:]
    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / "lowest-unit-tests.txt").write_text(unit.stdout + unit.stderr, encoding="utf-8")

    results = run_notebooks(env, tmp_path / "lessons")
    failures = report("lowest", "Lowest allowed versions (uv --resolution lowest-direct)", results,
                      [f"Python {PYTHON}: {versions}",
                       f"unit tests: exit {unit.returncode}, {unit.stdout.splitlines()[-1:]}"])
    assert unit.returncode == 0, f"unit tests failed with {versions}:\n" + "\n".join(summary)
    assert not failures, f"lessons failed with {versions}:\n{failures}"
