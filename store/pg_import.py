"""The import on a PostgreSQL store: what differs from DuckDB's SQL in staging, diffing and writing a plan.

Owns the PostgreSQL versions of `store.staging` (rows COPYed into a TEMP table dropped at the transaction's end),
`store.diff` (the plan's reading in one REPEATABLE READ snapshot; the diff as one join, a LATERAL VALUES row per
field; the stored rows written as text with `to_char`; ID families with `substring(... from regex)` and `~`) and
`store.apply` (the changes COPYed into the history, updates as one UPDATE ... FROM, new records as one
INSERT ... SELECT), and `store.history`'s undo (its refusals joined directly; the old values restored by one
UPDATE from a pivot of the batch's changes). Every write of customers leaves "_SEARCH_TEXT" NULL where a searched
field changed and ends with `store.search.fill`, which folds those texts in Python (the same folding as the DuckDB
store).

May import: core, store.sql and the store's import modules (staging, diff, apply call it for a PostgreSQL
connection); psycopg is reached through the connection only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from core.catalogue import SEARCH_FIELDS, Catalogue, FieldType
from core.cells import UNIT_SEPARATOR
from core.keys import IdPattern
from core.plan import Action, ImportPlan, RecordPlan, written_rows
from core.validate import ParsedTable
from core.values import ParseOptions, Value, canonical_text
from store import search
from store.fields import load_catalogue
from store.records import StoreFacts, from_canonical
from store.sql import PgConnection, quote_ident

if TYPE_CHECKING:
    from store.base import PlanReader

ROW = "ROW_NUMBER_"  # as store.staging names it (unquoted: folded alike where it is made and where it is read)
STAGE = "import_stage"
APPLY_STAGE = "apply_stage"
CHANGED = "CHANGED_FIELDS_"  # as store.apply: the staged update's changed fields, each between bars
TEXT = "SEARCH_TEXT_"  # the staged row's folded search text (store.search), for a customer whose searched field changes


# --- staging -------------------------------------------------------------------------------------------------------


def stage_rows(
    con: PgConnection,
    table: str,
    fields: Sequence[str],
    catalogue: Catalogue,
    rows: Iterable[tuple[int, Sequence[Value]]],
    extra: Sequence[tuple[str, str]] = (),
) -> None:
    """TEMP table `table` (a fixed internal name; dropped when the transaction ends) with ROW_NUMBER_, one typed
    column per field, then the `extra` columns, filled by COPY. Call inside a transaction."""
    columns = [(ROW, "INTEGER")] + [(quote_ident(f, catalogue), catalogue[f].type.sql_type) for f in fields]
    columns += list(extra)
    con.execute(f"DROP TABLE IF EXISTS {table}")
    con.execute(f"CREATE TEMP TABLE {table} ({', '.join(f'{n} {t}' for n, t in columns)}) ON COMMIT DROP")
    names = ", ".join(n for n, _ in columns)
    with con.raw.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for number, values in rows:
            copy.write_row((number, *values))


# --- the plan's reading --------------------------------------------------------------------------------------------


def as_text(column: str, kind: FieldType, options: ParseOptions) -> str:
    """SQL writing a stored value as a file read with `options` holds it; blank for empty (store.diff._as_text)."""
    if kind is FieldType.DECIMAL:
        text = f"CAST({column} AS VARCHAR)"
        return f"coalesce(replace({text}, '.', ','), '')" if options.decimal_comma else f"coalesce({text}, '')"
    if kind is FieldType.DATE:
        # DateFormat's values are to_char's own patterns (DD, MM, YYYY and a separator).
        fmt = "YYYY-MM-DD" if options.iso_dates else options.date_format.value
        return f"coalesce(to_char({column}, '{fmt}'), '')"
    if kind is FieldType.BOOL:
        return f"CASE WHEN {column} IS NULL THEN '' WHEN {column} THEN 'TRUE' ELSE 'FALSE' END"
    return f"coalesce(CAST({column} AS VARCHAR), '')"


def canonical_sql(column: str, kind: FieldType) -> str:
    """SQL for a stored value's canonical text (core.values.canonical_text), whatever the session's DateStyle."""
    if kind is FieldType.DATE:
        return f"to_char({column}, 'YYYY-MM-DD')"
    return f"CAST({column} AS VARCHAR)"


def stored_text_sql(catalogue: Catalogue, fields: Sequence[str], options: ParseOptions) -> str:
    texts = ", ".join(as_text(quote_ident(f, catalogue), catalogue[f].type, options) for f in fields)
    joined = f"concat_ws(chr({ord(UNIT_SEPARATOR)}), {texts})" if fields else "''"
    return (
        f'SELECT "CUSTOMERID", "ROWVERSION", "MEGAENTITYID", {joined} FROM customers '
        'WHERE "CUSTOMERID" = ANY(?::VARCHAR[])'
    )


def id_patterns(con: PgConnection) -> tuple[list[IdPattern], int]:
    """store.diff's ID families: the prefix before the last run of digits (shortest prefix, longest digits)."""
    rows = con.execute(
        """SELECT substring("CUSTOMERID" from '^(.*?)[0-9]+$') AS p,
                  length(substring("CUSTOMERID" from '([0-9]+)$')) AS w, count(*),
                  max(CAST(substring("CUSTOMERID" from '([0-9]+)$') AS NUMERIC))
           FROM customers WHERE "CUSTOMERID" ~ '[0-9]$' GROUP BY p, w"""
    ).fetchall()
    row = con.execute("""SELECT count(*) FROM customers WHERE "CUSTOMERID" !~ '[0-9]$'""").fetchone()
    return [IdPattern(p, int(w), int(n), int(h)) for p, w, n, h in rows], int(row[0]) if row else 0


