"""Patterns in an answer cell that tamper with grading rather than answer the task. A flag only:
the score comes from the replay, and the instructor reads the cell."""

from __future__ import annotations

import ast

#: Modules a test relies on: an answer that assigns to their attributes rebinds the test's tools.
TOOLS = {"np", "numpy", "act", "actlib", "sys", "builtins", "__builtins__", "os", "IPython",
         "testing", "check"}
CALLS = {"exec": "runs code from a string (exec)", "eval": "runs code from a string (eval)",
         "compile": "compiles code from a string", "__import__": "imports by name (__import__)",
         "setattr": "sets attributes by name (setattr)", "delattr": "deletes attributes by name",
         "open": "opens files", "get_ipython": "reaches into the kernel (get_ipython)",
         "globals": "rewrites the notebook's globals", "_exit": "kills the kernel (os._exit)",
         "exit": "exits the kernel", "kill": "kills a process", "system": "runs a shell command",
         "clear_output": "clears cell outputs", "display": "displays raw output"}
NAMES = {"SystemExit": "raises SystemExit", "modules": "touches sys.modules",
         "importlib": "imports by name (importlib)", "subprocess": "runs other programs",
         "__eq__": "defines an always-equal comparison (__eq__)",
         "__array_ufunc__": "overrides NumPy's functions on its results",
         "__array_function__": "overrides NumPy's functions on its results",
         "__class__": "changes an object's class", "pathlib": "reads or writes files",
         "ctypes": "calls C functions directly"}


def root_name(node: ast.AST) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def suspicious(source: str) -> list[str]:
    """Why an answer cell looks like tampering (empty if it does not)."""
    lines = [ln for ln in source.splitlines() if not ln.lstrip().startswith(("%", "!"))]
    try:
        tree = ast.parse("\n".join(lines))
    except SyntaxError:
        return []
    found: list[str] = []

    def add(why: str) -> None:
        if why not in found:
            found.append(why)

    for node in ast.walk(tree):
        targets = []
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
            targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
        for t in targets:
            if isinstance(t, (ast.Attribute, ast.Subscript)) and root_name(t) in TOOLS:
                add(f"rebinds {ast.unparse(t)}")
        if isinstance(node, ast.ClassDef):
            for base in node.bases:
                if "ndarray" in ast.unparse(base) or "float" == ast.unparse(base):
                    add(f"subclasses {ast.unparse(base)}")
        if isinstance(node, ast.Call):
            f = node.func
            name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) \
                else None
            if name in CALLS:
                add(CALLS[name])
        if isinstance(node, (ast.Name, ast.Attribute)):
            name = node.id if isinstance(node, ast.Name) else node.attr
            if name in NAMES:
                add(NAMES[name])
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                mod = (getattr(node, "module", None) or alias.name).split(".")[0]
                if mod not in ("numpy", "actlib", "math", "scipy", "functools", "itertools"):
                    add(f"imports {mod}")
    return found
