"""Turning a view into one parameterised DuckDB query that counts, pages and streams customers.

The only place a view becomes SQL. Field IDs are checked against the catalogue and quoted by `quote_ident`; filter
values are parsed by the field's type (numbers and dates compare by value, text without regard to case) and always
passed as parameters. The database filters, sorts, counts and pages; callers only ever hold a page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import duckdb

from core.catalogue import Catalogue, Field, FieldType
from core.errors import InvalidValue
from core.users import Permission, User
from core.values import DateFormat, Value, parse_decimal_text
from core.viewdef import Filter, Op, View
from store import narrowing
from store.db import Store, data_version, quote_ident
from store.entities import visibility_sql

FETCH_ROWS = 10_000
_TEXTUAL = (FieldType.TEXT, FieldType.ENUM, FieldType.EMAIL, FieldType.REF)
_COLLATE = " COLLATE NOACCENT.NOCASE"


@dataclass(frozen=True)
class CompiledView:
    columns: tuple[Field, ...]
    select: str  # the quoted column list
    where: str
    order: str
    params: tuple[object, ...]
    reverse_order: str = ""  # the same order backwards: pages near the end are read from the end
    sort_columns: str = '"CUSTOMERID"'  # the quoted columns the order reads
    costly_filter: bool = False  # the quick filter: several text columns searched, worth filtering only once
    quick: str = ""  # the quick filter's text, trimmed
    quick_params: int = 0  # how many of the params, at the end, are the quick filter's patterns

    def sql(self, extra_columns: str = "") -> str:
        cols = self.select + (", " + extra_columns if extra_columns else "")
        return f"SELECT {cols} FROM customers WHERE {self.where} ORDER BY {self.order}"


def _typed_value(field: Field, text: str, date_format: DateFormat) -> object:
    kind = field.type
    raw = text.strip()
    try:
        if kind in (FieldType.DECIMAL, FieldType.INTEGER):
            try:
                return parse_decimal_text(raw, decimal_comma=False)
            except ValueError:
                return parse_decimal_text(raw, decimal_comma=True)
        if kind in (FieldType.DATE, FieldType.TIMESTAMP):
            for fmt in (DateFormat.ISO, date_format):
                match = fmt.regex().match(raw)
                if match:
                    return dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
            raise ValueError(raw)
        if kind is FieldType.BOOL:
            word = raw.casefold()
            if word in ("true", "vrai", "yes", "oui", "1"):
                return True
            if word in ("false", "faux", "no", "non", "0"):
                return False
            raise ValueError(raw)
    except ValueError:
        formats = "YYYY-MM-DD" if date_format is DateFormat.ISO else f"{date_format.value} or YYYY-MM-DD"
        day = f"a date ({formats})"
        what = {FieldType.BOOL: "TRUE or FALSE", FieldType.DATE: day, FieldType.TIMESTAMP: day}
        hint = what.get(kind, "a number")
        raise InvalidValue(f"The filter on {field.label} needs {hint}, not '{text}'", "Correct the filter") from None
    return raw


def _condition(f: Filter, catalogue: Catalogue, date_format: DateFormat) -> tuple[str, list[object]]:
    field = catalogue[f.field]
    col = quote_ident(f.field, catalogue)
    if f.op is Op.EMPTY:
        return f"{col} IS NULL", []
    if f.op is Op.NOT_EMPTY:
        return f"{col} IS NOT NULL", []
    textual = field.type in _TEXTUAL
    if f.op in (Op.CONTAINS, Op.STARTS):
        fn = "contains" if f.op is Op.CONTAINS else "starts_with"
        return f"{fn}(lower(CAST({col} AS VARCHAR)), lower(?))", [f.value]
    if textual:
        value: object = f.value.strip()
        compare = {Op.EQ: "=", Op.NE: "=", Op.LT: "<", Op.GT: ">"}[f.op]
        cond = f"lower({col}) {compare} lower(?)"
    else:
        value = _typed_value(field, f.value, date_format)
        left = f"CAST({col} AS DATE)" if field.type is FieldType.TIMESTAMP else col
        compare = {Op.EQ: "=", Op.NE: "=", Op.LT: "<", Op.GT: ">"}[f.op]
        cond = f"{left} {compare} ?"
    if f.op is Op.NE:
        # An empty field matches "is not": it is certainly not the value.
        return f"({col} IS NULL OR NOT ({cond}))", [value]
    return cond, [value]


def compile_view(
    view: View,
    catalogue: Catalogue,
    *,
    user: User,
    entity: str | None = None,
    columns: tuple[Field, ...] | None = None,
    date_format: DateFormat = DateFormat.DMY_SLASH,
    quick: str = "",
    quick_fields: tuple[str, ...] = (),
) -> CompiledView:
    """The view as one query, for `user`. Every read of customers (list, count, page, export) goes through a
    compiled view, so checking the List permission here checks it for all of them."""
    user.require(Permission.LIST, "see customers")
    view.checked(catalogue)
    if columns is None:
        columns = tuple(catalogue[c] for c in view.columns) if view.columns else catalogue.fields
    where, params = visibility_sql(entity, view.include_entities)
    parts, values = [where], list(params)
    for f in view.filters:
        cond, vals = _condition(f, catalogue, date_format)
        parts.append(cond)
        values.extend(vals)
    if quick.strip() and quick_fields:
        # The interface's quick filter: any of these fields contains the typed text. ILIKE, with the pattern's own
        # wildcards escaped, measured faster on a million customers than contains(lower(...)).
        text = quick.strip()
        # ESCAPE only when needed: DuckDB's fast path for plain patterns does not take it.
        escape = " ESCAPE '\\'" if any(ch in text for ch in "%_\\") else ""
        if escape:
            text = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{text}%"
        ors = " OR ".join(f"{quote_ident(q, catalogue)} ILIKE ?{escape}" for q in quick_fields)
        parts.append(f"({ors})")
        values.extend([pattern] * len(quick_fields))
    # Text sorts as people read it: without regard to case or accents (Schäfer before Schmidt, émile beside Eve).
    # Measured on 1,000,000 names: a first page 26 -> 34 ms. The ID tie-breaker keeps the order total.
    keys = [
        (quote_ident(s.field, catalogue) + (_COLLATE if catalogue[s.field].type in _TEXTUAL else ""), s.descending)
        for s in view.sort
    ]
    keys.append(('"CUSTOMERID"', False))  # a total order: pages never repeat or skip a customer
    sort_columns = list(dict.fromkeys([*(quote_ident(s.field, catalogue) for s in view.sort), '"CUSTOMERID"']))

    def order_sql(flip: bool) -> str:
        # NULLS LAST in the view's order; reversed (for pages near the end) they come first.
        return ", ".join(
            f"{col} {'DESC' if desc != flip else 'ASC'} NULLS {'FIRST' if flip else 'LAST'}" for col, desc in keys
        )

    return CompiledView(
        columns=columns,
        select=", ".join(quote_ident(c.id, catalogue) for c in columns),
        where=" AND ".join(f"({p})" for p in parts),
        order=order_sql(False),
        params=tuple(values),
        reverse_order=order_sql(True),
        sort_columns=", ".join(sort_columns),
        costly_filter=bool(quick.strip() and quick_fields),
        quick=quick.strip() if quick_fields else "",
        quick_params=len(quick_fields) if quick.strip() else 0,
    )


def count(store: Store, compiled: CompiledView) -> int:
    with store.read() as con:
        return count_in(con, compiled)


def count_in(con: duckdb.DuckDBPyConnection, compiled: CompiledView) -> int:
    row = con.execute(f"SELECT count(*) FROM customers WHERE {compiled.where}", list(compiled.params)).fetchone()
    return int(row[0]) if row else 0


def page(
    store: Store, compiled: CompiledView, offset: int, limit: int, total: int | None = None, *, warm: bool = False
) -> list[tuple[Value, ...]]:
    """Rows offset..offset+limit of the view. Knowing the total, a page in the second half is read backwards
    from the end, so the last page costs what the first does. `warm`: see `Store.read`."""
    with store.read(warm=warm) as con:
        return page_in(con, compiled, offset, limit, total)


def page_in(
    con: duckdb.DuckDBPyConnection, compiled: CompiledView, offset: int, limit: int, total: int | None = None
) -> list[tuple[Value, ...]]:
    offset, limit = max(0, int(offset)), max(0, int(limit))
    if total is not None and compiled.reverse_order and offset > total // 2:
        end = min(total, offset + limit)
        sql = f"SELECT {compiled.select} FROM customers WHERE {compiled.where} ORDER BY {compiled.reverse_order}"
        rows = con.execute(sql + " LIMIT ? OFFSET ?", [*compiled.params, max(0, end - offset), total - end]).fetchall()
        rows.reverse()
        return rows
    return con.execute(compiled.sql() + " LIMIT ? OFFSET ?", [*compiled.params, limit, offset]).fetchall()


def count_and_page(
    store: Store, compiled: CompiledView, limit: int, *, warm: bool = False
) -> tuple[int, list[tuple[Value, ...]]]:
    """The number of matching customers and the first page, in one opening of the store (one keystroke)."""
    with store.read(warm=warm) as con:
        if compiled.costly_filter:
            return _count_and_page_filtering_once(con, compiled, limit, store)
        return count_in(con, compiled), page_in(con, compiled, 0, limit)


def _count_and_page_filtering_once(
    con: duckdb.DuckDBPyConnection, compiled: CompiledView, limit: int, store: Store
) -> tuple[int, list[tuple[Value, ...]]]:
    """The quick filter searches six text columns of every customer: done once, keeping the matches' row IDs and
    sort keys, then counted and paged from those. Measured on 1,000,000 customers: 90-120 ms against 120-220 ms for
    a count and a page that each filter (the page cannot stop early when few customers match).

    A key typed after the others only narrows the matches, so it searches only the customers the text before it
    matched (see `narrowing`)."""
    con.execute("BEGIN TRANSACTION")  # one snapshot for the statements
    try:
        version = data_version(con)
        prior = narrowing.prior(version, store, compiled)
        if prior == "":
            return 0, []  # the text before this key matched nobody, so this one cannot match anybody
        source, params = "customers", list(compiled.params)
        if prior is not None:
            source = (
                "customers SEMI JOIN (SELECT CAST(unnest(string_split(?, ',')) AS BIGINT) AS \"_r\") AS p "
                'ON customers.rowid = p."_r"'
            )
            params = [prior, *params]
        con.execute(
            f'CREATE OR REPLACE TEMP TABLE quick_match AS SELECT customers.rowid AS "_row", {compiled.sort_columns} '
            f"FROM {source} WHERE {compiled.where}",
            params,
        )
        row = con.execute("SELECT count(*) FROM quick_match").fetchone()
        total = int(row[0]) if row else 0
        if total <= narrowing.MAX_ROWS:
            # One string crosses into Python (and back) much faster than a list of many numbers.
            found = con.execute("""SELECT coalesce(string_agg(CAST("_row" AS VARCHAR), ','), '') FROM quick_match""")
            narrowing.remember(version, store, compiled, str(found.fetchone()[0]))  # type: ignore[index]
        rows = con.execute(
            f'SELECT {compiled.select} FROM customers WHERE rowid IN (SELECT "_row" FROM quick_match '
            f"ORDER BY {compiled.order} LIMIT ?) ORDER BY {compiled.order}",
            [max(0, int(limit))],
        ).fetchall()
    finally:
        con.execute("ROLLBACK")  # nothing to keep: the temporary table goes with it
    return total, rows


def get_customer(
    store: Store, catalogue: Catalogue, customer_id: str, entity: str | None = None, *, user: User
) -> dict[str, Value] | None:
    """Every field of one customer visible at this level, with its ROWVERSION, or None. Needs List."""
    user.require(Permission.LIST, "see customers")
    return fetch_customer(store, catalogue, customer_id, entity)


def fetch_customer(
    store: Store, catalogue: Catalogue, customer_id: str, entity: str | None = None
) -> dict[str, Value] | None:
    """`get_customer` for the store's own use, after the caller has checked the acting user's permission."""
    where, params = visibility_sql(entity, True)
    cols = ", ".join(quote_ident(f.id, catalogue) for f in catalogue.fields)
    with store.read() as con:
        row = con.execute(
            f'SELECT {cols}, "ROWVERSION" FROM customers WHERE "CUSTOMERID" = ? AND {where}', [customer_id, *params]
        ).fetchone()
    if row is None:
        return None
    return {**dict(zip(catalogue.ids, row[:-1])), "ROWVERSION": row[-1]}


def stream(store: Store, compiled: CompiledView) -> Iterator[tuple[Value, ...]]:
    """Every row, fetched in batches: a million-row export never sits in memory at once."""
    with store.read() as con:
        yield from stream_in(con, compiled)


def stream_in(con: duckdb.DuckDBPyConnection, compiled: CompiledView) -> Iterator[tuple[Value, ...]]:
    cursor = con.execute(compiled.sql(), list(compiled.params))
    while True:
        batch = cursor.fetchmany(FETCH_ROWS)
        if not batch:
            return
        yield from batch
