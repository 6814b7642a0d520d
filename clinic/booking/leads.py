"""Turning a valid form into a stored lead, with its emails owed, in one transaction."""

from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from clinic.booking.forms import ConsultationForm
from clinic.booking.tokens import FormToken
from clinic.extensions import db
from clinic.models import Lead
from clinic.outbox.queue import enqueue_lead_emails


def spam_reason(form: ConsultationForm, token: FormToken) -> str | None:
    """Say why a submission looks automated, or None for a person."""
    if form.website.data:
        return "hidden honeypot field was filled in"
    minimum = current_app.config["BOOKING_MIN_SECONDS"]
    age = token.age()
    if age < minimum:
        return f"sent {age:.1f} s after the form was shown (minimum {minimum} s)"
    return None


def submit(form: ConsultationForm) -> Lead:
    """Store the request and the emails it causes; a replayed form finds its lead.

    There is no look-up first: the unique token decides, so the database's write lock
    is held only for the insert itself.
    """
    token = form.token
    reason = spam_reason(form, token)
    lead = Lead(
        submission_token=token.nonce,
        is_spam=reason is not None,
        spam_reason=reason,
        status="spam" if reason else "new",
        first_name=form.first_name.data,
        last_name=form.last_name.data,
        email=form.email.data,
        phone=form.phone.data,
        treatment=form.treatment.data,
        preferred_date=form.preferred_date.data,
        preferred_time=form.preferred_time.data,
        contact_method=form.contact_method.data,
        message=form.message.data or "",
        consent_at=datetime.now(UTC),
        privacy_version=str(current_app.extensions["privacy"].meta["version"]),
        source_path=token.source_path,
        **token.utm,
    )
    db.session.add(lead)
    if not lead.is_spam:
        enqueue_lead_emails(lead)
    try:
        db.session.commit()
    except IntegrityError:
        # A replay or a double click: the form's first request stored it.
        db.session.rollback()
        existing = find_by_token(token.nonce)
        if existing is None:
            raise
        return existing
    return lead


def find_by_token(nonce: str) -> Lead | None:
    return db.session.scalar(select(Lead).where(Lead.submission_token == nonce))
