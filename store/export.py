"""Rows for exports: the store side of `custbook export`.

Owns choosing the columns (the view's, or every field; importable ones only, CUSTOMERID first, for writers that
ask for them), describing the filters for documents, and handing writers one `ExportTable` whose rows stream from
the view's query in batches, so a million-customer backup never sits in memory at once.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator, Sequence
from contextlib import ExitStack

from core.catalogue import LIST_COLUMNS, Catalogue, Field
from core.values import DateFormat, Value
from formats.writer import ExportTable, Writer
from store import query
from store.db import Store
from store.fields import load_catalogue
from store.users import Permission, User
from store.viewdef import View
from store.views import builtin_view


def export_columns(catalogue: Catalogue, wanted: Sequence[str], writer: Writer) -> tuple[Field, ...]:
    if not wanted and getattr(writer, "document", False):
        # Forty-odd columns on one landscape page are unreadable: a document of the whole list shows the list's.
        wanted = LIST_COLUMNS
    fields = [catalogue[f] for f in wanted] if wanted else list(catalogue.fields)
    if writer.importable_only:
        if not wanted:
            fields = list(catalogue.importable)
        fields = [f for f in fields if f.importable and f.id != "CUSTOMERID"]
        fields.insert(0, catalogue["CUSTOMERID"])
    return tuple(fields)


def export_table(
    store: Store,
    *,
    user: User,
    writer: Writer,
    view: View | None = None,
    entity: str | None = None,
    date_format: DateFormat = DateFormat.DMY_SLASH,
) -> ExportTable:
    """The view's customers (default: all of them), in its sort order, as one table for the writer."""
    user.require(Permission.LIST, "export customers")
    view = view or builtin_view()
    # One opening of the store for the catalogue, the count and the rows: the connection lives as long as the
    # rows are being written, and closes when they are done (or when the table is dropped unread).
    stack = ExitStack()
    con = stack.enter_context(store.read())
    try:
        catalogue = load_catalogue(con)
        columns = export_columns(catalogue, view.columns, writer)
        compiled = query.compile_view(
            view, catalogue, user=user, entity=entity, columns=columns, date_format=date_format
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
    filters = tuple(f.describe(catalogue) for f in view.filters)
    if view.include_entities:
        filters += ("Entity records included",)
    if entity:
        filters += (f"Entity {entity}",)
    return ExportTable(
        title=view.name,
        columns=columns,
        rows=stream,
        row_count=row_count,
        filters=filters,
        date_format=date_format,
    )
