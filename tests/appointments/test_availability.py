"""Free times are computed from hours, closures, time off, booked appointments,
notice and range, on the clinic's wall clock, and answered by times.json."""

import sqlite3
from datetime import UTC, date, datetime, timedelta

import icalendar
import pytest

from clinic.extensions import db
from clinic.models import Appointment, TimeOff
from tests.appointments.helpers import (
    add_practitioner,
    appointments,
    book,
    local,
    times,
)
from tests.helpers import TEST_DATABASE_URL
from tests.staff.helpers import add_lead

pytestmark = pytest.mark.usefixtures("clock")

TUESDAY = "2027-03-02"
WEEKDAY_TIMES = [f"{h:02d}:{m:02d}" for h in range(9, 18) for m in (0, 30)]


def hold(app, practitioner_id, start, minutes=30, status="booked", lead_id=None):
    """Put an appointment straight into the database (with a lead to hang it on)."""
    lead_id = lead_id or add_lead(app, emails=False)
    begins = local(start).astimezone(UTC)
    with app.app_context():
        db.session.add(
            Appointment(
                public_id=f"{practitioner_id}-{start}-{lead_id}",
                lead_id=lead_id,
                practitioner_id=practitioner_id,
                starts_at=begins,
                ends_at=begins + timedelta(minutes=minutes),
                status=status,
            )
        )
        db.session.commit()


def test_a_weekday_offers_every_half_hour_that_ends_by_closing(client, ana):
    assert times(client, TUESDAY) == WEEKDAY_TIMES
    answer = client.get(f"/consultation/times.json?date={TUESDAY}").json
    assert answer["date"] == TUESDAY
    assert answer["timezone"] == "America/Los_Angeles"


def test_thursday_runs_into_the_evening_and_saturday_ends_at_four(client, ana):
    thursday = times(client, "2027-03-04")
    assert thursday[-1] == "18:30" and "17:00" in thursday
    saturday = times(client, "2027-03-06")
    assert saturday[0] == "10:00" and saturday[-1] == "15:30"
    assert not [t for t in saturday if t >= "16:00"]


def test_a_closed_day_a_past_day_and_one_beyond_the_range_offer_nothing(client, ana):
    assert times(client, "2027-03-07") == []  # Sunday
    assert times(client, "2027-02-26") == []  # last Friday
    assert times(client, "2027-08-31") == WEEKDAY_TIMES  # the 183rd day
    assert times(client, "2027-09-01") == []


def test_minimum_notice_is_counted_from_now(client, ana, clock):
    # Monday 08:00: twelve hours' notice leaves nothing today.
    assert times(client, "2027-03-01") == []
    clock.move_to(local("2027-03-02T00:00"))
    assert times(client, TUESDAY)[0] == "12:00"


def test_booked_times_are_taken_out_for_their_whole_length(client, app, ana):
    hold(app, ana, "2027-03-02T10:00")
    free = times(client, TUESDAY)
    assert "10:00" not in free and "09:30" in free and "10:30" in free
    # A 45-minute consultation starting at 09:30 would run into it too.
    migraine = times(client, TUESDAY, "botox-chronic-migraine")
    assert "09:30" not in migraine and "09:00" in migraine
    assert migraine[-1] == "17:00"  # 17:00 + 45 min ends by 18:00


def test_a_cancelled_appointment_frees_its_time(client, app, ana):
    hold(app, ana, "2027-03-02T10:00", status="cancelled")
    assert "10:00" in times(client, TUESDAY)


def test_a_time_is_free_while_any_practitioner_is(client, app, ana):
    ben = add_practitioner(app, "ben@clinic.test", "Ben Ortiz, PA-C")
    hold(app, ana, "2027-03-02T10:00")
    assert "10:00" in times(client, TUESDAY)
    hold(app, ben, "2027-03-02T10:00")
    assert "10:00" not in times(client, TUESDAY)


def test_time_off_and_clinic_closures(client, app, ana):
    ben = add_practitioner(app, "ben@clinic.test", "Ben Ortiz, PA-C")
    with app.app_context():
        db.session.add(
            TimeOff(
                practitioner_id=ana,
                first_day=date(2027, 3, 2),
                last_day=date(2027, 3, 3),
            )
        )
        db.session.commit()
    hold(app, ben, "2027-03-02T10:00")
    assert "10:00" not in times(client, TUESDAY)  # Ana is away, Ben is busy
    with app.app_context():
        db.session.add(
            TimeOff(
                practitioner_id=None,
                first_day=date(2027, 3, 5),
                last_day=date(2027, 3, 5),
            )
        )
        db.session.commit()
    assert times(client, "2027-03-05") == []  # a holiday: closed for everyone
    assert times(client, "2027-03-04")  # the day before is open


def test_own_hours_are_kept_within_the_clinics(client, app):
    add_practitioner(app, working_hours="Tu 13:00-20:00, We 08:00-10:00")
    assert times(client, TUESDAY) == [t for t in WEEKDAY_TIMES if t >= "13:00"]
    assert times(client, "2027-03-03") == ["09:00", "09:30"]
    assert times(client, "2027-03-04") == []  # not one of their days


def test_treatments_a_practitioner_does_not_offer_get_no_times(client, app):
    add_practitioner(app, treatments="laser-hair-removal")
    assert times(client, TUESDAY, "laser-hair-removal") == WEEKDAY_TIMES
    assert times(client, TUESDAY, "botox-chronic-migraine") == []


