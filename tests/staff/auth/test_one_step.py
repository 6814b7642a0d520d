"""Acting on a lead in one step: a status change can carry a note, saved together;
every action returns to the same place on the page; a note typed is never lost to
a refusal."""

import re

from clinic.models import AuditEvent, Lead, LeadNote
from tests.helpers import all_rows
from tests.staff.helpers import add_lead, csrf_token


def lead_of(app, lead_id: int) -> Lead:
    return next(lead for lead in all_rows(app, Lead) if lead.id == lead_id)


def post_status(client, lead_id, status, shown="new", note=""):
    page = client.get(f"/staff/leads/{lead_id}").text
    data = {
        "csrf_token": csrf_token(page),
        "status": status,
        "current": shown,
        "note": note,
    }
    return client.post(f"/staff/leads/{lead_id}/status", data=data)


def test_a_status_change_and_its_note_are_saved_together(app, staff_client):
    lead_id = add_lead(app)
    answer = post_status(staff_client, lead_id, "contacted", note="Called, booked Tue")
    assert answer.status_code == 303
    assert answer.location.endswith(f"/staff/leads/{lead_id}#work")
    assert lead_of(app, lead_id).status == "contacted"
    assert [n.body for n in all_rows(app, LeadNote)] == ["Called, booked Tue"]
    actions = [e.action for e in all_rows(app, AuditEvent) if e.lead_id == lead_id]
    assert "status" in actions and "note" in actions
    page = staff_client.get(f"/staff/leads/{lead_id}").text
    work = page.split('id="work"')[1]
    assert "Status changed to contacted. Note added." in work
    assert "Called, booked Tue" in work


def test_a_status_change_without_a_note_adds_none(app, staff_client):
    lead_id = add_lead(app)
    post_status(staff_client, lead_id, "scheduled")  # new -> scheduled, directly
    assert lead_of(app, lead_id).status == "scheduled"
    assert all_rows(app, LeadNote) == []


def test_a_note_too_long_refuses_the_change_and_keeps_the_text(app, staff_client):
    lead_id = add_lead(app)
    answer = post_status(staff_client, lead_id, "contacted", note="x" * 5001)
    assert answer.status_code == 400
    assert "Keep a note under 5,000 characters." in answer.text
    assert "x" * 5001 in answer.text
    assert lead_of(app, lead_id).status == "new" and all_rows(app, LeadNote) == []


def test_someone_elses_change_meanwhile_keeps_the_note_typed(app, staff_client):
    lead_id = add_lead(app, status="contacted")  # changed after the page was shown
    answer = post_status(
        staff_client, lead_id, "scheduled", shown="new", note="<b>Left a voicemail</b>"
    )
    assert answer.status_code == 409
    assert "Someone else changed this lead" in answer.text or "cannot become" in (
        answer.text
    )
    assert "&lt;b&gt;Left a voicemail&lt;/b&gt;" in answer.text  # kept, escaped
    assert lead_of(app, lead_id).status == "contacted"
    assert all_rows(app, LeadNote) == []


def test_a_second_click_keeps_one_status_and_one_note(app, staff_client):
    lead_id = add_lead(app)
    for _ in range(2):
        post_status(staff_client, lead_id, "contacted", note="Called")
    assert lead_of(app, lead_id).status == "contacted"
    assert [n.body for n in all_rows(app, LeadNote)] == ["Called"]


def test_every_lead_action_returns_to_the_work_section(app, staff_client):
    lead_id = add_lead(app)
    page = staff_client.get(f"/staff/leads/{lead_id}").text
    token = csrf_token(page)
    for path, data in (
        ("notes", {"body": "A note"}),
        ("assign", {"assignee": ""}),
    ):
        answer = staff_client.post(
            f"/staff/leads/{lead_id}/{path}", data={"csrf_token": token, **data}
        )
        assert answer.status_code == 303, path
        assert answer.location.endswith("#work"), path
    assert re.search(r'<section[^>]*class="work" id="work"', page)


def test_an_idle_sign_out_while_saving_a_note_returns_to_the_lead(app, staff_id):
    import time_machine

    from tests.staff.helpers import STAFF, sign_in

    lead_id = add_lead(app)
    with time_machine.travel("2027-03-01 09:00 -0800", tick=False) as clock:
        client = app.test_client()
        sign_in(client, STAFF)
        page = client.get(f"/staff/leads/{lead_id}").text
        clock.shift(3600)  # an hour at the phone: the session has gone idle
        answer = client.post(
            f"/staff/leads/{lead_id}/notes",
            data={"csrf_token": csrf_token(page), "body": "Half a note"},
        )
        assert answer.status_code == 302
        assert f"next=/staff/leads/{lead_id}" in answer.location
        assert "expired=idle" in answer.location
        again = sign_in(client, STAFF, next_=f"/staff/leads/{lead_id}")
        assert again.location == f"/staff/leads/{lead_id}"
    assert all_rows(app, LeadNote) == []  # nothing saved behind their back


def test_a_form_elsewhere_signs_in_back_to_the_list(app, staff_id):
    import time_machine

    from tests.staff.helpers import STAFF, sign_in

    with time_machine.travel("2027-03-01 09:00 -0800", tick=False) as clock:
        client = app.test_client()
        sign_in(client, STAFF)
        page = client.get("/staff/leads").text
        clock.shift(3600)
        answer = client.post(
            "/staff/leads/search", data={"csrf_token": csrf_token(page), "q": "x"}
        )
        assert "next=" not in answer.location and "expired=idle" in answer.location


def test_a_form_sent_with_no_session_at_all_goes_to_sign_in(app, staff_id):
    lead_id = add_lead(app)
    stranger = app.test_client()  # no cookie: cleared, or another browser
    answer = stranger.post(f"/staff/leads/{lead_id}/notes", data={"body": "x"})
    assert answer.status_code == 302
    assert answer.location.startswith("/staff/login?next=/staff/leads/")
    assert all_rows(app, LeadNote) == []
    # A public form's refused token is still the form's own message, not a redirect.
    public = stranger.post("/appointments/abc/cancel", data={})
    assert public.status_code in (400, 404)
