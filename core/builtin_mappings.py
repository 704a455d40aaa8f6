"""The column mappings custbook ships, by name, and the detection that tells which one a file fits best: what the
unknown-columns message names ("The file looks like it comes from Google Contacts") and the interface preselects.

The mappings themselves (one per product whose real exports are in ../shared/realworld/, written from those files'
real headers, with the rules they follow) are data, in `core.builtin_mapping_data`. What they know of a column's name
also feeds the suggestions for unknown columns (`known_fields`, used by core.suggest and core.header_row). Pure.
"""

from __future__ import annotations

from functools import cache

from core.builtin_mapping_data import BUILTIN_MAPPINGS as BUILTIN_MAPPINGS
from core.catalogue import Catalogue, normalise_name
from core.mapping import ColumnMapping, header_key


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


@cache
def _left_out() -> frozenset[str]:
    """Header keys that a built-in mapping leaves out and none imports ("E-mail 1 - Type", "Balance")."""
    out = {header_key(h) for m in BUILTIN_MAPPINGS for h, fields in m.columns if not fields}
    return frozenset(out - set(_known()))


def known_left_out(header: str) -> bool:
    """True when the products custbook knows write this column and it is not customer data for custbook."""
    return header_key(header) in _left_out()


def _names(mapping: ColumnMapping) -> set[str]:
    return {header_key(h) for h, _ in mapping.columns} | {header_key(h) for _, hs in mapping.joins for h in hs}


@cache
def _common() -> frozenset[str]:
    """Header keys any list may have: custbook's own field names and the common words of other products' headers
    ("Name", "Email", "Phone", "Website"). They fit several products, so they alone never name one."""
    from core.suggest import SYNONYMS

    own = {normalise_name(name) for field in Catalogue.standard().fields for name in field.names}
    return frozenset(own | set(SYNONYMS))


def detect(header: tuple[str, ...]) -> ColumnMapping | None:
    """The built-in mapping that fits a file's header best, or None when none clearly does: one whose columns make
    up most of the file's header, with at least two of them (or all of a short header), one of which is the
    product's own ("E-mail 1 - Value", "parent_id/id", "BILLINGPOSTALCODE"): a list headed "Company, Email, Phone,
    Website" is no product's export, though Invoice Ninja's has three of those columns. The best is the one naming
    the largest share of the header; on a tie, the one with more of the product's own columns, then the first."""
    keys = [normalise_name(h) for h in header if h.strip()]
    if not keys:
        return None
    common = _common()
    best: tuple[float, int, ColumnMapping] | None = None
    for mapping in BUILTIN_MAPPINGS:
        names = _names(mapping)
        hits = [k for k in keys if k in names]
        own = sum(1 for k in hits if k not in common)
        score = len(hits) / len(keys)
        if len(hits) < min(2, len(keys)) or not own or score < 0.5:
            continue
        if best is None or (score, own) > best[:2]:
            best = (score, own, mapping)
    return best[2] if best else None
