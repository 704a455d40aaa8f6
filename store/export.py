"""Rows for exports: the store side of `custbook export`.

Owns choosing the records (the level's visibility rule, the view's filters and sort once views exist) and the
columns (importable ones, CUSTOMERID first, for writers that ask for them) and streaming typed rows in batches, so a
million-customer backup never sits in memory at once.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from formats.catalogue import Catalogue, Field
from formats.values import DateFormat, Value
from formats.writer import ExportTable, Writer
from store.db import Store, quote_ident
from store.entities import visibility_sql
from store.fields import load_catalogue
from store.users import Permission, User

FETCH_ROWS = 10_000


def export_columns(catalogue: Catalogue, wanted: Sequence[str] | None, writer: Writer) -> tuple[Field, ...]:
    fields = [catalogue[f] for f in wanted] if wanted else list(catalogue.fields)
    if writer.importable_only:
        if not wanted:
            fields = list(catalogue.importable)
        fields = [f for f in fields if f.importable and f.id != "CUSTOMERID"]
        fields.insert(0, catalogue["CUSTOMERID"])
    return tuple(fields)


def _stream(store: Store, sql: str, params: list[object]) -> Iterator[tuple[Value, ...]]:
    with store.read() as con:
        cursor = con.execute(sql, params)
        while True:
            batch = cursor.fetchmany(FETCH_ROWS)
            if not batch:
                return
            yield from batch


def whole_list(
    store: Store,
    *,
    user: User,
    writer: Writer,
    entity: str | None = None,
    include_entities: bool = False,
    date_format: DateFormat = DateFormat.DMY_SLASH,
    title: str = "All customers",
) -> ExportTable:
    """Every customer visible at this level, sorted by Customer ID."""
    user.require(Permission.LIST, "export customers")
    with store.read() as con:
        catalogue = load_catalogue(con)
        where, params = visibility_sql(entity, include_entities)
        count_row = con.execute(f"SELECT count(*) FROM customers WHERE {where}", params).fetchone()
    columns = export_columns(catalogue, None, writer)
    cols = ", ".join(quote_ident(c.id, catalogue) for c in columns)
    sql = f'SELECT {cols} FROM customers WHERE {where} ORDER BY "CUSTOMERID"'
    return ExportTable(
        title=title,
        columns=columns,
        rows=_stream(store, sql, params),
        row_count=int(count_row[0]) if count_row else 0,
        date_format=date_format,
    )
