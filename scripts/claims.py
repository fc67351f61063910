"""Are the lessons' claims true, or lucky? Run every notebook under several seeds and count, for
each cell that asserts a claim, under how many seeds the assert held, and how much room each
comparison had at its worst seed.

    .venv/bin/python scripts/claims.py              # seeds 0-4, every notebook (make claims)
    .venv/bin/python scripts/claims.py --seeds 0-19 notebooks/02_relu.ipynb
    make claims SEEDS=0-19                          # calibration: the SEEDS variable sets the seeds

Each run sets ACTLIB_SEED (see ``actlib.seed``) for a fresh kernel and executes a copy of the
notebook top to bottom, carrying on past a failing cell. After each check cell (the asserts,
scripts/hide_checks.py) the operands of its comparisons are evaluated in the same kernel, without
changing its state (see ``probe``), and their margin is recorded: for ``a < b`` the margin is
b - a and the relative margin (b - a) / max(|a|, |b|); a chain ``lo < x < hi`` gives two
comparisons, ``p and q`` each of its parts, ``all(a < b)`` its worst element, an assert in a loop
its worst pass. ``==`` has no margin ("exact"); other forms (``in``, ``is``, calls) are reported
"held (no margin)". The verdict is the cell's own: a margin is information, never a verdict.

The tables go to stdout and to test-output/claims.md (rewritten after every seed; what each seed
measured goes to claims.json beside it): the cells, and the comparisons sorted by their worst
relative margin, flagged ones first: failed, thin (relative margin < 5 %), or a mean margin
within 3 standard deviations over the seeds (a fresh seed would fail about 0.1 % of the time or
more). Exit status 1 if any asserting cell failed, or any cell raised, under any seed: a claim
must hold for every seed, not just for the committed one.
"""

from __future__ import annotations

import argparse
import ast
import copy
import json
import math
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbclient import NotebookClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
from hide_checks import hide_checks, is_check  # noqa: E402
from run_notebooks import NOTEBOOKS, ROOT  # noqa: E402

REPORT = ROOT / "test-output" / "claims.md"
THIN = 0.05  # a relative margin below this is flagged
SPREAD = 3.0  # so is a mean margin within this many standard deviations (over the seeds) of 0
TINY = 1e-300
ORDER = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "=="}  # with a margin
OTHER = {ast.NotEq: "!=", ast.Is: "is", ast.IsNot: "is not", ast.In: "in", ast.NotIn: "not in"}


# ---------------------------------------------------------------------------------------------
# The comparisons in a check cell, and the program that measures them
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Comparison:
    """One comparison an assert makes: ``left op right``, or a form without a margin (op "")."""
    key: int
    text: str  # its source, e.g. "acc_linear < 0.75"
    op: str  # "<", "<=", ">", ">=", "==", or "" (no margin: in, is, !=, a call, ...)
    reason: str = ""  # why there is no margin, when op is ""
    in_loop: bool = False


def _refusal(node: ast.AST) -> str:
    """Why an operand must not be evaluated again ("" if it may): it would change state."""
    for n in ast.walk(node):
        if isinstance(n, ast.NamedExpr):
            return "assigns (:=)"
        if isinstance(n, (ast.Yield, ast.YieldFrom, ast.Await)):
            return "yields or awaits"
    return ""


class _Guard(ast.NodeTransformer):
    """Each call ``f(...)`` becomes ``__claims_guard(f)(...)``: only functions known to leave
    the kernel's state alone run (see PRELUDE)."""

    def visit_Call(self, node):
        self.generic_visit(node)
        node.func = ast.Call(ast.Name("__claims_guard", ast.Load()), [node.func], [])
        return node


def _guard(node: ast.AST) -> ast.AST:
    return _Guard().visit(copy.deepcopy(node))


