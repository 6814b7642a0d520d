"""What staff do to a lead, each step committed with its audit event."""

from datetime import UTC, datetime, timedelta
from email.utils import make_msgid

from flask import current_app
from sqlalchemy import update

from clinic import audit
from clinic.extensions import db
from clinic.models import Lead, LeadNote, OutboxEmail, StaffUser
from clinic.outbox import transport
from clinic.outbox.queue import enqueue_lead_emails
from clinic.refusals import Clash
from clinic.vocabulary import AppointmentStatus, AuditAction, EmailStatus, LeadStatus

# A note repeated by its author within this time is a double click, not a new note.
REPEAT_WINDOW = timedelta(minutes=2)


class Conflict(Clash):
    """The lead changed since the page was shown; the message says how."""


def change_status(
    lead: Lead,
    new: LeadStatus,
    shown: LeadStatus,
    note: tuple[StaffUser, str] | None = None,
) -> bool:
    """Move a lead along the workflow, unless someone else moved it meanwhile, with
    the note written alongside in the same transaction; False when it already had
    that status (a second click: the note, if new, is still kept)."""
    if lead.status == new:
        if note and _note(lead, *note):
            db.session.commit()
        return False
    if new not in shown.next:
        raise Conflict(
            f"A {shown.label.lower()} lead cannot become {new.label.lower()}."
        )
    if new in ENDS_BOOKING:
        still_booked(lead)
    values = {"status": new}
    if new.means_contacted and lead.first_contacted_at is None:
        values["first_contacted_at"] = datetime.now(UTC)
    # Compare and set in one statement: two people clicking at once cannot both win.
    changed = db.session.execute(
        update(Lead).where(Lead.id == lead.id, Lead.status == shown).values(**values)
    ).rowcount
    if not changed:
        db.session.rollback()
        raise Conflict("Someone else changed this lead's status; here it is now.")
    audit.record(AuditAction.STATUS, lead.id, f"{shown} → {new}")
    if note:
        _note(lead, *note)
    db.session.commit()
    return True


# A lead in one of these no longer holds a time: closing it (or calling it spam)
# while its appointment stands would leave the patient coming to a lead nobody
# works, and the retention purge would one day remove both without a word.
ENDS_BOOKING = (
    LeadStatus.CLOSED,
    LeadStatus.CANCELLED,
    LeadStatus.COMPLETED,
    LeadStatus.NO_SHOW,
    LeadStatus.SPAM,
)


def still_booked(lead: Lead) -> None:
    """Refuse to end a lead whose appointment is still to come."""
    standing = lead.appointment
    if (
        standing is not None
        and standing.status == AppointmentStatus.BOOKED
        and standing.starts_at > datetime.now(UTC)
    ):
        db.session.rollback()
        raise Conflict(
            "This lead has an appointment to come: cancel it first (the patient is "
            "emailed), then change the lead."
        )


def assign(lead: Lead, staff: StaffUser | None) -> None:
    before = lead.assigned_to.email if lead.assigned_to else "nobody"
    lead.assigned_to = staff
    audit.record(
        AuditAction.ASSIGN, lead.id, f"{before} → {staff.email if staff else 'nobody'}"
    )
    db.session.commit()


def add_note(lead: Lead, author: StaffUser, body: str) -> bool:
    """Append a note; False when it repeats the author's last one from a moment ago
    (a double click or a resent form)."""
    added = _note(lead, author, body)
    db.session.commit()
    return added


def _note(lead: Lead, author: StaffUser, body: str) -> bool:
    """Add a note to the session, unless it repeats the author's last one."""
    body, now = body.strip(), datetime.now(UTC)
    last = lead.notes[-1] if lead.notes else None
    if (
        last
        and last.author_id == author.id
        and last.body == body
        and now - last.created_at < REPEAT_WINDOW
    ):
        return False
    db.session.add(LeadNote(lead=lead, author=author, body=body, created_at=now))
    # The note's text stays with the lead; the trail only says one was written.
    audit.record(AuditAction.NOTE, lead.id)
    return True


