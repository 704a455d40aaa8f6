"""Identity and permissions on a PostgreSQL store are the database's own: each permission proved with psql itself,
not only through custbook, and the server's refusals said in one sentence with the contract's exit codes."""

from __future__ import annotations

import os
import subprocess
import uuid
from urllib.parse import urlsplit

import pg_server
import psycopg
import pytest

from cli.main import main
from store.opening import let_go_all

PASSWORD = "role-pw-1"


def _as(url: str, role: str, password: str = PASSWORD) -> str:
    parts = urlsplit(url)
    return f"postgresql://{role}:{password}@{parts.hostname}:{parts.port}{parts.path}"


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(args))
    let_go_all()
    out = capsys.readouterr()
    return code, out.out, out.err


def _psql(url: str, sql: str) -> subprocess.CompletedProcess[str]:
    parts = urlsplit(url)
    env = {**os.environ, "PGPASSWORD": parts.password or ""}
    cmd = ["psql", "-h", str(parts.hostname), "-p", str(parts.port), "-U", str(parts.username)]
    cmd += ["-d", parts.path.lstrip("/"), "-v", "ON_ERROR_STOP=1", "-At", "-c", sql]
    return subprocess.run(cmd, env=env, capture_output=True, text=True)


@pytest.fixture
def roles(pg_db: str) -> dict[str, str]:
    """Three roles (list only; list+add; list+edit) added by the store's first user, each able to log in."""
    tag = uuid.uuid4().hex[:8]
    names = {"viewer": f"viewer_{tag}", "adder": f"adder_{tag}", "editor": f"editor_{tag}"}
    perms = {"viewer": "list", "adder": "list,add", "editor": "list,edit"}
    assert main(["--db", pg_db, "users", "list"]) == 0  # the superuser becomes the store's first user
    for key, role in names.items():
        assert main(["--db", pg_db, "users", "add", role, "--type", "employee", "--perms", perms[key]]) == 0
    with psycopg.connect(pg_db, autocommit=True) as con:
        for role in names.values():
            con.execute(f"ALTER ROLE \"{role}\" LOGIN PASSWORD '{PASSWORD}'")
    return names


# psql saying it is custbook, past the guard that keeps customers' writes in custbook (see the test after this one):
# what is left to refuse is the database's own grants.
AS_CUSTBOOK = "SET custbook.client = on; "


def test_each_permission_is_the_databases_own_grant(pg_db: str, roles: dict[str, str]) -> None:
    insert = AS_CUSTBOOK + """INSERT INTO customers ("CUSTOMERID", "RECORDNO") VALUES ('P1', 999)"""
    viewer, adder, editor = (_as(pg_db, roles[k]) for k in ("viewer", "adder", "editor"))
    assert _psql(viewer, "SELECT count(*) FROM customers").stdout.strip() == "0"
    refused = _psql(viewer, insert)
    assert refused.returncode != 0 and "permission denied" in refused.stderr
    assert _psql(adder, insert).returncode == 0
    refused = _psql(adder, AS_CUSTBOOK + """UPDATE customers SET "NAME" = 'x'""")
    assert refused.returncode != 0 and "permission denied" in refused.stderr
    edit = AS_CUSTBOOK + """UPDATE customers SET "NAME" = 'Edited' WHERE "CUSTOMERID" = 'P1'"""
    assert _psql(editor, edit).returncode == 0
    assert _psql(viewer, """SELECT "NAME" FROM customers""").stdout.strip() == "Edited"


