"""The domain: what custbook knows about customers, whatever stores or shows them.

Owns the field catalogue (`catalogue`), the cell rules (`values`, `columns`), the import's stages that need no
store (`table` for what a reader hands over, `headers` for mapping columns, `validate` for parsing), the plan and
its statuses (`plan`), the failed-rows file (`failed_rows`), what a saved view is (`viewdef`: columns, filters,
sort, and the filter syntax), users and their permissions (`users`), the one error hierarchy (`errors`) and the
words said about imports (`wording`).

May import: the standard library only (no duckdb, textual, rich or smtplib, and no other package of custbook).
Checked by the import-linter contracts in pyproject.toml and mypy --strict.
"""
