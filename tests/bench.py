"""custbook benchmark: times whole `custbook` processes against a large demo store and checks them against targets.

Not a test (pytest only collects `test_*.py`); run it by hand from the repository root:

    python tests/bench.py                                   # full size: 1,000,000 customers, 25,000-row edit file
    python tests/bench.py --customers 20000 --rows 2000     # quick check (targets shown as n/a)
    python tests/bench.py --repeat 3 --json                 # median of 3 runs, one JSON object on stdout
    python tests/bench_tui.py --db STORE --user bench       # the interface session alone (see its docstring)

Options: `--customers N` (store size, default 1,000,000), `--rows N` (edit file rows, default 25,000),
`--data DIR` (cache directory, default `bench-data/` at the repository root, git-ignored), `--repeat K` (median of
K runs), `--rebuild` (build the store and the edit file again), `--json` (machine-readable result on stdout; the
table then goes to standard error). Exit code: 0 done (every target met, or none applies), 1 the benchmark failed
(a command failed or reported wrong counts), 3 some measure is OVER its target.

What it does:
1. Builds `DIR/store-N.duckdb` with `custbook init --demo N`, timed as a whole process, once. Later runs reuse it
   and show the timing recorded when it was built (`--rebuild` to force a new one; a store whose schema version
   differs from the code's is rebuilt, so that no measured import includes a migration).
2. Builds `DIR/edits-N-R.csv` once, deterministically (fixed seed), from the store's own data: the whole list is
   exported with `custbook export --format import-csv` (timed), R*90 % existing customers are sampled from it,
   and R*40 % of all rows are updated (1-3 of NAME, CITY, CREDITLIMIT, PHONE1, EMAIL1, COMMENTS changed; in about
   a quarter of them a non-empty optional field such as PHONE2, FAX or COMMENTS is also blanked), R*10 % are new
   customers (N0000001...: NAME, PRINTAS, SEGMENT, STATUS, the checkboxes and a few more) and the rest are
   unchanged copies. The exact counts an import must report are computed while the file is written and cached
   next to it.
3. For each of K runs, on a fresh copy of the store (copying is not timed): `custbook import FILE --dry-run --json`
   (plan = read + validate + diff) and, on another fresh copy, `custbook import FILE --json` (plan + commit);
   "commit adds" is the difference. The JSON counts must match the file exactly, otherwise the script stops with
   exit code 1. After the first commit, a dry run of the same file on the committed copy must find nothing to do.
3b. The plan's fast path (tests/bench_plan.py, issue 13): a file identical to the store (<= 0.7 s) and one changing a
   field in every row (<= 1.6 s), with DuckDB's floor (read_csv and one join) in the same interleaved rounds.
3c. A file from another product (tests/bench_mapping.py): the edit file's rows as a 50-column Salesforce-like
   export planned through `--map` (25 columns left out), interleaved with the same rows under custbook's own
   headers; target: no more than 1.3x their time (issue 14).
4. Exports of a view, as whole processes. On one more copy of the store (the cached store is never changed) the
   bench user saves two views with the same filter (COUNTRY=Germany, CREDITLIMIT>66000: 25,466 of the 1,000,000
   demo customers; a full-size count outside 24,000-26,000 is warned about) sorted by -CREDITLIMIT: "bench-10"
   with 10 columns and "bench-all" with every field (not timed; `views show --json` gives the matching count).
   Then, K times each in turn: `custbook export --view V --format F -o OUT --json` for csv, xlsx, docx and pdf of
   bench-10, import-csv of bench-all (the export keeps only the importable fields) and xlsx of bench-all. Every
   run must exit 0, report `rows` = the matching count and leave a non-empty file that holds them: csv, counted
   in lines (matching + 1: the 10 columns have no line breaks); import-csv, counted with the csv module; xlsx and
   docx, valid zips whose sheet or document XML has matching + 1 rows; pdf, `%PDF-` to `%%EOF` (pages in the note).
5. The interface (`tests/bench_tui.py`, a child process; peak memory: its own VmHWM), K times, each on
   a fresh copy of the store as the bench user, driven headless with Textual's Pilot at 120x36: (a) a process
   that leaves as soon as the list shows its first rows: its whole wall time is "start to first rows"; (b) a whole
   session: End (timed until the last screenful is shown), Home, then the quick filter typed one key at a time
   ("müll", Escape, "paris", Escape, "C00012", Escape), each key timed from the press until the frame that shows
   the new query's first rows (the 0.06 s debounce included). The median and the largest of the typed keys are
   reported; Escape (clearing the filter) only in the note. See `tests/bench_tui.py` for how "shown" is detected.

The project's modules are compiled to bytecode first, as an installed program's are (see `compile_bytecode`).
Every measure is a whole child process: wall time around it, and its CPU time (user + system) and peak resident
memory (ru_maxrss) from `os.wait4` (this script's own high-water mark is reset before each start, else the child
would inherit it: see `reset_own_peak`), except the interface's keystrokes and End, timed inside the session process
(wall time and the process's CPU time over the same span). Targets are on wall time; CPU time helps read results
on a busy machine (the load average is printed). With `--repeat K` the seconds are the median of K runs (the
keystrokes: of every typed key of the K sessions) and the memory is the largest.
Targets (issue 2, a 2-core machine) apply only at full size: plan <= 1.0 s, commit adds <= 1.0 s, import peak
memory <= 1 GB, `init --demo 1000000` <= 60 s. Exports of the 25,000-row view ("views and exports" issue): csv
<= 0.5 s, import-csv (all importable fields) <= 0.8 s, xlsx <= 2 s, docx <= 2 s, pdf <= 6 s for the 10-column
view, xlsx <= 5 s for all the fields; peak memory <= 1 GB each. The interface (its issue): first rows <= 1.0 s,
a keystroke to refreshed rows <= 150 ms median, jumping to the last row <= 300 ms, peak memory <= 400 MB.
"""

from __future__ import annotations

import argparse
import compileall
import csv
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import asdict, dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FULL_CUSTOMERS = 1_000_000
FULL_ROWS = 25_000
SEED = 20_250_101
BENCH_USER = "bench"

# Fields changed by updates and fields blanked in some of them (fields.md: text fields with no "cannot be blanked").
EDITED = ("NAME", "CITY", "CREDITLIMIT", "PHONE1", "EMAIL1", "COMMENTS")
BLANKABLE = ("PHONE2", "FAX", "COMMENTS", "CELLPHONE", "ADDRESS2", "EMAIL2", "URL1", "TAXID")
NEW_DEFAULTS = {"STATUS": "active", "ONHOLD": "FALSE", "ONETIME": "FALSE", "TAXABLE": "TRUE", "VIP": "FALSE"}
SEGMENTS = ("SMB", "Mid-market", "Enterprise")
NEW_NAMES = ("Zoë", "Łukasz", "Søren", "Ærøskøbing", "Müller", "Ōtsuka", "Ηλέκτρα", "Дмитрий", "株式会社", "O'Brien")
NEW_CITIES = ("Montréal", "São Paulo", "Zürich", "Kraków", "Reykjavík", "Ōsaka", "Αθήνα", "Москва", "Nice", "Oslo")

# The exported views: about 25,000 of the 1,000,000 demo customers (25,466 with the current demo data).
VIEW_FILTERS = ("COUNTRY=Germany", "CREDITLIMIT>66000")
VIEW_SORT = "-CREDITLIMIT"
VIEW_10 = "CUSTOMERID,NAME,CITY,COUNTRY,EMAIL1,PHONE1,CREDITLIMIT,STATUS,CURRENCY,ZIP"
VIEW_ROWS = (24_000, 26_000)  # the expected matching count at full size


