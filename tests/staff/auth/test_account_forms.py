"""Every form about accounts refuses a post without its CSRF token, changing
nothing, and the person is emailed when an admin resets their second factor."""

import pytest

from clinic.accounts import invitations, links, users
from clinic.extensions import db
from clinic.models import AuditEvent, Invitation, Lead, StaffUser
from tests.helpers import all_rows
from tests.staff.helpers import (
    ADMIN,
    PASSWORD,
    STAFF,
    add_lead,
    create_account,
    csrf_token,
    sign_in,
)

NEW_PASSWORD = "lemon tide orbit canvas"


def forged(client, path: str, data: dict):
    """A post another site could make: every field but the token."""
    return client.post(path, data=data)


@pytest.fixture
def world(app):
    create_account(app, ADMIN, admin=True)
    create_account(app, STAFF)
    with app.app_context():
        invitation = invitations.invite(
            "new@clinic.test", False, False, "Jo Baker", by=users.find(ADMIN)
        )
        return {"invitation": invitation.id, "staff": users.find(STAFF).id}


def state(app) -> tuple:
    users = tuple(
        (u.email, u.password_hash, u.active, u.totp_secret, u.session_version)
        for u in all_rows(app, StaffUser)
    )
    invites = tuple((i.email, i.nonce, i.revoked_at) for i in all_rows(app, Invitation))
    return users, invites


def test_admin_forms_without_a_token_change_nothing(app, world):
    admin = app.test_client()
    assert sign_in(admin, ADMIN).status_code == 303
    before = state(app)
    for path, data in (
        ("/staff/team/invite", {"email": "evil@clinic.test"}),
        (f"/staff/team/invitations/{world['invitation']}/resend", {}),
        (f"/staff/team/invitations/{world['invitation']}/revoke", {}),
        (f"/staff/team/{world['staff']}/two-step-reset", {}),
        ("/staff/privacy/erase", {"contact": "a@b.test", "confirm": "y"}),
        ("/staff/account/password", {"current_password": PASSWORD}),
        ("/staff/account/two-step/replace", {"recovery_code": "abcde-fghjk"}),
        ("/staff/two-step", {"code": "123456"}),
    ):
        answer = forged(admin, path, data)
        assert answer.status_code in (400, 303), path
        if answer.status_code == 303:  # sent back to the page, saying so
            assert "expired" in admin.get(answer.location).text, path
    assert state(app) == before


def test_forms_before_sign_in_without_a_token_change_nothing(app, world):
    visitor = app.test_client()
    before = state(app)
    trail = len(all_rows(app, AuditEvent))
    answer = forged(visitor, "/staff/password-reset", {"email": STAFF})
    assert answer.status_code == 400 and "session expired" in answer.text
    answer = forged(
        visitor,
        "/staff/invitation/anything",
        {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
    )
    assert answer.status_code == 404
    with app.app_context():
        link = links.invitation_url(db.session.get(Invitation, world["invitation"]))
    answer = forged(
        visitor,
        link.removeprefix(app.config["SITE_URL"]),
        {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
    )
    assert answer.status_code == 400 and "session expired" in answer.text
    answer = forged(visitor, "/staff/login/code", {"code": "123456"})
    assert answer.status_code == 303  # no sign-in under way: back to sign in
    assert state(app) == before
    assert len(all_rows(app, AuditEvent)) == trail


def test_changing_ones_password_refuses_bad_input_in_words(app, world):
    client = app.test_client()
    assert sign_in(client, STAFF).status_code == 303
    before = state(app)
    token = csrf_token(client.get("/staff/account").text)
    for data, said in (
        ({"current_password": "wrong one entirely"}, "That is not your current"),
        ({"current_password": ""}, "Enter your current password."),
        ({"password_confirm": "something else"}, "The two passwords are not the same"),
        ({"password": "qwerty123456", "password_confirm": "qwerty123456"}, "common"),
        ({"password": "short", "password_confirm": "short"}, "at least 12"),
        ({"password": "x" * 2000, "password_confirm": "x" * 2000}, "too long"),
        ({"password": "lemon\x00tide orbit"}, ""),
    ):
        fields = {
            "csrf_token": token,
            "current_password": PASSWORD,
            "password": NEW_PASSWORD,
            "password_confirm": NEW_PASSWORD,
        } | data
        answer = client.post("/staff/account/password", data=fields)
        assert answer.status_code == 400, data
        assert said in answer.text, data
    assert state(app) == before  # no password changed, no session ended
    assert client.get("/staff/leads").status_code == 200


def test_a_privacy_request_for_nobody_exports_and_erases_nothing(app, world):
    kept = add_lead(app, email="kept@example.org")
    admin = app.test_client()
    sign_in(admin, ADMIN)
    token = csrf_token(admin.get("/staff/privacy").text)
    for path, extra in (
        ("/staff/privacy/export", {}),
        ("/staff/privacy/erase", {"confirm": "y"}),
    ):
        answer = admin.post(
            path, data={"csrf_token": token, "contact": "nobody@example.org", **extra}
        )
        assert answer.status_code == 303, path
        said = admin.get(answer.location).text
        assert "No request was ticked for that email or phone" in said
    oversized = admin.post(
        "/staff/privacy/export", data={"csrf_token": token, "contact": "x" * 300}
    )
    assert oversized.status_code == 303
    assert [lead.id for lead in all_rows(app, Lead)] == [kept]
    assert not [e for e in all_rows(app, AuditEvent) if e.lead_id == kept]
