"""What the import screen hands its worker: the request (the file and the options as the user chose them), a file
through the column-mapping step (`Mapped`), and reading the boxes whose text needs it: the e-mail addresses (with
the file name they would put in a message) and the most rows.

Headless: `tui/screens/import_screen.py` reads its widgets on the interface thread, builds the request from them,
says why one is not complete, and passes it to its worker; the worker reads and plans the file with
`request.options`, through `services.imports`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from core.i18n import _
from core.plan import ImportOptions, Policy
from core.table import RawTable
from core.values import DateFormat
from services.mail import check_header_text, parse_addresses
from services.mapping_step import MappingProposal

# Spaces people type between thousands (the French no-break ones among them), left out of a number of rows.
_GROUPING = str.maketrans("", "", ", \u00a0\u202f")


@dataclass(frozen=True)
class ImportRequest:
    """What the user chose, read from the form on the interface thread and handed to the worker."""

    path: Path
    date_format: DateFormat
    encoding: str
    policy: Policy
    offline: bool
    emails: tuple[str, ...]
    max_rows: int

    @property
    def options(self) -> ImportOptions:
        return ImportOptions(
            date_format=self.date_format, encoding=self.encoding, policy=self.policy, max_rows=self.max_rows
        )


@dataclass(frozen=True)
class Mapped:
    """A file through the column-mapping step: the table as read, and the user's choices (the header row among
    them: the proposal's table is what is planned)."""

    raw: RawTable
    proposal: MappingProposal


def addresses(path: Path, typed: str, offline: bool) -> tuple[str, ...]:
    """The e-mail addresses typed (none when the box is blank). Raises InvalidValue for one that is not an address,
    or for a file name that cannot go into a message (the job's, or the results' e-mail)."""
    emails = parse_addresses(typed) if typed.strip() else ()
    if offline or emails:
        check_header_text(path.name, _("The file name"))
    return emails


def most_rows(typed: str) -> int | None:
    """The Most rows box as a number of rows, its thousands separators left out; None when it is not one."""
    most = typed.translate(_GROUPING)
    if not most.isdigit() or int(most) <= 0:
        return None
    return int(most)