class _Probe(ast.NodeTransformer):
    """Rewrite a check cell: each assert becomes calls that measure its comparisons (their
    operands guarded, ``_guard``); loops and ifs stay."""

    def __init__(self, src: str):
        self.src = src
        self.comparisons: list[Comparison] = []
        self.loop = 0

    def _text(self, node: ast.AST) -> str:
        """The node's source as written (4.6e-4, not 0.00046)."""
        return ast.get_source_segment(self.src, node) or ast.unparse(node)

    def _add(self, text, op, reason=""):
        self.comparisons.append(Comparison(len(self.comparisons), text, op, reason,
                                           self.loop > 0))
        return self.comparisons[-1].key

    def _measure(self, key, op, pairs: ast.expr, elementwise: bool) -> ast.stmt:
        call = ast.Call(ast.Name("__claims_measure", ast.Load()),
                        [ast.Constant(key), ast.Constant(op),
                         ast.Lambda(ast.arguments([], [], None, [], [], None, []), pairs),
                         ast.Constant(elementwise)], [])
        return ast.Expr(call)

    def _parts(self, test: ast.expr) -> list[ast.stmt]:
        """The measuring statements for one assert's test."""
        if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
            return [s for value in test.values for s in self._parts(value)]
        if isinstance(test, ast.Compare):
            out, left = [], test.left
            for op, right in zip(test.ops, test.comparators, strict=True):
                symbol, reason = ORDER.get(type(op), ""), _refusal(left) or _refusal(right)
                text = (f"{self._text(left)} {symbol or OTHER[type(op)]} "
                        f"{self._text(right)}")
                if not symbol:
                    self._add(text, "", f"no margin for `{OTHER[type(op)]}`")
                elif reason:
                    self._add(text, "", reason)
                else:
                    key = self._add(text, symbol)
                    pair = ast.List([ast.Tuple([_guard(left), _guard(right)], ast.Load())],
                                    ast.Load())
                    out.append(self._measure(key, symbol, pair, elementwise=False))
                left = right
            return out
        elementwise = self._elementwise(test)
        if elementwise is not None:
            return elementwise
        self._add(self._text(test), "", "not a comparison")
        return []

    def _elementwise(self, test: ast.expr) -> list[ast.stmt] | None:
        """``all(a < b)``, ``np.all(a < b)``, ``all(a < b for ...)``: the worst element."""
        if not (isinstance(test, ast.Call) and len(test.args) == 1 and not test.keywords):
            return None
        func = ast.unparse(test.func)
        if func not in ("all", "np.all", "numpy.all"):
            return None
        arg = test.args[0]
        generators = None
        if isinstance(arg, ast.GeneratorExp) and func == "all":
            arg, generators = arg.elt, arg.generators
        if not (isinstance(arg, ast.Compare) and len(arg.ops) == 1
                and type(arg.ops[0]) in ORDER):
            return None
        left, right, symbol = arg.left, arg.comparators[0], ORDER[type(arg.ops[0])]
        text = self._text(test)
        reason = _refusal(test)
        if reason:
            self._add(text, "", reason)
            return []
        key = self._add(text, symbol)
        pair = ast.Tuple([_guard(left), _guard(right)], ast.Load())
        pairs = (ast.ListComp(pair, [_guard(g) for g in generators]) if generators
                 else ast.List([pair], ast.Load()))
        return [self._measure(key, symbol, pairs, elementwise=True)]

    def visit_Assert(self, node):
        return self._parts(node.test) or ast.Pass()

    def _body(self, stmts: list[ast.stmt]) -> list[ast.stmt]:
        out = []
        for stmt in stmts:
            new = self.visit(stmt)
            out.extend(new if isinstance(new, list) else [new])
        return out

    def visit_For(self, node):
        self.loop += 1
        node.body, node.orelse = self._body(node.body), self._body(node.orelse)
        self.loop -= 1
        if isinstance(node, ast.For):
            node.iter = _guard(node.iter)
        else:
            node.test = _guard(node.test)
        return node

    visit_While = visit_For

    def visit_If(self, node):
        node.test = _guard(node.test)
        node.body, node.orelse = self._body(node.body), self._body(node.orelse)
        return node


