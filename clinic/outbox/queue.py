"""Adding the emails a lead causes to the outbox."""

from email.utils import make_msgid
from urllib.parse import urlsplit

from flask import current_app

from clinic.models import Lead, OutboxEmail

KINDS = ("clinic_notification", "patient_ack")


def enqueue_lead_emails(lead: Lead) -> None:
    """Owe the clinic a notification and the patient an acknowledgement."""
    domain = urlsplit(current_app.config["SITE_URL"]).hostname or "localhost"
    for kind in KINDS:
        lead.emails.append(OutboxEmail(kind=kind, message_id=make_msgid(kind, domain)))