def test_customers_change_through_custbook_not_behind_its_back(
    pg_db: str, roles: dict[str, str], tmp_path, capsys
) -> None:
    """A user with Edit fixing a name with psql would leave no batch: no history, no undo, nobody told. The store
    refuses it, in words that say where to do it; custbook's own writes, by the same role, go through."""
    editor = _as(pg_db, roles["editor"])
    path = tmp_path / "one.csv"
    path.write_text("CUSTOMERID,NAME,PRINTAS\nP2,Pat,Pat\n", encoding="utf-8")
    code, _out, err = _run(capsys, "--db", pg_db, "import", str(path))
    assert code == 0, err + _out
    for sql in (
        """UPDATE customers SET "NAME" = 'Quick fix' WHERE "CUSTOMERID" = 'P2'""",
        """DELETE FROM customers WHERE "CUSTOMERID" = 'P2'""",
    ):
        refused = _psql(editor if sql.startswith("UPDATE") else pg_db, sql)
        assert refused.returncode != 0, sql
        assert "customers change through custbook" in refused.stderr and "custbook import" in refused.stderr
    assert _psql(editor, """SELECT "NAME" FROM customers WHERE "CUSTOMERID" = 'P2'""").stdout.strip() == "Pat"
    path.write_text("CUSTOMERID,NAME,PRINTAS\nP2,Pat Lee,Pat\n", encoding="utf-8")
    code, _out, err = _run(capsys, "--db", editor, "import", str(path))
    assert code == 0, err
    assert _psql(editor, """SELECT "NAME" FROM customers WHERE "CUSTOMERID" = 'P2'""").stdout.strip() == "Pat Lee"


def test_custbook_reads_the_grants_psql_changed(pg_db: str, roles: dict[str, str], capsys) -> None:
    viewer = _as(pg_db, roles["viewer"])
    code, out, _err = _run(capsys, "--db", viewer, "users", "list")
    assert code == 0 and f"{roles['viewer']}" in out
    line = next(row for row in out.splitlines() if row.startswith(roles["viewer"]))
    assert line.split()[-1] == "list"
    # The server's administrator grants Edit with psql: custbook sees it at once, as psql does.
    with psycopg.connect(pg_db, autocommit=True) as con:
        con.execute(f'GRANT UPDATE ON customers TO "{roles["viewer"]}"')
    code, out, _err = _run(capsys, "--db", viewer, "users", "list")
    line = next(row for row in out.splitlines() if row.startswith(roles["viewer"]))
    assert line.split()[-1] == "list,edit"


def test_a_user_without_add_cannot_import(pg_db: str, roles: dict[str, str], tmp_path, capsys) -> None:
    path = tmp_path / "new.csv"
    path.write_text("CUSTOMERID,NAME\nN1,New one\n", encoding="utf-8")
    code, _out, err = _run(capsys, "--db", _as(pg_db, roles["viewer"]), "import", str(path))
    assert code == 3 and "Add" in err and "Traceback" not in err


def test_naming_another_role_is_refused(pg_db: str, roles: dict[str, str], capsys) -> None:
    code, _out, err = _run(capsys, "--db", _as(pg_db, roles["viewer"]), "--user", roles["editor"], "users", "list")
    assert code == 3
    assert roles["viewer"] in err and roles["editor"] in err


def test_only_administrators_manage_users_and_they_are_the_admin_roles_members(
    pg_db: str, roles: dict[str, str], capsys
) -> None:
    code, _out, _err = _run(capsys, "--db", _as(pg_db, roles["editor"]), "users", "add", "someone", "--perms", "list")
    assert code == 3
    boss = f"boss_{uuid.uuid4().hex[:8]}"
    assert main(["--db", pg_db, "users", "add", boss, "--type", "business", "--perms", "list,add,edit"]) == 0
    database = urlsplit(pg_db).path.lstrip("/")
    member = _psql(pg_db, f"SELECT pg_has_role('{boss}', 'custbook_{database}_admin', 'MEMBER')")
    assert member.stdout.strip() == "t"
    viewer = _psql(pg_db, f"SELECT pg_has_role('{roles['viewer']}', 'custbook_{database}_admin', 'MEMBER')")
    assert viewer.stdout.strip() == "f"


def test_a_wrong_password_is_refused_with_exit_3(pg_db: str, roles: dict[str, str], capsys) -> None:
    code, _out, err = _run(capsys, "--db", _as(pg_db, roles["viewer"], "not-the-password"), "users", "list")
    assert code == 3 and "password" in err and "Traceback" not in err
    assert "not-the-password" not in err  # the URL's password is never printed


