"""Rows for exports: the store side of an export.

Owns reading what an export writes, from one opening of the store: the catalogue, the columns chosen from it, the
count and the rows of a view, the rows streamed from its query in batches, so a million-customer backup never sits
in memory at once. Which columns a format gets, the filters' descriptions and the table handed to the writers are
the export service's (`services/export.py`): this module knows no file format.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterator
from contextlib import ExitStack

from core.catalogue import Catalogue, Field
from core.users import User
from core.values import DateFormat, Value
from core.viewdef import View
from store import query
from store.db import Store
from store.fields import load_catalogue
from store.records import ExportRows


def export_rows(
    store: Store,
    *,
    user: User,
    view: View,
    columns: Callable[[Catalogue], tuple[Field, ...]],
    entity: str | None = None,
    date_format: DateFormat = DateFormat.DMY_SLASH,
) -> ExportRows:
    """The customers of `view` (as `user` at `entity` sees them), with the columns `columns` picks from the
    catalogue as it is when the store is opened."""
    # One opening of the store for the catalogue, the count and the rows: the connection lives as long as the
    # rows are being written, and closes when they are done (or when the rows are dropped unread).
    stack = ExitStack()
    con = stack.enter_context(store.read())
    try:
        catalogue = load_catalogue(con)
        chosen = columns(catalogue)
        compiled = query.compile_view(
            view, catalogue, user=user, entity=entity, columns=chosen, date_format=date_format
        )
        row_count = query.count_in(con, compiled)
    except BaseException:
        stack.close()
        raise

    def rows() -> Iterator[tuple[Value, ...]]:
        with stack:
            yield from query.stream_in(con, compiled)

    stream = rows()
    weakref.finalize(stream, stack.close)
    return ExportRows(catalogue, chosen, row_count, stream)
