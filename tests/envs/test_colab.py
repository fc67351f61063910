"""Colab: in a Colab-like runtime (Python 3.12 with Colab's preinstalled versions, full
tensorflow included, from tests/envs/colab-requirements.txt), the lessons' own Colab install line
replaces nothing Colab preinstalled, and then every lesson runs without errors or stderr.

google.colab is not importable here, so the test runs the cell's %pip line itself, with the
public git URL replaced by this checkout. What pip changed goes to test-output/envs/colab.md."""

import json
import re
import shlex
from pathlib import Path

from tests.envs.harness import NOTEBOOKS, ROOT, Env, python_version, report, run_notebooks

COLAB_REQUIREMENTS = Path(__file__).with_name("colab-requirements.txt")
COLAB_PYTHON = "3.12"
CELL_ID = "colab-install"


def install_line(notebook: Path) -> list[str]:
    """The `%pip install ...` arguments of the notebook's Colab install cell."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    cell = next((c for c in cells if c.get("id") == CELL_ID), None)
    assert cell, f"{notebook.name}: no cell with id {CELL_ID!r} (run scripts/launch_links.py)"
    lines = re.findall(r"^\s*%pip install (.+)$", "".join(cell["source"]), re.M)
    assert len(lines) == 1, f"{notebook.name}: expected one %pip install line, got {lines}"
    return shlex.split(lines[0])


def local_spec(args: list[str]) -> list[str]:
    """The install arguments, the public `actlib @ git+https://...` replaced by this checkout."""
    specs = [i for i, a in enumerate(args) if re.match(r"actlib(\[[\w,]+\])? @ git\+https://", a)]
    assert len(specs) == 1, f"expected one `actlib @ git+https://...` argument in {args}"
    extras = re.match(r"actlib(\[[\w,]+\])?", args[specs[0]]).group(1) or ""
    return [*args[:specs[0]], f"actlib{extras} @ {ROOT.as_uri()}", *args[specs[0] + 1:]]


def changes(before: dict[str, str], after: dict[str, str]) -> dict[str, str]:
    """{name: 'old -> new'} for every package pip added, removed or changed."""
    return {name: f"{before.get(name, '(none)')} -> {after.get(name, '(removed)')}"
            for name in sorted(set(before) | set(after)) if before.get(name) != after.get(name)}


def test_every_notebook_has_the_same_install_line():
    lines = {tuple(install_line(nb)) for nb in NOTEBOOKS}
    assert len(lines) == 1, lines


def test_colab_install_keeps_colab_packages_and_lessons_run(tmp_path):
    env = Env.create(tmp_path / "colab", python=python_version(COLAB_PYTHON))
    env.pip("install", "--quiet", "-r", COLAB_REQUIREMENTS)
    before = env.freeze()
    assert before.get("tensorflow") and "tensorflow-cpu" not in before, "full TensorFlow, as Colab"

    args = local_spec(install_line(NOTEBOOKS[0]))
    env.pip("install", *args)
    after = env.freeze()
    changed = changes(before, after)
    replaced = {name: change for name, change in changed.items() if name in before}
    notes = ["Colab-like runtime: Python " + COLAB_PYTHON + ", " + COLAB_REQUIREMENTS.name,
             f"Install line: `pip install {shlex.join(args)}`",
             "pip changed: " + (", ".join(f"{n} {c}" for n, c in changed.items()) or "nothing")]

    results = run_notebooks(env, tmp_path / "lessons")
    failures = report("colab", "Colab-like runtime: the Colab cell's install, then every lesson",
                      results, notes)
    assert not replaced, f"the Colab install line replaced preinstalled packages: {replaced}"
    assert set(changed) == {"actlib"}, f"it installed more than actlib: {changed}"
    assert not failures, f"lessons failed in the Colab-like runtime:\n{failures}"
