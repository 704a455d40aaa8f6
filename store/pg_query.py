"""The list's pages on PostgreSQL: keyset continuation where OFFSET would walk half a million index entries.

`store.query.page_in` reads a page with LIMIT/OFFSET (the second half backwards from the end). On PostgreSQL an
OFFSET costs every row it skips: on 1,000,000 customers a page in the middle took 0.68 s, where "the rows after
this customer ID" takes 3 ms through the unique index on the ID. So each page read here leaves behind where it
ended (the ID at its edge and the store's data version), and the next page that starts there, forwards or
backwards, continues from that ID instead of counting from the start. The grid reads pages next to the ones it has
as the user scrolls, so after the first jump every page is a keyset page.

Only for lists in the order of the customer ID alone (the built-in list, and any view without a sort): a view
sorted by a text column orders by a collation and puts NULLs last, where a continuation would need a condition per
key that the index serves no better than OFFSET (those pages are served by the sort indexes of `store.pg_schema`).
A remembered edge is used only while the data version is the one it was read at (in the same statement): after
any write, pages are read with OFFSET again until new edges are known. Never wrong, only faster: when the
continuation gives fewer rows than the page should hold, the page is read again with OFFSET.

May import: core, store.sql.
"""

from __future__ import annotations

from collections import OrderedDict
from threading import Lock
from typing import TYPE_CHECKING

from core.values import Value
from store.sql import Connection

if TYPE_CHECKING:
    from store.query import CompiledView

ID_ORDER = '"CUSTOMERID" ASC NULLS LAST'
KEPT = 4096  # edges remembered (a few bytes each), the least recently used forgotten first
_VERSION = "(SELECT value FROM meta WHERE key = 'data_version')"
# (compiled view, position, forwards) -> (data version, customer ID): forwards, the ID of the row just before
# `position` (a page starting there continues after it); backwards, the ID of the row at `position` (a page ending
# there, read from the end, continues before it).
_EDGES: OrderedDict[tuple[CompiledView, int, bool], tuple[object, object]] = OrderedDict()
_GUARD = Lock()


def keyset_ready(compiled: CompiledView) -> bool:
    """Whether the list is in the order of the customer ID alone (then pages continue by keyset)."""
    return compiled.order == ID_ORDER


def _remember(compiled: CompiledView, position: int, forwards: bool, version: object, key: object) -> None:
    with _GUARD:
        _EDGES[(compiled, position, forwards)] = (version, key)
        _EDGES.move_to_end((compiled, position, forwards))
        while len(_EDGES) > KEPT:
            _EDGES.popitem(last=False)


def _edge(compiled: CompiledView, position: int, forwards: bool) -> tuple[object, object] | None:
    with _GUARD:
        return _EDGES.get((compiled, position, forwards))


def forget() -> None:
    """Drop every remembered edge (tests)."""
    with _GUARD:
        _EDGES.clear()


def page_in(
    con: Connection, compiled: CompiledView, offset: int, limit: int, total: int | None, backwards: bool
) -> list[tuple[Value, ...]]:
    """Rows offset..offset+limit of `compiled` (ordered by the ID alone); `backwards`: read from the end (the
    caller knows `total`)."""
    end = min(total, offset + limit) if backwards and total is not None else offset + limit
    want = max(0, end - offset)
    cols = f"{compiled.select}, {_VERSION}"
    if backwards:
        assert total is not None
        edge = _edge(compiled, end, False)
        rows: list[tuple[Value, ...]] | None = None
        if edge is not None:
            got = con.execute(
                f'SELECT {cols} FROM customers WHERE ({compiled.where}) AND "CUSTOMERID" < ? AND {_VERSION} = ? '
                f"ORDER BY {compiled.reverse_order} LIMIT ?",
                [*compiled.params, edge[1], edge[0], want],
            ).fetchall()
            rows = got if len(got) == want else None
        if rows is None:
            rows = con.execute(
                f"SELECT {cols} FROM customers WHERE {compiled.where} ORDER BY {compiled.reverse_order} "
                "LIMIT ? OFFSET ?",
                [*compiled.params, want, total - end],
            ).fetchall()
        rows.reverse()
    else:
        edge = _edge(compiled, offset, True) if offset else None
        rows = None
        if edge is not None:
            got = con.execute(
                f'SELECT {cols} FROM customers WHERE ({compiled.where}) AND "CUSTOMERID" > ? AND {_VERSION} = ? '
                f"ORDER BY {compiled.order} LIMIT ?",
                [*compiled.params, edge[1], edge[0], limit],
            ).fetchall()
            rows = got if len(got) == limit or (total is not None and len(got) == max(0, total - offset)) else None
        if rows is None:
            rows = con.execute(
                f"SELECT {cols} FROM customers WHERE {compiled.where} ORDER BY {compiled.order} LIMIT ? OFFSET ?",
                [*compiled.params, limit, offset],
            ).fetchall()
    if rows:
        at = _id_column(compiled)
        version = rows[0][-1]
        if at is not None:
            _remember(compiled, offset + len(rows), True, version, rows[-1][at])  # the next page forwards
            _remember(compiled, offset, False, version, rows[0][at])  # the page before it, read backwards
    return [tuple(r[:-1]) for r in rows]


def _id_column(compiled: CompiledView) -> int | None:
    """Where the customer ID is among the selected columns (the list always shows it first), or None."""
    for i, column in enumerate(compiled.columns):
        if column.id == "CUSTOMERID":
            return i
    return None
