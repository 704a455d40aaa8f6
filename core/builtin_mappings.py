"""The column mappings custbook ships: one per product whose real exports are in ../shared/realworld/, written from
those files' real headers, and the detection that tells which one a file fits best.

A built-in mapping names what it imports and leaves every other column out (`others_ignored`: products add columns
between versions, and a contact export has eighty of them). Each one feeds NAME and PRINTAS, which every new customer
needs: from the company when the product has one, else from the person's names joined. The products' own record IDs
(Salesforce's 001x..., Zoho's 2520018..., Odoo's external IDs) are not customer IDs and are left out: a migration
numbers customers with --generate-ids and finds them again with --match. Pure data and two small functions.
"""

from __future__ import annotations

from functools import cache

from core.catalogue import normalise_name
from core.mapping import SKIP, ColumnMapping, header_key


def _m(name: str, product: str, columns: dict[str, str], joins: dict[str, str] | None = None) -> ColumnMapping:
    """A mapping written compactly: {"Header": "FIELD+FIELD" or "-"}, joins {"FIELD": "Header+Header"}."""
    return ColumnMapping(
        name=name,
        product=product,
        columns=tuple((h, () if f == SKIP else tuple(f.split("+"))) for h, f in columns.items()),
        joins=tuple((f, tuple(h.split("+"))) for f, h in (joins or {}).items()),
        others_ignored=True,
    )


BUILTIN_MAPPINGS: tuple[ColumnMapping, ...] = (
    _m(
        "outlook",
        "Outlook contacts",
        {
            "Company": "NAME+PRINTAS",
            "First Name": "FIRSTNAME",
            "Middle Name": "INITIAL",
            "Last Name": "LASTNAME",
            "Title": "PREFIX",
            "E-mail Address": "EMAIL1",
            "E-mail 2 Address": "EMAIL2",
            "E-mail 3 Address": SKIP,
            "Business Phone": "PHONE1",
            "Business Phone 2": "PHONE2",
            "Mobile Phone": "CELLPHONE",
            "Business Fax": "FAX",
            "Business Street": "ADDRESS1",
            "Business Street 2": "ADDRESS2",
            "Business City": "CITY",
            "Business State": "STATE",
            "Business Postal Code": "ZIP",
            "Business Country/Region": "COUNTRY",
            "Web Page": "URL1",
            "Notes": "COMMENTS",
        },
    ),
)


def builtin(name: str) -> ColumnMapping | None:
    """The built-in mapping of that name (case does not matter), or None."""
    wanted = name.strip().casefold()
    return next((m for m in BUILTIN_MAPPINGS if (m.name or "").casefold() == wanted), None)


@cache
def _known() -> dict[str, tuple[str, ...]]:
    """Header key -> the fields the built-in mappings send it to (the first mapping that imports it)."""
    out: dict[str, tuple[str, ...]] = {}
    for mapping in BUILTIN_MAPPINGS:
        for header, fields in mapping.columns:
            if fields:
                out.setdefault(header_key(header), fields)
        for field, headers in mapping.joins:
            for header in headers:
                out.setdefault(header_key(header), (field,))
    return out


def known_fields(header: str) -> tuple[str, ...]:
    """What the built-in mappings know a column of this name to be (field IDs), or ()."""
    return _known().get(header_key(header), ())


def _names(mapping: ColumnMapping) -> set[str]:
    return {header_key(h) for h, _ in mapping.columns} | {header_key(h) for _, hs in mapping.joins for h in hs}


def detect(header: tuple[str, ...]) -> ColumnMapping | None:
    """The built-in mapping that fits a file's header best, or None when none clearly does: one whose columns make
    up most of the file's header, with at least two of them (or all of a short header)."""
    keys = [normalise_name(h) for h in header if h.strip()]
    if not keys:
        return None
    best: tuple[float, ColumnMapping] | None = None
    for mapping in BUILTIN_MAPPINGS:
        names = _names(mapping)
        hits = sum(1 for k in keys if k in names)
        if hits < min(2, len(keys)):
            continue
        score = hits / len(keys)
        if score >= 0.5 and (best is None or score > best[0]):
            best = (score, mapping)
    return best[1] if best else None
