"""Replies from a lead's page: the clinic's templates, filled in for one patient,
and the email owed through the outbox like every other, so a mail server that is
down loses nothing and the lead shows each reply with its delivery state."""

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from clinic import audit, identity
from clinic.extensions import db
from clinic.models import Lead, OutboxEmail, ReplyTemplate, StaffUser
from clinic.outbox.queue import message_id
from clinic.refusals import Clash
from clinic.treatments import catalog
from clinic.vocabulary import AuditAction, EmailKind

PLACEHOLDER = re.compile(r"\{(\w+)\}")
# A second press of Send within this time, with the same words, sends nothing more.
REPEAT_WINDOW = timedelta(minutes=2)


def templates() -> list[ReplyTemplate]:
    return list(db.session.scalars(select(ReplyTemplate).order_by(ReplyTemplate.name)))


def chosen(value: str | None) -> ReplyTemplate | None:
    """The template a form's choice names; None for anything that is not a plain
    number a database id can be (not "²", not 99999999999999)."""
    if not value or not re.fullmatch(r"[0-9]{1,9}", value):
        return None
    return db.session.get(ReplyTemplate, int(value))


def fill(text: str, lead: Lead) -> str:
    """Put the patient's and the clinic's details in place of {first_name} and the
    like; an unknown {word} is left as written, for staff to see in the preview."""
    clinic = identity.current()
    treatment = catalog.get(lead.treatment)
    values = {
        "first_name": lead.first_name,
        "last_name": lead.last_name,
        "treatment": treatment.title if treatment else lead.treatment,
        "clinic_name": clinic.name,
        "clinic_phone": clinic.phone,
    }
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def send(lead: Lead, author: StaffUser, subject: str, body: str) -> bool:
    """Owe the patient this reply (filled in); False when the same words went to the
    same lead a moment ago (a double click)."""
    subject, body = fill(subject, lead).strip(), fill(body, lead).strip()
    now = datetime.now(UTC)
    for earlier in lead.emails:
        if (
            earlier.kind == EmailKind.REPLY
            and (earlier.subject, earlier.body) == (subject, body)
            and now - earlier.created_at < REPEAT_WINDOW
        ):
            return False
    db.session.add(
        OutboxEmail(
            lead=lead,
            kind=EmailKind.REPLY,
            message_id=message_id(EmailKind.REPLY),
            created_at=now,
            next_attempt_at=now,
            subject=subject,
            body=body,
        )
    )
    # Who wrote to the patient, never what: the words stay with the lead.
    audit.record(AuditAction.REPLY, lead.id, f"by {author.email}")
    db.session.commit()
    return True


class NameTaken(Clash):
    """Another template already has that name."""


def get_or_404(template_id: int) -> ReplyTemplate:
    return db.get_or_404(ReplyTemplate, template_id)


def save(template: ReplyTemplate, name: str, subject: str, body: str, done: str):
    """Store a template's words, recorded in the activity log; NameTaken when
    another template already has the name."""
    template.name, template.subject, template.body = name, subject, body
    db.session.add(template)
    try:
        audit.record(AuditAction.TEMPLATES, detail=f"{done} {template.name!r}")
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise NameTaken("A template already has that name.") from None


def remove(template: ReplyTemplate) -> None:
    """Delete a template (replies already sent keep their words)."""
    db.session.delete(template)
    audit.record(AuditAction.TEMPLATES, detail=f"removed {template.name!r}")
    db.session.commit()
