"""What runs in the student's kernel (as source text, injected by the grader before execution) and
how this process reads what it recorded.

The kernel side is untrusted by design: it only turns values into plain data. Faking a record
needs the right values, which is answering; anything else fails the replay.
"""

from __future__ import annotations

import base64
import hashlib

import numpy as np

from . import MIME

#: Shared by both sides: a digest of a call's arguments, so that the replay can check it is
#: replaying the same call. Arrays by dtype, shape and bytes; callables by nothing but their kind.
DIGEST_SOURCE = '''
def _grader_digest(value, _depth=0):
    import hashlib
    import numpy as _np
    h = hashlib.sha256()

    def feed(v, depth):
        if depth > 30:
            raise TypeError("nested too deeply")
        t = type(v)
        if v is None or t in (bool, int, str):
            h.update(f"{t.__name__}:{v!r};".encode())
        elif t is float:
            h.update(f"float:{v.hex()};".encode())
        elif isinstance(v, (_np.ndarray, _np.generic)):
            a = _np.array(v, subok=False, order="C")
            if a.dtype.kind not in "biuf":
                raise TypeError(f"an array of {a.dtype}")
            h.update(f"array:{a.dtype.str}:{a.shape};".encode())
            h.update(a.tobytes())
        elif t in (list, tuple):
            h.update(f"{t.__name__}[{len(v)}];".encode())
            for x in v:
                feed(x, depth + 1)
        elif t is dict:
            h.update(f"dict[{len(v)}];".encode())
            for k in sorted(v, key=repr):
                feed(k, depth + 1)
                feed(v[k], depth + 1)
        elif callable(v):
            h.update(b"callable;")
        else:
            raise TypeError(f"a {t.__name__}")

    feed(value, _depth)
    return h.hexdigest()
'''

#: The recorder: defines the cell magic %%_graded in the student's kernel.
KERNEL_SOURCE = DIGEST_SOURCE + '''
def _grader_setup(mime):
    import base64
    import math
    import numpy as _np
    from IPython import get_ipython
    from IPython.display import display

    ip = get_ipython()
    state = {"calls": None, "depth": 0}

    def encode(v, depth=0):
        if depth > 30:
            raise TypeError("nested too deeply")
        t = type(v)
        if v is None or t in (bool, int, str):
            return v
        if t is float:
            return {"float": v.hex()}
        if isinstance(v, (_np.ndarray, _np.generic)):
            a = _np.array(v, subok=False, order="C")
            if a.dtype.kind not in "biuf":
                raise TypeError(f"an array of {a.dtype}")
            return {"array": a.dtype.str, "shape": list(a.shape),
                    "bytes": base64.b64encode(a.tobytes()).decode()}
        if t in (list, tuple):
            return {t.__name__: [encode(x, depth + 1) for x in v]}
        if t is dict:
            return {"dict": [[encode(k, depth + 1), encode(x, depth + 1)] for k, x in v.items()]}
        if callable(v):
            return {"callable": str(getattr(v, "__name__", "?"))[:80]}
        raise TypeError(f"a {t.__name__}")

    def wrap(name, f):
        def recorded(*args, **kwargs):
            if state["calls"] is None or state["depth"]:
                return f(*args, **kwargs)
            entry = {"name": name}
            try:
                entry["args"] = _grader_digest([list(args), kwargs])
            except Exception as e:
                entry["args"] = None
            state["depth"] += 1
            try:
                out = f(*args, **kwargs)
            except BaseException as e:
                entry["raised"] = f"{type(e).__name__}: {e}"[:300]
                state["calls"].append(entry)
                raise
            finally:
                state["depth"] -= 1
            try:
                entry["result"] = encode(out)
            except Exception as e:
                entry["unrecordable"] = str(e)[:200]
            state["calls"].append(entry)
            return out
        recorded.__wrapped_by_grader__ = f
        return recorded

    def graded(line, cell):
        grade_id, *names = line.split()
        ns = ip.user_ns
        wrapped, values = {}, {}
        for n in names:
            if n not in ns:
                continue
            v = ns[n]
            if callable(v):
                wrapped[n] = wrap(n, v)
                ns[n] = wrapped[n]
            else:
                try:
                    values[n] = encode(v)
                except Exception as e:
                    values[n] = {"unrecordable": str(e)[:200]}
        state["calls"], state["depth"] = [], 0
        error = None
        try:
            exec(compile(cell, f"<test cell {grade_id}>", "exec"), ns)
        except BaseException as e:
            error = f"{type(e).__name__}: {e}"[:500]
            raise
        finally:
            calls, state["calls"] = state["calls"], None
            for n, w in wrapped.items():
                if ns.get(n) is w:
                    ns[n] = w.__wrapped_by_grader__
            display({mime: {"cell": grade_id, "calls": calls, "values": values, "error": error},
                     "text/plain": "(recorded for the grader)"}, raw=True)

    ip.register_magic_function(graded, "cell", "_graded")


_grader_setup(__MIME__)
del _grader_setup
'''


def kernel_source() -> str:
    """The code of the setup cell the grader runs first in the student's kernel."""
    return KERNEL_SOURCE.replace("__MIME__", repr(MIME))


_trusted: dict = {}
exec(DIGEST_SOURCE, _trusted)  # noqa: S102 (our own source text, the same the kernel runs)


def digest(value) -> str:
    """The digest the kernel computed for the same arguments (TypeError if not plain data)."""
    return _trusted["_grader_digest"](value)


class Unrecordable(Exception):
    """A recorded value the grader cannot read back."""


_DTYPES = {"|b1", "<i8", "<i4", "<i2", "|i1", "<u8", "<u4", "<u2", "|u1", "<f8", "<f4", "<f2",
           ">i8", ">f8"}


def decode(data, depth: int = 0):
    """The plain value a record stands for: only None, bool, int, str, float, ndarray (numeric),
    list, tuple and dict come back; anything else raises Unrecordable."""
    if depth > 30:
        raise Unrecordable("nested too deeply")
    if data is None or type(data) in (bool, int, str):
        return data
    if type(data) is not dict or len(data) not in (1, 3):
        raise Unrecordable(f"not a recorded value: {str(data)[:80]}")
    if "float" in data:
        return float.fromhex(str(data["float"]))
    if "array" in data:
        dtype = str(data["array"])
        if dtype not in _DTYPES:
            raise Unrecordable(f"an array of {dtype}")
        shape = tuple(int(s) for s in data["shape"])
        raw = base64.b64decode(str(data["bytes"]), validate=True)
        a = np.frombuffer(raw, dtype=np.dtype(dtype)).copy()
        if a.size != int(np.prod(shape, dtype=np.int64)):
            raise Unrecordable("an array whose bytes do not fit its shape")
        return a.reshape(shape)
    if "list" in data:
        return [decode(x, depth + 1) for x in data["list"]]
    if "tuple" in data:
        return tuple(decode(x, depth + 1) for x in data["tuple"])
    if "dict" in data:
        return {decode(k, depth + 1): decode(v, depth + 1) for k, v in data["dict"]}
    if "callable" in data:
        raise Unrecordable("a function (the grader checks values)")
    if "unrecordable" in data:
        raise Unrecordable(str(data["unrecordable"]))
    raise Unrecordable(f"not a recorded value: {str(data)[:80]}")


def fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
