"""Pausing sign-in for an email, from one client, after repeated failures.

Failures are counted per submitted email and client address together: whoever
guesses from one address is paused, and the account's owner, signing in from
another, is not (a lock on the email alone would let anyone keep an admin out with
a wrong password every few minutes). Each client address is also limited across
all emails by Flask-Limiter. The count is kept whether or not an account has the
email, so a pause looks the same for every address and tells an attacker nothing;
it lives in the database, so every app process and server sees it.
"""

import hashlib
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from clinic.extensions import db
from clinic.models import SignInFailure

# The count of wrong sign-in codes for an account from every network together:
# someone holding the password cannot spread guesses over many addresses.
ANY_NETWORK = "(any network)"
# The count of wrong passwords for an account from every network together, with a
# higher threshold and a longer pause (STAFF_ACCOUNT_LOCK_*): guesses spread over
# many addresses are slowed to a few dozen an hour.
ALL_PASSWORDS = "(passwords, any network)"


def email_key(email: str, client: str) -> str:
    """Key the count by a digest, so the table holds no typed addresses."""
    return hashlib.sha256(f"{email.strip().lower()}\n{client}".encode()).hexdigest()


def failures(email: str, client: str) -> int:
    """The failures counted now for this email from this client."""
    row = db.session.get(SignInFailure, email_key(email, client))
    return row.failures if row is not None else 0


def locked_until(email: str, client: str, now: datetime) -> datetime | None:
    """When sign-in for this email from this client opens again, or None when it
    is open now."""
    row = db.session.get(SignInFailure, email_key(email, client))
    if row is not None and row.locked_until and row.locked_until > now:
        return row.locked_until
    return None


def record_failure(email: str, client: str, now: datetime) -> None:
    """Count a failure in the caller's transaction, locking on the last allowed one."""
    config = current_app.config
    if client == ALL_PASSWORDS:
        minutes, allowed = (
            config["STAFF_ACCOUNT_LOCK_MINUTES"],
            config["STAFF_ACCOUNT_LOCK_AFTER_FAILURES"],
        )
    else:
        minutes, allowed = (
            config["STAFF_LOCK_MINUTES"],
            config["STAFF_LOCK_AFTER_FAILURES"],
        )
    window = timedelta(minutes=minutes)
    table = SignInFailure.__table__
    stamp = table.c.first_failed_at.type

    def at(moment: datetime):
        # Typed, so the database gets UTC whatever its session's time zone.
        return db.literal(moment, stamp)

    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    statement = insert(table).values(
        email_key=email_key(email, client), failures=1, first_failed_at=now
    )
    # One statement, so two failures at once cannot both read the old count.
    fresh = table.c.first_failed_at < at(now - window)
    failures = db.case((fresh, 1), else_=table.c.failures + 1)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.email_key],
        set_={
            "failures": failures,
            "first_failed_at": db.case((fresh, at(now)), else_=table.c.first_failed_at),
            "locked_until": db.case(
                (failures >= allowed, at(now + window)),
                else_=None,
            ),
        },
    )
    db.session.execute(statement)


def clear(email: str, client: str) -> None:
    key = email_key(email, client)
    db.session.execute(db.delete(SignInFailure).where(SignInFailure.email_key == key))
