"""Adding the emails a lead causes to the outbox."""

from datetime import UTC, datetime, timedelta
from email.utils import make_msgid
from functools import cache
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import TextClause, bindparam, func, select, text

from clinic.extensions import db
from clinic.models import Lead, OutboxEmail
from clinic.vocabulary import EmailKind, EmailStatus

COLUMNS = ("lead_id", "kind", "message_id", "created_at", "next_attempt_at")


@cache
def insert_rows(count: int) -> TextClause:
    """One INSERT of `count` rows, written once: a single round trip to a database
    server (a list of parameters goes as one statement per row), and no compiling
    per request (SQLAlchemy does not cache a multi-row VALUES construct)."""
    table = OutboxEmail.__table__
    rows = ", ".join(
        "(" + ", ".join(f":{column}_{n}" for column in COLUMNS) + ", :status, 0)"
        for n in range(count)
    )
    statement = text(
        f"INSERT INTO {table.name} ({', '.join(COLUMNS)}, status, attempts) "
        f"VALUES {rows}"
    )
    return statement.bindparams(
        bindparam("status", EmailStatus.PENDING, type_=table.c.status.type),
        *(
            bindparam(f"{column}_{n}", type_=table.c[column].type)
            for column in COLUMNS
            for n in range(count)
        ),
    )


def enqueue_lead_emails(lead_id: int, patient_email: str) -> None:
    """Owe the clinic a notification and the patient an acknowledgement, in the
    caller's transaction; no acknowledgement past the day's allowance for that
    address, so the form cannot be used to flood someone's mailbox."""
    kinds = [EmailKind.CLINIC_NOTIFICATION]
    if acknowledgements_today(patient_email) < current_app.config["ACKS_PER_ADDRESS"]:
        kinds.append(EmailKind.PATIENT_ACK)
    domain = urlsplit(current_app.config["SITE_URL"]).hostname or "localhost"
    now = datetime.now(UTC)
    params = {}
    for row, kind in enumerate(kinds):
        values = (lead_id, kind, make_msgid(kind, domain), now, now)
        params |= {
            f"{column}_{row}": v for column, v in zip(COLUMNS, values, strict=True)
        }
    db.session.execute(insert_rows(len(kinds)), params)


def acknowledgements_today(address: str) -> int:
    """How many acknowledgements were owed to this address in the last 24 hours
    (its mailbox in any mix of capitals), reading only the day's leads."""
    return db.session.scalar(
        select(func.count(OutboxEmail.id))
        .select_from(Lead)
        .join(OutboxEmail)
        .where(
            Lead.created_at > datetime.now(UTC) - timedelta(days=1),
            func.lower(Lead.email) == address.lower(),
            OutboxEmail.kind == EmailKind.PATIENT_ACK,
        )
    )
