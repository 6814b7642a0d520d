"""The emails a booking causes, delivered through the outbox to a real SMTP server:
the confirmation carrying the event, the reminder when it is due (the clock is moved,
never waited for), the update and the cancellation, all with one UID."""

import email
from datetime import UTC, datetime
from email import policy

import icalendar
import pytest

from tests.appointments.helpers import add_practitioner, book, local
from tests.helpers import open_form, valid_form
from tests.staff.helpers import csrf_token

PRACTITIONER = "Dr. Lee Park, MD"


@pytest.fixture
def setup(make_app, smtp_port, smtp, clock):
    app = make_app(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp_port,
        MAIL_TIMEOUT=5,
        MAIL_DATA_TIMEOUT=5,
    )
    add_practitioner(app, "lee@clinic.test", PRACTITIONER)
    return app, app.test_client(), smtp


def send_all(app) -> str:
    result = app.test_cli_runner().invoke(args=["outbox", "send", "--all"])
    assert result.exit_code == 0, result.output
    return result.output


def received(inbox) -> list[email.message.EmailMessage]:
    return [
        email.message_from_bytes(e.content, policy=policy.default)
        for e in inbox.envelopes
    ]


def to_patient(inbox) -> list[email.message.EmailMessage]:
    return [m for m in received(inbox) if m["To"] == "ana@example.com"]


def event_of(message) -> tuple[str, icalendar.Event]:
    (part,) = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    calendar = icalendar.Calendar.from_ical(part.get_payload(decode=True))
    (event,) = calendar.walk("VEVENT")
    assert str(calendar["METHOD"]) == part.get_param("method")
    return str(calendar["METHOD"]), event


def page_of(client, start: str) -> str:
    answer = book(client, start)
    assert answer.status_code == 303, answer.text
    return answer.location


def test_the_confirmation_carries_one_event_in_the_clinics_time_zone(setup):
    app, client, inbox = setup
    page_of(client, "2027-03-15T09:00")  # the Monday after the clocks go forward
    assert "2 sent, 0 failed" in send_all(app)
    (confirmation,) = to_patient(inbox)
    assert confirmation["Subject"].startswith("Your consultation is booked")
    method, event = event_of(confirmation)
    assert method == "REQUEST"
    assert event.start == local("2027-03-15T09:00")
    assert event.start.astimezone(UTC) == datetime(2027, 3, 15, 16, 0, tzinfo=UTC)
    assert event.end.astimezone(UTC) == datetime(2027, 3, 15, 16, 45, tzinfo=UTC)
    (part,) = [
        p for p in confirmation.walk() if p.get_content_type() == "text/calendar"
    ]
    ics = part.get_payload(decode=True).decode()
    assert "DTSTART;TZID=America/Los_Angeles:20270315T090000" in ics
    assert "BEGIN:VTIMEZONE" in ics
    assert str(event["UID"]).startswith("appointment-")
    assert event["SEQUENCE"] == 0
    assert "Visage Laser and Skin Care" in str(event["LOCATION"])
    assert str(event["STATUS"]) == "CONFIRMED"
    body = confirmation.get_body(("plain",)).get_content()
    assert "Monday, March 15, 2027 at 9:00 am PDT" in body
    assert PRACTITIONER in body
    assert "/appointments/" in body
    # Nothing the patient typed, and no treatment: email is no place for health data.
    everything = confirmation.as_string() + ics + body
    for private in ("García", "migraine", "Migraine", "555-0123"):
        assert private not in everything


def test_the_clinic_hears_booked_for_or_request(setup):
    app, client, inbox = setup
    page_of(client, "2027-03-03T10:00")
    request = {**open_form(client), **valid_form(email="b@example.com")}
    assert client.post("/consultation", data=request).status_code == 303
    send_all(app)
    subjects = sorted(
        m["Subject"] for m in received(inbox) if m["To"] == "frontdesk@clinic.test"
    )
    assert subjects[0].startswith(
        "New booking #1: Wednesday, March 3, 2027 at 10:00 am PST"
    )
    assert subjects[1] == "New consultation request #2"
    booked = next(m for m in received(inbox) if m["Subject"] == subjects[0])
    text = booked.get_body(("plain",)).get_content()
    assert (
        f"booked for Wednesday, March 3, 2027 at 10:00 am PST with {PRACTITIONER}"
        in text
    )
    assert "migraine" not in booked.as_string().lower()  # LEAD_EMAIL_DETAILS is off


def test_the_reminder_goes_once_when_due_and_never_early(setup, clock):
    app, client, inbox = setup
    page_of(client, "2027-03-03T10:00")  # reminder due Tuesday 10:00
    send_all(app)
    assert len(to_patient(inbox)) == 1
    clock.move_to(local("2027-03-02T09:59"))
    assert "0 sent" in send_all(app)  # --all skips back-off, not a reminder's time
    clock.move_to(local("2027-03-02T10:00"))
    assert "1 sent" in send_all(app)
    clock.move_to(local("2027-03-02T12:00"))
    assert "0 sent" in send_all(app)
    confirmation, reminder = to_patient(inbox)
    assert reminder["Subject"].startswith("Reminder: your consultation")
    assert (
        "Wednesday, March 3, 2027 at 10:00 am PST"
        in reminder.get_body(("plain",)).get_content()
    )


def test_no_reminder_after_a_cancellation_which_cancels_the_same_event(setup, clock):
    app, client, inbox = setup
    page = page_of(client, "2027-03-03T10:00")
    send_all(app)
    token = csrf_token(client.get(page).text)
    assert client.post(page + "/cancel", data={"csrf_token": token}).status_code == 303
    clock.move_to(local("2027-03-03T12:00"))  # past the reminder and the time itself
    send_all(app)
    confirmation, cancellation = to_patient(inbox)
    assert cancellation["Subject"].startswith("Your consultation is cancelled")
    method, cancelled = event_of(cancellation)
    _, booked = event_of(confirmation)
    assert method == "CANCEL"
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert cancelled["UID"] == booked["UID"]
    assert cancelled["SEQUENCE"] > booked["SEQUENCE"]


def test_a_move_sends_the_update_and_moves_the_reminder(setup, clock):
    app, client, inbox = setup
    page = page_of(client, "2027-03-03T10:00")
    send_all(app)
    token = csrf_token(client.get(page).text)
    moved = client.post(
        page + "/reschedule",
        data={
            "csrf_token": token,
            "date": "2027-03-16",
            "appointment_start": "2027-03-16T11:00",  # PDT
        },
    )
    assert moved.status_code == 303
    send_all(app)
    confirmation, update = to_patient(inbox)
    method, event = event_of(update)
    _, first = event_of(confirmation)
    assert method == "REQUEST" and update["Subject"].startswith(
        "Your consultation has moved"
    )
    assert event["UID"] == first["UID"] and event["SEQUENCE"] == first["SEQUENCE"] + 1
    assert event.start.astimezone(UTC) == datetime(2027, 3, 16, 18, 0, tzinfo=UTC)
    clock.move_to(local("2027-03-02T10:30"))  # the old reminder's time
    assert "0 sent" in send_all(app)
    clock.move_to(local("2027-03-15T11:00"))  # the new one's
    assert "1 sent" in send_all(app)
    assert to_patient(inbox)[-1]["Subject"].startswith("Reminder")