@dataclass
class Measure:
    """One line of the result table. `seconds`/`peak_mb` may be None when not measured; a target of None means
    "no target" (and every target is None below full size)."""

    name: str
    seconds: float | None
    peak_mb: float | None
    target_s: float | None = None
    target_mb: float | None = None
    note: str = ""
    cpu_s: float | None = None  # user + system CPU time of the process; less sensitive to a busy machine
    runs: list[dict[str, float]] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.target_s is None and self.target_mb is None:
            return "n/a"
        over_s = self.target_s is not None and (self.seconds is None or self.seconds > self.target_s)
        over_mb = self.target_mb is not None and (self.peak_mb is None or self.peak_mb > self.target_mb)
        return "OVER" if over_s or over_mb else "OK"

    def as_json(self) -> dict[str, object]:
        return asdict(self) | {"status": self.status}


@dataclass
class Run:
    """One finished child process."""

    args: list[str]
    seconds: float
    peak_mb: float
    cpu_s: float
    code: int
    out: str
    err: str


class BenchFailure(Exception):
    """A child failed or reported counts the edit file should not produce."""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def custbook_command() -> list[str]:
    found = shutil.which("custbook") or str(Path(sys.executable).with_name("custbook"))
    if not Path(found).exists():
        raise BenchFailure("The custbook command was not found: install the project (pip install -e .) first.")
    return [found]


def compile_bytecode() -> None:
    """Compile the project's modules to bytecode, as `pip install` does for an installed program. An editable
    checkout compiles them at its first run, unless PYTHONDONTWRITEBYTECODE is set (as on some CI and development
    machines): then every measured process would compile them again from source (about 0.05 s each)."""
    for package in ("tui", "store", "formats"):
        if not compileall.compile_dir(ROOT / package, quiet=1):
            raise BenchFailure(f"The modules of {package}/ did not compile: see the messages above.")


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("CUSTBOOK_DB", None)
    env["CUSTBOOK_USER"] = BENCH_USER
    env.setdefault("CUSTBOOK_LANG", "en")  # the same language whatever the machine's locale (French: FRENCH_ENV)
    env.update(extra or {})
    return env


FRENCH_ENV = {"CUSTBOOK_LANG": "fr", "LANG": "fr_FR.UTF-8", "LC_ALL": "fr_FR.UTF-8"}


# The largest resident size of this script when it started a child: a floor under every child's peak memory.
SPAWN_FLOOR_MB = [0.0]


def reset_own_peak() -> None:
    """A child's ru_maxrss starts from this script's peak resident size (Linux keeps the high-water mark of the
    memory the child leaves at exec, which is ours until then), so every child would report at least the largest
    this script has ever been (over 200 MB once it has built the edit file). Resetting our high-water mark to our
    current size (clear_refs 5) before each start leaves only our current size as that floor; it is recorded."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        status = Path("/proc/self/status").read_text()
        rss_kb = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")))
        SPAWN_FLOOR_MB[0] = max(SPAWN_FLOOR_MB[0], rss_kb / 1024)
    except (OSError, StopIteration, ValueError):
        pass


def run_child(args: list[str], stdout_path: Path | None = None, env: dict[str, str] | None = None) -> Run:
    """Run one whole process; wall time around it and its own rusage from wait4 (ru_maxrss is KB on Linux)."""
    with tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as captured:
        out = open(stdout_path, "wb") if stdout_path else captured  # noqa: SIM115
        try:
            reset_own_peak()
            start = time.perf_counter()
            proc = subprocess.Popen(args, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=child_env(env))
            _, status, usage = os.wait4(proc.pid, 0)
            seconds = time.perf_counter() - start
        finally:
            if stdout_path:
                out.close()
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        captured.seek(0)
        err.seek(0)
        text = "" if stdout_path else captured.read().decode("utf-8", "replace")
        cpu = usage.ru_utime + usage.ru_stime
        return Run(args, seconds, usage.ru_maxrss / 1024, cpu, code, text, err.read().decode("utf-8", "replace"))


def checked(run: Run, what: str) -> Run:
    if run.code != 0:
        raise BenchFailure(f"{what} exited with {run.code}: {run.err.strip() or run.out.strip()[:2000]}")
    return run


def remove_store(path: Path) -> None:
    for p in (path, path.with_name(path.name + ".wal")):
        p.unlink(missing_ok=True)


def copy_store(src: Path, dst: Path) -> None:
    remove_store(dst)
    shutil.copyfile(src, dst)
    wal = src.with_name(src.name + ".wal")
    if wal.exists():
        shutil.copyfile(wal, dst.with_name(dst.name + ".wal"))


def read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


# --- the store ------------------------------------------------------------------------------------------------------


def code_schema_version() -> int | None:
    """The code's store layout version, asked of the same interpreter and environment the children use."""
    probe = "from store.schema import SCHEMA_VERSION; print(SCHEMA_VERSION)"
    proc = subprocess.run(
        [sys.executable, "-P", "-c", probe], capture_output=True, text=True, env=child_env(), check=False
    )
    return int(proc.stdout) if proc.returncode == 0 and proc.stdout.strip().isdigit() else None


def store_schema_version(store: Path) -> int | None:
    try:
        import duckdb  # only for this check

        with duckdb.connect(str(store), read_only=True) as con:
            row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return int(row[0]) if row else None
    except Exception:
        return None


def build_store(cmd: list[str], data: Path, customers: int, rebuild: bool) -> tuple[Path, Measure, bool]:
    """Returns the store, the init measure (recorded at build time when reused) and whether it was rebuilt."""
    store = data / f"store-{customers}.duckdb"
    meta_path = data / f"store-{customers}.json"
    meta = read_json(meta_path)
    name = f"init --demo {customers}"
    if store.exists() and meta and not rebuild:
        stored, code = store_schema_version(store), code_schema_version()
        if stored is not None and code is not None and stored != code:
            log(f"{store} has schema version {stored}, the code has {code}: building it again.")
            rebuild = True
    if store.exists() and meta and not rebuild:
        log(f"Reusing {store} (built {meta['built']}; --rebuild to build it again).")
        note = f"reused, measured {meta['built']}"
        return store, Measure(name, meta["seconds"], meta["peak_mb"], note=note, cpu_s=meta.get("cpu_s")), False
    log(f"Building {store} with custbook init --demo {customers} ...")
    tmp = data / f"store-{customers}.building.duckdb"
    remove_store(tmp)
    run = checked(run_child([*cmd, "--db", str(tmp), "init", "--demo", str(customers)]), "custbook init --demo")
    remove_store(store)
    meta_path.unlink(missing_ok=True)
    copy_store(tmp, store)
    remove_store(tmp)
    built = datetime.now().isoformat(timespec="seconds")
    record = {"built": built, "seconds": run.seconds, "peak_mb": run.peak_mb, "cpu_s": run.cpu_s}
    meta_path.write_text(json.dumps(record), "utf-8")
    log(f"  built in {run.seconds:.2f} s, peak {run.peak_mb:.0f} MB.")
    return store, Measure(name, run.seconds, run.peak_mb, note="built now", cpu_s=run.cpu_s), True


# --- a PostgreSQL store (--db postgresql://...) -----------------------------------------------------------------------
# The same demo, built once with `custbook --db URL/custbook_bench_N init --demo N` into its own database and kept
# there; every measure runs on a copy of it (CREATE DATABASE ... TEMPLATE, not timed), as the DuckDB measures run on
# copies of the cached file. The processes connect as the URL's role (the superuser that built it, custbook's first
# user and so its administrator): on a PostgreSQL store the acting user is the connection's role, so CUSTBOOK_USER is
# left empty.

PG_ENV = {"CUSTBOOK_USER": ""}
PG_WORK = "custbook_bench_work"


def pg_url(base: str, database: str) -> str:
    """`base` (a server URL, any database) naming `database` instead."""
    head, sep, tail = base.partition("?")
    root = head.rstrip("/")
    if root.count("/") > 2:  # postgresql://host/db: drop the database
        root = root.rsplit("/", 1)[0]
    return f"{root}/{database}" + (sep + tail if sep else "")


