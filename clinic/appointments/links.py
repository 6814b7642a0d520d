"""The patient's link to an appointment: its random id, signed, so that a link
cannot be guessed and a changed one is refused before the database is asked."""

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from clinic import identity
from clinic.extensions import db
from clinic.models import Appointment
from clinic.seo import absolute

SALT = "appointment-link"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def token_for(appointment: Appointment) -> str:
    return _serializer().dumps(appointment.public_id)


def find(token: str) -> Appointment | None:
    """The appointment a link names; None for a forged, altered or stale one."""
    try:
        public_id = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(public_id, str):
        return None
    return db.session.scalar(
        select(Appointment).where(Appointment.public_id == public_id)
    )


def page_url(appointment: Appointment) -> str:
    """The full address of the patient's page, for emails and calendar files."""
    return absolute(identity.current(), f"/appointments/{token_for(appointment)}")
