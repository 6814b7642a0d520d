"""A patient's privacy request in one place: their leads found by the email or
phone they prove is theirs, exported as JSON for an access request, or erased for a
deletion request.

Only a lead carrying the contact the requester proved is theirs for certain. Leads
linked to those by their other email or phone are offered as candidates, never
taken: one patient's export once carried another's health message, through a phone
number both had typed. An admin ticks each lead to include, warned where a name or
email differs.
"""

import json
from dataclasses import dataclass
from datetime import UTC, datetime

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import func, or_, select

from clinic import audit, identity
from clinic.extensions import db
from clinic.models import Lead
from clinic.vocabulary import AuditAction, LeadStatus


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


def as_email(contact: str) -> str | None:
    """The contact as the form stores an email (a Unicode domain in its ASCII
    form), lower-cased; None when it is no email."""
    if "@" not in contact:
        return None
    try:
        found = validate_email(contact, check_deliverability=False)
    except EmailNotValidError:
        return contact.lower()
    return (found.ascii_email or found.normalized).lower()


@dataclass(frozen=True)
class Match:
    """A lead found for a privacy request, and what the admin should know of it."""

    lead: Lead
    proven: bool  # it carries the very email or phone the requester proved
    warnings: tuple[str, ...]

    @property
    def ticked(self) -> bool:
        """Included unless the admin says otherwise: proven and nothing differs."""
        return self.proven and not self.warnings


def name_of(lead: Lead) -> str:
    return f"{lead.first_name} {lead.last_name}".casefold().strip()


def find(contact: str) -> list[Match]:
    """The leads carrying this email or phone (spam included), then those sharing
    another email or phone with them, one step only, as candidates; oldest first."""
    contact = contact.strip()
    email, phone = as_email(contact), as_phone(contact)
    if email is None and phone is None:
        return []
    proven_by = (
        func.lower(Lead.email) == email if email is not None else Lead.phone == phone
    )
    proven = db.session.scalars(select(Lead).where(proven_by)).all()
    if not proven:
        return []
    emails = {lead.email.lower() for lead in proven}
    phones = {lead.phone for lead in proven}
    linked = db.session.scalars(
        select(Lead).where(
            or_(func.lower(Lead.email).in_(emails), Lead.phone.in_(phones)),
            Lead.id.not_in([lead.id for lead in proven]),
        )
    ).all()
    names = {name_of(lead) for lead in proven}
    matches = [
        Match(lead, True, warnings(lead, names, emails, phone_search=email is None))
        for lead in proven
    ] + [
        Match(
            lead,
            False,
            ("not the contact the requester proved",)
            + warnings(lead, names, emails, phone_search=False),
        )
        for lead in linked
    ]
    return sorted(matches, key=lambda m: (m.lead.created_at, m.lead.id))


def warnings(
    lead: Lead, names: set[str], emails: set[str], *, phone_search: bool
) -> tuple[str, ...]:
    """What differs from the leads the requester proved are theirs."""
    said = []
    if len(names) > 1 or name_of(lead) not in names:
        said.append("the names differ")
    if (phone_search and len(emails) > 1) or lead.email.lower() not in emails:
        said.append("the emails differ")
    return tuple(said)


def chosen(contact: str, lead_ids: list[str]) -> list[Lead]:
    """The leads the admin ticked, among those this contact finds (any other id is
    ignored, so a forged one reaches nobody)."""
    wanted = set(lead_ids)
    return [m.lead for m in find(contact) if str(m.lead.id) in wanted]


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
    """The JSON file for an access request (GDPR art. 15, HIPAA's right of access),
    each lead's export recorded in the activity log."""
    for lead in found:
        audit.record(AuditAction.PRIVACY_EXPORT, lead.id, "for an access request")
    db.session.commit()
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
