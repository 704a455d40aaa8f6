"""The service tests' store: each test in this folder that asks for `store` runs on both stores in turn (a DuckDB
file, then a PostgreSQL database made by the role alice), since the services do not know which they talk to; `alice`
is that store's first user, its administrator. A module whose commands run through `cli_any` takes its store from
there instead (test_import_rows)."""

from __future__ import annotations

import pytest

from core.users import User
from store.base import CustomerStore as Store


@pytest.fixture
def store(both_stores: Store) -> Store:
    return both_stores


@pytest.fixture
def alice(both_stores_alice: User) -> User:
    return both_stores_alice
