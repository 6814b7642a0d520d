"""Building each kind of email from its templates, at the moment it is sent."""

from flask import current_app, render_template
from flask_mail import Message

from clinic import identity
from clinic.models import OutboxEmail
from clinic.seo import absolute
from clinic.treatments import catalog
from clinic.vocabulary import EmailKind


def build(email: OutboxEmail) -> Message:
    """Render the message an outbox row stands for."""
    message = BUILDERS[email.kind](email)
    message.msgId = email.message_id
    return message


def clinic_notification(email: OutboxEmail) -> Message:
    lead = email.lead
    clinic = identity.current()
    details = current_app.config["LEAD_EMAIL_DETAILS"]
    context = {
        "lead": lead,
        "details": details,
        "lead_url": absolute(clinic, f"/staff/leads/{lead.id}"),
        "treatment": catalog.get(lead.treatment),
    }
    return Message(
        subject=f"New consultation request #{lead.id}",
        recipients=[current_app.config["CLINIC_NOTIFY_EMAIL"]],
        body=render_template("email/clinic_notification.txt", **context),
        html=render_template("email/clinic_notification.html", **context),
        reply_to=lead.email if details else None,
    )


def patient_ack(email: OutboxEmail) -> Message:
    """The acknowledgement: it goes to an address anyone can type, so it carries
    nothing they typed, not even a first name (which could hold a link or a
    premium-rate number), and would relay no one's spam."""
    clinic = identity.current()
    return Message(
        subject=f"We have received your request | {clinic.name}",
        recipients=[email.lead.email],
        body=render_template("email/patient_ack.txt"),
        html=render_template("email/patient_ack.html"),
    )


BUILDERS = {
    EmailKind.CLINIC_NOTIFICATION: clinic_notification,
    EmailKind.PATIENT_ACK: patient_ack,
}
