"""The verdicts: each locked code cell's code (the instructor's) runs again in this process, with
its NumPy and actlib, and with the student's functions replaced by what they returned in the
student's kernel, call by call."""

from __future__ import annotations

import contextlib
import io
import types
import warnings
from dataclasses import dataclass, field

from .record import Unrecordable, decode, digest


@dataclass
class Verdict:
    """One graded cell's result in the trusted replay."""

    passed: bool
    reason: str = ""
    flags: list[str] = field(default_factory=list)


class Player:
    """The recorded calls of one cell, handed back in the order the kernel made them."""

    def __init__(self, calls: list):
        self.calls = list(calls) if isinstance(calls, list) else []
        self.next = 0

    def call(self, name: str, args: tuple, kwargs: dict):
        if self.next >= len(self.calls):
            raise AssertionError(f"{name}(): the grader has no recorded result for this call "
                                 "(the kernel never made it)")
        entry = self.calls[self.next]
        self.next += 1
        if not isinstance(entry, dict) or entry.get("name") != name:
            raise AssertionError(f"{name}(): the recorded calls are not the calls the test makes")
        try:
            same = entry.get("args") == digest([list(args), kwargs])
        except TypeError:
            same = True  # arguments the digest cannot read (the test's own objects)
        if not same:
            raise AssertionError(f"{name}(): recorded with other arguments than the test's")
        if "raised" in entry:
            raise AssertionError(f"{name}() raised in your kernel: {entry['raised']}")
        if "result" not in entry:
            raise AssertionError(f"{name}() returned a value the grader cannot check "
                                 f"({entry.get('unrecordable', 'not plain data')}): return NumPy "
                                 "arrays, numbers, strings, lists, tuples or dicts")
        try:
            return decode(entry["result"])
        except (Unrecordable, TypeError, ValueError) as e:
            raise AssertionError(f"{name}() returned a value the grader cannot check: {e}") \
                from None


class Recorded:
    """Stands for a student's function in the replay: returns what the function returned."""

    def __init__(self, name: str, code: types.CodeType | None):
        self.__name__ = name
        self.player: Player | None = None
        if code is not None:
            self.__code__ = code  # tests may read the student's code (co_names), never run it

    def __call__(self, *args, **kwargs):
        if self.player is None:
            raise AssertionError(f"{self.__name__}(): not recorded in this cell")
        return self.player.call(self.__name__, args, kwargs)


def function_codes(sources: list[str]) -> dict[str, types.CodeType]:
    """Code objects of the top-level functions in the student's answer cells (compiled, never
    executed: a test may inspect them)."""
    codes: dict[str, types.CodeType] = {}
    for text in sources:
        lines = [ln for ln in text.splitlines() if not ln.lstrip().startswith(("%", "!"))]
        try:
            module = compile("\n".join(lines), "<answer>", "exec")
        except (SyntaxError, ValueError):
            continue
        for const in module.co_consts:
            if isinstance(const, types.CodeType):
                codes[const.co_name] = const
    return codes


@dataclass
class Cell:
    """A locked code cell of the notebook, as the instructor wrote it."""

    grade_id: str
    source: str
    graded: bool
    records: list = field(default_factory=list)
    kernel_error: bool = False


def replay(cells: list[Cell], names: list[str], answers: list[str]) -> dict[str, Verdict]:
    """Run the cells in order in one fresh namespace; a verdict for each graded cell."""
    codes = function_codes(answers)
    stubs = {n: Recorded(n, codes.get(n)) for n in names}
    namespace: dict = {"__name__": "__grader_replay__"}
    verdicts: dict[str, Verdict] = {}
    for cell in cells:
        flags: list[str] = []
        if len(cell.records) != 1:
            reason = ("no record of this cell: the kernel stopped before it, or its output was "
                      "altered" if not cell.records else
                      f"{len(cell.records)} records of this cell where the grader writes one: "
                      "something printed a fake record")
            if cell.graded:
                verdicts[cell.grade_id] = Verdict(False, reason, [reason] if cell.records
                                                  or not cell.kernel_error else [])
            continue
        record = cell.records[0]
        player = Player(record.get("calls") if isinstance(record, dict) else None)
        for n in names:
            stubs[n].player = player
            namespace[n] = stubs[n]
        values = record.get("values") if isinstance(record, dict) else None
        for n, v in (values or {}).items():
            if n in stubs:
                try:
                    namespace[n] = decode(v)
                except (Unrecordable, TypeError, ValueError) as e:
                    namespace[n] = None
                    flags.append(f"{n} holds a value the grader cannot read: {e}")
        passed, reason = True, ""
        out = io.StringIO()
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out), \
                    warnings.catch_warnings():
                warnings.simplefilter("ignore")
                exec(compile(cell.source, f"<grader: {cell.grade_id}>", "exec"), namespace)  # noqa: S102
        except Exception as e:  # noqa: BLE001 (any failure of the test fails the cell)
            passed, reason = False, f"{type(e).__name__}: {e}"[:600]
        if passed and player.next != len(player.calls):
            passed = False
            reason = (f"the record holds {len(player.calls)} calls, the test made {player.next}: "
                      "something recorded calls the test never made")
            flags.append(reason)
        for n in names:
            stubs[n].player = None
        if cell.graded:
            if not passed and not cell.kernel_error and not flags:
                flags.append("passed in the student's kernel, failed when the grader checked the "
                             f"recorded results ({reason}): a test helper, NumPy or actlib was "
                             "probably rebound, or a result fakes its comparisons")
            verdicts[cell.grade_id] = Verdict(passed, reason, flags)
    return verdicts
