"""When the operating system refuses the store file, custbook says so (issue 17, item 12): "You may not read
s.duckdb: it belongs to nobody, mode 0600", exit 4, not "damaged ... restore it from a backup".

The command runs as a real process under another identity's rules: as root (CI), the store belongs to nobody and
the command runs without the capabilities that let root ignore file permissions (setpriv); as another user, the
file's mode alone refuses it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def _run_denied(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, CUSTBOOK_USER="alice", CUSTBOOK_BUSY_SECONDS="1")
    command = [sys.executable, "-m", "custbook", "--db", str(db), *args]
    if os.geteuid() == 0:
        command = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", *command]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize(("mode", "args", "verb"), [(0o600, ("history",), "read"), (0o644, ("undo", "B1"), "change")])
def test_a_store_the_system_refuses_is_named_with_its_owner_and_mode(cli, db, write_csv, mode, args, verb):
    assert cli("import", str(write_csv([["CUSTOMERID", "NAME", "PRINTAS"], ["C1", "A", "A"]]))).code == 0
    if os.geteuid() == 0:
        os.chown(db, 65534, 65534)  # nobody
        owner = "nobody"
    else:
        mode = 0o000 if verb == "read" else 0o444
        owner = Path(db).owner()
    os.chmod(db, mode)
    before = db.read_bytes() if os.geteuid() == 0 else None
    run = _run_denied(db, *args)
    assert run.returncode == 4, run
    assert f"You may not {verb} {db}: it belongs to {owner}, mode {mode:04o}" in run.stderr, run.stderr
    assert "damaged" not in run.stderr and "Traceback" not in run.stderr
    if before is not None:
        assert db.read_bytes() == before
