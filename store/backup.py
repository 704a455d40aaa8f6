"""`custbook backup PATH`: a consistent copy of the store, taken while it is in use.

The copy is the store file itself, taken while this process holds the store for writing (so no import, edit or
job can change it meanwhile) and after a CHECKPOINT (so everything committed is in the file, none of it only in the
.wal). It is written beside the target under a temporary name, opened and counted to prove it is a readable store,
and only then renamed into place: an interrupted backup never replaces a good one. The copy holds every customer,
user, view and job, so it is created for its owner only, like the store, and only an administrator takes one.
Restoring is copying the file back (or opening it with --db).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb

from core.errors import StoreUnreadable, UsageError
from core.i18n import _
from core.outfiles import locked_part
from core.users import User
from store.db import Store, bring_up_to_date
from store.records import Backup
from store.schema import SCHEMA_VERSION

COPY_CHUNK = 1 << 20


def backup(store: Store, target: str | os.PathLike[str], *, user: User) -> Backup:
    user.require_admin(_("back up the store (it holds every customer, user and job)"))
    path = Path(target).expanduser()
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise UsageError(
            _("The folder {folder} does not exist").format(folder=folder),
            _("Create it or choose another backup file name"),
        )
    if path.exists() and path.resolve() == store.path.resolve():
        raise UsageError(_("The backup cannot replace the store itself"), _("Give another file name for the backup"))
    refuse_replacing_other_files(path)
    if not store.path.exists():
        raise StoreUnreadable(_("There is no store at {path}").format(path=store.path), _("Check the --db path"))
    fd, tmp = locked_part(folder, path.name)  # 0600, like the store; a killed backup's is swept by the next write
    try:
        with os.fdopen(fd, "wb") as out:
            with store.exclusive() as con:
                # Schema first (an old store is upgraded, so the copy opens in this version), then everything
                # committed goes from the .wal into the file.
                bring_up_to_date(con)
                con.execute("CHECKPOINT")
                with open(store.path, "rb") as src:
                    shutil.copyfileobj(src, out, COPY_CHUNK)
            out.flush()
            os.fsync(out.fileno())
        customers = _check(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return Backup(path, customers, path.stat().st_size)


def refuse_replacing_other_files(path: Path) -> None:
    """A backup may replace an earlier backup (a custbook store), never another file: `custbook backup notes.txt`
    used to overwrite the notes. A DuckDB file is recognised by its header ("DUCK" at byte 8), then opened
    read-only to see custbook's tables."""
    if not path.exists() or path.is_dir():
        return  # nothing there; a folder is refused where the name is read
    try:
        with open(path, "rb") as handle:
            is_store = handle.read(12)[8:12] == b"DUCK"
        if is_store:
            con = duckdb.connect(str(path), read_only=True)
            try:
                row = con.execute(
                    "SELECT count(*) FROM information_schema.tables WHERE table_name IN ('meta', 'customers')"
                ).fetchone()
                is_store = bool(row and row[0] == 2)
            finally:
                con.close()
    except (OSError, duckdb.Error):
        is_store = False
    if not is_store:
        raise UsageError(
            _("{path} exists and is not a custbook store: a backup replaces only an earlier backup").format(path=path),
            _("Give a new file name for the backup, or move that file away first"),
        )


def _check(copy: Path) -> int:
    """Open the copy as DuckDB would on a restore: it must be a store of this version; returns its customers."""
    try:
        con = duckdb.connect(str(copy), read_only=True)
    except duckdb.Error as exc:
        raise StoreUnreadable(
            _("The backup copy could not be opened ({problem})").format(problem=exc), _("Try again; check the disk")
        ) from None
    try:
        version = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if not version or int(version[0]) != SCHEMA_VERSION:
            raise StoreUnreadable(_("The backup copy is not a complete store"), _("Try again; check the disk"))
        row = con.execute("SELECT count(*) FROM customers").fetchone()
        return int(row[0]) if row else 0
    finally:
        con.close()
        # Opening read-only leaves no .wal, but a stray one beside the temporary copy must not survive it.
        Path(str(copy) + ".wal").unlink(missing_ok=True)
