"""Issue 6, promise 6: files at rest. A new store and its write-ahead log are for their owner only; exports follow
the user's umask; `custbook backup PATH` writes a consistent copy while the store is in use, and restoring it
gives the same export."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from csv_files import csv_bytes

from store.duck import DuckStore as Store

CUSTBOOK = [sys.executable, "-m", "custbook"]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def run(db: Path, *args: str, umask: int | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CUSTBOOK_USER": "alice", "CUSTBOOK_BUSY_SECONDS": "30"}
    # The umask is set in the child only: this test process's own umask is left alone.
    preexec = (lambda: os.umask(umask)) if umask is not None else None
    done = subprocess.run(
        [*CUSTBOOK, "--db", str(db), *args], env=env, capture_output=True, text=True, preexec_fn=preexec, timeout=120
    )
    if check:
        assert done.returncode == 0, done.stderr
    return done


def _write_keeping_the_log(db: Path) -> Path:
    """A committed write whose .wal stays on disk (no checkpoint when the connection closes), as after a crash."""
    with Store(db).write() as con:
        con.execute("PRAGMA disable_checkpoint_on_shutdown")
        con.execute("CREATE TABLE scratch AS SELECT range AS n FROM range(5000)")
    wal = db.with_name(db.name + ".wal")
    assert wal.exists()
    return wal


def test_a_new_store_and_its_log_are_for_their_owner_only_even_under_an_open_umask(tmp_path):
    old = os.umask(0)  # the most open umask: without care, DuckDB's files would be 0666
    try:
        db = tmp_path / "store.duckdb"
        wal = _write_keeping_the_log(db)
        assert (mode(db), mode(wal)) == (0o600, 0o600)
    finally:
        os.umask(old)


def test_a_store_an_administrator_opened_to_a_group_keeps_that_mode_and_so_does_its_log(tmp_path):
    db = tmp_path / "shared.duckdb"
    with Store(db).write():
        pass
    os.chmod(db, 0o660)
    wal = _write_keeping_the_log(db)
    assert (mode(db), mode(wal)) == (0o660, 0o660)


@pytest.mark.slow  # a longer journey: in the full run (README); quicker tests of it stay in the loop
def test_exports_follow_the_users_umask_and_the_store_and_backup_stay_private(tmp_path):
    db = tmp_path / "store.duckdb"
    run(db, "init", "--demo", "20", umask=0o027)
    run(db, "export", "-o", str(tmp_path / "list.xlsx"), umask=0o027)
    run(db, "export", "--format", "import-csv", "-o", str(tmp_path / "list.csv"), umask=0o002)
    run(db, "backup", str(tmp_path / "copy.duckdb"), umask=0o000)
    assert mode(db) == 0o600
    assert mode(tmp_path / "list.xlsx") == 0o640
    assert mode(tmp_path / "list.csv") == 0o664
    assert mode(tmp_path / "copy.duckdb") == 0o600
    assert not list(tmp_path.glob(".*.part"))  # no temporary file left behind


def _export(db: Path) -> str:
    return run(db, "export", "--format", "import-csv").stdout


@pytest.mark.slow
def test_backup_is_consistent_while_an_import_runs_and_restores_to_the_same_export(tmp_path):
    db = tmp_path / "store.duckdb"
    run(db, "init", "--demo", "3000")
    rows = [["CUSTOMERID", "CITY", "COMMENTS"]]
    rows += [[f"C{n:07d}", "Backup City", f"during the backup {n}"] for n in range(1, 3001)]
    rows += [[f"NEW{n:05d}", "", ""] for n in range(1, 501)]  # 500 new: failing rows (no name), the rest applies
    big = tmp_path / "big.csv"
    big.write_bytes(csv_bytes(rows))
    before = _export(db)
    outcomes = []
    for attempt, delay in enumerate((0.0, 0.3, 0.6, 1.2)):
        env = {**os.environ, "CUSTBOOK_USER": "alice", "CUSTBOOK_BUSY_SECONDS": "30"}
        importer = subprocess.Popen(
            [*CUSTBOOK, "--db", str(db), "import", str(big)], env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        time.sleep(delay)
        copy = tmp_path / f"backup{attempt}.duckdb"
        run(db, "backup", str(copy))
        _, err = importer.communicate(timeout=120)
        assert importer.returncode == 1, err  # the 500 nameless rows fail; the updates apply
        after = _export(db)
        saved = _export(copy)
        # The copy is the store before the import or after it, never a mixture.
        assert saved in (before, after)
        outcomes.append("before" if saved == before else "after")
        # Restoring: the copy becomes the store again, and the store exports what the copy did.
        shutil.copyfile(copy, db)
        db.with_name(db.name + ".wal").unlink(missing_ok=True)
        assert _export(db) == saved
        before = saved
    print(f"backups taken during an import: {outcomes}")


def test_backup_needs_an_administrator_and_refuses_to_overwrite_the_store(tmp_path):
    db = tmp_path / "store.duckdb"
    run(db, "init")
    run(db, "users", "add", "bob", "--perms", "list,add,edit", "--type", "employee")
    as_bob = subprocess.run(
        [*CUSTBOOK, "--db", str(db), "--user", "bob", "backup", str(tmp_path / "b.duckdb")],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert as_bob.returncode == 3 and "bob may not back up the store" in as_bob.stderr
    assert not (tmp_path / "b.duckdb").exists()
    onto_itself = run(db, "backup", str(db), check=False)
    assert onto_itself.returncode == 2 and "cannot replace the store itself" in onto_itself.stderr


@pytest.mark.parametrize("name", ["missing-folder/b.duckdb"])
def test_backup_to_a_missing_folder_says_so(tmp_path, name):
    db = tmp_path / "store.duckdb"
    run(db, "init")
    done = run(db, "backup", str(tmp_path / name), check=False)
    assert done.returncode == 2 and "does not exist" in done.stderr and "Traceback" not in done.stderr