def _pg(base: str, database: str = "postgres"):
    import psycopg  # only for the PostgreSQL measures

    return psycopg.connect(pg_url(base, database), autocommit=True)


def pg_layout(base: str, database: str) -> dict[str, object] | None:
    """The store's layout versions and its customer count, or None (no such database, not a store)."""
    try:
        with _pg(base, database) as con:
            meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
            count = con.execute("SELECT count(*) FROM customers").fetchone()[0]
    except Exception:
        return None
    return {"schema_version": meta.get("schema_version"), "pg_extras": meta.get("pg_extras"), "customers": count}


def code_pg_extras() -> str | None:
    probe = "from store.pg_schema import PG_EXTRAS_VERSION; print(PG_EXTRAS_VERSION)"
    proc = subprocess.run([sys.executable, "-P", "-c", probe], capture_output=True, text=True, env=child_env())
    return proc.stdout.strip() if proc.returncode == 0 else None


def pg_copy(base: str, source: str, target: str) -> None:
    """`target` as a fresh copy of `source` (dropped first). A copy needs nobody connected to the source: the
    measured processes have left, an autovacuum worker may still be there for a moment."""
    with _pg(base) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        strategy = " STRATEGY FILE_COPY" if con.info.server_version >= 150000 else ""  # no 1 GB through the WAL
        for attempt in range(50):
            try:
                con.execute(f'CREATE DATABASE "{target}" TEMPLATE "{source}"{strategy}')
                return
            except Exception as exc:  # "source database ... is being accessed by other users"
                if "being accessed" not in str(exc) or attempt == 49:
                    raise BenchFailure(f"Copying the database {source} failed: {exc}") from None
                time.sleep(0.2)


def pg_drop(base: str, database: str) -> None:
    with _pg(base) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def pg_settle(base: str, database: str) -> None:
    """VACUUM ANALYZE after a bulk load, as autovacuum would do on its own some time later: the planner's
    statistics and the visibility map (index-only scans) are what a store in use has; not timed."""
    with _pg(base, database) as con:
        con.execute("VACUUM (ANALYZE) customers")
        con.execute("ANALYZE")


def build_pg_store(cmd: list[str], base: str, data: Path, customers: int, rebuild: bool) -> tuple[str, Measure]:
    """The cached PostgreSQL store's database name and the init measure (recorded at build time when reused). Kept
    while it holds the customers it was built with; a newer layout or PG_EXTRAS_VERSION (indexes) is applied by
    opening it once (not timed, then VACUUM ANALYZE), as any custbook command does on an existing store: building
    it again takes minutes."""
    database = f"custbook_bench_{customers}"
    meta_path = data / f"pg-store-{customers}.json"
    meta = read_json(meta_path)
    name = f"init --demo {customers} (PostgreSQL)"
    layout = None if rebuild else pg_layout(base, database)
    code_version = str(code_schema_version())
    if layout and meta and layout["customers"] == meta["customers"]:
        if layout["pg_extras"] != code_pg_extras() or layout["schema_version"] != code_version:
            log(
                f"Bringing {database} up to date (layout {layout['schema_version']} -> {code_version}, extras "
                f"{layout['pg_extras']} -> {code_pg_extras()}) ..."
            )
            upgrade = [*cmd, "--db", pg_url(base, database), "views", "list"]
            checked(run_child(upgrade, env=PG_ENV), "custbook views list (the layout's extras)")
            pg_settle(base, database)
        log(f"Reusing the database {database} (built {meta['built']}; --rebuild to build it again).")
        note = f"reused, measured {meta['built']}"
        return database, Measure(name, meta["seconds"], meta["peak_mb"], note=note, cpu_s=meta.get("cpu_s"))
    log(f"Building the database {database} with custbook init --demo {customers} ...")
    pg_drop(base, database)
    with _pg(base) as con:
        con.execute(f'CREATE DATABASE "{database}" TEMPLATE template0')
    run = checked(
        run_child([*cmd, "--db", pg_url(base, database), "init", "--demo", str(customers)], env=PG_ENV),
        "custbook init --demo (PostgreSQL)",
    )
    pg_settle(base, database)
    layout = pg_layout(base, database) or {}
    built = datetime.now().isoformat(timespec="seconds")
    record = {"built": built, "seconds": run.seconds, "peak_mb": run.peak_mb, "cpu_s": run.cpu_s} | layout
    meta_path.write_text(json.dumps(record), "utf-8")
    log(f"  built in {run.seconds:.2f} s, peak {run.peak_mb:.0f} MB.")
    return database, Measure(name, run.seconds, run.peak_mb, note="built now", cpu_s=run.cpu_s)


# --- the edit file --------------------------------------------------------------------------------------------------


def sample_export(path: Path, k: int, rng: random.Random) -> tuple[list[str], list[list[str]], int]:
    """Reservoir-sample k data rows of an exported CSV without holding the whole list in memory."""
    reservoir: list[list[str]] = []
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        n = 0
        for n, row in enumerate(reader, start=1):
            if len(reservoir) < k:
                reservoir.append(row)
            else:
                j = rng.randrange(n)
                if j < k:
                    reservoir[j] = row
    if n < k:
        raise BenchFailure(f"The store exports only {n:,} top-level customers; {k:,} are needed for the edit file.")
    return header, reservoir, n


def _differs(field_id: str, old: str, new: str) -> bool:
    if field_id == "CREDITLIMIT" and old.strip():
        try:
            return Decimal(old.replace(",", "")) != Decimal(new)
        except InvalidOperation:
            return True
    return old.strip() != new.strip()


def _new_value(field_id: str, i: int, rng: random.Random) -> str:
    if field_id == "NAME":
        return f"{rng.choice(NEW_NAMES)} {rng.choice(NEW_NAMES)} & Co {i}"
    if field_id == "CITY":
        return rng.choice(NEW_CITIES)
    if field_id == "CREDITLIMIT":
        cents = rng.randrange(0, 50_000_000, 50)
        return f"{cents // 100}.{cents % 100:02d}"
    if field_id == "PHONE1":
        return f"+1 555-{rng.randrange(10**7):07d}"
    if field_id == "EMAIL1":
        return f"bench.{i}.{rng.randrange(10**6)}@example.com"
    if field_id == "COMMENTS":
        return f'Benchmark edit {i}: "checked", café;\nsecond line'
    raise ValueError(field_id)


