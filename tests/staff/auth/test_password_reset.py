"""A forgotten password, reset by email: the same answer for every address, a link
that works once for 30 minutes, and what an old or tampered link gets."""

import re
from datetime import UTC, datetime, timedelta

import time_machine

from clinic.models import AuditEvent
from tests.helpers import all_rows
from tests.staff.helpers import PASSWORD, STAFF, create_account, csrf_token
from tests.staff.http import Visitor, link_in, subject_of

NEW_PASSWORD = "lemon tide orbit canvas"


def ask(visitor: Visitor, email: str):
    token = visitor.token("/staff/password-reset")
    return visitor.post("/staff/password-reset", {"csrf_token": token, "email": email})


def sign_in(visitor: Visitor, password: str, email: str = STAFF):
    token = visitor.token("/staff/login")
    return visitor.post(
        "/staff/login", {"csrf_token": token, "email": email, "password": password}
    )


def choose(visitor: Visitor, link: str, password: str = NEW_PASSWORD):
    token = csrf_token(visitor.get(link).text)
    return visitor.post(
        link, {"csrf_token": token, "password": password, "password_confirm": password}
    )


def without_tokens(page: str) -> str:
    return re.sub(r'value="[^"]*"', "", page)


def test_a_receptionist_resets_a_forgotten_password(live_site):
    create_account(live_site.app, STAFF)
    elsewhere = Visitor(live_site.base)  # still signed in on another computer
    assert sign_in(elsewhere, PASSWORD).url.endswith("/staff/leads")

    known = ask(Visitor(live_site.base), STAFF)
    unknown = ask(Visitor(live_site.base), "nobody@clinic.test")
    assert known.status == unknown.status == 200
    # The same page, but for the address typed back.
    assert without_tokens(known.text).replace(STAFF, "@") == without_tokens(
        unknown.text
    ).replace("nobody@clinic.test", "@")
    (email,) = live_site.deliver(1)
    assert email.rcpt_tos == [STAFF] and "Reset your password" in subject_of(email)
    link = link_in(email, live_site.base)

    visitor = Visitor(live_site.base)
    mismatch = visitor.post(
        link,
        {
            "csrf_token": csrf_token(visitor.get(link).text),
            "password": NEW_PASSWORD,
            "password_confirm": "something else",
        },
    )
    assert mismatch.status == 400 and "not the same" in mismatch.text
    done = choose(visitor, link)
    assert done.url.endswith("/staff/login?notice=reset")
    assert "Your password is changed" in done.text

    # Every session ended; the old password no longer works, the new one does.
    assert "/staff/login" in elsewhere.get("/staff/leads").url
    assert sign_in(Visitor(live_site.base), PASSWORD).status == 400
    assert sign_in(Visitor(live_site.base), NEW_PASSWORD).url.endswith("/staff/leads")
    # Once only.
    again = Visitor(live_site.base).get(link)
    assert again.status == 404 and 'name="password"' not in again.text
    # The owner is told, and the activity page shows both steps.
    (notice,) = live_site.deliver(1)
    assert "Your password was changed" in subject_of(notice)
    actions = [e.action for e in all_rows(live_site.app, AuditEvent)]
    assert actions.count("password_reset_asked") == 2
    assert "password_reset" in actions


def test_a_second_reset_or_a_password_change_voids_a_link(live_site):
    create_account(live_site.app, STAFF)
    ask(Visitor(live_site.base), STAFF)
    (first,) = live_site.deliver(1)
    ask(Visitor(live_site.base), STAFF)
    (second,) = live_site.deliver(1)
    old, new = link_in(first, live_site.base), link_in(second, live_site.base)
    assert Visitor(live_site.base).get(old).status == 404
    assert Visitor(live_site.base).get(new).status == 200

    # Signed in, the owner changes the password on the account page.
    owner = Visitor(live_site.base)
    sign_in(owner, PASSWORD)
    token = owner.token("/staff/account")
    changed = owner.post(
        "/staff/account/password",
        {
            "csrf_token": token,
            "current_password": PASSWORD,
            "password": NEW_PASSWORD,
            "password_confirm": NEW_PASSWORD,
        },
    )
    assert "Your password is changed" in changed.text
    assert owner.get("/staff/leads").url.endswith("/staff/leads")  # still signed in
    assert Visitor(live_site.base).get(new).status == 404


def test_a_reset_link_lasts_thirty_minutes(live_site):
    create_account(live_site.app, STAFF)
    ask(Visitor(live_site.base), STAFF)
    (email,) = live_site.deliver(1)
    link = link_in(email, live_site.base)
    slow = Visitor(live_site.base)
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=29), tick=True):
        page = slow.get(link)
        assert page.status == 200
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=31), tick=True):
        late = Visitor(live_site.base).get(link)
        assert late.status == 404 and "Ask for a new link" in late.text
        # The form opened in time and sent too late changes nothing.
        sent = slow.post(
            link,
            {
                "csrf_token": csrf_token(page.text),
                "password": NEW_PASSWORD,
                "password_confirm": NEW_PASSWORD,
            },
        )
        assert sent.status == 404
    assert sign_in(Visitor(live_site.base), PASSWORD).url.endswith("/staff/leads")


def test_tampered_and_foreign_links_show_no_form(live_site):
    create_account(live_site.app, STAFF)
    ask(Visitor(live_site.base), STAFF)
    (email,) = live_site.deliver(1)
    link = link_in(email, live_site.base)
    head, _, token = link.rpartition("/")
    for bad in (
        f"{head}/{token[:-2]}xx",
        f"{head}/{'A' * 3000}",
        f"{head}/..%2f..%2fetc",
        link.replace("/password-reset/", "/invitation/"),
    ):
        answer = Visitor(live_site.base).get(bad)
        assert answer.status == 404, bad
        assert 'name="password"' not in answer.text


def test_the_reset_form_answers_bad_input_in_words(app, client):
    page = client.get("/staff/password-reset")
    token = csrf_token(page.text)
    for email, said in (
        ("", "Enter an email address."),
        ("no-at-sign", "Enter an email address like name@example.com."),
        ("x" * 300 + "@clinic.test", "That email address is too long."),
        ("a@b.test\x00", ""),
    ):
        answer = client.post(
            "/staff/password-reset", data={"csrf_token": token, "email": email}
        )
        assert answer.status_code == 400 and said in answer.text, email
    refused = client.post("/staff/password-reset", data={"email": STAFF})
    assert refused.status_code == 400
    assert all_rows(app, AuditEvent) == []


def test_resets_are_limited_per_address_and_per_network(make_app):
    app = make_app(
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="memory://",
        STAFF_RESET_RATE_LIMIT_PER_ADDRESS="2 per hour",
        STAFF_RESET_RATE_LIMIT="4 per hour",
    )
    create_account(app, STAFF)

    def ask_from(address: str, email: str):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        token = csrf_token(client.get("/staff/password-reset").text)
        return client.post(
            "/staff/password-reset", data={"csrf_token": token, "email": email}
        )

    # One address, from many networks: the third is refused, known or not.
    for email in (STAFF, "nobody@clinic.test"):
        answers = [ask_from(f"10.0.0.{n}", email).status_code for n in range(1, 4)]
        assert answers == [200, 200, 429], email
    # One network, many addresses.
    answers = [ask_from("10.9.9.9", f"x{n}@clinic.test").status_code for n in range(5)]
    assert answers == [200, 200, 200, 200, 429]
    limited = ask_from("10.9.9.9", "y@clinic.test")
    assert "Too many password resets" in limited.text
