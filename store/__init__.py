"""Persistence: the store. Every SQL string of custbook lives here.

Above this package, a store is only its interface: `base` (the repositories — customers, history and batches,
views, column mappings, users, entities, fields, jobs — and the unit of work, as protocols), `records` (what they
return) and `opening.open_store` (which store a location names). The import-linter contract "store-interface-only"
keeps the services and the front ends to those three, so a second database (PostgreSQL) is added beside DuckDB
without touching them.

The DuckDB store: `duck` (the repositories over the modules below, and the unit of work), `db` (short
connections, lock retries, transactions, identifier quoting), `schema` (frozen migrations), and one module per set
of tables: customers and queries (`customers`, `query`, `narrowing`), the import's facts and write (`diff`,
`staging`, `apply`), batches and undo (`history`), `views`, saved column `mappings`, `users`, `entities`, custom
`fields`, jobs (`jobs`, `job_worker`), `backup` and `demo`. Values always go to SQL as parameters; field IDs are
checked against the catalogue and quoted by `db.quote_ident`.

May import: core. Never formats, services or the front ends; never textual, rich or smtplib.
"""
