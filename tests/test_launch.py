"""Launch anywhere: the Binder image (repo2docker, without Docker) and the Binder/Colab links.

The repository URL lives in pyproject.toml only; scripts/launch_links.py writes the README's
badges and each notebook's Colab install cell from it, and these tests check that they agree."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import sys
import types
from pathlib import Path

import pytest
from IPython.core.inputtransformer2 import TransformerManager
from packaging.markers import Marker

ROOT = Path(__file__).resolve().parent.parent
BINDER = ROOT / "binder"
REPO2DOCKER = Path(sys.executable).parent / "jupyter-repo2docker"

_spec = importlib.util.spec_from_file_location("launch_links", ROOT / "scripts/launch_links.py")
links = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(links)

URL = links.repository_url()
NOTEBOOK_00 = ROOT / "notebooks" / "00_why_activations.ipynb"


def pins(path: Path, python: str | None = None) -> dict[str, str]:
    """{'numpy': '2.4.6', ...} from a requirements file's name==version lines.

    With ``python`` ("3.11"), only the lines whose environment marker holds on the Binder image
    (Linux x86-64, that Python); a name pinned twice for one environment is an error."""
    found = {}
    for line in requirement_lines(path):
        requirement, _, marker = line.partition(";")
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)==(\S+)", requirement.strip())
        if not match:
            continue
        if marker.strip() and not (python and Marker(marker).evaluate(binder_environment(python))):
            continue
        name = match.group(1).lower()
        assert name not in found, f"{path.name}: {name} pinned twice for one platform"
        found[name] = match.group(2)
    return found


def binder_environment(python: str) -> dict[str, str]:
    """The marker environment of the Binder image: Linux x86-64 with that Python."""
    return {"sys_platform": "linux", "platform_system": "Linux", "platform_machine": "x86_64",
            "os_name": "posix", "python_version": python, "python_full_version": f"{python}.0",
            "implementation_name": "cpython", "platform_python_implementation": "CPython"}


def requirement_lines(path: Path) -> list[str]:
    return [line.split("#")[0].strip() for line in path.read_text().splitlines()
            if line.split("#")[0].strip()]


# --------------------------------------------------------------------------- binder/


def binder_python() -> str:
    text = (BINDER / "runtime.txt").read_text().strip()
    match = re.fullmatch(r"python-(3\.\d+)", text)
    assert match, f"binder/runtime.txt should read python-3.X, not {text!r}"
    return match.group(1)


def test_binder_python_is_one_the_stack_supports():
    major, minor = map(int, binder_python().split("."))
    # the Makefile's range: what requirements.txt (tensorflow-cpu included) is tested on
    assert (3, 10) <= (major, minor) <= (3, 13)


def test_binder_requirements_are_pinned_like_the_root_ones():
    python = binder_python()
    binder, root = pins(BINDER / "requirements.txt"), pins(ROOT / "requirements.txt", python)
    assert binder, "binder/requirements.txt pins nothing"
    for name, version in binder.items():
        assert root.get(name) == version, f"{name}=={version} in binder/, {root.get(name)} at root"
    lines = requirement_lines(BINDER / "requirements.txt")
    assert all(("==" in line and ";" not in line) or line == "." for line in lines), lines
    # what a student's kernel imports: actlib's dependencies, Keras, TensorFlow, widgets, Lab
    needed = {"numpy", "scipy", "matplotlib", "ipywidgets", "keras", "tensorflow-cpu",
              "jupyterlab", "ipykernel"}
    assert needed <= set(binder), needed - set(binder)


@pytest.fixture(scope="module")
def repo2docker():
    """`jupyter-repo2docker --no-build --debug .`: the Dockerfile, without Docker."""
    if not REPO2DOCKER.exists():
        pytest.fail(f"{REPO2DOCKER} missing: install requirements.txt (make test does)")
    run = subprocess.run([str(REPO2DOCKER), "--no-build", "--debug", "."], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    return run


def decoded(dockerfile: str) -> str:
    # repo2docker names copied build files with escapes: -2e is '.', -2f is '/', -2d is '-'
    return re.sub(r"-([0-9a-f]{2})", lambda m: chr(int(m.group(1), 16)), dockerfile)


def test_repo2docker_uses_our_python(repo2docker):
    version = binder_python()
    assert f"Building conda environment for python={version}" in repo2docker.stderr
    assert "separate kernel environment" not in repo2docker.stderr  # server and kernel: one env
    assert "Python version unspecified" not in repo2docker.stderr
    locks = re.findall(r"environment\.py-(\d\.\d+)-linux-64\.lock", decoded(repo2docker.stdout))
    assert locks and set(locks) == {version}, locks


def test_repo2docker_installs_our_requirements_and_actlib(repo2docker):
    lines = repo2docker.stdout.splitlines()
    install = [i for i, line in enumerate(lines)
               if line.startswith("RUN ") and re.search(r"/bin/pip install .*-r \"?binder/"
                                                        r"requirements\.txt", line)]
    assert len(install) == 1, "pip install -r binder/requirements.txt, once"
    assert "${KERNEL_PYTHON_PREFIX}/bin/pip" in lines[install[0]]  # into the kernel's Python
    # "." (actlib) needs the repository: it is copied in, and pip runs from its root
    copy = [i for i, line in enumerate(lines) if re.match(r"COPY .*src/ \$\{REPO_DIR\}/?$", line)]
    workdir = [i for i, line in enumerate(lines) if line.strip() == "WORKDIR ${REPO_DIR}"]
    assert copy and copy[0] < install[0] and workdir and workdir[-1] < install[0]
    assert "." in requirement_lines(BINDER / "requirements.txt"), "actlib is installed"
    # with binder/ present, repo2docker ignores the root requirements.txt and pyproject.toml
    assert not any(re.search(r"pip install .*(-r \"?requirements\.txt|\s\.$)", line)
                   for line in lines), "only binder/requirements.txt is installed"


# --------------------------------------------------------------------------- launch links


def test_url_comes_from_pyproject():
    assert re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", URL)
    assert URL in (ROOT / "pyproject.toml").read_text()
    name = NOTEBOOK_00.name
    assert links.binder_url(URL, name) == (f"https://mybinder.org/v2/gh/{links.slug(URL)}/"
                                           f"{links.BRANCH}?urlpath=lab/tree/notebooks/{name}")
    assert links.colab_url(URL, name).startswith("https://colab.research.google.com/github/")
    assert f"git+{URL}@" in links.install_cell_source(URL)


def test_readme_and_notebooks_agree_with_pyproject():
    # fails until `scripts/launch_links.py` has been run after a change of URL or notebooks
    assert links.stale(ROOT) == [], "run: .venv/bin/python scripts/launch_links.py"


def test_readme_has_the_binder_badge_and_a_colab_link_per_notebook():
    readme = (ROOT / "README.md").read_text()
    block = readme[readme.index(links.START):readme.index(links.END)]
    assert links.binder_url(URL, "00_why_activations.ipynb") in block
    for path in links.notebook_paths():
        assert links.colab_url(URL, path.name) in block, path.name


def run_cell(source: str, colab: bool, monkeypatch) -> list[str]:
    """Run the install cell's Python as IPython would; returns the %pip lines it ran."""
    calls = []
    shell = types.SimpleNamespace(run_line_magic=lambda name, line: calls.append(f"%{name} {line}"))
    if colab:
        monkeypatch.setitem(sys.modules, "google", types.ModuleType("google"))
        monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    else:
        monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    exec(TransformerManager().transform_cell(source), {"get_ipython": lambda: shell})
    return calls


