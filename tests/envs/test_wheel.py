"""A complete package: the wheel, installed (not editable) with the pinned stack in a fresh
environment, runs every lesson from a folder outside the repository, without errors or stderr."""

import zipfile

from tests.envs.harness import ROOT, Env, report, run_notebooks


def test_wheel_holds_every_subpackage_and_the_study_results(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / "actlib").rglob("*.py")}
    results = {p.relative_to(ROOT).as_posix() for p in (ROOT / "actlib/results").iterdir()
               if p.suffix in {".json", ".csv"}}
    assert modules and results
    assert not (modules | results) - names, sorted((modules | results) - names)


def test_lessons_run_from_the_installed_wheel(wheel, tmp_path):
    env = Env.create(tmp_path / "venv")
    env.pip("install", "--quiet", "-r", ROOT / "requirements.txt",
            f"actlib[keras] @ {wheel.as_uri()}")
    installed = env.freeze()
    assert "actlib" in installed and "keras" in installed, installed
    results = run_notebooks(env, tmp_path / "lessons")
    failures = report("wheel", "The installed wheel, lessons run outside the repository", results,
                      [f"Python {env.python}, numpy {installed['numpy']}, "
                       f"keras {installed['keras']}"])
    assert not failures, f"lessons failed from the installed wheel:\n{failures}"