def read_facts(
    con: PgConnection,
    parse: Callable[[Catalogue, PlanReader], tuple[ParsedTable, StoreFacts | None]],
    reader: Callable[[PgConnection, Catalogue], PlanReader],
) -> tuple[Catalogue, ParsedTable, StoreFacts]:
    """store.diff.read_facts on PostgreSQL: the catalogue, the parse and the diff in one snapshot (REPEATABLE READ,
    rolled back: the staging's TEMP tables go with it). Not READ ONLY: PostgreSQL refuses CREATE TEMP TABLE there.
    Inside a caller's transaction (a unit of work), its snapshot is the one read."""
    import psycopg

    own = con.raw.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
    if own:
        con.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
    try:
        catalogue = load_catalogue(con)
        parsed, facts = parse(catalogue, reader(con, catalogue))
        return catalogue, parsed, facts if facts is not None else store_facts(con, parsed, catalogue)
    finally:
        if own:
            con.raw.rollback()


def store_facts(con: PgConnection, parsed: ParsedTable, catalogue: Catalogue) -> StoreFacts:
    """store.diff.store_facts on PostgreSQL: staged by COPY, diffed in one join (a row per changed field)."""
    rows = written_rows(((r.number, r.values) for r in parsed.rows), parsed.fields, catalogue)
    stage_rows(con, STAGE, parsed.fields, catalogue, rows)
    pairs = []
    for i, fid in enumerate(parsed.fields[1:]):
        col = quote_ident(fid, catalogue)
        old = canonical_sql(f"c.{col}", catalogue[fid].type)
        pairs.append(f"({i}, '{fid}', {old}, s.{col} IS DISTINCT FROM c.{col})")
    if pairs:
        lateral = (
            f"LEFT JOIN LATERAL (SELECT v.i, v.f, v.o FROM (VALUES {', '.join(pairs)}) AS v(i, f, o, d) "
            "WHERE v.d) AS x ON true"
        )
        picked, order = "x.f, x.o", f"s.{ROW}, x.i"
    else:
        lateral, picked, order = "", "NULL, NULL", f"s.{ROW}"
    existing: dict[int, tuple[int, str | None]] = {}
    changed: dict[int, list[tuple[str, Value]]] = {}
    types = {fid: catalogue[fid].type for fid in parsed.fields}
    for r, v, e, fid, old in con.execute(
        f'SELECT s.{ROW}, c."ROWVERSION", c."MEGAENTITYID", {picked} FROM {STAGE} s '
        f'JOIN customers c ON c."CUSTOMERID" = s."CUSTOMERID" {lateral} ORDER BY {order}'
    ).fetchall():
        existing[r] = (v, e)
        if fid is not None:
            changed.setdefault(r, []).append((fid, from_canonical(old, types[fid])))
    links: dict[str, str] = {}
    known: set[str] = set()
    if "PARENTID" in parsed.fields:
        links = dict(
            con.execute('SELECT "CUSTOMERID", "PARENTID" FROM customers WHERE "PARENTID" IS NOT NULL').fetchall()
        )
        known = {
            cid
            for (cid,) in con.execute(
                f'SELECT DISTINCT c."CUSTOMERID" FROM {STAGE} s JOIN customers c ON c."CUSTOMERID" = s."PARENTID"'
            ).fetchall()
        }
    con.execute(f"DROP TABLE IF EXISTS {STAGE}")
    return StoreFacts(existing, changed, links, frozenset(known))


