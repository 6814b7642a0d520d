"""The go-live list: `flask launch-check` and the admin's page name what stands
between an install and opening it to patients, and the command fails until
nothing does. Who is responsible is on the site once named."""

import os
import time

import pytest
from flask import Flask

from clinic import config
from clinic.blog import articles
from clinic.launch.checks import blockers
from tests.helpers import TEST_DATABASE_URL
from tests.staff.helpers import ADMIN, create_account, sign_in

ARTICLE = "medical-benefits-of-botox"
DIRECTOR = "Dr. Ana Ruiz, MD (CA A12345)"


def ready(tmp_path) -> dict:
    """Every setting a clinic going live sets, a backup made a moment ago."""
    backups = tmp_path / "backups"
    backups.mkdir(parents=True)
    (backups / "clinic-today.sqlite3").write_text("a backup")
    return {
        "MEDICAL_DIRECTOR": DIRECTOR,
        "CLINIC_STREET": "1 Main Street",
        "CLINIC_CITY": "Irvine",
        "CLINIC_REGION": "CA",
        "CLINIC_POSTAL_CODE": "92618",
        "SITE_URL": "https://www.example-clinic.com",
        "MAIL_SERVER": "smtp.example.com",
        "STAFF_REQUIRE_TOTP": True,
        "BACKUP_DIR": str(backups),
    }


def reviewed(app) -> dict:
    """A medical review signed on the day the article was last revised."""
    with app.app_context():
        revised = articles.get(ARTICLE).revised
    credit = {"reviewer": "Dr. Ana Ruiz, MD", "reviewed": revised.isoformat()}
    return {"ARTICLE_CREDITS": {ARTICLE: credit}}


def check(app):
    return app.test_cli_runner().invoke(args=["launch-check"])


def test_a_new_install_is_not_ready_and_says_what_fixes_each(app):
    result = check(app)
    assert result.exit_code == 1
    for fix in (
        "MEDICAL_DIRECTOR",
        "CLINIC_STREET, CLINIC_CITY, CLINIC_REGION, CLINIC_POSTAL_CODE",
        f"ARTICLE_CREDITS[{ARTICLE!r}]",
        "MAIL_SERVER",
        "BACKUP_DIR",
        "STAFF_REQUIRE_TOTP",
        "SITE_URL",
    ):
        assert fix in result.output, fix
    assert result.output.count("Fix:") == 7
    assert "Not ready to go live: 7 to fix." in result.output


def test_an_install_with_everything_set_is_ready(make_app, tmp_path):
    app = make_app(**ready(tmp_path))
    app = make_app(**ready(tmp_path / "again"), **reviewed(app))
    result = check(app)
    assert result.exit_code == 0, result.output
    assert "Ready to go live" in result.output


@pytest.mark.parametrize(
    ("unset", "expected"),
    [
        ({"MEDICAL_DIRECTOR": None}, "No medical director is named"),
        ({"CLINIC_POSTAL_CODE": ""}, "Set CLINIC_POSTAL_CODE."),
        ({"MAIL_SERVER": None}, "No SMTP server"),
        ({"STAFF_REQUIRE_TOTP": False}, "Two-step sign-in is off"),
        ({"SITE_URL": "http://www.example-clinic.com"}, "not an https:// address"),
        ({"BACKUP_DIR": None}, "No backups are configured"),
        ({"CLINIC_NOTIFY_EMAIL": config.CLINIC_NOTIFY_EMAIL}, "the example address"),
    ],
)
def test_each_blocker_alone_keeps_the_site_from_going_live(
    make_app, tmp_path, unset, expected
):
    app = make_app(**ready(tmp_path))
    app = make_app(**{**ready(tmp_path / "again"), **reviewed(app), **unset})
    result = check(app)
    assert result.exit_code == 1
    assert expected in result.output
    assert result.output.count("Fix:") == 1


def test_a_stale_or_missing_backup_is_a_blocker(make_app, tmp_path):
    settings = ready(tmp_path)
    old = time.time() - 27 * 3600
    for backup in (tmp_path / "backups").iterdir():
        os.utime(backup, (old, old))
    app = make_app(**settings)
    with app.app_context():
        assert [b.what for b in blockers() if "backup" in b.what] == [
            f"No backup in {settings['BACKUP_DIR']} from the last 26 hours."
        ]
    app = make_app(**{**settings, "BACKUP_DIR": str(tmp_path / "nowhere")})
    with app.app_context():
        assert any("is not a folder" in b.what for b in blockers())


@pytest.mark.skipif(
    bool(TEST_DATABASE_URL), reason="SQLite backup; PostgreSQL uses pg_dump"
)
def test_flask_db_backup_writes_a_dated_file_the_check_accepts(make_app, tmp_path):
    folder = tmp_path / "daily"
    folder.mkdir()
    app = make_app(BACKUP_DIR=str(folder))
    with app.app_context():
        assert any("No backup in" in b.what for b in blockers())
    result = app.test_cli_runner().invoke(args=["db", "backup"])
    assert result.exit_code == 0, result.output
    (made,) = folder.iterdir()
    assert made.name.startswith("clinic-") and made.suffix == ".sqlite3"
    with app.app_context():
        assert not any("backup" in b.what for b in blockers())


def test_the_development_secret_key_is_a_blocker(app, tmp_path):
    laptop = Flask("laptop", instance_path=str(tmp_path))
    laptop.debug = True
    laptop.config["SECRET_KEY"] = None
    config._settle_secret_key(laptop)
    assert laptop.extensions["development_secret_key"]
    app.extensions["development_secret_key"] = True
    with app.app_context():
        assert any("development secret key" in b.what for b in blockers())


def test_the_admin_sees_the_same_list(app):
    create_account(app, ADMIN, admin=True)
    client = app.test_client()
    assert sign_in(client, ADMIN).status_code == 303
    page = client.get("/staff/launch-check").text
    assert "Go-live check" in page
    with app.app_context():
        for blocker in blockers():
            assert blocker.fix.split(" ")[1] in page


def test_the_medical_director_is_named_on_every_page_once_set(make_app, client):
    for path in ("/", "/about"):
        page = client.get(path).text
        assert "clinician-led" not in page.lower()
        assert "Medical director" not in page
    named = make_app(MEDICAL_DIRECTOR=DIRECTOR).test_client()
    for path in ("/", "/about", "/treatments/", "/privacy"):
        assert f"Medical director: {DIRECTOR}" in named.get(path).text, path
    assert "clinician-led" in named.get("/").text
    assert "is the practice's medical director" in named.get("/about").text


@pytest.mark.parametrize(
    "role", ["Medical director", "TBD", "Practitioner (development)"]
)
def test_a_role_is_not_a_medical_director(make_app, role):
    with pytest.raises(RuntimeError, match="MEDICAL_DIRECTOR"):
        make_app(MEDICAL_DIRECTOR=role)
