"""Storage: migrations, SQLite transaction set-up, upserts, tokens, concurrency, fork safety."""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from helpers import web
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from assessment.content.model import Questionnaire
from assessment.engine.answers import Response
from webapp.db import Database
from webapp.models import Base
from webapp.store import (
    create_assessment,
    find_assessment,
    save_responses,
    stored_responses,
    token_hash,
)


def _db(app: Flask) -> Database:
    db: Database = app.extensions["tqm_db"]
    return db


def _quick(app: Flask) -> Questionnaire:
    questionnaire: Questionnaire = app.extensions["tqm_library"].questionnaires["tqm-quick"]
    return questionnaire


def _new(app: Flask) -> tuple[str, int]:
    with _db(app).transaction() as session:
        token = create_assessment(session, _quick(app), "Org", "staff")
        record = find_assessment(session, token)
    assert record is not None and record.organisation == "Org"  # the token finds what was created
    return token, record.id


def test_migrations_match_the_models(app: Flask) -> None:
    with _db(app).engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert diff == []
    assert version == "0005"


def test_upgrade_twice_changes_nothing(app: Flask) -> None:
    _new(app)
    _db(app).upgrade()
    with _db(app).engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM assessments")).scalar() == 1


def test_token_lookup(app: Flask) -> None:
    token, ident = _new(app)
    with _db(app).transaction() as session:
        assert find_assessment(session, token).id == ident  # type: ignore[union-attr]
        assert find_assessment(session, ("A" if token[0] != "A" else "B") + token[1:]) is None
        assert find_assessment(session, "not a token") is None
        stored = session.execute(text("SELECT token_hash FROM assessments")).scalar()
    assert stored == token_hash(token) and len(stored) == 64


def test_upsert_keeps_the_last_write_per_question(app: Flask) -> None:
    _, ident = _new(app)
    db = _db(app)
    with db.transaction() as session:
        save_responses(session, ident, {"a.x": Response(2.0), "a.y": Response(None, "unknown")})
    with db.transaction() as session:
        save_responses(session, ident, {"a.x": Response(5.0, "value", "ev", "note")})
    with db.transaction() as session:
        stored = stored_responses(session, ident)
    assert stored == {
        "a.x": Response(5.0, "value", "ev", "note"),
        "a.y": Response(None, "unknown"),
    }


def test_a_failed_transaction_stores_nothing(app: Flask) -> None:
    _, ident = _new(app)
    with pytest.raises(IntegrityError), _db(app).transaction() as session:
        save_responses(session, ident, {"a.x": Response(3.0)})
        save_responses(session, ident, {"a.y": Response(None, "bogus")})  # check constraint
    with _db(app).transaction() as session:
        assert stored_responses(session, ident) == {}


def test_answers_go_with_their_assessment(app: Flask) -> None:
    _, ident = _new(app)
    with _db(app).transaction() as session:
        save_responses(session, ident, {"a.x": Response(3.0)})
    with _db(app).transaction() as session:
        session.execute(text("DELETE FROM assessments"))
    with _db(app).engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM answers")).scalar() == 0


def test_concurrent_read_then_write_from_threads(app: Flask) -> None:
    _, ident = _new(app)
    db, errors = _db(app), []

    def work(n: int) -> None:
        try:
            for i in range(15):
                with db.transaction() as session:
                    stored_responses(session, ident)
                    save_responses(session, ident, {f"q.t{n}": Response(float(i % 5 + 1))})
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with db.transaction() as session:
        assert len(stored_responses(session, ident)) == 4


def _child_writes(db: Database, ident: int, n: int, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    """In a forked process: use the inherited Database (it must make its own engine)."""
    try:
        for i in range(20):
            with db.transaction() as session:
                stored_responses(session, ident)
                save_responses(session, ident, {f"q.p{n}": Response(float(i % 5 + 1))})
        queue.put(("ok", id(db.engine)))
    except Exception as exc:  # pragma: no cover - reported by the parent
        queue.put(("error", repr(exc)))


def test_forked_processes_get_their_own_engine(app: Flask) -> None:
    _, ident = _new(app)
    db = _db(app)
    parent_engine = id(db.engine)
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    children = [ctx.Process(target=_child_writes, args=(db, ident, n, queue)) for n in range(3)]
    for child in children:
        child.start()
    outcomes = [queue.get(timeout=60) for _ in children]
    for child in children:
        child.join(30)
    assert [status for status, _ in outcomes] == ["ok"] * 3, outcomes
    with db.transaction() as session:
        assert len(stored_responses(session, ident)) == 3
    assert id(db.engine) == parent_engine


def _sqlite_path(app: Flask) -> Path:
    url = make_url(_db(app).url)
    if url.get_backend_name() != "sqlite":
        pytest.fail("this test is for SQLite only; it is parametrised below")
    return Path(url.database or "")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_sqlite_pragmas(app: Flask) -> None:
    with _db(app).engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.connection.dbapi_connection.isolation_level is None  # type: ignore[union-attr]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_sqlite_transactions_take_the_write_lock_at_begin(app: Flask) -> None:
    other = sqlite3.connect(_sqlite_path(app), timeout=0, isolation_level=None)
    try:
        with _db(app).transaction() as session:
            session.execute(text("SELECT count(*) FROM assessments"))  # a read only
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # free again after commit
        other.execute("ROLLBACK")
    finally:
        other.close()


def test_database_dispose_and_recreate(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'd.sqlite3'}")
    db.upgrade()
    first = db.engine
    db.dispose()
    assert db.engine is not first
    db.dispose()


def test_concurrent_start_ups_migrate_once(database_url: str) -> None:
    """gunicorn workers start together: every one runs `upgrade head` on a fresh database."""
    errors: list[Exception] = []

    def start() -> None:
        try:
            Database(database_url).upgrade()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    db = Database(database_url)
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [
            "0005"
        ]
    db.dispose()


def test_unreachable_postgres_fails_with_a_clear_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(web, "POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:1/test")
    with pytest.raises(pytest.fail.Exception, match="PostgreSQL is not reachable"):
        web.postgres_admin()
