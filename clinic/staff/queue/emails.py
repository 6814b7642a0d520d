"""The reply staff write to a patient from the lead's page."""

from flask_mail import Message

from clinic import identity
from clinic.models import OutboxEmail
from clinic.vocabulary import EmailKind


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


BUILDERS = {EmailKind.REPLY: reply}
