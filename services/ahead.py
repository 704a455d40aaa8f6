"""Reading ahead for an import (issue 13): the stored rows of the file's customers, fetched while the file is read.

The plan's fast path compares each row of the file with its stored customer written as text; on a big store that
reading is the longest wait of a dry run, and it could start only once the file was read. `read_ahead` starts it as
soon as the file is named: the store's thread peeks at the file's first rows (formats.reader.peek_csv), maps its
columns as the plan will, and asks for the customers of the ID column (store.ahead reads the IDs itself). The plan
uses what was read only if it still holds (the same fields and options, the store not written since); otherwise
it reads as before. A CSV file in UTF-8 whose IDs come from one column; workbooks, other encodings, generated IDs
and --match are planned without it.

May import core, formats and the store's interface; used by services.imports (the command line, the interface).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from core.catalogue import Catalogue
from core.cells import FieldCells
from core.header_row import locate_header
from core.headers import map_columns
from core.plan import ImportOptions
from core.values import ParseOptions
from formats.reader import UTF8_LABELS, peek_csv
from store.records import AheadQuery

if TYPE_CHECKING:
    from store.base import CustomerStore, ReadAhead


def read_ahead(store: CustomerStore, path: Path, options: ImportOptions) -> ReadAhead | None:
    """Start reading ahead the stored rows of the file at `path` for an import with `options` (None: not for this
    file or store). The caller closes it before writing the store."""
    if options.keys.any:
        return None  # IDs generated or matched: not a column of the file

    def choose(catalogue: Catalogue) -> AheadQuery | None:
        head = peek_csv(path, encoding=options.encoding)
        if head is None or head.encoding not in UTF8_LABELS or head.delimiter is None:
            return None
        table, _notes = locate_header(head, catalogue, options.mapping, options.header_row)
        headers = map_columns(table, catalogue, options.mapping, ignore_unknown=options.ignore_unknown)
        cells = FieldCells(table, headers)
        if not cells.fields or cells.fields[0] != "CUSTOMERID" or len(cells.sources[0]) != 1:
            return None
        return AheadQuery(
            path=path,
            delimiter=head.delimiter,
            id_column=cells.sources[0][0],
            fields=tuple(cells.fields[j] for j in cells.text_fields),
            options=ParseOptions.for_file(options.date_format, head.delimiter),
        )

    return store.customers.read_ahead(choose)