def test_an_unreachable_server_or_a_database_that_is_no_store_exits_4(pg_url: str, capsys) -> None:
    parts = urlsplit(pg_url)
    gone = f"postgresql://{parts.username}:{parts.password}@127.0.0.1:{pg_server._free_port()}/x"
    code, _out, err = _run(capsys, "--db", gone, "users", "list")
    assert code == 4 and "cannot be reached" in err
    code, _out, err = _run(capsys, "--db", pg_url, "export")  # an empty database: only init makes a store
    assert code == 4 and "init" in err
    with psycopg.connect(pg_url, autocommit=True) as con:
        con.execute("CREATE TABLE invoices (id int)")
    code, _out, err = _run(capsys, "--db", pg_url, "init")
    assert code == 4 and "not a custbook store" in err
    missing = pg_server.with_database(pg_url, "no_such_database_here")
    code, _out, err = _run(capsys, "--db", missing, "users", "list")
    assert code == 4 and "no database" in err


def test_a_user_with_add_only_imports_new_customers(pg_db: str, roles: dict[str, str], tmp_path, capsys) -> None:
    path = tmp_path / "new.csv"
    path.write_text("CUSTOMERID,NAME,PRINTAS,CITY\nN1,New one,New one,Köln\n", encoding="utf-8")
    code, _out, err = _run(capsys, "--db", _as(pg_db, roles["adder"]), "import", str(path))
    assert code == 0, err
    # Its search text was folded too: the quick filter's column holds "koln".
    assert (
        _psql(pg_db, """SELECT "_SEARCH_TEXT" LIKE '%koln%' FROM customers WHERE "CUSTOMERID" = 'N1'""").stdout.strip()
        == "t"
    )


def test_an_administrator_without_createrole_of_their_own_adds_users(pg_db: str, capsys) -> None:
    """Administrators act through the store's admin role: their own role need not create roles."""
    boss, helper = (f"{who}_{uuid.uuid4().hex[:8]}" for who in ("boss", "helper"))
    assert main(["--db", pg_db, "users", "list"]) == 0
    assert main(["--db", pg_db, "users", "add", boss, "--type", "business", "--perms", "list,add,edit"]) == 0
    with psycopg.connect(pg_db, autocommit=True) as con:
        con.execute(f"ALTER ROLE \"{boss}\" LOGIN PASSWORD '{PASSWORD}' NOCREATEROLE")
    code, _out, err = _run(
        capsys, "--db", _as(pg_db, boss), "users", "add", helper, "--type", "employee", "--perms", "list"
    )
    assert code == 0, err
    code, _out, err = _run(capsys, "--db", _as(pg_db, boss), "users", "remove", helper)
    assert code == 0, err


def test_a_role_that_is_no_user_of_the_store_is_told_so(pg_db: str, roles: dict[str, str], capsys) -> None:
    """Not "this database is not a store yet: run init" (which it would then be refused): exit 3, who to ask."""
    stranger = f"stranger_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(pg_db, autocommit=True) as con:
        con.execute(f"CREATE ROLE \"{stranger}\" LOGIN PASSWORD '{PASSWORD}'")
    code, _out, err = _run(capsys, "--db", _as(pg_db, stranger), "users", "list")
    assert code == 3 and f"The role {stranger} is not a user of this store" in err
    assert main(["--db", pg_db, "users", "remove", roles["viewer"]]) == 0
    code, _out, err = _run(capsys, "--db", _as(pg_db, roles["viewer"]), "export")
    assert code == 3 and f"The role {roles['viewer']} is not a user of this store" in err


