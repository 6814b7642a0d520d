"""`flask staff ...`: accounts made, listed and switched off from the command line,
as the clinic's web person would, in a real process with a real terminal."""

import os
import pty
import re
import select
import subprocess
import sys
import time

import pytest

from clinic import ROOT
from clinic.models import StaffUser
from tests.appointments.helpers import offered
from tests.helpers import all_rows
from tests.staff.helpers import (
    PASSWORD,
    create_account,
    flask_env,
    sign_in,
    staff_command,
)


def read_chunk(fd: int, deadline: float) -> str:
    ready, _, _ = select.select([fd], [], [], max(0, deadline - time.monotonic()))
    if not ready:
        return ""
    try:
        return os.read(fd, 1024).decode()
    except OSError:  # the process has closed the terminal
        return ""


def read_prompt(fd: int, prompt: str, timeout: float = 20) -> str:
    """Read until the program shows a prompt and waits."""
    seen, deadline = "", time.monotonic() + timeout
    while not seen.rstrip().endswith(prompt):
        chunk = read_chunk(fd, deadline)
        if not chunk:
            raise AssertionError(f"waited for {prompt!r}, saw {seen!r}")
        seen += chunk
    return seen


def read_rest(fd: int, timeout: float = 5) -> str:
    seen, deadline = "", time.monotonic() + timeout
    while chunk := read_chunk(fd, deadline):
        seen += chunk
    return seen


def at_a_terminal(app, *args: str, answers: list[str]) -> tuple[str, int]:
    """Run `flask staff ...` on a pseudo-terminal, typing each answer once its prompt
    is shown (the password prompt throws away anything typed before it)."""
    main, child = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "clinic", "staff", *args],
        cwd=ROOT,
        env=flask_env(app),
        stdin=child,
        stdout=child,
        stderr=child,
        start_new_session=True,
    )
    os.close(child)
    transcript = ""
    for number, answer in enumerate(answers):
        prompt = "Password:" if number % 2 == 0 else "confirmation:"
        transcript += read_prompt(main, prompt)
        os.write(main, answer.encode() + b"\n")
    transcript += read_rest(main)
    code = process.wait(timeout=60)
    os.close(main)
    return transcript, code


def test_create_asks_for_the_password_twice_at_a_terminal(app):
    transcript, code = at_a_terminal(
        app, "create", "Front.Desk@Clinic.test", answers=[PASSWORD, PASSWORD]
    )
    assert code == 0, transcript
    assert "Repeat for confirmation" in transcript
    assert PASSWORD not in transcript  # not echoed
    (user,) = all_rows(app, StaffUser)
    assert (user.email, user.is_admin, user.active) == (
        "front.desk@clinic.test",
        False,
        True,
    )
    assert sign_in(app.test_client(), "front.desk@clinic.test").status_code == 303


def test_create_asks_again_when_the_two_passwords_differ(app):
    transcript, code = at_a_terminal(
        app,
        "create",
        "desk@clinic.test",
        answers=[PASSWORD, "something else entirely", PASSWORD, PASSWORD],
    )
    assert code == 0, transcript
    assert "do not match" in transcript
    assert len(all_rows(app, StaffUser)) == 1


def test_create_reads_a_piped_password_and_makes_admins(app):
    result = staff_command(
        app, "create", "owner@clinic.test", "--admin", stdin=PASSWORD + "\n"
    )
    assert result.returncode == 0, result.stderr
    assert "Created admin account owner@clinic.test" in result.stdout
    (user,) = all_rows(app, StaffUser)
    assert user.is_admin and user.password_hash.startswith("$argon2id$")


@pytest.mark.parametrize(
    "email, password, message",
    [
        ("desk@clinic.test", "eleven char", "at least 12 characters"),
        ("desk@clinic.test", "", "at least 12 characters"),
        ("desk@clinic.test", " " * 20, "only spaces"),
        # Long enough, but among the most common passwords, in any capitals.
        ("desk@clinic.test", "QWERTY123456", "one of the most common"),
        ("desk@clinic.test", "aaaaaaaaaaaaaaaa", "one of the most common"),
        ("new@clinic.test", "new@clinic.test", "not be your email address"),
        ("not-an-email", PASSWORD, "is not an email address"),
        ("DESK@clinic.test", PASSWORD, "already an account"),
    ],
)
def test_create_refuses_weak_passwords_bad_emails_and_duplicates(
    app, email, password, message
):
    create_account(app, "desk@clinic.test")
    result = staff_command(app, "create", email, stdin=password + "\n")
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(all_rows(app, StaffUser)) == 1


def test_list_and_deactivate(app):
    # Accounts made here, in the test's process: `create` has its own tests.
    create_account(app, "desk@clinic.test")
    create_account(app, "owner@clinic.test", admin=True)
    listing = staff_command(app, "list").stdout
    assert re.search(r"desk@clinic.test\s+staff\s+active\s+two-step off", listing)
    assert re.search(r"owner@clinic.test\s+admin\s+active", listing)
    result = staff_command(app, "deactivate", "desk@clinic.test")
    assert result.returncode == 0
    assert re.search(
        r"desk@clinic.test\s+staff\s+deactivated", staff_command(app, "list").stdout
    )
    assert sign_in(app.test_client(), "desk@clinic.test").status_code == 400
    missing = staff_command(app, "deactivate", "nobody@clinic.test")
    assert missing.returncode != 0 and "no account" in missing.stderr


def test_development_gets_a_first_admin_with_a_printed_password(app):
    first = staff_command(app, "bootstrap", debug=True)
    assert first.returncode == 0, first.stderr
    email, password = re.search(r"as (\S+)\n\s+password: (\S+)", first.stdout).groups()
    assert sign_in(app.test_client(), email, password).status_code == 303
    (user,) = all_rows(app, StaffUser)
    assert user.is_admin
    # Also a practitioner, so a newcomer's form offers free times at once.
    assert user.is_practitioner and user.display_name == "Practitioner (development)"
    assert offered(app.test_client().get("/consultation").text)
    again = staff_command(app, "bootstrap", debug=True)
    assert again.returncode == 0 and "password" not in again.stdout
    assert len(all_rows(app, StaffUser)) == 1


def test_production_never_gets_a_generated_admin(app):
    result = staff_command(app, "bootstrap")
    assert result.returncode != 0
    assert "Refusing outside development" in result.stderr
    assert all_rows(app, StaffUser) == []