def comparisons(src: str) -> tuple[list[Comparison], str]:
    """The comparisons a check cell's asserts make, and a program that measures them in the
    kernel (``probe``); ([], "") for source that does not parse."""
    try:
        tree = ast.parse(src)
    except SyntaxError:
        return [], ""
    probe = _Probe(src)
    body = []
    for stmt in tree.body:
        if not any(isinstance(n, ast.Assert) for n in ast.walk(stmt)):
            continue
        new = probe.visit(stmt)
        new = new if isinstance(new, list) else [new]
        # each statement on its own: a failing loop header spoils only its own comparisons
        body.append(ast.Try(new, [ast.ExceptHandler(ast.Name("Exception", ast.Load()), None,
                                                    [ast.Pass()])], [], []))
    if not probe.comparisons:
        return [], ""
    module = ast.fix_missing_locations(ast.Module(body, []))
    return probe.comparisons, ast.unparse(module)


# Runs in the kernel, in a copy of its namespace (nothing it binds reaches the user's), with
# stdout, stderr and warnings captured and the global random states restored afterwards.
PRELUDE = r'''
import builtins as __claims_b, sys as __claims_sys
__claims_np = __claims_sys.modules.get("numpy")
__claims_out = {}
__claims_pure = {getattr(__claims_b, n) for n in (
    "abs min max len sum round float int bool complex sorted all any list tuple set frozenset "
    "dict zip range enumerate reversed isinstance issubclass str repr divmod pow hasattr "
    "getattr type id iter").split()}
__claims_modules = ("numpy", "math", "cmath", "statistics", "operator", "actlib.activation",
                    "actlib.functions", "actlib.variance")
__claims_values = (int, float, complex, str, bytes, tuple, frozenset, range, type(None))
__claims_reads = {"get", "keys", "values", "items", "copy", "index", "count", "issubset",
                  "issuperset", "union", "intersection", "difference", "isdisjoint"}
__claims_writes = {"sort", "fill", "resize", "put", "itemset", "setfield", "setflags",
                   "partition", "byteswap", "__setitem__", "__delitem__", "__iadd__"}

def __claims_module_ok(name):
    name = name or ""
    return (any(name == m or name.startswith(m + ".") for m in __claims_modules)
            and "random" not in name)

def __claims_guard(f):
    """f itself if calling it cannot change the kernel's state; else raise."""
    name = getattr(f, "__name__", type(f).__name__)
    self = getattr(f, "__self__", None)
    np = __claims_np
    ok = (any(f is p for p in __claims_pure)
          or (np is not None and isinstance(f, np.ufunc))
          or (isinstance(f, type) and (f.__module__ == "builtins"
                                       or __claims_module_ok(f.__module__))))
    if not ok and self is not None and not isinstance(self, type(__claims_sys)):
        if name in __claims_writes:
            ok = False
        elif isinstance(self, __claims_values) or (
                np is not None and isinstance(self, (np.ndarray, np.generic))):
            ok = True
        elif isinstance(self, (dict, list, set)):
            ok = name in __claims_reads
        else:
            ok = __claims_module_ok(type(self).__module__)
    elif not ok:
        module = getattr(f, "__module__", None)
        if module is None and self is not None:
            module = getattr(self, "__name__", None)  # a built-in function of a module
        ok = __claims_module_ok(module or type(f).__module__)
    if not ok:
        raise RuntimeError(f"not evaluated: {name}() might change the kernel's state")
    return f

def __claims_measure(key, op, pairs, elementwise):
    """Record the worst (left, right) of the comparison over its pairs (and earlier calls)."""
    np = __claims_np
    try:
        for left, right in pairs():
            if np is None:
                raise RuntimeError("numpy is not imported")
            try:
                l = np.asarray(left, dtype=float)
                r = np.asarray(right, dtype=float)
                numbers = l.size == 1 and r.size == 1 or elementwise
            except (TypeError, ValueError):
                numbers = False
            if not numbers and op == "==":  # shapes, dicts, strings: equal or not
                equal = left == right
                equal = bool(np.all(equal)) if isinstance(equal, np.ndarray) else bool(equal)
                if not equal or key not in __claims_out:
                    __claims_out[key] = {"equal": equal}
                continue
            if not numbers:
                raise RuntimeError("an operand is an array or not a number")
            l, r = np.broadcast_arrays(l, r)
            if l.size == 0:
                continue
            if op == "==":
                wrong = ~(l == r)
                i = int(np.argmax(wrong)) if wrong.any() else 0
            else:
                d = r - l if op in ("<", "<=") else l - r
                rel = d / np.maximum(np.maximum(abs(l), abs(r)), 1e-300)
                rel = np.where(np.isnan(rel), -np.inf, rel)
                i = int(np.argmin(rel))
            lv, rv = float(l.ravel()[i]), float(r.ravel()[i])
            old = __claims_out.get(key)
            new = {"left": lv, "right": rv, "n": (old or {}).get("n", 0) + l.size}
            if old is None or "left" not in old or __claims_worse(op, new, old):
                __claims_out[key] = new
            else:
                old["n"] = new["n"]
    except Exception as exc:
        __claims_out.setdefault(key, {"error": f"{type(exc).__name__}: {exc}"[:200]})

def __claims_rel(op, v):
    l, r = v["left"], v["right"]
    if op == "==":
        return 0.0 if l == r else -__claims_b.abs(l - r)
    d = r - l if op in ("<", "<=") else l - r
    x = d / __claims_b.max(__claims_b.abs(l), __claims_b.abs(r), 1e-300)
    return -float("inf") if x != x else x

def __claims_worse(op, new, old):
    return __claims_rel(op, new) < __claims_rel(op, old)
'''


