"""The documentation keeps up with the code: every setting is described, and the
README stays a five-minute read."""

import re

from clinic import ROOT, config

CONFIGURATION = ROOT / "docs" / "configuration.md"


# What config.py checks SECRET_KEY and prices against: constants, not settings.
NOT_SETTINGS = {
    "MIN_SECRET_KEY_LENGTH",
    "PLACEHOLDER_KEYS",
    "SECRET_KEY_HELP",
    "INEXACT_PRICE",
}


def settings() -> set[str]:
    names = {name for name in vars(config) if re.fullmatch(r"[A-Z][A-Z0-9_]+", name)}
    return names - NOT_SETTINGS


def test_every_setting_is_described_in_the_configuration_guide():
    described = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", CONFIGURATION.read_text()))
    assert settings() - described == set()


def test_the_guide_describes_no_setting_that_is_gone():
    rows = re.findall(r"^\| ([^|]+) \|", CONFIGURATION.read_text(), re.M)
    named = {n for row in rows for n in re.findall(r"`([A-Z][A-Z0-9_]+)`", row)}
    assert named - settings() - {"SECRET_KEY", "SQLALCHEMY_DATABASE_URI"} == set()


def test_the_readme_is_short_and_points_to_the_rest():
    readme = (ROOT / "README.md").read_text()
    assert len(readme.splitlines()) <= 150
    for guide in ROOT.joinpath("docs").glob("*.md"):
        assert f"docs/{guide.name}" in readme, guide.name
    assert "bench/README.md" in readme
