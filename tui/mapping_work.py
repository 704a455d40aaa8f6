"""The column-mapping step's work in its worker threads: reading the file again from the header row the user chose
(`services.mapping_step`), listing the mappings the user may use and saving the choices as a mapping
(`services.mappings`).

Touches no widget and posts nothing: `tui.screens.import_mapping`'s workers post what these return, or the
`CustbookError` they raise, to the screen.
"""

from __future__ import annotations

from dataclasses import replace

from core.mapping import ColumnMapping
from core.table import RawTable
from services.mapping_step import MappingProposal, propose
from services.mappings import MappingEntry, list_mappings, save_mapping
from tui.session import Session


def reheader(session: Session, raw: RawTable, number: int) -> MappingProposal:
    """The step for `raw` with its column names on row `number`."""
    proposal = propose(session.store, raw, user=session.user, header_row=number, always=True)
    assert proposal is not None  # always: the step is already shown
    return proposal


def mappings(session: Session) -> list[MappingEntry]:
    """Every mapping the session's user may use (built in, their own, other users' public ones)."""
    return list_mappings(session.store, user=session.user)


def save_as(session: Session, name: str, mapping: ColumnMapping, *, public: bool) -> str:
    """Save `mapping` as the user's own under `name` (shared with other users when `public`). Returns the name it
    was saved under."""
    saved = save_mapping(session.store, replace(mapping, name=name), user=session.user, public=public)
    return saved.name or name
