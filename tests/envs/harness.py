"""What every environment check shares: build actlib's wheel, make a fresh virtual environment,
install into it, and run every lesson in it from a folder outside the repository.

The lessons run in a Jupyter kernel of that environment's Python (nbclient from the test's own
environment drives it) with the working directory a temporary copy of notebooks/, so the kernel
can only import the installed, non-editable actlib. A run collects, per notebook, its errors and
anything printed to stderr (with the cell's number and first line) and its wall time.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
REPORTS = ROOT / "test-output" / "envs"
UV = Path(sys.executable).parent / ("uv.exe" if os.name == "nt" else "uv")
CELL_TIMEOUT = 300  # seconds; the slowest lesson cell takes about 40 on an idle machine


def run(cmd: list[str | Path], timeout: float = 1800, **kwargs) -> subprocess.CompletedProcess:
    """Run a command; on failure, raise with the command and the end of its output."""
    done = subprocess.run([str(c) for c in cmd], capture_output=True, text=True,
                          timeout=timeout, **kwargs)
    if done.returncode != 0:
        raise AssertionError(f"`{' '.join(map(str, cmd))}` exited {done.returncode}:\n"
                             f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done


def uv(*args: str | Path, timeout: float = 600) -> subprocess.CompletedProcess:
    """The pinned uv (requirements.txt) of the test's own environment."""
    assert UV.exists(), f"{UV} missing: install requirements.txt (it pins uv)"
    return run([UV, *args], timeout=timeout)


def build_wheel(dest: Path) -> Path:
    """actlib's wheel, built from the repository the way pip builds it for any user."""
    run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", dest, ROOT])
    wheels = sorted(dest.glob("actlib-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def python_version(version: str) -> Path:
    """An interpreter for Python ``version`` ("3.12"): pyenv's newest, else python3.12 on PATH."""
    pyenv = shutil.which("pyenv")
    if pyenv:
        root = Path(run([pyenv, "root"]).stdout.strip())
        found = sorted(root.glob(f"versions/{version}.*/bin/python"),
                       key=lambda p: [int(x) for x in re.findall(r"\d+", p.parent.parent.name)])
        if found:
            return found[-1]
    on_path = shutil.which(f"python{version}")
    if not on_path:
        raise AssertionError(f"no Python {version}: install one (e.g. `pyenv install {version}`)")
    return Path(on_path)


def pins(requirements: Path, names: set[str], python: str) -> list[str]:
    """requirements.txt's `name==version` lines for ``names`` on this machine with ``python``
    (the lines whose environment marker holds), without their markers."""
    from packaging.requirements import Requirement

    environment = {"python_version": python, "python_full_version": f"{python}.0"}
    chosen = []
    for line in requirements.read_text().splitlines():
        line = line.split("#")[0].strip()
        if not line:
            continue
        req = Requirement(line)
        if req.name.lower() in names and (not req.marker or req.marker.evaluate(environment)):
            chosen.append(f"{req.name}{req.specifier}")
    missing = names - {Requirement(c).name.lower() for c in chosen}
    assert not missing, f"{requirements.name} pins no {sorted(missing)} for Python {python}"
    return chosen


@dataclass
class Env:
    """A virtual environment made for one check."""

    path: Path

    @property
    def python(self) -> Path:
        return self.path / ("Scripts/python.exe" if os.name == "nt" else "bin/python")

    @classmethod
    def create(cls, path: Path, python: str | Path = sys.executable) -> Env:
        run([python, "-m", "venv", path])
        env = cls(path)
        env.pip("install", "--quiet", "--upgrade", "pip")
        return env

    def pip(self, *args: str | Path, timeout: float = 1800) -> subprocess.CompletedProcess:
        return run([self.python, "-m", "pip", *args], timeout=timeout)

    def freeze(self) -> dict[str, str]:
        """{normalised name: version} of everything installed (pip excluded)."""
        listed = json.loads(self.pip("list", "--format=json", "--exclude", "pip").stdout)
        return {p["name"].lower().replace("_", "-"): p["version"] for p in listed}

    def actlib_location(self, cwd: Path) -> Path:
        """Where `import actlib` finds actlib when run from ``cwd``."""
        code = "import actlib, pathlib; print(pathlib.Path(actlib.__file__).resolve())"
        return Path(run([self.python, "-c", code], cwd=cwd).stdout.strip())


@dataclass
class NotebookResult:
    name: str
    seconds: float
    problems: list[str] = field(default_factory=list)


def _first_line(cell) -> str:
    return next((line for line in cell.source.splitlines() if line.strip()), "")[:80]


def problems_in(nb) -> list[str]:
    """Errors and stderr output of an executed notebook, each naming its cell."""
    found = []
    for index, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            where = f"cell {index} ({_first_line(cell)!r})"
            if out.output_type == "error":
                printed = "".join(o.text for o in cell.outputs
                                  if o.output_type == "stream" and o.name == "stdout")
                found.append(f"{where}: {out.ename}: {out.evalue}"[:600]
                             + (f"; it printed {printed.strip()[-600:]!r}" if printed else ""))
            elif out.output_type == "stream" and out.name == "stderr":
                found.append(f"{where} wrote to stderr: {out.text.strip()[:500]!r}")
    return found


@contextmanager
def kernel_of(env: Env, home: Path):
    """A kernel spec 'actlib-env' that starts ``env``'s Python, found through JUPYTER_PATH."""
    spec = home / "kernels" / "actlib-env"
    spec.mkdir(parents=True, exist_ok=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [str(env.python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "actlib env check", "language": "python"}))
    before = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(home), before]))
    try:
        yield "actlib-env"
    finally:
        if before is None:
            del os.environ["JUPYTER_PATH"]
        else:
            os.environ["JUPYTER_PATH"] = before


