"""Text sorts by the rules of the language (issue 16 item 4): Ł with L, Æ as AE, accents beside their letters, case
ignored; ICU's collations, built into DuckDB (nothing downloaded)."""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import pytest
from acting import ADMIN

from core.i18n import set_language
from core.viewdef import SortKey, View
from store import query
from store.duck import DuckStore as Store
from store.fields import catalogue
from store.views import builtin_view

NAMES = ["Lyon", "Łódź", "Lille", "Zoë", "Émile", "Eve", "Ørsted", "Oslo", "Ærø", "Aarhus", "Straße", "Strasbourg"]
EXPECTED = ["Aarhus", "Ærø", "Émile", "Eve", "Lille", "Łódź", "Lyon", "Ørsted", "Oslo", "Strasbourg", "Straße", "Zoë"]


@pytest.fixture
def cities(store: Store, cli, write_csv) -> Store:
    rows = [["CUSTOMERID", "NAME", "PRINTAS", "CITY"]]
    rows += [[f"C{i:02}", f"Customer {i}", f"Customer {i}", city] for i, city in enumerate(NAMES)]
    rows += [["C90", "beta", "beta", "PARIS"], ["C91", "Alpha", "Alpha", "paris"]]
    assert cli("import", str(write_csv(rows))).code == 0
    return store


@pytest.fixture
def french() -> Iterator[None]:
    set_language("fr")
    yield
    set_language("en")


def shown(store: Store, *sort: SortKey) -> list[tuple[str, str]]:
    view = View(**{**builtin_view().__dict__, "columns": ("CITY", "NAME"), "sort": sort})
    compiled = query.compile_view(view, catalogue(store), user=ADMIN)
    return query.page(store, compiled, 0, 100)  # type: ignore[return-value]


def test_names_sort_as_people_read_them(cities: Store) -> None:
    cities_in_order = [city for city, _ in shown(cities, SortKey("CITY")) if city.lower() != "paris"]
    assert cities_in_order == EXPECTED  # Łódź between Lille and Lyon, Ærø as AE, Straße beside Strasbourg
    backwards = [city for city, _ in shown(cities, SortKey("CITY", True)) if city.lower() != "paris"]
    assert backwards == EXPECTED[::-1]


def test_the_same_in_french(cities: Store, french: None) -> None:
    assert [c for c, _ in shown(cities, SortKey("CITY")) if c.lower() != "paris"] == EXPECTED


def test_case_alone_does_not_order_two_values_the_next_key_does(cities: Store) -> None:
    paris = [(c, n) for c, n in shown(cities, SortKey("CITY"), SortKey("NAME")) if c.lower() == "paris"]
    assert paris == [("paris", "Alpha"), ("PARIS", "beta")]


def test_the_collation_needs_nothing_downloaded() -> None:
    """ICU is part of the DuckDB wheel (statically linked): a machine without network sorts the same."""
    con = duckdb.connect()
    row = con.execute("SELECT install_mode FROM duckdb_extensions() WHERE extension_name = 'icu'").fetchone()
    assert row is not None and "STATIC" in str(row[0]).upper()
    assert con.execute("SELECT 'Łódź' COLLATE NOCASE.fr BETWEEN 'Lille' AND 'Lyon'").fetchone() == (True,)
