"""A PostgreSQL store's layout: the same frozen migrations as a DuckDB file (`store.schema`), plus what only a
server needs (indexes, the trigram search), and the refusal to treat a database that is not a store as one.

The tables are those of `store.schema`, created by the same steps in the database's current schema: one history of
layouts for both databases. On top, kept in `PG_EXTRAS` and applied once per version of them (recorded in `meta`
as "pg_extras"): a unique index on the customer ID (lookups, keyset pages, the import's join), a trigram index on
the stored folded search text (`store.search`: find-as-you-type on a million customers without reading them all),
and indexes for the history and the job queue. Only `custbook init` creates a store (cli.md): any other command on a
database without custbook's tables is refused with exit 4.

May import: core, store.sql, store.schema, store.search.
"""

from __future__ import annotations

from core.errors import PermissionDenied, StoreUnreadable
from core.i18n import _
from store import pg_roles, schema, search
from store.sql import PgConnection, upsert

# The advisory lock taken while a process checks or upgrades the layout (two processes starting together).
LAYOUT_LOCK = 0x63626C
PG_EXTRAS_VERSION = "3"
PG_EXTRAS = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # Text sorts as on DuckDB (store.query): ICU's rules of the language, case ignored (level 2 keeps accents).
    "CREATE COLLATION IF NOT EXISTS custbook_en (provider = icu, locale = 'en-u-ks-level2', deterministic = false)",
    "CREATE COLLATION IF NOT EXISTS custbook_fr (provider = icu, locale = 'fr-u-ks-level2', deterministic = false)",
    'CREATE UNIQUE INDEX IF NOT EXISTS customers_id ON customers ("CUSTOMERID")',
    'CREATE INDEX IF NOT EXISTS customers_entity ON customers ("MEGAENTITYID")',
    'CREATE INDEX IF NOT EXISTS customers_search ON customers USING gin ("_SEARCH_TEXT" gin_trgm_ops)',
    # The texts left to fold (store.search.fill): found without reading every customer after each write.
    'CREATE INDEX IF NOT EXISTS customers_unfolded ON customers ("CUSTOMERID") WHERE "_SEARCH_TEXT" IS NULL',
    # The list sorted by name or city: its first and last pages read from an index, not a sort of every customer
    # (0.70 s on 1,000,000 customers without it), in each language's order; the ID breaks ties as the list does.
    'CREATE INDEX IF NOT EXISTS customers_name_en ON customers ("NAME" COLLATE custbook_en, "CUSTOMERID")',
    'CREATE INDEX IF NOT EXISTS customers_name_fr ON customers ("NAME" COLLATE custbook_fr, "CUSTOMERID")',
    'CREATE INDEX IF NOT EXISTS customers_city_en ON customers ("CITY" COLLATE custbook_en, "CUSTOMERID")',
    'CREATE INDEX IF NOT EXISTS customers_city_fr ON customers ("CITY" COLLATE custbook_fr, "CUSTOMERID")',
    "CREATE INDEX IF NOT EXISTS changes_batch ON changes (batch)",
    "CREATE INDEX IF NOT EXISTS changes_customer ON changes (customerid)",
    "CREATE INDEX IF NOT EXISTS jobs_state ON jobs (state, id)",
)


def layout_version(con: PgConnection) -> int:
    """The store's layout (0: an empty database), refusing a database holding other tables than a store's, and a
    role that is no user of the store (exit 3: the tables are there, its grants are not)."""
    found = con.execute(
        "SELECT has_table_privilege(c.oid, 'SELECT') FROM pg_catalog.pg_class c "
        "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() "
        "AND c.relname = 'meta' AND c.relkind = 'r'"
    ).fetchone()
    if found is not None and not found[0]:
        role = con.execute("SELECT current_user").fetchone()
        name = str(role[0]) if role else "?"
        raise PermissionDenied(
            _("The role {name} is not a user of this store").format(name=name),
            _("Ask an administrator to run: {command}").format(command="custbook users add " + name),
        )
    try:
        return schema.current_version(con)
    except schema.NotAStore:
        raise StoreUnreadable(
            _("The database {database} is not a custbook store").format(database=_database(con)),
            _("Give the URL of a custbook store, or of a new, empty database to run init on"),
        ) from None


def _database(con: PgConnection) -> str:
    row = con.execute("SELECT current_database()").fetchone()
    return str(row[0]) if row else "?"


def ensure_pg_schema(con: PgConnection, busy_seconds: float, *, create: bool) -> None:
    """Bring the store to this program's layout (each step in one transaction), or refuse: a newer layout, a
    database that is not a store, or an empty database when `create` is false."""
    version = layout_version(con)
    if version == schema.SCHEMA_VERSION and not search.stale(con) and _extras_done(con) and _policies_done(con):
        return
    if version == 0 and not create:
        raise StoreUnreadable(
            _("The database {database} is not a custbook store yet").format(database=_database(con)),
            _("Create the store in it first: custbook --db URL init"),
        )
    if version > schema.SCHEMA_VERSION:
        raise StoreUnreadable(
            _("This store was written by a newer custbook (layout {version}, this program knows {known})").format(
                version=version, known=schema.SCHEMA_VERSION
            ),
            _("Upgrade custbook (pip install -U custbook)"),
        )
    con.execute(f"SET lock_timeout = '{int(max(busy_seconds, 30) * 1000)}ms'")
    con.execute("SELECT pg_advisory_lock(?)", [LAYOUT_LOCK])
    try:
        schema.ensure_schema(con)  # its own transaction; a no-op when another process upgraded meanwhile
        con.execute("BEGIN")
        try:
            if version == 0:
                pg_roles.set_up_roles(con)  # a new store: its admin and users roles (custbook init)
            if not _extras_done(con):
                for statement in PG_EXTRAS:
                    con.execute(statement)
                con.execute(upsert("meta", ("key", "value"), ("key",)), ["pg_extras", PG_EXTRAS_VERSION])
            if not _policies_done(con):
                pg_roles.ensure_policies(con)  # after layout 8 (users.entities), which the policy reads
                con.execute(upsert("meta", ("key", "value"), ("key",)), ["pg_policies", pg_roles.POLICIES_VERSION])
            if search.stale(con):
                search.refill(con)
            con.execute("COMMIT")
        except BaseException:
            con.raw.rollback()
            raise
    finally:
        con.execute("SELECT pg_advisory_unlock(?)", [LAYOUT_LOCK])
        con.execute("RESET lock_timeout")


def _policies_done(con: PgConnection) -> bool:
    row = con.execute("SELECT value FROM meta WHERE key = 'pg_policies'").fetchone()
    return row is not None and row[0] == pg_roles.POLICIES_VERSION


def _extras_done(con: PgConnection) -> bool:
    row = con.execute("SELECT value FROM meta WHERE key = 'pg_extras'").fetchone()
    return row is not None and row[0] == PG_EXTRAS_VERSION