def probe_expression(program: str) -> str:
    """A user expression that runs ``program`` after PRELUDE in a copy of the kernel's
    namespace and returns what it measured, as JSON; the kernel's own state is left alone."""
    body = PRELUDE + "\n" + program + "\n"
    wrapped = (
        "import contextlib as __claims_c, io as __claims_io, json as __claims_json, "
        "random as __claims_random, warnings as __claims_w\n"
        "__claims_saved = (__claims_random.getstate(), __claims_sys.modules.get('numpy') and "
        "__claims_sys.modules['numpy'].random.get_state())\n"
        "try:\n"
        "    with __claims_w.catch_warnings(), __claims_c.redirect_stdout(__claims_io.StringIO()),"
        " __claims_c.redirect_stderr(__claims_io.StringIO()):\n"
        "        __claims_w.simplefilter('ignore')\n"
        f"        exec({body!r}, globals())\n"
        "finally:\n"
        "    __claims_random.setstate(__claims_saved[0])\n"
        "    if __claims_saved[1]:\n"
        "        __claims_sys.modules['numpy'].random.set_state(__claims_saved[1])\n"
        "__claims_result = __claims_json.dumps({str(k): v for k, v in __claims_out.items()})\n"
    )
    # `import sys` first: the wrapper needs it before PRELUDE runs
    wrapped = "import sys as __claims_sys\n" + wrapped
    return f"(lambda g: (exec({wrapped!r}, g), g['__claims_result'])[1])(dict(globals()))"


def probe(client: NotebookClient, program: str) -> dict:
    """Evaluate ``program`` (from ``comparisons``) in the client's kernel, silently (no
    execution count, no history, no output): {comparison key: {"left", "right", "n"} or
    {"error"}}, or {"error": ...} if the probe itself failed."""
    msg_id = client.kc.execute("", silent=True, store_history=False,
                               user_expressions={"claims": probe_expression(program)})
    reply = client.wait_for_reply(msg_id)  # nbclient's: the client's timeout applies
    if reply is None:
        return {"error": "no reply"}
    result = reply["content"].get("user_expressions", {}).get("claims", {})
    if result.get("status") != "ok":
        return {"error": f"{result.get('ename')}: {result.get('evalue')}"}
    return {int(k): v for k, v in json.loads(ast.literal_eval(result["data"]["text/plain"]))
            .items()}


# ---------------------------------------------------------------------------------------------
# Margins
# ---------------------------------------------------------------------------------------------

def margin(op: str, left: float, right: float) -> tuple[float, float]:
    """(absolute, relative) room left by ``left op right``: for < and <= it is right - left,
    for > and >= left - right, relative to max(|left|, |right|); negative when it fails,
    nan when an operand is nan. For == it is (0, 0) when it holds, else minus the gap."""
    if op == "==":
        gap = 0.0 if left == right else -abs(left - right)
        return gap, (0.0 if left == right else gap / max(abs(left), abs(right), TINY))
    d = right - left if op in ("<", "<=") else left - right
    return d, d / max(abs(left), abs(right), TINY)


