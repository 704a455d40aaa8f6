"""Store-wide settings that administrators set (`custbook settings`): the `settings` table (layout 7).

Owns reading and writing the rows; which keys exist, what their values mean and their defaults belong to
`services.settings`, which hands this module canonical text (a number of rows, a number of bytes). A setting never
set has no row. Writing one is an administrator's act, checked here as well as in the service, as for users.
"""

from __future__ import annotations

from core.i18n import _
from core.users import User
from store.sql import Database


def read_settings(store: Database) -> dict[str, str]:
    """Key -> value as stored, for the settings an administrator set."""
    with store.read() as con:
        return dict(con.execute("SELECT key, value FROM settings ORDER BY key").fetchall())


def write_setting(store: Database, key: str, value: str, *, by: User) -> None:
    """Set one setting to `value` (canonical text), recording who changed it and when."""
    by.require_admin(_("change the store's settings"))
    with store.write() as con:
        con.execute(
            "INSERT INTO settings (key, value, changed_by, changed) VALUES (?, ?, ?, now()::TIMESTAMP) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value, changed_by = excluded.changed_by, "
            "changed = excluded.changed",
            [key, value, by.name],
        )
