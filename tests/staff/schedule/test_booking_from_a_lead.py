"""The front desk books callers in, moves, cancels and closes appointments from the
lead; everyone sees the calendar; practitioners subscribe to their own feed; admins
record time off and say who sees patients."""

from datetime import UTC, datetime

import icalendar
import pytest
from sqlalchemy import update

from clinic.extensions import db
from clinic.models import AuditEvent, Lead, StaffUser, TimeOff
from clinic.vocabulary import AppointmentStatus, EmailKind, LeadStatus
from tests.appointments.helpers import (
    appointments,
    book,
    emails,
    local,
    offered,
    post,
    times,
)
from tests.helpers import all_rows
from tests.staff.helpers import (
    ADMIN,
    PASSWORD,
    STAFF,
    add_lead,
    create_account,
    sign_in,
)

pytestmark = pytest.mark.usefixtures("clock")


def make_practitioner(app, staff_id, name="Dr. Ana Ruiz, MD"):
    with app.app_context():
        db.session.execute(
            update(StaffUser)
            .where(StaffUser.id == staff_id)
            .values(is_practitioner=True, display_name=name)
        )
        db.session.commit()


@pytest.fixture
def desk(app):
    """A signed-in front-desk account that is also the clinic's practitioner."""
    staff_id = create_account(app, STAFF)
    make_practitioner(app, staff_id)
    client = app.test_client()
    assert sign_in(client, STAFF).status_code == 303
    client.staff_id = staff_id
    return client


@pytest.fixture
def caller(app):
    """A lead that asked to be called back."""
    return add_lead(app, treatment="botox-hyperhidrosis")


def sign_in_again(client) -> None:
    """After the clock has moved hours on, the idle session has ended."""
    assert "expired=idle" in client.get("/staff/leads").location
    assert sign_in(client, STAFF).status_code == 303


def test_the_lead_page_offers_times_without_the_online_notice(desk, caller):
    page = desk.get(f"/staff/leads/{caller}?date=2027-03-01").text
    # Monday 08:00: patients need twelve hours' notice, the desk books a caller in now.
    assert offered(page)[0] == "2027-03-01T09:00"
    assert "Book this time" in page


def test_booking_a_caller_in(app, desk, caller):
    answer = post(
        desk, f"/staff/leads/{caller}/appointment", appointment_start="2027-03-01T11:00"
    )
    assert answer.status_code == 303
    assert answer.location.endswith(f"/staff/leads/{caller}#appointment")
    (appointment,) = appointments(app)
    assert appointment.starts_at == datetime(2027, 3, 1, 19, 0, tzinfo=UTC)
    assert appointment.practitioner_id == desk.staff_id
    (lead,) = all_rows(app, Lead)
    assert lead.status == LeadStatus.SCHEDULED and lead.first_contacted_at is not None
    assert len(emails(app, EmailKind.CONFIRMATION)) == 1
    assert emails(app, EmailKind.REMINDER) == []  # inside the 24 hours
    page = desk.get(f"/staff/leads/{caller}").text
    assert "Monday 1 March 2027, 11:00 AM" in page and "Dr. Ana Ruiz, MD" in page
    assert any(
        "booked 2027-03-01 19:00 UTC" in e.detail for e in all_rows(app, AuditEvent)
    )


def test_the_desk_cannot_double_book_either(app, desk, caller):
    other = add_lead(app, email="other@example.com", treatment="botox-hyperhidrosis")
    assert (
        book(
            app.test_client(), "2027-03-02T10:00", treatment="botox-hyperhidrosis"
        ).status_code
        == 303
    )
    answer = post(
        desk, f"/staff/leads/{caller}/appointment", appointment_start="2027-03-02T10:00"
    )
    assert answer.status_code == 409
    assert "That time has just been booked" in answer.text
    assert "2027-03-02T10:00" not in offered(answer.text)
    assert len(appointments(app)) == 1
    assert (
        post(
            desk,
            f"/staff/leads/{other}/appointment",
            appointment_start="2027-03-02T10:30",
        ).status_code
        == 303
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose a time."),
        ({"appointment_start": "soon"}, "Choose one of the times listed"),
        ({"appointment_start": "2027-03-01T09:10"}, "We do not start consultations"),
        ({"appointment_start": "2027-03-07T10:00"}, "We are closed"),
        ({"appointment_start": "2027-03-01T07:30"}, "That time has passed"),
        (
            {"appointment_start": "2027-03-02T10:00", "practitioner": "999"},
            "Choose a practitioner from the list.",
        ),
        (
            {"appointment_start": "2027-03-02T10:00", "practitioner": "x" * 300},
            "Choose a practitioner from the list.",
        ),
    ],
)
def test_bad_bookings_from_the_desk_are_refused(app, desk, caller, data, message):
    answer = post(desk, f"/staff/leads/{caller}/appointment", **data)
    assert answer.status_code == 400
    assert message in answer.text
    assert appointments(app) == []
    assert all_rows(app, Lead)[0].status == LeadStatus.NEW