def holds(op: str, left: float, right: float) -> bool:
    return {"<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right,
            "==": left == right}[op]


# ---------------------------------------------------------------------------------------------
# Running the notebooks
# ---------------------------------------------------------------------------------------------

@dataclass
class Cell:
    """One code cell across the runs: which seeds it held (or ran cleanly) under."""
    notebook: str
    index: int
    claim: str  # the first assert line, or "" for a cell that asserts nothing
    held: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)  # seed -> "AssertionError: ..."
    comparisons: list[Comparison] = field(default_factory=list)
    measured: dict[int, dict] = field(default_factory=dict)  # seed -> probe's result


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


def execute(path: Path, timeout: int) -> tuple:
    """Run the notebook like run_notebooks.execute (check cells made, errors recorded and
    passed), measuring each check cell's comparisons right after it ran: (the executed notebook,
    Run-All seconds, {cell index: probe result})."""
    nb = nbformat.read(path, as_version=4)
    if hide_checks(nb.cells):
        nb = nbformat.from_dict(nb)
    nb.metadata.pop("widgets", None)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}},
                            allow_errors=True)
    measured = {}
    with client.setup_kernel():
        start = time.perf_counter()
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
            if is_check(cell):
                _, program = comparisons(cell.source)
                if program:
                    try:
                        measured[index] = probe(client, program)
                    except Exception as exc:  # a probe never decides a verdict
                        measured[index] = {"error": f"{type(exc).__name__}: {exc}"}
        seconds = time.perf_counter() - start
    return nb, seconds, measured


def _execute_with_seed(path: Path, seed: int, timeout: int):
    """``execute`` with ACTLIB_SEED = ``seed`` in the kernel's environment (it inherits ours);
    our own ACTLIB_SEED is put back afterwards, so a caller in the same process (the tests)
    keeps the seed it had."""
    before = os.environ.get("ACTLIB_SEED")
    os.environ["ACTLIB_SEED"] = str(seed)
    try:
        try:
            return execute(path, timeout)
        except (TimeoutError, RuntimeError) as exc:
            # now and then a fresh kernel never answers (run_notebooks), or dies while starting
            # on a loaded machine ("Kernel died before replying to kernel_info"): neither is a
            # verdict on a claim, so the notebook runs once more in a new kernel
            if isinstance(exc, RuntimeError) and "Kernel died before replying" not in str(exc):
                raise
            print(f"  {path.name} seed {seed}: {exc}; running it again in a new kernel",
                  file=sys.stderr, flush=True)
            return execute(path, timeout)
    finally:
        if before is None:
            os.environ.pop("ACTLIB_SEED", None)
        else:
            os.environ["ACTLIB_SEED"] = before


def check(path: Path, seeds: list[int], timeout: int, after_seed=None) -> list[Cell]:
    """The notebook's asserting (or raising) cells over ``seeds``; ``after_seed(cells, seeds
    done)`` is called after each seed (a long calibration reports as it goes)."""
    cells: dict[int, Cell] = {}
    for done, seed in enumerate(seeds, 1):
        nb, seconds, measured = _execute_with_seed(path, seed, timeout)
        print(f"  {path.name} seed {seed}: {seconds:.0f} s", file=sys.stderr, flush=True)
        for i, c in enumerate(nb.cells):
            if c.cell_type != "code":
                continue
            claim, error = first_assert(c.source), error_of(c)
            if not claim and error is None:
                continue
            cell = cells.setdefault(i, Cell(path.name, i, claim,
                                            comparisons=comparisons(c.source)[0]
                                            if is_check(c) else []))
            if error is None:
                cell.held.append(seed)
            else:
                cell.failed[seed] = error
            if i in measured:
                cell.measured[seed] = measured[i]
        for cell in cells.values():  # a cell that never asserts but raised: its clean runs
            cell.held = [s for s in seeds[:done] if s not in cell.failed]
        if after_seed:
            after_seed(sorted(cells.values(), key=lambda c: c.index), seeds[:done])
    return sorted(cells.values(), key=lambda c: c.index)


# ---------------------------------------------------------------------------------------------
# Reports
# ---------------------------------------------------------------------------------------------