def build_edits(cmd: list[str], store: Path, data: Path, customers: int, rows: int, rebuild: bool) -> tuple[Path, dict]:
    """Returns the edit file and its metadata: the counts an import must report and the export measure."""
    path = data / f"edits-{customers}-{rows}.csv"
    meta_path = data / f"edits-{customers}-{rows}.json"
    meta = read_json(meta_path)
    if path.exists() and meta and not rebuild:
        log(f"Reusing {path}.")
        return path, meta
    rng = random.Random(SEED)
    n_new, n_upd = rows // 10, rows * 4 // 10
    n_same = rows - n_new - n_upd
    export = data / f"export-{customers}.csv"
    log(f"Exporting the {customers:,}-customer store (custbook export --format import-csv) ...")
    run = checked(run_child([*cmd, "--db", str(store), "export", "--format", "import-csv"], export), "custbook export")
    log(f"  exported in {run.seconds:.2f} s, peak {run.peak_mb:.0f} MB, {export.stat().st_size / 2**20:.0f} MB.")
    try:
        header, existing, exported = sample_export(export, n_upd + n_same, rng)
    finally:
        export.unlink(missing_ok=True)
    col = {h: i for i, h in enumerate(header)}
    missing = [f for f in (*EDITED, *BLANKABLE, "CUSTOMERID", "PRINTAS", "SEGMENT") if f not in col]
    if missing:
        raise BenchFailure(f"The import CSV export lacks the columns {', '.join(missing)}.")
    rng.shuffle(existing)
    out_rows: list[list[str]] = []
    updated = blanked = fields_changed = 0
    for i, row in enumerate(existing):
        row = list(row)
        if i < n_upd:
            changed = rng.sample(EDITED, rng.randint(1, 3))
            for f in changed:
                new = _new_value(f, i, rng)
                while not _differs(f, row[col[f]], new):
                    new = _new_value(f, i, rng)
                row[col[f]] = new
                fields_changed += 1
            if rng.random() < 0.25:
                candidates = [f for f in BLANKABLE if f not in changed and row[col[f]].strip()]
                if candidates:
                    row[col[rng.choice(candidates)]] = ""
                    blanked += 1
            updated += 1
        out_rows.append(row)
    for j in range(1, n_new + 1):
        row = [""] * len(header)
        name = f"{rng.choice(NEW_NAMES)} {rng.choice(NEW_NAMES)} {j}"
        row[col["CUSTOMERID"]] = f"N{j:07d}"
        row[col["NAME"]] = name
        row[col["PRINTAS"]] = name
        row[col["SEGMENT"]] = rng.choice(SEGMENTS)
        # Spelled out (not left to the defaults) so that importing the file again after the commit changes
        # nothing: on an existing record a blank STATUS is an error and a blank checkbox means FALSE.
        for f, value in NEW_DEFAULTS.items():
            if f in col:
                row[col[f]] = value
        row[col["CITY"]] = rng.choice(NEW_CITIES)
        row[col["EMAIL1"]] = f"new.{j}@example.com"
        row[col["CREDITLIMIT"]] = _new_value("CREDITLIMIT", j, rng)
        out_rows.append(row)
    rng.shuffle(out_rows)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(out_rows)
    tmp.replace(path)
    meta = {
        "expected": {
            "rows": rows, "created": n_new, "updated": updated, "unchanged": n_same, "blanked": blanked,
            "failed": 0,
        },
        "fields_changed": fields_changed,
        "exported": exported,
        "export": {"seconds": run.seconds, "peak_mb": run.peak_mb, "cpu_s": run.cpu_s},
        "built": datetime.now().isoformat(timespec="seconds"),
        "seed": SEED,
    }  # fmt: skip
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    log(
        f"Wrote {path}: {rows:,} rows ({n_new:,} new, {updated:,} updated with {fields_changed:,} fields changed "
        f"and {blanked:,} blanked, {n_same:,} unchanged)."
    )
    return path, meta


# --- the import measures --------------------------------------------------------------------------------------------


def check_counts(run: Run, what: str, status: str, expected: dict) -> dict:
    try:
        result = json.loads(run.out)
    except ValueError:
        raise BenchFailure(f"{what} did not print one JSON object (exit {run.code}): {run.err.strip()}") from None
    wrong = {k: (result.get(k), v) for k, v in expected.items() if result.get(k) != v}
    if result.get("status") != status:
        wrong["status"] = (result.get("status"), status)
    if wrong or run.code != 0:
        got = ", ".join(f"{k} {g!r} (expected {e!r})" for k, (g, e) in wrong.items())
        errors = "; ".join(
            f"row {e.get('row')} {e.get('column')} {e.get('value')!r}: {e.get('message')}"
            for e in result.get("errors", [])[:5]
        )
        raise BenchFailure(f"{what} (exit {run.code}) reported {got or 'the expected counts'}. First errors: {errors}")
    return result


def measure_imports(cmd: list[str], store: Path, edits: Path, data: Path, expected: dict, repeat: int) -> list[Run]:
    """K x (dry run, full import) on fresh copies; returns the runs in order [plan, full, plan, full, ...]."""
    work = data / "work.duckdb"
    runs: list[Run] = []
    try:
        for k in range(1, repeat + 1):
            copy_store(store, work)
            plan = run_child([*cmd, "--db", str(work), "import", str(edits), "--dry-run", "--json"])
            check_counts(plan, "custbook import --dry-run", "dry-run", expected)
            copy_store(store, work)
            full = run_child([*cmd, "--db", str(work), "import", str(edits), "--json"])
            result = check_counts(full, "custbook import", "committed", expected)
            if not result.get("batch"):
                raise BenchFailure("custbook import committed no batch.")
            log(
                f"  run {k}/{repeat}: plan {plan.seconds:.2f} s (CPU {plan.cpu_s:.2f} s, {plan.peak_mb:.0f} MB), "
                f"plan + commit {full.seconds:.2f} s (CPU {full.cpu_s:.2f} s, {full.peak_mb:.0f} MB)"
            )
            if k == 1:  # the commit really stored the file: importing it again changes nothing
                again = run_child([*cmd, "--db", str(work), "import", str(edits), "--dry-run", "--json"])
                nothing = {"created": 0, "updated": 0, "blanked": 0, "failed": 0, "unchanged": expected["rows"]}
                check_counts(again, "custbook import --dry-run after the commit", "dry-run", nothing)
            runs += [plan, full]
    finally:
        remove_store(work)
    return runs


# --- the export measures --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportCase:
    """One export measure: a saved view written in one format, and its wall-time target at full size."""

    view: str
    format: str
    suffix: str
    target_s: float

    @property
    def name(self) -> str:
        return f"export --view {self.view} --format {self.format}"


EXPORTS = (
    ExportCase("bench-10", "csv", "csv", 0.5),
    ExportCase("bench-all", "import-csv", "csv", 0.8),
    ExportCase("bench-10", "xlsx", "xlsx", 2.0),
    ExportCase("bench-10", "docx", "docx", 2.0),
    ExportCase("bench-10", "pdf", "pdf", 6.0),
    ExportCase("bench-all", "xlsx", "xlsx", 5.0),
)
XLSX_ROW = re.compile(rb"<row[\s>/]")
XLSX_CELL = re.compile(rb"<c[\s>/]")
DOCX_ROW = re.compile(rb"<w:tr[\s>/]")
DOCX_CELL = re.compile(rb"<w:tc[\s>/]")
PDF_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def save_views(cmd: list[str], work: Path) -> int:
    """Saves bench-10 and bench-all in the work store (not timed); returns how many customers they select."""
    filters = [arg for expr in VIEW_FILTERS for arg in ("--filter", expr)]
    matching: dict[str, int] = {}
    for name, columns in (("bench-10", ["--columns", VIEW_10]), ("bench-all", [])):
        save = [*cmd, "--db", str(work), "views", "save", name, *columns, *filters, f"--sort={VIEW_SORT}"]
        checked(run_child(save), f"custbook views save {name}")
        show = checked(run_child([*cmd, "--db", str(work), "views", "show", name, "--json"]), "custbook views show")
        try:
            matching[name] = int(json.loads(show.out)["matching"])
        except (ValueError, KeyError, TypeError):
            raise BenchFailure(f"custbook views show {name} --json printed no matching count: {show.out!r}") from None
    if len(set(matching.values())) != 1:
        raise BenchFailure(f"The two views have the same filter but match {matching}.")
    return matching["bench-10"]


def _xml_table(path: Path, member: str, row: re.Pattern[bytes], cell: re.Pattern[bytes]) -> tuple[int, int]:
    """Rows in an Office file's XML part, and cells in its first row."""
    if not zipfile.is_zipfile(path):
        raise BenchFailure(f"{path.name} is not a zip file.")
    with zipfile.ZipFile(path) as z:
        try:
            xml = z.read(member)
        except KeyError:
            raise BenchFailure(f"{path.name} has no {member}.") from None
    starts = [m.start() for m in row.finditer(xml)]
    first = xml[starts[0] : starts[1] if len(starts) > 1 else len(xml)] if starts else b""
    return len(starts), len(cell.findall(first))


