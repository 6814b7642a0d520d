"""Every page is valid HTML by the Nu Html Checker (vnu.jar, on Java)."""

import os
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine

from clinic import ROOT
from tests.appointments.conftest import MONDAY, add_practitioner, book, local, offered
from tests.conftest import PAGE_KINDS, submit
from tests.staff.conftest import ADMIN, add_lead, create_account, csrf_token, sign_in

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
    # then too late), the form refusing a time and offering the nearest.
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
        assert "nearest" in files[-1].read_text().lower()
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
