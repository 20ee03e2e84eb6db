"""Alembic environment: runs on the engine the app (or a test) hands over."""

from __future__ import annotations

from alembic import context

from milo_desktop.models import Base

config = context.config
engine = config.attributes.get("engine")


def run_migrations_online() -> None:
    if engine is None:
        raise RuntimeError("migrations run from milo_desktop.models.db.migrate(engine)")
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
