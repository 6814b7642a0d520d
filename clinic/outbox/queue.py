"""Adding the emails a lead causes to the outbox."""

from email.utils import make_msgid
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import insert

from clinic.extensions import db
from clinic.models import OutboxEmail

KINDS = ("clinic_notification", "patient_ack")
INSERT_EMAIL = insert(OutboxEmail.__table__)


def enqueue_lead_emails(lead_id: int) -> None:
    """Owe the clinic a notification and the patient an acknowledgement, in the
    caller's transaction."""
    domain = urlsplit(current_app.config["SITE_URL"]).hostname or "localhost"
    db.session.execute(
        INSERT_EMAIL,
        [
            {"lead_id": lead_id, "kind": kind, "message_id": make_msgid(kind, domain)}
            for kind in KINDS
        ],
    )
