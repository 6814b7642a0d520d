"""Finding leads for staff: one lead, the filtered list a page at a time, the export,
and a lead's history. Views and other modules ask here rather than query leads."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import selectinload

from clinic import audit, clock, identity
from clinic.extensions import db
from clinic.identity import DAYS
from clinic.models import (
    Appointment,
    AuditEvent,
    Lead,
    LeadNote,
    StaffUser,
    source_condition,
)
from clinic.paging import paginate
from clinic.transactions import keep_loaded
from clinic.vocabulary import AuditAction, LeadSource, LeadStatus, QueueView


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _search_condition(q: str):
    """Every word must appear in the name, email or phone; digits also match the
    phone however it was typed."""
    conditions = []
    for word in q.split():
        pattern = f"%{_escape_like(word.lower())}%"
        fields = [
            func.lower(Lead.first_name).like(pattern, escape="\\"),
            func.lower(Lead.last_name).like(pattern, escape="\\"),
            func.lower(Lead.email).like(pattern, escape="\\"),
        ]
        digits = "".join(c for c in word if c.isdigit())
        if len(digits) >= 3:
            fields.append(Lead.phone.like(f"%{digits}%"))
        conditions.append(or_(*fields))
    return and_(*conditions)


def local_day_start(day: date) -> datetime:
    """The UTC moment a calendar day starts at the clinic."""
    zone = ZoneInfo(current_app.config["CLINIC_TIMEZONE"])
    return datetime.combine(day, time.min, zone).astimezone(UTC)


# The work to do: a patient waiting for a first call, one to follow up, one who
# missed their appointment (the same list as models.OPEN_SQL, the queue's index).
OPEN = (LeadStatus.NEW, LeadStatus.CONTACTED, LeadStatus.NO_SHOW)
QUEUES = tuple(view for view in QueueView if view.is_queue)


def reply_by(received: datetime) -> datetime | None:
    """When the clinic promised to have replied to a request received then: within
    REPLY_WITHIN_HOURS, or by the end of its next opening day when that is later (a
    request on Saturday afternoon is not owed a reply on a closed Sunday)."""
    hours = current_app.config["REPLY_WITHIN_HOURS"]
    if hours is None:
        return None
    promised = received + timedelta(hours=hours)
    closing = next_day_closing(received)
    return max(promised, closing) if closing else promised


def next_day_closing(received: datetime) -> datetime | None:
    """When the first opening day after the day of `received` ends."""
    zone = clock.zone()
    hours = {opening.day: opening for opening in identity.current().hours}
    day = received.astimezone(zone).date()
    for ahead in range(1, 8):
        later = day + timedelta(days=ahead)
        opening = hours.get(list(DAYS)[later.weekday()])
        if opening is not None and opening.closes is not None:
            return datetime.combine(later, opening.closes, tzinfo=zone)
    return None


def is_overdue(lead: Lead, now: datetime) -> bool:
    """A new lead the clinic has not answered by the time it promised."""
    if lead.status != LeadStatus.NEW:
        return False
    due = reply_by(lead.created_at)
    return due is not None and now > due


@dataclass(frozen=True)
class Filters:
    view: str = QueueView.TODO
    sort: str = ""  # "": the view's own order
    order: str = "asc"
    me: int | None = None  # the staff member reading, for "mine"
    status: LeadStatus | None = None
    treatment: str = ""
    source: LeadSource | None = None
    received_from: date | None = None
    received_to: date | None = None
    q: str = ""
    search: str = ""  # where the session keeps q, so that links need not carry it

    @classmethod
    def from_values(
        cls, value: dict, q: str = "", search: str | None = "", me: int | None = None
    ) -> "Filters":
        """Filters from a form's usable values (None where a value was refused)."""
        return cls(
            view=value.get("view") or QueueView.TODO,
            sort=value.get("sort") or "",
            order=value.get("order") or "asc",
            me=me,
            status=LeadStatus(value["status"]) if value["status"] else None,
            treatment=value["treatment"] or "",
            source=LeadSource(value["source"]) if value["source"] else None,
            received_from=value["received_from"],
            received_to=value["received_to"],
            q=q,
            search=(search or "") if q else "",
        )

    @property
    def is_queue(self) -> bool:
        return self.view in QUEUES

    def conditions(self, with_status: bool = True, view: str | None = None) -> list:
        found = []
        view = view or self.view
        if with_status:
            if self.status:
                found.append(Lead.status == self.status)
            elif view in QUEUES:
                found.append(Lead.status.in_(OPEN))
            else:
                found.append(Lead.status != LeadStatus.SPAM)
        if view == "mine":
            found.append(Lead.assigned_to_id == self.me)
        elif view == "unassigned":
            found.append(Lead.assigned_to_id.is_(None))
        if self.treatment:
            found.append(Lead.treatment == self.treatment)
        if self.source:
            found.append(source_condition(self.source))
        if self.received_from:
            found.append(Lead.created_at >= local_day_start(self.received_from))
        if self.received_to:
            end = local_day_start(self.received_to + timedelta(days=1))
            found.append(Lead.created_at < end)
        if self.q:
            found.append(_search_condition(self.q))
        return found

    def query(self) -> Select:
        """Leads matching the filters: in a queue the longest waiting first, else
        the newest first, unless a column is chosen."""
        query = (
            select(Lead)
            .where(*self.conditions())
            .options(selectinload(Lead.assigned_to))  # one query, not one per row
        )
        return query.order_by(*self.ordering(query))

    @property
    def oldest_first(self) -> bool:
        """Whether the list reads oldest first: the queues do, unless told."""
        if self.sort in ("", "received"):
            default = "asc" if self.is_queue else "desc"
            return (self.order if self.sort else default) == "asc"
        return self.order == "asc"

    def ordering(self, query: Select) -> list:
        received = (
            [Lead.created_at.asc(), Lead.id.asc()]
            if self.oldest_first
            else [Lead.created_at.desc(), Lead.id.desc()]
        )
        columns = {
            "name": [func.lower(Lead.last_name), func.lower(Lead.first_name)],
            "treatment": [Lead.treatment],
            "status": [Lead.status],
            "assignee": [
                select(
                    func.lower(func.coalesce(StaffUser.display_name, StaffUser.email))
                )
                .where(StaffUser.id == Lead.assigned_to_id)
                .scalar_subquery()
            ],
            "source": [Lead.source_path],
        }.get(self.sort)
        if not columns:
            return received
        direction = "asc" if self.order == "asc" else "desc"
        keyed = [getattr(c, direction)().nulls_last() for c in columns]
        return [*keyed, *received]

    def view_counts(self) -> dict[str, int]:
        """How many open leads each queue holds under the other filters."""
        return {
            view: db.session.scalar(
                select(func.count(Lead.id)).where(*self.conditions(view=view))
            )
            for view in QUEUES
        }

    def status_counts(self) -> dict[str, int]:
        """How many leads each status holds under the other filters."""
        rows = db.session.execute(
            select(Lead.status, func.count(Lead.id))
            .where(*self.conditions(with_status=False))
            .group_by(Lead.status)
        )
        counts = dict.fromkeys(LeadStatus, 0) | dict(rows.all())
        counts[""] = sum(n for status, n in counts.items() if status != LeadStatus.SPAM)
        return counts

    def as_args(self) -> dict[str, str]:
        """The filters as query-string arguments, leaving out the empty ones; a
        search kept in the session is named by its key, never by its words."""
        args = {
            "view": None if self.view == QueueView.TODO else self.view,
            "sort": self.sort,
            "order": self.order if self.sort else None,
            "status": self.status,
            "treatment": self.treatment,
            "source": self.source,
            "received_from": self.received_from and self.received_from.isoformat(),
            "received_to": self.received_to and self.received_to.isoformat(),
            "search": self.search,
            "q": None if self.search else self.q,
        }
        return {name: value for name, value in args.items() if value}

    def describe(self) -> str:
        """The filters in words for the audit trail; never the search text, which
        may be a patient's name."""
        args = self.as_args()
        args.pop("search", None)
        if self.q:
            args["q"] = "(a search)"
        return ", ".join(f"{k}={v}" for k, v in args.items()) or "no filters"


