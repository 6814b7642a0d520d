"""How staff pages show times, phone numbers and the names of things."""

from datetime import datetime
from zoneinfo import ZoneInfo

import phonenumbers
from flask import current_app
from flask_login import current_user

from clinic.staff import audit, dashboard
from clinic.staff.leads import SOURCES, STATUSES, source_of


def local(moment: datetime) -> str:
    """A moment in the clinic's time zone, as staff read a clock."""
    zone = ZoneInfo(current_app.config["CLINIC_TIMEZONE"])
    return moment.astimezone(zone).strftime("%a %-d %b %Y, %H:%M")


def stamp(moment: datetime) -> str:
    """A moment for a datetime attribute: whole seconds, as HTML allows."""
    return moment.isoformat(timespec="seconds")


def phone(number: str) -> str:
    """An E.164 number the way people in the clinic's country write it."""
    try:
        parsed = phonenumbers.parse(number)
    except phonenumbers.NumberParseException:
        return number
    same_country = (
        phonenumbers.region_code_for_number(parsed)
        == current_app.config["CLINIC_COUNTRY"]
    )
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if same_country
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(parsed, style)


def treatment_title(slug: str) -> str:
    found = current_app.extensions["treatments"].get(slug)
    return found.title if found else slug


def helpers() -> dict:
    return {
        "current_user": current_user,
        "statuses": STATUSES,
        "sources": SOURCES,
        "actions": audit.ACTIONS,
        "source_of": source_of,
        "local": local,
        "stamp": stamp,
        "phone": phone,
        "treatment_title": treatment_title,
        "duration": dashboard.duration,
    }
