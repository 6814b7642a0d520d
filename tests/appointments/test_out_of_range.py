"""A time or day far outside the bookable range (year 9999, year 1) is a clear 400 or
an empty day on every path that books, moves or lists times, never a 500: nothing
is converted between time zones before the range is checked."""

import pytest

from tests.appointments.helpers import appointments, book, offered, post
from tests.staff.helpers import STAFF, add_lead, create_account, csrf_token, sign_in

pytestmark = pytest.mark.usefixtures("clock")

FAR = ["9999-12-31T23:30", "9999-12-31T00:00", "0001-01-01T00:00", "2999-06-01T10:00"]


@pytest.mark.parametrize("start", FAR)
def test_the_form_refuses_a_time_outside_the_range(client, app, ana, start):
    answer = book(client, start)
    assert answer.status_code == 400
    assert "Please choose" in answer.text
    assert appointments(app) == []


@pytest.mark.parametrize("start", FAR)
def test_a_move_refuses_a_time_outside_the_range(client, app, ana, start):
    page = book(client, "2027-03-03T10:00").location
    token = csrf_token(client.get(page).text)
    answer = client.post(
        page + "/reschedule",
        data={"csrf_token": token, "date": start[:10], "appointment_start": start},
    )
    assert answer.status_code == 400
    assert appointments(app)[0].sequence == 0


@pytest.mark.parametrize("start", FAR)
def test_the_desk_cannot_book_outside_the_range(app, ana, start):
    create_account(app, STAFF)
    desk = app.test_client()
    assert sign_in(desk, STAFF).status_code == 303
    caller = add_lead(app)
    answer = post(desk, f"/staff/leads/{caller}/appointment", appointment_start=start)
    assert answer.status_code == 400
    assert appointments(app) == []


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_far_days_list_no_times(client, app, ana, day):
    answer = client.get(f"/consultation/times.json?date={day}")
    assert answer.status_code == 200 and answer.json["times"] == []
    page = client.get(book(client, "2027-03-03T10:00").location + f"?date={day}")
    assert page.status_code == 200 and offered(page.text) == []
    create_account(app, STAFF)
    desk = app.test_client()
    assert sign_in(desk, STAFF).status_code == 303
    lead = desk.get(f"/staff/leads/{add_lead(app)}?date={day}")
    assert lead.status_code == 200
