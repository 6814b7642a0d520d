"""The consultation form books a real time, with or without JavaScript, and refuses
every time the clinic cannot honour with a clear message."""

import re
from datetime import UTC, datetime

import pytest

from clinic.models import Lead
from clinic.vocabulary import AppointmentStatus, EmailKind, LeadStatus
from tests.appointments.helpers import (
    appointments,
    book,
    emails,
    lead_count,
    local,
    offered,
)
from tests.helpers import all_rows, open_form, parse_html, submit

pytestmark = pytest.mark.usefixtures("clock")


def test_the_form_shows_the_first_free_days_times_at_once(client, ana):
    page = client.get("/consultation").text
    # Monday 08:00 with twelve hours' notice: Tuesday is the first day with times.
    assert offered(page)[0] == "2027-03-02T09:00"
    assert "Free times on Tuesday, March 2" in page
    assert "None of these suit me: please call me" in page
    parse_html(page)


def test_times_are_grouped_by_part_of_the_day(client, ana):
    page = client.get("/consultation?preferred_date=2027-03-04").text
    morning, afternoon, evening = (
        page.index('id="part-morning"'),
        page.index('id="part-afternoon"'),
        page.index('id="part-evening"'),
    )
    assert morning < page.index('value="2027-03-04T11:30"') < afternoon
    assert afternoon < page.index('value="2027-03-04T16:30"') < evening
    assert evening < page.index('value="2027-03-04T18:30"')


def test_a_link_to_a_day_keeps_the_treatment(client, ana):
    page = client.get(
        "/consultation?treatment=botox-chronic-migraine&preferred_date=2027-03-06"
    ).text
    assert re.search(r'<option selected value="botox-chronic-migraine">', page)
    assert 'value="2027-03-06"' in page
    times = offered(page)
    assert times[0] == "2027-03-06T10:00" and times[-1] == "2027-03-06T15:00"  # 45 min


def test_show_free_times_without_javascript_keeps_everything_typed(client, app, ana):
    """The button sends the form back (a POST: a GET would put the name, email and
    phone in the address, the server's log and the browser's history); it stores
    nothing and checks nothing."""
    tokens = open_form(client)
    answer = client.post(
        "/consultation",
        data={
            **tokens,
            "show_times": "1",
            "treatment": "botox-hyperhidrosis",
            "preferred_date": "2027-03-04",
            "first_name": "Bea",
            "email": "bea@example",  # not valid yet: no complaint until booking
        },
    )
    assert answer.status_code == 200
    assert "Free times on Thursday, March 4" in answer.text
    assert "2027-03-04T18:30" in offered(answer.text)
    assert re.search(r'<option selected value="botox-hyperhidrosis">', answer.text)
    assert 'value="Bea"' in answer.text and 'value="bea@example"' in answer.text
    assert "error-summary" not in answer.text
    assert answer.headers["Cache-Control"] == "no-store"
    assert lead_count(app) == 0
    # The tokens it carried still send the form.
    again = book(
        client, "2027-03-04T18:30", tokens=tokens, treatment="botox-hyperhidrosis"
    )
    assert again.status_code == 303


def test_a_closed_day_says_so_and_offers_the_call_back(client, ana):
    page = client.get("/consultation?preferred_date=2027-03-07").text
    assert offered(page) == []
    assert "No free times on that day" in page
    assert 'id="time-call-me" value="" checked' in page


def test_booking_a_time_stores_the_lead_the_appointment_and_the_emails(
    client, app, ana
):
    answer = book(client, "2027-03-03T10:00", treatment="botox-hyperhidrosis")
    assert answer.status_code == 303
    assert answer.location.startswith("/appointments/")
    (appointment,) = appointments(app)
    assert appointment.starts_at == datetime(2027, 3, 3, 18, 0, tzinfo=UTC)
    assert appointment.minutes == 30
    assert appointment.practitioner_id == ana
    assert appointment.status == AppointmentStatus.BOOKED
    (lead,) = all_rows(app, Lead)
    assert lead.status == LeadStatus.SCHEDULED
    assert (lead.preferred_date.isoformat(), lead.preferred_time) == (
        "2027-03-03",
        "morning",
    )
    kinds = [e.kind for e in emails(app)]
    assert sorted(kinds) == sorted(
        [EmailKind.CLINIC_NOTIFICATION, EmailKind.CONFIRMATION, EmailKind.REMINDER]
    )
    (reminder,) = emails(app, EmailKind.REMINDER)
    assert reminder.next_attempt_at == datetime(2027, 3, 2, 18, 0, tzinfo=UTC)


