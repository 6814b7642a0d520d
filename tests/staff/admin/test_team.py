"""The team page: an admin switches accounts off and on, each switch committed with
its audit event, through the same service the command line uses."""

import pytest

from clinic.accounts import users
from clinic.models import AuditEvent, StaffUser
from clinic.vocabulary import AuditAction
from tests.helpers import all_rows
from tests.staff.helpers import STAFF, csrf_token


def switch(client, staff_id: int, active: str):
    page = client.get("/staff/team")
    assert page.status_code == 200
    return client.post(
        f"/staff/team/{staff_id}/active",
        data={"csrf_token": csrf_token(page.text), "active": active},
        follow_redirects=True,
    )


def account(app, staff_id: int) -> StaffUser:
    return next(u for u in all_rows(app, StaffUser) if u.id == staff_id)


def staff_events(app) -> list[AuditEvent]:
    return [e for e in all_rows(app, AuditEvent) if e.action == AuditAction.STAFF]


def test_an_admin_deactivates_and_reactivates_a_member(
    app, admin_client, admin_id, staff_id, staff_client
):
    before = len(staff_events(app))
    answer = switch(admin_client, staff_id, "0")
    assert f"{STAFF} deactivated." in answer.text
    assert not account(app, staff_id).active
    # Their open session ends at once.
    assert staff_client.get("/staff/leads").status_code == 302
    answer = switch(admin_client, staff_id, "1")
    assert f"{STAFF} reactivated." in answer.text
    assert account(app, staff_id).active
    events = staff_events(app)[before:]
    assert [(e.staff_id, e.detail) for e in events] == [
        (admin_id, f"{STAFF} deactivated"),
        (admin_id, f"{STAFF} reactivated"),
    ]


def test_an_admin_cannot_deactivate_their_own_account(app, admin_client, admin_id):
    before = len(staff_events(app))
    answer = switch(admin_client, admin_id, "0")
    assert "You cannot deactivate your own account." in answer.text
    assert account(app, admin_id).active
    assert len(staff_events(app)) == before


@pytest.mark.parametrize("active", ["", "2", "yes", "<b>1</b>", "1" * 5000])
def test_a_malformed_switch_changes_nothing(app, admin_client, staff_id, active):
    before = len(staff_events(app))
    answer = switch(admin_client, staff_id, active)
    assert answer.status_code == 200
    assert "Choose to deactivate or reactivate the account." in answer.text
    assert account(app, staff_id).active
    assert len(staff_events(app)) == before


def test_an_unknown_account_is_404(admin_client):
    page = admin_client.get("/staff/team").text
    answer = admin_client.post(
        "/staff/team/99999999/active",
        data={"csrf_token": csrf_token(page), "active": "0"},
    )
    assert answer.status_code == 404


def test_the_service_commits_with_its_event_from_the_command_line_too(app, staff_id):
    with app.app_context():
        users.set_active(users.get(staff_id), False)  # no one signed in: a CLI
    assert not account(app, staff_id).active  # read in a fresh session: committed
    (event,) = staff_events(app)[-1:]
    assert (event.staff_id, event.detail) == (None, f"{STAFF} deactivated")
