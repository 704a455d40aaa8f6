"""Batches and their field changes: listing them, and undoing a batch.

Owns the `batches` and `changes` tables after they are written by `store.apply`. Undo restores the state before a
batch in one transaction (records it created are removed, fields it changed get their old values, records it
removed come back), and is refused whole, naming the customers and fields, when anything it would restore was
changed again since. An undo is a batch like any other, so undoing it puts the undone batch's changes back.
"""

from __future__ import annotations

from collections.abc import Callable

from core.catalogue import Catalogue, FieldType
from core.errors import Conflict, NotFound, PermissionDenied
from core.i18n import _, group_digits, ngettext
from core.users import Permission, User
from store import search
from store.fields import load_catalogue
from store.records import Batch, Change, batch_label, parse_batch_id, undo_chain, undone_note
from store.sql import Connection, Database, is_postgres, quote_ident

_BATCH_COLS = (
    "id, kind, user_name, at_time, file_name, entity, created, updated, blanked, failed, undoes, undone_by, "
    "(SELECT count(DISTINCT ch.customerid) FROM changes ch WHERE ch.batch = batches.id AND ch.action = 'delete'), "
    "mapping"
)


def _batch(row: tuple) -> Batch:
    values = list(row)
    values[0] = batch_label(values[0])
    values[10] = batch_label(values[10]) if values[10] is not None else None
    values[11] = batch_label(values[11]) if values[11] is not None else None
    return Batch(*values)


def list_batches(store: Database, *, user: User, limit: int = 200) -> list[Batch]:
    """The newest batches first. The history shows customers' values, so it needs List."""
    user.require(Permission.LIST, _("see the history"))
    with store.read() as con:
        rows = con.execute(f"SELECT {_BATCH_COLS} FROM batches ORDER BY id DESC LIMIT ?", [limit]).fetchall()
    return [_batch(r) for r in rows]


def get_batch(store: Database, batch_id: str, *, user: User) -> tuple[Batch, list[Change]]:
    user.require(Permission.LIST, _("see the history"))
    number = parse_batch_id(batch_id)
    with store.read() as con:
        row = con.execute(f"SELECT {_BATCH_COLS} FROM batches WHERE id = ?", [number]).fetchone()
        if not row:
            raise NotFound(
                _("There is no batch {batch}").format(batch=batch_label(number)),
                _("See the batches with: custbook history"),
            )
        hidden, params = _other_entities(con, user)
        changes = con.execute(
            f"SELECT customerid, field, old, new, action FROM changes ch WHERE batch = ?{hidden} "
            "ORDER BY customerid, field",
            [number, *params],
        ).fetchall()
    label = batch_label(number)
    return _batch(row), [Change(label, *c) for c in changes]


def customer_history(store: Database, customer_id: str, *, user: User) -> list[Change]:
    user.require(Permission.LIST, _("see the history"))
    with store.read() as con:
        hidden, params = _other_entities(con, user)
        rows = con.execute(
            "SELECT ch.batch, ch.customerid, ch.field, ch.old, ch.new, ch.action, b.at_time, b.user_name "
            f"FROM changes ch JOIN batches b ON b.id = ch.batch WHERE ch.customerid = ?{hidden} "
            "ORDER BY ch.batch, ch.field",
            [customer_id, *params],
        ).fetchall()
    return [Change(batch_label(r[0]), *r[1:]) for r in rows]


def _other_entities(con: Connection, user: User) -> tuple[str, list[object]]:
    """A condition on `changes ch` leaving out the changes of customers in entities `user` may not see (users add
    --entities), and its parameters; nothing for a user of every entity. A customer no longer stored (an undone
    creation) stays in the history. On PostgreSQL the customer's entity is read by `custbook_entity_of`
    (store.pg_roles), which sees past the row-level policy that hides those customers from the user."""
    if user.entities is None:
        return "", []
    if is_postgres(con):
        entity = "custbook_entity_of(ch.customerid)"
    else:
        entity = '(SELECT c."MEGAENTITYID" FROM customers c WHERE c."CUSTOMERID" = ch.customerid)'
    allowed = sorted(user.entities)
    inside = f" OR {entity} IN ({', '.join('?' for _ in allowed)})" if allowed else ""
    return f" AND ({entity} IS NULL{inside})", list(allowed)


def _search_text(con: Connection, expr_of: Callable[[str], str] | None = None) -> str:
    """SQL for the stored search text of a row written here: DuckDB folds what it can (store.search.text_sql);
    PostgreSQL leaves it NULL, for `search.fill`."""
    if is_postgres(con):
        return "NULL"
    return search.text_sql(expr_of) if expr_of else search.text_sql()


