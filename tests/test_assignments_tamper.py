"""Tampering cannot raise a score: the attacks in tests/assignments/tamper.py, each appended to
every answer cell of the plausible wrong answers, are handed in, autograded with the course's
trusted step (assignments/grader/) and must score no more than the honest wrong answers, and be
flagged with the cell and the reason in the gradebook, `scores`, the CSV export and the feedback
page. A file of its own, so that xdist runs it beside tests/test_assignments.py.

Every attack is tried on every assignment, grouped by what it attacks (the kernel's tools, the
grader's record, the grader's files); on 01_sigmoid each attack is also tried alone.
ACTLIB_TAMPER=all tries each alone on every assignment (slower).
"""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import re
import shutil
import sys
from pathlib import Path

import pytest

pytest.importorskip("nbgrader", reason="nbgrader (in requirements.txt) grades the assignments")

from nbgrader.api import Gradebook  # noqa: E402

from tests.test_assignments import (  # noqa: E402
    COURSE,
    EXPECTED,
    GENERATED,
    IDS,
    WRONG_ANSWERS,
    answered,
    assignments,
    load,
    wrong_answers,
)

spec = importlib.util.spec_from_file_location("tamper", WRONG_ANSWERS / "tamper.py")
tamper = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tamper)

GROUPS = {
    "tamper_kernel": ("rebind_helpers", "rebind_references", "always_equal", "sys_modules_swap",
                      "exec_hidden"),
    "tamper_record": ("silence_and_fake_record", "patch_recorder_and_exit"),
    "tamper_files": ("read_grader_files", "rewrite_grader_files"),
}


def tamperers(a: str) -> dict[str, tuple[str, ...]]:
    """student id -> the attacks in that submission of assignment a. Reading the grader's files
    is caught by inotify, on Linux only: elsewhere only the answer-cell scan flags it, and the
    attack is not handed in."""
    def here(attacks):
        return tuple(n for n in attacks if sys.platform == "linux" or n != "read_grader_files")

    alone = {f"tamper_{name}": (name,) for name in tamper.ATTACKS}
    chosen = {**GROUPS, **alone} if os.environ.get("ACTLIB_TAMPER") == "all" or \
        a == "01_sigmoid" else dict(GROUPS)
    return {s: here(attacks) for s, attacks in chosen.items() if here(attacks)}


def test_every_attack_is_in_a_group():
    assert sorted(a for g in GROUPS.values() for a in g) == sorted(tamper.ATTACKS)


@pytest.fixture(scope="module")
def tampered(tmp_path_factory) -> Path:
    """The tampering submissions, autograded and exported (the honest wrong answers are graded in
    test_assignments.py: EXPECTED holds their score)."""
    course = tmp_path_factory.mktemp("course")
    shutil.copytree(COURSE, course, dirs_exist_ok=True, ignore=shutil.ignore_patterns(*GENERATED))
    assignments(course, "release")
    for a in IDS:
        release = load(course / "release" / a / f"{a}.ipynb")
        wrong = wrong_answers(a)
        students = {}
        for student, attacks in tamperers(a).items():
            code = "\n".join(tamper.ATTACKS[name] for name in attacks)
            students[student] = answered(release, {k: f"{v}\n{code}" for k, v in wrong.items()})
        for student, nb in students.items():
            folder = course / "submitted" / student / a
            folder.mkdir(parents=True)
            (folder / f"{a}.ipynb").write_text(json.dumps(nb))
    assignments(course, "autograde")
    assignments(course, "export")
    return course


def flags(course: Path, a: str, student: str) -> list[str]:
    sys.path.insert(0, str(course))
    from grader.preprocessors import flags_of

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return flags_of(gb, a, student)


@pytest.mark.parametrize("a", IDS)
def test_tampering_scores_no_more_than_the_wrong_answers_and_is_flagged(tampered, a):
    """Rebound comparisons and references, always-equal results, a swapped NumPy, code hidden in
    exec, a silenced traceback and a fake record, a replaced recorder and a killed kernel, the
    grader's files read or rewritten."""
    wrong = EXPECTED[a]["wrong"]  # what the honest wrong answers score (test_assignments.py)
    with Gradebook(f"sqlite:///{tampered / 'gradebook.db'}") as gb:
        scores = {s: gb.find_submission(a, s).score for s in tamperers(a)}
    for student, attacks in tamperers(a).items():
        assert scores[student] <= wrong, f"{a}, {attacks}: {scores[student]} > {wrong} points"
        found = flags(tampered, a, student)
        assert found, f"{a}, {attacks}: not flagged"
        assert all(re.match(r"\S+: \S", f) for f in found), found  # the cell, the reason
        if attacks == ("rebind_helpers",):  # the replay is what caught it
            assert any("passed in the student's kernel, failed when the grader" in f
                       for f in found), found
        if "read_grader_files" in attacks or "rewrite_grader_files" in attacks:
            assert scores[student] == 0, f"{a}, {attacks}: {scores[student]}"
            assert any("the grader's files" in f for f in found), found
    # the grader's files, restored after the attack that rewrote them
    for name in ("nbgrader_config.py", "grader/replay.py"):
        assert (tampered / name).read_text() == (COURSE / name).read_text()


def test_scores_lists_the_flags(tampered):
    run = assignments(tampered, "scores", "01_sigmoid")
    rows = dict(re.findall(r"^01_sigmoid\s+(\S+)\s+[\d.]+ / 10(.*)$", run.stdout, re.M))
    assert "FLAGGED" in rows["tamper_rebind_helpers"]
    assert "flagged: task1_answer: rebinds np.allclose" in run.stdout


def test_export_has_a_flags_column(tampered):
    with (tampered / "grades.csv").open() as f:
        rows = {(r["assignment"], r["student_id"]): r for r in csv.DictReader(f)}
    for a in IDS:
        for student in tamperers(a):
            assert rows[a, student]["flags"], f"{a}, {student}: no flags in the CSV"
            assert float(rows[a, student]["score"]) <= EXPECTED[a]["wrong"]


def test_feedback_shows_the_flags(tampered):
    assignments(tampered, "feedback", "05_softmax", "--student", "tamper_kernel")
    page = (tampered / "feedback" / "tamper_kernel" / "05_softmax" / "05_softmax.html").read_text()
    assert "FLAGGED by the grader" in page and "rebinds np.allclose" in page
    assert "Checked by the grader outside your kernel" in page
