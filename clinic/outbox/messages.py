"""Building each kind of email from its templates, at the moment it is sent."""

from flask import current_app, render_template
from flask_mail import Message

from clinic import identity
from clinic.appointments import calendar, links
from clinic.appointments.availability import zone
from clinic.models import Appointment, OutboxEmail
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


def when(appointment: Appointment) -> str:
    """ "Monday, March 15, 2027 at 9:00 am PDT": the clinic's wall clock, named."""
    start = appointment.starts_at.astimezone(zone())
    clock = start.strftime("%-I:%M %p").lower()
    return f"{start:%A, %B %-d, %Y} at {clock} {start.tzname()}"


SUBJECTS = {
    EmailKind.CONFIRMATION: "Your consultation is booked",
    EmailKind.REMINDER: "Reminder: your consultation",
    EmailKind.UPDATE: "Your consultation has moved",
    EmailKind.CANCELLATION: "Your consultation is cancelled",
}
METHODS = {
    EmailKind.CONFIRMATION: "REQUEST",
    EmailKind.UPDATE: "REQUEST",
    EmailKind.CANCELLATION: "CANCEL",
}


def appointment_email(email: OutboxEmail) -> Message:
    """To the patient about their appointment: the time, the practitioner and the
    link to change it, nothing they typed and no treatment (health information has
    no place in email); confirmations, updates and cancellations carry the event."""
    clinic = identity.current()
    appointment = email.appointment
    context = {
        "kind": email.kind,
        "appointment": appointment,
        "when": when(appointment),
        "page_url": links.page_url(appointment),
        "bring": current_app.config["APPOINTMENT_WHAT_TO_BRING"],
        "fee": current_app.config["CONSULTATION_FEE"],
        "cutoff": current_app.config["APPOINTMENT_CHANGE_CUTOFF_HOURS"],
    }
    message = Message(
        subject=f"{SUBJECTS[email.kind]} | {clinic.name}",
        recipients=[email.lead.email],
        body=render_template("email/appointment.txt", **context),
        html=render_template("email/appointment.html", **context),
    )
    if email.kind.carries_event:
        method = METHODS[email.kind]
        message.attach(
            "consultation.ics",
            f"text/calendar; method={method}; charset=utf-8",
            calendar.for_patient(appointment, method),
        )
    return message


def reply(email: OutboxEmail) -> Message:
    """A reply staff wrote on the lead's page, as they wrote it (plain text), with
    replies going back to the clinic's address."""
    clinic = identity.current()
    footer = f"\n\n--\n{clinic.name}\n{clinic.phone}\n{clinic.site_url}\n"
    return Message(
        subject=email.subject,
        recipients=[email.lead.email],
        body=email.body + footer,
        reply_to=clinic.email,
    )


def invitation(email: OutboxEmail) -> Message:
    from clinic.accounts import links  # the staff area imports the outbox, not back

    clinic = identity.current()
    context = {
        "invitation": email.invitation,
        "url": links.invitation_url(email.invitation),
        "hours": int(links.INVITATION_LIFETIME.total_seconds() // 3600),
    }
    return Message(
        subject=f"You are invited to the staff area | {clinic.name}",
        recipients=[email.invitation.email],
        body=render_template("email/staff_invitation.txt", **context),
    )


def password_reset(email: OutboxEmail) -> Message:
    from clinic.accounts import links

    clinic = identity.current()
    context = {
        "url": links.reset_url(email.staff),
        "minutes": int(links.RESET_LIFETIME.total_seconds() // 60),
    }
    return Message(
        subject=f"Reset your password | {clinic.name}",
        recipients=[email.staff.email],
        body=render_template("email/staff_password_reset.txt", **context),
    )


def account_notice(email: OutboxEmail) -> Message:
    """A change to someone's password or second factor, told to them, so a change
    they did not make does not go unnoticed."""
    clinic = identity.current()
    return Message(
        subject=f"{email.subject} | {clinic.name}",
        recipients=[email.staff.email],
        body=render_template("email/staff_account_notice.txt", what=email.body),
    )


def clinic_alert(email: OutboxEmail) -> Message:
    """To the clinic: something staff should look at (online bookings arriving
    faster than usual, leads kept past retention); the words are on the row."""
    clinic = identity.current()
    return Message(
        subject=f"{email.subject} | {clinic.name}",
        recipients=[current_app.config["CLINIC_NOTIFY_EMAIL"]],
        body=email.body,
    )


BUILDERS = {
    EmailKind.CLINIC_NOTIFICATION: clinic_notification,
    EmailKind.PATIENT_ACK: patient_ack,
    EmailKind.CONFIRMATION: appointment_email,
    EmailKind.REMINDER: appointment_email,
    EmailKind.UPDATE: appointment_email,
    EmailKind.CANCELLATION: appointment_email,
    EmailKind.REPLY: reply,
    EmailKind.INVITATION: invitation,
    EmailKind.PASSWORD_RESET: password_reset,
    EmailKind.ACCOUNT_NOTICE: account_notice,
    EmailKind.BOOKING_ALERT: clinic_alert,
    EmailKind.RETENTION_REPORT: clinic_alert,
}