def _current_values_sql(catalogue: Catalogue, pg: bool = False) -> str:
    """Long table (customerid, field, value as canonical text) of the customers named in undo_ids."""
    branches = []
    for f in catalogue.importable:
        col = quote_ident(f.id, catalogue)
        # A date as ISO text whatever PostgreSQL's DateStyle (DuckDB's CAST gives ISO).
        text = f"to_char(c.{col}, 'YYYY-MM-DD')" if pg and f.type is FieldType.DATE else f"CAST(c.{col} AS VARCHAR)"
        branches.append(
            f"SELECT c.\"CUSTOMERID\" AS customerid, '{f.id}' AS field, {text} AS value "
            'FROM customers c JOIN undo_ids u ON u.cid = c."CUSTOMERID"'
        )
    return " UNION ALL ".join(branches)


def _conflicts(con: Connection, number: int, catalogue: Catalogue) -> list[tuple[str, str]]:
    con.execute(
        "CREATE TEMP TABLE undo_ids AS SELECT DISTINCT customerid AS cid FROM changes WHERE batch = ?", [number]
    )
    con.execute(f"CREATE TEMP TABLE undo_now AS {_current_values_sql(catalogue, is_postgres(con))}")
    # Updated fields must still hold what the batch wrote.
    rows = con.execute(
        "SELECT ch.customerid, ch.field FROM changes ch LEFT JOIN undo_now n "
        "ON n.customerid = ch.customerid AND n.field = ch.field "
        "WHERE ch.batch = ? AND ch.action = 'update' AND n.value IS DISTINCT FROM ch.new",
        [number],
    ).fetchall()
    # Created records must be exactly as created: every field as the batch wrote it (absent = empty).
    rows += con.execute(
        "WITH created AS (SELECT DISTINCT customerid FROM changes WHERE batch = ? AND action = 'create') "
        "SELECT n.customerid, n.field FROM undo_now n JOIN created USING (customerid) "
        "LEFT JOIN changes ch ON ch.batch = ? AND ch.customerid = n.customerid AND ch.field = n.field "
        "WHERE n.value IS DISTINCT FROM ch.new "
        "UNION ALL SELECT created.customerid, 'CUSTOMERID' FROM created "
        "WHERE created.customerid NOT IN (SELECT customerid FROM undo_now)",
        [number, number],
    ).fetchall()
    rows += recreate_conflicts(con, number)
    # A created record that another record now names as its parent cannot disappear.
    rows += con.execute(
        'SELECT c."CUSTOMERID", \'PARENTID\' FROM customers c WHERE c."PARENTID" IN '
        "(SELECT customerid FROM changes WHERE batch = ? AND action = 'create') AND c.\"CUSTOMERID\" NOT IN "
        "(SELECT customerid FROM changes WHERE batch = ? AND action = 'create')",
        [number, number],
    ).fetchall()
    con.execute("DROP TABLE undo_now")
    con.execute("DROP TABLE undo_ids")
    return sorted(set(rows))


def recreate_conflicts(con: Connection, number: int) -> list[tuple[str, str]]:
    """Records an undo removed come back only under a free ID, and with a parent that exists (or comes back too)."""
    removed = "SELECT DISTINCT customerid FROM changes WHERE batch = ? AND action = 'delete'"
    rows = con.execute(
        f'SELECT c."CUSTOMERID", \'CUSTOMERID\' FROM customers c WHERE c."CUSTOMERID" IN ({removed})', [number]
    ).fetchall()
    rows += con.execute(
        "SELECT ch.customerid, 'PARENTID' FROM changes ch WHERE ch.batch = ? AND ch.action = 'delete' "
        "AND ch.field = 'PARENTID' AND ch.old IS NOT NULL "
        f'AND ch.old NOT IN (SELECT "CUSTOMERID" FROM customers) AND ch.old NOT IN ({removed})',
        [number, number],
    ).fetchall()
    return rows


