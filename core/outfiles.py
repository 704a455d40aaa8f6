"""Writing a file the user named, safely: to a temporary part file beside it, renamed into place when complete.

Owns three rules that every output (export, failed rows, backup, a job's results) shares:
- The target is replaced only once the new file is whole: an interrupted run never leaves half a file under the
  user's name. The part file is `.NAME.custbook-XXXXXXXX.part`, locked (flock) while its writer lives.
- A target that is not a regular file is written as a stream, never replaced: `-o /dev/null` or a named pipe
  (FIFO) gets the bytes, and is still a device or a pipe afterwards (as root, renaming over /dev/null would have
  replaced the system's). A symbolic link is followed: its target gets the new file, the link stays.
- Part files left by killed runs (a kill -9 cannot clean up) are removed by the next run writing to that folder,
  when no living writer holds their lock.
"""

from __future__ import annotations

import fcntl
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

PART_TAG = ".custbook-"
PART_SUFFIX = ".part"


def real_target(path: Path) -> Path:
    """The file a write to `path` should land in: the path itself, or the end of its chain of symbolic links."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def is_stream(path: Path) -> bool:
    """True when `path` exists and is not a regular file or a folder: a device, a named pipe, a socket."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def sweep_parts(folder: Path) -> int:
    """Remove the part files of dead writers in `folder`; returns how many. A living writer holds its part file's
    lock, so its file is left alone."""
    removed = 0
    try:
        candidates = [p for p in folder.iterdir() if PART_TAG in p.name and p.name.endswith(PART_SUFFIX)]
    except OSError:
        return 0
    for part in candidates:
        try:
            fd = os.open(part, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # a living writer holds it (or it cannot be locked): leave it
            os.close(fd)
            continue
        try:
            part.unlink()
            removed += 1
        except OSError:
            pass
        finally:
            os.close(fd)
    return removed


@contextmanager
def replacing(target: Path, *, mode: int | None = None) -> Iterator[BinaryIO]:
    """A binary file to write `target`'s new content into. On a clean exit it becomes `target` (with `mode`, else
    the part file's 0600); on an error nothing of it remains. A device or pipe at `target` is written directly."""
    destination = real_target(target)
    if is_stream(destination):
        with open(destination, "wb") as out:
            yield out
        return
    folder = destination.parent if str(destination.parent) else Path(".")
    fd, tmp = locked_part(folder, destination.name)  # locked while this writer lives: a sweep leaves it alone
    try:
        with os.fdopen(fd, "wb") as out:
            yield out
            out.flush()
            if mode is not None:
                os.chmod(tmp, mode)
            os.replace(tmp, destination)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def locked_part(folder: Path, name: str) -> tuple[int, str]:
    """A new part file for `name` in `folder` (0600), locked for this writer's life: (descriptor, path)."""
    sweep_parts(folder)
    fd, tmp = tempfile.mkstemp(prefix=f".{name}{PART_TAG}", suffix=PART_SUFFIX, dir=folder)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd, tmp
