"""File formats: a package per format, reading bytes into a `core.table.RawTable` or writing an `ExportTable`.

Owns the readers (`reader` chooses between `csv.reader` and `xlsx.reader` from the content), the kinds of file
recognised by their first bytes (`filekinds`), and the writers behind one registry (`writer`): `csv.plain`,
`csv.for_import`, `xlsx.writer`, `docx.writer`, `pdf.writer`. Each module loads only when its format is asked for
(a CSV export never pays for fpdf2). A writer only writes: choosing rows and columns is the export service's.

May import: core. Never store, services or the front ends; never duckdb, textual, rich or smtplib.
"""
