"""Two-step sign-in: enrolment from the shown secret, a code after the password, a
code used once, recovery codes, lock-out, and an admin's reset."""

import re
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
import time_machine

from clinic.models import AuditEvent, OutboxEmail, RecoveryCode
from tests.helpers import all_rows
from tests.staff.helpers import (
    ADMIN,
    STAFF,
    csrf_token,
    enrol,
    enrolled,
    give_code,
    sign_in,
)


@pytest.fixture
def app(make_app):
    return make_app(STAFF_REQUIRE_TOTP=True)


def test_without_a_second_factor_everything_leads_to_enrolment(app, staff_id):
    client = app.test_client()
    assert sign_in(client, STAFF).status_code == 303
    for path in ("/staff/leads", "/staff/calendar", "/staff/account"):
        answer = client.get(path)
        assert answer.status_code == 302 and answer.location == "/staff/two-step"
    page = client.get("/staff/two-step")
    assert page.status_code == 200
    assert "<svg" in page.text and 'role="img"' in page.text
    # The QR code is drawn here: no address of another server on the page.
    assert "http" not in page.text.split('<div class="qr">')[1].split("</div>")[0]
    wrong = client.post(
        "/staff/two-step", data={"csrf_token": csrf_token(page.text), "code": "000000"}
    )
    assert wrong.status_code == 400 and "That code does not match" in wrong.text
    # The same secret until it is confirmed, so a reload does not break the app's copy.
    assert re.search(r'id="totp-secret">([^<]+)<', wrong.text).group(1) in page.text
    enrol(client)
    assert client.get("/staff/leads").status_code == 200


def test_a_stolen_password_is_not_enough(app):
    secret, _ = enrolled(app)
    thief = app.test_client()
    answer = sign_in(thief, STAFF)
    assert answer.status_code == 303 and answer.location == "/staff/login/code"
    # Not signed in: every page sends back to sign in.
    assert thief.get("/staff/leads").location.startswith("/staff/login")
    # A code sent without the form's token is not even tried.
    forged = thief.post("/staff/login/code", data={"code": pyotp.TOTP(secret).now()})
    assert forged.status_code == 400 and "session expired" in forged.text
    for code in ("123456", "", "x" * 100, "12345\x00", "٣٣٣٣٣٣"):
        refused = give_code(thief, code)
        assert refused.status_code in (400, 429), code
        assert thief.get("/staff/leads").location.startswith("/staff/login")


def test_a_code_works_once_and_then_is_refused(app):
    secret, _ = enrolled(app)
    totp = pyotp.TOTP(secret)
    later = datetime.now(UTC) + timedelta(seconds=90)  # past the enrolment's code
    with time_machine.travel(later, tick=False):
        code = totp.now()
        first = app.test_client()
        sign_in(first, STAFF)
        assert give_code(first, code).status_code == 303
        assert first.get("/staff/leads").status_code == 200
        replay = app.test_client()
        sign_in(replay, STAFF)
        refused = give_code(replay, code)
        assert refused.status_code == 400 and "already used" in refused.text
    # One step of clock drift either way is allowed; two are not.
    for steps, accepted in ((-2, False), (1, True)):
        moment = later + timedelta(seconds=120)
        with time_machine.travel(moment, tick=False):
            client = app.test_client()
            sign_in(client, STAFF)
            drifted = totp.at(moment + timedelta(seconds=30 * steps))
            assert (give_code(client, drifted).status_code == 303) is accepted


def test_a_code_of_another_account_is_refused(app):
    secret, _ = enrolled(app)
    other_secret, _ = enrolled(app, ADMIN, admin=True)
    client = app.test_client()
    sign_in(client, STAFF)
    assert give_code(client, pyotp.TOTP(other_secret).now()).status_code == 400


def test_recovery_codes_work_once_each(app):
    _, codes = enrolled(app)
    for field in ("code", "recovery_code"):
        client = app.test_client()
        sign_in(client, STAFF)
        code = codes.pop()
        assert give_code(client, code.upper(), field).status_code == 303
        assert client.get("/staff/leads").status_code == 200
        again = app.test_client()
        sign_in(again, STAFF)
        assert give_code(again, code, field).status_code == 400
    actions = [e.action for e in all_rows(app, AuditEvent)]
    assert actions.count("recovery_code_used") == 2
    stored = " ".join(c.digest for c in all_rows(app, RecoveryCode))
    assert len(stored.split()) == 10
    assert not any(code.replace("-", "") in stored for code in codes)


