"""Leads as CSV for a spreadsheet: UTF-8 that Excel recognises, and no cell a
spreadsheet would run as a formula."""

import csv
import io
import re
from collections.abc import Iterable, Iterator
from zoneinfo import ZoneInfo

from flask import current_app

from clinic.models import Lead
from clinic.treatments import catalog

# Excel reads a CSV as UTF-8 only when it starts with a byte-order mark.
BOM = "\ufeff"
# A cell starting with one of these is a formula to a spreadsheet (CWE-1236).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Where a spreadsheet's import may start a cell inside our value: after any
# separator it can be told to use, or a line break, with spaces it may trim.
INNER_FORMULA = re.compile(r"([,;\t| \r\n]\s*)([=+\-@])")

COLUMNS = [
    "Lead",
    "Received",
    "Status",
    "First name",
    "Last name",
    "Email",
    "Phone",
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


def row(lead: Lead, titles: dict[str, str], zone: ZoneInfo) -> list[str]:
    return [
        lead.id,
        lead.created_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
        lead.status.label,
        lead.first_name,
        lead.last_name,
        lead.email,
        lead.phone,
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
    ]


def lines(leads: Iterable[Lead]) -> Iterator[str]:
    """Yield the CSV a line at a time, the byte-order mark first."""
    zone = ZoneInfo(current_app.config["CLINIC_TIMEZONE"])
    titles = {s: t.title for s, t in catalog.all().items()}
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    yield BOM + buffer.getvalue()
    for lead in leads:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([neutralise(cell) for cell in row(lead, titles, zone)])
        yield buffer.getvalue()
