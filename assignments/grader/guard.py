"""The grader's files, kept out of the student's reach while a submission runs.

Before each submission's kernel starts, the files the grader reads (this package, the course's
nbgrader_config.py, the source notebooks, the gradebook) are copied into memory; after the kernel
stops, any that changed are written back and reported. On Linux, inotify also reports which of
them the kernel opened (a submission that reads the source notebook could copy its solutions).
Honest code never touches them.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import struct
from pathlib import Path

IN_ACCESS, IN_MODIFY, IN_OPEN = 0x001, 0x002, 0x020
IN_ATTRIB, IN_MOVED_FROM, IN_DELETE, IN_CREATE, IN_MOVED_TO = 0x004, 0x040, 0x200, 0x100, 0x080
WATCHED = IN_ACCESS | IN_MODIFY | IN_OPEN | IN_ATTRIB | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE \
    | IN_CREATE
SQLITE_SIDE_FILES = ("-journal", "-wal", "-shm")


def protected_files(course: Path) -> list[Path]:
    """What the grader reads: its own code, the course's configuration, the source notebooks."""
    course = Path(course).resolve()
    files = [course / "nbgrader_config.py", course / "gradebook.db"]
    files += sorted((course / "source").glob("*/*.ipynb"))
    files += sorted(Path(__file__).resolve().parent.glob("*.py"))
    return files


class Guard:
    """Snapshot, watch, check and restore the grader's files around one submission's run."""

    def __init__(self, files: list[Path]):
        self.files = [Path(f) for f in files]
        self.snapshot: dict[Path, bytes | None] = {}
        self._inotify = _Inotify.open()

    def __enter__(self) -> Guard:
        self.snapshot = {f: f.read_bytes() if f.exists() else None for f in self.files}
        self.side = {Path(str(f) + s) for f in self.files if f.suffix == ".db"
                     for s in SQLITE_SIDE_FILES}
        self.side_before = {p for p in self.side if p.exists()}
        if self._inotify:
            self._inotify.watch({f.parent for f in self.files})
        return self

    def __exit__(self, *exc) -> None:
        names = {f.name for f in self.files} | {p.name for p in self.side}
        dirs = {f.parent for f in self.files}
        self.touched = self._inotify.read(names, dirs) if self._inotify else []
        self.changed = []
        for f, before in self.snapshot.items():
            now = f.read_bytes() if f.exists() else None
            if now != before:
                self.changed.append(f.name)
                if before is None:
                    f.unlink()
                else:
                    f.write_bytes(before)
        for p in self.side - self.side_before:  # a hot journal would roll the restored db back
            if p.exists():
                self.changed.append(p.name)
                p.unlink()

    def reasons(self) -> list[str]:
        out = []
        if self.changed:
            out.append("changed the grader's files while it ran (restored): "
                       + ", ".join(sorted(set(self.changed))))
        opened = sorted(set(self.touched) - set(self.changed))
        if opened:
            out.append("opened the grader's files while it ran: " + ", ".join(opened))
        return out


class _Inotify:
    """The few inotify calls we need, through ctypes (Linux only; elsewhere no watch)."""

    def __init__(self, libc, fd: int):
        self.libc, self.fd, self.wds = libc, fd, {}

    @classmethod
    def open(cls) -> _Inotify | None:
        if not hasattr(os, "O_NONBLOCK") or not os.uname().sysname == "Linux":
            return None
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        fd = libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        return cls(libc, fd) if fd >= 0 else None

    def watch(self, dirs: set[Path]) -> None:
        self.read(set(), set())  # drop earlier events (the snapshot's own reads)
        for d in dirs:
            if d not in self.wds.values():
                wd = self.libc.inotify_add_watch(self.fd, str(d).encode(), WATCHED)
                if wd >= 0:
                    self.wds[wd] = d
        self.read(set(), set())

    def read(self, names: set[str], dirs: set[Path]) -> list[str]:
        hits: list[str] = []
        while True:
            try:
                data = os.read(self.fd, 65536)
            except BlockingIOError:
                return hits
            i = 0
            while i + 16 <= len(data):
                wd, mask, _cookie, length = struct.unpack_from("iIII", data, i)
                name = data[i + 16:i + 16 + length].rstrip(b"\0").decode(errors="replace")
                i += 16 + length
                if name in names and self.wds.get(wd) in dirs and name not in hits:
                    hits.append(name)
