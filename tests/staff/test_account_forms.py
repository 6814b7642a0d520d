"""Every form about accounts refuses a post without its CSRF token, changing
nothing, and the person is emailed when an admin resets their second factor."""

import pytest

from clinic.extensions import db
from clinic.models import AuditEvent, Invitation, StaffUser
from clinic.staff import accounts, invitations, links
from tests.conftest import all_rows
from tests.staff.conftest import ADMIN, PASSWORD, STAFF, create_account, sign_in

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
            "new@clinic.test", False, False, "Jo Baker", by=accounts.find(ADMIN)
        )
        return {"invitation": invitation.id, "staff": accounts.find(STAFF).id}


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