def test_a_time_inside_the_reminder_window_gets_no_reminder(client, app, ana, clock):
    clock.move_to(local("2027-03-02T10:00"))
    assert book(client, "2027-03-03T09:00").status_code == 303  # in 23 hours
    assert emails(app, EmailKind.REMINDER) == []
    assert len(emails(app, EmailKind.CONFIRMATION)) == 1


def test_asking_to_be_called_still_works(client, app, ana):
    assert submit(client, appointment_start="").status_code == 303
    assert appointments(app) == []
    assert [e.kind for e in emails(app)] == [
        EmailKind.CLINIC_NOTIFICATION,
        EmailKind.PATIENT_ACK,
    ]


@pytest.mark.parametrize(
    ("start", "message"),
    [
        ("2027-03-03 10:00", "Choose one of the times listed"),
        ("tomorrow", "Choose one of the times listed"),
        ("2027-13-03T10:00", "Choose one of the times listed"),
        ("2027-03-03T10:00:00", "Choose one of the times listed"),
        ("2027-03-03T10:10", "We do not start consultations at that time"),
        ("2027-03-03T07:00", "We do not start consultations at that time"),
        ("2027-03-06T16:00", "We do not start consultations at that time"),  # Sat 4 pm
        ("2027-03-06T18:00", "We do not start consultations at that time"),  # Sat eve
        ("2027-03-07T10:00", "We are closed on Sunday, March 7"),
        ("2027-02-26T10:00", "That time has passed"),
        ("2027-03-01T15:00", "notice to book online"),
        ("2027-09-01T10:00", "We book up to August 31, 2027"),
        ("2027-03-03T10:00\x00", "special characters"),
        ("x" * 5000, "Choose one of the times listed"),
    ],
)
def test_a_time_never_offered_is_refused_with_a_400(client, app, ana, start, message):
    answer = book(client, start)
    assert answer.status_code == 400
    assert message in answer.text
    assert 'value="Ana"' in answer.text  # what the patient typed is kept
    assert lead_count(app) == 0 and appointments(app) == []


def test_an_unknown_treatment_is_refused(client, app, ana):
    answer = book(client, "2027-03-03T10:00", treatment="no-such-thing")
    assert answer.status_code == 400
    assert "Choose a treatment from the list." in answer.text
    assert appointments(app) == []


def test_a_time_taken_meanwhile_is_a_409_with_the_nearest_free_times(client, app, ana):
    first_form, second_form = open_form(client), open_form(client)
    assert book(client, "2027-03-03T10:00", tokens=first_form).status_code == 303
    answer = book(
        client,
        "2027-03-03T10:00",
        tokens=second_form,
        first_name="Bea",
        email="bea@example.com",
        treatment="botox-hyperhidrosis",
    )
    assert answer.status_code == 409
    assert "Someone has just booked that time" in answer.text
    assert 'value="Bea"' in answer.text and 'value="bea@example.com"' in answer.text
    nearest = offered(answer.text)
    assert "2027-03-03T10:00" not in nearest
    # The first booking is a 45-minute migraine consultation: 10:00 to 10:45.
    assert {"2027-03-03T09:30", "2027-03-03T11:00"} <= set(nearest)
    assert "2027-03-03T10:30" not in nearest
    assert len(appointments(app)) == 1 and lead_count(app) == 1
    # Choosing one of them books it, with the same form.
    assert (
        book(
            client, "2027-03-03T11:00", tokens=second_form, email="bea@example.com"
        ).status_code
        == 303
    )
    assert len(appointments(app)) == 2


def test_a_replayed_booking_finds_the_same_appointment(client, app, ana):
    tokens = open_form(client)
    first = book(client, "2027-03-03T10:00", tokens=tokens)
    again = book(client, "2027-03-03T10:00", tokens=tokens)
    assert first.status_code == again.status_code == 303
    assert first.location == again.location
    assert len(appointments(app)) == 1 and lead_count(app) == 1


def test_a_bot_gets_no_appointment(client, app, ana):
    answer = book(client, "2027-03-03T10:00", website="http://spam.example")
    assert answer.status_code == 303 and answer.location == "/consultation/thanks"
    assert appointments(app) == []
    assert emails(app) == []


def test_a_chosen_time_needs_no_date_or_part_of_day(client, app, ana):
    answer = book(client, "2027-03-03T17:00", preferred_date=None, preferred_time=None)
    assert answer.status_code == 303
    (lead,) = all_rows(app, Lead)
    assert lead.preferred_time == "evening"


def test_the_rest_of_the_form_is_still_checked(client, app, ana):
    answer = book(client, "2027-03-03T10:00", email="not-an-address", consent=None)
    assert answer.status_code == 400
    assert appointments(app) == []
    # The chosen time stays chosen for the corrected form.
    assert 'value="2027-03-03T10:00" checked' in answer.text
