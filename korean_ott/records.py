"""Small files the package keeps under ``_build/``: written atomically, computed once at a time.

The validation record (:mod:`korean_ott.validation`) and the evidence cache
(:mod:`korean_ott.evidence_cache`) save time only; neither may ever be read
half-written, and neither may make an error of a folder that cannot be written.
When the book's notebooks run in parallel, two kernels often need the same
entry at the same moment (both first notebooks validate the same data file);
:func:`one_at_a_time` lets the first compute it while the other waits, then
reads what the first wrote, instead of both computing it.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_atomically(path: Path, content: bytes) -> bool:
    """Write ``content`` to a temporary file beside ``path`` and rename it into place, so
    a reader sees the whole file or none. False (and nothing left behind) when the
    folder cannot be written."""
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        os.chmod(temporary, 0o644)  # mkstemp makes it private; the record is not
        os.replace(temporary, path)
        return True
    except OSError:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        return False


@contextlib.contextmanager
def one_at_a_time(path: Path):
    """Hold an exclusive lock for the entry ``path`` (on ``path`` + ``.lock``) while it is
    computed: another process asking for the same entry waits, then finds it written.
    The lock goes with the process that held it, however it ends. Where locks are not
    available (no ``fcntl``, a folder that cannot be written), it does not lock: the
    entry may then be computed twice, as without it, never wrongly."""
    try:
        import fcntl
    except ImportError:  # Windows
        yield
        return
    lock = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(lock, fcntl.LOCK_EX)
    except OSError:
        if lock is not None:
            os.close(lock)
        lock = None
    try:
        yield
    finally:
        if lock is not None:
            os.close(lock)  # closing releases the lock
