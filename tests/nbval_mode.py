"""Where nbval compares the notebooks' outputs strictly, and where it only runs them.

The committed outputs are those of the reference platform: Linux x86-64 with exactly the versions
pinned in requirements.txt, under the committed seed (ACTLIB_SEED unset or 0). There, nbval compares
every text output. Anywhere else (a Mac, Windows, aarch64, other library versions, another seed)
other BLAS kernels and TensorFlow builds change the last digits of trained networks, so nbval runs
in lax mode: every cell still runs, every assert (every claim) is still checked, and a cell that
raises still fails the test; only the printed numbers are not compared. ACTLIB_NBVAL=strict or
ACTLIB_NBVAL=lax forces either mode.
"""

from __future__ import annotations

import importlib.metadata
import os
import platform
import re
import sys
from pathlib import Path

PINS_FILE = Path(__file__).resolve().parent.parent / "requirements.txt"
# the packages whose version changes the numbers a notebook prints
COMPARED = ("numpy", "scipy", "matplotlib", "keras", "tensorflow-cpu")


def pins(text: str) -> dict[str, str]:
    """{name: version} of the unconditional ``name==version`` lines of a requirements file (a pin
    with an environment marker is not the reference platform's, unless no plain pin exists)."""
    found: dict[str, str] = {}
    for line in text.splitlines():
        m = re.fullmatch(r"([A-Za-z0-9_.-]+)==([^\s;]+)\s*(;.*)?", line.split("#")[0].strip())
        if m and (not m.group(3) or m.group(1).lower() not in found):
            found[m.group(1).lower()] = m.group(2)
    return found


def installed(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def why_not_reference(system: str = sys.platform, machine: str = platform.machine(),
                      versions: dict[str, str | None] | None = None,
                      wanted: dict[str, str] | None = None,
                      env: dict[str, str] | None = None) -> list[str]:
    """The reasons this is not the reference platform; empty when it is."""
    env = os.environ if env is None else env
    forced = env.get("ACTLIB_NBVAL", "").strip().lower()
    if forced in ("strict", "lax"):
        return [] if forced == "strict" else ["ACTLIB_NBVAL=lax"]
    if forced:
        raise ValueError(f"ACTLIB_NBVAL must be 'strict' or 'lax', not {forced!r}")
    wanted = pins(PINS_FILE.read_text()) if wanted is None else wanted
    versions = {n: installed(n) for n in COMPARED} if versions is None else versions
    reasons = []
    if system != "linux" or machine.lower() not in ("x86_64", "amd64"):
        reasons.append(f"platform {system}/{machine}, not linux/x86_64")
    for name in COMPARED:
        if wanted.get(name) and versions.get(name) != wanted[name]:
            reasons.append(f"{name} {versions.get(name)}, not {wanted[name]}")
    seed = env.get("ACTLIB_SEED", "").strip()
    if seed not in ("", "0"):
        reasons.append(f"ACTLIB_SEED={seed}, not 0")
    return reasons