def test_install_cell_runs_pip_on_colab_only(monkeypatch, capsys):
    source = links.install_cell_source(URL)
    assert run_cell(source, colab=False, monkeypatch=monkeypatch) == []
    assert capsys.readouterr() == ("", "")  # no output outside Colab: nbval sees nothing
    assert run_cell(source, colab=True, monkeypatch=monkeypatch) == [
        f'%pip install -q "actlib @ git+{URL}@{links.BRANCH}"']


@pytest.fixture
def copy_root(tmp_path):
    """A throwaway repository: pyproject.toml, README.md and a copy of notebook 00."""
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    shutil.copy(ROOT / "README.md", tmp_path)
    (tmp_path / "notebooks").mkdir()
    shutil.copy(NOTEBOOK_00, tmp_path / "notebooks")
    return tmp_path


def cells(path: Path) -> list[dict]:
    return json.loads(path.read_text())["cells"]


def strip_install_cell(path: Path) -> None:
    nb = json.loads(path.read_text())
    nb["cells"] = [c for c in nb["cells"] if not (c["cell_type"] == "code" and "".join(
        c["source"]).startswith(links.CELL_MARKER))]
    path.write_text(links.dumps_notebook(nb))


def test_generator_inserts_the_install_cell_first_and_is_idempotent(copy_root):
    nb_path = copy_root / "notebooks" / NOTEBOOK_00.name
    strip_install_cell(nb_path)
    readme = copy_root / "README.md"
    before = cells(nb_path)
    outside = readme.read_text().split(links.START)[0] if links.START in readme.read_text() \
        else None

    assert links.main(["--root", str(copy_root), "--check"]) == 1
    assert links.stale(copy_root, write=True)  # something to do: the cell is missing
    after = cells(nb_path)
    code = [i for i, c in enumerate(after) if c["cell_type"] == "code"]
    cell = after[code[0]]
    assert "".join(cell["source"]) == links.install_cell_source(URL)
    assert cell["execution_count"] is None and cell["outputs"] == []  # re-execute afterwards
    assert after[:code[0]] + after[code[0] + 1:] == before  # nothing else changed
    text = readme.read_text()
    assert text.count(links.START) == 1 and text.count(links.END) == 1
    if outside is not None:
        assert text.startswith(outside)

    snapshot = nb_path.read_bytes(), readme.read_bytes()
    assert links.stale(copy_root, write=True) == []  # a second run changes nothing
    assert (nb_path.read_bytes(), readme.read_bytes()) == snapshot
    assert links.main(["--root", str(copy_root), "--check"]) == 0


