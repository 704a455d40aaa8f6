"""Exporting customers (a view, or all of them) in any registered format, once for `custbook export` and the
interface's export dialog.

Owns the export workflow: who may export, which columns a format gets (the view's or every field; importable ones
only, CUSTOMERID first, for formats made to be imported again; the list's columns for a document of the whole
list), the filters described for a document's title, the one `ExportTable` every writer is fed, where the file may
go (`services.outputs`: never onto the open store or its log), and writing it to a file (a temporary name renamed
into place) or streaming it, with progress for a screen that wants to show it and be able to stop it.

The rows come from `store.export`, which runs the view's query and streams them; `formats/` writes them. May import
`core/`, `formats/`, `store/` and other services; never textual, rich or the command line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from core.catalogue import LIST_COLUMNS, Catalogue, Field
from core.errors import UsageError
from core.i18n import _, group_digits
from core.table import configured_max_rows
from core.users import Permission, User
from core.values import DateFormat, Value
from core.viewdef import View
from formats.writer import ExportTable, Writer, write_file
from services.outputs import check_output
from store.records import builtin_view

if TYPE_CHECKING:  # the store's interface is for the type checker: a one-shot command need not load it
    from store.base import CustomerStore

CHECK_EVERY = 250  # rows between two progress reports (each one a chance for the caller to stop the export)


@dataclass(frozen=True)
class ExportOutcome:
    """What an export wrote: the format's name, how many customers, the file (None when streamed) and the note of
    what the file could not hold as it was (the PDF's font lacks some letters...), else None."""

    format: str
    rows: int
    path: Path | None = None
    note: str | None = None


def require_export(user: User) -> None:
    """PermissionDenied unless `user` may export: an export shows customers' values, so it needs List."""
    user.require(Permission.LIST, _("export customers"))


def check_target(store: CustomerStore, target: Path) -> None:
    """UsageError (exit 2, nothing written) when `target` is the open store or its write-ahead log: an export
    written there would replace every customer with a spreadsheet."""
    check_output(target, what=_("the export"), store_files=store.files)


def export_columns(catalogue: Catalogue, wanted: Sequence[str], writer: Writer) -> tuple[Field, ...]:
    """The columns `writer` gets for a view whose columns are `wanted` (empty: every field)."""
    if not wanted and writer.document:
        # Forty-odd columns on one landscape page are unreadable: a document of the whole list shows the list's.
        wanted = LIST_COLUMNS
    fields = [catalogue[f] for f in wanted] if wanted else list(catalogue.fields)
    if writer.importable_only:
        if not wanted:
            fields = list(catalogue.importable)
        fields = [f for f in fields if f.importable and f.id != "CUSTOMERID"]
        fields.insert(0, catalogue["CUSTOMERID"])
    return tuple(fields)


def export_table(
    store: CustomerStore,
    *,
    user: User,
    writer: Writer,
    view: View | None = None,
    entity: str | None = None,
    date_format: DateFormat = DateFormat.DMY_SLASH,
) -> ExportTable:
    """The view's customers (default: all of them), in its sort order, as one table for the writer. Its rows
    stream from the store (CSV: the store stays open until they are read, or the table is dropped unread) or from
    a private copy made at once (the other formats: the store is free while the file renders)."""
    require_export(user)
    view = view or builtin_view()
    # A CSV streams as fast as the store reads; a workbook, a document or a PDF takes seconds to render: for those
    # the store is let go before rendering, so other people's imports and edits do not wait (issue 17).
    detached = writer.extension != ".csv"
    got = store.customers.export_rows(
        user=user, view=view, entity=entity, date_format=date_format, detached=detached,
        columns=lambda catalogue: export_columns(catalogue, view.columns, writer),
    )  # fmt: skip
    filters = tuple(f.describe(got.catalogue) for f in view.filters)
    if view.include_entities:
        filters += (_("Entity records included"),)
    if entity:
        filters += (_("Entity {entity}").format(entity=entity),)
    return ExportTable(
        title=view.name,
        columns=got.columns,
        rows=got.rows,
        row_count=got.row_count,
        filters=filters,
        sort=sort_words(view, got.catalogue),
        date_format=date_format,
    )


def sort_words(view: View, catalogue: Catalogue) -> str:
    """The view's order as the documents say it: 'Sorted by Credit limit (descending), then Name' ('' unsorted)."""
    keys = []
    for k in view.sort:
        label = catalogue[k.field].shown_label if k.field in catalogue else k.field
        keys.append(_("{field} (descending)").format(field=label) if k.descending else label)
    if not keys:
        return ""
    return _("Sorted by {fields}").format(fields=_(", then ").join(keys))


def export_file(
    store: CustomerStore,
    target: Path,
    *,
    user: User,
    writer: Writer,
    view: View | None = None,
    entity: str | None = None,
    date_format: DateFormat = DateFormat.DMY_SLASH,
    started: Callable[[int], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> ExportOutcome:
    """Export to the file `target`, written under a temporary name and renamed into place (a failed or stopped
    export leaves no file). `started` is told the number of customers before the first is written; `progress`
    the number written so far, every CHECK_EVERY rows and after the last, before the file is put in place: an
    exception raised there stops the export and removes the temporary file."""
    require_export(user)
    check_target(store, target)
    table = export_table(store, user=user, writer=writer, view=view, entity=entity, date_format=date_format)
    if started is not None:
        started(table.row_count)
    if progress is not None:
        table = replace(table, rows=_watched(table.rows, progress))
    written = write_file(table, writer, target, progress)
    return ExportOutcome(writer.name, table.row_count, written.path, _with_limit(writer, table.row_count, written.note))


def export_stream(
    store: CustomerStore,
    out: BinaryIO,
    *,
    user: User,
    writer: Writer,
    view: View | None = None,
    entity: str | None = None,
    date_format: DateFormat = DateFormat.DMY_SLASH,
) -> ExportOutcome:
    """Export to the byte stream `out` (standard output). Only the CSV formats: a workbook, a document or a PDF
    is a file to open, not text for a pipe."""
    require_export(user)
    if writer.extension != ".csv":
        raise UsageError(
            _("The {format} format needs a file name").format(format=writer.name),
            _("Add -o customers{extension}").format(extension=writer.extension),
        )
    table = export_table(store, user=user, writer=writer, view=view, entity=entity, date_format=date_format)
    note = writer.write(table, out)
    return ExportOutcome(writer.name, table.row_count, None, _with_limit(writer, table.row_count, note))


def _with_limit(writer: Writer, rows: int, note: str | None) -> str | None:
    """The writer's note, plus one when the file holds more customers than an import reads at once: a CSV or
    workbook of a large store is imported back only with the limit raised, and the user hears it now, not then."""
    limit = configured_max_rows()
    if writer.extension not in (".csv", ".xlsx") or rows <= limit:
        return note
    # Said after an export from the command line and from the interface alike: both ways to raise the limit, the
    # interface's option by the name its import screen shows.
    words = {"count": group_digits(rows), "limit": group_digits(limit), "rows": rows, "option": _("Most rows")}
    if note:
        more = _(
            "the file holds {count} customers, more than an import reads at once ({limit}): import it back with "
            "--max-rows {rows} (in the interface: {option} at {count}; or the CUSTBOOK_MAX_ROWS setting)"
        )
        return _("{note}; {more}").format(note=note, more=more.format(**words))
    return _(
        "The file holds {count} customers, more than an import reads at once ({limit}): import it back with "
        "--max-rows {rows} (in the interface: {option} at {count}; or the CUSTBOOK_MAX_ROWS setting)"
    ).format(**words)


def _watched(rows: Iterable[tuple[Value, ...]], progress: Callable[[int], None]) -> Iterator[tuple[Value, ...]]:
    """The table's rows, reporting progress every CHECK_EVERY rows and once more after the last, before the writer
    can finish and rename the file into place (so that a stop asked at the very end still leaves no file)."""
    done = 0
    try:
        for row in rows:
            yield row
            done += 1
            if done % CHECK_EVERY == 0:
                progress(done)
        progress(done)
    finally:
        close = getattr(rows, "close", None)
        if close is not None:
            close()  # a generator over the store: releases its connection at once
