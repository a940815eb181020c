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
def database_factory(request, tmp_path):
    """Makes URLs of fresh, empty databases on one backend (SQLite files or PostgreSQL schemas)."""
    backend = request.param
    made: list[str] = []
    admin = create_engine(make_url(os.environ[PG_ENV])) if backend == "postgresql" else None

    def make() -> str:
        if backend == "sqlite":
            made.append(f"toezegging-{len(made) + 1}.db")
            return f"sqlite:///{tmp_path / made[-1]}"
        schema = f"t_{uuid.uuid4().hex[:12]}"
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        made.append(schema)
        url = make_url(os.environ[PG_ENV]).update_query_dict({"options": f"-csearch_path={schema}"})
        return url.render_as_string(hide_password=False)

    make.backend = backend
    try:
        yield make
    finally:
        if admin is not None:
            with admin.begin() as conn:
                for schema in made:  # PostgreSQL schemas
                    conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


@pytest.fixture
def database_url(database_factory):
    """A database URL for an empty database: a SQLite file, or a fresh PostgreSQL schema."""
    return database_factory()


@pytest.fixture
def store(database_url):
    """An open `Store` on an empty database with the schema created."""
    s = Store(database_url)
    s.create_schema()
    try:
        yield s
    finally:
        s.dispose()
