"""Rows for exports: the store side of `custbook export`.

Owns choosing the columns (the view's, or every field; importable ones only, CUSTOMERID first, for writers that
ask for them), describing the filters for documents, and handing writers one `ExportTable` whose rows stream from
the view's query in batches, so a million-customer backup never sits in memory at once.
"""

from __future__ import annotations

from collections.abc import Sequence

from formats.catalogue import LIST_COLUMNS, Catalogue, Field
from formats.values import DateFormat
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
    with store.read() as con:
        catalogue = load_catalogue(con)
        columns = export_columns(catalogue, view.columns, writer)
        compiled = query.compile_view(view, catalogue, entity=entity, columns=columns, date_format=date_format)
        row_count = query.count_in(con, compiled)
    filters = tuple(f.describe(catalogue) for f in view.filters)
    if view.include_entities:
        filters += ("Entity records included",)
    if entity:
        filters += (f"Entity {entity}",)
    return ExportTable(
        title=view.name,
        columns=columns,
        rows=query.stream(store, compiled),
        row_count=row_count,
        filters=filters,
        date_format=date_format,
    )
