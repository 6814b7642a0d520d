"""Signing in and out: no account enumeration, lock-out, safe redirects, sessions
that really end."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from clinic.extensions import db
from clinic.models import AuditEvent, SignInFailure, StaffUser
from clinic.vocabulary import AuditAction
from tests.helpers import all_rows
from tests.staff.helpers import PASSWORD, STAFF, create_account, csrf_token, sign_in

GENERIC = "That email and password do not match an active account."


def test_staff_pages_send_visitors_to_sign_in_and_back(app, staff_id):
    client = app.test_client()
    answer = client.get("/staff/leads?status=new")
    assert answer.status_code == 302
    assert answer.location == "/staff/login?next=/staff/leads?status%3Dnew"
    signed_in = sign_in(client, STAFF, next_="/staff/leads?status=new")
    assert signed_in.status_code == 303
    assert signed_in.location == "/staff/leads?status=new"
    assert client.get("/staff/leads").status_code == 200


def test_session_cookie_is_httponly_and_samesite(app, staff_id):
    client = app.test_client()
    answer = sign_in(client, STAFF)
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_session_cookie_is_secure(make_app):
    app = make_app(TESTING=False, SESSION_COOKIE_SECURE=None)
    create_account(app, STAFF)
    answer = sign_in(app.test_client(), STAFF)
    assert answer.status_code == 303
    assert "Secure" in answer.headers["Set-Cookie"]


def test_wrong_password_and_unknown_email_get_the_same_answer(app, staff_id):
    wrong = sign_in(app.test_client(), STAFF, "not the right password")
    unknown = sign_in(app.test_client(), "nobody@clinic.test", PASSWORD)
    assert wrong.status_code == unknown.status_code == 400
    assert GENERIC in wrong.text and GENERIC in unknown.text
    strip = lambda page: page.replace(csrf_token(page), "")  # noqa: E731
    assert strip(wrong.text).replace(STAFF, "") == strip(unknown.text).replace(
        "nobody@clinic.test", ""
    )


def test_unknown_email_costs_the_same_password_check(app, staff_id, monkeypatch):
    checked = []
    real = app.extensions["password_hasher"]

    class Spy:
        def verify(self, stored_hash, password):
            checked.append(stored_hash.split("$")[1:4])
            return real.verify(stored_hash, password)

        def __getattr__(self, name):
            return getattr(real, name)

    monkeypatch.setitem(app.extensions, "password_hasher", Spy())
    sign_in(app.test_client(), STAFF, "not the right password")
    sign_in(app.test_client(), "nobody@clinic.test", "not the right password")
    # One Argon2id check each, with the same parameters.
    assert len(checked) == 2 and checked[0] == checked[1]
    assert checked[0][0] == "argon2id"


def test_passwords_are_stored_as_argon2id_hashes(app, staff_id):
    (user,) = all_rows(app, StaffUser)
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_deactivated_account_cannot_sign_in_and_is_not_named(app, staff_id):
    with app.app_context():
        db.session.execute(update(StaffUser).values(active=False))
        db.session.commit()
    answer = sign_in(app.test_client(), STAFF)
    assert answer.status_code == 400 and GENERIC in answer.text
    assert "deactivated" not in answer.text.lower()


@pytest.mark.parametrize("email", [STAFF, "nobody@clinic.test"])
def test_repeated_failures_lock_an_email_whether_or_not_it_exists(app, staff_id, email):
    for _ in range(app.config["STAFF_LOCK_AFTER_FAILURES"] - 1):
        assert sign_in(app.test_client(), email, "wrong password!").status_code == 400
    locked = sign_in(app.test_client(), email, "wrong password!")
    assert locked.status_code == 429
    assert "paused" in locked.text
    # Even the right password waits out the lock.
    assert sign_in(app.test_client(), email, PASSWORD).status_code == 429


def test_lock_lifts_after_its_time_and_success_clears_the_count(app, staff_id):
    for _ in range(app.config["STAFF_LOCK_AFTER_FAILURES"]):
        sign_in(app.test_client(), STAFF, "wrong password!")
    with app.app_context():
        db.session.execute(
            update(SignInFailure).values(
                locked_until=datetime.now(UTC) - timedelta(seconds=1)
            )
        )
        db.session.commit()
    assert sign_in(app.test_client(), STAFF).status_code == 303
    with app.app_context():
        assert db.session.scalars(select(SignInFailure)).all() == []


def client_at(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_an_attacker_s_failures_never_keep_the_owner_out(app, staff_id):
    attacker, owner = client_at(app, "203.0.113.7"), client_at(app, "198.51.100.2")
    for _ in range(app.config["STAFF_LOCK_AFTER_FAILURES"]):
        sign_in(attacker, STAFF, "wrong password!")
    assert sign_in(attacker, STAFF, "another guess!").status_code == 429
    # The owner, from their own address, with the right password, gets in ...
    assert sign_in(owner, STAFF).status_code == 303
    # ... and the attacker stays paused, even with the right password.
    assert sign_in(client_at(app, "203.0.113.7"), STAFF).status_code == 429


def test_the_owner_s_own_mistakes_do_not_lift_an_attacker_s_pause(app, staff_id):
    attacker, owner = client_at(app, "203.0.113.7"), client_at(app, "198.51.100.2")
    for _ in range(app.config["STAFF_LOCK_AFTER_FAILURES"]):
        sign_in(attacker, STAFF, "wrong password!")
    sign_in(owner, STAFF, "typo in it!")
    assert sign_in(owner, STAFF).status_code == 303
    assert sign_in(attacker, STAFF, "wrong password!").status_code == 429


def test_another_email_is_not_locked_by_someone_elses_failures(app, staff_id):
    for _ in range(app.config["STAFF_LOCK_AFTER_FAILURES"]):
        sign_in(app.test_client(), "nobody@clinic.test", "wrong password!")
    assert sign_in(app.test_client(), STAFF).status_code == 303


def test_sign_in_is_rate_limited_per_address_counting_only_failures(make_app):
    app = make_app(RATELIMIT_ENABLED=True, STAFF_SIGN_IN_RATE_LIMIT="3 per minute")
    create_account(app, STAFF)
    for _ in range(4):
        assert sign_in(app.test_client(), STAFF).status_code == 303
    client = app.test_client()
    answers = [
        sign_in(client, f"x{n}@clinic.test", "wrong password!") for n in range(4)
    ]
    assert [a.status_code for a in answers] == [400, 400, 400, 429]
    assert "Too many failed sign-ins" in answers[-1].text


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/staff/leads",
        "https://evil.example/staff/leads",
        "/\\evil.example/staff/leads",
        "\\\\evil.example",
        "javascript:alert(1)",
        "/blog/",
        "/staff/leads\r\nLocation: https://evil.example",
        "",
    ],
)
def test_next_only_leads_back_into_the_staff_area(app, staff_id, target):
    answer = sign_in(app.test_client(), STAFF, next_=target)
    assert answer.status_code == 303
    assert answer.location == "/staff/leads"


@pytest.mark.parametrize(
    "data, message",
    [
        ({"email": "", "password": ""}, "Enter your email address."),
        ({"email": STAFF, "password": ""}, "Enter your password."),
        ({"email": "a" * 300 + "@x.test", "password": "x"}, "too long"),
        ({"email": STAFF, "password": "p" * 5000}, "That password is too long."),
        ({"email": "<script>alert(1)</script>", "password": "x" * 12}, GENERIC),
        ({"email": "nul\x00@clinic.test", "password": "x" * 12}, "special characters"),
        ({"email": ["a@b.test", "c@d.test"], "password": "x" * 12}, GENERIC),
    ],
)
def test_malformed_sign_in_gets_a_message_not_an_error(app, staff_id, data, message):
    client = app.test_client()
    page = client.get("/staff/login")
    answer = client.post(
        "/staff/login", data={"csrf_token": csrf_token(page.text), **data}
    )
    assert answer.status_code == 400
    assert message in answer.text
    assert "<script>alert(1)</script>" not in answer.text


def test_sign_in_without_a_valid_csrf_token_asks_again(app, staff_id):
    answer = app.test_client().post(
        "/staff/login", data={"email": STAFF, "password": PASSWORD}
    )
    assert answer.status_code == 400
    assert "The sign-in page expired" in answer.text


def test_sign_in_starts_a_fresh_session(app, staff_id):
    client = app.test_client()
    client.get("/staff/login")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    sign_in(client, STAFF)
    with client.session_transaction() as session:
        assert "planted" not in session


def test_sign_out_needs_a_post_with_csrf(staff_client):
    assert staff_client.get("/staff/logout").status_code == 405
    assert staff_client.post("/staff/logout").status_code == 400
    assert staff_client.get("/staff/leads").status_code == 200


def test_sign_out_makes_a_saved_cookie_useless(app, staff_client):
    saved = staff_client.get_cookie("session").value
    page = staff_client.get("/staff/leads")
    answer = staff_client.post(
        "/staff/logout", data={"csrf_token": csrf_token(page.text)}
    )
    assert answer.status_code == 303 and "notice=out" in answer.location
    assert staff_client.get("/staff/leads").status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", saved)
    answer = thief.get("/staff/leads")
    assert answer.status_code == 302 and "/staff/login" in answer.location


def test_deactivating_an_account_ends_its_open_session(app, staff_client):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["staff", "deactivate", STAFF])
    assert result.exit_code == 0, result.output
    assert staff_client.get("/staff/leads").status_code == 302


@pytest.mark.parametrize(
    "key, minutes, reason",
    [("staff_seen", 31, "idle"), ("staff_since", 13 * 60, "day")],
)
def test_sessions_expire_when_idle_and_after_a_working_day(
    staff_client, key, minutes, reason
):
    with staff_client.session_transaction() as session:
        session[key] -= minutes * 60
    answer = staff_client.get("/staff/leads")
    assert answer.status_code == 302
    assert f"expired={reason}" in answer.location
    page = staff_client.get(answer.location)
    assert "Please sign in again" in page.text
    assert staff_client.get("/staff/leads").status_code == 302


def test_sign_ins_and_failures_are_in_the_audit_trail(app, staff_id):
    sign_in(app.test_client(), STAFF, "wrong password!")
    sign_in(app.test_client(), STAFF)
    with app.app_context():
        events = db.session.execute(
            select(AuditEvent.action, AuditEvent.staff_id)
            .where(AuditEvent.action != AuditAction.STAFF)  # the account's creation
            .order_by(AuditEvent.id)
        ).all()
    assert [tuple(e) for e in events] == [
        ("sign_in_failed", staff_id),
        ("sign_in", staff_id),
    ]
