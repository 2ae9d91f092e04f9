"""The database: one SQLAlchemy engine per process, created lazily (after any fork), and migrations.

SQLite (the embedded default) is set up for concurrent "read, then write" requests from several
processes (FIELD-NOTES "Flask and storage"): WAL journal, busy_timeout 5000 ms, foreign keys on, and
every transaction opened with ``BEGIN IMMEDIATE`` by SQLAlchemy itself, with pysqlite's own
transaction handling switched off (``isolation_level = None``; the recipe of the SQLAlchemy docs,
"Serializable isolation / Savepoints / Transactional DDL"). PostgreSQL runs at its default READ
COMMITTED; answers are written with INSERT .. ON CONFLICT DO UPDATE, so the last write wins.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
MIGRATION_LOCK = 0x74716D  # pg_advisory_xact_lock key: one migrating process at a time
BUSY_TIMEOUT_MS = 5000


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
        """Run the migrations to head with a temporary engine (no connection survives a fork)."""
        engine = make_engine(self.url)
        try:
            with engine.begin() as connection:
                if connection.dialect.name == "postgresql":
                    connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
                command.upgrade(alembic_config(connection), "head")
        finally:
            engine.dispose()

    def dispose(self) -> None:
        """Close this process's connections (tests, shutdown)."""
        if self._engine is not None and self._pid == os.getpid():
            self._engine.dispose()
        self._engine = self._sessions = self._pid = None


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration, built in code (no alembic.ini)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    config.set_main_option("path_separator", "os")
    config.attributes["connection"] = connection
    return config
