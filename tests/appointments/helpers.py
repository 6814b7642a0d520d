"""Booking helpers: practitioners put straight into the database, the clinic's clock,
and the form filled with a chosen time."""

import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from clinic.extensions import db
from clinic.models import Appointment, Lead, OutboxEmail, StaffUser
from tests.helpers import (
    hidden_fields,
    open_form,
    valid_form,
)
from tests.staff.helpers import (
    csrf_token,
)

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


def post(client, path, follow_redirects=False, **data):
    """Post with the page's token; a time goes with the day its picker shows."""
    if data.get("appointment_start") and "date" not in data:
        data["date"] = data["appointment_start"][:10]
    token = csrf_token(client.get("/staff/calendar").text)
    return client.post(
        path, data={"csrf_token": token, **data}, follow_redirects=follow_redirects
    )


class Patient:
    """A browser of its own: cookies, the form's tokens, then one press of "Book"."""

    def __init__(self, base: str, number: int):
        self.base, self.number = base, number
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(jar), NoRedirect
        )
        with self.opener.open(f"{base}/consultation", timeout=30) as page:
            self.tokens = hidden_fields(page.read().decode())

    def book(
        self, start: str, ready: threading.Barrier, **overrides
    ) -> tuple[int, str]:
        form = valid_form(
            **{
                "email": f"patient{self.number}@example.com",
                "phone": f"(714) 555-01{self.number:02d}",
                "first_name": f"Patient{self.number}",
                "treatment": "botox-hyperhidrosis",
                "preferred_date": start[:10],
                "appointment_start": start,
                **overrides,
            }
        )
        body = urllib.parse.urlencode({**self.tokens, **form}).encode()
        ready.wait()
        try:
            with self.opener.open(f"{self.base}/consultation", body, timeout=60) as r:
                return r.status, r.headers.get("Location", "")
        except urllib.error.HTTPError as answer:
            text = answer.read().decode()
            answer.close()
            return answer.code, text


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
