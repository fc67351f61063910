"""tasks.py, the cross-platform entry point behind the Makefile and the Windows commands."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import tasks

ROOT = Path(__file__).resolve().parent.parent


def test_venv_python_per_platform(tmp_path):
    assert tasks.venv_python(tmp_path, windows=True) == tmp_path / "Scripts" / "python.exe"
    assert tasks.venv_python(tmp_path, windows=False) == tmp_path / "bin" / "python"


def test_reinstalls_exactly_when_an_input_changes(tmp_path):
    for name in tasks.INSTALL_INPUTS:
        (tmp_path / name).write_text(f"{name} v1\n")
    venv = tmp_path / ".venv"
    assert tasks.needs_install(venv, tmp_path)  # no venv yet
    venv.mkdir()
    (venv / ".installed").write_text(tasks.install_key(tmp_path) + "\n")
    assert not tasks.needs_install(venv, tmp_path)
    (tmp_path / "requirements.txt").write_text("requirements.txt v2\n")
    assert tasks.needs_install(venv, tmp_path)


@pytest.mark.parametrize("version", [(3, 10), (3, 11), (3, 12), (3, 13)])
def test_supported_pythons(version):
    tasks.check_python(version)


@pytest.mark.parametrize("version", [(3, 9), (3, 14), (2, 7)])
def test_other_pythons_are_refused_with_a_way_out(version):
    with pytest.raises(SystemExit, match=r"need Python 3\.10 to 3\.13.*py -3\.12 tasks\.py"):
        tasks.check_python(version)


def test_install_creates_the_venv_only_once(tmp_path):
    missing = tasks.install_commands(tmp_path / "bin" / "python")
    assert missing[0][1:3] == ["-m", "venv"]
    py = tmp_path / "python"
    py.write_text("")
    present = tasks.install_commands(py)
    assert [c[-2:] for c in present] == [["--upgrade", "pip"], ["-r", "requirements.txt"],
                                         ["-e", "."]]


def test_what_each_command_runs():
    py = Path("py")
    (ruff, _), (pytest_cmd, _) = tasks.commands("test", ["-x"], py)
    workers = tasks.pytest_workers()
    assert ruff == ["py", "-m", "ruff", "check", "."]
    assert pytest_cmd == ["py", "-m", "pytest", *workers, "-x"]  # extra arguments last: they win
    steps = tasks.commands("test-all", [], py)
    assert [c for c, _ in steps[:2]] == [ruff, ["py", "-m", "pytest", *workers]]
    (envs, env), (claims, _) = steps[2:]
    assert "tests/envs" in envs and env == {"ACTLIB_ENV_TESTS": "1"}
    assert claims == ["py", "scripts/claims.py", "--seeds", "1-4"]  # seed 0: nbval's run above
    assert tasks.commands("assignments", [], py) == [(["py", "scripts/assignments.py",
                                                        "release"], {})]
    assert tasks.commands("claims", ["--seeds", "5-9"], py)[0][0][-2:] == ["--seeds", "5-9"]
    assert tasks.commands("site", [], py) == [(["py", "docs/build.py"], {})]
    assert tasks.commands("site", ["--out", "x"], py)[0][0][-2:] == ["--out", "x"]
    lab = tasks.commands("lab", [], py)[0][0]
    assert lab[1:5] == ["-m", "jupyter", "lab", "notebooks"]
    with pytest.raises(SystemExit, match="unknown command 'tests'"):
        tasks.commands("tests", [], py)


def test_make_test_runs_two_xdist_workers_given_two_cpus():
    assert tasks.pytest_workers(1) == ["-n", "0"]  # one process, as plain pytest
    assert tasks.pytest_workers(2) == tasks.pytest_workers(16) == ["-n", "2"]
    # conftest.py gives each file to one worker (a notebook's cells share a kernel)
    assert "LoadFileScheduling" in (ROOT / "conftest.py").read_text()


def test_every_make_target_is_a_tasks_command():
    makefile = (ROOT / "Makefile").read_text()
    phony = re.search(r"^\.PHONY:(.*)$", makefile, re.MULTILINE).group(1).split()
    targets = [t for t in phony if t != "clean"]
    assert {"lab", "test", "test-all", "claims"} <= set(targets)
    assert re.search(rf"^{' '.join(targets)}:\n\t\$\(PYTHON\) tasks\.py \$@", makefile,
                     re.MULTILINE), "each target should be one call of tasks.py"
    for target in targets:
        tasks.commands(target, [], Path("py"))  # raises for a target tasks.py does not know


def test_readme_shows_the_windows_commands():
    readme = (ROOT / "README.md").read_text()
    for task in ("lab", "test"):
        assert f"make {task}" in readme and f"py -3.12 tasks.py {task}\n" in readme


def test_dry_run_prints_the_plan_without_running_it():
    out = subprocess.run([sys.executable, "tasks.py", "--dry-run", "test", "-k", "nothing"],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert re.search(r"^\$ .*python\S* -m ruff check \.$", out, re.MULTILINE), out
    assert re.search(r"^\$ .*python\S* -m pytest -n \d -k nothing$", out, re.MULTILINE), out


def test_commands_run_as_in_an_activated_venv(tmp_path):
    py = tasks.venv_python(tmp_path / ".venv", windows=False)
    env = tasks.activated(py, {"PATH": "/usr/bin", "HOME": "/home/me"})
    assert env["PATH"].split(os.pathsep)[:2] == [str(py.parent), "/usr/bin"]
    assert env["VIRTUAL_ENV"] == str(tmp_path / ".venv") and env["HOME"] == "/home/me"


def test_make_test_records_how_long_its_commands_took(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(tasks, "ROOT", tmp_path)
    monkeypatch.setattr(tasks.subprocess, "call", lambda command, **kw: calls.append(command) or 0)
    steps = tasks.commands("test", ["-k", "x"], Path("py"))
    assert tasks._run([], steps, "test", ["-k", "x"], Path("py"), dry=False) == 0
    assert calls == [c for c, _ in steps]
    rec = json.loads((tmp_path / tasks.RECORD).read_text())
    assert rec["exit_code"] == 0 and rec["args"] == ["-k", "x"] and 0 <= rec["seconds"] < 60
    assert {"date", "commit", "dirty", "load_start", "load_end", "cpus"} <= set(rec)


def test_a_failing_step_stops_the_task_and_is_recorded(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(tasks, "ROOT", tmp_path)
    monkeypatch.setattr(tasks.subprocess, "call", lambda command, **kw: calls.append(command) or 3)
    steps = tasks.commands("test", [], Path("py"))
    assert tasks._run([], steps, "test", [], Path("py"), dry=False) == 3
    assert calls == [steps[0][0]]  # ruff failed: pytest did not run
    assert json.loads((tmp_path / tasks.RECORD).read_text())["exit_code"] == 3


def test_only_make_test_is_recorded_and_never_a_dry_run(tmp_path, monkeypatch):
    monkeypatch.setattr(tasks, "ROOT", tmp_path)
    monkeypatch.setattr(tasks.subprocess, "call", lambda command, **kw: 0)
    steps = tasks.commands("test", [], Path("py"))
    tasks._run([], steps, "test", [], Path("py"), dry=True)
    tasks._run([], tasks.commands("claims", [], Path("py")), "claims", [], Path("py"), dry=False)
    assert not (tmp_path / tasks.RECORD).exists()
