"""Alembic environment: always given an open connection by webapp.db (there is no alembic.ini).

To add a migration after changing webapp/models.py, from the project root:

    .venv/bin/python -c "from webapp.db import alembic_config, make_engine; from alembic import command; \
e = make_engine('sqlite:///instance/tqm.sqlite3'); c = e.connect(); \
command.revision(alembic_config(c), 'what changed', autogenerate=True); c.commit()"
"""

from __future__ import annotations

from alembic import context

from webapp.models import Base

connection = context.config.attributes.get("connection")
if connection is None or context.is_offline_mode():
    raise RuntimeError("webapp migrations run online with a connection from webapp.db")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
