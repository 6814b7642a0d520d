"""The patient's own page for their appointment: what, when, with whom, where; the
calendar file; moving and cancelling up to the cut-off; a bad link is a 404."""

from datetime import UTC, datetime, timedelta

import icalendar
import pytest

from clinic.models import AuditEvent, Lead
from clinic.vocabulary import AppointmentStatus, EmailKind, EmailStatus, LeadStatus
from tests.appointments.helpers import appointments, book, emails, local, offered
from tests.helpers import all_rows
from tests.staff.helpers import csrf_token

pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def booked(client, ana):
    """The page of a Wednesday 10:00 booking (a 45-minute migraine consultation)."""
    answer = book(client, "2027-03-03T10:00")
    assert answer.status_code == 303
    return answer.location


def test_the_page_says_what_when_how_long_with_whom_and_where(client, booked):
    page = client.get(booked)
    assert page.status_code == 200
    text = page.text
    assert "Consultation: Botox for chronic migraine" in text
    assert "Wednesday, March 3, 2027, 10:00 am" in text
    assert "to 10:45 am Pacific Time (PST)" in text
    assert "45 minutes" in text
    assert "Dr. Ana Ruiz, MD" in text
    assert "(714) 777-6625" in text
    assert "photo ID" in text  # what to bring
    assert "Consultation fee" not in text  # none configured
    assert "Add to calendar" in text


def test_the_fee_is_shown_when_the_clinic_sets_one(make_app, clock):
    from tests.appointments.helpers import add_practitioner

    app = make_app(CONSULTATION_FEE="$75, credited toward treatment")
    add_practitioner(app)
    client = app.test_client()
    page = client.get(book(client, "2027-03-03T10:00").location).text
    assert "Consultation fee" in page and "$75, credited toward treatment" in page


def test_the_page_is_private(client, booked):
    for answer in (client.get(booked), client.get(booked + ".ics")):
        assert answer.headers["Cache-Control"] == "no-store"
        assert answer.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in client.get(booked).text


def flip(token: str, at: int) -> str:
    return token[:at] + ("A" if token[at] != "A" else "B") + token[at + 1 :]


@pytest.mark.parametrize(
    "change",
    [
        # The signature's first character: its last carries bits base64 ignores,
        # so changing that one may leave the signature the same.
        lambda t: flip(t, t.rindex(".") + 1),
        lambda t: "x" + t[1:],  # the payload
        lambda t: t.split(".")[0],  # no signature
        lambda t: t + t,
    ],
)
def test_a_tampered_link_is_a_404(client, booked, change):
    token = booked.rsplit("/", 1)[1]
    bad = change(token)
    for suffix in ("", ".ics"):
        assert client.get(f"/appointments/{bad}{suffix}").status_code == 404
    page = client.get(booked)
    answer = client.post(
        f"/appointments/{bad}/cancel", data={"csrf_token": csrf_token(page.text)}
    )
    assert answer.status_code == 404


def test_a_signed_link_to_an_id_that_does_not_exist_is_a_404(client, app, booked):
    from itsdangerous import URLSafeSerializer

    forged = URLSafeSerializer(app.config["SECRET_KEY"], salt="appointment-link").dumps(
        "0" * 32
    )
    assert client.get(f"/appointments/{forged}").status_code == 404


def test_add_to_calendar_is_one_event_with_its_time_zone(client, app, booked):
    answer = client.get(booked + ".ics")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(answer.data)
    (event,) = calendar.walk("VEVENT")
    assert event.start == local("2027-03-03T10:00")
    assert event.start.tzinfo is not None and "TZID=America/Los_Angeles" in answer.text
    assert event.end - event.start == timedelta(minutes=45)
    (appointment,) = appointments(app)
    assert str(event["UID"]) == f"appointment-{appointment.public_id}@127.0.0.1"
    assert event["SEQUENCE"] == 0
    assert "Visage Laser and Skin Care" in str(event["LOCATION"])
    assert "migraine" not in answer.text.lower()  # calendars sync to other servers


def token(client) -> str:
    """This visitor's CSRF token (the appointment page has none once it is too late
    to change anything)."""
    return csrf_token(client.get("/consultation").text)


def cancel(client, page_url):
    return client.post(page_url + "/cancel", data={"csrf_token": token(client)})


def reschedule(client, page_url, start, day=None):
    """Move as the page's form does: the day shown (the time's, unless given) and
    the time."""
    return client.post(
        page_url + "/reschedule",
        data={
            "csrf_token": token(client),
            "date": day or start[:10],
            "appointment_start": start,
        },
    )


