"""The quick filter's memory of its last matches, so that a key typed after the others searches only them.

"paris" typed after "pari" can only match customers "pari" matched, so the search runs over those (their row IDs,
kept as one string) instead of every customer. Measured in the interface on 1,000,000 customers: the query of a
narrowing key took 0.02-0.06 s where searching every customer took 0.10-0.15 s (with 47,000 earlier matches it
took as long as a full search: DuckDB still reads every customer, but skips most of them early).

The matches are only reused while the store holds the same data: every committed write counts itself in the store
(`store.db.data_version`), and the count is read in the search's own snapshot. They are reused only for
the same view, level and sort (the same query apart from the quick filter's patterns), and only when the new text
starts with the old one: texts are compared as searched (folded: `store.query._quick_filter`), and a customer
whose folded text contains the new one contains the old one.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from store.db import Store
    from store.query import CompiledView

MAX_ROWS = 100_000  # more row IDs than this cost more to hand back to DuckDB than the search they save


@dataclass(frozen=True)
class _Matches:
    version: str | None
    key: tuple[object, ...]
    text: str
    rows: str  # the row IDs, comma-separated


_last: dict[str, _Matches] = {}
_guard = threading.Lock()


def _key(compiled: CompiledView) -> tuple[object, ...]:
    base = compiled.params[: len(compiled.params) - compiled.quick_params]
    return (compiled.where, base, compiled.sort_columns)


def prior(version: str | None, store: Store, compiled: CompiledView) -> str | None:
    """The row IDs to search within (comma-separated), or None to search every customer."""
    if not compiled.quick:
        return None
    with _guard:
        last = _last.get(str(store.path))
    if last is None or last.version != version or last.key != _key(compiled):
        return None
    if not compiled.quick.startswith(last.text):
        return None
    return last.rows


def remember(version: str | None, store: Store, compiled: CompiledView, rows: str) -> None:
    with _guard:
        _last[str(store.path)] = _Matches(version, _key(compiled), compiled.quick, rows)
