"""Live notices of other people's changes on a PostgreSQL store: LISTEN on the channel every committed batch
notifies (a trigger on `batches`, see `store.pg_roles.ensure_policies`).

The interface keeps one `PgChangeWatch` open while its list shows: `wait(timeout)` returns how many customers
other programs changed since the last call (0 when none), counting each customer once however many batches touched
it. A batch written by this process (its application_name, `store.pg_db.application_name`) is the user's own and is
not counted. The watch holds its own connection, outside the pool: LISTEN belongs to one session.

May import: core, store.sql, store.pg_db.
"""

from __future__ import annotations

import json

import psycopg

from store.pg_db import application_name, refusal

CHANNEL = "custbook_changes"


class PgChangeWatch:
    """One listening connection to a PostgreSQL store (see the module's docstring)."""

    def __init__(self, url: str) -> None:
        self._url = url
        try:
            self._con = psycopg.connect(url, autocommit=True, application_name=application_name() + "-watch")
        except psycopg.Error as exc:
            raise refusal(exc, url) from None
        self._con.execute(f"LISTEN {CHANNEL}")
        self._mine = application_name()

    def wait(self, timeout: float) -> int:
        """Customers changed by other programs since the last call, waiting up to `timeout` seconds for the first
        notice (then taking the others already there)."""
        batches: set[int] = set()
        for notice in self._con.notifies(timeout=timeout, stop_after=1):
            batches.update(self._theirs(notice.payload))
        for notice in self._con.notifies(timeout=0.05):  # the rest of a burst, without waiting for more
            batches.update(self._theirs(notice.payload))
        if not batches:
            return 0
        # Only the customers this role may see (the row-level policy on customers applies to this join): changes
        # in an entity the user may not see are not theirs to refresh for.
        row = self._con.execute(
            'SELECT count(DISTINCT ch.customerid) FROM changes ch JOIN customers c ON c."CUSTOMERID" = ch.customerid '
            "WHERE ch.batch = ANY(%s)",
            [sorted(batches)],
        ).fetchone()
        return int(row[0]) if row else 0

    def _theirs(self, payload: str) -> list[int]:
        try:
            data = json.loads(payload)
            return [] if data.get("app") == self._mine else [int(data["batch"])]
        except (ValueError, KeyError, TypeError):
            return []

    def close(self) -> None:
        self._con.close()
