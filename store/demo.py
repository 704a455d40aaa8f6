"""Demo data for `custbook init --demo N`: the demo custom fields, two entities and N realistic customers.

Owns the demo word lists and the one INSERT that turns them into customers C0000001..C{n:07}. Every value is a
pure function of the customer number (no random(), no now(), no DuckDB hash() whose output may change between
DuckDB versions), so the same N gives the same rows on every machine, and seeding 100 then 200 gives the same rows
as seeding 200. It must never change or delete existing customers: numbers whose ID already exists are skipped.
All rows are built by DuckDB in one statement inside one transaction; Python never loops over customers.
"""

from __future__ import annotations

import re
import unicodedata

from core.errors import Conflict, InvalidValue
from core.i18n import _, group_digits, ngettext
from core.users import User
from store import search
from store.db import InTransaction, Store
from store.demo_data import COUNTRIES, LANGS
from store.entities import add_entity, list_entities
from store.fields import add_field, catalogue, load_catalogue
from store.schema import INTERNAL_COLUMNS
from store.sql import quote_ident

MAX_DEMO = 9_999_999  # IDs are "C" + 7 digits

# (ID, type, enum values, required, English label, French label): fields.md, "Custom fields".
DEMO_FIELDS = (
    ("SEGMENT", "enum", ("SMB", "Mid-market", "Enterprise"), True, "Segment", "Segment"),
    ("CONTRACT_START", "date", (), False, "Contract start", "Début de contrat"),
    ("VIP", "bool", (), False, "VIP", "VIP"),
)
DEMO_ENTITIES = (("EU", "Europe SAS"), ("US", "Americas Inc."))

# Creation dates fall in [2019-01-01, 2026-01-01); seconds in that span (2020 and 2024 are leap years).
EPOCH = "2019-01-01 00:00:00"
SPAN_SECONDS = (7 * 365 + 2) * 86400


# fmt: off
# Weighted choices, as value: weight; the SQL picks from the list with each value repeated `weight` times.
_CUSTTYPES = {"Retail": 5, "Wholesale": 5, "Distributor": 3, "Reseller": 3, "Manufacturer": 2, "Government": 1,
              "Non-profit": 1}
_TERMS = {"N30": 10, "N45": 3, "N60": 3, "Due on receipt": 3, "N15": 1}
_PAYMETHODS = {"EFT": 7, "ACH": 4, "Credit card": 4, "Printed check": 3, "Cash": 2}
_DELIVERY = {"E-Mail": 12, "Print#~#E-Mail": 5, "Print": 3}
_SEGMENTS = {"SMB": 12, "Mid-market": 6, "Enterprise": 2}

