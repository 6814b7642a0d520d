"""Adding the emails a lead causes to the outbox."""

from datetime import UTC, datetime
from email.utils import make_msgid
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import TextClause, bindparam, text, update

from clinic.extensions import db
from clinic.models import OutboxEmail
from clinic.outbox import background
from clinic.vocabulary import EmailKind, EmailStatus

KINDS = (EmailKind.CLINIC_NOTIFICATION, EmailKind.PATIENT_ACK)
COLUMNS = ("lead_id", "kind", "message_id", "created_at", "next_attempt_at")


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


def message_id(kind: EmailKind) -> str:
    """A new Message-ID on the site's own domain."""
    domain = urlsplit(current_app.config["SITE_URL"]).hostname or "localhost"
    return make_msgid(kind, domain)


def enqueue_lead_emails(lead_id: int, kinds: tuple[EmailKind, ...] = KINDS) -> None:
    """Owe the clinic a notification and the patient an acknowledgement (or the
    kinds named), in the caller's transaction."""
    now = datetime.now(UTC)
    params = {}
    for row, kind in enumerate(kinds):
        values = (lead_id, kind, message_id(kind), now, now)
        params |= {
            f"{column}_{row}": v for column, v in zip(COLUMNS, values, strict=True)
        }
    db.session.execute(INSERT_EMAILS[len(kinds)], params)
    background.owed(db.session())


INSERT_EMAILS = {count: insert_rows(count) for count in (1, len(KINDS))}


def enqueue_clinic_alert(kind: EmailKind, subject: str, body: str, path: str) -> None:
    """Owe the clinic an email about something staff should look at, with the link
    to the staff page for it, in the caller's transaction."""
    link = current_app.config["SITE_URL"] + path
    db.session.add(
        OutboxEmail(
            kind=kind,
            message_id=message_id(kind),
            subject=subject,
            body=f"{body}\n\n{link}\n",
        )
    )


def enqueue(
    kind: EmailKind,
    lead_id: int,
    appointment_id: int | None,
    due: datetime | None = None,
) -> None:
    """Owe one email in the caller's transaction; `due` holds it back until then (a
    reminder): it is not pending for any sender, however hurried, before that."""
    now = datetime.now(UTC)
    db.session.add(
        OutboxEmail(
            lead_id=lead_id,
            appointment_id=appointment_id,
            kind=kind,
            message_id=message_id(kind),
            created_at=now,
            next_attempt_at=due or now,
        )
    )


def enqueue_staff_email(
    kind: EmailKind,
    staff_id: int | None = None,
    invitation_id: int | None = None,
    subject: str | None = None,
    body: str | None = None,
) -> None:
    """Owe a member of staff an email about their account, in the caller's
    transaction: a link is made when it is sent, so the table never holds one."""
    db.session.add(
        OutboxEmail(
            staff_id=staff_id,
            invitation_id=invitation_id,
            kind=kind,
            message_id=message_id(kind),
            subject=subject,
            body=body,
        )
    )


def withdraw(appointment_id: int, kind: EmailKind) -> None:
    """Stop an email not yet sent: the reminder of an appointment moved or
    cancelled. One already claimed is looked at again just before it goes, and
    not sent (delivery.no_longer_owed)."""
    db.session.execute(
        update(OutboxEmail)
        .where(
            OutboxEmail.appointment_id == appointment_id,
            OutboxEmail.kind == kind,
            OutboxEmail.status == EmailStatus.PENDING,
        )
        .values(status=EmailStatus.WITHDRAWN)
    )