def table(cells: list[Cell], seeds: list[int]) -> str:
    lines = ["| notebook | cell | claim (first assert) | held | failed under |",
             "|---|---:|---|---:|---|"]
    for c in cells:
        claim = (c.claim or "(no assert: the cell raised)").replace("|", "\\|")[:90]
        fails = "; ".join(f"seed {s}: {e}" for s, e in c.failed.items()).replace("|", "\\|")
        lines.append(f"| {c.notebook[:2]} | {c.index} | `{claim}` | {len(c.held)}/{len(seeds)}"
                     f" | {fails} |")
    return "\n".join(lines)


@dataclass
class Row:
    """One comparison over the seeds: its worst seed and what it measured there."""
    notebook: str
    cell: int
    comparison: Comparison
    held: int = 0
    failed: list[int] = field(default_factory=list)
    unmeasured: list[int] = field(default_factory=list)
    worst: tuple | None = None  # (seed, left, right, margin, relative)
    best_relative: float = math.nan
    margins: list[float] = field(default_factory=list)  # one a seed
    note: str = ""

    @property
    def sds(self) -> float:
        """The mean margin over the seeds in standard deviations of the margin: how far the
        threshold is from the typical seed, in units of the seed-to-seed spread (inf when the
        value does not depend on the seed; nan with fewer than two seeds)."""
        finite = [m for m in self.margins if math.isfinite(m)]
        if len(finite) < 2 or len(finite) < len(self.margins):
            return math.nan
        mean = sum(finite) / len(finite)
        sd = math.sqrt(sum((m - mean) ** 2 for m in finite) / (len(finite) - 1))
        if sd <= 1e-12 * max(abs(mean), TINY):
            return math.inf if mean > 0 else -math.inf if mean < 0 else math.nan
        return mean / sd

    @property
    def flag(self) -> str:
        if self.failed:
            return "FAILS"
        if not self.worst or self.comparison.op == "==":
            return ""
        flags = []
        if not self.worst[4] >= THIN:
            flags.append(f"thin (< {THIN:.0%})")
        if self.sds < SPREAD:
            flags.append(f"within {SPREAD:g} sd")
        return ", ".join(flags)

    def sort_key(self):
        op = self.comparison.op
        if not op or not self.worst:
            return (4, 0.0)
        if op == "==" and not self.failed:
            return (3, 0.0)
        rel = self.worst[4]
        return (0 if self.failed else 1 if self.flag else 2, rel if rel == rel else -math.inf)


def _low(x: float) -> float:
    """nan ranks as the worst margin of all (a nan comparison fails)."""
    return -math.inf if x != x else x


def _add_seed(row: Row, seed: int, value, probe_error: str | None) -> None:
    """Count one seed's measurement (or its absence) in ``row``."""
    if isinstance(value, dict) and "equal" in value:  # == between non-numbers
        if value["equal"]:
            row.held += 1
        else:
            row.failed.append(seed)
        if row.worst is None or not value["equal"]:
            gap = 0.0 if value["equal"] else -math.inf
            row.worst = (seed, math.nan, math.nan, gap, gap)
        return
    if not isinstance(value, dict) or "left" not in value:
        row.unmeasured.append(seed)
        note = (value or {}).get("error") or probe_error or "not evaluated"
        if note not in row.note:
            row.note = f"{row.note}; {note}" if row.note else note
        return
    left, right = value["left"], value["right"]
    m, rel = margin(row.comparison.op, left, right)
    if holds(row.comparison.op, left, right):
        row.held += 1
    else:
        row.failed.append(seed)
    row.margins.append(m)
    row.best_relative = max(_low(rel), _low(row.best_relative)) if row.margins[1:] else rel
    if row.worst is None or _low(rel) < _low(row.worst[4]):
        row.worst = (seed, left, right, m, rel)


def rows(cells: list[Cell]) -> list[Row]:
    """Each comparison of each cell over the seeds, failures and thin margins first."""
    out = []
    for cell in cells:
        for comp in cell.comparisons:
            row = Row(cell.notebook, cell.index, comp, note=comp.reason)
            if comp.op:
                for seed in sorted(set(cell.held) | set(cell.failed)):
                    got = cell.measured.get(seed) or {}
                    _add_seed(row, seed, got.get(comp.key), got.get("error"))
            out.append(row)
    return sorted(out, key=Row.sort_key)


