"""Rows for exports: the store side of an export.

Owns reading what an export writes, from one opening of the store: the catalogue, the columns chosen from it, the
count and the rows of a view, the rows streamed from its query in batches, so a million-customer backup never sits
in memory at once. Which columns a format gets, the filters' descriptions and the table handed to the writers are
the export service's (`services/export.py`): this module knows no file format.
"""

from __future__ import annotations

import shutil
import tempfile
import weakref
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import duckdb

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
    detached: bool = False,
) -> ExportRows:
    """The customers of `view` (as `user` at `entity` sees them), with the columns `columns` picks from the
    catalogue as it is when the store is opened.

    `detached`: for a file that takes long to render (a workbook of 273,000 customers took 12.8 s, every write
    meanwhile waiting and failing), the rows are first copied, by the database, to a private temporary Parquet
    file, and the store is let go at once; the rows then stream from that copy, removed once read."""
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
        if detached:
            copy = _copy_out(con, compiled)
            stack.close()  # the store is free from here: the file is rendered from the copy
            return ExportRows(catalogue, chosen, row_count, copy)
    except BaseException:
        stack.close()
        raise

    def rows() -> Iterator[tuple[Value, ...]]:
        with stack:
            yield from query.stream_in(con, compiled)

    stream = rows()
    weakref.finalize(stream, stack.close)
    return ExportRows(catalogue, chosen, row_count, stream)


def _copy_out(con: duckdb.DuckDBPyConnection, compiled: query.CompiledView) -> Iterator[tuple[Value, ...]]:
    """The query's rows written to a Parquet file in a new private folder (0700), then read back from it by an
    in-memory database, in order, batch by batch; the folder goes when the rows are read or dropped."""
    folder = Path(tempfile.mkdtemp(prefix="custbook-export-"))
    path = folder / "rows.parquet"
    try:
        with con.cursor() as cursor:  # its own cursor: the count's result may still be open on `con`
            cursor.sql(compiled.sql(), params=list(compiled.params)).write_parquet(str(path))
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    reader = duckdb.connect(":memory:")
    reader.execute("SET enable_progress_bar = false")

    def rows() -> Iterator[tuple[Value, ...]]:
        try:
            cursor = reader.execute("SELECT * FROM read_parquet(?)", [str(path)])
            while batch := cursor.fetchmany(query.FETCH_ROWS):
                yield from batch
        finally:
            reader.close()
            shutil.rmtree(folder, ignore_errors=True)

    stream = rows()
    weakref.finalize(stream, shutil.rmtree, folder, True)
    return stream