def get_or_404(lead_id: int) -> Lead:
    return db.get_or_404(Lead, lead_id, description="There is no such lead.")


def page_of(filters: Filters, page: int) -> Pagination:
    """One page of the leads the filters match; past the last page, the last one."""
    return paginate(filters.query(), page, current_app.config["STAFF_LEADS_PER_PAGE"])


def matching(filters: Filters) -> list[Lead]:
    """Every lead the filters match, for the export, with its notes and appointments
    loaded in a few queries rather than several per lead."""
    query = filters.query().options(
        selectinload(Lead.notes).selectinload(LeadNote.author),
        selectinload(Lead.appointments).selectinload(Appointment.practitioner),
    )
    return list(db.session.scalars(query))


def history(lead: Lead) -> list[AuditEvent]:
    """What staff did to a lead, newest first."""
    return db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.lead_id == lead.id)
        .order_by(AuditEvent.id.desc())
    ).all()


def still_stored(lead_ids: set[int]) -> set[int]:
    """Which of these leads have not been deleted."""
    return set(db.session.scalars(select(Lead.id).where(Lead.id.in_(lead_ids))))


# One patient is one email address, in any capitals (stored in the ASCII form every
# server accepts). A phone number is never verified, is shared by families and
# offices, and is mistyped (the form's own example number is typed by many): a
# shared phone alone is a hint for staff to weigh, never a link the software follows.