def test_a_lead_held_as_spam_is_not_booked(app, desk):
    spam = add_lead(app, status=LeadStatus.SPAM, spam_reason="honeypot", emails=False)
    answer = post(
        desk, f"/staff/leads/{spam}/appointment", appointment_start="2027-03-02T10:00"
    )
    assert answer.status_code == 409
    assert "Release this lead from spam before booking it." in answer.text
    assert appointments(app) == [] and emails(app) == []
    assert all_rows(app, Lead)[0].status == LeadStatus.SPAM


def test_moving_cancelling_and_closing_from_the_lead(app, desk, caller, clock):
    path = f"/staff/leads/{caller}/appointment"
    assert post(desk, path, appointment_start="2027-03-03T10:00").status_code == 303
    assert post(desk, path, appointment_start="2027-03-03T15:00").status_code == 303
    same = post(desk, path, appointment_start="2027-03-03T15:00", follow_redirects=True)
    assert "The appointment is already at that time." in same.text
    (appointment,) = appointments(app)
    assert (
        appointment.starts_at == local("2027-03-03T15:00") and appointment.sequence == 1
    )
    assert len(emails(app, EmailKind.UPDATE)) == 1
    # Not before it has started.
    early = post(desk, path + "/outcome", outcome="attended")
    assert early.status_code == 409 and "has not started yet" in early.text
    clock.move_to(local("2027-03-03T15:10"))
    sign_in_again(desk)
    assert post(desk, path + "/outcome", outcome="no_show").status_code == 303
    assert appointments(app)[0].status == AppointmentStatus.NO_SHOW
    assert all_rows(app, Lead)[0].status == LeadStatus.NO_SHOW
    bad = post(desk, path + "/outcome", outcome="maybe")
    assert bad.status_code == 400 and "Choose attended or no-show." in bad.text
    details = [e.detail for e in all_rows(app, AuditEvent) if e.action == "appointment"]
    assert details[0].startswith("booked") and details[1].startswith("moved")
    assert details[2] == "marked No-show"


def test_cancelling_from_the_lead(app, desk, caller):
    path = f"/staff/leads/{caller}/appointment"
    assert post(desk, path + "/cancel").status_code == 409  # nothing to cancel yet
    assert post(desk, path, appointment_start="2027-03-03T10:00").status_code == 303
    assert post(desk, path + "/cancel").status_code == 303
    assert appointments(app)[0].status == AppointmentStatus.CANCELLED
    assert all_rows(app, Lead)[0].status == LeadStatus.CANCELLED
    assert len(emails(app, EmailKind.CANCELLATION)) == 1
    assert post(desk, path + "/cancel").status_code == 409
    # A cancelled lead can be booked again.
    assert post(desk, path, appointment_start="2027-03-03T10:00").status_code == 303
    assert [a.status for a in appointments(app)] == ["cancelled", "booked"]