# --- the commit ----------------------------------------------------------------------------------------------------


def record_changes(con: PgConnection, batch: int, plan: ImportPlan) -> None:
    """The batch's field changes into `changes`: by COPY into a temporary table, then one INSERT (PostgreSQL
    refuses COPY into a table with row-level security, which `changes` has: store.pg_roles)."""
    con.execute(
        "CREATE TEMP TABLE apply_changes (batch BIGINT, customerid VARCHAR, field VARCHAR, old VARCHAR, "
        "new VARCHAR, action VARCHAR) ON COMMIT DROP"
    )
    with (
        con.raw.cursor() as cursor,
        cursor.copy("COPY apply_changes (batch, customerid, field, old, new, action) FROM STDIN") as copy,
    ):
        for record in plan.records:
            if record.action is Action.UNCHANGED:
                continue
            action = record.action.value
            for change in record.changes:
                copy.write_row(
                    (batch, record.customer_id, change.field, canonical_text(change.old), canonical_text(change.new),
                     action)
                )  # fmt: skip
    con.execute("INSERT INTO changes SELECT batch, customerid, field, old, new, action FROM apply_changes")
    con.execute("DROP TABLE apply_changes")


def write_customers(con: PgConnection, plan: ImportPlan, catalogue: Catalogue, user: str) -> None:
    """store.apply._write_customers on PostgreSQL: the updates as one UPDATE ... FROM the staged rows, the new
    records as one INSERT ... SELECT; the search texts of what changed are folded by `search.fill`."""
    updates = [r for r in plan.records if r.action is Action.UPDATE]
    creates = [r for r in plan.records if r.action is Action.CREATE]
    if updates:
        _update(con, plan, updates, catalogue, user)
    if creates:
        _create(con, plan, creates, catalogue, user)
    search.fill(con)


def _update(con: PgConnection, plan: ImportPlan, updates: list[RecordPlan], catalogue: Catalogue, user: str) -> None:
    fields = [f for f in plan.fields if f == "CUSTOMERID" or catalogue[f].importable]
    at = {fid: i for i, fid in enumerate(fields)}

    texts = _updated_texts(con, updates)

    def update_row(record: RecordPlan) -> tuple[int, list[Value]]:
        values: list[Value] = [None] * (len(fields) + 2)
        values[0] = record.customer_id
        for change in record.changes:
            values[at[change.field]] = change.new
        values[-2] = "".join(f"|{c.field}|" for c in record.changes)
        values[-1] = texts.get(record.customer_id)
        return record.row, values

    extra = ((CHANGED, "VARCHAR"), (TEXT, "VARCHAR"))
    stage_rows(con, APPLY_STAGE, fields, catalogue, map(update_row, updates), extra=extra)
    present = set(fields[1:])
    sets = []
    for fid in catalogue.ids:
        col = quote_ident(fid, catalogue)
        if fid in present:
            sets.append(f"{col} = CASE WHEN strpos(s.{CHANGED}, '|{fid}|') > 0 THEN s.{col} ELSE c.{col} END")
        elif fid == "WHENMODIFIED":
            sets.append(f"{col} = now()::TIMESTAMP")
        elif fid == "MODIFIEDBY":
            sets.append(f"{col} = $user")
    searched = [f"strpos(s.{CHANGED}, '|{fid}|') > 0" for fid in SEARCH_FIELDS if fid in present]
    if searched:  # folded in Python beforehand (`_updated_texts`): each customer is written once
        sets.append(f"{search.COLUMN} = CASE WHEN {' OR '.join(searched)} THEN s.{TEXT} ELSE c.{search.COLUMN} END")
    con.execute(
        f'UPDATE customers AS c SET {", ".join(sets)}, "ROWVERSION" = c."ROWVERSION" + 1 '
        f'FROM {APPLY_STAGE} s WHERE s."CUSTOMERID" = c."CUSTOMERID"',
        {"user": user},
    )
    con.execute(f"DROP TABLE {APPLY_STAGE}")


