"""Are the lessons' claims true, or lucky? Run every notebook under several seeds and count, for
each cell that asserts a claim, under how many seeds the assert held.

    .venv/bin/python scripts/claims.py              # seeds 0-4, every notebook (make claims)
    .venv/bin/python scripts/claims.py --seeds 5-9 notebooks/02_relu.ipynb

Each run sets ACTLIB_SEED (see ``actlib.seed``) for a fresh kernel and executes a copy of the
notebook top to bottom, carrying on past a failing cell. The table goes to stdout and to
test-output/claims.md. Exit status 1 if any asserting cell failed, or any cell raised, under any
seed: a claim must hold for every seed, not just for the committed one.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from run_notebooks import NOTEBOOKS, ROOT, execute

REPORT = ROOT / "test-output" / "claims.md"


@dataclass
class Cell:
    """One code cell across the runs: which seeds it held (or ran cleanly) under."""
    notebook: str
    index: int
    claim: str  # the first assert line, or "" for a cell that asserts nothing
    held: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)  # seed -> "AssertionError: ..."


def seeds_arg(text: str) -> list[int]:
    """'0-4' -> [0, 1, 2, 3, 4]; '1,3' -> [1, 3]."""
    out = []
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        if not lo.strip().isdigit() or (hi and not hi.strip().isdigit()):
            raise argparse.ArgumentTypeError(f"--seeds: expected e.g. 0-4 or 1,3, got {text!r}")
        out.extend(range(int(lo), int(hi or lo) + 1))
    return out


def first_assert(src: str) -> str:
    match = re.search(r"^\s*assert\b.*$", src, re.MULTILINE)
    return match.group(0).strip() if match else ""


def error_of(cell) -> str | None:
    """The cell's error, with what it printed before it (the measured values), or None."""
    printed = " / ".join(line for out in cell.get("outputs", []) if out.get("name") == "stdout"
                         for line in out.get("text", "").splitlines() if line.strip())
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            return f"{out['ename']}: {out['evalue']} [printed: {printed}]"[:600]
    return None


def check(path: Path, seeds: list[int], timeout: int) -> list[Cell]:
    cells: dict[int, Cell] = {}
    for seed in seeds:
        os.environ["ACTLIB_SEED"] = str(seed)  # the kernel inherits it
        nb, seconds = execute(path, timeout=timeout, allow_errors=True)
        print(f"  {path.name} seed {seed}: {seconds:.0f} s", file=sys.stderr, flush=True)
        for i, c in enumerate(nb.cells):
            if c.cell_type != "code":
                continue
            claim, error = first_assert(c.source), error_of(c)
            if not claim and error is None:
                continue
            cell = cells.setdefault(i, Cell(path.name, i, claim))
            if error is None:
                cell.held.append(seed)
            else:
                cell.failed[seed] = error
    for cell in cells.values():  # a cell that never asserts but raised once: count its clean runs
        cell.held = [s for s in seeds if s not in cell.failed]
    return sorted(cells.values(), key=lambda c: c.index)


def table(cells: list[Cell], seeds: list[int]) -> str:
    lines = ["| notebook | cell | claim (first assert) | held | failed under |",
             "|---|---:|---|---:|---|"]
    for c in cells:
        claim = (c.claim or "(no assert: the cell raised)").replace("|", "\\|")[:90]
        fails = "; ".join(f"seed {s}: {e}" for s, e in c.failed.items()).replace("|", "\\|")
        lines.append(f"| {c.notebook[:2]} | {c.index} | `{claim}` | {len(c.held)}/{len(seeds)}"
                     f" | {fails} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--seeds", type=seeds_arg, default=seeds_arg("0-4"))
    parser.add_argument("--timeout", type=int, default=300, help="seconds per cell")
    parser.add_argument("--report", type=Path, default=REPORT, help="where the table goes")
    args = parser.parse_args(argv)
    paths = [p.resolve() for p in args.paths] or NOTEBOOKS
    cells = [c for path in paths for c in check(path, args.seeds, args.timeout)]
    report = table(cells, args.seeds)
    asserting = [c for c in cells if c.claim]
    bad = [c for c in cells if c.failed]
    held = sum(not c.failed for c in asserting)
    summary = (f"{len(asserting)} asserting cells in {len(paths)} notebooks, seeds "
               f"{','.join(map(str, args.seeds))}: {held} held under every seed; "
               f"{len(bad)} cells failed under some seed")
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(f"# make claims\n\n{summary}\n\n{report}\n", encoding="utf-8")
    print(report)
    print(f"\n{summary} (table in {args.report})")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