def run_notebook(path: Path, kernel: str, workdir: Path) -> NotebookResult:
    """Execute one notebook (a copy in ``workdir``) in a fresh kernel; errors and stderr are
    collected, not raised. Now and then a fresh kernel never answers its first request (as in
    scripts/run_notebooks.py); then the notebook runs once more in a new kernel."""
    for attempt in (1, 2):
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(nb, kernel_name=kernel, timeout=CELL_TIMEOUT, allow_errors=True,
                                resources={"metadata": {"path": str(workdir)}})
        start = time.perf_counter()
        try:
            client.execute()
            problems = problems_in(nb)
        except (CellTimeoutError, DeadKernelError, RuntimeError) as exc:
            problems = [*problems_in(nb), f"kernel: {type(exc).__name__}: {exc}"[:600]]
            if attempt == 1 and not any(c.get("execution_count") for c in nb.cells):
                continue  # it hung before any cell ran: once more
        return NotebookResult(path.name, time.perf_counter() - start, problems)
    raise AssertionError("unreachable")


def run_notebooks(env: Env, workdir: Path, notebooks: list[Path] = NOTEBOOKS
                  ) -> list[NotebookResult]:
    """Copy the lessons into ``workdir`` (outside the repository) and execute each there, top to
    bottom in a fresh kernel of ``env``, continuing past errors to report them all."""
    workdir.mkdir(parents=True, exist_ok=True)
    with kernel_of(env, workdir / ".jupyter") as kernel:
        results = [run_notebook(Path(shutil.copy(source, workdir)), kernel, workdir)
                   for source in notebooks]
    location = env.actlib_location(workdir)
    assert env.path.resolve() in location.parents, \
        f"the lessons imported actlib from {location}, not from the environment {env.path}"
    return results


def report(name: str, title: str, results: list[NotebookResult], notes: list[str] = ()) -> str:
    """A Markdown table of the run, printed (visible with -s) and written to
    test-output/envs/<name>.md; returns the failure message ('' when every lesson was clean)."""
    lines = [f"# {title}", "", *notes, "" if notes else None,
             "| notebook | seconds | result |", "|---|---:|---|"]
    lines = [line for line in lines if line is not None]
    for r in results:
        lines.append(f"| {r.name} | {r.seconds:.1f} | "
                     f"{'clean' if not r.problems else f'{len(r.problems)} problem(s)'} |")
    lines.append(f"| total | {sum(r.seconds for r in results):.1f} | |")
    text = "\n".join(lines) + "\n"
    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / f"{name}.md").write_text(text, encoding="utf-8")
    print(f"\n{text}")
    failures = [f"{r.name}, {p}" for r in results for p in r.problems]
    return "\n".join(failures)
