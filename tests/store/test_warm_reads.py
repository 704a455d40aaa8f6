"""The customer list keeps the store open between its reads (`Store.read(warm=True)`), and still lets every writer
in: this process's own saves at once, and other programs' imports while the user keeps typing and scrolling."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import pytest
from acting import ADMIN
from csv_files import csv_bytes

from core.values import DateFormat
from services.edit import save_customer
from store.duck import DuckStore as Store
from store.fields import catalogue
from store.query import get_customer


def test_a_save_right_after_warm_reads_goes_through(cli, db):
    (db.parent / "seed.csv").write_bytes(csv_bytes([["CUSTOMERID", "NAME", "PRINTAS"], ["C1", "Ann", "Ann"]]))
    assert cli("import", str(db.parent / "seed.csv")).code == 0
    store = Store(db, busy_seconds=2)
    for _ in range(3):
        with store.read(warm=True) as con:
            con.execute("SELECT count(*) FROM customers").fetchone()
    cat = catalogue(store)
    record = get_customer(store, cat, "C1", user=ADMIN)
    assert record is not None
    result = save_customer(
        store, user=ADMIN, entity=None, values={"CITY": "Lyon"}, customer_id="C1",
        expected_version=record["ROWVERSION"], date_format=DateFormat.DMY_SLASH, original=record,
    )  # fmt: skip
    assert result.batch is not None
    assert get_customer(store, cat, "C1", user=ADMIN)["CITY"] == "Lyon"


@pytest.mark.slow  # a long interface journey: in the full run (README), not the everyday loop
def test_another_programs_import_gets_in_while_the_list_keeps_reading(cli, db, tmp_path):
    cli("init")
    store = Store(db)
    stop = threading.Event()
    reads = 0

    def keep_reading() -> None:  # a user typing and scrolling without a pause
        nonlocal reads
        while not stop.is_set():
            with store.read(warm=True) as con:
                con.execute("SELECT count(*) FROM customers").fetchone()
            reads += 1
            time.sleep(0.05)

    reader = threading.Thread(target=keep_reading)
    reader.start()
    try:
        time.sleep(0.3)
        path = tmp_path / "new.csv"
        path.write_bytes(csv_bytes([["CUSTOMERID", "NAME", "PRINTAS"], ["N1", "New", "New"]]))
        env = {**os.environ, "CUSTBOOK_USER": "alice", "CUSTBOOK_BUSY_SECONDS": "5"}  # the default wait
        done = subprocess.run(
            [sys.executable, "-m", "custbook", "--db", str(db), "import", str(path)],
            env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    finally:
        stop.set()
        reader.join()
    assert done.returncode == 0, done.stderr
    assert reads > 10
    assert get_customer(store, catalogue(store), "N1", user=ADMIN) is not None
