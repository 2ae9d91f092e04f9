"""Alembic migrations of the web app's database (run by webapp.db.Database.upgrade at start-up)."""
