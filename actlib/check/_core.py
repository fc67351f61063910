"""The machinery behind every exercise self-check: run the student's code, compare, and print one
clear line (pass, fail with a hint, or not attempted yet). Never a traceback."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

PASS, FAIL, TODO, ERROR = "✅", "❌", "⏳", "⚠️"


def report(title: str, judge: Callable[[], tuple[bool, str]]) -> bool | None:
    """Run ``judge()`` -> (passed, message) and print the verdict for exercise ``title``.

    A NotImplementedError means the stub is untouched; any other exception is shown in one line.
    Returns True/False (None when not attempted or when the code raised); notebooks call the
    checks as statements, so nothing else is displayed.
    """
    try:
        passed, message = judge()
    except NotImplementedError:
        print(f"{TODO} {title}: not attempted yet. Replace `raise NotImplementedError` with your "
              "code and run both cells again.")
        return None
    except Exception as exc:  # the student's code failed: say how, without a traceback
        print(f"{ERROR} {title}: your code raised {type(exc).__name__}: {exc}")
        return None
    print(f"{PASS if passed else FAIL} {title}: {message}")
    return bool(passed)


def answer(student_fn, *args) -> np.ndarray:
    """The student's answer as a float array. Array arguments are passed as fresh float copies
    (so the judge's inputs stay intact) and NumPy's overflow warnings are silenced: the judge
    looks at the values (inf, nan) and explains them in its verdict."""
    fresh = (np.array(a, dtype=float) if isinstance(a, (list, np.ndarray)) else a for a in args)
    with np.errstate(all="ignore"):
        got = student_fn(*fresh)
    return np.asarray(got, dtype=float)


def compare(got, want, *, rtol: float = 1e-6, atol: float = 1e-9, at=None,
            hint: str = "") -> tuple[bool, str]:
    """(passed, message) for an array answer: shape first, then values, naming the first
    mismatch (and the input there, if ``at`` gives the inputs)."""
    try:
        got = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return False, f"expected numbers, got {type(got).__name__}. {hint}".strip()
    want = np.asarray(want, dtype=float)
    if got.shape != want.shape:
        return False, f"expected shape {want.shape}, got {got.shape}. {hint}".strip()
    bad = ~np.isclose(got, want, rtol=rtol, atol=atol, equal_nan=True)
    if not bad.any():
        return True, "correct."
    i = np.unravel_index(np.argmax(bad), bad.shape)
    where = f" at x = {np.asarray(at)[i]:g}" if at is not None else ""
    return False, (f"{int(bad.sum())} of {bad.size} values are off; first{where}: got "
                   f"{got[i]:.6g}, expected {want[i]:.6g}. {hint}").strip()


def numerical_derivative(f: Callable, x, h: float = 1e-5) -> np.ndarray:
    """Central difference (f(x + h) - f(x - h)) / 2h, elementwise: the derivative checker.

    Error O(h^2) for smooth f; near a kink (relu at 0) it averages the two slopes.
    """
    x = np.asarray(x, dtype=float)
    return (np.asarray(f(x + h), float) - np.asarray(f(x - h), float)) / (2 * h)


def numerical_gradient(f: Callable, x, h: float = 1e-5) -> np.ndarray:
    """Gradient of a scalar function f at array x by central differences, one entry at a time
    (CS231n's ``eval_numerical_gradient``)."""
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        up = float(f(x))
        x[i] = old - h
        down = float(f(x))
        x[i] = old
        grad[i] = (up - down) / (2 * h)
    return grad


def rel_error(a, b) -> float:
    """max |a - b| / max(|a| + |b|, 1e-8): about 1e-7 or less means two derivatives agree."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-8)))