def _recreate(con: Connection, number: int, catalogue: Catalogue, user: str) -> None:
    """Insert again the records that undo batch `number` removed, with the values they had (its changes' old values),
    at the level of the batch that had created them; the store gives them new record numbers and dates."""
    picked: list[str] = []
    values: dict[str, str] = {}
    params: dict[str, object] = {"user": user, "batch": number}
    for i, f in enumerate(catalogue.fields):
        col = quote_ident(f.id, catalogue)
        if f.importable:
            params[f"f{i}"] = f.id
            picked.append(f"CAST(max(old) FILTER (WHERE field = $f{i}) AS {f.type.sql_type}) AS {col}")
            values[f.id] = col
        elif f.id == "RECORDNO":
            values[f.id] = "nextval('recordno_seq')"
        elif f.id in ("WHENCREATED", "WHENMODIFIED"):
            values[f.id] = "now()::TIMESTAMP"
        elif f.id in ("CREATEDBY", "MODIFIEDBY"):
            values[f.id] = "$user"
        elif f.id == "MEGAENTITYID":
            values[f.id] = "(SELECT entity FROM batches WHERE id = $batch)"
        else:
            values[f.id] = "NULL"
    columns = ", ".join(quote_ident(f.id, catalogue) for f in catalogue.fields)
    con.execute(
        f'INSERT INTO customers ({columns}, "ROWVERSION", {search.COLUMN}) '
        f"SELECT {', '.join(values.values())}, 1, {_search_text(con, values.__getitem__)} FROM ("
        f"SELECT {', '.join(picked)} FROM changes WHERE batch = $batch AND action = 'delete' GROUP BY customerid"
        ') AS removed ORDER BY "CUSTOMERID"',
        params,
    )


def _undo_updates(con: Connection, number: int, catalogue: Catalogue, user: str) -> None:
    """Give the customers batch `number` updated their old values, a field at a time (DuckDB; PostgreSQL's is
    store.pg_import.undo_updates, one UPDATE)."""
    for f in catalogue.importable:
        col = quote_ident(f.id, catalogue)
        con.execute(
            f"UPDATE customers SET {col} = CAST(ch.old AS {f.type.sql_type}) FROM changes ch "
            f"WHERE ch.batch = ? AND ch.action = 'update' AND ch.field = ? "
            'AND ch.customerid = customers."CUSTOMERID"',
            [number, f.id],
        )
    con.execute(
        'UPDATE customers SET "ROWVERSION" = "ROWVERSION" + 1, "WHENMODIFIED" = now()::TIMESTAMP, '
        f'"MODIFIEDBY" = ?, {search.COLUMN} = {_search_text(con)} WHERE "CUSTOMERID" IN '
        "(SELECT customerid FROM changes WHERE batch = ? AND action = 'update')",
        [user, number],
    )


def _made_elsewhere(label: str, made_at: str | None, entity: str | None) -> str:
    """Why a batch is not undone at this level, as one sentence for each pair of levels."""
    if made_at is None:
        return _("Batch {batch} was made at the top level, not entity {entity}").format(batch=label, entity=entity)
    if entity is None:
        return _("Batch {batch} was made in entity {made}, not the top level").format(batch=label, made=made_at)
    return _("Batch {batch} was made in entity {made}, not entity {entity}").format(
        batch=label, made=made_at, entity=entity
    )


