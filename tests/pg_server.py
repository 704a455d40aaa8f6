"""A real PostgreSQL server for the tests: the one `.ci/run` started (its URL in $CUSTBOOK_TEST_PG), else a
throwaway cluster this test process starts itself from the distribution's binaries, on 127.0.0.1 and a free port,
stopped when the tests end. No mock: the PostgreSQL store is tested against the server it will meet.

As root (CI), the server runs as the `postgres` system user (it refuses root), through runuser. Connections from
127.0.0.1 need a password (scram-sha-256), so that a wrong password is refused as on a real server; the
superuser's is `custbook-test`.

Also a script: `python tests/pg_server.py start DIR` starts a cluster in DIR and prints its URL (`.ci/run`), and
`python tests/pg_server.py stop DIR` stops it.
"""

from __future__ import annotations

import atexit
import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

SUPERUSER = "postgres"
PASSWORD = "custbook-test"


def _bin(name: str) -> str:
    found = shutil.which(name)
    if found and name != "initdb":  # /usr/bin's pg_ctlcluster wrappers lack initdb; the versioned folder has all
        return found
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name))
    for folder in reversed(versions):
        if os.path.exists(os.path.join(folder, name)):
            return os.path.join(folder, name)
    if found:
        return found
    raise RuntimeError(
        f"PostgreSQL's {name} was not found: install the distribution's postgresql package (.ci/run does)"
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_server_user(cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


def start(folder: Path) -> str:
    """Start a new cluster in `folder` (created); its superuser URL."""
    folder.mkdir(parents=True, exist_ok=True)
    data = folder / "data"
    pwfile = folder / "pw"
    pwfile.write_text(PASSWORD + "\n")
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
        shutil.chown(pwfile, "postgres")
    initdb = [_bin("initdb"), "-D", str(data), "-U", SUPERUSER, "--pwfile", str(pwfile), "-A", "scram-sha-256"]
    initdb += ["--auth-local", "trust", "-E", "UTF8", "--locale", "C.UTF-8", "--no-sync"]
    subprocess.run(_as_server_user(initdb), check=True, capture_output=True)
    port = _free_port()
    options = f"-h 127.0.0.1 -p {port} -k {folder} -c fsync=off -c synchronous_commit=off -c max_connections=200"
    subprocess.run(
        _as_server_user([_bin("pg_ctl"), "-D", str(data), "-o", options, "-l", str(folder / "log"), "-w", "start"]),
        check=True,
        capture_output=True,
    )
    (folder / "port").write_text(str(port))
    return f"postgresql://{SUPERUSER}:{PASSWORD}@127.0.0.1:{port}/postgres"


def stop(folder: Path) -> None:
    data = folder / "data"
    if data.exists():
        subprocess.run(
            _as_server_user([_bin("pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]), capture_output=True
        )
    shutil.rmtree(folder, ignore_errors=True)


_SERVER: list[str] = []


def server_url() -> str:
    """The superuser URL of the tests' server (started at the first call when $CUSTBOOK_TEST_PG is not set)."""
    if not _SERVER:
        given = os.environ.get("CUSTBOOK_TEST_PG")
        if given:
            _SERVER.append(given)
        else:
            folder = Path(tempfile.mkdtemp(prefix="custbook-pg-"))
            os.chmod(folder, 0o755)
            atexit.register(stop, folder)
            _SERVER.append(start(folder))
    return _SERVER[0]


def with_database(url: str, database: str) -> str:
    head, _sep, _old = url.rpartition("/")
    return f"{head}/{database}"


def new_database() -> str:
    """A new, empty database on the tests' server (no custbook store in it yet); its superuser URL."""
    import psycopg

    name = "t_" + uuid.uuid4().hex[:16]
    with psycopg.connect(server_url(), autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
    return with_database(server_url(), name)


def drop_database(url: str) -> None:
    import psycopg

    name = url.rpartition("/")[2]
    for _attempt in range(3):
        try:
            with psycopg.connect(server_url(), autocommit=True) as con:
                con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        except psycopg.Error:
            time.sleep(0.2)


if __name__ == "__main__":
    verb, where = sys.argv[1], Path(sys.argv[2])
    if verb == "start":
        print(start(where))
    else:
        stop(where)