def _num(x: float) -> str:
    return f"{x:.4g}" if x == x else "nan"


def _sds(x: float) -> str:
    if x != x:
        return ""
    return "same every seed" if math.isinf(x) else f"{x:.1f}"


def margins_table(rows_: list[Row], seeds: list[int]) -> str:
    lines = ["| notebook | cell | comparison | held | worst seed | left, right there | margin"
             " | relative (worst … best) | mean margin / sd | flag |",
             "|---|---:|---|---:|---:|---|---:|---|---:|---|"]
    for r in rows_:
        comp = r.comparison
        text = comp.text.replace("|", "\\|")
        text = (text[:100] + "…") if len(text) > 100 else text
        loop = " (in a loop: its worst pass)" if comp.in_loop else ""
        if not comp.op:
            lines.append(f"| {r.notebook[:2]} | {r.cell} | `{text}`{loop} | | | held (no margin):"
                         f" {r.note} | | | | |")
            continue
        n = r.held + len(r.failed)
        held = (f"{r.held}/{n}" if n else "") + (f" ({len(r.unmeasured)} not measured)"
                                                 if r.unmeasured else "")
        if r.worst is None:
            lines.append(f"| {r.notebook[:2]} | {r.cell} | `{text}`{loop} | {held} | | "
                         f"{r.note.replace('|', '/')} | | | | |")
            continue
        seed, left, right, m, rel = r.worst
        if comp.op == "==":
            shown = "exact" if not r.failed else "differ" if left != left else _num(m)
            values = "not numbers" if left != left else f"{_num(left)}, {_num(right)}"
            lines.append(f"| {r.notebook[:2]} | {r.cell} | `{text}`{loop} | {held} | {seed} | "
                         f"{values} | {shown} | | | {r.flag} |")
            continue
        failed = f"; fails under {', '.join(map(str, r.failed))}" if r.failed else ""
        lines.append(f"| {r.notebook[:2]} | {r.cell} | `{text}`{loop} | {held} | {seed} | "
                     f"{_num(left)}, {_num(right)} | {_num(m)} | {rel:.1%} … "
                     f"{r.best_relative:.1%} | {_sds(r.sds)} | {r.flag}{failed} |")
    return "\n".join(lines)


LEGEND = ("Each comparison an assert makes (a chain `lo < x < hi` gives two, `p and q` each "
          "part), measured in the kernel right after its check cell ran, under every seed. "
          "*margin*: how far the worst seed's value stayed from the threshold (`b - a` for "
          "`a < b`); *relative*: margin / max(|a|, |b|), at the worst seed and at the best (equal"
          " when the value does not depend on the seed); *mean margin / sd*: the margin's mean "
          "over the seeds in standard deviations over the seeds (a fresh seed fails with about "
          "the normal tail probability beyond it: 3 sd, 0.13 %). Flags: FAILS (some seed broke "
          f"it), thin (worst relative margin < {THIN:.0%}), within {SPREAD:g} sd. `==` holds "
          "exactly or not at all.")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--seeds", type=seeds_arg, default=seeds_arg(os.environ.get("SEEDS")
                                                                      or "0-4"),
                        help="e.g. 0-19 or 1,3 (default: the SEEDS environment variable, "
                             "else 0-4)")
    parser.add_argument("--timeout", type=int, default=300,
                        help="seconds per cell (the slowest takes about 40; after a timeout the"
                             " notebook runs once more in a new kernel)")
    parser.add_argument("--report", type=Path, default=REPORT, help="where the tables go")
    parser.add_argument("--merge", type=Path, nargs="+", metavar="JSON",
                        help="run nothing: one report from the claims.json of earlier runs "
                             "(e.g. notebooks calibrated in parallel, or seeds 0-9 and 10-19)")
    args = parser.parse_args(argv)
    if args.merge:
        cells, seeds, notebooks = merge(args.merge)
        summary, _, _ = write(args.report, cells, notebooks, seeds)
        print(f"{summary} (tables in {args.report})")
        return 1 if any(c.failed for c in cells) else 0
    paths = [p.resolve() for p in args.paths] or NOTEBOOKS
    cells: list[Cell] = []
    for i, path in enumerate(paths):
        cells += check(path, args.seeds, args.timeout, after_seed=_progress(
            args.report, list(cells), f"{i} of {len(paths)} notebooks done; {path.name}",
            len(paths), args.seeds))
    summary, report, margins = write(args.report, cells, len(paths), args.seeds)
    print(report)
    print(f"\n{margins}")
    print(f"\n{summary} (tables in {args.report})")
    return 1 if any(c.failed for c in cells) else 0