def test_generator_restores_the_install_cell_id(copy_root):
    """An editor that renumbers cell ids takes the install cell's away; the Colab test (and
    Colab's form view) find the cell by it, so the generator puts it back, touching nothing
    else."""
    links.stale(copy_root, write=True)
    nb_path = copy_root / "notebooks" / NOTEBOOK_00.name
    nb = json.loads(nb_path.read_text())
    if nb.get("nbformat_minor", 0) < 5:
        pytest.skip("cell ids need nbformat 4.5")
    (cell,) = [c for c in nb["cells"] if c.get("id") == links.CELL_ID]
    cell["id"] = "5444e6b5"
    nb_path.write_text(links.dumps_notebook(nb))
    assert links.stale(copy_root) == [str(nb_path.relative_to(copy_root))]
    links.stale(copy_root, write=True)
    fixed = json.loads(nb_path.read_text())
    cell["id"] = links.CELL_ID
    assert fixed == nb


def test_generator_follows_a_new_url(copy_root):
    links.stale(copy_root, write=True)
    pyproject = copy_root / "pyproject.toml"
    new = "https://github.com/someone-else/actlib-fork"
    pyproject.write_text(pyproject.read_text().replace(URL, new))
    assert links.main(["--root", str(copy_root), "--check"]) == 1
    assert sorted(links.stale(copy_root, write=True)) == ["README.md",
                                                          f"notebooks/{NOTEBOOK_00.name}"]
    text = (copy_root / "README.md").read_text()
    block = text[text.index(links.START):text.index(links.END)]
    assert URL not in block and links.slug(new) in block
    sources = ["".join(c["source"]) for c in cells(copy_root / "notebooks" / NOTEBOOK_00.name)]
    assert sum(s.startswith(links.CELL_MARKER) for s in sources) == 1
    assert f"git+{new}@" in next(s for s in sources if s.startswith(links.CELL_MARKER))


def test_generator_adds_the_block_to_a_readme_without_one():
    text = "# Title\n\nIntro.\n\n## Two commands\n\nmore\n"
    out = links.updated_readme(text, f"{links.START}\nX\n{links.END}")
    assert out == f"# Title\n\nIntro.\n\n{links.START}\nX\n{links.END}\n\n## Two commands\n\nmore\n"
    assert links.updated_readme(out, f"{links.START}\nX\n{links.END}") == out
