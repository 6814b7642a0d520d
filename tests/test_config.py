"""Configuration layers: defaults, instance/config.py, FLASK_* variables."""

import pytest

from clinic import ROOT, create_app
from clinic.config import is_weak_secret
from tests.helpers import TEST_SECRET


@pytest.fixture
def instance(tmp_path, monkeypatch):
    """An instance folder, and an environment free of FLASK_* variables."""
    for name in list(__import__("os").environ):
        if name.startswith("FLASK_"):
            monkeypatch.delenv(name)
    folder = tmp_path / "instance"
    folder.mkdir()
    return folder


def test_folders_resolve_to_the_project_root():
    app = create_app({"TESTING": True, "SECRET_KEY": TEST_SECRET})
    assert app.template_folder == str(ROOT / "templates")
    assert app.static_folder == str(ROOT / "static")
    assert app.instance_path == str(ROOT / "instance")
    assert (ROOT / "templates" / "base.html").is_file()


def test_defaults_give_a_laptop_a_sqlite_file_in_the_instance_folder(
    instance, monkeypatch
):
    monkeypatch.setenv("FLASK_SECRET_KEY", TEST_SECRET)
    app = create_app(instance_path=instance)
    assert (
        app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance}/clinic.sqlite3"
    )
    assert app.config["CLINIC_NAME"] == "Visage Laser and Skin Care"


def test_instance_config_overrides_defaults_and_environment_overrides_both(
    instance, monkeypatch
):
    (instance / "config.py").write_text(
        f"SECRET_KEY = {TEST_SECRET!r}\n"
        "CLINIC_NAME = 'From Instance'\n"
        "CLINIC_PHONE = '(212) 555-0100'\n"
    )
    monkeypatch.setenv("FLASK_CLINIC_PHONE", "(310) 555-0199")
    monkeypatch.setenv("FLASK_CLINIC_HOURS", '{"Mo": "08:00-12:00"}')
    app = create_app(instance_path=instance)
    assert app.config["CLINIC_NAME"] == "From Instance"
    assert app.config["CLINIC_PHONE"] == "(310) 555-0199"
    # Production answers to SITE_URL's host only.
    page = app.test_client().get("/", base_url="http://127.0.0.1:5000").text
    assert "From Instance" in page
    assert 'href="tel:+13105550199"' in page
    assert "8 am – 12 pm" in page


@pytest.mark.parametrize(
    "key", [None, "", "dev", "change-me", "short-but-not-a-default"]
)
def test_production_refuses_a_missing_or_default_secret_key(instance, monkeypatch, key):
    if key is not None:
        monkeypatch.setenv("FLASK_SECRET_KEY", key)
    with pytest.raises(RuntimeError, match="FLASK_SECRET_KEY"):
        create_app(instance_path=instance)


def test_development_keeps_its_own_secret_key_across_restarts(instance, monkeypatch):
    monkeypatch.setenv("FLASK_DEBUG", "1")
    first = create_app(instance_path=instance).config["SECRET_KEY"]
    assert not is_weak_secret(first)
    assert create_app(instance_path=instance).config["SECRET_KEY"] == first
    assert (instance / "development-secret-key").stat().st_mode & 0o077 == 0
    other = instance.parent / "other"
    other.mkdir()
    assert create_app(instance_path=other).config["SECRET_KEY"] != first


def test_a_bad_clinic_phone_stops_start_up(instance, monkeypatch):
    monkeypatch.setenv("FLASK_SECRET_KEY", TEST_SECRET)
    monkeypatch.setenv("FLASK_CLINIC_PHONE", "not a phone")
    with pytest.raises(ValueError, match="CLINIC_PHONE"):
        create_app(instance_path=instance)


@pytest.mark.parametrize(
    "hours", ['{"Xx": "09:00-17:00"}', '{"Mo": "17:00-09:00"}', '{"Mo": "nine-five"}']
)
def test_bad_opening_hours_stop_start_up(instance, monkeypatch, hours):
    monkeypatch.setenv("FLASK_SECRET_KEY", TEST_SECRET)
    monkeypatch.setenv("FLASK_CLINIC_HOURS", hours)
    with pytest.raises(ValueError):
        create_app(instance_path=instance)


def test_wsgi_module_exposes_the_app(monkeypatch):
    monkeypatch.setenv("FLASK_SECRET_KEY", TEST_SECRET)
    import importlib

    import wsgi

    importlib.reload(wsgi)
    assert wsgi.app.name == "clinic"


def test_gunicorn_config_loads_the_app(monkeypatch):
    import subprocess
    import sys
    from pathlib import Path

    env = dict(__import__("os").environ, FLASK_SECRET_KEY=TEST_SECRET)
    gunicorn = Path(sys.executable).parent / "gunicorn"
    result = subprocess.run(
        [gunicorn, "--check-config", "-c", "gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