def check_export(case: ExportCase, run: Run, path: Path, matching: int) -> str:
    """Fails unless the export went through and its file holds the view's rows; returns the note's details."""
    what = f"custbook {case.name}"
    checked(run, what)
    try:
        rows = json.loads(run.out).get("rows")
    except (ValueError, AttributeError):
        raise BenchFailure(f"{what} --json did not print one JSON object: {run.out.strip()[:500]!r}") from None
    if rows != matching:
        raise BenchFailure(f"{what} reported {rows!r} rows; the view matches {matching:,}.")
    if not path.exists() or path.stat().st_size == 0:
        raise BenchFailure(f"{what} left no file, or an empty one, at {path}.")
    size_b = path.stat().st_size
    size = f"{size_b / 2**20:.1f} MB" if size_b >= 2**20 else f"{size_b / 2**10:.0f} KB"
    if case.format in ("csv", "import-csv"):
        with open(path, encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f)
            header = next(reader, [])
            records = sum(1 for _ in reader)
        if records != matching:
            raise BenchFailure(f"{what} wrote {records:,} CSV records; the view matches {matching:,}.")
        if case.format == "import-csv" and (not header or header[0] != "CUSTOMERID"):
            raise BenchFailure(f"{what} wrote a header that does not start with CUSTOMERID: {header[:5]}.")
        if case.view == "bench-10":  # no line breaks inside these 10 columns: one line per customer
            with open(path, "rb") as f:
                lines = sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))
            if lines != matching + 1:
                raise BenchFailure(f"{what} wrote {lines:,} lines, not {matching + 1:,} (header + matching).")
        return f"{len(header)} columns, {size}"
    if case.format in ("xlsx", "docx"):
        member, row, cell = (
            ("xl/worksheets/sheet1.xml", XLSX_ROW, XLSX_CELL)
            if case.format == "xlsx"
            else ("word/document.xml", DOCX_ROW, DOCX_CELL)
        )
        n_rows, columns = _xml_table(path, member, row, cell)
        if n_rows != matching + 1:
            raise BenchFailure(f"{what} wrote {n_rows:,} table rows in {member}, not {matching + 1:,}.")
        return f"{columns} columns, {size}"
    with open(path, "rb") as f:
        data = f.read()
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-1024:]:
        raise BenchFailure(f"{what} wrote a file that is not a whole PDF (no %PDF- header or %%EOF trailer).")
    return f"{len(PDF_PAGE.findall(data)):,} pages, {size}"


def measure_exports(cmd: list[str], store: Path, data: Path, repeat: int) -> tuple[int, list[Measure]]:
    """K x every export in turn, on one copy of the store holding the two views; returns the matching count and
    one Measure per export (target on wall time, 1 GB on memory: `main` drops them below full size)."""
    work = data / "exports.duckdb"
    out_dir = data / "exports"
    runs: dict[ExportCase, list[Run]] = {case: [] for case in EXPORTS}
    details: dict[ExportCase, str] = {}
    try:
        copy_store(store, work)
        matching = save_views(cmd, work)
        out_dir.mkdir(exist_ok=True)
        for k in range(1, repeat + 1):
            timings = []
            for case in EXPORTS:
                out = out_dir / f"{case.view}-{case.format}.{case.suffix}"
                out.unlink(missing_ok=True)
                args = [*cmd, "--db", str(work), "export", "--view", case.view, "--format", case.format]
                run = run_child([*args, "-o", str(out), "--json"])
                details[case] = check_export(case, run, out, matching)
                out.unlink()
                runs[case].append(run)
                timings.append(
                    f"{case.view} {case.format} {run.seconds:.2f} s (CPU {run.cpu_s:.2f}, {run.peak_mb:.0f} MB)"
                )
            log(f"  run {k}/{repeat}: " + ", ".join(timings))
    finally:
        remove_store(work)
        shutil.rmtree(out_dir, ignore_errors=True)
    measures = [
        Measure(
            case.name,
            statistics.median(r.seconds for r in runs[case]),
            max(r.peak_mb for r in runs[case]),
            case.target_s,
            1024.0,
            note=f"{matching:,} rows, {details[case]}",
            cpu_s=statistics.median(r.cpu_s for r in runs[case]),
            runs=[{"s": r.seconds, "cpu_s": r.cpu_s, "mb": r.peak_mb} for r in runs[case]],
        )
        for case in EXPORTS
    ]
    return matching, measures


# --- the interface measures -----------------------------------------------------------------------------------------

TUI_SCRIPT = Path(__file__).resolve().with_name("bench_tui.py")
TUI_MB = 400.0  # the interface's peak memory target, on every interface line