def _create(con: PgConnection, plan: ImportPlan, creates: list[RecordPlan], catalogue: Catalogue, user: str) -> None:
    importable = [f.id for f in catalogue.importable]
    at = {fid: i for i, fid in enumerate(importable)}

    defaults = {f.id: f.default for f in catalogue.fields}

    def create_row(record: RecordPlan) -> tuple[int, list[Value]]:
        values: list[Value] = [None] * (len(importable) + 1)
        for change in record.changes:
            values[at[change.field]] = change.new
        new = {c.field: c.new for c in record.changes}
        shown = [record.customer_id if f == "CUSTOMERID" else new.get(f, defaults.get(f)) for f in SEARCH_FIELDS]
        values[-1] = search.text_of(tuple(None if v is None else str(v) for v in shown))
        return record.row, values

    stage_rows(con, APPLY_STAGE, importable, catalogue, map(create_row, creates), extra=((TEXT, "VARCHAR"),))
    params: dict[str, object] = {"user": user, "entity": plan.entity}
    values: list[str] = []
    for fid in catalogue.ids:
        field = catalogue[fid]
        if fid in at:
            values.append(f"s.{quote_ident(fid, catalogue)}")
        elif fid == "RECORDNO":
            values.append("nextval('recordno_seq')")  # evaluated after the sort: numbered in the file's order
        elif fid in ("WHENCREATED", "WHENMODIFIED"):
            values.append("now()::TIMESTAMP")
        elif fid in ("CREATEDBY", "MODIFIEDBY"):
            values.append("CAST($user AS VARCHAR)")
        elif fid == "MEGAENTITYID":
            values.append("CAST($entity AS VARCHAR)")
        elif field.default is not None:
            params[f"d_{fid}"] = field.default
            values.append(f"CAST($d_{fid} AS {field.type.sql_type})")
        else:
            values.append("NULL")
    columns = ", ".join(quote_ident(f, catalogue) for f in catalogue.ids)
    con.execute(
        f'INSERT INTO customers ({columns}, "ROWVERSION", {search.COLUMN}) SELECT {", ".join(values)}, 1, s.{TEXT} '
        f'FROM {APPLY_STAGE} s LEFT JOIN customers c ON c."CUSTOMERID" = s."CUSTOMERID" '
        f'WHERE c."CUSTOMERID" IS NULL ORDER BY s.{ROW}',
        params,
    )
    con.execute(f"DROP TABLE {APPLY_STAGE}")


def _updated_texts(con: PgConnection, updates: list[RecordPlan]) -> dict[str, str]:
    """Customer ID -> the folded search text after the update, for the updates that change a searched field: the
    stored values of the others fetched by ID (an index lookup each), folded in Python with the new ones. Measured
    on 1,000,000 customers: writing the text in the update itself saves a second write of every changed customer
    (4.1 s of a 8.4 s commit) that `search.fill` made afterwards."""
    searched = set(SEARCH_FIELDS)
    need = [r for r in updates if any(c.field in searched for c in r.changes)]
    if not need:
        return {}
    columns = ", ".join(f'"{f}"' for f in SEARCH_FIELDS)
    stored = {
        row[0]: row[1:]
        for row in con.execute(
            f'SELECT "CUSTOMERID", {columns} FROM customers WHERE "CUSTOMERID" = ANY(?::VARCHAR[])',
            [[r.customer_id for r in need]],
        ).fetchall()
    }
    texts: dict[str, str] = {}
    for record in need:
        values = list(stored.get(record.customer_id, (None,) * len(SEARCH_FIELDS)))
        new = {c.field: c.new for c in record.changes}
        for i, fid in enumerate(SEARCH_FIELDS):
            if fid in new:
                values[i] = new[fid]
        texts[record.customer_id] = search.text_of(tuple(None if v is None else str(v) for v in values))
    return texts


# --- the undo ------------------------------------------------------------------------------------------------------


def _current_text(catalogue: Catalogue, alias: str = "c") -> str:
    """SQL: the stored value of the field named by `ch.field`, as canonical text (NULL for a field not importable),
    as store.history compares it: one CASE instead of a long table of every field of every customer."""
    branches = " ".join(
        f"WHEN '{f.id}' THEN {canonical_sql(f'{alias}.{quote_ident(f.id, catalogue)}', f.type)}"
        for f in catalogue.importable
    )
    return f"CASE ch.field {branches} END"


