"""Adding the emails a lead causes to the outbox."""

from datetime import UTC, datetime
from email.utils import make_msgid
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import bindparam, insert

from clinic.extensions import db
from clinic.models import OutboxEmail

KINDS = ("clinic_notification", "patient_ack")
COLUMNS = ("lead_id", "kind", "message_id", "created_at", "next_attempt_at")
# One multi-row INSERT, built once: a single round trip to a database server (a list
# of parameters would be sent as a statement per row), compiled only the first time.
INSERT_EMAILS = insert(OutboxEmail.__table__).values(
    [
        {column: bindparam(f"{column}_{row}") for column in COLUMNS}
        | {"status": "pending", "attempts": 0}
        for row in range(len(KINDS))
    ]
)


def enqueue_lead_emails(lead_id: int) -> None:
    """Owe the clinic a notification and the patient an acknowledgement, in the
    caller's transaction."""
    domain = urlsplit(current_app.config["SITE_URL"]).hostname or "localhost"
    now = datetime.now(UTC)
    params = {}
    for row, kind in enumerate(KINDS):
        values = (lead_id, kind, make_msgid(kind, domain), now, now)
        params |= {
            f"{column}_{row}": v for column, v in zip(COLUMNS, values, strict=True)
        }
    db.session.execute(INSERT_EMAILS, params)
