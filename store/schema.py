"""The store's tables, its schema version and forward migrations.

Owns every CREATE/ALTER statement. A store written by this version must open in every later one: each change to
the layout is a new entry in MIGRATIONS, applied in order inside one transaction, never an edit of an old entry.
Customer columns come from the field catalogue (standard and read-only fields) plus one column per custom field,
added by `store.fields` with ALTER TABLE.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import duckdb

from core.catalogue import READ_ONLY_FIELDS, STANDARD_FIELDS
from core.errors import StoreUnreadable
from core.values import DateFormat

SCHEMA_VERSION = 4

# Columns the store keeps for itself: never shown, never imported. ROWVERSION grows with every write of a record,
# so that a preview or an open edit form can tell that the record changed under it.
INTERNAL_COLUMNS = ("ROWVERSION",)


def _customer_columns() -> str:
    cols = []
    for f in STANDARD_FIELDS + READ_ONLY_FIELDS:
        not_null = " NOT NULL" if f.id in ("CUSTOMERID", "RECORDNO") else ""
        cols.append(f'"{f.id}" {f.type.sql_type}{not_null}')
    cols.append('"ROWVERSION" BIGINT NOT NULL DEFAULT 1')
    return ",\n    ".join(cols)


def _v1(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE SEQUENCE IF NOT EXISTS recordno_seq START 1")
    con.execute("CREATE SEQUENCE IF NOT EXISTS batch_seq START 1")
    con.execute(f"CREATE TABLE customers (\n    {_customer_columns()}\n)")
    con.execute(
        """CREATE TABLE custom_fields (
            id VARCHAR PRIMARY KEY, label VARCHAR NOT NULL, label_fr VARCHAR NOT NULL, type VARCHAR NOT NULL,
            enum_values VARCHAR[], required BOOLEAN NOT NULL DEFAULT FALSE, position INTEGER NOT NULL)"""
    )
    con.execute("CREATE TABLE entities (id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL)")
    con.execute(
        """CREATE TABLE users (
            name VARCHAR PRIMARY KEY, type VARCHAR NOT NULL, can_list BOOLEAN NOT NULL,
            can_add BOOLEAN NOT NULL, can_edit BOOLEAN NOT NULL, created TIMESTAMP NOT NULL)"""
    )
    con.execute(
        """CREATE TABLE batches (
            id BIGINT PRIMARY KEY, kind VARCHAR NOT NULL, user_name VARCHAR NOT NULL, at_time TIMESTAMP NOT NULL,
            file_name VARCHAR, entity VARCHAR, created INTEGER NOT NULL DEFAULT 0,
            updated INTEGER NOT NULL DEFAULT 0, blanked INTEGER NOT NULL DEFAULT 0,
            failed INTEGER NOT NULL DEFAULT 0, undoes BIGINT, undone_by BIGINT)"""
    )
    # One row per field a batch changed; old/new as canonical text (see store.values). action: create, update,
    # delete (an undo of a creation).
    con.execute(
        """CREATE TABLE changes (
            batch BIGINT NOT NULL, customerid VARCHAR NOT NULL, field VARCHAR NOT NULL,
            old VARCHAR, new VARCHAR, action VARCHAR NOT NULL)"""
    )
    con.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)")


def _v2(con: duckdb.DuckDBPyConnection) -> None:
    # Saved views: the definition (columns, filters, sort, entity records) is JSON read by store.viewdef.
    con.execute(
        """CREATE TABLE views (
            owner VARCHAR NOT NULL, name VARCHAR NOT NULL, public BOOLEAN NOT NULL DEFAULT FALSE,
            definition VARCHAR NOT NULL, created TIMESTAMP NOT NULL, modified TIMESTAMP NOT NULL,
            PRIMARY KEY (owner, name))"""
    )


def _v3(con: duckdb.DuckDBPyConnection) -> None:
    # Offline imports (store.jobs): the file's bytes and options wait here for a worker. The claim (claimed_by
    # "host:pid", claimed_at, heartbeat, attempts) lets a job whose worker died be claimed again; the results (the
    # JSON summary of cli.md, the failed-rows CSV, the e-mail status, the batch) stay with the job. state: queued,
    # running, done, failed. options: JSON (date format, encoding, policy, row limit).
    con.execute("CREATE SEQUENCE IF NOT EXISTS job_seq START 1")
    con.execute(
        """CREATE TABLE jobs (
            id BIGINT PRIMARY KEY, state VARCHAR NOT NULL, file_name VARCHAR NOT NULL, file_bytes BLOB NOT NULL,
            options VARCHAR NOT NULL, user_name VARCHAR NOT NULL, entity VARCHAR, emails VARCHAR[] NOT NULL,
            email_each BOOLEAN NOT NULL DEFAULT FALSE, created TIMESTAMP NOT NULL, claimed_by VARCHAR,
            claimed_at TIMESTAMP, heartbeat TIMESTAMP, attempts INTEGER NOT NULL DEFAULT 0, finished TIMESTAMP,
            batch BIGINT, result VARCHAR, failed_rows BLOB, mail_status VARCHAR)"""
    )


def _v4(con: duckdb.DuckDBPyConnection) -> None:
    # Saved views now keep the dates of their filters as YYYY-MM-DD (store.viewdef.iso_date_filters). Earlier ones
    # kept them as typed, and each export or screen read them in its own date format: 01/02/2024 meant 2 January in
    # an export written as MM/DD/YYYY. They were checked as DD/MM/YYYY when saved: that is the meaning they keep.
    from store.fields import load_catalogue  # (store.fields imports this module)
    from store.viewdef import View, iso_date_filters

    catalogue = load_catalogue(con)
    for owner, name, public, text in con.execute("SELECT owner, name, public, definition FROM views").fetchall():
        try:
            view = View.from_json(name, owner, public, text)
        except (ValueError, TypeError, KeyError):
            continue  # a definition this program cannot read is left as it is: an upgrade must not fail over it
        filters = iso_date_filters(view.filters, catalogue, DateFormat.DMY_SLASH)
        if filters != view.filters:
            con.execute(
                "UPDATE views SET definition = ? WHERE owner = ? AND name = ?",
                [replace(view, filters=filters).definition_json(), owner, name],
            )


MIGRATIONS: dict[int, Callable[[duckdb.DuckDBPyConnection], None]] = {1: _v1, 2: _v2, 3: _v3, 4: _v4}


def current_version(con: duckdb.DuckDBPyConnection) -> int:
    has_meta = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta' AND table_schema = 'main'"
    ).fetchone()
    if not has_meta or not has_meta[0]:
        other = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main'").fetchone()
        if other and other[0]:
            raise StoreUnreadable(
                "This DuckDB file is not a custbook store", "Give the path of a custbook store, or a new file name"
            )
        return 0
    row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else 0


def needs_upgrade(con: duckdb.DuckDBPyConnection) -> bool:
    version = current_version(con)
    if version > SCHEMA_VERSION:
        raise StoreUnreadable(
            f"This store was written by a newer custbook (layout {version}, this program knows {SCHEMA_VERSION})",
            "Upgrade custbook (pip install -U custbook)",
        )
    return version < SCHEMA_VERSION


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Bring the store to SCHEMA_VERSION in one transaction; a failed upgrade leaves the old store as it was."""
    if not needs_upgrade(con):
        return
    con.execute("BEGIN TRANSACTION")
    try:
        version = current_version(con)
        for target in range(version + 1, SCHEMA_VERSION + 1):
            MIGRATIONS[target](con)
        con.execute(
            "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)",
            [str(SCHEMA_VERSION)],
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
