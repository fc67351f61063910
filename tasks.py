"""The project's commands, on Linux, macOS and Windows alike: the Makefile only calls this file.

    python tasks.py lab        # = make lab:  create .venv once, install, open JupyterLab
    python tasks.py test       # = make test: the same set-up, then ruff and every test
    python tasks.py test-all   # = make test-all: test, the environment checks, claims (seeds 1-4)
    python tasks.py claims     # = make claims: every notebook under seeds 0-4
    python tasks.py site       # = make site: the course website, offline, into _build/site
    python tasks.py notebooks | assignments | bench
    python tasks.py --dry-run test          # print the commands instead of running them

On Windows, in PowerShell: ``py -3.12 tasks.py lab`` (any Python 3.10 to 3.13). Extra arguments
after the command go to pytest (test) or to the script (claims, notebooks, ...).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHONS = ((3, 10), (3, 13))  # the range requirements.txt is resolved and tested for
INSTALL_INPUTS = ("requirements.txt", "pyproject.toml")


def venv_python(venv: Path = VENV, windows: bool = os.name == "nt") -> Path:
    """The venv's interpreter: Scripts\\python.exe on Windows, bin/python elsewhere."""
    return venv / "Scripts" / "python.exe" if windows else venv / "bin" / "python"


def install_key(root: Path = ROOT) -> str:
    """A hash of what the installation depends on: reinstall exactly when it changes."""
    digest = hashlib.sha256()
    for name in INSTALL_INPUTS:
        digest.update(name.encode() + b"\0" + (root / name).read_bytes() + b"\0")
    return digest.hexdigest()


def needs_install(venv: Path = VENV, root: Path = ROOT) -> bool:
    stamp = venv / ".installed"
    return not stamp.exists() or stamp.read_text().strip() != install_key(root)


def check_python(version=sys.version_info[:2]) -> None:
    lo, hi = PYTHONS
    if not lo <= tuple(version) <= hi:
        raise SystemExit(f"tasks.py: need Python {lo[0]}.{lo[1]} to {hi[0]}.{hi[1]}, "
                         f"{sys.executable} is {version[0]}.{version[1]}; on Windows try "
                         f"`py -3.12 tasks.py ...`, elsewhere `python3.12 tasks.py ...`")


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def activated(py: Path, env: dict[str, str]) -> dict[str, str]:
    """``env`` as after activating the venv: its programs first on PATH (nbgrader's formgrader,
    for one, runs ``alembic`` from PATH)."""
    return {**env, "VIRTUAL_ENV": str(py.parent.parent),
            "PATH": str(py.parent) + os.pathsep + env.get("PATH", "")}


def install_commands(py: Path) -> list[list[str]]:
    """Create the venv and install the pinned stack and actlib (editable)."""
    commands = [] if py.exists() else [[sys.executable, "-m", "venv", str(VENV)]]
    pip = [str(py), "-m", "pip", "install", "--quiet"]
    return commands + [pip + ["--upgrade", "pip"], pip + ["-r", "requirements.txt"],
                       pip + ["--no-deps", "-e", "."]]


def pytest_workers(cpus: int | None = os.cpu_count()) -> list[str]:
    """pytest-xdist's options for `make test`: two worker processes when there are two CPUs or
    more (each file goes whole to one worker, the slowest first: conftest.py). The heavy files
    are few (the browser test, the assignments, one per notebook), so more workers gain little
    and each costs memory (a notebook's kernel takes up to 900 MB). `make test ARGS="-n 0"`
    runs everything in one process."""
    return ["-n", "2" if (cpus or 1) >= 2 else "0"]


def commands(task: str, extra: list[str], py: Path) -> list[tuple[list[str], dict]]:
    """The commands a task runs after the install, each with the environment it adds."""
    p = str(py)
    if task == "lab":
        return [([p, "-m", "jupyter", "lab", "notebooks", *(["--allow-root"] if is_root()
                                                             else []), *extra], {})]
    if task == "test":
        return [([p, "-m", "ruff", "check", "."], {}),
                ([p, "-m", "pytest", *pytest_workers(), *extra], {})]
    if task == "test-all":
        return commands("test", extra, py) + [
            ([p, "-m", "pytest", "tests/envs", "-p", "no:cacheprovider"],
             {"ACTLIB_ENV_TESTS": "1"}),
            ([p, "scripts/claims.py", "--seeds", "1-4"], {}),  # seed 0: the nbval run
        ]
    scripts = {"claims": "scripts/claims.py", "notebooks": "scripts/run_notebooks.py",
               "assignments": "scripts/assignments.py", "bench": "benchmarks/run_all.py",
               "site": "docs/build.py"}
    if task in scripts:
        default = ["release"] if task == "assignments" else []
        return [([p, scripts[task], *(extra or default)], {})]
    raise SystemExit(f"tasks.py: unknown command {task!r}; one of: lab, test, test-all, claims, "
                     "notebooks, assignments, bench, site")


RECORD = Path("test-output") / "make-test.json"  # the last `make test`: `make bench` reports it


def _git(*args: str) -> str | None:
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def record_test_run(seconds: float, code: int, extra: list[str], loads: tuple) -> dict:
    """Write how long `make test`'s commands took (the install step excluded) to RECORD."""
    rec = {"seconds": round(seconds, 1), "exit_code": code, "args": extra,
           "date": time.strftime("%Y-%m-%d %H:%M %Z"), "commit": _git("rev-parse", "--short",
                                                                      "HEAD"),
           "dirty": bool(_git("status", "--porcelain", "--untracked-files=no")),
           "load_start": loads[0], "load_end": loads[1], "cpus": os.cpu_count()}
    (ROOT / RECORD).parent.mkdir(exist_ok=True)
    (ROOT / RECORD).write_text(json.dumps(rec, indent=1) + "\n")
    return rec


def _load() -> float | None:
    return round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    dry = "--dry-run" in args
    if dry:
        args.remove("--dry-run")
    if not args:
        print(__doc__)
        return 2
    task, extra = args[0], args[1:]
    check_python()
    py = venv_python()
    plan = [(c, {}) for c in install_commands(py)] if needs_install() else []
    return _run(plan, commands(task, extra, py), task, extra, py, dry)


def _run(install, steps, task: str, extra: list[str], py: Path, dry: bool) -> int:
    """The install commands, then the task's; `make test` records how long its own took."""
    for command, env in install:
        code = _call(command, env, py, dry)
        if code != 0:
            return code
        if not dry and command[-2:] == ["-e", "."]:  # the install finished: remember what
            (VENV / ".installed").write_text(install_key() + "\n")
    start, load_start, code = time.perf_counter(), _load(), 0
    for command, env in steps:
        code = _call(command, env, py, dry)
        if code != 0:
            break
    if task == "test" and not dry:
        record_test_run(time.perf_counter() - start, code, extra, (load_start, _load()))
    return code


def _call(command: list[str], env: dict, py: Path, dry: bool) -> int:
    shown = " ".join(f"{k}={v}" for k, v in env.items()) + (" " if env else "")
    print(f"$ {shown}{' '.join(command)}", flush=True)
    return 0 if dry else subprocess.call(command, cwd=ROOT,
                                          env=activated(py, {**os.environ, **env}))


if __name__ == "__main__":
    sys.exit(main())
