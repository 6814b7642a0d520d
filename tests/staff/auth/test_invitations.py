"""Inviting a member of staff from the team page: the email, its link followed over
real HTTP, the password chosen there, and every way the link can be misused."""

import re
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
import time_machine

from clinic.accounts import invitations, users
from clinic.models import AuditEvent, Invitation, OutboxEmail, StaffUser
from tests.helpers import all_rows
from tests.staff.helpers import ADMIN, PASSWORD, create_account, csrf_token
from tests.staff.http import Visitor, link_in, subject_of, text_of

NEW = "reception@clinic.test"
NEW_PASSWORD = "lemon tide orbit canvas"


def admin_visitor(site, create: bool = True) -> Visitor:
    if create:
        create_account(site.app, ADMIN, admin=True)
    admin = Visitor(site.base)
    token = admin.token("/staff/login")
    signed = admin.post(
        "/staff/login", {"csrf_token": token, "email": ADMIN, "password": PASSWORD}
    )
    assert signed.url.endswith("/staff/leads"), signed.text
    return admin


def invite(admin: Visitor, **fields) -> "Answer":  # noqa: F821
    data = {"email": NEW, "name": "Jo Baker"} | fields
    data["csrf_token"] = admin.token("/staff/team")
    return admin.post(
        "/staff/team/invite", {k: v for k, v in data.items() if v is not None}
    )


def secret_on(page: str) -> str:
    found = re.search(r'<code id="totp-secret">([A-Z2-7 ]+)</code>', page)
    assert found, page
    return found.group(1).replace(" ", "")


def test_an_invited_receptionist_joins_and_reaches_the_leads(live_site):
    admin = admin_visitor(live_site)
    sent = invite(admin)
    assert sent.status == 200 and f"Invitation sent to {NEW}" in sent.text
    assert NEW in sent.text.split('id="invitations"')[1]  # listed as waiting

    (email,) = live_site.deliver(1)
    assert email.rcpt_tos == [NEW]
    assert "invited" in subject_of(email)
    link = link_in(email, live_site.base)  # built from SITE_URL
    assert "72 hours" in text_of(email)

    newcomer = Visitor(live_site.base)
    page = newcomer.get(link)
    assert page.status == 200 and NEW in page.text
    assert 'name="password_confirm"' in page.text
    token = csrf_token(page.text)

    # Mistakes are told in words and create nothing.
    for data, said in (
        (
            {"password": NEW_PASSWORD, "password_confirm": "other words here"},
            "The two passwords are not the same.",
        ),
        ({"password": "short", "password_confirm": "short"}, "at least 12 characters"),
        (
            {"password": "password1234", "password_confirm": "password1234"},
            "one of the most common",
        ),
        ({"password": "x" * 2000, "password_confirm": "x" * 2000}, "too long"),
    ):
        answer = newcomer.post(link, {"csrf_token": token, **data})
        assert answer.status == 400 and said in answer.text, said
    assert [u.email for u in all_rows(live_site.app, StaffUser)] == [ADMIN]

    done = newcomer.post(
        link,
        {
            "csrf_token": token,
            "password": NEW_PASSWORD,
            "password_confirm": NEW_PASSWORD,
        },
    )
    # Signed in, and sent to set up two-step sign-in before anything else.
    assert done.url.endswith("/staff/two-step"), done.url
    assert "<svg" in done.text and "QR code" in done.text
    secret = secret_on(done.text)
    code = pyotp.TOTP(secret).now()
    codes_page = newcomer.post(
        "/staff/two-step", {"csrf_token": csrf_token(done.text), "code": code}
    )
    codes = re.findall(
        r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", codes_page.text
    )
    assert len(set(codes)) == 10
    leads = newcomer.get("/staff/leads")
    assert leads.status == 200 and leads.url.endswith("/staff/leads")

    (user,) = [u for u in all_rows(live_site.app, StaffUser) if u.email == NEW]
    assert user.display_name == "Jo Baker" and not user.is_admin and user.two_step
    actions = [e.action for e in all_rows(live_site.app, AuditEvent)]
    assert {"invite", "invite_accepted", "two_step_enrolled"} <= set(actions)
    activity = admin.get("/staff/activity").text
    assert "sent an invitation" in activity and "accepted an invitation" in activity
    # The person hears that two-step sign-in was set up on their account.
    (notice,) = live_site.deliver(1)
    assert notice.rcpt_tos == [NEW] and "Two-step sign-in is set up" in subject_of(
        notice
    )

    # The link is spent: no password form, whoever follows it.
    again = Visitor(live_site.base).get(link)
    assert again.status == 404 and "This link no longer works" in again.text
    assert 'name="password"' not in again.text
    assert (
        NEW
        not in admin.get("/staff/team")
        .text.split('id="invitations"')[1]
        .split("<h2>Accounts")[0]
    )


def test_an_invitation_link_expires_after_72_hours(live_site):
    admin = admin_visitor(live_site)
    invite(admin)
    (email,) = live_site.deliver(1)
    link = link_in(email, live_site.base)
    with time_machine.travel(datetime.now(UTC) + timedelta(hours=71), tick=True):
        assert Visitor(live_site.base).get(link).status == 200
    with time_machine.travel(datetime.now(UTC) + timedelta(hours=73), tick=True):
        late = Visitor(live_site.base).get(link)
        assert late.status == 404 and 'name="password"' not in late.text
        assert (
            "Ask the clinic's administrator to send you a new invitation" in late.text
        )
        # Still listed for the admin, as expired, to send again.
        team = admin_visitor(live_site, create=False).get("/staff/team").text
        assert f"<td>{NEW}</td>" in team and "expired" in team


