"""What a stolen password cannot do: see the secret the owner will enrol, lock the
owner out with a code it saw, guess freely from many networks or from one IPv6
block; and the owner hears when someone gets past the password."""

import re
from datetime import timedelta

import pyotp
import pytest
import time_machine

from clinic.models import AuditEvent, OutboxEmail, StaffUser
from tests.helpers import all_rows
from tests.staff.helpers import (
    STAFF,
    create_account,
    csrf_token,
    enrol,
    enrolled,
    give_code,
    sign_in,
)


@pytest.fixture
def app(make_app):
    return make_app(STAFF_REQUIRE_TOTP=True)


def client_at(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def shown_secret(page: str) -> str:
    return re.search(r'id="totp-secret">([^<]+)<', page).group(1).replace(" ", "")


def test_each_enrolment_attempt_has_its_own_secret_and_none_is_stored(app):
    create_account(app, STAFF)
    attacker, owner = client_at(app, "203.0.113.7"), client_at(app, "198.51.100.2")
    for client in (attacker, owner):
        assert sign_in(client, STAFF).status_code == 303
    seen_by_attacker = shown_secret(attacker.get("/staff/two-step").text)
    assert shown_secret(attacker.get("/staff/two-step").text) == seen_by_attacker
    (account,) = all_rows(app, StaffUser)
    assert account.totp_secret is None  # nothing kept until a code confirms it
    secret, _ = enrol(owner)
    assert secret != seen_by_attacker
    (account,) = all_rows(app, StaffUser)
    assert account.totp_secret == secret
    # The attacker's copy gives no code that signs in.
    later = client_at(app, "203.0.113.7")
    assert sign_in(later, STAFF).status_code == 303
    refused = give_code(later, pyotp.TOTP(seen_by_attacker).now())
    assert refused.status_code == 400


def test_a_wrong_code_emails_the_owner_once_a_period(app):
    enrolled(app)
    attacker = client_at(app, "203.0.113.7")
    for _ in range(3):
        assert sign_in(attacker, STAFF).status_code == 303
        assert give_code(attacker, "000000").status_code == 400
    notices = [
        e
        for e in all_rows(app, OutboxEmail)
        if e.subject == "A wrong sign-in code was entered"
    ]
    assert len(notices) == 1
    assert "change it now" in notices[0].body


def test_a_replayed_code_locks_nobody_out(app):
    with time_machine.travel("2027-03-01 16:00:00+00:00", tick=False) as clock:
        secret, _ = enrolled(app)
        clock.shift(timedelta(seconds=30))  # the enrolment used this step's code
        owner = client_at(app, "198.51.100.2")
        assert sign_in(owner, STAFF).status_code == 303
        seen = pyotp.TOTP(secret).now()
        assert give_code(owner, seen).status_code == 303
        # Someone who saw that code, and knows the password, tries it again and again.
        for n in range(app.config["STAFF_LOCK_AFTER_FAILURES"] * 2):
            attacker = client_at(app, f"203.0.113.{n + 1}")
            assert sign_in(attacker, STAFF).status_code == 303
            again = give_code(attacker, seen)
            assert again.status_code == 400
            assert "already used" in again.text
        clock.shift(timedelta(seconds=30))
        tomorrow = client_at(app, "198.51.100.2")
        assert sign_in(tomorrow, STAFF).status_code == 303
        assert give_code(tomorrow, pyotp.TOTP(secret).now()).status_code == 303
    assert not [e for e in all_rows(app, AuditEvent) if e.action == "sign_in_locked"]


def test_wrong_passwords_from_many_networks_pause_the_account(make_app):
    app = make_app(STAFF_ACCOUNT_LOCK_AFTER_FAILURES=20)
    create_account(app, STAFF)
    # Four guesses from each of five addresses: under each network's own limit.
    for network in range(5):
        for guess in range(4):
            client = client_at(app, f"203.0.113.{network + 1}")
            answer = sign_in(client, STAFF, f"guess {network}-{guess}!")
            assert answer.status_code in (400, 429)
    assert answer.status_code == 429
    # The right password, from a network never seen, is paused too, for now.
    paused = sign_in(client_at(app, "192.0.2.50"), STAFF)
    assert paused.status_code == 429 and "until its password is reset" in paused.text
    locked = [
        e.detail for e in all_rows(app, AuditEvent) if e.action == "sign_in_locked"
    ]
    assert "paused after wrong passwords from many networks" in locked


def test_ipv6_clients_are_counted_by_their_64(make_app):
    app = make_app()
    create_account(app, STAFF)
    for n in range(app.config["STAFF_LOCK_AFTER_FAILURES"]):
        sign_in(client_at(app, f"2001:db8:1:2::{n + 1:x}"), STAFF, "wrong password!")
    # Another address in the same /64 is the same client ...
    assert sign_in(client_at(app, "2001:db8:1:2:ffff::9"), STAFF).status_code == 429
    # ... another /64 is not.
    assert sign_in(client_at(app, "2001:db8:1:3::1"), STAFF).status_code == 303


def test_ipv6_64s_share_one_rate_limit(make_app):
    app = make_app(RATELIMIT_ENABLED=True, LOOKUP_RATE_LIMIT="3 per minute")
    answers = [
        client_at(app, f"2001:db8:5:6::{n + 1:x}")
        .get("/consultation/times.json?date=2030-01-07")
        .status_code
        for n in range(4)
    ]
    assert answers == [200, 200, 200, 429]
    other = client_at(app, "2001:db8:5:7::1").get(
        "/consultation/times.json?date=2030-01-07"
    )
    assert other.status_code == 200


def test_the_enrolment_page_refuses_a_forged_session_nonce(app):
    """The secret comes from the nonce and the site's key: a nonce of the wrong
    shape in the session is replaced, not used."""
    create_account(app, STAFF)
    client = app.test_client()
    assert sign_in(client, STAFF).status_code == 303
    with client.session_transaction() as session:
        session["two_step_enrolment"] = "x"
    first = shown_secret(client.get("/staff/two-step").text)
    assert shown_secret(client.get("/staff/two-step").text) == first
    page = client.get("/staff/two-step").text
    token = csrf_token(page)
    done = client.post(
        "/staff/two-step", data={"csrf_token": token, "code": pyotp.TOTP(first).now()}
    )
    assert done.status_code == 200 and "recovery" in done.text.lower()
