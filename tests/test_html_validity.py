"""Every page is valid HTML by the Nu Html Checker (vnu.jar, on Java)."""

import os
import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pyotp
import pytest
import time_machine

from clinic import ROOT
from clinic.accounts import links
from clinic.extensions import db
from clinic.models import Invitation
from tests.appointments.helpers import MONDAY, add_practitioner, book, local, offered
from tests.helpers import PAGE_KINDS, submit
from tests.staff.helpers import ADMIN, add_lead, create_account, csrf_token, sign_in

DEFAULT_JAR = ROOT / ".tools/node_modules/vnu-jar/build/dist/vnu.jar"


@pytest.fixture(scope="module")
def vnu_jar() -> Path:
    jar = Path(os.environ.get("VNU_JAR", DEFAULT_JAR))
    if not jar.is_file() or shutil.which("java") is None:
        reason = (
            f"no Nu Html Checker at {jar} or no java "
            "(npm install --prefix .tools vnu-jar; apt-get install default-jre)"
        )
        if os.environ.get("REQUIRE_VNU"):
            pytest.fail(reason)
        pytest.skip(reason)
    return jar


def test_every_public_page_and_the_form_errors_are_valid_html(
    vnu_jar, app, client, tmp_path
):
    files = []
    for n, path in enumerate(PAGE_KINDS):
        files.append(tmp_path / f"page{n}.html")
        files[-1].write_text(client.get(path).text)
    files.append(tmp_path / "form-errors.html")
    files[-1].write_text(submit(client, email="bad", consent=None).text)
    # With a practitioner, at a fixed hour so that the appointment page shows
    # its forms: the form with a day's times, a booking's page (open to change,
    # then too late), the form refusing a time and offering the other free ones.
    add_practitioner(app)
    with time_machine.travel(MONDAY, tick=False) as clock:
        files.append(tmp_path / "form-times.html")
        files[-1].write_text(client.get("/consultation").text)
        start = offered(files[-1].read_text())[0]
        booked = book(client, start, treatment="botox-hyperhidrosis")
        files.append(tmp_path / "appointment.html")
        files[-1].write_text(client.get(booked.location).text)
        assert "Cancel my consultation" in files[-1].read_text()
        files.append(tmp_path / "taken.html")
        again = {"treatment": "botox-hyperhidrosis", "email": "b@example.com"}
        files[-1].write_text(book(client, start, **again).text)
        assert "other free times on" in files[-1].read_text().lower()
        # Within the change cutoff the page has no forms, only a phone number.
        clock.move_to(local(start) - timedelta(hours=1))
        files.append(tmp_path / "appointment-too-late.html")
        files[-1].write_text(client.get(booked.location).text)
        assert "please call us" in files[-1].read_text()
    assert_valid(vnu_jar, files)


def test_every_staff_page_and_its_error_states_are_valid_html(
    vnu_jar, app, client, tmp_path
):
    create_account(app, ADMIN, admin=True)
    add_practitioner(app)  # the lead page offers times; the calendar has a name
    lead_id = add_lead(app, message="Line one\nLine <two>", source_path="/blog/x")
    pages = {"login-error": sign_in(client, ADMIN, "wrong password!").text}
    sign_in(client, ADMIN)
    for path in (
        "/staff/leads",
        f"/staff/leads/{lead_id}",
        "/staff/activity",
        "/staff/team",
        "/staff/leads?received_from=nonsense",
        "/staff/calendar",
        "/staff/calendar?view=day",
        "/staff/availability",
        "/staff/replies",
        "/staff/launch-check",
    ):
        pages[path] = client.get(path).text
    token = csrf_token(pages["/staff/leads"])
    pages["note-error"] = client.post(
        f"/staff/leads/{lead_id}/notes", data={"csrf_token": token, "body": ""}
    ).text
    files = []
    for n, text in enumerate(pages.values()):
        files.append(tmp_path / f"staff{n}.html")
        files[-1].write_text(text)
    assert_valid(vnu_jar, files)


def test_the_account_pages_and_their_error_states_are_valid_html(
    vnu_jar, make_app, tmp_path
):
    app = make_app(STAFF_REQUIRE_TOTP=True)
    create_account(app, ADMIN, admin=True)
    add_lead(app, email="patient@example.org")
    pages = {}
    visitor = app.test_client()
    pages["reset"] = visitor.get("/staff/password-reset").text
    token = csrf_token(pages["reset"])
    pages["reset-error"] = visitor.post(
        "/staff/password-reset", data={"csrf_token": token, "email": "nope"}
    ).text
    pages["reset-sent"] = visitor.post(
        "/staff/password-reset", data={"csrf_token": token, "email": ADMIN}
    ).text
    pages["dead-link"] = visitor.get("/staff/invitation/no-such-link").text
    client = app.test_client()
    sign_in(client, ADMIN)
    pages["enrol"] = client.get("/staff/two-step").text
    token = csrf_token(pages["enrol"])
    pages["enrol-error"] = client.post(
        "/staff/two-step", data={"csrf_token": token, "code": "12"}
    ).text
    secret = re.search(r'id="totp-secret">([^<]+)<', pages["enrol"])[1]
    code = pyotp.TOTP(secret.replace(" ", "")).now()
    pages["recovery-codes"] = client.post(
        "/staff/two-step", data={"csrf_token": token, "code": code}
    ).text
    pages["account"] = client.get("/staff/account").text
    pages["team-invite-error"] = client.post(
        "/staff/team/invite", data={"csrf_token": token, "email": "x"}
    ).text
    client.post(
        "/staff/team/invite",
        data={"csrf_token": token, "email": "new@clinic.test", "name": "Jo Baker"},
    )
    pages["team"] = client.get("/staff/team").text
    with app.app_context():
        invitation = db.session.scalar(db.select(Invitation))
        pages["invitation"] = client.get(
            links.invitation_url(invitation).split("5000")[-1]
        ).text
    pages["privacy"] = client.post(
        "/staff/privacy", data={"csrf_token": token, "contact": "patient@example.org"}
    ).text
    pages["privacy-error"] = client.post(
        "/staff/privacy/erase",
        data={"csrf_token": token, "contact": "patient@example.org"},
    ).text
    code_step = app.test_client()
    sign_in(code_step, ADMIN)
    pages["code"] = code_step.get("/staff/login/code").text
    pages["code-error"] = code_step.post(
        "/staff/login/code",
        data={"csrf_token": csrf_token(pages["code"]), "code": "000000"},
    ).text
    assert "That code is not right" in pages["code-error"]
    assert "Join the staff" in pages["invitation"]
    files = []
    for name, text in pages.items():
        files.append(tmp_path / f"account-{name}.html")
        files[-1].write_text(text)
    assert_valid(vnu_jar, files)


def assert_valid(vnu_jar: Path, files: list[Path]) -> None:
    result = subprocess.run(
        [
            "java",
            "-jar",
            str(vnu_jar),
            "--errors-only",
            "--format",
            "text",
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr + result.stdout
