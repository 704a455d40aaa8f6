"""What the `custbook` sub-commands write to a terminal: text, never terminal commands.

Customer names, view names, field labels and file names are data anyone could have typed; printed as they are,
an escape sequence in one of them ("\\x1b[2J", "\\x1b]0;title\\x07", the one-byte CSI "\\x9b") would clear,
recolour or retitle the user's terminal. While a sub-command runs, standard output and standard error go through
`GuardedStream`, which writes every control character except line breaks and tabs as its `\\uXXXX` escape: visible
in a sentence, and exactly the JSON escape inside a `--json` string (json.dumps already escapes the C0 controls
but leaves DEL and the C1 controls raw), so scripts still read the exact values. Binary output (a CSV export to
standard output, which is data) goes to `.buffer` untouched.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

# C0 and C1 controls (not line breaks and tabs), and the format characters that change how a line reads without
# showing: bidi marks, embeddings, overrides and isolates (U+202E reverses the rest of the line), zero-width
# characters, line and paragraph separators, the byte-order mark.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def visible(text: str) -> str:
    """`text` with each control or invisible format character (other than a line break or a tab) written as
    `\\uXXXX`."""
    return _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class GuardedStream:
    """A text stream whose writes cannot carry terminal commands; everything else is the wrapped stream's."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(visible(text) if _CONTROL.search(text) else text)
        return len(text)

    def writelines(self, lines: Iterator[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


class Guard:
    """Standard output and error guarded from `install` to `remove`; `paused()` lets the interface have the real
    terminal for a while."""

    def __init__(self) -> None:
        self._saved: tuple[TextIO, TextIO] | None = None

    def install(self) -> None:
        self._saved = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = GuardedStream(sys.stdout), GuardedStream(sys.stderr)

    def remove(self) -> None:
        if self._saved is not None:
            sys.stdout, sys.stderr = self._saved
            self._saved = None

    @contextmanager
    def paused(self) -> Iterator[None]:
        self.remove()
        try:
            yield
        finally:
            self.install()


@contextmanager
def guarded_output() -> Iterator[Guard]:
    """Standard output and error guarded for the block."""
    guard = Guard()
    guard.install()
    try:
        yield guard
    finally:
        guard.remove()