def test_sending_again_voids_the_old_link_and_revoking_voids_all(live_site):
    admin = admin_visitor(live_site)
    invite(admin)
    (first,) = live_site.deliver(1)
    (invitation,) = all_rows(live_site.app, Invitation)
    token = admin.token("/staff/team")
    admin.post(f"/staff/team/invitations/{invitation.id}/resend", {"csrf_token": token})
    (second,) = live_site.deliver(1)
    old, new = link_in(first, live_site.base), link_in(second, live_site.base)
    assert old != new
    visitor = Visitor(live_site.base)
    assert visitor.get(old).status == 404
    assert visitor.get(new).status == 200

    admin.post(f"/staff/team/invitations/{invitation.id}/revoke", {"csrf_token": token})
    assert visitor.get(new).status == 404
    actions = [e.action for e in all_rows(live_site.app, AuditEvent)]
    assert actions.count("invite") == 2 and "invite_revoked" in actions
    # Revoked before its email went: the email is not sent at all.
    with live_site.app.app_context():
        late = invitations.invite(
            "later@clinic.test", False, False, None, by=users.find(ADMIN)
        )
        invitations.revoke(late)
    assert [e.status for e in all_rows(live_site.app, OutboxEmail)][-1] == "withdrawn"
    # A revoked invitation cannot be sent again.
    answer = admin.post(
        f"/staff/team/invitations/{invitation.id}/resend", {"csrf_token": token}
    )
    assert "no longer open" in answer.text
    assert live_site.inbox.wait_for(2, timeout=0.1)
    assert len(live_site.inbox.envelopes) == 2


@pytest.mark.parametrize(
    "tamper",
    [
        lambda link: link[:-3] + ("aaa" if not link.endswith("aaa") else "bbb"),
        lambda link: link.rsplit("/", 1)[0] + "/" + "A" * 5000,
        lambda link: link.rsplit("/", 1)[0] + "/%00%ff<script>",
        lambda link: link.replace("/invitation/", "/password-reset/"),
    ],
)
def test_a_tampered_invitation_link_shows_no_form(live_site, tamper):
    admin = admin_visitor(live_site)
    invite(admin)
    (email,) = live_site.deliver(1)
    answer = Visitor(live_site.base).get(tamper(link_in(email, live_site.base)))
    assert answer.status == 404
    assert 'name="password"' not in answer.text


def test_an_invitee_cannot_take_another_address(live_site):
    admin = admin_visitor(live_site)
    invite(admin)
    (email,) = live_site.deliver(1)
    link = link_in(email, live_site.base)
    visitor = Visitor(live_site.base)
    token = csrf_token(visitor.get(link).text)
    answer = visitor.post(
        link,
        {
            "csrf_token": token,
            "email": "attacker@evil.test",
            "password": NEW_PASSWORD,
            "password_confirm": NEW_PASSWORD,
        },
    )
    assert answer.status == 400 and f"This invitation is for {NEW} only" in answer.text
    assert [u.email for u in all_rows(live_site.app, StaffUser)] == [ADMIN]


def test_the_invitation_form_refuses_bad_input_in_words(app, admin_client):
    def post(**data):
        token = csrf_token(admin_client.get("/staff/team").text)
        return admin_client.post(
            "/staff/team/invite", data={"csrf_token": token, **data}
        )

    for data, said in (
        ({"email": "not-an-address"}, "is not an email address"),
        ({"email": ""}, "Enter an email address."),
        ({"email": "a@b.test" + "x" * 300}, "That email address is too long."),
        ({"email": "jo@clinic.test\x00"}, ""),
        (
            {"email": "jo@clinic.test", "name": "<script>alert(1)</script>"},
            "own name as patients will see it",
        ),
        (
            {"email": "jo@clinic.test", "is_practitioner": "y"},
            "Give the name patients will see",
        ),
        ({"email": ADMIN}, f"There is already an account for {ADMIN}"),
    ):
        answer = post(**data)
        assert answer.status_code == 400, data
        assert said in answer.text, data
        assert "<script>alert(1)</script>" not in answer.text
    assert all_rows(app, Invitation) == []
    assert post(email="Jo@Clinic.test").status_code == 303
    twice = post(email="jo@clinic.test")
    assert twice.status_code == 400 and "already invited" in twice.text
    assert len(all_rows(app, Invitation)) == 1
    without_token = admin_client.post(
        "/staff/team/invite", data={"email": "x@clinic.test"}
    )
    assert without_token.status_code == 400
    assert len(all_rows(app, Invitation)) == 1


def test_a_practitioner_invitation_makes_a_bookable_practitioner(live_site):
    admin = admin_visitor(live_site)
    invite(admin, name="Dr. Ana Ruiz, MD", is_practitioner="y", is_admin="y")
    (email,) = live_site.deliver(1)
    link = link_in(email, live_site.base)
    visitor = Visitor(live_site.base)
    token = csrf_token(visitor.get(link).text)
    visitor.post(
        link,
        {
            "csrf_token": token,
            "password": NEW_PASSWORD,
            "password_confirm": NEW_PASSWORD,
        },
    )
    (user,) = [u for u in all_rows(live_site.app, StaffUser) if u.email == NEW]
    assert (user.is_admin, user.is_practitioner, user.display_name) == (
        True,
        True,
        "Dr. Ana Ruiz, MD",
    )