def tui_child(
    work: Path | str, *extra: str, env: dict[str, str] | None = None, user: str = BENCH_USER
) -> tuple[Run, dict]:
    """One run of bench_tui.py on the work store (a file or a PostgreSQL URL); its JSON result."""
    args = [sys.executable, str(TUI_SCRIPT), "--db", str(work), "--user", user, *extra]
    run = checked(run_child(args, env=env), " ".join(["tests/bench_tui.py", *extra]))
    try:
        result = json.loads(run.out.strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise BenchFailure(f"tests/bench_tui.py printed no JSON result: {run.out.strip()[-500:]!r}") from None
    if not result.get("total"):
        raise BenchFailure("The interface showed an empty customer list.")
    return run, result


def measure_interface(store: Path, data: Path, repeat: int, edits: Path) -> list[Measure]:
    """K x (a process that stops at the first rows, a whole session), each on a fresh copy of the store; one Measure
    per line (targets: first rows 1 s, keystroke median 0.15 s, End 0.3 s, 400 MB; `main` drops them below full
    size)."""
    work = data / "interface.duckdb"
    starts: list[tuple[Run, dict]] = []
    french: list[tuple[Run, dict]] = []
    sessions: list[tuple[Run, dict]] = []
    try:
        for k in range(1, repeat + 1):
            copy_store(store, work)
            start, first = tui_child(work, "--first-rows-only")
            copy_store(store, work)
            french.append(tui_child(work, "--first-rows-only", env=FRENCH_ENV))  # issue 16: interleaved with English
            copy_store(store, work)
            session, result = tui_child(work, "--preview", str(edits))
            starts.append((start, first))
            sessions.append((session, result))
            typed = [key["s"] for key in result["keys"] if key["key"] != "escape"]
            log(
                f"  run {k}/{repeat}: first rows {start.seconds:.2f} s (CPU {start.cpu_s:.2f} s, "
                f"{start.peak_mb:.0f} MB; VmHWM {first.get('first_rows_own_mb') or 0:.0f} MB), "
                f"End {result['end_s']:.3f} s, keystrokes median {statistics.median(typed):.3f} s max "
                f"{max(typed):.3f} s, session {session.seconds:.1f} s (CPU {session.cpu_s:.1f} s, "
                f"{session.peak_mb:.0f} MB; VmHWM {result.get('own_peak_mb') or 0:.0f} MB)"
            )
    finally:
        remove_store(work)
    keys = [key for _, result in sessions for key in result["keys"]]
    typed = [key for key in keys if key["key"] != "escape"]
    escapes = [key for key in keys if key["key"] == "escape"]
    # The child's own high-water mark (VmHWM, since its exec): ru_maxrss can be no lower than this script's size
    # when it started the child (see reset_own_peak), which the quick first-rows process may not reach.
    start_mb = max(f.get("first_rows_own_mb") or r.peak_mb for r, f in starts)
    session_mb = max(x.get("own_peak_mb") or r.peak_mb for r, x in sessions)
    slowest = max(typed, key=lambda key: key["s"])
    total = starts[0][1]["total"]
    first_keys = sessions[0][1]["keys"]
    words = ", ".join(repr(first_keys[i - 1]["text"]) for i, key in enumerate(first_keys) if key["key"] == "escape")

    def med(values) -> float:
        return statistics.median(values)

    return [
        Measure(
            "interface: start to first rows", med(r.seconds for r, _ in starts), start_mb,
            1.0, TUI_MB, cpu_s=med(r.cpu_s for r, _ in starts),
            note=f"whole process, {total:,} customers listed; in it: imports "
            f"{med(f['imports_s'] for _, f in starts):.2f} s, app created to rows "
            f"{med(f['first_rows_from_app_s'] for _, f in starts):.2f} s",
            runs=[{"s": r.seconds, "cpu_s": r.cpu_s, "mb": r.peak_mb, "from_app_s": f["first_rows_from_app_s"],
                   "vmhwm_mb": f.get("first_rows_own_mb")} for r, f in starts],
        ),
        Measure(
            "interface: French start, later than English by", med(r.seconds for r, _ in french)
            - med(r.seconds for r, _ in starts), max(f.get("first_rows_own_mb") or r.peak_mb for r, f in french),
            0.05, TUI_MB, note=f"start to first rows in French (fr_FR.UTF-8, CUSTBOOK_LANG=fr): "
            f"{med(r.seconds for r, _ in french):.2f} s, interleaved with the English starts (issue 16)",
            runs=[{"s": r.seconds, "cpu_s": r.cpu_s, "mb": r.peak_mb} for r, _ in french],
        ),
        Measure(
            "interface: keystroke to refreshed rows (median)", med(key["s"] for key in typed), session_mb, 0.15,
            TUI_MB, cpu_s=med(key["cpu_s"] for key in typed),
            note=f"{len(typed)} keys ({len(typed) // repeat} x {repeat}): {words} typed key by key; debounce included",
            runs=[{"key": key["text"], "s": key["s"], "cpu_s": key["cpu_s"], "matching": key["matching"]}
                  for key in keys],
        ),
        Measure(
            "interface: keystroke to refreshed rows (max)", slowest["s"], session_mb, cpu_s=slowest["cpu_s"],
            note=f"{slowest['text']!r}; Escape (clear the filter) median {med(key['s'] for key in escapes):.2f} s",
        ),
        Measure(
            "interface: jump to last row (End)", med(r["end_s"] for _, r in sessions), session_mb, 0.3, TUI_MB,
            cpu_s=med(r["end_cpu_s"] for _, r in sessions), note=f"last screenful shown, {sessions[0][1]['last_row']}",
            runs=[{"s": r["end_s"], "cpu_s": r["end_cpu_s"]} for _, r in sessions],
        ),
        Measure(
            "interface: import preview, F5 to first page", med(r["preview_s"] for _, r in sessions),
            max(r.get("preview_own_mb") or 0 for _, r in sessions), 1.5, TUI_MB,
            cpu_s=med(r["preview_cpu_s"] for _, r in sessions),
            note="the edit file, after the session (issue 13); progress bar shown meanwhile",
            runs=[{"s": r["preview_s"], "cpu_s": r["preview_cpu_s"]} for _, r in sessions],
        ),
        Measure(
            "interface: whole session (peak memory)", med(r.seconds for r, _ in sessions), session_mb, None, TUI_MB,
            cpu_s=med(r.cpu_s for r, _ in sessions), note="whole process: first rows, End, Home, the keys, pauses",
            runs=[{"s": r.seconds, "cpu_s": r.cpu_s, "mb": r.peak_mb, "vmhwm_mb": x.get("own_peak_mb")}
                  for r, x in sessions],
        ),
    ]  # fmt: skip


# --- both stores, side by side (--db postgresql://...) ---------------------------------------------------------------


def load() -> float:
    return os.getloadavg()[0]


def measure_side_by_side(
    cmd: list[str], store: Path, base: str, database: str, edits: Path, data: Path, expected: dict, repeat: int
) -> dict[str, dict[str, list]]:
    """K rounds, each: the dry run and the import (plan + commit) on a fresh copy of each store, then the interface
    (a first-rows process and a session: End, the typed keys) on a fresh copy of each; DuckDB and PostgreSQL in
    turn, so that both meet the same load. {measure: {"duckdb": [...], "postgresql": [...], "load": [...]}}."""
    work = data / "work.duckdb"
    pg_work = pg_url(base, PG_WORK)
    out: dict[str, dict[str, list]] = {}

    def keep(what: str, store_kind: str, value: object) -> None:
        out.setdefault(what, {"duckdb": [], "postgresql": [], "load": []})[store_kind].append(value)
        if store_kind == "postgresql":
            out[what]["load"].append(load())

    try:
        for k in range(1, repeat + 1):
            copy_store(store, work)
            pg_copy(base, database, PG_WORK)
            for kind, db, env in (("duckdb", str(work), None), ("postgresql", pg_work, PG_ENV)):
                plan = run_child([*cmd, "--db", db, "import", str(edits), "--dry-run", "--json"], env=env)
                check_counts(plan, f"custbook import --dry-run ({kind})", "dry-run", expected)
                keep("plan", kind, plan)
            for kind, db, env in (("duckdb", str(work), None), ("postgresql", pg_work, PG_ENV)):
                full = run_child([*cmd, "--db", db, "import", str(edits), "--json"], env=env)
                check_counts(full, f"custbook import ({kind})", "committed", expected)
                keep("full", kind, full)
            if k == 1:  # the commit really stored the file: importing it again changes nothing
                nothing = {"created": 0, "updated": 0, "blanked": 0, "failed": 0, "unchanged": expected["rows"]}
                again = run_child([*cmd, "--db", pg_work, "import", str(edits), "--dry-run", "--json"], env=PG_ENV)
                check_counts(again, "custbook import --dry-run after the commit (postgresql)", "dry-run", nothing)
            copy_store(store, work)
            pg_copy(base, database, PG_WORK)
            for kind, db, user, env in (("duckdb", str(work), BENCH_USER, None), ("postgresql", pg_work, "", PG_ENV)):
                keep("first", kind, tui_child(db, "--first-rows-only", user=user, env=env))
            for kind, db, user, env in (("duckdb", str(work), BENCH_USER, None), ("postgresql", pg_work, "", PG_ENV)):
                keep("session", kind, tui_child(db, user=user, env=env))
            line = []
            for what in ("plan", "full"):
                d, p = out[what]["duckdb"][-1], out[what]["postgresql"][-1]
                line.append(f"{what} {d.seconds:.2f}/{p.seconds:.2f} s")
            for what in ("first",):
                d, p = out[what]["duckdb"][-1][0], out[what]["postgresql"][-1][0]
                line.append(f"first rows {d.seconds:.2f}/{p.seconds:.2f} s")
            d, p = out["session"]["duckdb"][-1][1], out["session"]["postgresql"][-1][1]
            line.append(f"End {d['end_s']:.3f}/{p['end_s']:.3f} s")
            for label, res in (("keys DuckDB", d), ("keys PostgreSQL", p)):
                typed = [key["s"] for key in res["keys"] if key["key"] != "escape"]
                line.append(f"{label} median {statistics.median(typed):.3f} max {max(typed):.3f} s")
            log(f"  run {k}/{repeat} (DuckDB/PostgreSQL), load {load():.1f}: " + ", ".join(line))
    finally:
        remove_store(work)
        pg_drop(base, PG_WORK)
    return out


def side_by_side_table(info: dict, params: dict, rows: list[tuple[str, float | None, float | None, str, str]]) -> str:
    """One line a measure: DuckDB's and PostgreSQL's seconds, their ratio, the target and whether PostgreSQL
    meets it."""
    lines = [
        f"Machine: {info['nproc']} CPUs ({info['cpu']}), {info['memory_gb']} GB RAM, Python {info['python']}, "
        f"DuckDB {info['duckdb']}, PostgreSQL {params['server']}, custbook {info['custbook']} ({info['commit']})",
        f"Stores: {params['customers']:,} customers each; edit file: {params['rows']:,} rows ({params['expected']}); "
        f"runs: {params['repeat']}, DuckDB and PostgreSQL in turn; load average (1 min) during the PostgreSQL runs: "
        f"median {params['load_median']:.1f}, range {params['load_range']}",
        "",
    ]
    head = ("measure", "DuckDB s", "PostgreSQL s", "PG/DuckDB", "target (PostgreSQL)", "status")
    body = [
        (name, _fmt(d, ".3f"), _fmt(p, ".3f"), _fmt(p / d if d and p is not None else None, ".2f"), target, status)
        for name, d, p, target, status in rows
    ]
    widths = [max(len(r[i]) for r in (head, *body)) for i in range(len(head))]
    for i, r in enumerate((head, *body)):
        lines.append("  ".join([r[0].ljust(widths[0]), *(c.rjust(w) for c, w in zip(r[1:], widths[1:], strict=True))]))
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main_postgresql(args: argparse.Namespace) -> int:
    """`--db postgresql://...`: the issue's PostgreSQL figures next to DuckDB's, in one interleaved run."""
    full = args.customers == FULL_CUSTOMERS and args.rows == FULL_ROWS
    try:
        cmd = custbook_command()
        compile_bytecode()
        args.data.mkdir(parents=True, exist_ok=True)
        store, init, rebuilt = build_store(cmd, args.data, args.customers, args.rebuild)
        database, pg_init = build_pg_store(cmd, args.db, args.data, args.customers, args.rebuild)
        edits, meta = build_edits(cmd, store, args.data, args.customers, args.rows, args.rebuild or rebuilt)
        expected = meta["expected"]
        with _pg(args.db) as con:
            server = str(con.execute("SHOW server_version").fetchone()[0])
            buffers = str(con.execute("SHOW shared_buffers").fetchone()[0])
        log(f"Measuring both stores in turn ({args.repeat} run(s)) ...")
        got = measure_side_by_side(cmd, store, args.db, database, edits, args.data, expected, args.repeat)
    except BenchFailure as exc:
        log(f"Benchmark failed: {exc}")
        return 1
    med = statistics.median

    def sec(what: str, kind: str) -> float:
        return med(r.seconds for r in got[what][kind])

    def keys(kind: str) -> list[float]:
        return [k["s"] for _, r in got["session"][kind] for k in r["keys"] if k["key"] != "escape"]

    def short(kind: str) -> list[float]:  # the keys whose text is 1 or 2 characters long
        return [
            k["s"] for _, r in got["session"][kind] for k in r["keys"] if k["key"] != "escape" and len(k["text"]) <= 2
        ]

    values = {
        kind: {
            "plan": sec("plan", kind), "full": sec("full", kind), "commit": sec("full", kind) - sec("plan", kind),
            "first": med(r.seconds for r, _ in got["first"][kind]), "key": med(keys(kind)), "key_max": max(keys(kind)),
            "short": med(short(kind)), "end": med(r["end_s"] for _, r in got["session"][kind]),
        }
        for kind in ("duckdb", "postgresql")
    }  # fmt: skip
    d, p = values["duckdb"], values["postgresql"]

    def verdict(ok: bool) -> str:
        return ("OK" if ok else "OVER") if full else "n/a"

    rows = [
        (f"init --demo {args.customers:,}", init.seconds, pg_init.seconds, "", ""),
        (f"import --dry-run ({args.rows:,} rows)", d["plan"], p["plan"], "<= 2x DuckDB",
         verdict(p["plan"] <= 2 * d["plan"])),
        ("import (plan + commit)", d["full"], p["full"], "", ""),
        ("commit adds (import - dry-run)", d["commit"], p["commit"], "<= 2x DuckDB",
         verdict(p["commit"] <= 2 * d["commit"])),
        ("interface: start to first rows", d["first"], p["first"], "<= 1.0 s", verdict(p["first"] <= 1.0)),
        ("interface: keystroke to rows (median)", d["key"], p["key"], "<= 0.15 s", verdict(p["key"] <= 0.15)),
        ("interface: keystroke to rows (max)", d["key_max"], p["key_max"], "", ""),
        ("interface: 1-2 letter keystrokes (median)", d["short"], p["short"], "", ""),
        ("interface: jump to last row (End)", d["end"], p["end"], "<= 0.3 s", verdict(p["end"] <= 0.3)),
    ]  # fmt: skip
    loads = got["plan"]["load"] + got["full"]["load"] + got["first"]["load"] + got["session"]["load"]
    params = {
        "customers": args.customers, "rows": args.rows, "repeat": args.repeat,
        "server": f"{server}, shared_buffers {buffers}",
        "expected": ", ".join(f"{k} {v:,}" for k, v in expected.items() if k != "rows"),
        "load_median": med(loads), "load_range": f"{min(loads):.1f}-{max(loads):.1f}",
    }  # fmt: skip
    text = side_by_side_table(machine(), params, rows)
    text += f"\ninit: DuckDB {init.note}; PostgreSQL {pg_init.note}"
    text += "\ncommit adds, per run (DuckDB/PostgreSQL): " + ", ".join(
        f"{f.seconds - p.seconds:.2f}/{g.seconds - q.seconds:.2f} s"
        for p, f, q, g in zip(
            got["plan"]["duckdb"],
            got["full"]["duckdb"],
            got["plan"]["postgresql"],
            got["full"]["postgresql"],
            strict=True,
        )
    )
    if not full:
        text += "\n(targets apply only at full size: --customers 1000000 --rows 25000)"
    if args.json:
        log(text)
        print(json.dumps({"machine": machine(), "params": params, "values": values}))
    else:
        print(text)
    return 0 if all(r[4] != "OVER" for r in rows) else 3


# --- report ---------------------------------------------------------------------------------------------------------


def machine() -> dict[str, object]:
    cpu = ""
    mem_gb = None
    try:
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
        kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if "MemTotal" in line)
        mem_gb = round(kb / 2**20, 1)
    except (OSError, StopIteration, ValueError):
        pass
    try:
        commit = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
        ).stdout.strip()
    except OSError:
        commit = ""
    return {
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu": cpu,
        "memory_gb": mem_gb,
        "python": platform.python_version(),
        "duckdb": metadata.version("duckdb"),
        "custbook": metadata.version("custbook"),
        "commit": commit,
        "platform": platform.platform(),
    }


