"""The database: one SQLAlchemy engine per process, created lazily (after any fork), its migrations,
and the guard that refuses requests while the schema is behind them.

Migrations run by command (`flask --app webapp db upgrade`, webapp/cli.py), never when the app is
built: gunicorn workers would each migrate, and a deploy would change the schema as a side effect.
An app whose database is not at the migrations' head answers every request with 503 and a page (or,
under /api/, a JSON error) that names the command, and logs the same as an error, until it is.

SQLite (the embedded default) is set up for concurrent "read, then write" requests from several
processes: WAL journal, busy_timeout 5000 ms, foreign keys on, and every transaction opened with
``BEGIN IMMEDIATE`` by SQLAlchemy itself, with pysqlite's own transaction handling switched off
(``isolation_level = None``; the recipe of the SQLAlchemy docs, "Serializable isolation /
Savepoints / Transactional DDL"). A deferred BEGIN would fail a read-then-write transaction with
SQLITE_BUSY_SNAPSHOT, at once and without waiting, whenever another process wrote in between.
PostgreSQL runs at its default READ COMMITTED; answers are written with INSERT .. ON CONFLICT DO
UPDATE, so the last write wins.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, Response, current_app, request
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from .security import json_error, wants_json

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
MIGRATION_LOCK = 0x74716D  # pg_advisory_xact_lock key: one migrating process at a time
BUSY_TIMEOUT_MS = 5000
UPGRADE_COMMAND = "flask --app webapp db upgrade"
# Answer whatever the database's state: /readyz reports it (an unreachable database there is a
# 503 naming it, where the guard's own query would fail the request with a 500).
UNGUARDED = frozenset({"pages.readyz"})
NOT_UPGRADED_PAGE = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Database not upgraded</title></head><body>
<h1>The database is not up to date</h1>
<p>The operator must run <code>{UPGRADE_COMMAND}</code>, then reload this page.</p>
<h1 lang="zh-CN">数据库尚未升级</h1>
<p lang="zh-CN">请运维人员运行 <code>{UPGRADE_COMMAND}</code>，然后重新加载本页。</p>
</body></html>
"""


def make_engine(url: str) -> Engine:
    """An engine for the URL; SQLite gets WAL, busy_timeout, foreign keys and BEGIN IMMEDIATE."""
    if make_url(url).get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    """Turn off pysqlite's implicit BEGIN/COMMIT and set the pragmas of every connection."""
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in (
        f"busy_timeout={BUSY_TIMEOUT_MS}",  # first, so that switching to WAL waits too
        "journal_mode=WAL",
        "foreign_keys=ON",
        "synchronous=NORMAL",
    ):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    """Take the write lock at the start: no SQLITE_BUSY_SNAPSHOT on read-then-write."""
    connection.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    """The engine and session factory of the current process."""

    def __init__(self, url: str):
        self.url = url
        self._pid: int | None = None
        self._engine: Engine | None = None
        self._sessions: sessionmaker[Session] | None = None
        self._lock = threading.Lock()
        self._at_head = False

    @property
    def engine(self) -> Engine:
        """This process's engine; a forked child gets its own and leaves the parent's alone."""
        if self._pid != os.getpid():
            with self._lock:
                if self._pid != os.getpid():
                    if self._engine is not None:
                        self._engine.dispose(close=False)
                    self._engine = make_engine(self.url)
                    self._sessions = sessionmaker(self._engine, expire_on_commit=False)
                    self._pid = os.getpid()
        assert self._engine is not None
        return self._engine

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on any error."""
        self.engine  # noqa: B018 - make sure the session factory belongs to this process
        assert self._sessions is not None
        with self._sessions.begin() as session:
            yield session

    def upgrade(self) -> None:
        """Run the migrations to head with a temporary engine (no connection survives a fork).

        On PostgreSQL an advisory lock makes concurrent upgrades (two deploys at once) wait for
        each other; the second finds the schema at head and does nothing.
        """
        engine = make_engine(self.url)
        try:
            with engine.begin() as connection:
                if connection.dialect.name == "postgresql":
                    connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
                command.upgrade(alembic_config(connection), "head")
        finally:
            engine.dispose()
        self._at_head = True

    def revisions(self) -> tuple[str, ...]:
        """The revisions the database is at: none when empty, head_revisions() when up to date."""
        with self.engine.connect() as connection:
            return tuple(sorted(MigrationContext.configure(connection).get_current_heads()))

    def is_at_head(self) -> bool:
        """Whether the schema is at the migrations' head (once it is, this process stops asking)."""
        if not self._at_head:
            self._at_head = self.revisions() == head_revisions()
        return self._at_head

    def display_url(self) -> str:
        """The URL without its password, for messages."""
        return make_url(self.url).render_as_string(hide_password=True)

    def dispose(self) -> None:
        """Close this process's connections (tests, shutdown)."""
        if self._engine is not None and self._pid == os.getpid():
            self._engine.dispose()
        self._engine = self._sessions = self._pid = None


def init_db(app: Flask) -> None:
    """The app's Database (app.extensions["tqm_db"]) and the guard on every request."""
    app.extensions["tqm_db"] = Database(app.config["DATABASE_URL"])
    app.before_request(refuse_until_upgraded)


def refuse_until_upgraded() -> Response | tuple[Response, int] | None:
    """503 with what to do while the database's schema is not at the migrations' head."""
    if request.endpoint in UNGUARDED:
        return None
    database: Database = current_app.extensions["tqm_db"]
    if database.is_at_head():
        return None
    current_app.logger.error(
        "the database %s is at revision %s, the app needs %s: run `%s`",
        database.display_url(),
        ", ".join(database.revisions()) or "(empty)",
        ", ".join(head_revisions()),
        UPGRADE_COMMAND,
    )
    if wants_json():
        return json_error(503, f"the database is not up to date: run `{UPGRADE_COMMAND}`")
    return Response(NOT_UPGRADED_PAGE, 503, content_type="text/html; charset=utf-8")


@cache
def head_revisions() -> tuple[str, ...]:
    """The head revisions of the migrations in webapp/migrations/versions (read once)."""
    return tuple(sorted(ScriptDirectory.from_config(alembic_config()).get_heads()))


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration, built in code (no alembic.ini)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    config.set_main_option("path_separator", "os")
    config.attributes["connection"] = connection
    return config
