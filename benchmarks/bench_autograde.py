"""Seconds to autograde one submission of each assignment, the trusted step included (nbgrader's
autograde runs it: assignments/grader/), in a copy of the course.

For each assignment: the solution handed in by 1 student (and, with K > 1, by K students), each
batch autograded by one `scripts/assignments.py autograde <id>` run. t_1, nbgrader's start-up
included, is the number to plan with; with K > 1, (t_K - t_1) / (K - 1) estimates what each
further submission in the same run costs (noisy on a busy machine: it is a difference).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COURSE = ROOT / "assignments"
SCRIPT = ROOT / "scripts" / "assignments.py"
GENERATED = ("release", "downloaded", "submitted", "autograded", "feedback", "gradebook.db",
             "grades.csv", "__pycache__", ".ipynb_checkpoints")


def _run(course: Path, *args: str) -> float:
    t = time.perf_counter()
    run = subprocess.run([sys.executable, str(SCRIPT), "--course", str(course), *args],
                         capture_output=True, text=True, check=False)
    if run.returncode:
        raise RuntimeError(f"assignments.py {' '.join(args)}: {run.stderr[-2000:]}")
    return time.perf_counter() - t


def _solved(source: dict, release: dict) -> dict:
    answers = {c["metadata"]["nbgrader"]["grade_id"]: "\n".join(
        ln for ln in "".join(c["source"]).splitlines()
        if ln.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))
        for c in source["cells"] if c["metadata"].get("nbgrader", {}).get("solution")}
    nb = json.loads(json.dumps(release))
    for c in nb["cells"]:
        meta = c["metadata"].get("nbgrader", {})
        if meta.get("solution"):
            c["source"] = answers[meta["grade_id"]]
    return nb


def measure(k: int = 3) -> list[dict]:
    """One row per assignment: seconds for 1 and for k submissions, marginal and start-up."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "course"
        shutil.copytree(COURSE, base, ignore=shutil.ignore_patterns(*GENERATED))
        _run(base, "release")
        ids = sorted(p.name for p in (base / "source").iterdir() if p.is_dir())
        for a in ids:
            times = {}
            for n in sorted({1, k}):
                course = Path(tmp) / f"{a}-{n}"
                shutil.copytree(base, course, ignore=shutil.ignore_patterns("gradebook.db"))
                nb = _solved(json.loads((course / "source" / a / f"{a}.ipynb").read_text()),
                             json.loads((course / "release" / a / f"{a}.ipynb").read_text()))
                for i in range(n):
                    folder = course / "submitted" / f"student{i}" / a
                    folder.mkdir(parents=True)
                    (folder / f"{a}.ipynb").write_text(json.dumps(nb))
                _run(course, "release", a)  # the gradebook entry for the assignment
                times[n] = _run(course, "autograde", a)
                scores = subprocess.run([sys.executable, str(SCRIPT), "--course", str(course),
                                         "scores", a], capture_output=True, text=True).stdout
                assert len(re.findall(r" 10\.0 / 10", scores)) == n, scores
            marginal = (times[k] - times[1]) / (k - 1) if k > 1 else float("nan")
            rows.append({"assignment": a, "one": times[1], "k": k, "batch": times[k],
                         "per_submission": marginal})
    return rows


def markdown(rows: list[dict]) -> str:
    k = rows[0]["k"] if rows else 0
    lines = ["| assignment | 1 submission, start-up included (s) | " + f"{k} submissions (s)"
             + " | each further submission (s) |", "|---|---|---|---|"]
    for r in rows:
        lines.append(f"| `{r['assignment']}` | {r['one']:.1f} | {r['batch']:.1f} | "
                     f"{r['per_submission']:.1f} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown(measure(int(sys.argv[1]) if len(sys.argv) > 1 else 1)))
