"""Who the clinic is, built once from configuration for pages and structured data."""

from dataclasses import dataclass
from datetime import time

import phonenumbers
from flask import Flask, current_app

DAYS = {
    "Mo": "Monday",
    "Tu": "Tuesday",
    "We": "Wednesday",
    "Th": "Thursday",
    "Fr": "Friday",
    "Sa": "Saturday",
    "Su": "Sunday",
}
SCHEMA_DAYS = {code: f"https://schema.org/{name}" for code, name in DAYS.items()}


@dataclass(frozen=True)
class Opening:
    day: str
    opens: time | None
    closes: time | None

    @property
    def day_name(self) -> str:
        return DAYS[self.day]

    @property
    def label(self) -> str:
        if self.opens is None:
            return "Closed"
        return f"{_clock(self.opens)} – {_clock(self.closes)}"


@dataclass(frozen=True)
class Clinic:
    name: str
    tagline: str
    phone: str
    tel: str
    email: str
    street: str
    city: str
    region: str
    postal_code: str
    country: str
    hours: list[Opening]
    site_url: str
    medical_director: str | None = None

    @property
    def locality_line(self) -> str:
        place = ", ".join(part for part in (self.city, self.region) if part)
        return " ".join(part for part in (place, self.postal_code) if part)

    @property
    def open_weekdays(self) -> set[int]:
        """Weekday numbers (Monday is 0) on which the clinic opens."""
        return {list(DAYS).index(o.day) for o in self.hours if o.opens is not None}


def register(app: Flask) -> None:
    """Build the clinic identity from config and offer it to every template."""
    clinic = from_config(app.config)
    app.extensions["clinic"] = clinic
    app.jinja_env.globals["clinic"] = clinic


def current() -> Clinic:
    """The clinic the running app serves."""
    return current_app.extensions["clinic"]


def from_config(config) -> Clinic:
    """Read the CLINIC_* settings, checking the phone number and opening hours."""
    country = config["CLINIC_COUNTRY"]
    try:
        number = phonenumbers.parse(config["CLINIC_PHONE"], country)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_possible_number(number):
        raise ValueError(
            f"CLINIC_PHONE {config['CLINIC_PHONE']!r} is not a phone number"
        )
    return Clinic(
        name=config["CLINIC_NAME"],
        tagline=config["CLINIC_TAGLINE"],
        phone=config["CLINIC_PHONE"],
        tel=phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
        email=config["CLINIC_EMAIL"],
        street=config["CLINIC_STREET"],
        city=config["CLINIC_CITY"],
        region=config["CLINIC_REGION"],
        postal_code=config["CLINIC_POSTAL_CODE"],
        country=country,
        hours=parse_hours(config["CLINIC_HOURS"]),
        medical_director=config["MEDICAL_DIRECTOR"],
        site_url=config["SITE_URL"],
    )


def parse_hours(hours: dict[str, str | None]) -> list[Opening]:
    """Turn {"Mo": "09:00-18:00", ...} into one Opening per day of the week."""
    unknown = set(hours) - set(DAYS)
    if unknown:
        raise ValueError(
            f"CLINIC_HOURS has unknown days {sorted(unknown)}; use {list(DAYS)}"
        )
    openings = []
    for day in DAYS:
        span = hours.get(day)
        if not span:
            openings.append(Opening(day, None, None))
            continue
        opens, _, closes = span.partition("-")
        try:
            start, end = (
                time.fromisoformat(opens.strip()),
                time.fromisoformat(closes.strip()),
            )
        except ValueError:
            raise ValueError(
                f"CLINIC_HOURS {day}: {span!r} is not HH:MM-HH:MM"
            ) from None
        if end <= start:
            raise ValueError(f"CLINIC_HOURS {day}: {span!r} closes before it opens")
        openings.append(Opening(day, start, end))
    return openings


def _clock(moment: time) -> str:
    hour = moment.hour % 12 or 12
    minutes = f":{moment.minute:02d}" if moment.minute else ""
    return f"{hour}{minutes} {'am' if moment.hour < 12 else 'pm'}"