def release_from_spam(lead: Lead) -> None:
    """Put a lead wrongly taken for spam back among the new ones and send the emails
    it was owed."""
    if lead.status != LeadStatus.SPAM:
        raise Conflict("This lead is not marked as spam.")
    lead.status = LeadStatus.NEW
    if not lead.emails:
        enqueue_lead_emails(lead.id)
    audit.record(AuditAction.RELEASE, lead.id, lead.spam_reason or "marked by staff")
    db.session.commit()


def send_again(lead: Lead, email: OutboxEmail) -> None:
    """Retry an email now, or send another copy of one already delivered (once:
    a copy still waiting is not doubled by a second click)."""
    now = datetime.now(UTC)
    waiting = [
        e
        for e in lead.emails
        if e.kind == email.kind and e.status == EmailStatus.PENDING
    ]
    if email.status == EmailStatus.SENT and waiting:
        return
    if email.status == EmailStatus.SENT:
        copy = OutboxEmail(
            lead=lead,
            kind=email.kind,
            message_id=new_message_id(email),
            appointment_id=email.appointment_id,
            subject=email.subject,
            body=email.body,
        )
        db.session.add(copy)
    else:
        email.status, email.attempts, email.lease_until = EmailStatus.PENDING, 0, None
        email.next_attempt_at = now
    audit.record(AuditAction.RESEND, lead.id, f"{email.kind} (was {email.status})")
    db.session.commit()


def new_message_id(email: OutboxEmail) -> str:
    domain = email.message_id.rsplit("@", 1)[-1].rstrip(">")
    return make_msgid(email.kind, domain)


def checkpoint_log() -> None:
    """On SQLite, secure_delete has zeroed deleted rows in the database file; move
    them out of the write-ahead log too, so no copy of them stays on disk. Outside
    any transaction, which a checkpoint cannot run inside."""
    if db.engine.dialect.name != "sqlite":
        return
    connection = db.engine.raw_connection()
    try:
        connection.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()


def merge(lead: Lead, into: Lead, author: StaffUser) -> None:
    """Fold a patient's repeat request into their earlier one: it is closed, and
    each lead says where the other is (a note), so the queue holds one record for
    one patient and nothing the patient wrote is lost."""
    still_booked(lead)
    if lead.status != LeadStatus.CLOSED:
        changed = db.session.execute(
            update(Lead)
            .where(Lead.id == lead.id, Lead.status == lead.status)
            .values(status=LeadStatus.CLOSED)
        ).rowcount
        if not changed:
            db.session.rollback()
            raise Conflict("Someone else changed this lead's status; here it is now.")
    _note(lead, author, f"Merged into #{into.id}: the same patient asked again.")
    _note(into, author, f"Request #{lead.id} from the same patient merged here.")
    audit.record(AuditAction.MERGE, lead.id, f"into #{into.id}")
    audit.record(AuditAction.MERGE, into.id, f"#{lead.id} merged here")
    db.session.commit()


def delete(
    lead: Lead,
    others: list[Lead] = (),
    why: str = "deleted on the patient's request",
    checkpoint: bool = True,
) -> None:
    """Remove a patient's leads (this one and `others`, theirs too) and everything
    personal about them, keeping a record that each was deleted, and why: the audit
    trail never held patient data. `checkpoint=False` leaves the log's copies for
    the caller to checkpoint once (the retention purge, batch after batch)."""
    doomed = [lead, *others]
    message_ids = [email.message_id for each in doomed for email in each.emails]
    for each in doomed:
        lead_id = each.id
        db.session.delete(each)
        audit.record(AuditAction.DELETE, lead_id, why)
    db.session.commit()
    if checkpoint:
        checkpoint_log()
    if not current_app.config["MAIL_SERVER"]:
        for message_id in message_ids:
            transport.discard_files(message_id)
