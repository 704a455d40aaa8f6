"""The customer list on PostgreSQL reads the same pages as on DuckDB (issue 15): the same order for the same data
and sort, in English and in French; pages continued by keyset (store.pg_query) equal pages read by OFFSET, forwards
and backwards, and after a write; the quick filter folds as DuckDB's does ("koln" finds Köln, "ł" finds Łódź),
short texts of one or two letters included."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from acting import ADMIN

from core.catalogue import SEARCH_FIELDS
from core.i18n import set_language
from core.plan import ImportOptions
from core.viewdef import SortKey, View
from services import imports
from services.planning import plan_import
from store import pg_query
from store.base import CustomerStore
from store.opening import open_store

CITIES = ["Lyon", "Łódź", "Lille", "Zoë", "Émile", "Eve", "Ørsted", "Oslo", "Ærø", "Aarhus", "Straße", "Köln", "",
          "PARIS", "paris", "Paris", "Kraków", "Malmö"]  # fmt: skip
NAMES = ["Müller", "muller", "Łukasz", "Zoë", "émile", "Emile", "Ærø Foods", "Aaron", "O'Brien", "Straße", "Ørsted"]
N = 230  # customers: several pages of PAGE below, an odd count so that the halves differ
PAGE = 25


def rows() -> list[list[str]]:
    table = [["CUSTOMERID", "NAME", "PRINTAS", "CITY", "EMAIL1"]]
    for i in range(N):
        name = f"{NAMES[i % len(NAMES)]} {i % 7}"
        table.append([f"C{(i * 37) % 1000:04}", name, name, CITIES[i % len(CITIES)], f"c{i}@example.com"])
    return table


def load(store: CustomerStore, path: Path) -> None:
    options = ImportOptions()
    raw = imports.read_source(path, options)
    plan = plan_import(
        store, raw, user=ADMIN, options=imports.parse_options(options.date_format, raw), request=options
    )  # fmt: skip
    assert plan.failed == 0, plan.errors
    imports.commit(store, plan, user=ADMIN)


@pytest.fixture
def both(db: Path, pg_db: str, write_csv: Callable[..., Path]) -> Iterator[tuple[CustomerStore, CustomerStore]]:
    """The same customers in a DuckDB store and in a PostgreSQL store."""
    path = write_csv(rows())
    duck, pg = open_store(str(db)), open_store(pg_db)
    load(duck, path)
    load(pg, path)
    pg_query.forget()
    yield duck, pg
    set_language("en")


def compiled(store: CustomerStore, *sort: SortKey, quick: str = ""):
    catalogue = store.fields.catalogue()
    view = View("list", columns=("CUSTOMERID", "NAME", "CITY"), sort=sort)
    return store.customers.compile(view, catalogue, user=ADMIN, quick=quick, quick_fields=SEARCH_FIELDS)


def paged(store: CustomerStore, q, total: int, *, backwards: bool = False) -> list[tuple[object, ...]]:
    """Every row, page after page as the grid reads them (from the end when `backwards`)."""
    starts = list(range(0, total, PAGE))
    pages = {o: store.customers.page(q, o, PAGE, total) for o in (reversed(starts) if backwards else starts)}
    return [row for o in starts for row in pages[o]]


SORTS = [(), (SortKey("CITY"),), (SortKey("NAME", True),), (SortKey("CITY"), SortKey("NAME"))]


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("sort", SORTS, ids=["id", "city", "name-desc", "city-name"])
def test_pages_come_in_duckdbs_order(both, language: str, sort: tuple[SortKey, ...]) -> None:
    set_language(language)
    duck, pg = both
    dq, pq = compiled(duck, *sort), compiled(pg, *sort)
    total = duck.customers.count(dq)
    assert total == pg.customers.count(pq) == N
    expected = paged(duck, dq, total)
    assert paged(pg, pq, total) == expected
    assert paged(pg, pq, total, backwards=True) == expected
    assert len({row[0] for row in expected}) == N  # every customer once: no page repeats or skips one


def test_keyset_pages_equal_offset_pages(both) -> None:
    _duck, pg = both
    q = compiled(pg)
    assert pg_query.keyset_ready(q)  # type: ignore[arg-type]
    total = pg.customers.count(q)
    alone = {}
    for offset in range(0, total, PAGE):  # each page on its own: OFFSET (nothing remembered)
        pg_query.forget()
        alone[offset] = pg.customers.page(q, offset, PAGE, total)
    pg_query.forget()
    forwards = {o: pg.customers.page(q, o, PAGE, total) for o in range(0, total, PAGE)}  # keyset after the first
    backwards = {o: pg.customers.page(q, o, PAGE, total) for o in reversed(range(0, total, PAGE))}
    assert forwards == alone == backwards
    # Pages that do not start at a remembered edge (a jump) are read by OFFSET and agree too.
    assert pg.customers.page(q, 7, 30, total) == [row for o in (0, 25) for row in alone[o]][7:37]


def test_a_write_makes_remembered_edges_stale(both, write_csv: Callable[..., Path]) -> None:
    _duck, pg = both
    q = compiled(pg)
    total = pg.customers.count(q)
    before = pg.customers.page(q, PAGE, PAGE, total)  # page 2: its start edge is remembered by page 1 ...
    pg.customers.page(q, 0, PAGE, total)
    after_page_one = pg.customers.page(q, PAGE, PAGE, total)  # ... and used
    assert after_page_one == before
    # A customer whose ID sorts before page 2's rows: every page after it moves one row down.
    load(pg, write_csv([["CUSTOMERID", "NAME", "PRINTAS"], ["C0000a", "New", "New"]]))
    total += 1
    moved = pg.customers.page(q, PAGE, PAGE, total)
    pg_query.forget()
    assert moved == pg.customers.page(q, PAGE, PAGE, total)
    assert moved[0] == before[0] or moved[1] == before[0]


TEXTS = ["koln", "Köln", "KÖLN", "ł", "łó", "lodz", "ø", "ae", "k", "ko", "mü", "zz", "%", "_"]


@pytest.mark.parametrize("text", TEXTS)
def test_the_quick_filter_finds_what_duckdb_finds(both, text: str) -> None:
    duck, pg = both
    dq, pq = compiled(duck, quick=text), compiled(pg, quick=text)
    total, first = duck.customers.count_and_page(dq, PAGE)
    assert pg.customers.count_and_page(pq, PAGE) == (total, first)
    assert pg.customers.count(pq) == total
    assert paged(pg, pq, total) == paged(duck, dq, total)


def test_koln_and_lodz_are_found_by_their_folded_spelling(both) -> None:
    _duck, pg = both
    found = {text: {row[2] for row in pg.customers.page(compiled(pg, quick=text), 0, N)} for text in ("koln", "ł")}
    assert found["koln"] == {"Köln"}
    assert "Łódź" in found["ł"] and "Lyon" in found["ł"]  # ł folds to l: one letter finds every l as well


@pytest.mark.parametrize("sort", SORTS, ids=["id", "city", "name-desc", "city-name"])
def test_a_customers_position_is_its_row_in_the_pages(both, sort: tuple[SortKey, ...]) -> None:
    """The list follows a customer a save moved within the sort (issue 18): where the store says it is must be the
    row the pages show it at, on both stores; a customer the query does not show has no position."""
    for store in both:
        q = compiled(store, *sort)
        total = store.customers.count(q)
        every = paged(store, q, total)
        for row in (0, 1, PAGE, total // 2, total - 1):
            assert store.customers.position(q, str(every[row][0])) == row
        assert store.customers.position(q, "NO SUCH ID") is None
        narrowed = compiled(store, *sort, quick="paris")
        assert store.customers.position(narrowed, "NO SUCH ID") is None
        outside = next(r[0] for r in every if "paris" not in str(r[2]).lower())
        assert store.customers.position(narrowed, str(outside)) is None
