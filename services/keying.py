"""Customer IDs for rows without one, in the plan's reading of the store: the cells the rules of `core.keys` need
(each row's ID cell and match cell, through the file's mapping), and the store's answers (`store.base.PlanReader`).

May import core and the store's interface; used by `services.planning`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.catalogue import Catalogue, FieldType
from core.cells import FieldCells
from core.errors import FileRejected
from core.headers import HeaderMap
from core.i18n import _
from core.keys import KeyOptions, RowKeys, match_key, numbering, row_keys
from core.table import RawTable

if TYPE_CHECKING:
    from store.base import PlanReader

# Fields a customer can be found by: text as the filters compare it. Numbers, dates and checkboxes are not keys.
_MATCHABLE = (FieldType.TEXT, FieldType.EMAIL, FieldType.ENUM, FieldType.REF)


def match_field(name: str, catalogue: Catalogue) -> str:
    """The field --match names (ID or label), or FileRejected saying why it cannot find customers."""
    field = catalogue.get(name.strip().upper()) or catalogue.lookup(name)
    if field is None:
        raise FileRejected(
            _("--match names a field '{name}' that does not exist").format(name=name.strip()[:60]),
            _("Give a field ID such as EMAIL1 or TAXID (see `custbook fields list`)"),
        )
    if field.type not in _MATCHABLE or field.id == "CUSTOMERID":
        raise FileRejected(
            _("--match {field}: customers are found by a text field, not by {label}").format(
                field=field.id, label=field.shown_label
            ),
            _("Use a field such as EMAIL1, TAXID or ACCOUNTNO"),
        )
    return field.id


def find_keys(
    table: RawTable, headers: HeaderMap, catalogue: Catalogue, options: KeyOptions, finder: PlanReader
) -> RowKeys:
    """Every row's Customer ID (core.keys.row_keys) with what the store says about the rows that have none."""
    # The cells as the parser reads them (core.cells: joined columns joined, a failed-rows file's apostrophes off).
    cells = FieldCells(table, headers)
    at = {fid: j for j, fid in enumerate(cells.fields)}
    id_cells = cells.column(0)
    match_cells = None
    matches: dict[str, list[str]] = {}
    label = ""
    fid = None
    if options.match is not None:
        fid = match_field(options.match, catalogue)
        if fid not in at:
            raise FileRejected(
                _("--match {field}: the file has no column for {label}").format(
                    field=fid, label=catalogue[fid].shown_label
                ),
                _("Map a column to it, or match by another field"),
            )
        label = catalogue[fid].shown_label
        match_cells = cells.column(at[fid])
        wanted = [match_key(c) for i, c in enumerate(match_cells) if not id_cells[i].strip() and c.strip()]
        matches = finder.matching(fid, wanted)
    make = numbering(*finder.id_patterns(), options.prefix) if options.generate else None
    numbers = [r.number for r in table.rows]
    keyed = KeyOptions(options.generate, options.prefix, fid)
    return row_keys(numbers, id_cells, match_cells, matches, keyed, make, label)
