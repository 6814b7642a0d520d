"""A lead's history reads as what people did: a sitting's views fold into one line,
every view still in the audit log."""

import re
from datetime import timedelta

import time_machine

from clinic.models import AuditEvent
from tests.helpers import all_rows
from tests.staff.helpers import STAFF, add_lead, csrf_token, sign_in


def history_of(page: str) -> list[str]:
    part = page.split('class="history"')[1].split("</ol>")[0]
    return [
        " ".join(re.sub(r"<[^>]+>", " ", i).split()) for i in part.split("<li>")[1:]
    ]


def test_views_in_one_sitting_fold_into_one_line(app, staff_client):
    lead_id = add_lead(app)
    for _ in range(4):
        staff_client.get(f"/staff/leads/{lead_id}")
    lines = history_of(staff_client.get(f"/staff/leads/{lead_id}").text)
    assert f"{STAFF} viewed it 5 times" in lines[0]
    assert lines[1].endswith("the patient sent the request") and len(lines) == 2
    views = [e for e in all_rows(app, AuditEvent) if e.action == "view"]
    assert len(views) == 5  # the audit log keeps each one


def test_an_action_or_a_new_sitting_starts_a_new_line(app, staff_id):
    lead_id = add_lead(app)
    with time_machine.travel("2027-03-01 09:00 -0800", tick=False) as clock:
        client = app.test_client()
        sign_in(client, STAFF)
        client.get(f"/staff/leads/{lead_id}")
        page = client.get(f"/staff/leads/{lead_id}").text
        client.post(
            f"/staff/leads/{lead_id}/notes",
            data={"csrf_token": csrf_token(page), "body": "Called"},
        )
        client.get(f"/staff/leads/{lead_id}")
        clock.shift(timedelta(minutes=25))  # a pause within one sitting
        client.get(f"/staff/leads/{lead_id}")
        clock.shift(timedelta(minutes=45))  # signed out idle: a new sitting
        assert "expired=idle" in client.get("/staff/leads").location
        assert sign_in(client, STAFF).status_code == 303
        page = client.get(f"/staff/leads/{lead_id}").text
    lines = history_of(page)[:-1]  # the last: the patient sent the request
    assert lines[0].endswith("10:10 desk@clinic.test viewed the lead")
    assert "viewed it 2 times, from 09:00" in lines[1]
    assert lines[2].endswith("added a note")
    assert "viewed it 2 times, from 09:00" in lines[3]
    assert len(lines) == 4
