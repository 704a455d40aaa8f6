"""Who may read the files custbook writes: the store and its companions for their owner only, exports as the user's
umask says.

The store is personal data, and DuckDB creates its write-ahead log (`.wal`) and spill files with the process umask
(usually 0644, readable by every local user). So every write to the store runs inside `private_files(umask)`, with
the umask that gives the log the store's own mode (077 for a store custbook created); nested and concurrent writes
(threads of the interface) keep the first writer's setting. The
umask the user started the program with is captured at import, before anything changed it, and exports apply it
explicitly, so an export written while a store write runs still follows the user's own umask.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

PRIVATE_UMASK = 0o077

_USER_UMASK = os.umask(PRIVATE_UMASK)  # read it the only way POSIX allows, and put it back at once
os.umask(_USER_UMASK)
_lock = threading.Lock()
_depth = 0


def user_umask() -> int:
    """The umask the program started with (exports follow it)."""
    return _USER_UMASK


def shared_mode() -> int:
    """The mode a file the user asked for (an export, a failed-rows file) gets: 0644 under the usual umask."""
    return 0o666 & ~_USER_UMASK


@contextmanager
def private_files(umask: int = PRIVATE_UMASK) -> Iterator[None]:
    """Files created inside, by this thread or another, get `umask` (by default: their owner only)."""
    global _depth
    with _lock:
        if _depth == 0:
            os.umask(umask)
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                os.umask(_USER_UMASK)
