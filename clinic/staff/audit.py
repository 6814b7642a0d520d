"""The trail of what staff did: one event per action, never patient data."""

from flask_login import current_user

from clinic.extensions import db
from clinic.models import AuditEvent

ACTIONS = {
    "sign_in": "signed in",
    "sign_in_failed": "failed to sign in",
    "sign_out": "signed out",
    "list": "viewed the lead list",
    "view": "viewed the lead",
    "status": "changed the status",
    "note": "added a note",
    "assign": "changed who is assigned",
    "release": "released from spam",
    "resend": "sent an email again",
    "export": "exported leads to CSV",
    "delete": "deleted the lead",
    "staff": "changed a staff account",
}


def record(
    action: str, lead_id: int | None = None, detail: str = "", staff_id=None
) -> None:
    """Add an event to the caller's transaction, by the signed-in staff member
    unless another is named."""
    if staff_id is None and current_user and current_user.is_authenticated:
        staff_id = current_user.id
    db.session.add(
        AuditEvent(staff_id=staff_id, lead_id=lead_id, action=action, detail=detail)
    )