def undo_batch(store: Database, batch_id: str, *, user: User, entity: str | None = None) -> Batch:
    """Revert a batch, recorded as a new batch of kind 'undo'. Raises Conflict (nothing changed) when refused.
    `entity`: the level the user works at; a batch is undone at the level it was made at, as imports and the form
    change only the customers of their own level."""
    user.require(Permission.EDIT, _("undo a batch"))
    number = parse_batch_id(batch_id)
    label = batch_label(number)
    with store.write() as con:
        catalogue = load_catalogue(con)
        row = con.execute("SELECT undone_by, entity FROM batches WHERE id = ?", [number]).fetchone()
        if not row:
            raise NotFound(
                _("There is no batch {batch}").format(batch=label), _("See the batches with: custbook history")
            )
        undone_by, made_at = row
        if made_at != entity:
            there = f"custbook --entity {made_at} undo {label}" if made_at else f"custbook undo {label}"
            raise Conflict(
                _made_elsewhere(label, made_at, entity),
                _("Undo it from there: {command} (in the interface, l switches the level)").format(command=there),
            )
        if undone_by is not None:
            later = con.execute("SELECT id, undone_by FROM batches WHERE id > ?", [number]).fetchall()
            undone_by_of = {batch_label(n): batch_label(by) if by is not None else None for n, by in later}
            raise Conflict(*undone_note(label, undo_chain(batch_label(undone_by), undone_by_of)))
        created = con.execute(
            "SELECT count(DISTINCT customerid) FILTER (WHERE action = 'create'), "
            "count(DISTINCT customerid) FILTER (WHERE action = 'delete') FROM changes WHERE batch = ?",
            [number],
        ).fetchone()
        assert created is not None
        if user.entities is not None:
            # A user limited to some entities undoes only what they may see: a batch that also changed other
            # entities' customers is refused whole (undoing part of it would leave it half undone).
            if is_postgres(con):  # past the row-level policy, which hides those changes from this user
                sql = "SELECT unnest(custbook_batch_entities(?))"
            else:
                sql = (
                    'SELECT DISTINCT c."MEGAENTITYID" FROM changes ch JOIN customers c '
                    'ON c."CUSTOMERID" = ch.customerid WHERE ch.batch = ? AND c."MEGAENTITYID" IS NOT NULL'
                )
            reached = {row[0] for row in con.execute(sql, [number]).fetchall()}
            if reached - user.entities:
                raise PermissionDenied(
                    _("{name} may not undo {batch}: it changed customers of entities {name} may not see").format(
                        name=user.name, batch=label
                    ),
                    _("Ask an administrator to undo it"),
                )
        if created[0]:
            user.require(Permission.ADD, _("undo a batch that added customers"))
        if created[1]:
            user.require(Permission.ADD, _("undo an undo that removed customers"))
        if is_postgres(con):
            from store import pg_import

            conflicts = pg_import.undo_conflicts(con, number, catalogue)
        else:
            conflicts = _conflicts(con, number, catalogue)
        if conflicts:
            # Fields by their labels, as people name them: "C0000001 (Credit limit)".
            shown = "; ".join(
                f"{cid} ({catalogue[f].shown_label if f in catalogue else f})" for cid, f in conflicts[:8]
            )
            if len(conflicts) > 8:
                more = len(conflicts) - 8
                shown = ngettext("{names} and {count} more", "{names} and {count} more", more).format(
                    names=shown, count=group_digits(more)
                )
            # The later batches that touched those customers and whose changes are in effect: the ones to undo
            # first, newest first. A batch already undone is not in the way, nor is an undo (undoing it would put
            # back changes that were taken out).
            later = con.execute(
                "SELECT DISTINCT c.batch FROM changes c JOIN batches b ON b.id = c.batch WHERE c.batch > ? "
                "AND c.customerid IN (SELECT unnest(?::VARCHAR[])) AND b.undone_by IS NULL AND b.kind <> 'undo' "
                "ORDER BY c.batch DESC LIMIT 6",
                [number, sorted({cid for cid, _field in conflicts})],
            ).fetchall()
            if later:
                fix = _(
                    "Nothing was changed. Undo the later batches first ({batches}), or fix these customers by hand"
                ).format(batches=", ".join(batch_label(b) for (b,) in later))
            else:
                fix = _("Nothing was changed. Undo the later batches first, or fix these customers by hand")
            raise Conflict(
                _("Batch {batch} cannot be undone: these were changed since: {customers}").format(
                    batch=label, customers=shown
                ),
                fix,
            )
        new_row = con.execute("SELECT nextval('batch_seq')").fetchone()
        assert new_row is not None
        new = int(new_row[0])
        counts = con.execute(
            "SELECT count(DISTINCT customerid) FILTER (WHERE action = 'update'), "
            "count(DISTINCT customerid) FILTER (WHERE action = 'create') FROM changes WHERE batch = ?",
            [number],
        ).fetchone()
        assert counts is not None
        # The undo's batch first, then its changes: on PostgreSQL a user adds changes only to a batch of their own
        # (store.pg_roles).
        con.execute(
            "INSERT INTO batches (id, kind, user_name, at_time, file_name, entity, created, updated, undoes) "
            "SELECT ?, 'undo', ?, now()::TIMESTAMP, file_name, entity, ?, ?, ? FROM batches WHERE id = ?",
            [new, user.name, created[1], counts[0], number, number],
        )
        # History of the undo itself: old = what the batch wrote, new = what it restores.
        con.execute(
            "INSERT INTO changes SELECT ?, customerid, field, new, old, "
            "CASE action WHEN 'create' THEN 'delete' WHEN 'delete' THEN 'create' ELSE 'update' END "
            "FROM changes WHERE batch = ?",
            [new, number],
        )
        if is_postgres(con):
            from store import pg_import

            pg_import.undo_updates(con, number, catalogue, user.name)
        else:
            _undo_updates(con, number, catalogue, user.name)
        con.execute(
            'DELETE FROM customers WHERE "CUSTOMERID" IN '
            "(SELECT customerid FROM changes WHERE batch = ? AND action = 'create')",
            [number],
        )
        if created[1]:
            _recreate(con, number, catalogue, user.name)
        search.fill(con)  # the texts SQL could not fold (see store.search)
        con.execute("UPDATE batches SET undone_by = ? WHERE id = ?", [new, number])
        batch_row = con.execute(f"SELECT {_BATCH_COLS} FROM batches WHERE id = ?", [new]).fetchone()
    assert batch_row is not None
    return _batch(batch_row)
