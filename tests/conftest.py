"""Shared fixtures: `store` runs each test on SQLite and, when
`TOEZEGGING_TEST_DATABASE_URL` is set, on PostgreSQL too (each test in a clean schema).
"""

import os
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from toezegging.store import Store

PG_ENV = "TOEZEGGING_TEST_DATABASE_URL"


def _backends() -> list[str]:
    return ["sqlite", "postgresql"] if os.environ.get(PG_ENV) else ["sqlite"]


@pytest.fixture(params=_backends())
def database_url(request, tmp_path):
    """A database URL for an empty database: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'toezegging.db'}"
        return
    base = make_url(os.environ[PG_ENV])
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = base.update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def store(database_url):
    """An open `Store` on an empty database with the schema created."""
    s = Store(database_url)
    s.create_schema()
    try:
        yield s
    finally:
        s.dispose()
