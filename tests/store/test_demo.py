"""The demo data of `custbook init --demo N`: deterministic, idempotent, plausible, and valid for every field."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from acting import ADMIN

from core.catalogue import READ_ONLY_FIELDS, STANDARD_FIELDS, FieldType
from core.errors import InvalidValue
from store import demo
from store.duck import DuckStore as Store
from store.entities import list_entities
from store.fields import add_field, catalogue
from store.schema import INTERNAL_COLUMNS
from store.users import resolve_user

N = 2000
USER = "demo-tester"
EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")


def seed(store: Store, n: int) -> int:
    return demo.seed_demo(store, n, user=resolve_user(store, USER))


def dump(store: Store) -> list[tuple]:
    with store.read() as con:
        return con.execute('SELECT * FROM customers ORDER BY "CUSTOMERID"').fetchall()


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = Store(tmp_path_factory.mktemp("demo") / "demo.duckdb")
    assert seed(store, N) == N
    return store


@pytest.fixture(scope="module")
def query(seeded: Store) -> Callable[[str], list[tuple]]:
    def run(sql: str) -> list[tuple]:
        with seeded.read() as con:
            return con.execute(sql).fetchall()

    return run


def scalar(query: Callable[[str], list[tuple]], sql: str) -> object:
    return query(sql)[0][0]


def test_same_n_gives_identical_rows(seeded: Store, tmp_path: Path) -> None:
    other = Store(tmp_path / "other.duckdb")
    seed(other, N)
    assert dump(other) == dump(seeded)


def test_growing_n_gives_the_same_rows_as_seeding_at_once(seeded: Store, tmp_path: Path) -> None:
    store = Store(tmp_path / "grown.duckdb")
    assert seed(store, 700) == 700
    assert seed(store, N) == N - 700
    assert dump(store) == dump(seeded)


def test_seeding_twice_adds_nothing(tmp_path: Path) -> None:
    store = Store(tmp_path / "twice.duckdb")
    assert seed(store, 300) == 300
    before = dump(store)
    assert seed(store, 300) == 0
    assert dump(store) == before
    with store.read() as con:
        assert con.execute("SELECT currval('recordno_seq')").fetchone() == (300,)
    assert [f.id for f in catalogue(store).custom] == ["SEGMENT", "CONTRACT_START", "VIP"]
    assert [e.id for e in list_entities(store)] == ["EU", "US"]


def test_existing_customers_are_kept_and_skipped(tmp_path: Path) -> None:
    store = Store(tmp_path / "mixed.duckdb")
    with store.write() as con:
        con.execute(
            'INSERT INTO customers ("CUSTOMERID", "NAME", "PRINTAS", "RECORDNO") '
            "VALUES ('C0000003', 'Mine', 'Mine', nextval('recordno_seq'))"
        )
    assert seed(store, 10) == 9
    rows = {r[0]: r for r in dump(store)}
    assert len(rows) == 10
    assert rows["C0000003"][1] == "Mine"
    with store.read() as con:
        recordnos = [r[0] for r in con.execute('SELECT "RECORDNO" FROM customers').fetchall()]
    assert sorted(recordnos) == list(range(1, 11))


def test_demo_fields_and_entities_are_defined(seeded: Store) -> None:
    cat = catalogue(seeded)
    assert cat["SEGMENT"].type is FieldType.ENUM
    assert cat["SEGMENT"].values == ("SMB", "Mid-market", "Enterprise")
    assert cat["SEGMENT"].required
    assert (cat["CONTRACT_START"].type, cat["CONTRACT_START"].label_fr) == (FieldType.DATE, "Début de contrat")
    assert cat["VIP"].type is FieldType.BOOL
    assert {(e.id, e.name) for e in list_entities(seeded)} == {("EU", "Europe SAS"), ("US", "Americas Inc.")}


def test_a_conflicting_field_is_refused(tmp_path: Path) -> None:
    store = Store(tmp_path / "conflict.duckdb")
    add_field(store, "VIP", "text")
    with pytest.raises(InvalidValue, match="VIP"):
        seed(store, 5)


@pytest.mark.parametrize("n", [-1, demo.MAX_DEMO + 1])
def test_n_out_of_range_is_refused(tmp_path: Path, n: int) -> None:
    with pytest.raises(InvalidValue):
        demo.seed_demo(Store(tmp_path / "x.duckdb"), n, user=ADMIN)


def test_every_field_gets_a_value_expression() -> None:
    wanted = {f.id for f in STANDARD_FIELDS + READ_ONLY_FIELDS} | {f[0] for f in demo.DEMO_FIELDS}
    assert set(demo._VALUES) == wanted | set(INTERNAL_COLUMNS)


def test_demo_enum_values_are_spelled_as_the_catalogue() -> None:
    enums = {f.id: set(f.values) for f in STANDARD_FIELDS if f.type is FieldType.ENUM}
    assert set(demo._PAYMETHODS) == enums["PAYMETHOD"]
    assert set(demo._DELIVERY) == enums["DELIVERY_OPTIONS"]
    assert set(demo._SEGMENTS) == set(demo.DEMO_FIELDS[0][2])


def test_importable_fields_are_mostly_filled(query: Callable[[str], list[tuple]]) -> None:
    for f in STANDARD_FIELDS:
        col = f'"{f.id}"'
        filled = scalar(query, f"SELECT count(*) FROM customers WHERE {col} IS NOT NULL AND {col}::VARCHAR <> ''")
        share = filled / N  # type: ignore[operator]
        if f.required or f.type is FieldType.BOOL or f.id in ("STATUS", "CURRENCY", "TERMNAME"):
            assert share == 1, f.id
        elif f.recommended:
            assert share > 0.5, f.id
        else:
            assert share > 0.01, f.id


def test_values_fit_their_fields(query: Callable[[str], list[tuple]]) -> None:
    for f in STANDARD_FIELDS:
        if f.max_len:
            assert scalar(query, f'SELECT coalesce(max(length("{f.id}")), 0) FROM customers') <= f.max_len, f.id
        if f.type is FieldType.ENUM:
            used = {r[0] for r in query(f'SELECT DISTINCT "{f.id}" FROM customers')}
            assert used == set(f.values), f.id
    assert {r[0] for r in query('SELECT DISTINCT "SEGMENT" FROM customers')} == {"SMB", "Mid-market", "Enterprise"}
    assert scalar(query, 'SELECT count(*) FROM customers WHERE "VIP" IS NULL') == 0
    assert 0.02 < scalar(query, 'SELECT avg("VIP"::INT) FROM customers') < 0.08  # type: ignore[operator]
    assert scalar(query, 'SELECT min("CREDITLIMIT") FROM customers') >= 0  # type: ignore[operator]
    assert scalar(query, """SELECT count(*) FROM customers WHERE NOT regexp_full_match("CURRENCY", '[A-Z]{3}')""") == 0
    assert scalar(query, """SELECT count(*) FROM customers WHERE "NAME" <> "PRINTAS" """) < N / 5  # type: ignore[operator]
    assert scalar(query, """SELECT avg(("STATUS" = 'active')::INT) FROM customers""") > 0.8  # type: ignore[operator]


def test_emails_and_phones_are_well_formed(query: Callable[[str], list[tuple]]) -> None:
    for email1, email2 in query('SELECT "EMAIL1", "EMAIL2" FROM customers'):
        for email in (email1, email2):
            assert email is None or EMAIL_RE.match(email), email
            assert email is None or email.isascii(), email
    for row in query('SELECT "PHONE1", "PHONE2", "CELLPHONE", "FAX" FROM customers'):
        for phone in row:
            assert phone is None or re.fullmatch(r"\+[0-9][0-9 ()-]+[0-9]", phone), phone
    urls = [r[0] for r in query('SELECT "URL1" FROM customers WHERE "URL1" IS NOT NULL')]
    assert all(re.fullmatch(r"https://www\.[a-z0-9-]+\.example", u) for u in urls)


def test_parents_exist_are_lower_and_never_self(query: Callable[[str], list[tuple]]) -> None:
    pairs = query('SELECT "CUSTOMERID", "PARENTID" FROM customers WHERE "PARENTID" IS NOT NULL')
    ids = {r[0] for r in query('SELECT "CUSTOMERID" FROM customers')}
    assert 0.005 * N < len(pairs) < 0.05 * N
    for child, parent in pairs:
        assert parent in ids
        assert parent < child  # lower number: never itself, never a cycle


def test_read_only_fields_are_consistent(query: Callable[[str], list[tuple]]) -> None:
    assert query('SELECT count(DISTINCT "RECORDNO"), min("RECORDNO"), max("RECORDNO") FROM customers') == [(N, 1, N)]
    assert scalar(query, 'SELECT count(*) FROM customers WHERE "WHENMODIFIED" < "WHENCREATED"') == 0
    created = query('SELECT min("WHENCREATED")::VARCHAR, max("WHENMODIFIED")::VARCHAR FROM customers')[0]
    assert created[0] >= "2019-01-01" and created[1] < "2026-01-01"
    assert scalar(query, """SELECT count(*) FROM customers WHERE "LAST_INVOICEDATE" < "WHENCREATED"::DATE""") == 0
    assert scalar(query, """SELECT count(*) FROM customers WHERE "TOTALDUE" IS NULL OR "TOTALDUE" < 0""") == 0
    assert query('SELECT DISTINCT "CREATEDBY", "MODIFIEDBY", "ROWVERSION" FROM customers') == [(USER, USER, 1)]


def test_some_records_belong_to_each_entity(query: Callable[[str], list[tuple]]) -> None:
    owners = dict(query('SELECT "MEGAENTITYID", count(*) FROM customers GROUP BY ALL'))
    assert owners.get("EU", 0) > 0 and owners.get("US", 0) > 0
    assert owners[None] > 0.8 * N
    assert set(owners) == {None, "EU", "US"}


def test_names_come_from_many_countries_and_scripts(query: Callable[[str], list[tuple]]) -> None:
    names = " ".join(r[0] for r in query('SELECT "NAME" FROM customers'))
    cities = {r[0] for r in query('SELECT DISTINCT "CITY" FROM customers')}
    for accent in "éèüöñłńøæ":
        assert accent in names.lower() + " ".join(cities).lower(), accent
    assert re.search(r"[\u0370-\u03ff]", names)  # Greek
    assert re.search(r"[\u0400-\u04ff]", names)  # Cyrillic
    assert re.search(r"[\u4e00-\u9fff]", names)  # CJK
    assert {"Łódź", "Ærøskøbing", "Αθήνα", "Москва"} <= cities
    assert "Société Générale des Eaux de " in names and " & Söhne GmbH" in names
    assert len({r[0] for r in query('SELECT DISTINCT "COUNTRY" FROM customers')}) >= 10


def test_zips_are_text_with_leading_zeros(query: Callable[[str], list[tuple]]) -> None:
    zips = {r[0] for r in query('SELECT DISTINCT "ZIP" FROM customers')}
    assert {"02138", "06000", "01067"} <= zips


def test_comments_are_sometimes_empty_and_sometimes_multiline(query: Callable[[str], list[tuple]]) -> None:
    comments = [r[0] for r in query('SELECT "COMMENTS" FROM customers')]
    assert any(c is None for c in comments)
    assert any(c and "\n" in c for c in comments)


def test_gendered_surnames_get_their_own_ascii_form() -> None:
    assert demo._words("Kowalski/Kowalska|Wójcik", female=True) == [("Kowalska", "kowalska"), ("Wójcik", "wojcik")]
    assert demo._words("Иванов/Иванова=ivanov/ivanova") == [("Иванов", "ivanov")]
    assert demo._words("Müller|O'Brien|Søren") == [("Müller", "mueller"), ("O'Brien", "obrien"), ("Søren", "soeren")]


def test_hash_is_plain_integer_arithmetic() -> None:
    """The demo's pseudo-random streams must not depend on the DuckDB version: check them against Python."""
    p = 2147483647

    def mix(i: int, salt: int) -> int:
        a = (i * 1103515245 + salt * 2654435 + 12345) % p
        b = a * 48271 % p
        c = b ^ (b >> 15)
        d = c * 69621 % p
        return d ^ (d >> 13)

    con = duckdb.connect()
    got = con.execute(f"SELECT i, {demo._mix(7)} FROM range(1, 3000) t(i) ORDER BY i").fetchall()
    assert got == [(i, mix(i, 7)) for i in range(1, 3000)]


def test_init_says_why_the_list_shows_fewer_customers(cli) -> None:
    """The list opens at the top level, without the entities' own customers: init says how many it will show."""
    result = cli("init", "--demo", "400")
    assert result.code == 0
    match = re.search(r"ready: 400 customers \(400 demo customers added\); (\d+) of them belong to entities, "
                      r"so the list at the top level shows (\d+)\.", result.out)  # fmt: skip
    assert match and int(match[1]) + int(match[2]) == 400 and int(match[1]) > 0
