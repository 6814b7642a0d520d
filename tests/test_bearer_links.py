"""A link that is a key stays private: the pages it opens tell the browser to send
no Referer onward, no such path is ever recorded as where a request came from, and
a cancelled appointment's page no longer says what it was for."""

from urllib.parse import urlsplit

import pytest

from clinic.accounts import invitations, links
from clinic.accounts.users import find
from clinic.extensions import db
from clinic.models import Lead
from tests.appointments.helpers import MONDAY, add_practitioner, book
from tests.helpers import all_rows, open_form, submit
from tests.services import nginx_lines
from tests.staff.helpers import (
    ADMIN,
    create_account,
    csrf_token,
)


@pytest.fixture
def appointment_url(app, client, time_machine):
    time_machine.move_to(MONDAY, tick=False)
    add_practitioner(app)
    answer = book(client, "2027-03-03T10:00", treatment="botox-chronic-migraine")
    assert answer.status_code == 303
    return answer.location


def test_appointment_pages_send_no_referrer(client, appointment_url):
    for path in (appointment_url, appointment_url + ".ics"):
        answer = client.get(path)
        assert answer.status_code == 200
        assert answer.headers["Referrer-Policy"] == "no-referrer"
    token = csrf_token(client.get(appointment_url).text)
    cancelled = client.post(appointment_url + "/cancel", data={"csrf_token": token})
    assert cancelled.headers["Referrer-Policy"] == "no-referrer"
    # Other pages keep the site's policy (attribution of our own pages).
    home = client.get("/")
    assert home.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_staff_links_that_are_keys_send_no_referrer(app):

    create_account(app, ADMIN, admin=True)
    with app.app_context():
        invitation = invitations.invite(
            "new@clinic.test", False, False, "Jo Baker", by=find(ADMIN)
        )
        db.session.commit()
        invite_path = urlsplit(links.invitation_url(invitation)).path
        reset_path = urlsplit(links.reset_url(find(ADMIN))).path
    client = app.test_client()
    for path in (invite_path, reset_path, "/staff/password-reset/not-a-real-token"):
        answer = client.get(path)
        assert answer.headers["Referrer-Policy"] == "no-referrer", path


@pytest.mark.parametrize(
    "source",
    [
        "/appointments/{token}",
        "/staff/password-reset/abc.def",
        "/staff/invitation/abc.def",
        "/staff/leads/3",
        "/consultation/thanks",
    ],
)
def test_no_key_or_staff_path_is_recorded_as_a_source(
    app, client, appointment_url, source
):
    path = source.format(token=appointment_url.rsplit("/", 1)[-1])
    for tokens in (
        open_form(client, headers={"Referer": f"http://localhost{path}"}),
        open_form(client, f"?from={path}"),
    ):
        assert (
            submit(client, tokens, email=f"p{len(tokens)}@example.com").status_code
            == 303
        )
    for lead in all_rows(app, Lead):
        assert lead.source_path is None, lead.source_path


def test_reading_pages_are_still_recorded_as_sources(app, client):
    for n, path in enumerate(
        ["/", "/about", "/treatments/botox-hyperhidrosis", "/blog/"]
    ):
        tokens = open_form(client, headers={"Referer": f"http://localhost{path}"})
        assert submit(client, tokens, email=f"s{n}@example.com").status_code == 303
    recorded = [lead.source_path for lead in all_rows(app, Lead)]
    assert recorded == ["/", "/about", "/treatments/botox-hyperhidrosis", "/blog/"]


def test_a_cancelled_appointment_no_longer_names_the_treatment(client, appointment_url):
    assert "Botox for chronic migraine" in client.get(appointment_url).text
    token = csrf_token(client.get(appointment_url).text)
    client.post(appointment_url + "/cancel", data={"csrf_token": token})
    page = client.get(appointment_url).text
    assert "Your consultation is cancelled" in page
    assert "migraine" not in page.lower()
    assert "treatment=" not in page


def test_nginx_sets_the_forwarded_host_and_hides_its_version():
    lines = nginx_lines()
    assert "server_tokens off;" in lines
    assert "proxy_set_header X-Forwarded-Host $host;" in lines