def load(path: Path) -> list[Cell]:
    """The cells of an earlier run, from the claims.json ``write`` put beside its report."""
    def seeds(d):
        return {int(k): v for k, v in d.items()}

    def keys(probed):  # JSON made the comparison keys strings; "error" stays one
        return {int(k) if k.isdigit() else k: v for k, v in probed.items()}

    return [Cell(c["notebook"], c["cell"], c["claim"], list(c["held"]), seeds(c["failed"]),
                 [Comparison(**k) for k in c["comparisons"]],
                 {s: keys(m) for s, m in seeds(c["measured"]).items()})
            for c in json.loads(Path(path).read_text())]


def merge(paths: list[Path]) -> tuple[list[Cell], list[int], int]:
    """The cells of several runs as one: a cell seen in two runs (the same notebook and cell,
    other seeds) pools their seeds. Returns (cells, every seed, number of notebooks)."""
    pooled: dict[tuple[str, int], Cell] = {}
    for path in paths:
        for cell in load(path):
            key = (cell.notebook, cell.index)
            if key not in pooled:
                pooled[key] = cell
                continue
            into = pooled[key]
            if into.claim != cell.claim or into.comparisons != cell.comparisons:
                raise ValueError(f"claims.py --merge: {cell.notebook} cell {cell.index} differs "
                                 f"between the runs (another version of the notebook?)")
            into.held = sorted(set(into.held) | set(cell.held))
            into.failed.update(cell.failed)
            into.measured.update(cell.measured)
    cells = sorted(pooled.values(), key=lambda c: (c.notebook, c.index))
    seeds = sorted({s for c in cells for s in [*c.held, *c.failed]})
    return cells, seeds, len({c.notebook for c in cells})


def _progress(report: Path, before: list[Cell], doing: str, notebooks: int, seeds: list[int]):
    """A report after each seed, so a long calibration shows what it has so far."""
    def after_seed(so_far: list[Cell], seeds_done: list[int]) -> None:
        write(report, before + so_far, notebooks, seeds,
              f"(in progress: {doing} under seeds {','.join(map(str, seeds_done))})")
    return after_seed


def write(path: Path, cells: list[Cell], notebooks: int, seeds: list[int], progress: str = ""):
    """Write the report (and, beside a .md report, the raw measurements as .json); returns
    (summary, cells' table, margins section)."""
    report = table(cells, seeds)
    measured = rows(cells)
    asserting = [c for c in cells if c.claim]
    bad = [c for c in cells if c.failed]
    held = sum(not c.failed for c in asserting)
    flagged = [r for r in measured if r.flag]
    summary = (f"{len(asserting)} asserting cells in {notebooks} notebooks, seeds "
               f"{','.join(map(str, seeds))}: {held} held under every seed; "
               f"{len(bad)} cells failed under some seed; {len(flagged)} of {len(measured)} "
               f"comparisons flagged (failed, thin or within {SPREAD:g} sd)"
               + (f" {progress}" if progress else ""))
    margins = f"## Margins at the worst seed\n\n{LEGEND}\n\n{margins_table(measured, seeds)}"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"# make claims\n\n{summary}\n\n{report}\n\n{margins}\n", encoding="utf-8")
    raw = [{"notebook": c.notebook, "cell": c.index, "claim": c.claim, "held": c.held,
            "failed": c.failed, "comparisons": [vars(k) for k in c.comparisons],
            "measured": c.measured} for c in cells]
    if path.suffix == ".md":  # what each seed measured, for a closer look
        path.with_suffix(".json").write_text(json.dumps(raw, indent=1) + "\n")
    return summary, report, margins


if __name__ == "__main__":
    sys.exit(main())
