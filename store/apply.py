"""Committing an import plan: the "apply" stage, in one transaction.

Owns writing customers and the history of a batch. It first checks that the plan is still current (no record it
updates changed, no record it creates appeared since the preview), then deletes the touched rows and inserts their
new versions (measured: far cheaper in DuckDB than UPDATE ... FROM over many columns), and records every field
change so the batch can be shown and undone. Either everything is stored or nothing is.
"""

from __future__ import annotations

from core.bulk import gc_paused
from core.catalogue import Catalogue
from core.errors import Conflict, PermissionDenied
from core.i18n import _, group_digits, ngettext
from core.plan import Action, ImportPlan, RecordPlan
from core.users import Permission, User
from core.values import Value, canonical_text
from store import search
from store.fields import load_catalogue
from store.records import BatchResult, batch_label
from store.sql import Connection, Database, is_postgres, quote_ident
from store.staging import ROW, stage_rows, staged_csv

APPLY_STAGE = "apply_stage"
CHANGED = "CHANGED_FIELDS_"  # the staged update's fields that change, each between bars: |NAME||CITY|


def _check_current(con: Connection, plan: ImportPlan) -> None:
    """Refuse a plan made stale by another writer since the preview."""
    wanted = {r.customer_id: r.version for r in plan.records if r.action is not Action.UNCHANGED}
    con.execute("CREATE TEMP TABLE apply_ids (cid VARCHAR)")
    con.execute("INSERT INTO apply_ids SELECT unnest(?::VARCHAR[])", [list(wanted)])
    rows = con.execute(
        'SELECT c."CUSTOMERID", c."ROWVERSION" FROM customers c JOIN apply_ids a ON a.cid = c."CUSTOMERID"'
    ).fetchall()
    con.execute("DROP TABLE apply_ids")
    moved = [cid for cid, version in rows if wanted.get(cid) != version]
    if moved:
        names = ", ".join(moved[:5])
        if len(moved) > 5:
            more = len(moved) - 5
            names = ngettext("{names} and {count} more", "{names} and {count} more", more).format(
                names=names, count=group_digits(more)
            )
        raise Conflict(
            _("Customers changed since the preview: {names}").format(names=names),
            _("Nothing was written. Preview the import again and commit the new preview"),
        )


def _record_changes(con: Connection, batch: int, plan: ImportPlan) -> None:
    if is_postgres(con):
        from store import pg_import

        pg_import.record_changes(con, batch, plan)  # type: ignore[arg-type]
        return
    cids: list[str] = []
    fields: list[str] = []
    olds: list[str | None] = []
    news: list[str | None] = []
    actions: list[str] = []
    for record in plan.records:
        if record.action is Action.UNCHANGED:
            continue
        for change in record.changes:
            cids.append(record.customer_id)
            fields.append(change.field)
            olds.append(canonical_text(change.old))
            news.append(canonical_text(change.new))
            actions.append(record.action.value)
    if cids:
        # Through a temporary CSV, as store.staging loads rows: 32,500 changes went in in 0.2 s as list parameters.
        # (No value's text is "", so an empty cell is None, read back as NULL.)
        with staged_csv(zip(cids, fields, olds, news, actions)) as path:
            con.execute(
                "INSERT INTO changes SELECT ?, * FROM read_csv(?, header = false, delim = ',', quote = '\"', "
                "escape = '\"', new_line = '\\r\\n', auto_detect = false, max_line_size = 100000000, "
                "strict_mode = false, columns = {'c': 'VARCHAR', 'f': 'VARCHAR', 'o': 'VARCHAR', 'n': 'VARCHAR', "
                "'a': 'VARCHAR'})",
                [batch, str(path)],
            )


