"""The go-live list: each blocker names what is missing and what fixes it. Read by
`flask launch-check` (which a deployment script runs, and which fails while any
blocker remains) and by the admin's page of the same name."""

import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app

from clinic import config, identity
from clinic.blog import articles


@dataclass(frozen=True)
class Blocker:
    what: str  # what stands between this install and going live
    fix: str  # the setting, command or page that removes it


def blockers() -> list[Blocker]:
    """Everything that must change before the clinic opens this site to patients."""
    settings = current_app.config
    found = [
        *responsibility(),
        *unreviewed(),
        *secrets_and_sign_in(settings),
        *email(settings),
        *backups(settings),
    ]
    if urlsplit(settings["SITE_URL"]).scheme != "https":
        found.append(
            Blocker(
                f"SITE_URL is {settings['SITE_URL']}, not an https:// address.",
                "Set SITE_URL to the site's public https:// address.",
            )
        )
    return found


def responsibility() -> list[Blocker]:
    clinic = identity.current()
    found = []
    if not clinic.medical_director:
        found.append(
            Blocker(
                "No medical director is named: a California medical practice names "
                "who is responsible for it.",
                'Set MEDICAL_DIRECTOR to their name and licence, e.g. "Dr. Ana Ruiz, '
                'MD (CA A12345)".',
            )
        )
    missing = [
        name
        for name, value in (
            ("CLINIC_STREET", clinic.street),
            ("CLINIC_CITY", clinic.city),
            ("CLINIC_REGION", clinic.region),
            ("CLINIC_POSTAL_CODE", clinic.postal_code),
        )
        if not value
    ]
    if missing:
        found.append(
            Blocker(
                "The clinic's address is incomplete: patients cannot find it.",
                f"Set {', '.join(missing)}.",
            )
        )
    if current_app.config["CLINIC_NOTIFY_EMAIL"] == config.CLINIC_NOTIFY_EMAIL:
        found.append(
            Blocker(
                "New requests would be emailed to the example address "
                f"{config.CLINIC_NOTIFY_EMAIL}.",
                "Set CLINIC_NOTIFY_EMAIL to the front desk's address.",
            )
        )
    return found


def unreviewed() -> list[Blocker]:
    return [
        Blocker(
            f'The article "{article.title}" has no medical review signed on or after '
            f"its last revision ({article.revised:%B %-d, %Y}).",
            f"Have a named clinician review it, then set ARTICLE_CREDITS["
            f"{article.slug!r}] with reviewer and reviewed.",
        )
        for article in articles.all().values()
        if not article.reviewed
    ]


def secrets_and_sign_in(settings) -> list[Blocker]:
    found = []
    if current_app.extensions.get("development_secret_key"):
        found.append(
            Blocker(
                "The site signs sessions with the development secret key kept in "
                "instance/development-secret-key.",
                "Set SECRET_KEY to 32+ random characters (python3 -c 'import secrets; "
                "print(secrets.token_hex(32))') and run without --debug.",
            )
        )
    if not settings["STAFF_REQUIRE_TOTP"]:
        found.append(
            Blocker(
                "Two-step sign-in is off: a stolen staff password opens every "
                "patient's request.",
                "Unset STAFF_REQUIRE_TOTP (it is on outside --debug), or set it to "
                "True.",
            )
        )
    return found


def email(settings) -> list[Blocker]:
    if settings["MAIL_SERVER"]:
        return []
    return [
        Blocker(
            "No SMTP server: emails are only written to instance/mail/, so neither "
            "the clinic nor any patient receives them.",
            "Set MAIL_SERVER, MAIL_PORT, MAIL_USE_TLS, MAIL_USERNAME and "
            "MAIL_PASSWORD.",
        )
    ]


def backups(settings) -> list[Blocker]:
    folder = settings["BACKUP_DIR"]
    if not folder:
        return [
            Blocker(
                "No backups are configured: a lost disk would lose every request.",
                "Set BACKUP_DIR and run `flask --app clinic db backup` there daily "
                "(docs/deploying.md).",
            )
        ]
    path = Path(folder)
    if not path.is_dir():
        return [
            Blocker(
                f"BACKUP_DIR {folder} is not a folder.",
                "Create it, owned by the clinic's user, or set BACKUP_DIR to one.",
            )
        ]
    hours = settings["BACKUP_MAX_AGE_HOURS"]
    newest = max((f.stat().st_mtime for f in path.iterdir() if f.is_file()), default=0)
    if time.time() - newest > hours * 3600:
        return [
            Blocker(
                f"No backup in {folder} from the last {hours} hours.",
                "Run `flask --app clinic db backup` (or pg_dump into BACKUP_DIR), and "
                "schedule it daily.",
            )
        ]
    return []
