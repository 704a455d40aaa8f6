"""The customer list's queries: which columns a view shows, the view compiled and its first page read with its
counts, the grid's window onto the compiled query (ViewSource), and where the customer under the cursor went after
a save. Called from the list's worker thread (`tui.screens.customer_list`): no widgets here, only the store.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.catalogue import LIST_COLUMNS, SEARCH_FIELDS, Field
from core.values import Value
from core.viewdef import View
from tui.session import Session
from tui.widgets.grid import PAGE

if TYPE_CHECKING:  # the store's interface is for the type checker: a one-shot command need not load it
    from store.base import ViewQuery

# Searched in this order: DuckDB tests the next column only on rows not matched yet, so the columns most often
# matched come first (measured on 1,000,000 customers: 5-10 % off a keystroke's count).
QUICK_FIELDS = SEARCH_FIELDS  # the fields whose folded text the store keeps (core.catalogue)


@dataclass
class ViewSource:
    """The grid's window onto one compiled query."""

    session: Session
    compiled: ViewQuery
    columns: tuple[Field, ...]
    total: int

    def rows(self, offset: int, limit: int) -> Sequence[tuple[Value, ...]]:
        # Warm: scrolling reads page after page; the store stays open between them (store.db._Warm).
        return self.session.store.customers.page(self.compiled, offset, limit, self.total, warm=True)


@dataclass(frozen=True)
class Answer:
    """What one load found: the grid's source, its first page, the count without the quick filter, and where the
    followed customer is now (None when none was followed or it left the query)."""

    source: ViewSource
    first_page: Sequence[tuple[Value, ...]]
    of_total: int
    followed: int | None


def list_columns(session: Session, view: View) -> tuple[Field, ...]:
    """The columns the list shows for `view`, the customer ID first."""
    catalogue = session.catalogue
    columns = view.columns or LIST_COLUMNS
    if not view.columns and (session.entity or view.include_entities):
        # Customers of several levels side by side (an entity sees the shared top-level ones): say whose each is.
        columns = (*columns[:2], "MEGAENTITYID", *columns[2:])
    wanted = [c for c in columns if c in catalogue and c != "CUSTOMERID"]
    # The ID always leads: it names the row for opening, editing and the history.
    return (catalogue["CUSTOMERID"], *(catalogue[c] for c in wanted))


def load(
    session: Session,
    view: View,
    columns: tuple[Field, ...],
    quick: str,
    totals: Mapping[tuple[View, str | None], int],
    follow: tuple[str, int] | None,
) -> Answer:
    """`view` narrowed by the quick filter, compiled, counted and its first page read (in a worker thread). The
    count without the quick filter is taken from `totals` when known: it does not change while the user types."""
    compiled = session.store.customers.compile(
        view, session.catalogue, user=session.user, entity=session.entity, columns=columns,
        date_format=session.date_format, quick=quick, quick_fields=QUICK_FIELDS,
    )  # fmt: skip
    total, first = session.store.customers.count_and_page(compiled, PAGE, warm=True)
    of_total = total if not quick.strip() else totals.get((view, session.entity))
    if of_total is None:
        plain = session.store.customers.compile(
            view, session.catalogue, user=session.user, entity=session.entity, columns=columns
        )
        of_total = session.store.customers.count(plain)
    followed = None if follow is None else _find(session, compiled, total, first, *follow)
    return Answer(ViewSource(session, compiled, columns, total), first, of_total, followed)


def _find(
    session: Session, compiled: ViewQuery, total: int, first: Sequence[tuple[Value, ...]], key: str, row: int
) -> int | None:
    """Where customer `key`, last seen at `row`, is now (in a worker thread). Most saves leave it where it was,
    which one page read confirms; otherwise the store says where its sort put it, or that it left the query."""
    customers = session.store.customers
    start = row - row % PAGE
    page = first if start == 0 else customers.page(compiled, start, PAGE, total, warm=True)
    if row - start < len(page) and page[row - start][0] == key:
        return row
    return customers.position(compiled, key, warm=True)
