"""Limits keyed on what they protect: one mailbox, however its address is typed,
gets no more reset links than its limit; and a password made of the clinic's name
or address, or the person's own name or email, is refused wherever one is chosen."""

from urllib.parse import urlsplit

import pytest

from clinic.accounts import invitations, links, passwords, users
from clinic.extensions import db
from clinic.models import OutboxEmail
from clinic.vocabulary import EmailKind
from tests.helpers import all_rows
from tests.staff.helpers import ADMIN, STAFF, create_account, csrf_token

# desk@clinic.test as a person could type it: each reaches the same mailbox.
VARIANTS = [
    "desk@clinic.test",
    "DESK@Clinic.Test",
    "desk@ｃｌｉｎｉｃ.test",  # full-width letters in the domain
    "desk@clinic。test",  # an ideographic full stop
    "desk@clinic．ｔｅｓｔ",  # a full-width full stop
    " desk@clinic.test ",
]


def test_a_mailbox_gets_its_limit_of_reset_links_however_it_is_typed(make_app):
    app = make_app(
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="memory://",
        STAFF_RESET_RATE_LIMIT_PER_ADDRESS="2 per hour",
        STAFF_RESET_RATE_LIMIT="100 per hour",
    )
    create_account(app, STAFF)
    statuses = []
    for n, typed in enumerate(VARIANTS):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"203.0.113.{n + 1}"
        token = csrf_token(client.get("/staff/password-reset").text)
        answer = client.post(
            "/staff/password-reset", data={"csrf_token": token, "email": typed}
        )
        statuses.append(answer.status_code)
    assert statuses == [200, 200, 429, 429, 429, 429]
    resets = [
        e for e in all_rows(app, OutboxEmail) if e.kind == EmailKind.PASSWORD_RESET
    ]
    assert len(resets) == 2


@pytest.mark.parametrize(
    ("password", "name"),
    [
        ("visage summer garden 7", "Jo Baker"),  # the clinic's name (CLINIC_NAME)
        ("my LASER clinic rocks", "Jo Baker"),
        ("ocskinclinic-2027-rules", "Jo Baker"),  # the site's host (SITE_URL)
        ("frontdesk chair lamp", "Jo Baker"),  # the person's own email
        ("Baker bakes bread daily", "Jo Baker"),  # the person's own name
        ("Ana2027!isthebestone", "Dr. Ana Ruiz, MD"),  # a short name as a word
    ],
)
def test_guessable_passwords_are_refused(make_app, password, name):
    app = make_app(SITE_URL="https://www.ocskinclinic.com")
    with app.app_context():
        with pytest.raises(users.AccountError, match="clinic's name"):
            users.check_password(password, "frontdesk@clinic.test", name)


@pytest.mark.parametrize(
    "password", ["banana split sundae", "rainy harbour notebook", "jolly roger pirate"]
)
def test_other_passwords_pass(app, password):
    with app.app_context():
        users.check_password(password, "ana@clinic.test", "Dr. Ana Ruiz, MD")


def test_the_words_come_from_names_and_addresses():
    words = passwords.guessable_words(
        "Visage Laser and Skin Care", "www.visagelaser.com", "Dr. Ana Ruiz, MD"
    )
    assert words == {"visage", "laser", "skin", "care", "visagelaser", "ana", "ruiz"}


def test_an_invitee_cannot_choose_their_own_name(app):
    create_account(app, ADMIN, admin=True)
    with app.app_context():
        invitation = invitations.invite(
            "jo@clinic.test", False, False, "Jo Baker", by=users.find(ADMIN)
        )
        db.session.commit()
        link = urlsplit(links.invitation_url(invitation)).path
    visitor = app.test_client()
    page = visitor.get(link)
    answer = visitor.post(
        link,
        data={
            "csrf_token": csrf_token(page.text),
            "password": "baker street irregulars",
            "password_confirm": "baker street irregulars",
        },
    )
    assert answer.status_code == 400 and "your own name" in answer.text
