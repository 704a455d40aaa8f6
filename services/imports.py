"""The import workflow, once for the command line, the interface and the job worker.

Filled in by the service-layer work (issue 12); for now the file-reading step shared by the callers.
"""

from __future__ import annotations

import stat
from pathlib import Path

from formats.reader import configured_max_bytes, read_file


def file_bytes(path: Path, max_bytes: int | None = None) -> bytes:
    """The file's bytes, for a job; the problems `read_file` names in words (missing, folder, too big) alike."""
    limit = configured_max_bytes() if max_bytes is None else max_bytes
    try:
        info = path.stat()
        if stat.S_ISREG(info.st_mode) and info.st_size > limit:
            read_file(path, max_bytes=limit)  # raises the "too big" rejection without reading the file
        with path.open("rb") as handle:
            return handle.read(limit + 1)
    except OSError:
        read_file(path, max_bytes=limit)  # raises the FileRejected that says what is wrong with the path
        raise