def test_no_practitioner_means_no_times(client):
    assert times(client, TUESDAY) == []
    page = client.get(f"/consultation?preferred_date={TUESDAY}").text
    assert "Online booking is not open yet" in page


def test_an_inactive_practitioner_is_not_offered(client, app):
    add_practitioner(app, active=False)
    assert times(client, TUESDAY) == []


@pytest.mark.parametrize(
    "query",
    [
        "date=2027-3-2",
        "date=20270302",
        "date=2027-02-30",
        "date=",
        "",
        "date=2027-03-02T09:00",
        "date=%00",
        "date=" + "9" * 5000,
    ],
)
def test_a_malformed_date_is_a_400_with_a_json_error(client, ana, query):
    answer = client.get(f"/consultation/times.json?{query}")
    assert answer.status_code == 400
    assert "YYYY-MM-DD" in answer.json["error"]


def test_an_unknown_treatment_is_a_400(client, ana):
    answer = client.get(f"/consultation/times.json?date={TUESDAY}&treatment=nope")
    assert answer.status_code == 400
    assert answer.json == {"error": "no such treatment"}


def test_times_are_not_cached(client, ana):
    answer = client.get(f"/consultation/times.json?date={TUESDAY}")
    assert answer.headers["Cache-Control"] == "no-store"


# --- daylight-saving changes (US 2027: 14 March and 7 November) -------------------


def test_the_week_the_clocks_go_forward_keeps_the_wall_clock(client, app, ana):
    """Friday 12 March is PST (UTC-8), Monday 15 March PDT (UTC-7): 09:00 is offered
    on both, and is a different UTC hour."""
    assert times(client, "2027-03-12") == WEEKDAY_TIMES
    assert times(client, "2027-03-15") == WEEKDAY_TIMES
    assert book(client, "2027-03-12T09:00").status_code == 303
    assert book(client, "2027-03-15T09:00", email="b@example.com").status_code == 303
    friday, monday = appointments(app)
    assert friday.starts_at == datetime(2027, 3, 12, 17, 0, tzinfo=UTC)
    assert monday.starts_at == datetime(2027, 3, 15, 16, 0, tzinfo=UTC)
    assert [a.minutes for a in (friday, monday)] == [45, 45]  # migraine: 45


def test_the_skipped_hour_is_never_offered(make_app):
    app = make_app(CLINIC_HOURS={"Su": "00:00-04:00", "Mo": "09:00-18:00"})
    add_practitioner(app)
    client = app.test_client()
    # 02:00 to 03:00 does not exist on 14 March 2027 in Los Angeles.
    assert times(client, "2027-03-14") == [
        "00:00",
        "00:30",
        "01:00",
        "01:30",
        "03:00",
        "03:30",
    ]


def test_the_repeated_hour_when_the_clocks_go_back(make_app, clock):
    app = make_app(CLINIC_HOURS={"Su": "00:00-04:00", "Mo": "09:00-18:00"})
    add_practitioner(app)
    client = app.test_client()
    clock.move_to(local("2027-11-01T08:00"))
    # 01:00 to 02:00 happens twice on 7 November 2027; it is offered once (PDT), and
    # every consultation still lasts 30 real minutes.
    assert times(client, "2027-11-07") == [
        "00:00",
        "00:30",
        "01:00",
        "01:30",
        "02:00",
        "02:30",
        "03:00",
        "03:30",
    ]
    assert times(client, "2027-11-08") == WEEKDAY_TIMES  # Monday, now PST


@pytest.mark.skipif(
    bool(TEST_DATABASE_URL), reason="SQLite's write lock; PostgreSQL readers never wait"
)
def test_free_times_are_read_while_a_writer_holds_the_lock(app, client, ana):
    """Reading views begin a deferred transaction: a patient looking at times never
    queues behind a booking being written (or behind other readers)."""
    path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    writer = sqlite3.connect(path, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")  # as a booking holds it while it writes
        assert times(client, TUESDAY) == WEEKDAY_TIMES
        assert client.get("/consultation").status_code == 200
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_the_week_the_clocks_go_back_keeps_the_wall_clock_in_the_calendar_file(
    client, app, ana, clock
):
    """Friday 5 November 2027 is PDT (UTC-7), Monday 8 November PST (UTC-8): each
    booking's calendar file says 09:00 in Los Angeles, and a parser agrees on UTC."""
    clock.move_to(local("2027-11-01T08:00"))
    friday = book(client, "2027-11-05T09:00", treatment="botox-hyperhidrosis")
    monday = book(
        client, "2027-11-08T09:00", treatment="botox-hyperhidrosis", email="b@x.com"
    )
    expected = {
        friday.location: datetime(2027, 11, 5, 16, 0, tzinfo=UTC),
        monday.location: datetime(2027, 11, 8, 17, 0, tzinfo=UTC),
    }
    for page, utc in expected.items():
        ics = client.get(page + ".ics")
        (event,) = icalendar.Calendar.from_ical(ics.data).walk("VEVENT")
        assert event.start.astimezone(UTC) == utc
        assert event.end.astimezone(UTC) == utc + timedelta(minutes=30)
        assert f"DTSTART;TZID=America/Los_Angeles:{utc:%Y%m%d}T090000" in ics.text
