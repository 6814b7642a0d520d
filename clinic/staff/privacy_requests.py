"""A patient's privacy request in one place: every lead of theirs, found by email or
phone, exported as JSON for an access request, or erased for a deletion request."""

import json
from datetime import UTC, datetime

import phonenumbers
from flask import current_app
from sqlalchemy import func, or_, select

from clinic import identity
from clinic.extensions import db
from clinic.models import Lead
from clinic.staff import leads
from clinic.vocabulary import LeadStatus


def as_phone(contact: str) -> str | None:
    """The contact as a stored (E.164) phone number, if it reads as one."""
    if "@" in contact:
        return None
    try:
        number = phonenumbers.parse(contact, current_app.config["CLINIC_COUNTRY"])
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def find(contact: str) -> list[Lead]:
    """Every lead of the patient with this email or phone, spam included, linked on
    by their other emails and phones as the lead page links them; oldest first."""
    contact = contact.strip()
    match = [func.lower(Lead.email) == contact.lower()]
    phone = as_phone(contact)
    if phone:
        match.append(Lead.phone == phone)
    first = db.session.scalars(
        select(Lead).where(or_(*match)).order_by(Lead.created_at, Lead.id)
    ).first()
    if first is None:
        return []
    return sorted(
        [first, *leads.same_patient(first, with_spam=True)],
        key=lambda lead: (lead.created_at, lead.id),
    )


def stamp(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat() if moment else None


def record(lead: Lead) -> dict:
    """What the clinic holds about one request, in plain words and ISO dates."""
    return {
        "reference": lead.id,
        "received": stamp(lead.created_at),
        "status": LeadStatus(lead.status).label,
        "first_name": lead.first_name,
        "last_name": lead.last_name,
        "email": lead.email,
        "phone": lead.phone,
        "treatment": lead.treatment,
        "preferred_date": lead.preferred_date.isoformat(),
        "preferred_time": lead.preferred_time,
        "contact_method": lead.contact_method,
        "message": lead.message,
        "consent_given": stamp(lead.consent_at),
        "privacy_notice_version": lead.privacy_version,
        "came_from_page": lead.source_path,
        "campaign": {
            key: value
            for key in ("source", "medium", "campaign", "term", "content")
            if (value := getattr(lead, f"utm_{key}"))
        },
        "appointments": [
            {
                "starts": stamp(a.starts_at),
                "ends": stamp(a.ends_at),
                "status": a.status.label,
                "with": a.practitioner.name,
            }
            for a in lead.appointments
        ],
        "notes_by_staff": [
            {"written": stamp(note.created_at), "note": note.body}
            for note in lead.notes
        ],
        "emails_sent": [
            {
                "kind": email.kind.label,
                "created": stamp(email.created_at),
                "sent": stamp(email.sent_at),
                **(
                    {"subject": email.subject, "body": email.body} if email.body else {}
                ),
            }
            for email in lead.emails
        ],
    }


def export(found: list[Lead]) -> str:
    """The JSON file for an access request (GDPR art. 15, HIPAA's right of access)."""
    clinic = identity.current()
    return json.dumps(
        {
            "controller": {"name": clinic.name, "email": clinic.email},
            "exported": stamp(datetime.now(UTC)),
            "requests": [record(lead) for lead in found],
        },
        ensure_ascii=False,
        indent=2,
    )
