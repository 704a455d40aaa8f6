"""The quick filter's folded search text (layout 6, store.search): stored beside each customer, kept by every write
(import, edit, undo, the demo), filled when an older store opens, and searched by the quick filter ("koln" finds
Köln, "lodz" finds Łódź)."""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

import duckdb
import pytest
from acting import ADMIN

from core.folding import fold, fold_char
from core.values import DateFormat
from core.viewdef import View
from services.edit import save_customer
from store import query, schema, search
from store.demo import seed_demo
from store.duck import DuckStore as Store
from store.fields import catalogue
from store.views import builtin_view

QUICK = ("NAME", "EMAIL1", "CITY", "PRINTAS", "PHONE1", "CUSTOMERID")  # the interface's, in its order
HEADER = ["CUSTOMERID", "NAME", "PRINTAS", "CITY", "EMAIL1", "PHONE1"]
ROWS = [
    ["K1", "Weingut Groß", "Weingut Groß", "Köln", "info@gross.example", "+49 221 1"],
    ["L1", "Łukasz Wójcik", "Łukasz Wójcik", "Łódź", "", ""],
    ["D1", "Møller Møbelhus A/S", "Møller", "Aarhus C", "", ""],
    ["R1", "ООО «Иванов и партнёры»", "Иванов", "Екатеринбург", "", ""],
    ["P1", "100% Bio_Markt", "Bio", "Paris", "", ""],
]


def stored(store: Store) -> dict[str, str | None]:
    with store.read() as con:
        rows = con.execute(f'SELECT "CUSTOMERID", {search.COLUMN} FROM customers').fetchall()
    return dict(rows)


def expected(store: Store) -> dict[str, str]:
    """Each customer's text as `core.folding.fold` folds its searched fields."""
    cols = ", ".join(f'"{f}"' for f in search.SEARCH_FIELDS)
    with store.read() as con:
        rows = con.execute(f'SELECT "CUSTOMERID", {cols} FROM customers').fetchall()
    return {r[0]: fold(search.SEPARATOR.join(v for v in r[1:] if v is not None)) for r in rows}


def assert_texts_current(store: Store) -> None:
    assert stored(store) == expected(store)


def found(store: Store, text: str, fields: tuple[str, ...] = QUICK) -> list[str]:
    compiled = query.compile_view(builtin_view(), catalogue(store), user=ADMIN, quick=text, quick_fields=fields)
    return sorted(r[0] for r in query.page(store, compiled, 0, 100))


@pytest.fixture
def people(store: Store, cli, write_csv) -> Store:
    assert cli("import", str(write_csv([HEADER, *ROWS]))).code == 0
    return store


# --- SQL folds what it can, exactly as Python does -------------------------------------------------------------------


def test_what_sql_folds_to_ascii_is_what_python_folds_for_every_character() -> None:
    """`text_sql` keeps SQL's folding only when it is plain ASCII: for every character, that must be `fold`'s."""
    chars = [chr(cp) for cp in range(sys.maxunicode + 1)]
    chars = [c for c in chars if unicodedata.category(c) not in ("Cn", "Co", "Cs")]
    # and texts: accents apart from their letters, a Cyrillic titlo after a Latin letter (strip_accents drops it,
    # `fold` keeps it)
    samples = [*chars, "e\u0301cole", "Ła\u0300 ß Œ", "A\u030a\u0301", "a\u0483", "abc\u05b7"]
    con = duckdb.connect()
    con.execute("CREATE TABLE customers AS SELECT unnest(?::VARCHAR[]) AS c", [samples])
    for field in search.SEARCH_FIELDS:
        con.execute(f'ALTER TABLE customers ADD COLUMN "{field}" VARCHAR')
    con.execute('UPDATE customers SET "NAME" = c')
    rows = con.execute(f"SELECT c, f FROM (SELECT c, {search.text_sql()} AS f FROM customers) WHERE f IS NOT NULL")
    rows = rows.fetchall()
    assert {"Ł", "ö", "ß", "Ø", "ǿ", "ệ"} <= {c for c, _ in rows}  # SQL does fold the Latin letters
    differ = [(c, f) for c, f in rows if "".join(fold_char(x) for x in unicodedata.normalize("NFC", c)) != f]
    assert differ == []


# --- searching ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "ids"),
    [
        ("koln", ["K1"]),
        ("KÖLN", ["K1"]),
        ("lodz", ["L1"]),
        ("Łódź", ["L1"]),
        ("lukasz", ["L1"]),
        ("strasse", []),
        ("gross", ["K1"]),
        ("moller", ["D1"]),
        ("партнёры", ["R1"]),
        ("ПАРТНЁРЫ", ["R1"]),
        ("партнеры", []),  # ё is a letter of its own in Russian: only Latin letters lose their marks
        ("100%", ["P1"]),  # % and _ are what they are, not wildcards
        ("o%b", []),
        ("bio_m", ["P1"]),
        ("\\", []),  # a backslash is a backslash
        ("l1", ["L1"]),  # the ID, without regard to case
        ("+49 221", ["K1"]),
        ("c groß", []),  # never across two fields
    ],
)
def test_the_quick_filter_ignores_case_and_accents_and_folds_letters(people: Store, typed: str, ids: list[str]) -> None:
    assert found(people, typed) == ids