def test_cancelling(client, app, booked):
    answer = cancel(client, booked)
    assert answer.status_code == 303
    (appointment,) = appointments(app)
    assert appointment.status == AppointmentStatus.CANCELLED
    assert appointment.sequence == 1
    (lead,) = all_rows(app, Lead)
    assert lead.status == LeadStatus.CANCELLED
    (reminder,) = emails(app, EmailKind.REMINDER)
    assert reminder.status == EmailStatus.WITHDRAWN
    assert len(emails(app, EmailKind.CANCELLATION)) == 1
    page = client.get(answer.location).text
    assert "Your consultation is cancelled" in page
    assert "Book another time" in page
    # The time is free again.
    assert (
        "10:00" in client.get("/consultation/times.json?date=2027-03-03").json["times"]
    )
    audit = [e.detail for e in all_rows(app, AuditEvent)]
    assert "cancelled by the patient" in audit


def test_cancelling_twice_says_it_is_already_cancelled(client, app, booked):
    page = client.get(booked)
    token = csrf_token(page.text)
    assert (
        client.post(booked + "/cancel", data={"csrf_token": token}).status_code == 303
    )
    again = client.post(booked + "/cancel", data={"csrf_token": token})
    assert again.status_code == 409
    assert "This appointment has been cancelled." in again.text
    assert len(emails(app, EmailKind.CANCELLATION)) == 1


def test_moving_to_another_time(client, app, booked):
    page = client.get(booked + "?date=2027-03-04").text
    assert "2027-03-04T14:00" in offered(page)
    answer = reschedule(client, booked, "2027-03-04T14:00")
    assert answer.status_code == 303
    assert "Your consultation has moved" in client.get(answer.location).text
    (appointment,) = appointments(app)
    assert appointment.starts_at == datetime(2027, 3, 4, 22, 0, tzinfo=UTC)
    assert appointment.sequence == 1 and appointment.minutes == 45
    old, new = emails(app, EmailKind.REMINDER)
    assert old.status == EmailStatus.WITHDRAWN
    assert new.status == EmailStatus.PENDING
    assert new.next_attempt_at == datetime(2027, 3, 3, 22, 0, tzinfo=UTC)
    assert len(emails(app, EmailKind.UPDATE)) == 1
    times = client.get("/consultation/times.json?date=2027-03-03").json["times"]
    assert "10:00" in times


def test_moving_a_little_later_overlapping_itself_is_allowed(client, app, booked):
    assert reschedule(client, booked, "2027-03-03T10:30").status_code == 303
    (appointment,) = appointments(app)
    assert appointment.starts_at == datetime(2027, 3, 3, 18, 30, tzinfo=UTC)


def test_moving_to_the_same_time_changes_nothing(client, app, booked):
    answer = reschedule(client, booked, "2027-03-03T10:00")
    assert answer.status_code == 303
    assert appointments(app)[0].sequence == 0
    assert emails(app, EmailKind.UPDATE) == []


def test_moving_to_a_taken_time_is_a_409_with_the_nearest(client, app, booked):
    assert book(client, "2027-03-04T14:00", email="b@example.com").status_code == 303
    answer = reschedule(client, booked, "2027-03-04T14:00")
    assert answer.status_code == 409
    assert "Someone has just booked that time" in answer.text
    assert "2027-03-04T14:00" not in offered(answer.text)
    assert appointments(app)[0].starts_at == datetime(2027, 3, 3, 18, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("start", "message"),
    [
        ("", "Choose one of the times listed"),
        ("2027-03-04 14:00", "Choose one of the times listed"),
        ("2027-03-04T14:10", "We do not start consultations at that time"),
        ("2027-03-07T10:00", "We are closed"),
        ("2027-02-01T10:00", "That time has passed"),
    ],
)
def test_moving_to_a_time_never_offered_is_a_400(client, app, booked, start, message):
    answer = reschedule(client, booked, start)
    assert answer.status_code == 400
    assert message in answer.text
    assert appointments(app)[0].sequence == 0


def test_moving_a_cancelled_appointment_is_refused(client, app, booked):
    assert cancel(client, booked).status_code == 303
    answer = reschedule(client, booked, "2027-03-04T14:00")
    assert answer.status_code == 409
    assert "cancelled" in answer.text
    assert appointments(app)[0].status == AppointmentStatus.CANCELLED


def test_after_the_cut_off_the_page_says_to_call(client, app, booked, clock):
    clock.move_to(local("2027-03-02T10:30"))  # 23.5 hours before
    page = client.get(booked).text
    assert "please call us" in page
    assert "Cancel my consultation" not in page
    for answer in (
        cancel(client, booked),
        reschedule(client, booked, "2027-03-04T14:00"),
    ):
        assert answer.status_code == 409
        assert "Please call us" in answer.text
    assert appointments(app)[0].status == AppointmentStatus.BOOKED


def test_changes_need_the_pages_csrf_token(client, app, booked):
    assert client.post(booked + "/cancel").status_code == 400
    answer = client.post(
        booked + "/reschedule", data={"appointment_start": "2027-03-04T14:00"}
    )
    assert answer.status_code == 400
    assert appointments(app)[0].status == AppointmentStatus.BOOKED
