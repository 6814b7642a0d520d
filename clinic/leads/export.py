"""Leads as CSV for a spreadsheet or another tool (HubSpot, Mailchimp, Jane): UTF-8
that Excel recognises, no cell a spreadsheet would run as a formula, and phone
numbers in a form that needs no guard, so an import gets the number itself."""

import csv
import io
import re
from collections.abc import Iterable, Iterator
from zoneinfo import ZoneInfo

import phonenumbers
from flask import current_app

from clinic.models import Lead
from clinic.treatments import catalog

# Excel reads a CSV as UTF-8 only when it starts with a byte-order mark.
BOM = "\ufeff"
# A cell starting with one of these is a formula to a spreadsheet (CWE-1236).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Where a spreadsheet's import may start a cell inside our value: after any
# separator it can be told to use (LibreOffice offers ":" too), or a line break,
# with spaces it may trim.
INNER_FORMULA = re.compile(r"([,;:\t| \r\n]\s*)([=+\-@])")

COLUMNS = [
    "Lead",
    "Received",
    "Status",
    "First name",
    "Last name",
    "Email",
    "Phone",
    "Phone country code",
    "Treatment",
    "Preferred date",
    "Preferred time",
    "Contact by",
    "Message",
    "Assigned to",
    "Source",
    "Source page",
    "UTM source",
    "UTM medium",
    "UTM campaign",
    "UTM term",
    "UTM content",
    "Consent given",
    "Privacy notice version",
    "Spam reason",
    "First contact",
    "Appointment",
    "Notes",
    "Duplicate of",
]


def neutralise(value: object) -> str:
    """Render a cell so that a spreadsheet shows it as text, never runs it, with any
    import options: an apostrophe goes before a formula sign at the start of the
    value, after leading spaces (trimmed on import), and after each separator or
    line break (where an import that splits on it, or ignores quotes, starts a
    cell)."""
    text = INNER_FORMULA.sub(r"\1'\2", "" if value is None else str(value))
    if text.startswith(("\t", "\r")):
        text = "'" + text
    stripped = text.lstrip()
    if stripped.startswith(FORMULA_STARTS):
        return text[: len(text) - len(stripped)] + "'" + stripped
    return text


def phone_parts(number: str) -> tuple[str, str]:
    """An E.164 number as its national form and its country code: "(714) 555-0142"
    and "1". "+1714…" would need the formula guard, whose apostrophe an import keeps
    as part of the number."""
    try:
        parsed = phonenumbers.parse(number)
    except phonenumbers.NumberParseException:
        return number, ""
    national = phonenumbers.format_number(
        parsed, phonenumbers.PhoneNumberFormat.NATIONAL
    )
    return national, str(parsed.country_code)


def when(moment, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else ""


def appointment(lead: Lead, zone: ZoneInfo) -> str:
    booked = lead.appointment
    if booked is None:
        return ""
    start = when(booked.starts_at, zone)
    return f"{start} with {booked.practitioner.name} ({booked.status.label})"


def notes(lead: Lead, zone: ZoneInfo) -> str:
    """Every note, oldest first, one per line with its author and time."""
    lines = []
    for note in sorted(lead.notes, key=lambda n: n.created_at):
        author = note.author.email if note.author else "staff"
        lines.append(f"{when(note.created_at, zone)} {author}: {note.body}")
    return "\n".join(lines)


def row(
    lead: Lead, titles: dict[str, str], zone: ZoneInfo, first_of: dict[int, int]
) -> list[str]:
    phone, country = phone_parts(lead.phone)
    return [
        lead.id,
        lead.created_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
        lead.status.label,
        lead.first_name,
        lead.last_name,
        lead.email,
        phone,
        country,
        titles.get(lead.treatment, lead.treatment),
        lead.preferred_date.isoformat(),
        lead.preferred_time,
        lead.contact_method,
        lead.message,
        lead.assigned_to.email if lead.assigned_to else "",
        lead.source.label,
        lead.source_path,
        lead.utm_source,
        lead.utm_medium,
        lead.utm_campaign,
        lead.utm_term,
        lead.utm_content,
        lead.consent_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
        lead.privacy_version,
        lead.spam_reason,
        when(lead.first_contacted_at, zone),
        appointment(lead, zone),
        notes(lead, zone),
        first_of.get(lead.id, ""),
    ]


def lines(leads: Iterable[Lead], first_of: dict[int, int]) -> Iterator[str]:
    """Yield the CSV a line at a time, the byte-order mark first; `first_of` names
    the patient's first lead for each lead that repeats an earlier one."""
    zone = ZoneInfo(current_app.config["CLINIC_TIMEZONE"])
    titles = {s: t.title for s, t in catalog.all().items()}
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    yield BOM + buffer.getvalue()
    for lead in leads:
        buffer.seek(0)
        buffer.truncate()
        cells = row(lead, titles, zone, first_of)
        writer.writerow([neutralise(cell) for cell in cells])
        yield buffer.getvalue()
