"""The emails a consultation request causes: the clinic's notification and the
patient's acknowledgement."""

from flask import current_app, render_template
from flask_mail import Message

from clinic import identity
from clinic.appointments.emails import when
from clinic.models import OutboxEmail
from clinic.seo import absolute
from clinic.treatments import catalog
from clinic.vocabulary import EmailKind


def clinic_notification(email: OutboxEmail) -> Message:
    lead = email.lead
    clinic = identity.current()
    details = current_app.config["LEAD_EMAIL_DETAILS"]
    appointment = lead.appointment
    context = {
        "lead": lead,
        "details": details,
        "lead_url": absolute(clinic, f"/staff/leads/{lead.id}"),
        "treatment": catalog.get(lead.treatment),
        "appointment": appointment,
        "when": when(appointment) if appointment else None,
    }
    subject = (
        f"New booking #{lead.id}: {context['when']}"
        if appointment
        else f"New consultation request #{lead.id}"
    )
    return Message(
        subject=subject,
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
        body=render_template("email/patient_ack.txt", reference=email.lead.id),
        html=render_template("email/patient_ack.html", reference=email.lead.id),
    )


BUILDERS = {
    EmailKind.CLINIC_NOTIFICATION: clinic_notification,
    EmailKind.PATIENT_ACK: patient_ack,
}
