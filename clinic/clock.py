"""The one clock that decides what data expires and who holds an email: the
database's.

Every web process and sender asks the same database, so a machine whose clock is
wrong (restarted fast, stepped back) cannot purge what is not yet due, nor take an
email another sender still holds. PostgreSQL answers with its server's clock; SQLite
lives in this process and has no clock of its own, so there the machine's is used,
and the retention purge also checks it against the data (retention.clock_problem).
"""

from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import func, select

from clinic.extensions import db


def database_now() -> datetime:
    """Now, by the database's clock (CLOCK_FROM_DATABASE), in UTC."""
    if (
        current_app.config["CLOCK_FROM_DATABASE"]
        and db.engine.dialect.name == "postgresql"
    ):
        return db.session.scalar(select(func.now())).astimezone(UTC)
    return datetime.now(UTC)
