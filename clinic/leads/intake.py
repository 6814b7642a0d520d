"""Turning a valid form into a stored lead, with its emails owed, in one transaction."""

from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from clinic.appointments import changes
from clinic.booking.forms import ConsultationForm
from clinic.booking.tokens import FormToken
from clinic.extensions import db
from clinic.models import Appointment, Lead
from clinic.outbox.queue import enqueue_lead_emails
from clinic.pages import privacy
from clinic.vocabulary import EmailKind, LeadStatus

# Built once: a plain table INSERT with its values passed as parameters is compiled
# once and reused, where the ORM would redo its bookkeeping for every request.
INSERT_LEAD = insert(Lead.__table__).returning(Lead.__table__.c.id)


def spam_reason(form: ConsultationForm, token: FormToken) -> str | None:
    """Say why a submission looks automated, or None for a person."""
    if form.website.data:
        return "hidden honeypot field was filled in"
    minimum = current_app.config["BOOKING_MIN_SECONDS"]
    age = token.age()
    # Below zero the form was shown "in the future": this machine's clock stepped
    # back since, which says nothing about who filled it in.
    if 0 <= age < minimum:
        return f"sent {age:.1f} s after the form was shown (minimum {minimum} s)"
    return None


def submit(form: ConsultationForm) -> tuple[int, Appointment | None]:
    """Store the request, its appointment when a time was chosen, and the emails
    they cause, in one transaction; return the lead's id and the appointment.

    A replayed form finds its lead. There is no look-up first: the unique token
    decides, so the database's write lock is held only for the inserts, which are
    plain INSERT statements rather than the ORM's unit of work to keep them short.
    A time taken meanwhile (changes.TimeTaken), or one past the patient's cap
    (changes.TooManyBookings), stores nothing.
    """
    token = form.token
    reason = spam_reason(form, token)
    values = {
        "submission_token": token.nonce,
        "spam_reason": reason,
        "status": LeadStatus.SPAM if reason else LeadStatus.NEW,
        "first_name": form.first_name.data,
        "last_name": form.last_name.data,
        "email": form.email.data,
        "phone": form.phone.data,
        "treatment": form.treatment.data,
        "preferred_date": form.preferred_date.data,
        "preferred_time": form.preferred_time.data,
        "contact_method": form.contact_method.data,
        "message": form.message.data or "",
        "consent_at": datetime.now(UTC),
        "privacy_version": privacy.version(),
        "source_path": token.source_path,
        **token.utm,
    }
    appointment = None
    try:
        lead_id = db.session.execute(INSERT_LEAD, values).scalar_one()
        if reason is None and form.start is not None:
            lead = db.session.get(Lead, lead_id)
            appointment = changes.book(lead, form.start, online=True)
            enqueue_lead_emails(lead_id, (EmailKind.CLINIC_NOTIFICATION,))
        elif reason is None:
            enqueue_lead_emails(lead_id)
        db.session.commit()
    except IntegrityError:
        # A replay or a double click: the form's first request stored it.
        db.session.rollback()
        existing = find_by_token(token.nonce)
        if existing is None:
            raise
        return existing.id, existing.appointment
    except (changes.TimeTaken, changes.TooManyBookings):
        db.session.rollback()
        raise
    return lead_id, appointment


def find_by_token(nonce: str) -> Lead | None:
    return db.session.scalar(select(Lead).where(Lead.submission_token == nonce))
