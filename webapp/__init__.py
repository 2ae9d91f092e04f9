"""The Flask web application (a thin layer over the `assessment` library).

`create_app()` loads and validates the content once (a content problem raises ContentProblems and
stops start-up), configures storage and registers the commands. It never touches the database: the
engine is created lazily in each process (so the app may be built before gunicorn forks), and the
schema changes only by command, `flask --app webapp db upgrade` (webapp/cli.py).
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from assessment.problems import ProblemsFound

from .accounts import init_accounts
from .catalog import load_content
from .cli import init_cli
from .config import ContentProblems, configure, instance_folder
from .db import init_db
from .i18n import init_i18n
from .limits import init_limits
from .security import init_security
from .templating import init_templating
from .views import register_blueprints


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Application factory: configuration, content, database, blueprints, commands."""
    app = Flask(__name__, instance_path=instance_folder(config), instance_relative_config=True)
    configure(app, config)
    app.json.sort_keys = False  # type: ignore[attr-defined]  # keep the contract's key order
    try:
        app.extensions["tqm_library"] = load_content(app.config.get("TQM_CONTENT"))
    except ProblemsFound as exc:
        raise ContentProblems(exc.problems) from None
    init_db(app)
    init_i18n(app)
    init_security(app)
    init_templating(app)
    register_blueprints(app)
    init_accounts(app)
    init_limits(app)  # wraps views: after every blueprint (accounts' too)
    init_cli(app)
    return app
