"""The instructor's command for the course assignments: a thin wrapper over nbgrader's CLI that
runs it in the course directory (assignments/) with this environment's nbgrader.

    .venv/bin/python scripts/assignments.py release              # student versions -> release/
    .venv/bin/python scripts/assignments.py validate NOTEBOOK    # visible tests; exit 1 on failure
    .venv/bin/python scripts/assignments.py collect              # downloaded/ -> submitted/
    .venv/bin/python scripts/assignments.py autograde            # grade, with the hidden tests
    .venv/bin/python scripts/assignments.py export               # grades -> assignments/grades.csv
    .venv/bin/python scripts/assignments.py feedback             # HTML per student -> feedback/
    .venv/bin/python scripts/assignments.py scores               # the gradebook as a table

Autograding awards points through the course's trusted step (assignments/grader/, wired in by
assignments/nbgrader_config.py): the tests are checked again outside the student's kernel, and
what looks like tampering is flagged (``scores`` lists the flags, ``export`` adds a column).

The assignments themselves are the notebooks in source/: edit them in JupyterLab (``make lab``,
then open assignments/source/), with nbgrader's Create Assignment tool for the cells' roles.

Every command takes ``--course DIR`` (default: this repository's assignments/); release, collect,
autograde, feedback and scores take assignment ids (default: all). nbgrader is an instructor tool
(requirements.txt installs it for ``make test``); students need only actlib.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COURSE = ROOT / "assignments"

# What `nbgrader validate` prints; it exits 0 whether or not the tests pass.
VALIDATE_OK = "Success! Your notebook passes all the tests."
VALIDATE_PROBLEMS = ("VALIDATION FAILED ON", "HAVE CHANGED!", "nbgrader encountered a fatal error")


def _env() -> dict[str, str]:
    # nbgrader creates gradebook.db by running the `alembic` script: it must be on PATH.
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def nbgrader(course: Path, *args: str, capture: bool = False) -> subprocess.CompletedProcess:
    """Run ``nbgrader *args`` in the course directory (where nbgrader_config.py is)."""
    return subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=_env(),
                          text=True, capture_output=capture, check=False)


def assignment_ids(course: Path, wanted: list[str]) -> list[str]:
    found = sorted(p.name for p in (course / "source").iterdir() if p.is_dir())
    unknown = sorted(set(wanted) - set(found))
    if unknown:
        sys.exit(f"unknown assignment(s) {', '.join(unknown)}; the course has {', '.join(found)}")
    return wanted or found


def _each(course: Path, command: str, ids: list[str], *extra: str) -> int:
    """Run ``nbgrader command <id> *extra`` for each assignment: all of them in one run (nbgrader
    takes the pattern "*") unless ids are given."""
    status = 0
    for a in assignment_ids(course, ids) if ids else ["*"]:
        status = nbgrader(course, command, a, *extra).returncode or status
    return status


def release(args) -> int:
    """nbgrader generate_assignment: the student versions, without solutions or hidden tests."""
    status = _each(args.course, "generate_assignment", args.assignments, "--force")
    if not status:
        print(f"student versions in {args.course / 'release'}")
    return status


def validate_output(output: str) -> bool:
    """True when ``nbgrader validate``'s output says that the notebook passes."""
    return VALIDATE_OK in output and not any(p in output for p in VALIDATE_PROBLEMS)


def validate(args) -> int:
    """nbgrader validate, one notebook at a time; exit 1 if any notebook fails its tests."""
    failed = []
    for notebook in args.notebooks:
        run = nbgrader(args.course, "validate", str(Path(notebook).resolve()), capture=True)
        passed = not run.returncode and validate_output(run.stdout)
        print(f"== {notebook}\n{run.stdout}== nbgrader validate exited {run.returncode}; "
              f"its output says the notebook {'passes' if passed else 'FAILS'}")
        if not passed:
            print(run.stderr[-2000:], file=sys.stderr)
            failed.append(notebook)
    if failed:
        print(f"{len(failed)} of {len(args.notebooks)} notebook(s) failed: {', '.join(failed)}")
    return 1 if failed else 0