def test_the_calendar_shows_the_week_per_practitioner(app, desk, caller):
    ben = create_account(app, "ben@clinic.test")
    make_practitioner(app, ben, "Ben Ortiz, PA-C")
    post(
        desk, f"/staff/leads/{caller}/appointment", appointment_start="2027-03-03T10:00"
    )
    week = desk.get("/staff/calendar").text
    assert "week of 1 March 2027" in week
    assert 'aria-current="date"' in week and "Today" in week
    assert f'href="/staff/leads/{caller}">Ana García</a>' in week
    assert "10:00–10:30" in week and "Dr. Ana Ruiz, MD" in week
    assert "date=2027-02-22" in week and "date=2027-03-08" in week  # previous, next
    day = desk.get("/staff/calendar?date=2027-03-03&view=day").text
    assert "Wednesday 3 March 2027" in day and "Ana García" in day
    only_ben = desk.get(f"/staff/calendar?date=2027-03-03&practitioner={ben}").text
    assert "Ana García" not in only_ben
    next_week = desk.get("/staff/calendar?date=2027-03-08").text
    assert "Ana García" not in next_week
    for junk in ("2027-02-30", "x" * 1000, "0001-01-01", "9999-12-31"):
        assert desk.get(f"/staff/calendar?date={junk}").status_code == 200


def test_a_practitioners_feed_is_secret_revocable_and_says_little(app, desk, caller):
    post(
        desk, f"/staff/leads/{caller}/appointment", appointment_start="2027-03-03T10:00"
    )
    assert post(desk, "/staff/calendar/feed").status_code == 303
    page = desk.get("/staff/calendar").text
    url = page.split('id="feed-url" readonly value="')[1].split('"')[0]
    path = url.removeprefix("http://localhost")
    feed = app.test_client().get(path)  # a calendar app: no session
    assert feed.status_code == 200
    assert feed.headers["Content-Type"].startswith("text/calendar")
    (event,) = icalendar.Calendar.from_ical(feed.data).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Consultation (A.G.)"
    assert event.start == local("2027-03-03T10:00")
    for private in ("García", "hyperhidrosis", "ana@example.com", "+1714"):
        assert private not in feed.text
    # A new address revokes the old; switching off revokes any.
    assert post(desk, "/staff/calendar/feed").status_code == 303
    assert app.test_client().get(path).status_code == 404
    assert post(desk, "/staff/calendar/feed", revoke="1").status_code == 303
    assert "feed-url" not in desk.get("/staff/calendar").text
    assert app.test_client().get("/staff/calendar/nothing.ics").status_code == 404


def test_only_a_practitioner_has_a_feed(app):
    create_account(app, ADMIN, admin=True)
    client = app.test_client()
    assert sign_in(client, ADMIN).status_code == 303
    assert "Your calendar feed" not in client.get("/staff/calendar").text
    assert post(client, "/staff/calendar/feed").status_code == 400


@pytest.fixture
def admin(app):
    create_account(app, ADMIN, admin=True)
    client = app.test_client()
    assert sign_in(client, ADMIN).status_code == 303
    return client


def test_an_admin_records_a_closure_and_time_off(app, admin, desk):
    assert times(app.test_client(), "2027-03-05")
    answer = post(
        admin,
        "/staff/availability",
        first_day="2027-03-05",
        last_day="2027-03-05",
        reason="Staff training",
    )
    assert answer.status_code == 303
    again = post(
        admin, "/staff/availability", first_day="2027-03-05", last_day="2027-03-05"
    )
    assert again.status_code == 303  # a second click records it once
    assert len(all_rows(app, TimeOff)) == 1
    assert times(app.test_client(), "2027-03-05") == []
    page = admin.get("/staff/availability").text
    assert "Clinic closed" in page and "Staff training" in page
    away = post(
        admin,
        "/staff/availability",
        practitioner=str(desk.staff_id),
        first_day="2027-03-08",
        last_day="2027-03-09",
    )
    assert away.status_code == 303
    assert times(app.test_client(), "2027-03-09") == []
    assert times(app.test_client(), "2027-03-10")
    entry = page.split('action="/staff/availability/')[1].split("/")[0]
    assert post(admin, f"/staff/availability/{entry}/delete").status_code == 303
    assert times(app.test_client(), "2027-03-05")
    assert [e.action for e in all_rows(app, AuditEvent)].count("availability") == 3


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"first_day": "", "last_day": "2027-03-05"},
            "Enter the first day as YYYY-MM-DD.",
        ),
        (
            {"first_day": "2027-03-05", "last_day": "5/3/2027"},
            "Enter the last day as YYYY-MM-DD.",
        ),
        (
            {"first_day": "2027-03-05", "last_day": "2027-03-04"},
            "The last day cannot come before the first.",
        ),
        (
            {"first_day": "2027-03-05", "last_day": "2029-03-04"},
            "Record at most a year at a time.",
        ),
        (
            {"first_day": "0001-03-05", "last_day": "2027-03-04"},
            "between 2000 and 2999",
        ),
        (
            {"first_day": "2027-03-05", "last_day": "2027-03-05", "practitioner": "77"},
            "Choose someone from the list.",
        ),
        (
            {"first_day": "2027-03-05", "last_day": "2027-03-05", "reason": "x" * 121},
            "Keep it under 120 characters.",
        ),
    ],
)
def test_bad_time_off_is_refused(app, admin, data, message):
    answer = post(admin, "/staff/availability", **data)
    assert answer.status_code == 400
    assert message in answer.text
    assert "There is a problem" in answer.text or "Please check" in answer.text


