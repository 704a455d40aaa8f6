"""The README's set-up of a team store on PostgreSQL, run as written against a real server (tests/pg_server.py):
every shell line of its section's ```sh blocks, in order, in one bash, with only the server's address changed
(`localhost` -> the test server's 127.0.0.1:PORT; the administrator's commands reach it through PGHOST, PGPORT,
PGUSER and PGPASSWORD, as `sudo -u postgres -i` would on the server itself). The systemd unit is shown, not run."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pg_server
import psycopg

README = Path(__file__).resolve().parent.parent / "README.md"


def _section_commands() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text.split("## A store for a team (PostgreSQL)", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, flags=re.S)
    return [line.strip() for block in blocks for line in block.splitlines() if line.strip()]


def test_the_readme_team_setup_runs_as_written(tmp_path: Path) -> None:
    server = urlsplit(pg_server.server_url())
    commands = _section_commands()
    assert commands[0].startswith("createuser") and any(c.startswith("custbook init") for c in commands)
    with psycopg.connect(pg_server.server_url(), autocommit=True) as con:  # a second run starts afresh
        con.execute("DROP DATABASE IF EXISTS sales WITH (FORCE)")
        for role in (
            "tom",
            "claire",
            "custbook_sales_admin",
            "custbook_sales_users",
            "custbook_sales_roles",
            "custbook_owner",
        ):
            if con.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone():
                con.execute(f'DROP OWNED BY "{role}" CASCADE')
                con.execute(f'DROP ROLE "{role}"')
    address = f"{server.hostname}:{server.port}"
    script = "set -e\n" + "\n".join(c.replace("@localhost/", f"@{address}/") for c in commands) + "\n"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    # `custbook` as installed by pip: this interpreter's entry point (the venv's bin may not be on the PATH).
    (bin_dir / "custbook").write_text(f'#!/bin/sh\nexec {sys.executable} -m custbook "$@"\n')
    (bin_dir / "custbook").chmod(0o755)
    pg_bin = Path(pg_server._bin("createuser")).parent
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("CUSTBOOK_", "PG"))},
        "PATH": f"{bin_dir}:{pg_bin}:{os.environ.get('PATH', '')}",
        "PGHOST": str(server.hostname),
        "PGPORT": str(server.port),
        "PGUSER": str(server.username),
        "PGPASSWORD": str(server.password or ""),
        "PGDATABASE": "postgres",
        "CUSTBOOK_LANG": "en",
    }
    assert shutil.which("bash")
    done = subprocess.run(["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr}"
    # What the README promises: the users and their rights, tom's export holding the top level and EU only.
    assert re.search(r"^claire\s+business\s+list,add,edit$", done.stdout, flags=re.M)
    assert re.search(r"^tom\s+employee\s+list\s+entities EU$", done.stdout, flags=re.M)
    assert (tmp_path / "customers.csv").exists()
    with psycopg.connect(pg_server.with_database(pg_server.server_url(), "sales"), autocommit=True) as con:
        admins = con.execute("SELECT pg_has_role('claire', 'custbook_sales_admin', 'MEMBER')").fetchone()
        assert admins == (True,)
