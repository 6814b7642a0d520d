"""How staff pages show times, phone numbers, waits and the names of things."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import phonenumbers
from flask import current_app
from flask_login import current_user

from clinic.treatments import catalog
from clinic.vocabulary import AuditAction, EmailStatus, LeadSource, LeadStatus


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
    found = catalog.get(slug)
    return found.title if found else slug


def duration(span: timedelta) -> str:
    """A wait in the units a person would say: minutes, hours or days."""
    minutes = int(span.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} days {hours} h" if hours else f"{days} days"


def helpers() -> dict:
    return {
        "current_user": current_user,
        "local": local,
        "stamp": stamp,
        "phone": phone,
        "treatment_title": treatment_title,
        "duration": duration,
        "AuditAction": AuditAction,
        "EmailStatus": EmailStatus,
        "LeadSource": LeadSource,
        "LeadStatus": LeadStatus,
    }