def test_an_admin_makes_someone_a_practitioner_with_their_own_hours(app, admin):
    ben = create_account(app, "ben@clinic.test")
    assert times(app.test_client(), "2027-03-02") == []
    answer = post(
        admin,
        f"/staff/team/{ben}/practitioner",
        is_practitioner="y",
        display_name="Ben Ortiz, PA-C",
        working_hours="Tu 13:00-15:00",
        treatments=["botox-hyperhidrosis", "laser-hair-removal"],
    )
    assert answer.status_code == 303
    assert times(app.test_client(), "2027-03-02", "botox-hyperhidrosis") == [
        "13:00",
        "13:30",
        "14:00",
        "14:30",
    ]
    assert times(app.test_client(), "2027-03-02", "dermal-fillers") == []
    assert "Ben Ortiz, PA-C" in admin.get("/staff/team").text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"is_practitioner": "y", "display_name": ""},
            "Give the name patients will see",
        ),
        ({"working_hours": "Mon 9-5"}, "is not like"),
        ({"working_hours": "Tu 15:00-13:00"}, "ends before it starts"),
        (
            {"treatments": ["botox-hyperhidrosis", "facelift"]},
            "Unknown treatments: facelift.",
        ),
        ({"display_name": "x" * 121}, "Keep the name under 120 characters."),
        (
            {"is_practitioner": "y", "display_name": "Medical director"},
            "not a role",
        ),
    ],
)
def test_bad_practitioner_settings_are_refused(app, admin, data, message):
    ben = create_account(app, "ben@clinic.test")
    answer = post(admin, f"/staff/team/{ben}/practitioner", **data)
    assert answer.status_code == 400
    assert message in answer.text
    assert not all_rows(app, StaffUser)[-1].is_practitioner


def test_the_dashboard_counts_bookings_requests_and_no_shows(app, desk, caller, clock):
    add_lead(app, email="other@example.com")
    post(
        desk, f"/staff/leads/{caller}/appointment", appointment_start="2027-03-01T11:00"
    )
    clock.move_to(local("2027-03-01T11:30"))
    sign_in_again(desk)
    post(desk, f"/staff/leads/{caller}/appointment/outcome", outcome="attended")
    page = desk.get("/staff/leads").text
    assert "1 / 1</span> booked a time / asked to be called" in page
    assert "0%</span> no-show rate" in page and "(0 of 1 appointments" in page


def test_staff_create_makes_a_practitioner(app):
    from tests.staff.helpers import staff_command

    made = staff_command(
        app,
        "create",
        "lee@clinic.test",
        "--practitioner",
        "--name",
        "Dr. Lee Park, MD",
        stdin=PASSWORD + "\n",
    )
    assert made.returncode == 0, made.stderr
    assert "practitioner (Dr. Lee Park, MD)" in made.stdout
    (user,) = all_rows(app, StaffUser)
    assert user.is_practitioner and user.display_name == "Dr. Lee Park, MD"
    nameless = staff_command(
        app, "create", "x@clinic.test", "--practitioner", stdin=PASSWORD + "\n"
    )
    assert nameless.returncode != 0 and "--name" in nameless.stderr
    role = staff_command(
        app,
        "create",
        "y@clinic.test",
        "--practitioner",
        "--name",
        "Practitioner on duty",
        stdin=PASSWORD + "\n",
    )
    assert role.returncode != 0 and "not a role" in role.stderr
