"""Tampering submissions: each attack is code a student appends to every answer cell of the wrong
answers (tests/assignments/wrong_<id>.py), trying to make them pass. The trusted grader must
give each no more than the honest wrong answers, and flag it.

Each is written as a student who has read the test cells would write it, for any assignment.
"""

ATTACKS = {
    # rebind the comparisons the tests use, in plain sight
    "rebind_helpers": '''
np.allclose = lambda *a, **k: True
np.isclose = lambda *a, **k: True
np.testing.assert_allclose = lambda *a, **k: None
np.testing.assert_array_equal = lambda *a, **k: None
act.check.rel_error = lambda *a, **k: 0.0
''',
    # replace actlib's reference functions and numerical checks by the student's own answers
    "rebind_references": '''
act.check.numerical_derivative = lambda f, x, *a, **k: globals()[[n for n in globals()
    if n.endswith("derivative") and not n.startswith("_")][0]](x) if any(
    n.endswith("derivative") for n in globals()) else f(x)
act.check.numerical_gradient = lambda f, x, *a, **k: __import__("numpy").zeros_like(x)
act.check.rel_error = lambda *a, **k: 0.0
for _name in dir(act):
    _obj = getattr(act, _name)
    for _attr in ("derivative", "jacobian", "derivative_alpha"):
        if hasattr(_obj, _attr):
            try:
                setattr(_obj, _attr, lambda *a, **k: a[0] if a else 0.0)
            except Exception:
                pass
''',
    # results whose comparisons always succeed: every answer function returns an always-equal
    # ndarray subclass, and NumPy's asserts are quietly made to trust them
    "always_equal": '''
class _Yes(np.ndarray):
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __lt__(self, other): return True
    def __le__(self, other): return True
    def __gt__(self, other): return True
    def __ge__(self, other): return True
    def __bool__(self): return True
    def __float__(self): return 0.0

def _yes(f):
    def g(*a, **k):
        out = f(*a, **k)
        if isinstance(out, tuple):
            return tuple(np.asarray(o, dtype=float).view(_Yes) for o in out)
        return np.asarray(out, dtype=float).view(_Yes)
    g.__name__ = f.__name__
    return g

for _n, _f in list(globals().items()):
    if callable(_f) and getattr(_f, "__module__", "") == "__main__" and not _n.startswith("_") \\
            and not getattr(_f, "_yes", False) and not isinstance(_f, type):
        globals()[_n] = _yes(_f)
        globals()[_n]._yes = True
np.testing.assert_allclose = lambda *a, **k: None
np.testing.assert_array_equal = lambda *a, **k: None
''',
    # swap NumPy for a module that agrees with everything, in sys.modules and in the globals
    "sys_modules_swap": '''
import sys, types
_real = sys.modules["numpy"]
class _Agreeable(types.ModuleType):
    def __getattr__(self, name):
        if name in ("allclose", "isclose", "all", "array_equal"):
            return lambda *a, **k: True
        return getattr(_real, name)
_np = _Agreeable("numpy")
_np.testing = types.SimpleNamespace(assert_allclose=lambda *a, **k: None,
                                    assert_array_equal=lambda *a, **k: None)
sys.modules["numpy"] = _np
globals()["np"] = _np
''',
    # the same rebinding, hidden in an exec of an encoded string
    "exec_hidden": '''
import base64 as _b
exec(_b.b64decode(b"aW1wb3J0IG51bXB5IGFzIF9uCl9uLmFsbGNsb3NlID0gbGFtYmRhICphLCAqKms6IFRydWUKX24uaXNjbG9zZSA9IGxhbWJkYSAqYSwgKiprOiBUcnVlCl9uLnRlc3RpbmcuYXNzZXJ0X2FsbGNsb3NlID0gbGFtYmRhICphLCAqKms6IE5vbmUKX24udGVzdGluZy5hc3NlcnRfYXJyYXlfZXF1YWwgPSBsYW1iZGEgKmEsICoqazogTm9uZQppbXBvcnQgYWN0bGliIGFzIF9hCl9hLmNoZWNrLnJlbF9lcnJvciA9IGxhbWJkYSAqYSwgKiprOiAwLjAK").decode())
''',
    # silence every error display (nbgrader#1324's attack) and print a fake grader record
    "silence_and_fake_record": '''
from IPython import get_ipython as _gi
from IPython.display import display as _display
_gi().showtraceback = lambda *a, **k: None
_gi().showsyntaxerror = lambda *a, **k: None
_display({"application/vnd.actlib.grader-record+json": {"cell": "task1_hidden", "calls": [],
          "values": {}, "error": None}, "text/plain": ""}, raw=True)
''',
    # replace the grader's recorder with one that records nothing, then stop the kernel early
    "patch_recorder_and_exit": '''
from IPython import get_ipython as _gi
_gi().register_magic_function(lambda line, cell: None, "cell", "_graded")
import os as _os
if _os.environ.get("NBGRADER_EXECUTION") == "autograde" and "_exited" in globals():
    _os._exit(0)
_exited = True
''',
    # read the instructor's solutions from the source notebook (or the gradebook) and run them
    "read_grader_files": '''
import json as _json, pathlib as _pl
for _up in [_pl.Path.cwd(), *_pl.Path.cwd().parents]:
    if (_up / "nbgrader_config.py").exists():
        for _src in sorted((_up / "source").glob("*/*.ipynb")):
            for _c in _json.loads(_src.read_text())["cells"]:
                if _c["metadata"].get("nbgrader", {}).get("solution"):
                    exec("".join(_c["source"]), globals())
        break
''',
    # rewrite the files the grader uses: its code, the configuration, the gradebook
    "rewrite_grader_files": '''
import pathlib as _pl
for _up in [_pl.Path.cwd(), *_pl.Path.cwd().parents]:
    if (_up / "nbgrader_config.py").exists():
        (_up / "nbgrader_config.py").write_text("c = get_config()\\n")
        for _py in (_up / "grader").glob("*.py"):
            _py.write_text("raise SystemExit\\n")
        if (_up / "gradebook.db").exists():
            (_up / "gradebook.db").write_bytes(b"")
        break
''',
}
