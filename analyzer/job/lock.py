"""One `handoff run` or writer at a time: an exclusive lock file beside the database."""

from __future__ import annotations

import contextlib
import fcntl
import time
from collections.abc import Iterator
from pathlib import Path

from analyzer.errors import LockBusyError


@contextlib.contextmanager
def database_lock(db_path: Path, wait_seconds: float) -> Iterator[None]:
    """An exclusive lock beside the database; a second run waits up to `wait_seconds`."""
    lock_path = db_path.with_name(db_path.name + ".lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("a+") as fh:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockBusyError(
                        f"another handoff run is using {db_path} (lock {lock_path})",
                        "wait for it to finish, or set [run] lock_wait_seconds",
                    ) from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