def test_psql_cannot_forge_jobs_history_or_other_peoples_rows(pg_db: str, roles: dict[str, str], capsys) -> None:
    """A newcomer's review queued a job under the owner's name with psql (the worker applied it as the owner) and
    rewrote the history: each table lets a role write its own rows only (administrators all of them)."""
    editor = _as(pg_db, roles["editor"])
    assert main(["--db", pg_db, "views", "save", "owners", "--columns", "CUSTOMERID,NAME"]) == 0
    path_ok = _psql(editor, "SELECT count(*) FROM views").stdout.strip()
    assert path_ok == "0"  # another user's private view is not even seen
    forged = _psql(
        editor,
        "INSERT INTO jobs (id, state, file_name, file_bytes, options, user_name, emails, created) VALUES "
        "(nextval('job_seq'), 'queued', 'x.csv', '\\x41', '{}', 'postgres', '{}', now())",
    )
    assert forged.returncode != 0 and "row-level security" in forged.stderr
    own = _psql(
        editor,
        "INSERT INTO jobs (id, state, file_name, file_bytes, options, user_name, emails, created) VALUES "
        f"(nextval('job_seq'), 'queued', 'x.csv', '\\x41', '{{}}', '{roles['editor']}', '{{}}', now())",
    )
    assert own.returncode == 0, own.stderr  # queueing one's own job is what `import --offline` does
    for sql in (
        "DELETE FROM changes",
        "UPDATE batches SET user_name = 'someone'",
        "DELETE FROM batches",
        "UPDATE jobs SET user_name = 'postgres'",
    ):
        refused = _psql(editor, sql)
        assert refused.returncode != 0 and "permission denied" in refused.stderr, sql
    assert _psql(editor, "UPDATE users SET language = 'fr' WHERE name = 'postgres'").stdout.strip() == "UPDATE 0"
    assert _psql(pg_db, "SELECT coalesce(language, '-') FROM users WHERE name = 'postgres'").stdout.strip() == "-"


def test_a_role_without_list_reads_no_history_with_psql(pg_db: str, roles: dict[str, str], tmp_path, capsys) -> None:
    """The history holds the customers' values: a role that may not SELECT customers (no List) read them all from
    `changes` with psql, while custbook refused it the history."""
    path = tmp_path / "one.csv"
    path.write_text("CUSTOMERID,NAME,PRINTAS\nS1,Secret name,S\n", encoding="utf-8")
    assert main(["--db", pg_db, "import", str(path)]) == 0
    blind = f"blind_{uuid.uuid4().hex[:8]}"
    assert main(["--db", pg_db, "users", "add", blind, "--type", "employee", "--perms", "add,edit"]) == 0
    with psycopg.connect(pg_db, autocommit=True) as con:
        con.execute(f"ALTER ROLE \"{blind}\" LOGIN PASSWORD '{PASSWORD}'")
    code, _out, err = _run(capsys, "--db", _as(pg_db, blind), "history", "S1")
    assert code == 3 and "List permission" in err
    assert _psql(_as(pg_db, blind), "SELECT count(*) FROM changes").stdout.strip() == "0"
    assert _psql(_as(pg_db, roles["viewer"]), "SELECT count(*) FROM changes").stdout.strip() != "0"  # List: it may


def test_importing_without_list_is_refused_in_words_that_say_why(pg_db: str, tmp_path, capsys) -> None:
    """A role with Edit but not List may not read the customers, which an import's plan and an undo read (on a
    DuckDB file custbook hides the values instead): refused in one sentence naming the permission, not in the
    server's words."""
    editor = f"editonly_{uuid.uuid4().hex[:8]}"
    assert main(["--db", pg_db, "users", "add", editor, "--type", "employee", "--perms", "edit"]) == 0
    with psycopg.connect(pg_db, autocommit=True) as con:
        con.execute(f"ALTER ROLE \"{editor}\" LOGIN PASSWORD '{PASSWORD}'")
    path = tmp_path / "one.csv"
    path.write_text("CUSTOMERID,NAME,PRINTAS\nE1,Eve,Eve\n", encoding="utf-8")
    code, _out, err = _run(capsys, "--db", _as(pg_db, editor), "import", str(path), "--dry-run")
    assert code == 3 and "importing and undoing need the List permission" in err and "Traceback" not in err, err
    assert _run(capsys, "--db", pg_db, "import", str(path))[0] == 0  # B1, by the store's administrator
    code, _out, err = _run(capsys, "--db", _as(pg_db, editor), "undo", "B1")
    assert code == 3 and "List permission" in err, err