def undo_conflicts(con: PgConnection, number: int, catalogue: Catalogue) -> list[tuple[str, str]]:
    """store.history's refusals of an undo, joined directly: (customer, field) pairs an undo of batch `number`
    would overwrite. Updated fields must still hold what the batch wrote; created records must be exactly as
    created (every importable field as the batch wrote it, absent = empty), and still there."""
    from store.history import recreate_conflicts

    params = {"batch": number}
    rows = con.execute(
        'SELECT ch.customerid, ch.field FROM changes ch LEFT JOIN customers c ON c."CUSTOMERID" = ch.customerid '
        f"WHERE ch.batch = $batch AND ch.action = 'update' AND {_current_text(catalogue)} IS DISTINCT FROM ch.new",
        params,
    ).fetchall()
    pairs = ", ".join(
        f"('{f.id}', {canonical_sql(f'c.{quote_ident(f.id, catalogue)}', f.type)})" for f in catalogue.importable
    )
    rows += con.execute(
        "WITH created AS (SELECT DISTINCT customerid FROM changes WHERE batch = $batch AND action = 'create') "
        'SELECT c."CUSTOMERID", n.field FROM customers c JOIN created ON created.customerid = c."CUSTOMERID" '
        f"CROSS JOIN LATERAL (VALUES {pairs}) AS n(field, value) "
        'LEFT JOIN changes ch ON ch.batch = $batch AND ch.customerid = c."CUSTOMERID" AND ch.field = n.field '
        "WHERE n.value IS DISTINCT FROM ch.new "
        "UNION ALL SELECT created.customerid, 'CUSTOMERID' FROM created "
        'WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c."CUSTOMERID" = created.customerid)',
        params,
    ).fetchall()
    rows += recreate_conflicts(con, number)
    # A created record that another record now names as its parent cannot disappear.
    rows += con.execute(
        "WITH created AS (SELECT DISTINCT customerid FROM changes WHERE batch = $batch AND action = 'create') "
        'SELECT c."CUSTOMERID", \'PARENTID\' FROM customers c JOIN created p ON p.customerid = c."PARENTID" '
        'WHERE NOT EXISTS (SELECT 1 FROM created m WHERE m.customerid = c."CUSTOMERID")',
        params,
    ).fetchall()
    return sorted(set(rows))


def undo_updates(con: PgConnection, number: int, catalogue: Catalogue, user: str) -> None:
    """Give the customers batch `number` updated their old values, in one UPDATE from a pivot of its changes: per
    field the batch changed, whether it changed it for this customer and the old value (a field the batch did not
    change for a customer keeps what is stored; one it changed from empty becomes empty again). Their search texts
    are left to `search.fill` where a searched field comes back."""
    changed = {
        field
        for (field,) in con.execute(
            "SELECT DISTINCT field FROM changes WHERE batch = ? AND action = 'update'", [number]
        ).fetchall()
    }
    fields = [f for f in catalogue.importable if f.id in changed]
    params: dict[str, object] = {"batch": number, "user": user}
    picked, sets = [], []
    for i, f in enumerate(fields):
        params[f"f{i}"] = f.id
        col = quote_ident(f.id, catalogue)
        picked.append(f"bool_or(field = $f{i}) AS w{i}, max(old) FILTER (WHERE field = $f{i}) AS o{i}")
        sets.append(f"{col} = CASE WHEN p.w{i} THEN CAST(p.o{i} AS {f.type.sql_type}) ELSE c.{col} END")
    searched = [f"p.w{i}" for i, f in enumerate(fields) if f.id in SEARCH_FIELDS]
    if searched:  # left to search.fill
        sets.append(f"{search.COLUMN} = CASE WHEN {' OR '.join(searched)} THEN NULL ELSE c.{search.COLUMN} END")
    pivot = ", ".join(["customerid", *picked])
    con.execute(
        f'UPDATE customers AS c SET {"".join(s + ", " for s in sets)}"ROWVERSION" = c."ROWVERSION" + 1, '
        '"WHENMODIFIED" = now()::TIMESTAMP, "MODIFIEDBY" = $user '
        f"FROM (SELECT {pivot} FROM changes WHERE batch = $batch AND action = 'update' GROUP BY customerid) AS p "
        'WHERE c."CUSTOMERID" = p.customerid',
        params,
    )
