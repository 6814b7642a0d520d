"""The trail of what staff did: one event per action, never patient data."""

from flask_login import current_user
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import select

from clinic.extensions import db
from clinic.models import AuditEvent
from clinic.paging import paginate
from clinic.vocabulary import AuditAction

EVENTS_PER_PAGE = 100


def record(
    action: AuditAction, lead_id: int | None = None, detail: str = "", staff_id=None
) -> None:
    """Add an event to the caller's transaction, by the signed-in staff member
    unless another is named."""
    if staff_id is None and current_user and current_user.is_authenticated:
        staff_id = current_user.id
    db.session.add(
        AuditEvent(staff_id=staff_id, lead_id=lead_id, action=action, detail=detail)
    )


def page_of(staff_id: int | None, page: int) -> Pagination:
    """What staff (or one of them) did, newest first, a page at a time."""
    query = select(AuditEvent).order_by(AuditEvent.id.desc())
    if staff_id:
        query = query.where(AuditEvent.staff_id == staff_id)
    return paginate(query, page, EVENTS_PER_PAGE)
