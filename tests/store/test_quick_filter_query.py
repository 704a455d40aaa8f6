"""The quick filter's count and first page, filtered once (`store.query.count_and_page`), give exactly what a
separate count and page give, for any text, sort and level."""

from __future__ import annotations

import pytest
from acting import ADMIN

from store import query
from store.db import Store
from store.demo import seed_demo
from store.fields import catalogue
from store.users import resolve_user
from store.viewdef import SortKey, View
from store.views import builtin_view

QUICK = ("CUSTOMERID", "NAME", "PRINTAS", "EMAIL1", "PHONE1", "CITY")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = Store(tmp_path_factory.mktemp("quick") / "store.duckdb")
    seed_demo(store, 600, user=resolve_user(store, "alice"))
    return store


@pytest.mark.parametrize("text", ["a", "GMBH", "c00001", "müller", "%", "_", "\\", "no such text", "  lyon "])
@pytest.mark.parametrize(
    "sort", [(), (SortKey("NAME"),), (SortKey("CREDITLIMIT", True), SortKey("CITY")), (SortKey("CUSTOMERID", True),)]
)
@pytest.mark.parametrize("entity", [None, "EU"])
def test_filtering_once_counts_and_pages_like_filtering_twice(demo, text, sort, entity):
    cat = catalogue(demo)
    view = View(**{**builtin_view().__dict__, "sort": sort, "include_entities": entity is None})
    compiled = query.compile_view(view, cat, user=ADMIN, entity=entity, quick=text, quick_fields=QUICK)
    assert compiled.costly_filter
    total, first = query.count_and_page(demo, compiled, 50)
    assert total == query.count(demo, compiled)
    assert first == query.page(demo, compiled, 0, 50)
    assert len(first) == min(total, 50)
