"""The Textual interface: one screen per module under `screens/` (its .tcss beside it), widgets under `widgets/`.

Screens call the services in thread workers that post messages; they never run SQL and never import duckdb.

May import: services, the store's interface (`store.base`, `store.records`, `store.opening`), formats and core;
textual and rich. Never cli.
"""
