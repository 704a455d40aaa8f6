"""Reading an import's stored rows ahead (issue 13): started when the file is named, while Python reads it.

The plan's fast path (services.unchanged) compares each row of the file with its stored customer written as text
(`PlanReader.stored_text`). On a million customers DuckDB needs about a fifth of a second for that (it scans every
text column before the join), and it could start only once Python had read the file and knew its IDs: the longest
wait of a dry run. Here DuckDB reads the file's ID column itself (read_csv) and fetches those customers in a
connection and thread of their own, on its own threads, while Python reads the file.

What it fetched is a guess the plan checks (`DuckAhead.rows`): used only when the store was not written since (the
same `data_version`, the same file) and the fields, their types and the reading options are the plan's; the IDs
DuckDB's reading of the file missed (it trims and splits a little differently from custbook's reader) are fetched
by the plan as before. A wrong guess costs time, never correctness. DuckDB stores only (PostgreSQL does not read
ahead). May import core and the store's DuckDB modules.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import cast

import duckdb

from core.catalogue import Catalogue
from core.values import ParseOptions
from store.db import Store, data_version
from store.diff import stored_text_columns
from store.fields import load_catalogue
from store.records import AheadQuery
from store.sql import Connection

Rows = dict[str, tuple[int, str | None, str]]  # ID -> (version, entity, the stored row as text)
_DELIMITERS = frozenset(",;\t|")  # those custbook's reader knows (formats.csv.records.DELIMITERS)


def _file_stamp(store: Store) -> tuple[int, int, int, int] | None:
    try:
        info = store.path.stat()
    except OSError:
        return None
    return info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns


class DuckAhead:
    """The read-ahead of one import (store.base.ReadAhead). Its thread opens the store read-only (never a write:
    the layout was checked when the command opened the store), asks `choose` what to read, and reads it."""

    def __init__(self, store: Store, choose: Callable[[Catalogue], AheadQuery | None]) -> None:
        self._store, self._choose = store, choose
        self._guard = threading.Lock()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._closed = False
        # (data_version, file stamp, fields and their types, options, IDs looked for, rows found)
        self._result: tuple[object, ...] | None = None
        self._used = False
        self._thread = threading.Thread(target=self._run, name="custbook-read-ahead", daemon=True)
        self._thread.start()

    @property
    def used(self) -> bool:
        return self._used

    def _run(self) -> None:
        stamp = _file_stamp(self._store)
        try:
            con = duckdb.connect(str(self._store.path), read_only=True)
        except duckdb.Error:
            return  # busy, being written by this process, gone: the plan fetches its rows itself
        with self._guard:
            if self._closed:
                con.close()
                return
            self._con = con
        try:
            con.execute("SET enable_progress_bar = false")
            version = data_version(con)
            catalogue = load_catalogue(con)
            query = self._choose(catalogue)
            if query is None or query.delimiter not in _DELIMITERS or query.id_column < 0:
                return
            # Every ID the file names (custbook's reader trims cells the same way for IDs of plain spaces), with its
            # stored customer when there is one: NULL version for an ID that is not stored.
            with self._guard:
                if self._closed:
                    return  # closed while it was choosing: an interrupt reaches only a query already running
            source = (
                f"read_csv(?, header = false, all_varchar = true, delim = '{query.delimiter}', quote = '\"', "
                "escape = '\"', strict_mode = false, ignore_errors = true, encoding = 'utf-8')"
            )
            rows = con.execute(
                f"SELECT f.i, {stored_text_columns(catalogue, query.fields, query.options)} "
                f"FROM (SELECT DISTINCT trim(#{query.id_column + 1}) AS i FROM {source}) f "
                'LEFT JOIN customers c ON c."CUSTOMERID" = f.i WHERE f.i IS NOT NULL',
                [str(query.path)],
            ).fetchall()
            kinds = tuple(catalogue[f].type for f in query.fields)
            searched = frozenset(r[0] for r in rows)
            found = {cid: (v, e, t) for cid, v, e, t in rows if v is not None}
            self._result = (version, stamp, query.fields, kinds, query.options, searched, found)
        except Exception:  # a guess that failed (an odd file, an interrupt): the plan reads itself
            return
        finally:
            with self._guard:
                self._con = None
            con.close()

    def rows(
        self, con: Connection, catalogue: Catalogue, fields: Sequence[str], options: ParseOptions
    ) -> tuple[frozenset[str], Rows] | None:
        """(the IDs the read-ahead looked for, the stored rows among them) when they hold for the plan reading
        through `con` with `catalogue`, `fields` and `options`; else None. Waits for the reading to end."""
        self._thread.join()
        got = self._result
        if got is None:
            return None
        version, stamp, read_fields, kinds, read_options, searched, found = got
        if (
            version != data_version(cast(duckdb.DuckDBPyConnection, con))
            or stamp is None
            or stamp != _file_stamp(self._store)
            or tuple(fields) != read_fields
            or any(f not in catalogue for f in fields)
            or tuple(catalogue[f].type for f in fields) != kinds
            or options != read_options
        ):
            return None
        self._used = True
        return searched, found  # type: ignore[return-value]

    def close(self) -> None:
        with self._guard:
            self._closed = True
            if self._con is not None:
                self._con.interrupt()
        self._thread.join()
