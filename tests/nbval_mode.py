"""Where nbval compares the notebooks' outputs strictly, and where it only runs them.

The committed outputs are those of the reference platform: the machine kind that `make notebooks`
last executed them on, recorded in notebooks/reference_platform.json (Linux x86-64, the CPU's
vector instruction sets, and the versions of the packages that change trained numbers, which
are the ones pinned in requirements.txt), under the committed seed (ACTLIB_SEED unset or 0).
There, nbval compares every text output. Anywhere else (a Mac, Windows, aarch64, a CPU with other
vector instructions, other library versions, another seed) other kernels change the last digits
of trained networks, so nbval runs in lax mode: every cell still runs, every assert (every claim)
is still checked, and a cell that raises still fails the test; only the printed numbers are not
compared. ACTLIB_NBVAL=strict or ACTLIB_NBVAL=lax forces either mode.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import platform
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE_FILE = ROOT / "notebooks" / "reference_platform.json"
# the packages whose version changes the numbers a notebook prints
COMPARED = ("numpy", "scipy", "matplotlib", "keras", "tensorflow-cpu", "tensorflow")
# vector instruction sets: which ones the CPU has decides which kernels NumPy and TensorFlow run
ISA = ("sse4_2", "avx", "avx2", "fma", "f16c", "avx512f", "avx512dq", "avx512bw", "avx512vl",
       "avx512_vnni", "avx512_bf16", "avx512_fp16", "avx_vnni", "amx_tile", "amx_bf16", "amx_int8")


def installed(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def cpu_isa(cpuinfo: str | None = None) -> list[str]:
    """The vector instruction sets in /proc/cpuinfo's flags (empty where there is no such file)."""
    if cpuinfo is None:
        try:
            cpuinfo = Path("/proc/cpuinfo").read_text()
        except OSError:
            return []
    flags = set()
    for line in cpuinfo.splitlines():
        if line.startswith("flags"):
            flags.update(line.partition(":")[2].split())
    return [f for f in ISA if f in flags]


def fingerprint() -> dict:
    """This machine and environment, as far as the notebooks' numbers depend on them."""
    return {"system": sys.platform, "machine": platform.machine().lower(), "cpu_isa": cpu_isa(),
            "versions": {n: v for n in COMPARED if (v := installed(n)) is not None}}


def record(path: Path = REFERENCE_FILE) -> None:
    """Write this platform as the one the committed outputs come from (`make notebooks`)."""
    path.write_text(json.dumps(fingerprint(), indent=1) + "\n", encoding="utf-8")


def why_not_reference(current: dict | None = None, reference: dict | None = None,
                      env: dict[str, str] | None = None) -> list[str]:
    """The reasons this is not the reference platform; empty when it is."""
    env = os.environ if env is None else env
    forced = env.get("ACTLIB_NBVAL", "").strip().lower()
    if forced in ("strict", "lax"):
        return [] if forced == "strict" else ["ACTLIB_NBVAL=lax"]
    if forced:
        raise ValueError(f"ACTLIB_NBVAL must be 'strict' or 'lax', not {forced!r}")
    current = fingerprint() if current is None else current
    if reference is None:
        if not REFERENCE_FILE.exists():
            return [f"no {REFERENCE_FILE.name}: run `make notebooks`"]
        reference = json.loads(REFERENCE_FILE.read_text(encoding="utf-8"))
    reasons = []
    if (current["system"], current["machine"]) != (reference["system"], reference["machine"]):
        reasons.append(f"platform {current['system']}/{current['machine']}, not "
                       f"{reference['system']}/{reference['machine']}")
    elif current["cpu_isa"] != reference["cpu_isa"]:
        missing = sorted(set(reference["cpu_isa"]) - set(current["cpu_isa"]))
        extra = sorted(set(current["cpu_isa"]) - set(reference["cpu_isa"]))
        reasons.append("a CPU with other vector instructions ("
                       + ", ".join([f"lacks {f}" for f in missing] + [f"has {f}" for f in extra])
                       + ")")
    for name in sorted(set(current["versions"]) | set(reference["versions"])):
        have, want = current["versions"].get(name), reference["versions"].get(name)
        if have != want:
            reasons.append(f"{name} {have}, not {want}")
    seed = env.get("ACTLIB_SEED", "").strip()
    if seed not in ("", "0"):
        reasons.append(f"ACTLIB_SEED={seed}, not 0")
    return reasons
