"""Building each kind of email at the moment it is sent, by the builder its feature
registered for that kind: the outbox delivers, and knows no feature."""

from collections.abc import Callable, Mapping

from flask import Flask, current_app
from flask_mail import Message

from clinic import identity
from clinic.models import OutboxEmail
from clinic.vocabulary import EmailKind

Builder = Callable[[OutboxEmail], Message]


def register(app: Flask, builders: Mapping[EmailKind, Builder]) -> None:
    """Let a feature say how the emails of its kinds are written."""
    app.extensions.setdefault("outbox_builders", {}).update(builders)


def build(email: OutboxEmail) -> Message:
    """Render the message an outbox row stands for."""
    message = current_app.extensions["outbox_builders"][email.kind](email)
    message.msgId = email.message_id
    return message


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
    EmailKind.BOOKING_ALERT: clinic_alert,
    EmailKind.RETENTION_REPORT: clinic_alert,
}
