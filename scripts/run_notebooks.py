"""Execute notebooks in place, top to bottom in a fresh kernel, the way they are committed.

    .venv/bin/python scripts/run_notebooks.py                 # every notebooks/NN_*.ipynb
    .venv/bin/python scripts/run_notebooks.py notebooks/02_relu.ipynb --check

Stores no widget state, records the platform in notebooks/reference_platform.json (nbval
compares outputs strictly only there: tests/nbval_mode.py), and prints each notebook's Run-All
wall time and its kernel's peak memory (VmHWM). With --check the notebook is executed but not
written (a dry run).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from scripts.hide_checks import hide_checks  # noqa: E402
from tests.nbval_mode import record  # noqa: E402  (the platform the committed outputs come from)

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run(path: Path, write: bool = True, timeout: int = 120) -> tuple[float, float, list[str]]:
    """Execute one notebook; returns (seconds, peak kernel MB, problems).

    A cell gets ``timeout`` seconds (the slowest takes about 40). Now and then a fresh kernel
    never answers its first request; then the notebook is run once more in a new kernel."""
    try:
        return _run(path, write, timeout)
    except TimeoutError as exc:
        print(f"  {path.name}: {exc}; running it again in a new kernel", file=sys.stderr)
        return _run(path, write, timeout)


def execute(path: Path, timeout: int = 120, allow_errors: bool = False, measure=None):
    """Run the notebook at ``path`` top to bottom in a fresh kernel (working directory: its
    folder); returns (the executed notebook, Run-All seconds). ``measure(pid)`` is called with
    the kernel's process id after the last cell. With ``allow_errors`` a failing cell records its
    error and execution goes on."""
    nb = nbformat.read(path, as_version=4)
    if hide_checks(nb.cells):  # asserts into collapsed check cells (scripts/hide_checks.py)
        nb = nbformat.from_dict(nb)
    nb.metadata.pop("widgets", None)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}},
                            allow_errors=allow_errors)  # widget state is recorded, then dropped
    with client.setup_kernel():
        start = time.perf_counter()
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
        seconds = time.perf_counter() - start
        if measure:
            measure(client.km.provisioner.pid)
    nb.metadata.pop("widgets", None)
    return nb, seconds


def _run(path: Path, write: bool, timeout: int) -> tuple[float, float, list[str]]:
    peaks = []
    nb, seconds = execute(path, timeout, measure=lambda pid: peaks.append(peak_mb(pid)))
    peak = peaks[0]
    problems = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                problems.append(f"stderr: {out.get('text', '')[:200]!r}")
    if write:
        nbformat.write(nb, path)
    return seconds, peak, problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--check", action="store_true", help="execute without writing")
    args = parser.parse_args()
    paths = args.paths or NOTEBOOKS
    print("| notebook | Run-All (s) | kernel peak (MB) |\n|---|---:|---:|")
    failed = False
    for path in paths:
        seconds, peak, problems = run(path.resolve(), write=not args.check)
        print(f"| {path.name} | {seconds:.1f} | {peak:.0f} |", flush=True)
        for p in problems:
            failed = True
            print(f"  {path.name}: {p}", file=sys.stderr)
    if not args.check:
        record()  # nbval compares outputs strictly only on this platform (tests/nbval_mode.py)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
