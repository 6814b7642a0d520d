"""Nobody can fill the calendar or a mailbox: online, one email and one phone hold
at most BOOKINGS_PER_PATIENT open future appointments (the front desk may book
more), counted one booking after another however many arrive at once; booking
confirmations count in the address's daily email allowance; the clinic hears when
online bookings spike; and the free times and appointment pages are rate limited."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from clinic.extensions import db
from clinic.models import Lead, OutboxEmail
from clinic.outbox import messages
from clinic.vocabulary import AppointmentStatus, EmailKind, EmailStatus
from tests.appointments.helpers import (
    Patient,
    add_practitioner,
    appointments,
    book,
    emails,
    post,
)
from tests.helpers import all_rows, next_open_day, run_send, submit
from tests.staff.helpers import STAFF, add_lead, create_account, csrf_token, sign_in

TIMES = ["2027-03-03T09:00", "2027-03-03T11:00", "2027-03-04T10:00", "2027-03-05T14:00"]


@pytest.fixture
def two_practitioners(app):
    add_practitioner(app)
    add_practitioner(app, "ben@clinic.test", "Ben Ortiz, PA-C")


@pytest.mark.usefixtures("clock", "ana")
@pytest.mark.parametrize(
    "same",
    [
        {"email": "victim@example.com"},
        {"phone": "(714) 555-0177"},
    ],
)
def test_one_email_or_phone_books_two_online(client, app, same):
    def other(n):
        return {"email": f"p{n}@example.com", "phone": f"(714) 555-015{n}"} | same

    for n, start in enumerate(TIMES[:2]):
        assert book(client, start, **other(n)).status_code == 303
    # The same mailbox in other capitals is the same address.
    third = {**other(2)}
    if "email" in same:
        third["email"] = "VICTIM@Example.com"
    answer = book(client, TIMES[2], **third)
    assert answer.status_code == 409
    assert "You already have 2 consultations booked with us" in answer.text
    assert "Please call me" in answer.text
    assert len(appointments(app)) == 2
    assert len(all_rows(app, Lead)) == 2  # the refused request stored nothing
    # Asking to be called instead still works.
    assert submit(client, **third).status_code == 303


@pytest.mark.usefixtures("ana")
def test_cancelled_and_past_appointments_do_not_count(client, app, clock):
    first = book(client, TIMES[0], email="v@example.com")
    book(client, TIMES[1], email="v@example.com", phone="(714) 555-0166")
    token = csrf_token(client.get(first.location).text)
    assert (
        client.post(first.location + "/cancel", data={"csrf_token": token}).status_code
        == 303
    )
    assert book(client, TIMES[2], email="v@example.com").status_code == 303
    clock.move_to("2027-03-04T12:00:00-08:00")  # two of them are over now
    assert book(client, "2027-03-08T10:00", email="v@example.com").status_code == 303
    booked = [a for a in appointments(app) if a.status == AppointmentStatus.BOOKED]
    assert len(booked) == 3


@pytest.mark.usefixtures("clock", "ana")
def test_the_front_desk_may_book_more(app, client):
    for n, start in enumerate(TIMES[:2]):
        assert book(client, start, phone=f"(714) 555-016{n}").status_code == 303
    create_account(app, STAFF)
    desk = app.test_client()
    assert sign_in(desk, STAFF).status_code == 303
    caller = all_rows(app, Lead)[0].id
    again = add_lead(app)  # the same email and phone, by telephone
    answer = post(desk, f"/staff/leads/{again}/appointment", appointment_start=TIMES[2])
    assert answer.status_code == 303
    assert len(appointments(app)) == 3 and caller != again
    assert [a.online for a in appointments(app)] == [True, True, False]


def test_bookings_arriving_together_are_counted_one_after_another(
    app,
    server,
    two_practitioners,
):
    """Four different times for one email at the same instant, from four browsers,
    through gunicorn's processes: two are booked, two refused."""
    patients = [Patient(server, n) for n in range(len(TIMES))]
    ready = threading.Barrier(len(patients))

    def press(pair):
        patient, start = pair
        return patient.book(start, ready, email="victim@example.com")

    with ThreadPoolExecutor(len(patients)) as pool:
        answers = list(pool.map(press, zip(patients, future_times(), strict=True)))
    statuses = sorted(status for status, _ in answers)
    assert statuses == [303, 303, 409, 409], answers
    assert len(appointments(app)) == 2


def future_times() -> list[str]:
    day = next_open_day(7).isoformat()
    return [f"{day}T09:00", f"{day}T10:00", f"{day}T11:00", f"{day}T12:00"]


@pytest.mark.usefixtures("clock")
def test_confirmations_count_in_the_daily_allowance(make_app, smtp, smtp_port):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_port, ACKS_PER_ADDRESS=3)
    add_practitioner(app)
    client = app.test_client()
    victim = "victim@example.com"
    for n in range(2):  # two requests to be called: two acknowledgements
        assert (
            submit(client, email=victim, phone=f"(714) 555-017{n}").status_code == 303
        )
    for n, start in enumerate(TIMES[:2]):  # two bookings: two confirmations
        assert (
            book(client, start, email=victim, phone=f"(714) 555-018{n}").status_code
            == 303
        )
    run_send(app)
    to_victim = [e for e in smtp.envelopes if e.rcpt_tos == [victim]]
    assert len(to_victim) == 3
    with app.app_context():
        withheld = db.session.scalars(
            select(OutboxEmail).where(OutboxEmail.status == EmailStatus.FAILED)
        ).all()
        assert len(withheld) == 1
        assert withheld[0].kind in (EmailKind.PATIENT_ACK, EmailKind.CONFIRMATION)
        assert "acknowledgements or confirmations" in withheld[0].last_error


@pytest.mark.usefixtures("clock")
def test_the_clinic_hears_once_when_online_bookings_spike(make_app):
    app = make_app(BOOKING_ALERT_COUNT=3, BOOKING_ALERT_MINUTES=10)
    add_practitioner(app)
    add_practitioner(app, "ben@clinic.test", "Ben Ortiz, PA-C")
    client = app.test_client()
    create_account(app, STAFF)
    desk = app.test_client()
    assert sign_in(desk, STAFF).status_code == 303
    assert "Online bookings:" not in desk.get("/staff/leads").text
    for n, start in enumerate(TIMES):
        answer = book(
            client, start, email=f"p{n}@example.com", phone=f"(714) 555-019{n}"
        )
        assert answer.status_code == 303
    alerts = emails(app, EmailKind.BOOKING_ALERT)
    assert len(alerts) == 1 and alerts[0].lead_id is None
    assert alerts[0].subject == "Online bookings: 3 in 10 minutes"
    page = desk.get("/staff/calendar").text
    assert "Online bookings: 3 in 10 minutes" in page
    with app.app_context():
        message = messages.build(db.session.get(OutboxEmail, alerts[0].id))
        assert message.recipients == ["frontdesk@clinic.test"]
        assert "/staff/calendar" in message.body


@pytest.mark.usefixtures("clock")
def test_free_times_and_appointment_pages_are_rate_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True, LOOKUP_RATE_LIMIT="3 per minute")
    add_practitioner(app)
    client = app.test_client()
    for _ in range(3):
        assert client.get("/consultation/times.json?date=2027-03-03").status_code == 200
    assert client.get("/consultation/times.json?date=2027-03-03").status_code == 429
    page = book(app.test_client(), TIMES[0]).location
    other = {"REMOTE_ADDR": "127.0.0.9"}  # another client than the one that booked
    statuses = [client.get(page, environ_base=other).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