def _write_customers(con: Connection, plan: ImportPlan, catalogue: Catalogue, user: str) -> None:
    """Write the values the preview showed: an update's as `core.plan.written_rows` gives them (the rule the diff
    and the planner's changes use too), a new record's from its changes (the file's values, or each field's
    default, as the planner filled them in)."""
    if is_postgres(con):
        from store import pg_import

        pg_import.write_customers(con, plan, catalogue, user)  # type: ignore[arg-type]
        return
    all_cols = [f for f in catalogue.ids]
    col_sql = ", ".join(quote_ident(f, catalogue) for f in all_cols)
    updates = [r for r in plan.records if r.action is Action.UPDATE]
    creates = [r for r in plan.records if r.action is Action.CREATE]

    # Updates: the new version of each changed record = the stored record with the plan's changes written over it
    # (their new values are as an update writes them: core.plan.written_rows). Exactly what the preview listed: the
    # fields a row does not change keep what is stored, whether or not the plan parsed their cells (the fast path
    # leaves cells equal to the stored text unparsed).
    fields = [f for f in plan.fields if f == "CUSTOMERID" or catalogue[f].importable]
    at = {fid: i for i, fid in enumerate(fields)}

    def update_row(record: RecordPlan) -> tuple[int, list[Value]]:
        values: list[Value] = [None] * (len(fields) + 1)
        values[0] = record.customer_id
        for change in record.changes:
            values[at[change.field]] = change.new
        values[-1] = "".join(f"|{c.field}|" for c in record.changes)
        return record.row, values

    stage_rows(con, APPLY_STAGE, fields, catalogue, map(update_row, updates), extra=((CHANGED, "VARCHAR"),))
    present = set(fields[1:])
    merged = {}
    for fid in all_cols:
        col = quote_ident(fid, catalogue)
        if fid in present:
            merged[fid] = f"CASE WHEN contains(s.{CHANGED}, '|{fid}|') THEN s.{col} ELSE c.{col} END"
        elif fid == "WHENMODIFIED":
            merged[fid] = "now()::TIMESTAMP"
        elif fid == "MODIFIEDBY":
            merged[fid] = "$user"
        else:
            merged[fid] = f"c.{col}"
    con.execute(
        f'CREATE TEMP TABLE apply_updates AS SELECT {", ".join(merged.values())}, c."ROWVERSION" + 1 AS "ROWVERSION", '
        f"{search.text_sql(merged.__getitem__)} AS {search.COLUMN} "
        f'FROM customers c JOIN {APPLY_STAGE} s ON s."CUSTOMERID" = c."CUSTOMERID"',
        {"user": user},
    )
    con.execute('DELETE FROM customers WHERE "CUSTOMERID" IN (SELECT "CUSTOMERID" FROM apply_updates)')
    con.execute(f'INSERT INTO customers ({col_sql}, "ROWVERSION", {search.COLUMN}) SELECT * FROM apply_updates')
    con.execute("DROP TABLE apply_updates")
    con.execute(f"DROP TABLE {APPLY_STAGE}")

    if creates:
        # A new record: every importable field's value is in its changes (the file's, or the field's default).
        importable = [f.id for f in catalogue.importable]
        at = {fid: i for i, fid in enumerate(importable)}

        def create_row(record: RecordPlan) -> tuple[int, list[Value]]:
            values: list[Value] = [None] * len(importable)
            for change in record.changes:
                values[at[change.field]] = change.new
            return record.row, values

        stage_rows(con, APPLY_STAGE, importable, catalogue, map(create_row, creates))
        params: dict[str, object] = {"user": user, "entity": plan.entity}

        def default(fid: str) -> str:
            params[f"d_{fid}"] = catalogue[fid].default
            return f"$d_{fid}"

        values: dict[str, str] = {}
        for fid in all_cols:
            field = catalogue[fid]
            if fid in at:
                values[fid] = f"s.{quote_ident(fid, catalogue)}"
            elif fid == "RECORDNO":
                values[fid] = "nextval('recordno_seq')"
            elif fid in ("WHENCREATED", "WHENMODIFIED"):
                values[fid] = "now()::TIMESTAMP"
            elif fid in ("CREATEDBY", "MODIFIEDBY"):
                values[fid] = "$user"
            elif fid == "MEGAENTITYID":
                values[fid] = "$entity"
            elif field.default is not None:
                values[fid] = default(fid)
            else:
                values[fid] = "NULL"
        con.execute(
            f'INSERT INTO customers ({col_sql}, "ROWVERSION", {search.COLUMN}) SELECT {", ".join(values.values())}, 1, '
            f"{search.text_sql(values.__getitem__)} "
            f'FROM {APPLY_STAGE} s LEFT JOIN customers c ON c."CUSTOMERID" = s."CUSTOMERID" '
            f'WHERE c."CUSTOMERID" IS NULL ORDER BY s.{ROW}',
            params,
        )
        con.execute(f"DROP TABLE {APPLY_STAGE}")
    search.fill(con)  # what SQL could not fold (another script, a rare letter)


def apply_plan(store: Database, plan: ImportPlan, *, user: User, kind: str = "import") -> BatchResult:
    """Write the plan in one transaction and record it as a batch. Nothing is written for a strict plan with
    failures, or a plan with nothing to change."""
    if plan.rejected:
        return BatchResult(None, 0, 0)
    if plan.created and not user.can(Permission.ADD):
        raise PermissionDenied(
            _("{name} may not add customers").format(name=user.name), _("Ask for the Add permission")
        )
    if plan.updated and not user.can(Permission.EDIT):
        raise PermissionDenied(
            _("{name} may not change customers").format(name=user.name), _("Ask for the Edit permission")
        )
    if not plan.commits_anything:
        return BatchResult(None, 0, 0)
    with store.write() as con, gc_paused():  # the history's and the staging's many small objects (core.bulk)
        catalogue = load_catalogue(con)
        _check_current(con, plan)
        number_row = con.execute("SELECT nextval('batch_seq')").fetchone()
        assert number_row is not None
        number = int(number_row[0])
        # The mapping's label stays with the batch: the history says how the file's columns were read.
        con.execute(
            "INSERT INTO batches (id, kind, user_name, at_time, file_name, entity, created, updated, blanked, failed, "
            "mapping) VALUES (?, ?, ?, now()::TIMESTAMP, ?, ?, ?, ?, ?, ?, ?)",
            [
                number,
                kind,
                user.name,
                plan.file_name,
                plan.entity,
                plan.created,
                plan.updated,
                plan.blanked,
                plan.failed,
                plan.mapping,
            ],
        )
        _record_changes(con, number, plan)
        _write_customers(con, plan, catalogue, user.name)
    return BatchResult(batch_label(number), plan.created, plan.updated)
