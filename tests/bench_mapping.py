"""The benchmark's file from another product (issue 14): the edit file's rows as a Salesforce-like export, planned
through a column mapping, against the same rows under custbook's own headers. Used by tests/bench.py; runnable
alone on the benchmark's cached data:

    python tests/bench_mapping.py --data bench-data --customers 1000000 --rows 25000 --repeat 5

The foreign file has 50 columns: the 25 below under Salesforce-style names (fed with `--map`, as a user would) and
25 columns of noise that the import leaves out (`--ignore-unknown`); the own file has the same 25 columns under
their field IDs. Both are planned (`--dry-run --json`) in turn on one copy of the store, K times each; both must
report the same counts. Target: the foreign file plans in no more than 1.3x the time of the own one.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import statistics
import sys
from pathlib import Path

# Field ID -> the column's name in the Salesforce-like file.
FOREIGN = {
    "CUSTOMERID": "AccountNumber", "NAME": "Account Name", "PRINTAS": "Legal Name", "STATUS": "Account Status",
    "CUSTTYPE": "Type", "TERMNAME": "Payment Terms__c", "CREDITLIMIT": "Credit Limit__c", "CURRENCY": "CurrencyIsoCode",
    "ONHOLD": "On Hold__c", "ONETIME": "One Time__c", "TAXABLE": "Taxable__c", "COMMENTS": "Description",
    "FIRSTNAME": "Contact First Name", "LASTNAME": "Contact Last Name", "PHONE1": "Phone", "PHONE2": "Other Phone",
    "FAX": "Fax", "EMAIL1": "Email__c", "URL1": "Website", "ADDRESS1": "BillingStreet", "CITY": "BillingCity",
    "STATE": "BillingState", "ZIP": "BillingPostalCode", "COUNTRY": "BillingCountry", "SEGMENT": "Segment__c",
}  # fmt: skip
NOISE = ("Id", "IsDeleted", "MasterRecordId", "OwnerId", "CreatedDate", "CreatedById", "LastModifiedDate",
         "LastModifiedById", "SystemModstamp", "LastActivityDate", "Sic", "Industry", "AnnualRevenue",
         "NumberOfEmployees", "Ownership", "TickerSymbol", "Rating", "Site", "Jigsaw", "AccountSource",
         "SicDesc", "ShippingStreet", "ShippingCity", "ShippingPostalCode", "ShippingCountry")  # fmt: skip
TARGET_RATIO = 1.3


def build_files(edits: Path, data: Path) -> tuple[Path, Path, list[str]]:
    """(own file, foreign file, the --map options) from the edit file, written once next to it."""
    own = data / f"{edits.stem}-own25.csv"
    foreign = data / f"{edits.stem}-salesforce50.csv"
    maps = [f"--map={name}={fid}" for fid, name in FOREIGN.items()]
    if own.exists() and foreign.exists() and own.stat().st_mtime >= edits.stat().st_mtime:
        return own, foreign, maps
    rng = random.Random(14)
    with edits.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        at = [header.index(fid) for fid in FOREIGN]
        with own.open("w", newline="", encoding="utf-8") as o, foreign.open("w", newline="", encoding="utf-8") as f:
            own_out, foreign_out = csv.writer(o), csv.writer(f)
            own_out.writerow(FOREIGN)
            # Noise and mapped columns interleaved, as a real export orders them.
            foreign_out.writerow([x for pair in zip(NOISE, FOREIGN.values()) for x in pair])
            for row in reader:
                cells = [row[i] if i < len(row) else "" for i in at]
                own_out.writerow(cells)
                noise = [f"001x{rng.randrange(16**10):010x}", "false", "", "005x0000000fNSiAAM",
                         "2006-04-15T03:23:15.000Z", "005x0000000fNSiAAM", "2006-04-15T03:28:53.000Z",
                         "005x0000000fNSiAAM",
                         "2006-04-15T03:28:53.000Z", "", str(rng.randrange(1000, 9999)), "Electronics",
                         str(rng.randrange(10**6, 10**9)), str(rng.randrange(1, 5000)), "Public", "", "Hot", "", "",
                         "Web", "", "1 Main Street", "Springfield", "12345", "US"]  # fmt: skip
                foreign_out.writerow([x for pair in zip(noise, cells) for x in pair])
    return own, foreign, maps


def measure(cmd: list[str], store: Path, edits: Path, data: Path, repeat: int, run_child, copy_store, remove_store):
    """Interleaved dry runs of both files on one copy of the store: (own runs, foreign runs, counts)."""
    own, foreign, maps = build_files(edits, data)
    work = data / "work-mapping.duckdb"
    copy_store(store, work)
    own_runs, foreign_runs = [], []
    counts: dict[str, object] = {}
    try:
        for _ in range(repeat):
            for path, extra, runs in ((own, [], own_runs), (foreign, [*maps, "--ignore-unknown"], foreign_runs)):
                run = run_child([*cmd, "--db", str(work), "import", str(path), "--dry-run", "--json", *extra])
                result = json.loads(run.out)
                got = {k: result[k] for k in ("rows", "created", "updated", "unchanged", "blanked", "failed")}
                if run.code not in (0, 1) or (counts and got != counts):
                    raise RuntimeError(
                        f"{path.name}: exit {run.code}, counts {got} (expected {counts}): {run.err[:500]}"
                    )
                counts = got
                runs.append(run)
    finally:
        remove_store(work)
    return own_runs, foreign_runs, counts


def summary(own_runs, foreign_runs) -> dict[str, float]:
    own_s = statistics.median(r.seconds for r in own_runs)
    foreign_s = statistics.median(r.seconds for r in foreign_runs)
    return {
        "own_s": own_s, "foreign_s": foreign_s, "ratio": foreign_s / own_s,
        "own_mb": max(r.peak_mb for r in own_runs), "foreign_mb": max(r.peak_mb for r in foreign_runs),
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import bench

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=bench.ROOT / "bench-data")
    parser.add_argument("--customers", type=int, default=bench.FULL_CUSTOMERS)
    parser.add_argument("--rows", type=int, default=bench.FULL_ROWS)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    cmd = bench.custbook_command()
    store = args.data / f"store-{args.customers}.duckdb"
    edits = args.data / f"edits-{args.customers}-{args.rows}.csv"
    own_runs, foreign_runs, counts = measure(
        cmd, store, edits, args.data, args.repeat, bench.run_child, bench.copy_store, bench.remove_store
    )
    s = summary(own_runs, foreign_runs)
    print(f"counts {counts}")
    print(f"own headers (25 columns): {s['own_s']:.2f} s, {s['own_mb']:.0f} MB; Salesforce-like (50 columns, 25 "
          f"left out): {s['foreign_s']:.2f} s, {s['foreign_mb']:.0f} MB; ratio {s['ratio']:.2f} (target <= "
          f"{TARGET_RATIO})")  # fmt: skip
    return 0 if s["ratio"] <= TARGET_RATIO else 3


if __name__ == "__main__":
    sys.exit(main())
