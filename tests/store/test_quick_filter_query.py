"""The quick filter's count and first page, filtered once (`store.query.count_and_page`), give exactly what a
separate count and page give, for any text, sort and level."""

from __future__ import annotations

import pytest
from acting import ADMIN

from core.values import DateFormat
from core.viewdef import SortKey, View
from services.edit import save_customer
from store import narrowing, query
from store.db import data_version
from store.demo import seed_demo
from store.duck import DuckStore as Store
from store.fields import catalogue
from store.users import resolve_user
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
# Inside an entity too in the full run; the everyday loop keeps the top level.
@pytest.mark.parametrize("entity", [None, pytest.param("EU", marks=pytest.mark.slow)])
def test_filtering_once_counts_and_pages_like_filtering_twice(demo, text, sort, entity):
    cat = catalogue(demo)
    view = View(**{**builtin_view().__dict__, "sort": sort, "include_entities": entity is None})
    compiled = query.compile_view(view, cat, user=ADMIN, entity=entity, quick=text, quick_fields=QUICK)
    assert compiled.costly_filter
    total, first = query.count_and_page(demo, compiled, 50)
    assert total == query.count(demo, compiled)
    assert first == query.page(demo, compiled, 0, 50)
    assert len(first) == min(total, 50)


# --- narrowing: a key typed after the others searches only what the text before it matched ---------------------


def typed_key_by_key(store: Store, view: View, word: str, entity: str | None = None) -> list[tuple[str, int, list]]:
    """What the list shows after each key of `word`, as the interface asks for it (count and first page)."""
    cat = catalogue(store)
    shown = []
    for end in range(1, len(word) + 1):
        compiled = query.compile_view(view, cat, user=ADMIN, entity=entity, quick=word[:end], quick_fields=QUICK)
        total, first = query.count_and_page(store, compiled, 50)
        shown.append((word[:end], total, first))
    return shown


def fresh(store: Store, view: View, text: str, entity: str | None = None) -> tuple[int, list]:
    cat = catalogue(store)
    compiled = query.compile_view(view, cat, user=ADMIN, entity=entity, quick=text, quick_fields=QUICK)
    return query.count(store, compiled), query.page(store, compiled, 0, 50)


@pytest.mark.parametrize("word", ["müller", "C00012", "gmbh", "a_b%", "Lyon"])
@pytest.mark.parametrize("sort", [(), pytest.param((SortKey("NAME", True),), marks=pytest.mark.slow)])
def test_each_key_shows_what_a_fresh_search_shows(demo, word, sort):
    view = View(**{**builtin_view().__dict__, "sort": sort})
    for text, total, first in typed_key_by_key(demo, view, word):
        assert (total, first) == fresh(demo, view, text), text


def test_a_longer_text_searches_only_the_last_matches(demo):
    cat = catalogue(demo)
    view = builtin_view()
    typed_key_by_key(demo, view, "mü")
    compiled = query.compile_view(view, cat, user=ADMIN, quick="mül", quick_fields=QUICK)
    with demo.read() as con:
        prior = narrowing.prior(data_version(con), demo, compiled)
    assert prior is not None and prior.count(",") + 1 == fresh(demo, view, "mü")[0]
    # Not for a text that does not start with the last one, another sort, or another level.
    for other in (
        query.compile_view(view, cat, user=ADMIN, quick="ül", quick_fields=QUICK),
        query.compile_view(
            View(**{**view.__dict__, "sort": (SortKey("CITY"),)}), cat, user=ADMIN, quick="mül", quick_fields=QUICK
        ),
        query.compile_view(view, cat, user=ADMIN, entity="EU", quick="mül", quick_fields=QUICK),
    ):
        with demo.read() as con:
            assert narrowing.prior(data_version(con), demo, other) is None


def test_a_change_saved_between_two_keys_is_seen_by_the_second(tmp_path):
    store = Store(tmp_path / "store.duckdb")
    seed_demo(store, 200, user=resolve_user(store, "alice"))
    view = builtin_view()
    before = typed_key_by_key(store, view, "zzq")
    assert before[-1][1] == 0  # nobody matches "zzq" yet
    with store.read() as con:
        version = data_version(con)
    with store.read() as con:
        cid, row_version = con.execute('SELECT "CUSTOMERID", "ROWVERSION" FROM customers LIMIT 1').fetchone()
    saved = save_customer(
        store, user=ADMIN, entity=None, values={"NAME": "Zzqa Holding"}, customer_id=cid,
        expected_version=row_version, date_format=DateFormat.DMY_SLASH,
    )  # fmt: skip
    assert saved.ok, saved.errors
    with store.read() as con:
        assert data_version(con) != version  # the write counted itself
    # The next key after "zzq": its search must not be narrowed to the nobody "zzq" matched before the save.
    compiled = query.compile_view(view, catalogue(store), user=ADMIN, quick="zzqa", quick_fields=QUICK)
    assert query.count_and_page(store, compiled, 50)[0] == 1 == fresh(store, view, "zzqa")[0]


def test_a_write_that_fails_does_not_count(tmp_path):
    store = Store(tmp_path / "store.duckdb")
    seed_demo(store, 10, user=resolve_user(store, "alice"))
    with store.read() as con:
        version = data_version(con)
    with pytest.raises(RuntimeError), store.write() as con:
        con.execute("DELETE FROM customers")
        raise RuntimeError("changed my mind")
    with store.read() as con:
        assert data_version(con) == version
        assert con.execute("SELECT count(*) FROM customers").fetchone() == (10,)
