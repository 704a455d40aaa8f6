"""Persistence: the DuckDB store. Every SQL string of custbook lives here.

Owns opening the store (`db`: short connections, lock retries, transactions, identifier quoting), the schema and
its frozen migrations (`schema`), and the tables behind narrow functions: customers and queries (`customers`,
`query`, `narrowing`), the import's facts and write (`diff`, `staging`, `apply`), batches and undo (`history`),
views (`views`), users, entities, custom fields, jobs (`jobs`, `job_worker`), backups and demo data. Values always
go to SQL as parameters; field IDs are checked against the catalogue and quoted by `db.quote_ident`.

May import: core. Never formats, services or the front ends; never textual, rich or smtplib.
"""
