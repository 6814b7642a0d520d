"""The privacy notice: one Markdown file, loaded once, and the version a patient's
consent refers to."""

from pathlib import Path

from flask import Flask, current_app

from clinic.content import Document, load_file

PRIVACY_FILE = Path(__file__).parent / "privacy.md"


def register(app: Flask) -> None:
    app.extensions["privacy"] = load_file(PRIVACY_FILE)


def notice() -> Document:
    return current_app.extensions["privacy"]


def version() -> str:
    """The notice's version, as a consent records it."""
    return str(notice().meta["version"])
