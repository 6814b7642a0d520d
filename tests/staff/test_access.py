"""Every staff URL, tried with every kind of visitor: nobody gets in without an
active account, and staff cannot do what only an admin may."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import update

from clinic.extensions import db
from clinic.models import (
    AuditEvent,
    Invitation,
    Lead,
    LeadNote,
    ReplyTemplate,
    StaffUser,
    TimeOff,
)
from tests.helpers import all_rows
from tests.staff.helpers import (
    ADMIN,
    STAFF,
    add_lead,
    create_account,
    csrf_token,
    lead_emails,
    sign_in,
)

ADMIN_ONLY = {
    "staff.delete",
    "staff.activity",
    "staff.team",
    "staff.set_active",
    "staff.set_practitioner",
    "staff.availability",
    "staff.add_time_off",
    "staff.delete_time_off",
    "staff.reply_templates",
    "staff.delete_reply_template",
    "staff.edit_reply_template",
    "staff.invite",
    "staff.resend_invitation",
    "staff.revoke_invitation",
    "staff.reset_two_step",
    "staff.privacy_requests_page",
    "staff.privacy_export",
    "staff.privacy_erase",
    "staff.launch_check",
}
# The calendar feed's secret address is its key
# (tests/staff/schedule/test_booking_from_a_lead.py); the pages before sign-in are
# tested in tests/staff/auth/.
OPEN = {
    "staff.login",
    "staff.calendar_feed",
    "staff.sign_in_code",
    "staff.password_reset",
    "staff.password_reset_link",
    "staff.invitation",
}


def staff_routes(app, ids: dict[str, int]) -> list[tuple[str, str, str]]:
    """(endpoint, method, URL) for every staff route, read from the app itself so a
    new route cannot be left out."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("staff.") or rule.endpoint in OPEN:
            continue
        url = rule.build({name: ids[name] for name in rule.arguments})[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, method, url))
    return found


@pytest.fixture
def world(app):
    """A staff member, an admin, and a lead with an email, named by URL argument."""
    staff_id = create_account(app, STAFF)
    admin_id = create_account(app, ADMIN, admin=True)
    lead_id = add_lead(app)
    email_id = lead_emails(app, lead_id)[0].id
    with app.app_context():
        entry = TimeOff(first_day=date(2027, 1, 1), last_day=date(2027, 1, 1))
        db.session.add(entry)
        db.session.commit()
        entry_id = entry.id
        template = ReplyTemplate(name="Tried to call", subject="S", body="B")
        db.session.add(template)
        db.session.commit()
        template_id = template.id
        invitation = Invitation(
            email="new@clinic.test", expires_at=datetime.now(UTC), nonce="n"
        )
        db.session.add(invitation)
        db.session.commit()
        invitation_id = invitation.id
    return {
        "invitation_id": invitation_id,
        "entry_id": entry_id,
        "template_id": template_id,
        "lead_id": lead_id,
        "email_id": email_id,
        "staff_id": staff_id,
        "admin_id": admin_id,
    }


def request(client, method: str, url: str, token: str):
    if method == "GET":
        return client.get(url)
    return client.post(url, data={"csrf_token": token, "confirm": "y", "body": "x"})


def token_for(client) -> str:
    page = client.get("/staff/login")
    if page.status_code == 302:
        page = client.get("/staff/leads")
    return csrf_token(page.text)


def test_the_route_list_covers_the_whole_staff_area(app, world):
    endpoints = {endpoint for endpoint, _, _ in staff_routes(app, world)}
    assert {"staff.leads", "staff.lead", "staff.leads_csv", "staff.logout"} <= endpoints
    assert ADMIN_ONLY <= endpoints


def test_anonymous_visitors_are_sent_to_sign_in_everywhere(app, world):
    client = app.test_client()
    token = token_for(client)
    trail = all_rows(app, AuditEvent)  # the accounts being created
    for endpoint, method, url in staff_routes(app, world):
        answer = request(client, method, url, token)
        assert answer.status_code == 302, (endpoint, method)
        assert answer.location.startswith("/staff/login"), endpoint
    # Nothing changed on the way.
    (lead,) = all_rows(app, Lead)
    assert lead.status == "new" and lead.assigned_to_id is None
    assert all_rows(app, LeadNote) == []
    assert len(all_rows(app, AuditEvent)) == len(trail)


def test_a_deactivated_account_is_shut_out_everywhere(app, world):
    client = app.test_client()
    assert sign_in(client, ADMIN).status_code == 303
    token = token_for(client)
    with app.app_context():
        db.session.execute(update(StaffUser).values(active=False))
        db.session.commit()
    for endpoint, method, url in staff_routes(app, world):
        answer = request(client, method, url, token)
        assert answer.status_code == 302, (endpoint, method)
        assert answer.location.startswith("/staff/login"), endpoint
    assert len(all_rows(app, Lead)) == 1


def test_staff_are_refused_admin_actions(app, world):
    client = app.test_client()
    assert sign_in(client, STAFF).status_code == 303
    token = token_for(client)
    for endpoint, method, url in staff_routes(app, world):
        if endpoint not in ADMIN_ONLY:
            continue
        answer = request(client, method, url, token)
        assert answer.status_code == 403, (endpoint, method)
        assert "Only an administrator can do this." in answer.text
    assert len(all_rows(app, Lead)) == 1
    assert all(user.active for user in all_rows(app, StaffUser))


def test_admins_may_open_the_admin_pages(app, world):
    client = app.test_client()
    assert sign_in(client, ADMIN).status_code == 303
    for path in (
        "/staff/activity",
        "/staff/team",
        "/staff/leads",
        "/staff/availability",
        "/staff/calendar",
        "/staff/launch-check",
    ):
        assert client.get(path).status_code == 200, path


def test_staff_may_open_every_page_that_is_not_for_admins(app, world):
    client = app.test_client()
    assert sign_in(client, STAFF).status_code == 303
    for endpoint, method, url in staff_routes(app, world):
        if method == "GET" and endpoint not in ADMIN_ONLY:
            answer = client.get(url)
            assert answer.status_code in (200, 302), endpoint
            if answer.status_code == 302:
                assert not answer.location.startswith("/staff/login"), endpoint


def test_staff_pages_are_private(app, world):
    client = app.test_client()
    login = client.get("/staff/login")
    assert sign_in(client, STAFF).status_code == 303
    for answer in (login, client.get("/staff/leads"), client.get("/staff/leads/1")):
        assert answer.cache_control.no_store
        assert answer.headers["X-Robots-Tag"] == "noindex, nofollow"
        assert '<meta name="robots" content="noindex, nofollow">' in answer.text


def test_an_unknown_lead_is_a_404(staff_client):
    assert staff_client.get("/staff/leads/999999").status_code == 404


def test_posts_without_a_csrf_token_are_refused(app, world):
    client = app.test_client()
    assert sign_in(client, ADMIN).status_code == 303
    answer = client.post(
        f"/staff/leads/{world['lead_id']}/delete", data={"confirm": "y"}
    )
    assert answer.status_code == 400
    assert len(all_rows(app, Lead)) == 1
