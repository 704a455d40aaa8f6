"""Opening the store: short-lived DuckDB connections, lock retries, transactions and identifier quoting.

The store is a DuckDB file shared by scripts, workers and open interfaces, so nothing here holds a connection for
the life of a process: each operation opens, works and closes. DuckDB lets one process write a file at a time; a
writer that finds it locked retries for a few seconds, then raises `StoreBusy` (exit code 4).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import ClassVar, TypeVar

import duckdb

from core.errors import StoreBusy, StoreUnreadable, UsageError
from core.filemodes import PRIVATE_UMASK, private_files
from core.i18n import _

_T = TypeVar("_T")

DEFAULT_BUSY_SECONDS = 5.0

# Threads of one process share DuckDB's open database, where two writers would meet as a transaction conflict
# instead of waiting: writers of one process take turns through this lock (other processes wait on the file lock).
_WRITE_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


# Stores whose layout this process has checked (and upgraded if needed), by file identity: path, inode, size and
# modification time. A store is checked when this process first opens it, not on every read and write; a file
# replaced or changed by another program (a restored backup, an older custbook) is a new identity, checked again.
_SCHEMA_CHECKED: set[tuple[str, int, int, int]] = set()


def _identity(path: Path) -> tuple[str, int, int, int] | None:
    try:
        info = path.stat()
        return (str(path.resolve()), info.st_ino, info.st_size, info.st_mtime_ns)
    except OSError:
        return None


def _write_lock(path: Path) -> threading.Lock:
    key = str(path.resolve())
    with _LOCKS_GUARD:
        return _WRITE_LOCKS.setdefault(key, threading.Lock())


def data_version(con: duckdb.DuckDBPyConnection) -> str | None:
    """How many writes the store has committed (None before the first): the same value means the same data."""
    row = con.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()
    return None if row is None else str(row[0])


def _refused_by_system(path: Path, *, writing: bool, error: Exception) -> StoreUnreadable | None:
    """The operating system's refusal in words ("you may not read s.duckdb: it belongs to alice, mode 0600"), or
    None when the files' permissions allow it (then the file itself is the problem). On a DuckDB store the file's
    Unix permissions are the access boundary (README): whoever may write the file may act as any user."""
    text = str(error).lower()
    targets = [path, path.with_name(path.name + ".wal"), path.parent]
    for target, need in ((path, os.R_OK | (os.W_OK if writing else 0)), (path.parent, os.W_OK if writing else 0)):
        if need and target.exists() and not os.access(target, need):
            break
    else:
        if "permission denied" not in text:
            return None
        target = next((t for t in targets if t.exists() and not os.access(t, os.W_OK if writing else os.R_OK)), path)
    owner: str | None = None
    mode: str | None = None
    try:
        info = target.stat()
        try:
            import pwd

            owner = pwd.getpwuid(info.st_uid).pw_name
        except (ImportError, KeyError):
            owner = _("user {number}").format(number=info.st_uid)
        mode = f"{info.st_mode & 0o777:04o}"
    except OSError:
        pass
    folder = target == path.parent
    if owner is None:
        if writing:
            message = _("You may not change the folder of {path}") if folder else _("You may not change {path}")
        else:
            message = _("You may not read the folder of {path}") if folder else _("You may not read {path}")
    elif writing:
        message = (
            _("You may not change the folder of {path}: it belongs to {owner}, mode {mode}")
            if folder
            else _("You may not change {path}: it belongs to {owner}, mode {mode}")
        )
    else:
        message = (
            _("You may not read the folder of {path}: it belongs to {owner}, mode {mode}")
            if folder
            else _("You may not read {path}: it belongs to {owner}, mode {mode}")
        )
    return StoreUnreadable(
        message.format(path=path, owner=owner, mode=mode),
        _("Ask its owner to share it with you (a group and chmod g+rw), or use your own store with --db"),
    )


def _is_lock_error(exc: Exception) -> bool:
    text = str(exc).lower()
    return "lock" in text and ("conflicting" in text or "could not set" in text)


class _Warm:
    """Keeps a store's database open, read-only, in this process for a moment after a read (the customer list while
    the user types or scrolls). Measured on 1,000,000 customers: a quick-filter count and page take 120-190 ms in an
    open database against 210-290 ms when each keystroke opens the file afresh.

    The price is that other programs cannot write meanwhile (DuckDB makes them wait on the file lock), so the
    database is let go LINGER seconds after the last read, and at the latest MAX_HOLD seconds after it was opened,
    then not held again for COOL_DOWN seconds: a script's import waits a few seconds at most, well inside its
    retries. A write from this process lets it go first (`Store.exclusive`)."""

    LINGER = 1.0
    MAX_HOLD = 3.0
    COOL_DOWN = 1.0
    # key -> (the connection keeping the database open, when it was opened, [held until])
    _held: ClassVar[dict[str, tuple[duckdb.DuckDBPyConnection, float, list[float]]]] = {}
    _cool: ClassVar[dict[str, float]] = {}
    _guard = threading.Lock()

    @classmethod
    def touch(cls, path: Path) -> None:
        key, now = str(path.resolve()), time.monotonic()
        with cls._guard:
            held = cls._held.get(key)
            if held is not None:
                held[2][0] = now + cls.LINGER
                return
            if cls._cool.get(key, 0.0) > now:
                return
            try:
                con = duckdb.connect(str(path), read_only=True)
            except duckdb.Error:
                return  # this process is writing it, or it is gone: stay cold
            cls._held[key] = (con, now, [now + cls.LINGER])
        threading.Thread(target=cls._expire, args=(key, con), name="custbook-warm-store", daemon=True).start()

    @classmethod
    def _expire(cls, key: str, con: duckdb.DuckDBPyConnection) -> None:
        while True:
            with cls._guard:
                held = cls._held.get(key)
                if held is None or held[0] is not con:
                    return  # released by a write
                _, opened, until = held
                now = time.monotonic()
                wait = min(until[0], opened + cls.MAX_HOLD) - now
                if wait <= 0:
                    del cls._held[key]
                    cls._cool[key] = now + cls.COOL_DOWN
                    con.close()
                    return
            time.sleep(wait)

    @classmethod
    def release_all(cls) -> None:
        with cls._guard:
            held = list(cls._held.values())
            cls._held.clear()
        for con, _opened, _until in held:
            con.close()

    @classmethod
    def release(cls, path: Path) -> None:
        with cls._guard:
            held = cls._held.pop(str(path.resolve()), None)
            if held is not None:
                held[0].close()


def release_warm() -> None:
    """Let go of every store this process keeps open after warm reads (a command that ends, for instance)."""
    _Warm.release_all()


def _layout_checked(check: Callable[[], _T]) -> _T:
    """`check()` (a look at the store's layout: `store.schema`), with its refusals in the user's language: the
    schema module stays free of today's modules (its steps are frozen), so it raises them in English."""
    from store.schema import NewerStore, NotAStore

    try:
        return check()
    except NotAStore:
        raise StoreUnreadable(
            _("This DuckDB file is not a custbook store"), _("Give the path of a custbook store, or a new file name")
        ) from None
    except NewerStore as exc:
        raise StoreUnreadable(
            _("This store was written by a newer custbook (layout {version}, this program knows {known})").format(
                version=exc.version, known=exc.known
            ),
            _("Upgrade custbook (pip install -U custbook)"),
        ) from None


def bring_up_to_date(con: duckdb.DuckDBPyConnection) -> None:
    """The store's layout migrated to this program's (`store.schema`), then its customers' folded search texts
    folded again if an earlier version folded them by other rules or none (`store.search`): each in one
    transaction, so a failed upgrade leaves the old store as it was. `con`: open for writing, outside a
    transaction."""
    from store import search
    from store.schema import ensure_schema

    _layout_checked(lambda: ensure_schema(con))
    if search.stale(con):
        con.execute("BEGIN TRANSACTION")
        try:
            search.refill(con)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise


class Store:
    """A handle on a store file. Cheap to create; opens the file only inside `read()`/`write()`."""

    def __init__(self, path: str | os.PathLike[str], *, busy_seconds: float | None = None) -> None:
        self.path = Path(path).expanduser()
        if busy_seconds is None:
            busy_seconds = float(os.environ.get("CUSTBOOK_BUSY_SECONDS", DEFAULT_BUSY_SECONDS))
        self.busy_seconds = busy_seconds

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    def _connect(self, *, read_only: bool) -> duckdb.DuckDBPyConnection:
        if self.path.is_dir():
            raise StoreUnreadable(
                _("The store {path} is a folder, not a file").format(path=self.path),
                _("Give the path of a .duckdb file"),
            )
        if self.path.exists() and self.path.stat().st_size == 0:
            # An empty file (from touch or mktemp) holds nothing to lose: treat it as a new store.
            self.path.unlink()
        creating = not self.path.exists()
        if creating:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + self.busy_seconds
        while True:
            try:
                con = duckdb.connect(str(self.path), read_only=read_only and not creating)
                break
            except duckdb.ConnectionException as exc:
                if "different configuration" not in str(exc):
                    raise
                if read_only:
                    # This process already has the file open for writing (a worker thread of the interface):
                    # DuckDB then allows only connections of the same kind, which share that open database.
                    con = duckdb.connect(str(self.path), read_only=False)
                    break
                # A write while this process still has the file open read-only (a page being read in another
                # thread): those reads take milliseconds.
                if time.monotonic() < deadline:
                    time.sleep(0.01)
                    continue
                raise StoreBusy(
                    _("The store {path} is busy with another change").format(path=self.path),
                    _("Try again in a moment"),
                ) from None
            except duckdb.Error as exc:
                if _is_lock_error(exc):
                    if time.monotonic() < deadline:
                        time.sleep(0.05)
                        continue
                    raise StoreBusy(
                        _(
                            "The store {path} is in use by another program (an import, an edit, a backup, or an "
                            "export or interface reading it)"
                        ).format(path=self.path),
                        _("Wait until it has finished, then try again"),
                    ) from None
                refused = _refused_by_system(self.path, writing=not read_only or creating, error=exc)
                if refused is not None:
                    raise refused from None
                raise StoreUnreadable(
                    _("The file {path} is not a custbook store or is damaged").format(path=self.path),
                    _("Check the --db path; restore the store from a backup if it was damaged"),
                ) from None
        # A script or worker must never print DuckDB's progress bar over the user's terminal.
        con.execute("SET enable_progress_bar = false")
        if creating:
            # Customer data is personal data: a new store is for its owner only. (An administrator may open an
            # existing store to a group with chmod; it is then left as it is.)
            try:
                os.chmod(self.path, 0o600)
            except OSError:
                pass
        return con

    def _umask(self) -> int:
        """The umask that gives new companion files (the .wal) the store's mode: 0600 for a new store."""
        try:
            return 0o777 & ~self.path.stat().st_mode | 0o111
        except OSError:
            return PRIVATE_UMASK

    def _checked(self) -> None:
        identity = _identity(self.path)
        if identity is not None:
            _SCHEMA_CHECKED.add(identity)

    @contextmanager
    def read(self, *, warm: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection for reading. The schema is brought up to date first, so callers see the current layout.

        `warm`: keep the store open in this process for a moment after the read (see `_Warm`), so that the next
        read, a keystroke later, finds DuckDB's database and its cache loaded instead of opening the file again."""
        from store import search
        from store.schema import needs_upgrade

        con = self._connect(read_only=True)
        try:
            if _identity(self.path) not in _SCHEMA_CHECKED:
                if _layout_checked(lambda: needs_upgrade(con)) or search.stale(con):
                    con.close()
                    with self.write():
                        pass  # brings the store up to date first (`bring_up_to_date`)
                    con = self._connect(read_only=True)
                self._checked()
            yield con
        finally:
            if warm:
                _Warm.touch(self.path)  # while this connection still holds the database open: no second opening
            con.close()

    @contextmanager
    def exclusive(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """The store opened for writing, outside any transaction: no other program or thread writes meanwhile."""
        lock = _write_lock(self.path)
        if not lock.acquire(timeout=self.busy_seconds):
            raise StoreBusy(
                _("The store {path} is busy with another change").format(path=self.path), _("Try again in a moment")
            )
        _Warm.release(self.path)  # a read-only database held open by this process would refuse the write
        # The .wal DuckDB creates while writing holds customer data: it gets the store's own mode, not the umask's.
        try:
            with private_files(self._umask()):
                con = self._connect(read_only=False)
                try:
                    yield con
                finally:
                    con.close()  # may checkpoint, still under the store's mode
        finally:
            lock.release()

    @contextmanager
    def write(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection inside one transaction: committed when the block ends, rolled back if it raises."""
        with self.exclusive() as con:
            try:
                if _identity(self.path) not in _SCHEMA_CHECKED:
                    bring_up_to_date(con)
                con.execute("BEGIN TRANSACTION")
                try:
                    yield con
                    # Every committed write counts, so readers can tell cheaply that nothing changed (see
                    # `data_version`); counted in the same transaction, so a rolled back write does not count.
                    con.execute(
                        "INSERT INTO meta VALUES ('data_version', '1') ON CONFLICT (key) "
                        "DO UPDATE SET value = CAST(CAST(meta.value AS BIGINT) + 1 AS VARCHAR)"
                    )
                except BaseException:
                    con.execute("ROLLBACK")
                    raise
                con.execute("COMMIT")
            except duckdb.Error as exc:
                if _is_lock_error(exc):
                    raise StoreBusy(
                        _("The store {path} is in use by another program").format(path=self.path), _("Try again")
                    ) from None
                raise
        # Closing the connection checkpoints the file (a new identity): this process wrote it with today's layout.
        self._checked()


class InTransaction(Store):
    """The store seen from inside one open write transaction: every module function it is passed to reads and
    writes through that transaction's connection instead of opening its own, so their writes commit or roll back
    together (the unit of work of `store.duck`, the demo's fields, entities and customers)."""

    def __init__(self, store: Store, con: duckdb.DuckDBPyConnection) -> None:
        super().__init__(store.path, busy_seconds=store.busy_seconds)
        self._con = con

    @contextmanager
    def read(self, *, warm: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        yield self._con  # already open, inside the transaction: nothing to keep warm

    @contextmanager
    def write(self) -> Iterator[duckdb.DuckDBPyConnection]:
        yield self._con

    @contextmanager
    def exclusive(self) -> Iterator[duckdb.DuckDBPyConnection]:
        raise UsageError(_("A backup cannot be taken inside another change"), _("Take it on its own"))
        yield self._con  # unreachable: keeps this a generator
