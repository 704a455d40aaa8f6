"""Loading parsed rows into a temporary table, so that diffs and writes are done set-wise in SQL.

Rows go through a temporary CSV read with explicit column types: measured here, 25,000 rows x 35 columns stage in
about 0.2 s this way against 0.5 s for list parameters, and explicit types keep ZIP codes and IDs as text. On
PostgreSQL the rows go by COPY instead (store.pg_import.stage_rows).
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from core.catalogue import Catalogue
from core.values import Value
from store.sql import Connection, is_postgres, quote_ident

ROW = "ROW_NUMBER_"  # spreadsheet row of each staged row


def stage_rows(
    con: Connection,
    table: str,
    fields: Sequence[str],
    catalogue: Catalogue,
    rows: Iterable[tuple[int, Sequence[Value]]],
    extra: Sequence[tuple[str, str]] = (),
) -> None:
    """Create TEMP table `table` (a fixed internal name) with ROW_NUMBER_, one typed column per field, then the
    `extra` columns (name, SQL type), whose values end each row's values."""
    if is_postgres(con):
        from store import pg_import

        pg_import.stage_rows(con, table, fields, catalogue, rows, extra)  # type: ignore[arg-type]
        return
    columns = [(ROW, "INTEGER")] + [(f, catalogue[f].type.sql_type) for f in fields] + list(extra)
    with staged_csv(((number, *values) for number, values in rows), [name for name, _ in columns]) as path:
        spec = ", ".join(f"'{name}': '{sql_type}'" for name, sql_type in columns)
        con.execute(f"DROP TABLE IF EXISTS {table}")
        con.execute(
            f"CREATE TEMP TABLE {table} AS SELECT * FROM read_csv(?, header = true, delim = ',', quote = '\"', "
            f"escape = '\"', new_line = '\\r\\n', auto_detect = false, columns = {{{spec}}}, "
            "max_line_size = 100000000, strict_mode = false)",
            [str(path)],
        )


@contextmanager
def staged_csv(rows: Iterable[Sequence[object]], header: Sequence[str] | None = None) -> Iterator[Path]:
    """`rows` written to a temporary CSV file for DuckDB's read_csv (CR LF lines), removed after the block.
    Values go in as Python writes them: str() of a Decimal, date, datetime or bool is a form DuckDB casts back
    exactly, and None becomes an empty unquoted cell, read as NULL (no stored text is ever "")."""
    fd, name = tempfile.mkstemp(prefix="custbook-stage-", suffix=".csv")
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as out:
            # "\r\n" as terminator makes the writer quote any cell holding a lone carriage return.
            writer = csv.writer(out, lineterminator="\r\n")
            if header is not None:
                writer.writerow(header)
            writer.writerows(rows)
        yield Path(name)
    finally:
        os.unlink(name)


def column_list(fields: Sequence[str], catalogue: Catalogue, prefix: str = "") -> str:
    return ", ".join(prefix + quote_ident(f, catalogue) for f in fields)
