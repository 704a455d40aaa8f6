"""Reading customers: counts and pages of the list. (Filtered, sorted, keyset-paged reading arrives with views.)"""

from __future__ import annotations

from core.catalogue import Field
from core.values import Value
from store.entities import visibility_sql
from store.fields import load_catalogue
from store.sql import Database, quote_ident


def count_customers(store: Database, entity: str | None = None, include_entities: bool = True) -> int:
    where, params = visibility_sql(entity, include_entities)
    with store.read() as con:
        row = con.execute(f"SELECT count(*) FROM customers WHERE {where}", params).fetchone()
    return int(row[0]) if row else 0


def first_page(
    store: Database, field_ids: tuple[str, ...], *, entity: str | None = None, limit: int = 200
) -> tuple[tuple[Field, ...], list[tuple[Value, ...]]]:
    """The first customers by ID, for the interface's opening list."""
    where, params = visibility_sql(entity, False)
    with store.read() as con:
        catalogue = load_catalogue(con)
        fields = tuple(catalogue[f] for f in field_ids if f in catalogue)
        cols = ", ".join(quote_ident(f.id, catalogue) for f in fields)
        rows = con.execute(
            f'SELECT {cols} FROM customers WHERE {where} ORDER BY "CUSTOMERID" LIMIT ?', [*params, limit]
        ).fetchall()
    return fields, rows


def customer_id_taken(store: Database, customer_id: str) -> bool:
    """Whether the ID is used anywhere in the store: IDs are unique across every level, entities included."""
    with store.read() as con:
        return con.execute('SELECT 1 FROM customers WHERE "CUSTOMERID" = ?', [customer_id]).fetchone() is not None