def test_guessing_codes_locks_the_account_from_every_network(app):
    secret, _ = enrolled(app)
    for n in range(5):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.1.1.{n}"
        sign_in(client, STAFF)
        give_code(client, f"{n:06d}")
    # Locked now, even with the right code, from yet another network.
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.2.2.2"
    sign_in(client, STAFF)
    locked = give_code(client, pyotp.TOTP(secret).now())
    assert locked.status_code == 429 and "paused" in locked.text
    assert client.get("/staff/leads").location.startswith("/staff/login")
    actions = [e.action for e in all_rows(app, AuditEvent)]
    assert actions.count("code_failed") == 5 and "sign_in_locked" in actions


def test_a_half_finished_sign_in_expires(app):
    secret, _ = enrolled(app)
    client = app.test_client()
    sign_in(client, STAFF)
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=6), tick=False):
        answer = client.get("/staff/login/code")
        assert answer.status_code == 303 and "notice=code" in answer.location


def test_an_admin_resets_a_lost_phone_and_nobody_resets_their_own(app):
    _, codes = enrolled(app)
    _, admin_codes = enrolled(app, ADMIN, admin=True)
    member = app.test_client()
    sign_in(member, STAFF)
    give_code(member, codes[0])
    with app.app_context():
        from clinic.accounts import users

        staff_id, admin_id = users.find(STAFF).id, users.find(ADMIN).id
    admin = app.test_client()
    sign_in(admin, ADMIN)
    assert give_code(admin, admin_codes[0]).status_code == 303
    token = csrf_token(admin.get("/staff/team").text)
    own = admin.post(
        f"/staff/team/{admin_id}/two-step-reset", data={"csrf_token": token}
    )
    assert "cannot reset your own" in admin.get(own.location).text
    done = admin.post(
        f"/staff/team/{staff_id}/two-step-reset", data={"csrf_token": token}
    )
    assert "is reset" in admin.get(done.location).text
    # Signed out everywhere; at the next sign-in, enrolment first.
    assert member.get("/staff/leads").location.startswith("/staff/login")
    again = app.test_client()
    assert sign_in(again, STAFF).status_code == 303
    assert again.get("/staff/leads").location == "/staff/two-step"
    (event,) = [e for e in all_rows(app, AuditEvent) if e.action == "two_step_reset"]
    assert event.staff_id == admin_id and STAFF in event.detail
    # The person is told by email (the outbox sends it).
    told = [e.subject for e in all_rows(app, OutboxEmail) if e.staff_id == staff_id]
    assert "Two-step sign-in was reset" in told


def test_replacing_ones_own_phone_takes_a_recovery_code(app):
    _, codes = enrolled(app)
    client = app.test_client()
    sign_in(client, STAFF)
    give_code(client, codes[0])
    page = client.get("/staff/account")
    assert "9 of your 10 recovery codes are unused" in page.text
    token = csrf_token(page.text)
    for bad in ("", "wrong-codes", codes[0], "x" * 100):
        refused = client.post(
            "/staff/account/two-step/replace",
            data={"csrf_token": token, "recovery_code": bad},
        )
        assert refused.status_code == 400, bad
    done = client.post(
        "/staff/account/two-step/replace",
        data={"csrf_token": token, "recovery_code": codes[1]},
    )
    assert done.location == "/staff/two-step"
    enrol(client)
    assert client.get("/staff/leads").status_code == 200


def test_two_step_is_required_by_default_except_in_development(make_app):
    assert make_app(STAFF_REQUIRE_TOTP=None).config["STAFF_REQUIRE_TOTP"] is True
    development = make_app(STAFF_REQUIRE_TOTP=None, DEBUG=True)
    assert development.config["STAFF_REQUIRE_TOTP"] is False


def test_wrong_passwords_and_wrong_codes_share_one_count_per_network(make_app):
    app = make_app(
        STAFF_REQUIRE_TOTP=True,
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="memory://",
        STAFF_SIGN_IN_RATE_LIMIT="3 per minute",
    )
    secret, _ = enrolled(app)
    client = app.test_client()
    for _ in range(2):
        assert sign_in(client, STAFF, "not the password").status_code == 400
    assert sign_in(client, STAFF).status_code == 303  # a success is not counted
    assert give_code(client, "000000").status_code == 400
    refused = give_code(client, pyotp.TOTP(secret).now())
    assert refused.status_code == 429
    assert "Too many failed sign-ins from your network" in refused.text
