"""A booking is for the day its picker showed. The patient's request, the patient's
move and the staff booking each post the day shown beside the time chosen; a time on
another day (a stale page whose times were not reloaded) is refused with that day's
times, and nothing is booked, moved or emailed."""

import re
from datetime import UTC, datetime

import pytest

from clinic.models import Lead
from clinic.vocabulary import EmailKind
from tests.appointments.helpers import appointments, book, emails, offered, post
from tests.helpers import all_rows, open_form, valid_form
from tests.staff.helpers import STAFF, add_lead, create_account, csrf_token, sign_in

pytestmark = pytest.mark.usefixtures("clock")

WEDNESDAY, THURSDAY = "2027-03-03", "2027-03-04"


# --- the patient's request --------------------------------------------------------


def test_a_request_for_a_time_not_on_the_day_shown_is_refused(client, app, ana):
    # The patient changed the day to Thursday; Wednesday's 2 pm was still listed.
    answer = book(client, f"{WEDNESDAY}T14:00", preferred_date=THURSDAY)
    assert answer.status_code == 400
    assert "not on Thursday, March 4, the day shown" in answer.text
    assert f'value="{THURSDAY}"' in answer.text  # the day kept as the patient left it
    shown = offered(answer.text)
    assert shown and all(value.startswith(THURSDAY) for value in shown)
    assert appointments(app) == [] and all_rows(app, Lead) == []


def test_a_request_posting_another_date_is_refused_too(client, app, ana):
    data = {
        **open_form(client),
        **valid_form(
            preferred_date=WEDNESDAY,
            appointment_start=f"{WEDNESDAY}T14:00",
            date=THURSDAY,
        ),
    }
    assert client.post("/consultation", data=data).status_code == 400
    assert appointments(app) == []


def test_a_request_on_the_day_shown_books_it(client, app, ana):
    answer = book(client, f"{THURSDAY}T14:00", preferred_date=THURSDAY)
    assert answer.status_code == 303
    (appointment,) = appointments(app)
    assert appointment.starts_at == datetime(2027, 3, 4, 22, 0, tzinfo=UTC)


def test_after_a_clash_the_times_offered_are_one_day_and_the_day_says_which(
    client, app, ana
):
    """The nearest free times are on the day shown, or on the next day with any,
    and then the day field names that day, so choosing one books it."""
    first, second = open_form(client), open_form(client)
    saturday = "2027-03-06"  # 10:00 to 16:00; fill it all but for one time
    for n, hour in enumerate(["10:00", "11:00", "12:00", "13:00", "14:00"]):
        taken = book(
            client,
            f"{saturday}T{hour}",
            email=f"p{n}@example.com",
            phone=f"(714) 555-014{n}",
        )
        assert taken.status_code == 303
    assert book(client, f"{saturday}T15:00", tokens=first).status_code == 303
    answer = book(client, f"{saturday}T15:00", tokens=second, email="late@example.com")
    assert answer.status_code == 409
    monday = "2027-03-08"
    shown = offered(answer.text)
    assert shown and all(value.startswith(monday) for value in shown)
    (day_field,) = re.findall(r'<input[^>]*name="preferred_date"[^>]*>', answer.text)
    assert f'value="{monday}"' in day_field
    assert "Free times on Monday, March 8" not in answer.text
    assert "Other free times on Monday, March 8" in answer.text
    booked = book(client, f"{monday}T09:00", tokens=second, email="late@example.com")
    assert booked.status_code == 303


# --- the patient's move -----------------------------------------------------------


@pytest.fixture
def booked(client, ana):
    answer = book(client, f"{WEDNESDAY}T10:00")
    assert answer.status_code == 303
    return answer.location


def move(client, page_url, **data):
    token = csrf_token(client.get(page_url).text)
    return client.post(page_url + "/reschedule", data={"csrf_token": token, **data})