def _fmt(value: float | None, spec: str) -> str:
    return "n/a" if value is None else format(value, spec)


def _fmt_target(value: float | None) -> str:
    """1.0, 0.5, but 0.15: as many decimals as the target has (one or two)."""
    return _fmt(value, ".1f" if value is None or round(value, 1) == value else ".2f")


def table(info: dict, params: dict, measures: list[Measure]) -> str:
    lines = [
        f"Machine: {info['nproc']} CPUs ({info['cpu']}), {info['memory_gb']} GB RAM, Python {info['python']}, "
        f"DuckDB {info['duckdb']}, custbook {info['custbook']} ({info['commit']})",
        f"Store: {params['customers']:,} customers; edit file: {params['rows']:,} rows ({params['expected']}); "
        f"runs: {params['repeat']}; load average before/after measuring: {params['load']}",
        f"Views bench-10 (10 columns) and bench-all (every field): {', '.join(params['views']['filters'])}, sort "
        f"{params['views']['sort']}: {params['views']['matching']:,} customers match",
        f"Peak memory: each child's ru_maxrss, never below this script's size when it started one (at most "
        f"{params['spawn_floor_mb']:.0f} MB); the interface's lines: the child's own VmHWM",
        "",
    ]
    head = ("measure", "seconds", "CPU s", "peak MB", "target s", "target MB", "status", "note")
    body = [
        (
            m.name, _fmt(m.seconds, ".2f"), _fmt(m.cpu_s, ".2f"), _fmt(m.peak_mb, ".0f"), _fmt_target(m.target_s),
            _fmt(m.target_mb, ".0f"), m.status, m.note,
        )
        for m in measures
    ]  # fmt: skip
    widths = [max(len(r[i]) for r in (head, *body)) for i in range(len(head))]
    for i, r in enumerate((head, *body)):
        cells = [r[0].ljust(widths[0]), *(c.rjust(w) for c, w in zip(r[1:-1], widths[1:-1], strict=True)), r[-1]]
        lines.append("  ".join(cells).rstrip())
        if i == 0:
            lines.append("  ".join("-" * w for w in widths[:-1]) + "  ----")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark custbook import, export and interface on a demo store.")
    parser.add_argument("--customers", type=int, default=FULL_CUSTOMERS, help="store size (default 1,000,000)")
    parser.add_argument("--rows", type=int, default=FULL_ROWS, help="edit file rows (default 25,000)")
    parser.add_argument("--data", type=Path, default=ROOT / "bench-data", help="cache directory")
    parser.add_argument("--repeat", type=int, default=1, help="runs per measure; the median is reported")
    parser.add_argument("--rebuild", action="store_true", help="build the store and the edit file again")
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout (table on stderr)")
    parser.add_argument(
        "--db", metavar="URL", help="a PostgreSQL server (postgresql://...): its figures next to DuckDB's"
    )
    args = parser.parse_args(argv)
    if args.customers < 1 or args.rows < 10 or args.repeat < 1:
        parser.error("--customers must be >= 1, --rows >= 10 and --repeat >= 1")
    if args.db:
        if not args.db.startswith(("postgresql://", "postgres://")):
            parser.error("--db takes a PostgreSQL URL (postgresql://...); the DuckDB store is bench-data's own")
        return main_postgresql(args)

    full = args.customers == FULL_CUSTOMERS and args.rows == FULL_ROWS
    gb = 1024.0 if full else None
    try:
        cmd = custbook_command()
        compile_bytecode()
        args.data.mkdir(parents=True, exist_ok=True)
        store, init, rebuilt = build_store(cmd, args.data, args.customers, args.rebuild)
        if full:
            init.target_s = 60.0
        edits, meta = build_edits(cmd, store, args.data, args.customers, args.rows, args.rebuild or rebuilt)
        expected = meta["expected"]
        log(f"Measuring the import of {edits.name} ({args.repeat} run(s)) ...")
        load_before = os.getloadavg()[0]
        if load_before > (os.cpu_count() or 1):
            log(f"  warning: load average {load_before:.1f} on {os.cpu_count()} CPUs, wall times will be inflated.")
        runs = measure_imports(cmd, store, edits, args.data, expected, args.repeat)
        log(f"Measuring a file from another product through a column mapping ({args.repeat} run(s)) ...")
        import bench_mapping

        own_runs, foreign_runs, _ = bench_mapping.measure(
            cmd, store, edits, args.data, args.repeat, run_child, copy_store, remove_store
        )
        mapped = bench_mapping.summary(own_runs, foreign_runs)
        log(f"Measuring plans of an identical file and of one changing a field in each row ({args.repeat} run(s)) ...")
        import bench_plan

        identical, one_field = bench_plan.build_files(
            cmd, store, args.data, run_child, checked, copy_store, remove_store
        )
        fast_path = bench_plan.summary(
            bench_plan.measure(
                cmd, store, {"edits": edits, "identical": identical, "one field each": one_field}, args.repeat,
                run_child, copy_store, remove_store,
            )
        )  # fmt: skip
        log(f"Measuring exports of a view ({args.repeat} run(s)) ...")
        matching, exports = measure_exports(cmd, store, args.data, args.repeat)
        if args.customers == FULL_CUSTOMERS and not VIEW_ROWS[0] <= matching <= VIEW_ROWS[1]:
            log(f"  warning: the views match {matching:,} customers, not {VIEW_ROWS[0]:,}-{VIEW_ROWS[1]:,}.")
        log(f"Measuring the interface, headless ({args.repeat} run(s)) ...")
        interface = measure_interface(store, args.data, args.repeat, edits)
        load = f"{load_before:.1f}/{os.getloadavg()[0]:.1f}"
    except BenchFailure as exc:
        log(f"Benchmark failed: {exc}")
        return 1

    plans, fulls = runs[0::2], runs[1::2]
    per_run = [
        {"plan_s": p.seconds, "plan_cpu_s": p.cpu_s, "plan_mb": p.peak_mb, "full_s": f.seconds,
         "full_cpu_s": f.cpu_s, "full_mb": f.peak_mb}
        for p, f in zip(plans, fulls, strict=True)
    ]  # fmt: skip
    plan_s = statistics.median(r.seconds for r in plans)
    full_s = statistics.median(r.seconds for r in fulls)
    plan_cpu = statistics.median(r.cpu_s for r in plans)
    full_cpu = statistics.median(r.cpu_s for r in fulls)
    plan_mb = max(r.peak_mb for r in plans)
    full_mb = max(r.peak_mb for r in fulls)
    export = meta["export"]
    measures = [
        init,
        Measure(
            f"export --format import-csv ({meta['exported']:,} rows)", export["seconds"], export["peak_mb"],
            note=f"measured {meta['built']} while building the edit file", cpu_s=export.get("cpu_s"),
        ),
        Measure(
            f"import --dry-run ({args.rows:,} rows)", plan_s, plan_mb, 1.0 if full else None, gb, runs=per_run,
            cpu_s=plan_cpu,
        ),
        Measure("import (plan + commit)", full_s, full_mb, note="whole process", cpu_s=full_cpu),
        Measure(
            "commit adds (import - dry-run)", full_s - plan_s, full_mb, 1.0 if full else None, gb,
            cpu_s=full_cpu - plan_cpu,
        ),
        Measure(
            "import --dry-run, file identical to the store", fast_path["identical"]["seconds"],
            fast_path["identical"]["peak_mb"], 0.7 if full else None, gb, cpu_s=fast_path["identical"]["cpu_s"],
            note=f"{fast_path['identical']['ratio']:.1f}x DuckDB's floor (edit file in the same rounds: "
            f"{fast_path['edits']['ratio']:.1f}x)",
        ),
        Measure(
            "import --dry-run, every row changes one field", fast_path["one field each"]["seconds"],
            fast_path["one field each"]["peak_mb"], 1.6 if full else None, gb,
            cpu_s=fast_path["one field each"]["cpu_s"],
            note=f"{fast_path['one field each']['ratio']:.1f}x DuckDB's floor",
        ),
        Measure(
            "DuckDB's floor: read_csv + one join", fast_path["floor"]["seconds"], fast_path["floor"]["peak_mb"],
            cpu_s=fast_path["floor"]["cpu_s"], note="the edit file, a Python process opening the store",
        ),
        Measure(
            "import --dry-run, 25 columns, own headers", mapped["own_s"], mapped["own_mb"],
            note="the edit file's rows, 25 of its columns", cpu_s=statistics.median(r.cpu_s for r in own_runs),
        ),
        Measure(
            "import --dry-run, Salesforce-like, 50 columns", mapped["foreign_s"], mapped["foreign_mb"],
            bench_mapping.TARGET_RATIO * mapped["own_s"], gb,
            note=f"--map, 25 left out: {mapped['ratio']:.2f}x own headers (target {bench_mapping.TARGET_RATIO}x)",
            cpu_s=statistics.median(r.cpu_s for r in foreign_runs),
        ),
        *exports,
        *interface,
    ]  # fmt: skip
    if not full:
        for m in measures:
            m.target_s = m.target_mb = None
    info = machine()
    params = {"customers": args.customers, "rows": args.rows, "repeat": args.repeat, "full_size": full, "load": load}
    params["spawn_floor_mb"] = round(SPAWN_FLOOR_MB[0], 1)
    params["views"] = {"filters": list(VIEW_FILTERS), "sort": VIEW_SORT, "columns_10": VIEW_10, "matching": matching}
    params["expected"] = ", ".join(f"{k} {v:,}" for k, v in expected.items() if k != "rows")
    text = table(info, params, measures)
    if not full:
        text += "\n(targets apply only at full size: --customers 1000000 --rows 25000)"
    if args.json:
        log(text)
        result = {
            "machine": info,
            "params": params | {"expected": expected},
            "measures": [m.as_json() for m in measures],
        }
        print(json.dumps(result))
    else:
        print(text)
    return 0 if all(m.status != "OVER" for m in measures) else 3


if __name__ == "__main__":
    sys.exit(main())
