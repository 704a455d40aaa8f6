"""A hostile workbook written part by part with zipfile: a small sheet and a shared-strings table of millions of
tiny strings, compressed (a few megabytes hold tens of millions). openpyxl loads the whole table before reading a
single row, so such a file took 3.0 GB (issue 17, item 5). Used by test_xlsx_strings.py and, by hand, for the
figures in FIGURES_HOSTILE.md:

    .venv/bin/python tests/reliability/shared_strings.py /tmp/sst.xlsx 19000000 [WIDTH]
    /usr/bin/time -v .venv/bin/custbook --db /tmp/s.duckdb import /tmp/sst.xlsx --dry-run
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"

CONTENT_TYPES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_CT}.worksheet+xml"/>
<Override PartName="/{{strings}}" ContentType="{_CT}.sharedStrings+xml"/>
</Types>"""
ROOT_RELS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{_PKG}"><Relationship Id="rId1" Target="xl/workbook.xml"
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/></Relationships>"""
WORKBOOK = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets><sheet name="Customers" sheetId="1" r:id="rId1"/></sheets>
</workbook>"""
WORKBOOK_RELS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{_PKG}">
<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="/{{strings}}"/>
</Relationships>"""


def _sheet(rows: int) -> str:
    """CUSTOMERID, NAME, PRINTAS, every cell a shared string (0..2 the header, then three per row)."""
    lines = []
    for r in range(rows + 1):
        cells = "".join(f'<c r="{col}{r + 1}" t="s"><v>{r * 3 + i}</v></c>' for i, col in enumerate("ABC"))
        lines.append(f'<row r="{r + 1}">{cells}</row>')
    head = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_MAIN}">'
    return f"{head}<sheetData>{''.join(lines)}</sheetData></worksheet>"


def _strings(count: int, rows: int, distinct: bool, prefix: str, width: int) -> bytes:
    head = ["CUSTOMERID", "NAME", "PRINTAS"]
    for r in range(rows):
        head += [f"C{r:04}", f"Name {r}", f"Name {r}"]
    tag = f"{prefix}:" if prefix else ""
    ns = f' xmlns:{prefix}="{_MAIN}"' if prefix else f' xmlns="{_MAIN}"'
    out = [f'<?xml version="1.0" encoding="UTF-8"?><{tag}sst{ns} count="{count}" uniqueCount="{count}">'.encode()]
    out += [f"<{tag}si><{tag}t>{text}</{tag}t></{tag}si>".encode() for text in head]
    filler = count - len(head)
    chunk = 100_000
    for start in range(0, filler, chunk):
        n = min(chunk, filler - start)
        if distinct:  # every string its own, as a file made to hurt would have them
            texts = (format(start + i, "x").rjust(width, "-") for i in range(n))
            out.append("".join(f"<{tag}si><{tag}t>{t}</{tag}t></{tag}si>" for t in texts).encode())
        else:
            out.append(f"<{tag}si><{tag}t>x</{tag}t></{tag}si>".encode() * n)
    out.append(f"</{tag}sst>".encode())
    return b"".join(out)


def write_workbook(
    path: Path,
    strings: int,
    *,
    rows: int = 2,
    distinct: bool = False,
    prefix: str = "",
    part: str = "xl/sharedStrings.xml",
    width: int = 1,
    extra: dict[str, bytes] | None = None,
) -> Path:
    """A workbook of `rows` customers whose shared-strings table (at `part`, its tags with namespace `prefix`)
    holds `strings` strings in all (distinct ones at least `width` characters long); `extra`: more parts, by name."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES.replace("{strings}", part))
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.replace("{strings}", part))
        archive.writestr("xl/worksheets/sheet1.xml", _sheet(rows))
        archive.writestr(part, _strings(strings, rows, distinct, prefix, width))
        for extra_name, extra_data in (extra or {}).items():
            archive.writestr(extra_name, extra_data)
    return path


if __name__ == "__main__":
    width = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    made = write_workbook(Path(sys.argv[1]), int(sys.argv[2]), distinct=True, width=width)
    print(f"{made}: {made.stat().st_size:,} bytes")