def collect(args) -> int:
    """nbgrader zip_collect: downloaded/<assignment>/archive/<student_id>/<notebook>.ipynb (or
    <student_id>.zip) -> submitted/<student_id>/<assignment>/."""
    ids = []
    for a in assignment_ids(args.course, args.assignments):
        if (args.course / "downloaded" / a / "archive").is_dir():
            ids.append(a)
        else:
            print(f"{a}: nothing in downloaded/{a}/archive/")
    # zip_collect takes one assignment and no pattern: run them all in one process (nbgrader's
    # start-up takes seconds), as `nbgrader zip_collect <id> --force` would, one after another.
    driver = ("import sys\n"
              "from nbgrader.apps import ZipCollectApp\n"
              "status = 0\n"
              "for a in sys.argv[1:]:\n"
              "    try:\n"
              "        app = ZipCollectApp()\n"
              "        app.initialize([a, '--force'])\n"
              "        app.start()\n"
              "    except SystemExit as exit:\n"
              "        status = status or exit.code\n"
              "sys.exit(status)\n")
    return subprocess.run([sys.executable, "-c", driver, *ids], cwd=args.course, env=_env(),
                          check=False).returncode if ids else 0


def autograde(args) -> int:
    """nbgrader autograde: run each submission with the hidden tests restored; scores go to
    gradebook.db. The trusted step (grader/, wired in nbgrader_config.py) awards the points: the
    student's kernel only records what the student's functions return, and the tests run again
    in nbgrader's own process on those values; tampering is flagged (see ``scores``)."""
    extra = ["--force"] + ([f"--student={args.student}"] if args.student else [])
    return _each(args.course, "autograde", args.assignments, *extra)


def _flags(course: Path):
    """flags(gradebook, assignment, student) from the course's trusted grader (grader/)."""
    sys.path.insert(0, str(course))
    from grader.preprocessors import flags_of

    return flags_of


def export(args) -> int:
    """nbgrader export: one CSV row per student and assignment, with a column "flags" for what the
    trusted grader flagged (empty when nothing was)."""
    import csv

    from nbgrader.api import Gradebook

    to = Path(args.to).resolve() if args.to else args.course / "grades.csv"
    status = nbgrader(args.course, "export", f"--to={to}").returncode
    if status:
        return status
    flags_of = _flags(args.course)
    with to.open(newline="") as f:
        rows = list(csv.DictReader(f))
    with Gradebook(f"sqlite:///{args.course / 'gradebook.db'}") as gb:
        for row in rows:
            found = flags_of(gb, row["assignment"], row["student_id"])
            row["flags"] = " || ".join(found)
    with to.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=[*rows[0].keys()] if rows else ["flags"])
        writer.writeheader()
        writer.writerows(rows)
    print(f"grades in {to}")
    return 0


def feedback(args) -> int:
    """nbgrader generate_feedback: an HTML page per student and assignment, with every test."""
    extra = ["--force"] + ([f"--student={args.student}"] if args.student else [])
    status = _each(args.course, "generate_feedback", args.assignments, *extra)
    if not status:
        print(f"feedback in {args.course / 'feedback'}/<student>/<assignment>/")
    return status


def scores(args) -> int:
    """Print every submission's score from the gradebook, and under it what the trusted grader
    flagged (the cell and the reason)."""
    from nbgrader.api import Gradebook

    flags_of = _flags(args.course)
    db = args.course / "gradebook.db"
    if not db.exists():
        sys.exit(f"no gradebook at {db}: run release and autograde first")
    with Gradebook(f"sqlite:///{db}") as gb:
        for a in assignment_ids(args.course, args.assignments):
            for s in gb.assignment_submissions(a):
                flags = flags_of(gb, a, s.student_id)
                print(f"{a:<18} {s.student_id:<20} {s.score:5.1f} / {s.max_score:g}"
                      + (f"   FLAGGED ({len(flags)})" if flags else ""))
                for flag in flags:
                    print(f"{'':<18}   flagged: {flag}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--course", type=Path, default=COURSE,
                        help="the nbgrader course directory (default: %(default)s)")
    commands = parser.add_subparsers(dest="command", required=True)
    for fn in (release, collect, autograde, feedback, scores):
        sub = commands.add_parser(fn.__name__, help=fn.__doc__.split("\n")[0])
        sub.add_argument("assignments", nargs="*", help="assignment ids (default: all)")
        if fn in (autograde, feedback):
            sub.add_argument("--student", help="only this student")
        sub.set_defaults(run=fn)
    sub = commands.add_parser("validate", help=validate.__doc__.split("\n")[0])
    sub.add_argument("notebooks", nargs="+", help="notebook files")
    sub.set_defaults(run=validate)
    sub = commands.add_parser("export", help=export.__doc__.split("\n")[0])
    sub.add_argument("--to", help="the CSV file to write (default: grades.csv in the course)")
    sub.set_defaults(run=export)

    args = parser.parse_args(argv)
    args.course = args.course.resolve()
    try:
        import nbgrader  # noqa: F401
    except ImportError:
        sys.exit("nbgrader is not installed in this environment: it is the instructor's tool. "
                 "Run `make test` once (it installs requirements.txt), or "
                 f"`{sys.executable} -m pip install nbgrader`.")
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