_TRANSLIT = str.maketrans({"ł": "l", "Ł": "L", "ø": "oe", "Ø": "Oe", "æ": "ae", "Æ": "Ae", "å": "aa", "Å": "Aa",
                           "ß": "ss", "ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "'": ""})
# fmt: on


def _slug(text: str) -> str:
    """Lower-case ASCII for e-mail local parts and domains: "Müller & Söhne" -> "mueller-soehne"."""
    folded = unicodedata.normalize("NFKD", text.translate(_TRANSLIT))
    ascii_text = "".join(ch for ch in folded if not unicodedata.combining(ch)).lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    if not slug:
        raise ValueError(f"demo word {text!r} needs an explicit ASCII form (write it as {text}=ascii)")
    return slug


def _words(text: str, female: bool = False) -> list[tuple[str, str]]:
    """Each item of a "|" list with its slug. "display=slug" spells the slug out; "male/female" surname forms
    ("Kowalski/Kowalska", "Иванов/Иванова=ivanov/ivanova") give the form for `female`."""
    out = []
    for item in text.split("|"):
        display, _, slug = item.partition("=")
        forms = display.split("/")
        slugs = slug.split("/") if slug else [_slug(form) for form in forms]
        out.append((forms[min(female, len(forms) - 1)], slugs[min(female, len(slugs) - 1)]))
    return out


def _group(params: dict[str, object], name: str, groups: list[list[str]], *, index: bool = True) -> None:
    """Flatten per-group lists into one list plus offsets and counts, so SQL picks `name[off[g] + x % cnt[g] + 1]`
    without nested lists (cheaper per row). Lists parallel to another one share its index (`index=False`)."""
    flat: list[str] = []
    offsets, counts = [], []
    for items in groups:
        offsets.append(len(flat))
        counts.append(len(items))
        flat.extend(items)
    params[name] = flat
    if index:  # DuckDB refuses named parameters the query does not use
        params[name + "_off"], params[name + "_cnt"] = offsets, counts


def _wheel(weights: dict[str, int]) -> list[str]:
    return [value for value, weight in weights.items() for _ in range(weight)]


def _params() -> dict[str, object]:
    """The word lists as query parameters: values never enter the SQL text."""
    p: dict[str, object] = {}
    cs = COUNTRIES
    langs = list(LANGS)
    p["wheel"] = [i + 1 for i, c in enumerate(cs) for _ in range(c.weight)]
    for key in ("code", "name", "currency", "entity", "mobile", "taxid", "last_first", "middle_pct"):
        p["c_" + key] = [getattr(c, key) for c in cs]
    p["c_lang"] = [langs.index(c.lang) + 1 for c in cs]
    p["c_doctor"] = [c.prefixes.split("|")[2] for c in cs]
    # Groups by (country, gender): index 2 * country - 1 + gender, gender 0 male / 1 female.
    pairs = [(c, g) for c in cs for g in (0, 1)]
    first = [_words(c.female if g else c.male) for c, g in pairs]
    last = [_words(c.last, bool(g)) for c, g in pairs]
    _group(p, "fn", [[d for d, _ in w] for w in first])
    _group(p, "fn_s", [[s for _, s in w] for w in first])
    _group(p, "ln", [[d for d, _ in w] for w in last])
    _group(p, "ln_s", [[s for _, s in w] for w in last])
    p["prefix"] = [c.prefixes.split("|")[g] for c, g in pairs]
    cities = [[item.split("~") for item in c.cities.split("|")] for c in cs]
    _group(p, "city", [[row[1] for row in rows] for rows in cities])
    for i, key in ((0, "zip"), (2, "state"), (3, "tel")):
        _group(p, key, [[row[i] for row in rows] for rows in cities], index=False)
    _group(p, "city_s", [[row[4] if len(row) > 4 else _slug(row[1]) for row in rows] for rows in cities], index=False)
    companies = [[item.split("~") for item in c.companies.split("|")] for c in cs]
    _group(p, "co", [[pattern for pattern, _ in rows] for rows in companies])
    _group(p, "co_s", [[domain for _, domain in rows] for rows in companies], index=False)
    _group(p, "street", [c.streets.split("|") for c in cs])
    _group(p, "extra", [c.extra.split("|") for c in cs])
    p["billing"] = [LANGS[lang][0] for lang in langs]
    p["attn"] = [LANGS[lang][1] for lang in langs]
    _group(p, "comment", [LANGS[lang][2].split("|") for lang in langs])
    p["custtype"], p["term"] = _wheel(_CUSTTYPES), _wheel(_TERMS)
    p["paymethod"], p["delivery"], p["segment"] = _wheel(_PAYMETHODS), _wheel(_DELIVERY), _wheel(_SEGMENTS)
    return p


# One independent pseudo-random stream per decision, each a function of the customer number only.
# fmt: off
_STREAMS = ("country", "gender", "person", "city", "first", "last", "company", "co_last", "street", "extra", "tel1",
            "tel2", "mobile", "fax", "flags", "custtype", "term", "credit", "pay", "comment", "parent", "created",
            "modified", "invoice", "custom", "middle", "entity", "tax1", "tax2", "contact")
# fmt: on


def _mix(salt: int) -> str:
    """A hash of the customer number i in [0, 2**31): multiply-modulo a prime and xor-shift, every step below
    2**63 so BIGINT never overflows. Our own formula so the demo data cannot change with the DuckDB version."""
    a = f"((i * 1103515245 + {salt * 2654435 + 12345}) % 2147483647)"
    b = f"(({a} * 48271) % 2147483647)"
    c = f"xor({b}, {b} >> 15)"
    d = f"(({c} * 69621) % 2147483647)"
    return f"xor({d}, {d} >> 13)"


def _digits(stream: str) -> str:
    return f"lpad((h_{stream} % 1000000000)::VARCHAR, 9, '0')"


def _pick(name: str, group: str, stream: str) -> str:
    return f"${name}[${name}_off[{group}] + h_{stream} % ${name}_cnt[{group}] + 1]"


def _wheel_pick(name: str, stream: str, div: int = 1) -> str:
    return f"${name}[(h_{stream} // {div}) % len(${name}) + 1]"


_HASHES = ", ".join(f"{_mix(n + 1)} AS h_{s}" for n, s in enumerate(_STREAMS))
_CID = "'C' || lpad(i::VARCHAR, 7, '0')"
_NEW_IDS = f"""SELECT i FROM range(1, $n + 1) t(i)
    WHERE NOT EXISTS (SELECT 1 FROM customers x WHERE x."CUSTOMERID" = {_CID})"""
# The same for one chunk of numbers, $lo to $hi.
_NEW_IDS_IN = _NEW_IDS.replace("range(1, $n + 1)", "range($lo, $hi + 1)")
# Customers are inserted a chunk of numbers at a time, each chunk sorted by number (so the table stays in ID order):
# sorting a million wide rows at once took 1.3 GB; a quarter of a million at a time stays well under 1 GB.
CHUNK = 250_000

# Derived values, layer by layer (each CTE may use the columns of the one before). rn: the row's place among the new
# customers, counted from the chunk's first ($done new customers came before it).
_ROWS = f"""
WITH ids AS (SELECT i, $done + row_number() OVER (ORDER BY i) AS rn FROM ({_NEW_IDS_IN})),
h AS (SELECT i, rn, {_HASHES} FROM ids),
b AS (SELECT *, $wheel[h_country % len($wheel) + 1] AS c, h_gender % 2 AS g, h_person % 100 < 15 AS person,
             {SPAN_SECONDS} AS span, h_created % {SPAN_SECONDS} AS created_s FROM h),
k AS (SELECT *, 2 * c - 1 + g AS q, 2 * c - 1 AS qm, $c_lang[c] AS lang,
             $city_off[c] + h_city % $city_cnt[c] + 1 AS ci, $co_off[c] + h_company % $co_cnt[c] + 1 AS pi,
             CASE WHEN person THEN 'SMB' ELSE {_wheel_pick("segment", "custom")} END AS segment,
             $epoch::TIMESTAMP + to_seconds(created_s) AS created FROM b),
v AS (SELECT *, {_pick("fn", "q", "first")} AS first, {_pick("fn_s", "q", "first")} AS first_s,
             {_pick("ln", "q", "last")} AS last, {_pick("ln_s", "q", "last")} AS last_s,
             {_pick("ln", "qm", "co_last")} AS co_last, {_pick("ln_s", "qm", "co_last")} AS co_last_s,
             CASE segment WHEN 'SMB' THEN (1 + h_credit % 40) * 250 WHEN 'Mid-market' THEN (20 + h_credit % 181) * 500
                  ELSE (50 + h_credit % 451) * 1000 END AS credit0,
             created + to_seconds(CASE WHEN h_modified % 4 = 0 THEN 0 ELSE h_modified // 4 % (span - created_s) END)
                  AS modified,
             date_diff('day', created::DATE, ($epoch::TIMESTAMP + to_seconds(span))::DATE) AS days_left FROM k),
w AS (SELECT *,
             CASE WHEN person THEN NULL ELSE replace(replace($co[pi], '{{L}}', co_last), '{{C}}', $city[ci]) END
                  AS company,
             CASE WHEN person THEN 'mail-' || lower($c_code[c]) || '.example'
                  ELSE replace(replace($co_s[pi], '{{l}}', co_last_s), '{{c}}', $city_s[ci]) || '.example'
                  END AS domain,
             CASE WHEN person THEN (h_credit % 11) * 100 ELSE credit0 END AS credit,
             CASE WHEN person THEN 'Retail' ELSE {_wheel_pick("custtype", "custtype")} END AS ctype,
             h_invoice % 10 < 8 AS invoiced FROM v),
z AS (SELECT *, CASE WHEN person THEN CASE WHEN $c_last_first[c] THEN last || ' ' || first
                ELSE first || ' ' || last END ELSE company END AS name FROM w)
"""

# Field ID -> SQL over the columns of `z`. Fields not listed (other custom fields) take their default.
_VALUES = {
    "CUSTOMERID": _CID,
    "NAME": "name",
    "PRINTAS": "CASE WHEN NOT person AND h_contact % 10 = 0 THEN name || ' – ' || $attn[lang] ELSE name END",
    "STATUS": "CASE WHEN h_flags % 100 < 8 THEN 'inactive' ELSE 'active' END",
    "CUSTTYPE": "ctype",
    # A lower number is always an existing customer (all of 1..n exist after seeding) and never forms a cycle.
    "PARENTID": "CASE WHEN i > 1 AND h_parent % 50 = 0 "
    "THEN 'C' || lpad((1 + h_parent // 50 % (i - 1))::VARCHAR, 7, '0') END",
    "ACCOUNTNO": "$c_code[c] || '-' || lpad((i * 7919 % 10000000)::VARCHAR, 7, '0')",  # unique: 7919 is prime
    "TERMNAME": _wheel_pick("term", "term"),
    "CREDITLIMIT": "credit::DECIMAL(18,2)",
    "CURRENCY": "$c_currency[c]",
    "PAYMETHOD": _wheel_pick("paymethod", "pay"),
    "DELIVERY_OPTIONS": _wheel_pick("delivery", "pay", 100),
    "ONHOLD": "h_flags // 100 % 100 < 3",
    "ONETIME": "h_flags // 10000 % 100 < CASE WHEN person THEN 30 ELSE 2 END",
    "TAXABLE": "CASE WHEN ctype = 'Government' THEN FALSE ELSE h_flags // 1000000 % 100 < 92 END",
    "TAXID": f"CASE WHEN NOT person AND h_tax1 % 20 > 0 THEN "
    f"translate($c_taxid[c], 'abcdefghijkl', {_digits('tax1')} || {_digits('tax2')}) END",
    "COMMENTS": f"CASE WHEN h_comment % 100 < 45 THEN {_pick('comment', 'lang', 'comment')} END",
    "PREFIX": "nullif(CASE WHEN h_middle % 20 = 0 THEN $c_doctor[c] ELSE $prefix[q] END, '')",
    "FIRSTNAME": "first",
    "LASTNAME": "last",
    "INITIAL": "CASE WHEN h_middle // 20 % 100 < $c_middle_pct[c] THEN $fn[$fn_off[q] + (h_first % $fn_cnt[q] + 1 + "
    "h_middle // 2000 % ($fn_cnt[q] - 1)) % $fn_cnt[q] + 1] END",
    "COMPANYNAME": "company",
    "PHONE1": f"translate($tel[ci], 'abcdefghi', {_digits('tel1')})",
    "PHONE2": f"CASE WHEN h_tel2 % 10 < 3 THEN translate($tel[ci], 'abcdefghi', {_digits('tel2')}) END",
    "CELLPHONE": f"CASE WHEN h_mobile % 10 < 7 THEN translate($c_mobile[c], 'abcdefghi', {_digits('mobile')}) END",
    "FAX": f"CASE WHEN NOT person AND h_fax % 10 < 2 THEN translate($tel[ci], 'abcdefghi', {_digits('fax')}) END",
    "EMAIL1": "CASE WHEN h_contact // 10 % 20 > 0 THEN first_s || '.' || last_s || "
    "CASE WHEN person THEN (h_contact // 200 % 100)::VARCHAR ELSE '' END || '@' || domain END",
    "EMAIL2": "CASE WHEN NOT person AND h_contact // 20000 % 2 = 0 THEN $billing[lang] || '@' || domain END",
    "URL1": "CASE WHEN NOT person AND h_contact // 40000 % 10 > 0 THEN 'https://www.' || domain END",
    "ADDRESS1": "replace(replace(" + _pick("street", "c", "street") + ", '{n}', (1 + h_street // 7 % 199)::VARCHAR), "
    "'{m}', (1 + h_street // 1393 % 9)::VARCHAR)",
    "ADDRESS2": f"CASE WHEN h_extra % 4 = 0 THEN {_pick('extra', 'c', 'extra')} END",
    "CITY": "$city[ci]",
    "STATE": "$state[ci]",
    "ZIP": "$zip[ci]",
    "COUNTRY": "$c_name[c]",
    "RECORDNO": "$rec0 + rn - 1",
    "MEGAENTITYID": "CASE WHEN h_entity % 10 = 0 THEN nullif($c_entity[c], '') END",
    "TOTALDUE": "(CASE WHEN invoiced AND h_invoice // 10 % 10 < 6 "
    "THEN credit * (h_invoice // 100 % 9000) / 10000 ELSE 0 END)::DECIMAL(18,2)",
    "LAST_INVOICEDATE": "CASE WHEN invoiced THEN created::DATE + (h_invoice // 1000000 % (days_left + 1))::INTEGER END",
    "WHENCREATED": "created",
    "WHENMODIFIED": "modified",
    "CREATEDBY": "$user",
    "MODIFIEDBY": "$user",
    "SEGMENT": "segment",
    "CONTRACT_START": "CASE WHEN h_custom // 20 % 100 < 85 THEN created::DATE + (h_custom // 2000 % 90)::INTEGER END",
    "VIP": "h_custom // 200000 % 100 < 5",
    "ROWVERSION": "1",
}
# The quick filter's folded text: folded by `search.fill` once every chunk is in (measured on 1,000,000 customers,
# 5.7 -> 9 s for the whole seeding, against 11.8 s when each chunk's INSERT folded its own).
_VALUES["_SEARCH_TEXT"] = "NULL"


def _ensure_fields(store: Store) -> None:
    cat = catalogue(store)
    for fid, ftype, values, required, label, label_fr in DEMO_FIELDS:
        existing = cat.get(fid)
        if existing is None:
            add_field(store, fid, ftype, values=values, required=required, label=label, label_fr=label_fr)
        elif existing.type.value != ftype or not set(values) <= set(existing.values):
            raise InvalidValue(
                _("The store already has a field {field} that does not fit the demo data").format(field=fid),
                _("Add demo customers to a new store (--db PATH)"),
            )


def _ensure_entities(store: Store) -> None:
    have = {e.id for e in list_entities(store)}
    for eid, name in DEMO_ENTITIES:
        if eid not in have:  # an existing entity keeps the name its owner gave it
            add_entity(store, eid, name)


def seed_demo(store: Store, n: int, *, user: User) -> int:
    """Define the demo fields and entities if missing, then add customers C0000001..C{n:07} that do not exist yet.

    Returns how many customers were added (0 when run again with the same n). Only an administrator seeds a store:
    it defines fields and entities as well as customers."""
    user.require_admin(_("add demo customers"))
    if not 0 <= n <= MAX_DEMO:
        raise InvalidValue(
            ngettext("{count} demo customers is out of range", "{count} demo customers is out of range", n).format(
                count=group_digits(n)
            ),
            _("Give a number from 0 to {most}").format(most=group_digits(MAX_DEMO)),
        )
    # One transaction for the fields, the entities and the customers: a demo is added whole or not at all (and
    # the store is opened once, not once per field and entity).
    with store.write() as con:
        inside = InTransaction(store, con)
        _ensure_fields(inside)
        _ensure_entities(inside)
        con.execute("SET enable_progress_bar = false")  # DuckDB would draw its bar over our stdout after 2 s
        cat = load_catalogue(con)
        count = con.execute(f"SELECT count(*) FROM ({_NEW_IDS})", {"n": n}).fetchone()
        k = int(count[0]) if count else 0
        if k == 0:
            return 0
        # Reserve k consecutive record numbers first, then number rows in ID order: nextval() inside a parallel
        # INSERT would hand numbers out in thread order, and the same n must give the same RECORDNOs.
        first = con.execute("SELECT nextval('recordno_seq')").fetchone()
        rec0 = int(first[0]) if first else 1
        if k > 1:
            last = con.execute("SELECT max(nextval('recordno_seq')) FROM range($k)", {"k": k - 1}).fetchone()
            if not last or last[0] != rec0 + k - 1:
                raise Conflict(_("Another program added customers meanwhile"), _("Run the command again"))
        idents = {fid: quote_ident(fid, cat, extra=INTERNAL_COLUMNS) for fid in _VALUES}
        columns = ", ".join(idents.values())
        select = ",\n  ".join(f"{expr} AS {idents[fid]}" for fid, expr in _VALUES.items())
        params = {**_params(), "rec0": rec0, "user": user.name, "epoch": EPOCH}
        insert = f"INSERT INTO customers ({columns})\n{_ROWS}SELECT\n  {select}\nFROM z ORDER BY i"
        done = 0
        for lo in range(1, n + 1, CHUNK):
            added = con.execute(insert, {**params, "lo": lo, "hi": min(n, lo + CHUNK - 1), "done": done}).fetchone()
            done += int(added[0]) if added else 0
        if done != k:
            raise Conflict(_("Another program added customers meanwhile"), _("Run the command again"))
        search.fill(con)  # the new customers' folded texts (see store.search)
    return k
