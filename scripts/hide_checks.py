"""Move a lesson's asserts out of the student's way, into check cells that JupyterLab shows
collapsed.

A lesson states a claim in prose, a cell computes and prints the number, and an assert tests the
claim (nbval runs it, under every seed). The assert is for the tests, not the reader, so this
moves the asserts of every code cell into a *check cell* right after it:

- tagged ``check``, with ``jupyter.source_hidden`` (JupyterLab shows "···") and Colab's
  ``cellView: form`` (Colab shows "Show code");
- it starts with ``CHECK_HEADER`` and prints nothing: it is silent unless a claim fails.

Moved are top-level ``assert`` statements and loops or ifs made only of asserts (asserts have no
side effects, so running them after the rest of the cell changes nothing). ``run_notebooks.py``
applies this before it executes a notebook; ``tests/test_notebooks.py`` checks the result.

    .venv/bin/python scripts/hide_checks.py notebooks/*.ipynb   # in place, without running
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

TAG = "check"
CHECK_HEADER = "# Checks the claims above (for the tests; silent unless a claim fails)\n"
CHECK_METADATA = {"tags": [TAG], "jupyter": {"source_hidden": True}, "cellView": "form"}


def is_check(cell) -> bool:
    return cell["cell_type"] == "code" and TAG in cell.get("metadata", {}).get("tags", [])


def _only_asserts(node) -> bool:
    if isinstance(node, ast.Assert):
        return True
    if isinstance(node, (ast.For, ast.If, ast.While)):
        return all(_only_asserts(n) for n in node.body + node.orelse)
    return False


def _source(cell) -> str:
    src = cell["source"]
    return src if isinstance(src, str) else "".join(src)


def split_cell(src: str) -> tuple[str, str]:
    """(the cell without its asserts, the asserts); ("", "") parts where there are none."""
    try:
        tree = ast.parse(src)
    except SyntaxError:  # exercise cells may hold half-written code
        return src, ""
    lines = src.splitlines(keepends=True)
    moved = [n for n in tree.body if _only_asserts(n)]
    if not moved:
        return src, ""
    taken = set()
    for node in moved:
        taken.update(range(node.lineno - 1, node.end_lineno))
    keep = "".join(line for i, line in enumerate(lines) if i not in taken).rstrip("\n")
    checks = "".join(lines[i] for i in sorted(taken)).rstrip("\n")
    return keep, checks


def check_cell(checks: str) -> dict:
    return {"cell_type": "code", "execution_count": None, "metadata": json.loads(
        json.dumps(CHECK_METADATA)), "outputs": [], "source": CHECK_HEADER + checks}


def hide_checks(cells: list) -> int:
    """Split ``cells`` (a notebook's, in place); returns how many check cells were made."""
    made, i = 0, 0
    while i < len(cells):
        cell = cells[i]
        if cell["cell_type"] != "code" or is_check(cell):
            i += 1
            continue
        keep, checks = split_cell(_source(cell))
        if not checks:
            i += 1
            continue
        new = check_cell(checks)
        if i + 1 < len(cells) and is_check(cells[i + 1]):  # add to the check cell that follows
            new["source"] = _source(cells[i + 1]).rstrip("\n") + "\n" + checks
            cells[i + 1] = new
        elif keep.strip():
            cells.insert(i + 1, new)
        else:  # a cell of asserts only becomes the check cell
            cells[i] = new
            made += 1
            i += 1
            continue
        cell["source"] = keep
        made += 1
        i += 2
    return made


def main(paths: list[str]) -> None:
    for path in map(Path, paths):
        nb = json.loads(path.read_text())
        made = hide_checks(nb["cells"])
        for cell in nb["cells"]:  # as Jupyter stores it: a list of lines
            if isinstance(cell["source"], str):
                cell["source"] = cell["source"].splitlines(keepends=True)
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
        print(f"{path.name}: {made} check cells")


if __name__ == "__main__":
    main(sys.argv[1:])
