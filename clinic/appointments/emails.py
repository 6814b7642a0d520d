"""The patient's emails about their appointment: booked, reminded, moved,
cancelled, each with its calendar event."""

from flask import current_app, render_template
from flask_mail import Message

from clinic import identity
from clinic.appointments import calendar, links
from clinic.clock import zone
from clinic.models import Appointment, OutboxEmail
from clinic.vocabulary import EmailKind


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


BUILDERS = dict.fromkeys(SUBJECTS, appointment_email)
