"""File formats: one module per format, reading bytes into a `core.table.RawTable` or writing an `ExportTable`.

Owns the readers (`reader` chooses between `csv_reader` and `xlsx_reader` from the content), the kinds of file
recognised by their first bytes (`filekinds`), and the writers behind one registry (`writer`): `csv_plain`,
`csv_import`, `xlsx_writer`, `docx_writer`, `pdf_writer`. A writer only writes: choosing rows and columns is the
export service's.

May import: core. Never store, services or the front ends; never duckdb, textual, rich or smtplib.
"""
