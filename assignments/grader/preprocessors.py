"""nbgrader preprocessors: TrustedExecute replaces nbgrader's Execute in autograde (it runs the
submission with the recorder, then replays every test here and leaves on each graded cell the
output nbgrader scores: no error if the replay passed, an error if it did not); SaveFlags, after
SaveAutoGrades, writes the flags into the gradebook's comments."""

from __future__ import annotations

import ast
import json
from collections import defaultdict
from pathlib import Path

import nbformat
from nbclient.exceptions import DeadKernelError
from nbformat.notebooknode import NotebookNode
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import Execute, NbGraderPreprocessor

from . import FLAG_PREFIX, MIME
from .guard import Guard, protected_files
from .record import kernel_source
from .replay import Cell, replay
from .scan import suspicious

KEY = "grader_flags"


def defined_names(source: str) -> list[str]:
    """Top-level names an answer cell (the instructor's solution) defines."""
    lines = [ln for ln in source.splitlines() if not ln.lstrip().startswith(("%", "!", "###"))]
    try:
        tree = ast.parse("\n".join(lines))
    except SyntaxError:
        return []
    names = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            for t in node.targets if isinstance(node, ast.Assign) else [node.target]:
                names += [n.id for n in ast.walk(t) if isinstance(n, ast.Name)]
    return list(dict.fromkeys(names))


def _course(db_url: str) -> Path:
    return Path(db_url.removeprefix("sqlite:///")).resolve().parent if db_url.startswith(
        "sqlite:///") else Path.cwd()


def _stream(text: str) -> NotebookNode:
    return nbformat.v4.new_output("stream", name="stdout", text=text)


def _is_record(output) -> bool:
    return output.get("output_type") in ("display_data", "execute_result",
                                         "update_display_data") and MIME in output.get("data", {})


