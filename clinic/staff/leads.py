"""Finding leads for staff: one lead, the filtered list a page at a time, the export,
and a lead's history. Views and other modules ask here rather than query leads."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, and_, func, not_, or_, select
from sqlalchemy.orm import selectinload

from clinic.extensions import db
from clinic.models import AuditEvent, Lead
from clinic.staff.paging import paginate
from clinic.vocabulary import LeadSource, LeadStatus


def _source_condition(source: LeadSource):
    path = Lead.source_path
    article, treatment = path.startswith("/blog"), path.startswith("/treatments")
    home = path == "/"
    if source == LeadSource.ARTICLE:
        return article
    if source == LeadSource.TREATMENT:
        return treatment
    if source == LeadSource.HOME:
        return home
    return or_(path.is_(None), not_(or_(article, treatment, home)))


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


@dataclass(frozen=True)
class Filters:
    status: LeadStatus | None = None
    treatment: str = ""
    source: LeadSource | None = None
    received_from: date | None = None
    received_to: date | None = None
    q: str = ""
    search: str = ""  # where the session keeps q, so that links need not carry it

    @classmethod
    def from_values(
        cls, value: dict, q: str = "", search: str | None = ""
    ) -> "Filters":
        """Filters from a form's usable values (None where a value was refused)."""
        return cls(
            status=LeadStatus(value["status"]) if value["status"] else None,
            treatment=value["treatment"] or "",
            source=LeadSource(value["source"]) if value["source"] else None,
            received_from=value["received_from"],
            received_to=value["received_to"],
            q=q,
            search=(search or "") if q else "",
        )

    def conditions(self, with_status: bool = True) -> list:
        found = []
        if with_status:
            found.append(
                Lead.status == self.status
                if self.status
                else Lead.status != LeadStatus.SPAM
            )
        if self.treatment:
            found.append(Lead.treatment == self.treatment)
        if self.source:
            found.append(_source_condition(self.source))
        if self.received_from:
            found.append(Lead.created_at >= local_day_start(self.received_from))
        if self.received_to:
            end = local_day_start(self.received_to + timedelta(days=1))
            found.append(Lead.created_at < end)
        if self.q:
            found.append(_search_condition(self.q))
        return found

    def query(self) -> Select:
        """Leads matching the filters, newest first."""
        return (
            select(Lead)
            .where(*self.conditions())
            .options(selectinload(Lead.assigned_to))  # one query, not one per row
            .order_by(Lead.created_at.desc(), Lead.id.desc())
        )

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
    """Every lead the filters match, for the export."""
    return list(db.session.scalars(filters.query()))


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
