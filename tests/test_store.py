"""The store: migrations, the query helpers, concurrent writers, unreachable databases."""

import threading
from datetime import UTC, date, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlmodel import SQLModel, select

from toezegging.config import Config
from toezegging.errors import ConfigError, InvalidInput, NotFound
from toezegging.model import DeadlineChange, Promise, is_overdue
from toezegging.store import (
    Store,
    current_revision,
    get_promise,
    head_revision,
    histories,
    open_store,
    query_promises,
    upgrade_schema,
)

NOW = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)
TODAY = date(2026, 6, 10)


def promise(**kw) -> Promise:
    fields = dict(
        text="De Kamer wordt geïnformeerd",
        deadline="voor eind 2026",
        reference=date(2026, 6, 1),
        earliest=date(2026, 6, 1),
        latest=date(2026, 12, 31),
        kind="part",
        created_at=NOW,
        updated_at=NOW,
    )
    fields.update(kw)
    return Promise(**fields)


def test_schema_is_at_the_newest_migration(store):
    assert current_revision(store.engine) == head_revision()
    store.create_schema()  # a second time changes nothing
    assert current_revision(store.engine) == head_revision()


def test_migration_head_matches_the_models(store):
    with store.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, SQLModel.metadata)
    assert diff == [], f"the models changed without a migration: {diff}"


def test_an_upgrade_keeps_the_data(database_url):
    s = Store(database_url)
    upgrade_schema(s.engine, "0001")  # the schema of the first release
    with s.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO promise (text, deadline, reference, earliest, latest, kind, hedged, "
                "estimated, explanation, open_ended, tags, status, created_at, updated_at, revision) "
                "VALUES ('Brief aan de Kamer', 'voor de zomer', '2026-06-10', '2026-06-10', "
                "'2026-07-02', 'recess', false, false, '', false, '[\"zeden\"]', 'open', "
                "'2026-06-10 10:00:00', '2026-06-10 10:00:00', 0)"
            )
        )
    s.create_schema()
    assert current_revision(s.engine) == head_revision()
    with s.session() as session:
        (p,) = session.exec(select(Promise)).all()
        assert (p.text, p.deadline, p.latest, p.tags) == (
            "Brief aan de Kamer",
            "voor de zomer",
            date(2026, 7, 2),
            ["zeden"],
        )
    s.dispose()


def test_open_store_uses_the_config_and_migrates(database_url, monkeypatch):
    monkeypatch.setenv("TOEZEGGING_DATABASE_URL", database_url)
    s = open_store(Config())
    assert current_revision(s.engine) == head_revision()
    s.dispose()


def test_a_store_is_a_context_manager_that_closes_it_however_the_block_ends(database_url, monkeypatch):
    monkeypatch.setenv("TOEZEGGING_DATABASE_URL", database_url)
    with open_store(Config()) as store:
        with store.session() as s:
            s.exec(select(Promise)).all()
        pool = store.engine.pool
        assert pool.checkedin() == 1  # the session's connection, kept for the next one
    assert pool.checkedin() == 0 and store.engine.pool is not pool  # disposed
    with pytest.raises(KeyError), open_store(Config()) as store:
        pool = store.engine.pool
        with store.session() as s:
            s.exec(select(Promise)).all()
        raise KeyError("the command failed")
    assert pool.checkedin() == 0 and store.engine.pool is not pool


def test_open_store_refuses_a_bad_url(monkeypatch):
    monkeypatch.setenv("TOEZEGGING_DATABASE_URL", "not a url")
    with pytest.raises(ConfigError, match="not valid"):
        open_store(Config())
    monkeypatch.setenv("TOEZEGGING_DATABASE_URL", "mysql://x@localhost/db")
    with pytest.raises(ConfigError, match="sqlite"):
        open_store(Config())


def test_open_store_explains_an_unreachable_database(monkeypatch):
    monkeypatch.setenv("TOEZEGGING_DATABASE_URL", "postgresql+psycopg://nobody:secret@127.0.0.1:9/none")
    with pytest.raises(ConfigError, match="cannot open the database") as e:
        open_store(Config())
    assert "secret" not in str(e.value)


def test_get_promise(store):
    with store.session() as s:
        s.add(promise())
    with store.session() as s:
        assert get_promise(s, 1).text == "De Kamer wordt geïnformeerd"
        assert get_promise(s, "#1").id == 1
        with pytest.raises(NotFound, match="no promise with id 7"):
            get_promise(s, 7)
        with pytest.raises(NotFound, match="not a promise id"):
            get_promise(s, "abc")


