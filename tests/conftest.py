"""Fixtures: an app from the factory with a fresh, migrated SQLite file per test."""

import html5lib
import pytest
from flask_migrate import upgrade

from clinic import create_app

TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"


@pytest.fixture
def make_app(tmp_path):
    """Build an app on a throwaway instance folder, overriding the test mapping."""

    def build(**overrides):
        settings = {
            "TESTING": True,
            "SECRET_KEY": TEST_SECRET,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'clinic.sqlite3'}",
        }
        settings.update(overrides)
        app = create_app(settings, instance_path=tmp_path / "instance")
        with app.app_context():
            upgrade()
        return app

    return build


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


def parse_html(text: str):
    """Parse a page strictly, failing on any HTML parse error."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    return parser.parse(text)
