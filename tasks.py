"""The project's commands, on Linux, macOS and Windows alike: the Makefile only calls this file.

    python tasks.py lab        # = make lab:  create .venv once, install, open JupyterLab
    python tasks.py test       # = make test: the same set-up, then ruff and every test
    python tasks.py test-all   # = make test-all: test, the environment checks, claims (seeds 1-4)
    python tasks.py claims     # = make claims: every notebook under seeds 0-4
    python tasks.py notebooks | assignments | bench
    python tasks.py --dry-run test          # print the commands instead of running them

On Windows, in PowerShell: ``py -3.12 tasks.py lab`` (any Python 3.10 to 3.13). Extra arguments
after the command go to pytest (test) or to the script (claims, notebooks, ...).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
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


def commands(task: str, extra: list[str], py: Path) -> list[tuple[list[str], dict]]:
    """The commands a task runs after the install, each with the environment it adds."""
    p = str(py)
    if task == "lab":
        return [([p, "-m", "jupyter", "lab", "notebooks", *(["--allow-root"] if is_root()
                                                             else []), *extra], {})]
    if task == "test":
        return [([p, "-m", "ruff", "check", "."], {}), ([p, "-m", "pytest", *extra], {})]
    if task == "test-all":
        return commands("test", extra, py) + [
            ([p, "-m", "pytest", "tests/envs", "-p", "no:cacheprovider"],
             {"ACTLIB_ENV_TESTS": "1"}),
            ([p, "scripts/claims.py", "--seeds", "1-4"], {}),  # seed 0: the nbval run
        ]
    scripts = {"claims": "scripts/claims.py", "notebooks": "scripts/run_notebooks.py",
               "assignments": "scripts/assignments.py", "bench": "benchmarks/run_all.py"}
    if task in scripts:
        default = ["release"] if task == "assignments" else []
        return [([p, scripts[task], *(extra or default)], {})]
    raise SystemExit(f"tasks.py: unknown command {task!r}; one of: lab, test, test-all, claims, "
                     "notebooks, assignments, bench")


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
    plan += commands(task, extra, py)
    for command, env in plan:
        shown = " ".join(f"{k}={v}" for k, v in env.items()) + (" " if env else "")
        print(f"$ {shown}{' '.join(command)}", flush=True)
        if dry:
            continue
        code = subprocess.call(command, cwd=ROOT, env=activated(py, {**os.environ, **env}))
        if code != 0:
            return code
        if command[-2:] == ["-e", "."]:  # the install finished: remember what it installed
            (VENV / ".installed").write_text(install_key() + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