def same_patient(lead: Lead, with_spam: bool = False) -> list[Lead]:
    """The patient's other leads (the same email), oldest first, spam left out."""
    not_spam = [] if with_spam else [Lead.status != LeadStatus.SPAM]
    return db.session.scalars(
        select(Lead)
        .where(
            *not_spam,
            func.lower(Lead.email) == lead.email.lower(),
            Lead.id != lead.id,
        )
        .order_by(Lead.created_at, Lead.id)
    ).all()


def same_phone(lead: Lead) -> list[Lead]:
    """Leads with this lead's phone but another email, oldest first, spam left out:
    perhaps the same patient, perhaps someone else."""
    return db.session.scalars(
        select(Lead)
        .where(
            Lead.status != LeadStatus.SPAM,
            Lead.phone == lead.phone,
            func.lower(Lead.email) != lead.email.lower(),
        )
        .order_by(Lead.created_at, Lead.id)
    ).all()


def first_leads(found: list[Lead]) -> dict[int, int]:
    """For each of these leads that repeats an earlier one of the same patient (the
    same email), the id of that patient's first lead."""
    if not found:
        return {}
    emails = {lead.email.lower() for lead in found}
    rows = db.session.execute(
        select(Lead.id, func.lower(Lead.email))
        .where(Lead.status != LeadStatus.SPAM, func.lower(Lead.email).in_(emails))
        .order_by(Lead.created_at.desc(), Lead.id.desc())
    )
    first = {email: lead_id for lead_id, email in rows}  # newest first: oldest wins
    return {
        lead.id: first[lead.email.lower()]
        for lead in found
        if first.get(lead.email.lower(), lead.id) != lead.id
    }


@dataclass(frozen=True)
class HistoryLine:
    """One line of a lead's history: an action, or a run of views folded into one."""

    newest: AuditEvent
    oldest: AuditEvent
    views: int = 0  # above 0: this many views by one person in one sitting


def history_lines(events: list[AuditEvent], gap: timedelta) -> list[HistoryLine]:
    """Fold each person's views that follow one another (no other action between,
    and no pause longer than `gap`, a sitting) into one line; every view stays in
    the audit log. Events come newest first and lines keep that order."""
    lines: list[HistoryLine] = []
    for event in events:
        previous = lines[-1] if lines else None
        if (
            event.action == AuditAction.VIEW
            and previous
            and previous.views
            and previous.oldest.staff_id == event.staff_id
            and previous.oldest.created_at - event.created_at <= gap
        ):
            lines[-1] = HistoryLine(previous.newest, event, previous.views + 1)
        else:
            views = 1 if event.action == AuditAction.VIEW else 0
            lines.append(HistoryLine(event, event, views))
    return lines


def count_new() -> int:
    """New leads waiting for a first contact (every staff page's title shows it)."""
    return db.session.scalar(
        select(func.count(Lead.id)).where(Lead.status == LeadStatus.NEW)
    )


def listed(filters: Filters, found: Pagination) -> None:
    """Record that a page of the list was shown; what it loaded stays loaded, so
    the page renders without fetching each lead and its assignee again."""
    audit.record(AuditAction.LIST, detail=f"{filters.describe()}; page {found.page}")
    keep_loaded()


def exported(filters: Filters) -> list[Lead]:
    """Every lead the filters show, for a spreadsheet, the export recorded."""
    found = matching(filters)
    audit.record(AuditAction.EXPORT, detail=f"{len(found)} leads; {filters.describe()}")
    keep_loaded()
    return found


def seen(lead_id: int) -> Lead:
    """One lead, for its page, the view recorded (its history then shows it)."""
    lead = get_or_404(lead_id)
    audit.record(AuditAction.VIEW, lead.id)
    keep_loaded()
    return lead


def reload(lead: Lead) -> None:
    """Read the lead again, as another member of staff left it."""
    db.session.refresh(lead)
