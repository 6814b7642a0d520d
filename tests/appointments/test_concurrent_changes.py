"""A cancel and a move of one appointment at the same moment cannot both win, nor two
cancels send two emails: every change holds the appointment's row, proven with
simultaneous requests from separate browsers through gunicorn, on whichever
database the suite runs on."""

import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from clinic.appointments import availability, changes, links
from clinic.extensions import db
from clinic.models import Lead
from clinic.vocabulary import AppointmentStatus, EmailKind, EmailStatus
from tests.appointments.helpers import (
    NoRedirect,
    add_practitioner,
    appointments,
    emails,
)
from tests.helpers import next_open_day
from tests.staff.helpers import add_lead

PAIRS = 6


class Browser:
    """A patient's browser on their appointment page: cookies, and its form token."""

    def __init__(self, base: str, path: str):
        self.base, self.path = base, path
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect
        )
        with self.opener.open(base + path, timeout=30) as page:
            html = page.read().decode()
        self.token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
        self.token = self.token.group(1)

    def post(self, action: str, ready: threading.Barrier, **data) -> int:
        body = urllib.parse.urlencode({"csrf_token": self.token, **data}).encode()
        ready.wait()
        try:
            with self.opener.open(f"{self.base}{self.path}/{action}", body, timeout=60):
                return 200
        except urllib.error.HTTPError as answer:
            answer.close()
            return answer.code


def booked_pages(app, count: int) -> list[tuple[int, str, str]]:
    """`count` appointments a week ahead, each for its own patient: their ids, page
    paths, and a free time each could move to."""
    add_practitioner(app)
    add_practitioner(app, "ben@clinic.test", "Ben Ortiz, PA-C")
    day = next_open_day(7)
    while day.weekday() > 4:
        day += timedelta(days=1)
    found = []
    lead_ids = [add_lead(app, email=f"p{n}@example.com") for n in range(count)]
    with app.app_context():
        for n, lead_id in enumerate(lead_ids):
            lead = db.session.get(Lead, lead_id)
            start = availability.parse_local(f"{day.isoformat()}T{9 + n // 2:02d}:00")
            appointment = changes.book(lead, start, notice=False)
            db.session.commit()
            later = f"{(day + timedelta(days=1)).isoformat()}T{9 + n // 2:02d}:30"
            found.append(
                (appointment.id, f"/appointments/{links.token_for(appointment)}", later)
            )
    return found


def at_once(calls) -> list[int]:
    ready = threading.Barrier(len(calls))
    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(lambda call: call(ready), calls))


def test_a_cancel_and_a_move_at_once_leave_one_story(app, server):
    pages = booked_pages(app, PAIRS)
    calls = []
    for _, path, later in pages:
        canceller, mover = Browser(server, path), Browser(server, path)
        calls.append(lambda ready, b=canceller: b.post("cancel", ready))
        calls.append(
            lambda ready, b=mover, t=later: b.post(
                "reschedule", ready, date=t[:10], appointment_start=t
            )
        )
    statuses = at_once(calls)
    assert all(status in (303, 409) for status in statuses), statuses
    by_id = {a.id: a for a in appointments(app)}
    for appointment_id, _, _ in pages:
        appointment = by_id[appointment_id]
        owed = [e for e in emails(app) if e.appointment_id == appointment_id]
        kinds = [e.kind for e in owed]
        reminders = [
            e
            for e in owed
            if e.kind == EmailKind.REMINDER and e.status == EmailStatus.PENDING
        ]
        if appointment.status == AppointmentStatus.CANCELLED:
            # Cancelled, whatever came first: no reminder left, and if a move came
            # first the cancellation follows its update, never the other way round.
            assert kinds.count(EmailKind.CANCELLATION) == 1
            assert reminders == []
            last_change = [
                k for k in kinds if k in (EmailKind.UPDATE, EmailKind.CANCELLATION)
            ]
            assert last_change[-1] == EmailKind.CANCELLATION
        else:
            assert EmailKind.CANCELLATION not in kinds
            assert kinds.count(EmailKind.UPDATE) == 1 and len(reminders) == 1
        assert appointment.sequence == kinds.count(EmailKind.UPDATE) + kinds.count(
            EmailKind.CANCELLATION
        )


def test_two_cancels_at_once_send_one_email(app, server):
    pages = booked_pages(app, PAIRS)
    calls = []
    for _, path, _ in pages:
        for browser in (Browser(server, path), Browser(server, path)):
            calls.append(lambda ready, b=browser: b.post("cancel", ready))
    statuses = at_once(calls)
    assert sorted(statuses) == [303] * PAIRS + [409] * PAIRS, statuses
    for appointment_id, _, _ in pages:
        sent = [
            e
            for e in emails(app, EmailKind.CANCELLATION)
            if e.appointment_id == appointment_id
        ]
        assert len(sent) == 1