@pytest.fixture
def register(store):
    with store.session() as s:
        s.add_all(
            [
                promise(
                    text="A",
                    latest=date(2026, 12, 31),
                    ministry="Justitie en Veiligheid",
                    tags=["zeden"],
                    owner="Staf@example.org",
                ),
                promise(text="B", latest=date(2026, 6, 1), ministry="OCW", status="open"),
                promise(text="C event", latest=None, earliest=None, kind="event", deadline="na de pilot"),
                promise(
                    text="D",
                    latest=date(2026, 7, 2),
                    status="fulfilled",
                    tags=["zeden", "wodc"],
                    notes="zie Kamerstuk 28345-300",
                ),
                promise(text="E 50%_x", latest=date(2026, 6, 30), ministry="VWS", tags=['a"b']),
            ]
        )
    return store


@pytest.mark.parametrize(
    "filters, texts",
    [
        ({}, ["B", "E 50%_x", "D", "A", "C event"]),
        ({"status": "open"}, ["B", "E 50%_x", "A", "C event"]),
        ({"status": "all"}, ["B", "E 50%_x", "D", "A", "C event"]),
        ({"status": ["fulfilled", "partly"]}, ["D"]),
        ({"ministry": "justitie"}, ["A"]),
        ({"ministry": ["ocw", "vws"]}, ["B", "E 50%_x"]),
        ({"tag": "zeden"}, ["D", "A"]),
        ({"tag": "ZEDEN", "status": "open"}, ["A"]),
        ({"tag": 'a"b'}, ["E 50%_x"]),
        ({"owner": "staf@example.org"}, ["A"]),
        ({"overdue": True, "today": TODAY}, ["B"]),
        ({"overdue": False, "today": TODAY, "status": "open"}, ["E 50%_x", "A", "C event"]),
        ({"due_within_days": 30, "today": TODAY}, ["E 50%_x", "D"]),
        ({"search": "28345"}, ["D"]),
        ({"search": "50%"}, ["E 50%_x"]),
        ({"search": "PILOT"}, ["C event"]),
    ],
    ids=lambda v: str(v) if isinstance(v, dict) else None,
)
def test_query_promises(register, filters, texts):
    with register.session() as s:
        assert [p.text for p in query_promises(s, **filters)] == texts


def test_query_promises_refuses_an_unknown_status(register):
    with register.session() as s, pytest.raises(InvalidInput, match="unknown status 'done'"):
        query_promises(s, status="done")


def test_the_overdue_rule_reads_the_same_in_python_and_in_sql(store):
    """`model.is_overdue` and `model.overdue_clause` are one rule: every status with every
    kind of `latest` (none, before, on and after today) is overdue in both or in neither."""
    days = {"none": None, "before": date(2026, 6, 9), "on": TODAY, "after": date(2026, 6, 11)}
    with store.session() as s:
        s.add_all(
            [
                promise(text=f"{status} {when}", status=status, latest=day, earliest=day)
                for status in ("open", "fulfilled", "lapsed")
                for when, day in days.items()
            ]
        )
    with store.session() as s:
        late = {p.text for p in query_promises(s, overdue=True, today=TODAY)}
        on_time = {p.text for p in query_promises(s, overdue=False, today=TODAY)}
        everything = query_promises(s)
    assert late == {p.text for p in everything if is_overdue(p.status, p.latest, TODAY)}
    assert late == {"open before"}
    assert on_time == {p.text for p in everything} - late


def test_histories_in_one_query(store):
    with store.session() as s:
        p = promise()
        s.add(p)
        s.flush()
        for new in ("juni 2026", "juli 2026"):
            s.add(
                DeadlineChange(
                    promise_id=p.id, changed_at=NOW, reference=TODAY, old_deadline="x", new_deadline=new
                )
            )
    with store.session() as s:
        assert [c.new_deadline for c in histories(s, [1, 2])[1]] == ["juni 2026", "juli 2026"]
        assert histories(s, [1, 2])[2] == []


def test_two_writers_at_once_lose_nothing(database_url):
    Store(database_url).create_schema()
    stores = [Store(database_url, busy_timeout=30) for _ in range(2)]
    errors = []

    def write(st: Store, n: int):
        try:
            for i in range(25):
                with st.session() as s:
                    s.add(promise(text=f"{n}-{i}"))
        except Exception as e:  # pragma: no cover - the failure we test against
            errors.append(e)

    threads = [threading.Thread(target=write, args=(st, n)) for n, st in enumerate(stores)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with stores[0].session() as s:
        assert len(s.exec(select(Promise)).all()) == 50
    for st in stores:
        st.dispose()
