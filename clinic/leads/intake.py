"""Storing a consultation request as a lead, with its appointment and the emails
it causes, in one transaction."""

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from clinic.appointments import changes
from clinic.extensions import db
from clinic.models import Appointment, Lead
from clinic.outbox.queue import enqueue_lead_emails
from clinic.vocabulary import EmailKind, LeadStatus

# Built once: a plain table INSERT with its values passed as parameters is compiled
# once and reused, where the ORM would redo its bookkeeping for every request.
INSERT_LEAD = insert(Lead.__table__).returning(Lead.__table__.c.id)


@dataclass(frozen=True)
class ConsultationRequest:
    """What a patient sent: the lead's own columns, the form's one-time token, why
    it looks automated (None for a person), and the time chosen, if any."""

    fields: dict
    nonce: str
    spam_reason: str | None
    start: datetime | None


def submit(request: ConsultationRequest) -> tuple[int, Appointment | None]:
    """Store the request, its appointment when a time was chosen, and the emails
    they cause, in one transaction; return the lead's id and the appointment.

    A replayed form finds its lead. There is no look-up first: the unique token
    decides, so the database's write lock is held only for the inserts, which are
    plain INSERT statements rather than the ORM's unit of work to keep them short.
    A time taken meanwhile (changes.TimeTaken), or one past the patient's cap
    (changes.TooManyBookings), stores nothing.
    """
    reason = request.spam_reason
    values = {
        **request.fields,
        "submission_token": request.nonce,
        "spam_reason": reason,
        "status": LeadStatus.SPAM if reason else LeadStatus.NEW,
        "consent_at": datetime.now(UTC),
    }
    appointment = None
    try:
        lead_id = db.session.execute(INSERT_LEAD, values).scalar_one()
        if reason is None and request.start is not None:
            lead = db.session.get(Lead, lead_id)
            appointment = changes.book(lead, request.start, online=True)
            enqueue_lead_emails(lead_id, (EmailKind.CLINIC_NOTIFICATION,))
        elif reason is None:
            enqueue_lead_emails(lead_id)
        db.session.commit()
    except IntegrityError:
        # A replay or a double click: the form's first request stored it.
        db.session.rollback()
        existing = find_by_token(request.nonce)
        if existing is None:
            raise
        return existing.id, existing.appointment
    except Exception:
        # Refused (changes.TimeTaken, changes.TooManyBookings) or the database
        # away: nothing of it is kept, and the session is ready for the next use.
        db.session.rollback()
        raise
    return lead_id, appointment


def find_by_token(nonce: str) -> Lead | None:
    return db.session.scalar(select(Lead).where(Lead.submission_token == nonce))
