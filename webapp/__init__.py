"""The Flask web application (a thin layer over the `assessment` library).

`create_app()` loads and validates the content once (a content problem raises ProblemsFound and
stops start-up), configures storage and runs the database migrations to head. The database engine
itself is created lazily in each process, so the app may be built before gunicorn forks.
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from .accounts import init_accounts
from .catalog import load_content
from .config import configure
from .db import Database
from .i18n import init_i18n
from .security import init_security
from .templating import init_templating
from .views import register_blueprints


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Application factory: configuration, content, database, blueprints."""
    app = Flask(__name__, instance_relative_config=True)
    configure(app, config)
    app.json.sort_keys = False  # type: ignore[attr-defined]  # keep the contract's key order
    app.extensions["tqm_library"] = load_content(app.config.get("TQM_CONTENT"))
    database = Database(app.config["DATABASE_URL"])
    database.upgrade()
    app.extensions["tqm_db"] = database
    init_i18n(app)
    init_security(app)
    init_templating(app)
    register_blueprints(app)
    init_accounts(app)
    return app