class TrustedExecute(Execute):
    """nbgrader's Execute, with the student's kernel recording and this process judging."""

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gb:
            book = gb.find_notebook(info["notebook"], info["assignment"])
            trusted = {c.name: (c.source, c.locked, c.cell_type) for c in book.source_cells}
            solutions = {c.name for c in book.solution_cells}
            graded = {c.name for c in book.grade_cells}
        names = [n for gid in solutions for n in defined_names(trusted[gid][0])]
        names = list(dict.fromkeys(names))

        # locked code cells, the instructor's source (never the submission's), in notebook order
        cells: list[tuple[NotebookNode, Cell]] = []
        for cell in nb.cells:
            gid = cell.metadata.get("nbgrader", {}).get("grade_id")
            source, locked, kind = trusted.get(gid, (None, False, None))
            if cell.cell_type != "code" or kind != "code" or not locked or gid in solutions:
                continue
            if "google.colab" in source:  # the install cell: nothing to check
                continue
            cells.append((cell, Cell(gid, source, gid in graded)))
            cell.source = f"%%_graded {gid} {' '.join(names)}\n{source}"
        setup = nbformat.v4.new_code_cell(kernel_source())
        nb.cells.insert(0, setup)

        died = None
        with Guard(protected_files(_course(info["db_url"]))) as guard:
            try:
                nb, resources = super().preprocess(nb, resources)
            except DeadKernelError as e:
                died = str(e)[:200] or "the kernel died"
        nb.cells.remove(setup)

        flags: list[tuple[str, str]] = []
        for cell, spec in cells:
            spec.records = [json.loads(json.dumps(o["data"][MIME])) for o in cell.outputs
                            if _is_record(o)]
            cell.outputs = [o for o in cell.outputs if not _is_record(o)]
            cell.source = spec.source
            spec.kernel_error = any(o.get("output_type") == "error" for o in cell.outputs) or any(
                isinstance(r, dict) and r.get("error") for r in spec.records)
        answers = []
        for cell in nb.cells:
            gid = cell.metadata.get("nbgrader", {}).get("grade_id")
            if cell.cell_type == "code" and not any(cell is c for c, _ in cells):
                if any(_is_record(o) for o in cell.outputs):
                    flags.append((gid or "?", "prints what looks like the grader's record"))
                    cell.outputs = [o for o in cell.outputs if not _is_record(o)]
                if gid in solutions:
                    answers.append(cell.source)
                    for why in suspicious(cell.source):
                        flags.append((gid, why))

        verdicts = replay([spec for _, spec in cells], names, answers)
        zeroed = guard.reasons()
        if died:
            zeroed.append(f"the kernel died ({died}): the cells after it did not run")
        for why in zeroed:
            flags.append(("(notebook)", why))

        for cell, spec in cells:
            if not spec.graded:
                continue
            verdict = verdicts[spec.grade_id]
            outputs = []
            for o in cell.outputs:
                kind = o.get("output_type")
                if kind == "error":
                    outputs.append(_stream(f"In your kernel: {o.get('ename')}: "
                                           f"{o.get('evalue')}\n"))
                elif kind == "stream" and o.get("name") == "stderr":
                    outputs.append(_stream(o.get("text", "")))
                elif kind == "execute_result":
                    outputs.append(nbformat.v4.new_output("display_data", data=o.get("data", {})))
                else:
                    outputs.append(o)
            for why in verdict.flags:
                flags.append((spec.grade_id, why))
            if verdict.passed and not zeroed:
                outputs.append(_stream("Checked by the grader outside your kernel: passed.\n"))
            else:
                reason = "; ".join(zeroed) if zeroed else verdict.reason
                outputs.append(nbformat.v4.new_output(
                    "error", ename="GraderCheckFailed", evalue=reason,
                    traceback=[f"Checked by the grader outside your kernel: {reason}"]))
            for gid, why in flags:
                if gid == spec.grade_id:
                    outputs.append(_stream(f"⚠ {FLAG_PREFIX}: {why}\n"))
            cell.outputs = outputs
        for cell in nb.cells:  # answer cells and notebook-wide flags, shown where they belong
            gid = cell.metadata.get("nbgrader", {}).get("grade_id")
            if gid in solutions and cell.cell_type == "code":
                cell.outputs += [_stream(f"⚠ {FLAG_PREFIX}: {why}\n") for g, why in flags
                                 if g == gid]
        resources["nbgrader"][KEY] = flags
        return nb, resources


class SaveFlags(NbGraderPreprocessor):
    """Write the flags into the gradebook: the comment on each task's answer cell (notebook-wide
    flags on the first), where the formgrader, ``scores``, ``export`` and feedback show them."""

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        flags = info.get(KEY) or []
        if not flags:
            return nb, resources
        answer_of, last, first = {}, None, None
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("solution"):
                last = meta["grade_id"]
                first = first or last
            if meta.get("grade_id"):
                answer_of[meta["grade_id"]] = meta["grade_id"] if meta.get("solution") else last
        by_answer = defaultdict(list)
        for gid, why in flags:
            by_answer[answer_of.get(gid) or first].append(f"{gid}: {why}")
        with Gradebook(info["db_url"]) as gb:
            for answer, items in by_answer.items():
                if answer is None:
                    continue
                comment = gb.find_comment(answer, info["notebook"], info["assignment"],
                                          info["student"])
                text = f"{FLAG_PREFIX}: " + " | ".join(items)
                comment.auto_comment = f"{comment.auto_comment}\n{text}" if comment.auto_comment \
                    else text
            gb.db.commit()
        return nb, resources


def flags_of(gb: Gradebook, assignment: str, student: str) -> list[str]:
    """The flags the grader left on one submission (from the gradebook's comments)."""
    out = []
    try:
        submission = gb.find_submission(assignment, student)
    except MissingEntry:  # nothing handed in
        return out
    for notebook in submission.notebooks:
        for comment in notebook.comments:
            for line in (comment.auto_comment or "").splitlines():
                if line.startswith(FLAG_PREFIX):
                    out.append(line.removeprefix(f"{FLAG_PREFIX}: "))
    return out
