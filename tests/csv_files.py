"""Writing CSV bytes the way spreadsheet programs do, for tests (a module, not conftest: importable by name)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence


def csv_bytes(rows: Sequence[Sequence[str]], delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)