def test_a_narrower_choice_of_fields_is_folded_on_the_fly(people: Store) -> None:
    assert found(people, "koln", ("CITY",)) == ["K1"]
    assert found(people, "gross", ("CITY",)) == []  # the name is not searched
    assert found(people, "lodz", ("CITY", "NAME")) == ["L1"]


def test_keys_typed_one_after_the_other_show_what_a_fresh_search_shows(people: Store) -> None:
    view = View(**{**builtin_view().__dict__})
    for word in ("Łódź", "KÖLN", "mø"):
        for end in range(1, len(word) + 1):
            compiled = query.compile_view(view, catalogue(people), user=ADMIN, quick=word[:end], quick_fields=QUICK)
            total, first = query.count_and_page(people, compiled, 50)
            assert (total, first) == (query.count(people, compiled), query.page(people, compiled, 0, 50))


# --- every write keeps the text -------------------------------------------------------------------------------------


def test_an_import_stores_each_new_customers_text(people: Store) -> None:
    texts = stored(people)
    assert texts["K1"] == "k1\x1fweingut gross\x1fweingut gross\x1finfo@gross.example\x1f+49 221 1\x1fkoln"
    assert texts["R1"] == "r1\x1fооо «иванов и партнёры»\x1fиванов\x1fекатеринбург"  # folded by Python
    assert_texts_current(people)


def test_an_import_that_updates_keeps_the_text(people: Store, cli, write_csv) -> None:
    names = [["CUSTOMERID", "NAME"], ["K1", "Kölner Weinhaus"]]
    assert cli("import", str(write_csv(names))).code == 0
    cities = [["CUSTOMERID", "CITY"], ["L1", "Kraków"], ["R1", "Москва"]]
    assert cli("import", str(write_csv(cities))).code == 0
    assert_texts_current(people)
    assert found(people, "krakow") == ["L1"]
    assert found(people, "weinhaus") == ["K1"]
    assert found(people, "москва") == ["R1"]


def test_an_edit_keeps_the_text(people: Store) -> None:
    record = query.fetch_customer(people, catalogue(people), "D1")
    assert record is not None
    saved = save_customer(
        people, user=ADMIN, entity=None, values={"NAME": "Ærøskøbing Fisk"}, customer_id="D1",
        expected_version=record["ROWVERSION"], date_format=DateFormat.DMY_SLASH,
    )  # fmt: skip
    assert saved.ok, saved.errors
    assert_texts_current(people)
    assert found(people, "aeroskobing") == ["D1"]


def test_undo_and_undo_of_undo_keep_the_text(people: Store, cli, write_csv) -> None:
    rows = [["CUSTOMERID", "NAME", "PRINTAS", "CITY"], ["K1", "Brauhaus Düsseldorf", "Brauhaus", "Düsseldorf"],
            ["N1", "Ørsted Þór", "Þór", "Reykjavík"]]  # fmt: skip
    assert cli("import", str(write_csv(rows))).code == 0  # B2: one update, one creation
    assert found(people, "dusseldorf") == ["K1"] and found(people, "thor") == ["N1"]
    assert cli("undo", "B2").code == 0  # the update reverted, the creation removed
    assert_texts_current(people)
    assert found(people, "dusseldorf") == [] and found(people, "gross") == ["K1"] and found(people, "thor") == []
    assert cli("undo", "B3").code == 0  # the undo undone: N1 created again
    assert_texts_current(people)
    assert found(people, "reykjavik") == ["N1"] and found(people, "dusseldorf") == ["K1"]


def test_demo_customers_have_their_text(store: Store) -> None:
    seed_demo(store, 300, user=store.users.resolve("alice"))
    assert_texts_current(store)
    assert None not in stored(store).values()


# --- stores written before layout 6, or by other folding rules ------------------------------------------------------


def _store_at_version_5(path: Path) -> None:
    for old in (path, path.with_name(path.name + ".wal")):
        old.unlink(missing_ok=True)
    con = duckdb.connect(str(path))
    for version in range(1, 6):
        schema.MIGRATIONS[version](con)
    con.execute("INSERT INTO meta VALUES ('schema_version', '5')")
    con.execute("INSERT INTO users VALUES ('alice', 'business', TRUE, TRUE, TRUE, now()::TIMESTAMP)")
    for i, (cid, name, _, city, *_) in enumerate(ROWS, start=1):
        con.execute(
            'INSERT INTO customers ("CUSTOMERID", "NAME", "CITY", "RECORDNO") VALUES (?, ?, ?, ?)', [cid, name, city, i]
        )
    con.close()


def test_a_store_of_layout_5_is_given_its_texts_when_it_opens(db: Path) -> None:
    _store_at_version_5(db)
    store = Store(db)
    assert found(store, "lodz") == ["L1"]
    assert_texts_current(store)


def test_texts_folded_by_other_rules_are_folded_again(people: Store, db: Path) -> None:
    con = duckdb.connect(str(db))
    con.execute("UPDATE meta SET value = 'older rules' WHERE key = 'search_text'")
    con.execute(f"UPDATE customers SET {search.COLUMN} = 'stale'")
    con.close()
    reopened = Store(db)  # the file changed: this process checks it again
    assert found(reopened, "lodz") == ["L1"]
    assert_texts_current(reopened)
