"""Many people at once on one PostgreSQL store (issue 15, "What it must show"): ten real processes at the same
time, six `custbook import` processes (two files each, one after the other) and four "edit" processes saving
single customers through services.edit (as the interface's form does), all as the store's admin role.

Each import file changes customers of its own (CITY); three importers touch only those, and every one of their
files must commit; the three others also change customers every one of them changes (COMMENTS), and the edits
change those shared customers (PHONE2, COMMENTS) and these importers' own customers (PHONE2). Imports touching the
same customers must commit after planning again, or be refused with the stale plan's sentence (exit 4); an edit
whose customer moved since it was read is refused (Conflict). Writers wait for the write lock as long as needed
(CUSTBOOK_BUSY_SECONDS), so that no other refusal hides one. Then:
- every write that reported a commit has its batch, and every refused write was reported and has none;
- no lost update: the history, batch by batch, is a serial story: each change's old value is the value the
  customer held after the batches before it (the last earlier batch changing that field, else the value before
  all of them), so no batch wrote over a change it had not seen;
- the store equals a serial replay of what committed: every customer's every field is the new value of the last
  committed batch that changed it, else what it was before.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pg_server
import pytest
from store_states import NARROW
from test_pg_crash import drop, export_all, export_top, pg_environ, read_batches, run_custbook

from store.opening import let_go_all, open_store

DISJOINT = 3  # importers changing only customers nobody else changes: each file must commit
IMPORTERS = 6  # the first DISJOINT of them; the others also change the customers everybody changes
EDITORS = 4
ROUNDS = 2  # import files per importer, one after the other
EDITS = 12  # saves per editor
OWN = 40  # customers only one importer changes
SHARED = 30  # customers every importer changes

EDITOR = textwrap.dedent(
    """
    import json, sys
    from core.errors import CustbookError, Conflict
    from core.values import DateFormat
    from services.edit import save_customer
    from store.opening import let_go_all, open_store

    url, name, targets = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    store = open_store(url)
    user = store.users.resolve("")
    catalogue = store.fields.catalogue()
    for n, (cid, field) in enumerate(targets):
        value = f"{name} {n}"
        opened = store.customers.get(catalogue, cid, user=user)
        try:
            saved = save_customer(
                store, user=user, entity=None, values={field: value}, customer_id=cid,
                expected_version=opened["ROWVERSION"], date_format=DateFormat.DMY_SLASH, original=opened,
            )
        except CustbookError as exc:
            kind = "conflict" if isinstance(exc, Conflict) else type(exc).__name__
            print(json.dumps({"cid": cid, "field": field, "value": value, "refused": kind, "why": str(exc)}))
        else:
            errors = [e.message for e in saved.errors]
            print(json.dumps({"cid": cid, "field": field, "value": value, "batch": saved.batch, "errors": errors}))
        sys.stdout.flush()
    let_go_all()
    """
)


def write_file(path: Path, rows: list[list[str]]) -> None:
    import csv

    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)


@pytest.fixture
def store_url() -> Iterator[str]:
    url = pg_server.new_database()
    made = run_custbook(url, "init", "--demo", "600")
    assert made.returncode == 0, made.stderr
    yield url
    drop(url)


@pytest.mark.slow
def test_ten_processes_importing_and_editing_at_once_lose_no_update(store_url, tmp_path, record_property):
    url = store_url
    base = export_top(url)
    header, body = base[0], base[1:]
    at = {h: i for i, h in enumerate(header)}
    ids = [row[at["CUSTOMERID"]] for row in body]
    shared = ids[:SHARED]
    own = {i: ids[SHARED + i * OWN : SHARED + (i + 1) * OWN] for i in range(IMPORTERS)}
    by_id = {row[at["CUSTOMERID"]]: row for row in body}
    before = {row[at["CUSTOMERID"]]: dict(zip(header, row, strict=True)) for row in export_all(url)[1:]}

    # The files: each round of each importer gives its own customers a city and the shared ones a comment.
    files: dict[str, list[Path]] = {}
    for i in range(IMPORTERS):
        files[f"imp{i}"] = []
        for r in range(ROUNDS):
            rows = [list(NARROW)]
            for cid in own[i]:
                row = {c: by_id[cid][at[c]] for c in NARROW} | {"CITY": f"City of importer {i} round {r}"}
                rows.append([row[c] for c in NARROW])
            for cid in shared if i >= DISJOINT else ():
                row = {c: by_id[cid][at[c]] for c in NARROW} | {"COMMENTS": f"importer {i} round {r}"}
                rows.append([row[c] for c in NARROW])
            path = tmp_path / f"imp{i}-r{r}.csv"
            write_file(path, rows)
            files[f"imp{i}"].append(path)
    # The edits: shared customers' comments (as the imports) and phones, and importers' own customers' phones.
    targets = {
        f"ed{e}": [
            (shared[(e * 7 + n) % SHARED], "COMMENTS") if n % 3 == 0
            else (shared[(e * 5 + n) % SHARED], "PHONE2") if n % 3 == 1
            else (own[DISJOINT + (e + n) % (IMPORTERS - DISJOINT)][n % OWN], "PHONE2")
            for n in range(EDITS)
        ]
        for e in range(EDITORS)
    }  # fmt: skip

    importer_script = (
        "import subprocess, sys, json\n"
        "for path in sys.argv[2:]:\n"
        "    done = subprocess.run([sys.executable, '-m', 'custbook', '--db', sys.argv[1], 'import', path, '--json'],"
        " capture_output=True, text=True)\n"
        "    print(json.dumps({'file': path, 'code': done.returncode, 'out': done.stdout, 'err': done.stderr}))\n"
        "    sys.stdout.flush()\n"
    )
    # Writers wait for the write lock as long as it takes: the one refusal left is the stale plan's.
    env = pg_environ() | {"CUSTBOOK_BUSY_SECONDS": "300"}
    procs: dict[str, subprocess.Popen[str]] = {}
    for name, paths in files.items():
        command = [sys.executable, "-c", importer_script, url, *map(str, paths)]
        procs[name] = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                       text=True)  # fmt: skip
    for name, wanted in targets.items():
        command = [sys.executable, "-c", EDITOR, url, name, json.dumps(wanted)]
        procs[name] = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                       text=True)  # fmt: skip
    outputs = {name: proc.communicate(timeout=600) for name, proc in procs.items()}
    for name, proc in procs.items():
        assert proc.returncode == 0, f"{name} failed: {outputs[name][1]}"
    reports = {name: [json.loads(line) for line in out.splitlines()] for name, (out, _err) in outputs.items()}

    batches = {b.id: b for b in read_batches(url)}
    store = open_store(url)
    try:
        changes = {n: store.history.batch(n, user=store.users.resolve(""))[1] for n in batches}
    finally:
        let_go_all()

    # Every write is reported, committed with its batch or refused without one.
    committed_imports = refused_imports = committed_edits = refused_edits = 0
    files_in_history = {b.file_name for b in batches.values() if b.kind == "import"}
    for name, paths in files.items():
        assert [Path(r["file"]) for r in reports[name]] == paths, f"{name} did not report every import"
        for report in reports[name]:
            file_name = Path(report["file"]).name
            if report["code"] == 0:
                result = json.loads(report["out"])
                assert result["status"] == "committed" and result["batch"] in batches, report
                assert batches[result["batch"]].file_name == file_name
                committed_imports += 1
            else:
                # Refused: told in one sentence (exit 4: the store kept changing under the import as it planned
                # again), never an import that only other writers' customers stood in the way of.
                lines = report["err"].strip().splitlines()
                assert report["code"] == 4 and len(lines) == 1 and lines[0].startswith("custbook: "), report
                assert "kept being changed by other programs" in lines[0], report
                assert int(name[3:]) >= DISJOINT, f"an import of customers nobody else changes was refused: {report}"
                assert file_name not in files_in_history, f"{file_name} was refused but has a batch"
                refused_imports += 1
    for name, wanted in targets.items():
        assert [(r["cid"], r["field"]) for r in reports[name]] == [tuple(t) for t in wanted], f"{name} unreported"
        for report in reports[name]:
            if "refused" in report:
                assert report["refused"] in ("conflict", "StoreBusy"), report
                assert report["why"], report
                refused_edits += 1
                assert not any(c.new == report["value"] for cs in changes.values() for c in cs), (
                    f"a refused edit was written: {report}"
                )
            else:
                assert report["batch"] in batches and not report["errors"], report
                written = [(c.customer_id, c.field, c.new) for c in changes[report["batch"]]]
                assert written == [(report["cid"], report["field"], report["value"])], written
                committed_edits += 1
    assert len(batches) == committed_imports + committed_edits, "a batch that nobody reported"

    # No lost update: replayed in batch order, each change's old value is what the batches before left.
    from store.records import parse_batch_id

    current = {cid: dict(values) for cid, values in before.items()}
    for number in sorted(batches, key=parse_batch_id):
        for change in changes[number]:
            held = current[change.customer_id][change.field]
            assert (change.old or "") == held, (
                f"{number} overwrote {change.customer_id} {change.field} = {held!r} believing it {change.old!r}"
            )
            current[change.customer_id][change.field] = change.new or ""
    # The store equals that serial replay (text fields: the export writes them as the history holds them).
    after = {row[0]: row for row in export_all(url)[1:]}
    header_all = export_all(url)[0]
    assert set(after) == set(current)
    for cid, values in current.items():
        assert dict(zip(header_all, after[cid], strict=True)) == values, f"{cid} differs from the serial replay"
    assert committed_imports >= DISJOINT * ROUNDS + 1, "too few imports went through to show anything"
    record_property(
        "figures",
        f"PostgreSQL, {IMPORTERS} importers ({ROUNDS} files each) and {EDITORS} editors ({EDITS} saves each) at "
        f"once: imports committed {committed_imports}, refused {refused_imports}; edits saved {committed_edits}, "
        f"refused as changed meanwhile {refused_edits}; batches {len(batches)}; updates lost: 0",
    )
