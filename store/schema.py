"""The store's tables, its schema version and forward migrations.

Owns every CREATE/ALTER statement. A store written by this version must open in every later one: each change to
the layout is a new entry in MIGRATIONS, applied in order inside one transaction, never an edit of an old entry.
Each entry is frozen: it uses only SQL text and the small constants written beside it, never today's catalogue or
another store module, so an old step means the same thing in every later version.
Customer columns come from the field catalogue (standard and read-only fields) plus one column per custom field,
added by `store.fields` with ALTER TABLE.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from typing import Any, Protocol

from core.errors import StoreUnreadable


class Connection(Protocol):
    """A DuckDB or PostgreSQL connection (store.sql's, written here so that the frozen steps import no store
    module): both databases read these steps alike."""

    def execute(self, query: str, parameters: Any = ...) -> Any: ...


SCHEMA_VERSION = 8

# Columns the store keeps for itself: never shown, never imported. ROWVERSION grows with every write of a record,
# so that a preview or an open edit form can tell that the record changed under it.
# _SEARCH_TEXT (layout 6) holds the quick filter's folded text (see `store.search`); its name starts with an underscore
# so that no custom field (whose ID starts with a letter) can ever take it.
INTERNAL_COLUMNS = ("ROWVERSION", "_SEARCH_TEXT")


# The customers table as layout 1 created it. Frozen text, not built from today's catalogue: an old migration must
# mean the same thing whatever later versions add to the catalogue (they add columns with new migrations).
_V1_CUSTOMERS = """CREATE TABLE customers (
    "CUSTOMERID" VARCHAR NOT NULL,
    "NAME" VARCHAR,
    "PRINTAS" VARCHAR,
    "STATUS" VARCHAR,
    "CUSTTYPE" VARCHAR,
    "PARENTID" VARCHAR,
    "ACCOUNTNO" VARCHAR,
    "TERMNAME" VARCHAR,
    "CREDITLIMIT" DECIMAL(18,2),
    "CURRENCY" VARCHAR,
    "PAYMETHOD" VARCHAR,
    "DELIVERY_OPTIONS" VARCHAR,
    "ONHOLD" BOOLEAN,
    "ONETIME" BOOLEAN,
    "TAXABLE" BOOLEAN,
    "TAXID" VARCHAR,
    "COMMENTS" VARCHAR,
    "PREFIX" VARCHAR,
    "FIRSTNAME" VARCHAR,
    "LASTNAME" VARCHAR,
    "INITIAL" VARCHAR,
    "COMPANYNAME" VARCHAR,
    "PHONE1" VARCHAR,
    "PHONE2" VARCHAR,
    "CELLPHONE" VARCHAR,
    "FAX" VARCHAR,
    "EMAIL1" VARCHAR,
    "EMAIL2" VARCHAR,
    "URL1" VARCHAR,
    "ADDRESS1" VARCHAR,
    "ADDRESS2" VARCHAR,
    "CITY" VARCHAR,
    "STATE" VARCHAR,
    "ZIP" VARCHAR,
    "COUNTRY" VARCHAR,
    "RECORDNO" BIGINT NOT NULL,
    "MEGAENTITYID" VARCHAR,
    "TOTALDUE" DECIMAL(18,2),
    "LAST_INVOICEDATE" DATE,
    "WHENCREATED" TIMESTAMP,
    "WHENMODIFIED" TIMESTAMP,
    "CREATEDBY" VARCHAR,
    "MODIFIEDBY" VARCHAR,
    "ROWVERSION" BIGINT NOT NULL DEFAULT 1
)"""


def _v1(con: Connection) -> None:
    con.execute("CREATE SEQUENCE IF NOT EXISTS recordno_seq START 1")
    con.execute("CREATE SEQUENCE IF NOT EXISTS batch_seq START 1")
    con.execute(_V1_CUSTOMERS)
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


def _v2(con: Connection) -> None:
    # Saved views: the definition (columns, filters, sort, entity records) is JSON read by core.viewdef.
    con.execute(
        """CREATE TABLE views (
            owner VARCHAR NOT NULL, name VARCHAR NOT NULL, public BOOLEAN NOT NULL DEFAULT FALSE,
            definition VARCHAR NOT NULL, created TIMESTAMP NOT NULL, modified TIMESTAMP NOT NULL,
            PRIMARY KEY (owner, name))"""
    )


def _v3(con: Connection) -> None:
    # Offline imports (store.jobs): the file's bytes and options wait here for a worker. The claim (claimed_by
    # "host:pid", claimed_at, heartbeat, attempts) lets a job whose worker died be claimed again; the results (the
    # JSON summary of cli.md, the failed-rows CSV, the e-mail status, the batch) stay with the job. state: queued,
    # running, done, failed. options: JSON (date format, encoding, policy, row limit).
    con.execute("CREATE SEQUENCE IF NOT EXISTS job_seq START 1")
    con.execute(
        """CREATE TABLE jobs (
            id BIGINT PRIMARY KEY, state VARCHAR NOT NULL, file_name VARCHAR NOT NULL, file_bytes BYTEA NOT NULL,
            options VARCHAR NOT NULL, user_name VARCHAR NOT NULL, entity VARCHAR, emails VARCHAR[] NOT NULL,
            email_each BOOLEAN NOT NULL DEFAULT FALSE, created TIMESTAMP NOT NULL, claimed_by VARCHAR,
            claimed_at TIMESTAMP, heartbeat TIMESTAMP, attempts INTEGER NOT NULL DEFAULT 0, finished TIMESTAMP,
            batch BIGINT, result VARCHAR, failed_rows BYTEA, mail_status VARCHAR)"""
    )


# What layout 4 knew: the standard fields holding dates, the filter operators comparing by value, and the two
# date formats a saved filter could be written in (YYYY-MM-DD, and DD/MM/YYYY, the format views were checked in).
_V4_DATE_FIELDS = frozenset({"LAST_INVOICEDATE", "WHENCREATED", "WHENMODIFIED"})
_V4_VALUE_OPS = frozenset({"=", "!=", "<", ">"})
_V4_ISO = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$")
_V4_DMY = re.compile(r"^(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})$")


def _v4_iso(text: str) -> str | None:
    for pattern in (_V4_ISO, _V4_DMY):
        match = pattern.match(text.strip())
        if match:
            try:
                return dt.date(int(match["y"]), int(match["m"]), int(match["d"])).isoformat()
            except ValueError:
                return None
    return None


def _v4(con: Connection) -> None:
    # Saved views now keep the dates of their filters as YYYY-MM-DD. Earlier ones kept them as typed, and each
    # export or screen read them in its own date format: 01/02/2024 meant 2 January in an export written as
    # MM/DD/YYYY. They were checked as DD/MM/YYYY when saved: that is the meaning they keep. Frozen: this step uses
    # only what layout 4 had (no module of today's store), so it means the same thing in every later version.
    dates = set(_V4_DATE_FIELDS)
    dates.update(row[0] for row in con.execute("SELECT id FROM custom_fields WHERE type = 'date'").fetchall())
    for owner, name, text in con.execute("SELECT owner, name, definition FROM views").fetchall():
        try:
            data = json.loads(text)
            filters = [list(f) for f in data.get("filters", ())]
            changed = False
            for f in filters:
                field, op, value = f
                if field in dates and op in _V4_VALUE_OPS and isinstance(value, str):
                    iso = _v4_iso(value)
                    if iso is not None and iso != value:
                        f[2], changed = iso, True
        except (ValueError, TypeError, KeyError, AttributeError):
            continue  # a definition this program cannot read is left as it is: an upgrade must not fail over it
        if changed:
            data["filters"] = filters
            con.execute(
                "UPDATE views SET definition = ? WHERE owner = ? AND name = ?",
                [json.dumps(data, ensure_ascii=False), owner, name],
            )


def _v5(con: Connection) -> None:
    # Saved column mappings (files from other products), kept like views: one user's, private unless public; the
    # definition is JSON read by core.mapping. A batch keeps the label of the mapping its import used, so that the
    # history says how a file's columns were read (NULL: custbook's own headers, and every batch before layout 5).
    con.execute(
        """CREATE TABLE IF NOT EXISTS mappings (
            owner VARCHAR NOT NULL, name VARCHAR NOT NULL, public BOOLEAN NOT NULL DEFAULT FALSE,
            definition VARCHAR NOT NULL, created TIMESTAMP NOT NULL, modified TIMESTAMP NOT NULL,
            PRIMARY KEY (owner, name))"""
    )
    # IF NOT EXISTS: a store whose recorded layout was set back (as a test of old views does) must still open.
    con.execute("ALTER TABLE batches ADD COLUMN IF NOT EXISTS mapping VARCHAR")


def _v6(con: Connection) -> None:
    # The language a user chose in the interface ("en", "fr"; NULL: none chosen), and the language of the user who
    # queued a job (its results and e-mail speak it; NULL for the jobs queued before layout 6).
    con.execute("ALTER TABLE users ADD COLUMN IF NOT EXISTS language VARCHAR")
    con.execute("ALTER TABLE jobs ADD COLUMN IF NOT EXISTS language VARCHAR")
    # The quick filter's folded text of each customer (lower case, accents and letters such as Ł, Ø, ß folded):
    # searched instead of folding every customer at each key. Filled by `store.search`, which owns the folding
    # rules, after each write and when a store is opened (`store.db`): NULL means "not folded yet". The folding
    # is not part of this frozen step: rules may change in a later version, which then folds every text again.
    con.execute('ALTER TABLE customers ADD COLUMN IF NOT EXISTS "_SEARCH_TEXT" VARCHAR')


def _v7(con: Connection) -> None:
    # Store-wide settings that administrators set (`custbook settings`): the queued jobs' ceilings "max-rows" and
    # "max-bytes" so far. One row per setting set, its value as canonical text (a number of rows, of bytes); a
    # setting never set has no row and takes its default (services.settings owns the keys and the defaults).
    con.execute(
        """CREATE TABLE IF NOT EXISTS settings (
            key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL, changed_by VARCHAR NOT NULL, changed TIMESTAMP NOT NULL)"""
    )


def _v8(con: Connection) -> None:
    # The entities whose own customers a user may see and change (`users add --entities`); NULL: all of them,
    # as every user of an earlier layout could. On PostgreSQL a row-level security policy reads it too.
    con.execute("ALTER TABLE users ADD COLUMN IF NOT EXISTS entities VARCHAR[]")


MIGRATIONS: dict[int, Callable[[Connection], None]] = {
    1: _v1, 2: _v2, 3: _v3, 4: _v4, 5: _v5, 6: _v6, 7: _v7, 8: _v8,
}  # fmt: skip


class NotAStore(StoreUnreadable):
    """A DuckDB file holding other tables than a custbook store's (`store.db` says it in the user's language)."""

    def __init__(self) -> None:
        super().__init__(
            "This DuckDB file is not a custbook store", "Give the path of a custbook store, or a new file name"
        )


class NewerStore(StoreUnreadable):
    """A store of a later layout than this program knows (`store.db` says it in the user's language)."""

    def __init__(self, version: int) -> None:
        super().__init__(
            f"This store was written by a newer custbook (layout {version}, this program knows {SCHEMA_VERSION})",
            "Upgrade custbook (pip install -U custbook)",
        )
        self.version, self.known = version, SCHEMA_VERSION


def current_version(con: Connection) -> int:
    has_meta = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta' AND table_schema = current_schema()"
    ).fetchone()
    if not has_meta or not has_meta[0]:
        other = con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()"
        ).fetchone()
        if other and other[0]:
            raise NotAStore()
        return 0
    row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else 0


def needs_upgrade(con: Connection) -> bool:
    version = current_version(con)
    if version > SCHEMA_VERSION:
        raise NewerStore(version)
    return version < SCHEMA_VERSION


def ensure_schema(con: Connection) -> None:
    """Bring the store to SCHEMA_VERSION in one transaction; a failed upgrade leaves the old store as it was."""
    if not needs_upgrade(con):
        return
    con.execute("BEGIN TRANSACTION")
    try:
        version = current_version(con)
        for target in range(version + 1, SCHEMA_VERSION + 1):
            MIGRATIONS[target](con)
        con.execute(
            "INSERT INTO meta VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [str(SCHEMA_VERSION)],
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
