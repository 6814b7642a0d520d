"""Calendar files (RFC 5545): the patient's event, and each practitioner's feed.

Times carry the clinic's time zone (TZID with its VTIMEZONE), never a floating
local time; one appointment keeps one UID for its whole life and raises SEQUENCE
with every change, so calendars update or remove the event they already hold.
"""

from datetime import UTC, date, datetime
from urllib.parse import urlsplit

from flask import current_app
from icalendar import Calendar, Event, vCalAddress, vText

from clinic import identity
from clinic.appointments import links
from clinic.clock import zone
from clinic.models import Appointment, StaffUser
from clinic.vocabulary import AppointmentStatus

PRODID = "-//Clinic site//Appointments//EN"


def uid(appointment: Appointment) -> str:
    domain = urlsplit(current_app.config["SITE_URL"]).hostname or "localhost"
    return f"appointment-{appointment.public_id}@{domain}"


def address() -> str:
    clinic = identity.current()
    return ", ".join(p for p in (clinic.name, clinic.street, clinic.locality_line) if p)


def new_calendar(method: str | None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    if method:
        calendar.add("method", method)
    return calendar


def event(appointment: Appointment, summary: str, description: str) -> Event:
    tz = zone()
    item = Event()
    item.add("uid", uid(appointment))
    item.add("dtstamp", datetime.now(UTC))
    item.add("sequence", appointment.sequence)
    item.add("dtstart", appointment.starts_at.astimezone(tz))
    item.add("dtend", appointment.ends_at.astimezone(tz))
    item.add("summary", summary)
    item.add("location", address())
    item.add("description", description)
    cancelled = appointment.status == AppointmentStatus.CANCELLED
    item.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return item


def for_patient(appointment: Appointment, method: str | None = None) -> bytes:
    """The patient's event: REQUEST in a confirmation or update, CANCEL in a
    cancellation (method chosen from its status), none for "Add to calendar"."""
    clinic = identity.current()
    if method is None:
        method = "PUBLISH"
    calendar = new_calendar(method)
    item = event(
        appointment,
        f"Consultation at {clinic.name}",
        f"With {appointment.practitioner.name}. To change or cancel: "
        f"{links.page_url(appointment)} or call {clinic.phone}.",
    )
    if method in ("REQUEST", "CANCEL"):
        organizer = vCalAddress(f"mailto:{clinic.email}")
        organizer.params["cn"] = vText(clinic.name)
        item.add("organizer", organizer)
        attendee = vCalAddress(f"mailto:{appointment.lead.email}")
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        item.add("attendee", attendee)
    calendar.add_component(item)
    add_zone(calendar, [appointment])
    return calendar.to_ical()


def add_zone(calendar: Calendar, appointments: list[Appointment]) -> None:
    """The VTIMEZONE for the events' TZID, its rules from a year before the first
    to a year after the last (the library would list every change since 1970)."""
    if not appointments:
        return
    years = [a.starts_at.year for a in appointments]
    calendar.add_missing_timezones(
        date(min(years) - 1, 1, 1), date(max(years) + 2, 1, 1)
    )


def initials(appointment: Appointment) -> str:
    lead = appointment.lead
    return "".join(f"{name[:1].upper()}." for name in (lead.first_name, lead.last_name))


def feed(practitioner: StaffUser, appointments: list[Appointment]) -> bytes:
    """A practitioner's subscription: "Consultation" and the patient's initials,
    never a treatment or a name, since calendar apps sync it to other servers."""
    calendar = new_calendar(None)
    calendar.add("x-wr-calname", f"{practitioner.name}: consultations")
    for appointment in appointments:
        calendar.add_component(
            event(appointment, f"Consultation ({initials(appointment)})", "")
        )
    add_zone(calendar, appointments)
    return calendar.to_ical()
