"""Booking helpers: practitioners put straight into the database, the clinic's clock,
and the form filled with a chosen time."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from clinic.extensions import db
from clinic.models import Appointment, Lead, OutboxEmail, StaffUser
from tests.helpers import open_form, valid_form

CLINIC = ZoneInfo("America/Los_Angeles")
# Monday 1 March 2027, 08:00 in Los Angeles (PST, UTC-8): default hours open at
# 09:00 Monday to Friday (19:00 close on Thursday) and 10:00-16:00 on Saturday.
MONDAY = datetime(2027, 3, 1, 8, 0, tzinfo=CLINIC)


def local(text: str) -> datetime:
    """ "2027-03-03T09:00" on the clinic's wall clock."""
    return datetime.fromisoformat(text).replace(tzinfo=CLINIC)


def add_practitioner(app, email="ana@clinic.test", name="Dr. Ana Ruiz, MD", **fields):
    with app.app_context():
        person = StaffUser(
            email=email,
            password_hash="not-used",
            is_practitioner=True,
            display_name=name,
            **fields,
        )
        db.session.add(person)
        db.session.commit()
        return person.id


def times(client, day: str, treatment: str | None = None) -> list[str]:
    query = f"/consultation/times.json?date={day}"
    if treatment:
        query += f"&treatment={treatment}"
    answer = client.get(query)
    assert answer.status_code == 200, answer.text
    return answer.json["times"]


def book(client, start: str, tokens=None, **overrides):
    """Send the form with a chosen time, as the radio button would: on the day
    the day field shows."""
    tokens = tokens if tokens is not None else open_form(client)
    overrides.setdefault("preferred_date", start[:10] or None)
    data = {**tokens, **valid_form(appointment_start=start, **overrides)}
    return client.post("/consultation", data=data)


def offered(page: str) -> list[str]:
    """The times a page offers as radio buttons."""
    return re.findall(r'name="appointment_start" id="[^"]*" value="([^"]+)"', page)


def appointments(app) -> list[Appointment]:
    with app.app_context():
        found = db.session.scalars(select(Appointment).order_by(Appointment.id)).all()
        for row in found:
            db.session.expunge(row)
        return found


def emails(app, kind=None) -> list[OutboxEmail]:
    with app.app_context():
        query = select(OutboxEmail).order_by(OutboxEmail.id)
        if kind is not None:
            query = query.where(OutboxEmail.kind == kind)
        found = db.session.scalars(query).all()
        for row in found:
            db.session.expunge(row)
        return found


def lead_count(app) -> int:
    with app.app_context():
        return len(db.session.scalars(select(Lead.id)).all())