def test_a_move_to_a_time_not_on_the_day_shown_is_refused(client, app, booked):
    answer = move(client, booked, date=THURSDAY, appointment_start=f"{WEDNESDAY}T14:00")
    assert answer.status_code == 400
    assert "not on Thursday, March 4, the day shown" in answer.text
    assert f'value="{THURSDAY}"' in answer.text
    shown = offered(answer.text)
    assert shown and all(value.startswith(THURSDAY) for value in shown)
    (appointment,) = appointments(app)
    assert appointment.starts_at == datetime(2027, 3, 3, 18, 0, tzinfo=UTC)
    assert appointment.sequence == 0 and emails(app, EmailKind.UPDATE) == []


@pytest.mark.parametrize("day", [None, "", "next thursday", "2027-02-30"])
def test_a_move_without_a_day_is_refused(client, app, booked, day):
    data = {"appointment_start": f"{THURSDAY}T14:00"}
    if day is not None:
        data["date"] = day
    answer = move(client, booked, **data)
    assert answer.status_code == 400
    assert "Choose a day, then one of its free times." in answer.text
    assert appointments(app)[0].sequence == 0


def test_show_free_times_without_javascript_reloads_the_day(client, app, booked):
    answer = move(client, booked, date=THURSDAY, show_times="1")
    assert answer.status_code == 303
    assert answer.location.endswith(f"?date={THURSDAY}")
    page = client.get(answer.location).text
    assert "Free times on Thursday, March 4" in page
    assert appointments(app)[0].sequence == 0


def test_the_move_form_posts_its_day_with_its_times(client, booked):
    """One form holds the day and the times, so the day posted is the one seen."""
    page = client.get(booked + f"?date={THURSDAY}").text
    form = page[page.index('action="' + booked + '/reschedule"') :]
    form = form[: form.index("</form>")]
    assert f'name="date" value="{THURSDAY}"' in form
    assert f'value="{THURSDAY}T14:00"' in form


# --- the staff booking ------------------------------------------------------------


@pytest.fixture
def desk(app, ana):
    create_account(app, STAFF)
    client = app.test_client()
    assert sign_in(client, STAFF).status_code == 303
    return client


def test_a_staff_booking_not_on_the_day_shown_is_refused(app, desk):
    caller = add_lead(app, treatment="botox-hyperhidrosis")
    path = f"/staff/leads/{caller}/appointment"
    answer = post(desk, path, date=WEDNESDAY, appointment_start="2027-03-01T14:00")
    assert answer.status_code == 400
    assert "not on Wednesday, March 3, the day shown" in answer.text
    assert f'value="{WEDNESDAY}"' in answer.text
    shown = offered(answer.text)
    assert shown and all(value.startswith(WEDNESDAY) for value in shown)
    assert appointments(app) == []
    assert emails(app, EmailKind.CONFIRMATION) == []


def test_a_staff_move_not_on_the_day_shown_is_refused(app, desk):
    caller = add_lead(app, treatment="botox-hyperhidrosis")
    path = f"/staff/leads/{caller}/appointment"
    assert post(desk, path, appointment_start=f"{THURSDAY}T10:00").status_code == 303
    answer = post(desk, path, date=WEDNESDAY, appointment_start="2027-03-01T14:00")
    assert answer.status_code == 400
    (appointment,) = appointments(app)
    assert appointment.starts_at == datetime(2027, 3, 4, 18, 0, tzinfo=UTC)
    assert emails(app, EmailKind.UPDATE) == []


def test_a_staff_booking_without_a_day_is_refused(app, desk):
    caller = add_lead(app, treatment="botox-hyperhidrosis")
    path = f"/staff/leads/{caller}/appointment"
    answer = post(desk, path, date="", appointment_start=f"{WEDNESDAY}T14:00")
    assert answer.status_code == 400
    assert "Choose a day, then one of its free times." in answer.text
    assert appointments(app) == []


def test_staff_show_free_times_without_javascript_reloads_the_day(app, desk):
    caller = add_lead(app, treatment="botox-hyperhidrosis")
    answer = post(
        desk, f"/staff/leads/{caller}/appointment", date=THURSDAY, show_times="1"
    )
    assert answer.status_code == 303
    assert answer.location.endswith(
        f"/staff/leads/{caller}?date={THURSDAY}#appointment"
    )
    assert "Free times on Thursday 4 March" in desk.get(answer.location).text
    assert appointments(app) == []
