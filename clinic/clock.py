"""The clinic's clocks: now in UTC, the clinic's time zone and its name, and the one
clock that decides what data expires and who holds an email: the
database's.

Every web process and sender asks the same database, so a machine whose clock is
wrong (restarted fast, stepped back) cannot purge what is not yet due, nor take an
email another sender still holds. PostgreSQL answers with its server's clock; SQLite
lives in this process and has no clock of its own, so there the machine's is used,
and the retention purge also checks it against the data (retention.clock_problem).
"""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

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


def utcnow() -> datetime:
    return datetime.now(UTC)


def zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["CLINIC_TIMEZONE"])


# How patients name the US zones; any other is shown as its key.
ZONE_NAMES = {
    "America/Los_Angeles": "Pacific Time",
    "America/Denver": "Mountain Time",
    "America/Phoenix": "Arizona Time",
    "America/Chicago": "Central Time",
    "America/New_York": "Eastern Time",
}


def zone_name() -> str:
    key = current_app.config["CLINIC_TIMEZONE"]
    return ZONE_NAMES.get(key, key)
