"""The web app's commands, run as `flask --app webapp COMMAND` (registered by `init_cli`).

    flask --app webapp db upgrade   bring the database to the migrations' head: before starting
                                    gunicorn and after every update of the code
    flask --app webapp db current   the database's revision and the head (exit 1 when they differ)
    flask --app webapp serve        the development server; it upgrades the database first

The database is DATABASE_URL from the environment, by default SQLite in instance/tqm.sqlite3.
`tqm serve` is an alias of `serve` that runs it in a fresh interpreter (the library never imports
Flask).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, ScriptInfo, pass_script_info, with_appcontext
from werkzeug.serving import run_simple

from .db import Database, head_revisions

db = AppGroup("db", help="The database's schema (Alembic migrations).")


def init_cli(app: Flask) -> None:
    """Register the commands on `app.cli` (what `flask --app webapp` lists)."""
    app.cli.add_command(db)
    app.cli.add_command(serve_command)


def app_database() -> Database:
    """The Database of the current app."""
    database: Database = current_app.extensions["tqm_db"]
    return database


def upgrade_database() -> None:
    """Migrate the current app's database to head and say where it is now."""
    database = app_database()
    database.upgrade()
    click.echo(f"{database.display_url()}: at revision {', '.join(head_revisions())} (head)")


@db.command("upgrade")
def upgrade_command() -> None:
    """Migrate the database to the latest revision (safe to repeat; concurrent runs wait)."""
    upgrade_database()


@db.command("current")
def current_command() -> None:
    """Show the database's revision and the head; exit 1 when the database is behind."""
    database = app_database()
    current = ", ".join(database.revisions()) or "none (empty database)"
    head = ", ".join(head_revisions())
    click.echo(f"{database.display_url()}: at revision {current}; head {head}")
    if not database.is_at_head():
        click.echo("run `flask --app webapp db upgrade`", err=True)
        sys.exit(1)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option(
    "--upgrade/--no-upgrade",
    default=True,
    show_default=True,
    help="Run `db upgrade` before serving.",
)
@click.option(
    "--content",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="A folder with your own frameworks/, questionnaires/ and rules/ (TQM_CONTENT).",
)
@with_appcontext
@pass_script_info
def serve_command(
    info: ScriptInfo, host: str, port: int, upgrade: bool, content: Path | None
) -> None:
    """Run the development server, after `db upgrade` unless --no-upgrade.

    Threaded, without reloader or debugger; production runs gunicorn instead.
    """
    if upgrade:
        upgrade_database()
    app = info.load_app() if content is None else _app_with_content(content)
    click.echo(f"http://{host}:{port}/")
    run_simple(host, port, app, threaded=True)


def _app_with_content(content: Path) -> Flask:
    """The app serving `content` (its problems, each named, end the command with exit 1)."""
    from . import create_app

    os.environ["TQM_CONTENT"] = str(content.resolve())  # what create_app reads, like gunicorn
    return create_app()
