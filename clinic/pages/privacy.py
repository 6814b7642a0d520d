"""The privacy notice: one Markdown file, loaded once, and the version a patient's
consent refers to."""

from dataclasses import replace
from pathlib import Path

from flask import Flask, current_app
from markupsafe import Markup

from clinic.content import Document, load_file

PRIVACY_FILE = Path(__file__).parent / "privacy.md"


def register(app: Flask) -> None:
    """Load the notice, stating the retention periods the app is set to apply."""
    document = load_file(PRIVACY_FILE)
    config = app.config
    periods = {
        "lead_retention": config["LEAD_RETENTION_DAYS"],
        "spam_retention": config["SPAM_RETENTION_DAYS"],
        "audit_retention": config["AUDIT_RETENTION_DAYS"],
    }
    html = str(document.html)
    for name, days in periods.items():
        html = html.replace("{" + name + "}", in_words(days))
    app.extensions["privacy"] = replace(document, html=Markup(html))


def in_words(days: int | None) -> str:
    """730 -> "2 years"; 30 -> "30 days"; None -> until the clinic deletes it."""
    if days is None:
        return "until the clinic deletes it (no set period)"
    if days >= 365 and days % 365 == 0:
        years = days // 365
        return f"{years} year{'s' if years != 1 else ''}"
    return f"{days} day{'s' if days != 1 else ''}"


def notice() -> Document:
    return current_app.extensions["privacy"]


def version() -> str:
    """The notice's version, as a consent records it."""
    return str(notice().meta["version"])
