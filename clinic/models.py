"""Database models shared by features: consultation leads, their outgoing emails,
the staff who work them, and the trail of what staff did."""

from datetime import date, datetime, timedelta

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    false,
    func,
    not_,
    or_,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinic.clock import utcnow
from clinic.extensions import db
from clinic.vocabulary import (
    AppointmentStatus,
    AuditAction,
    EmailKind,
    EmailStatus,
    LeadSource,
    LeadStatus,
    StoredAs,
)

# The statuses of the work still to do (clinic.leads.queries.OPEN), for the index.
OPEN_SQL = "status IN ('new', 'contacted', 'no_show')"

# An id names one patient, one email, one event forever: SQLite would otherwise
# hand a deleted newest row's id to the next one (PostgreSQL's sequences never do).
NEVER_REUSED = {"sqlite_autoincrement": True}


class Lead(db.Model):
    """A consultation request, kept from the moment it is submitted."""

    __tablename__ = "leads"
    # The sender looks up each acknowledgement's address in any mix of capitals.
    __table_args__ = (
        Index("ix_leads_email_lower", func.lower("email")),
        # A patient's other leads, found by phone as by email (the queue's "asked
        # before", a deletion on request).
        Index("ix_leads_phone", "phone"),
        # The queue's first page, read in order off the index (the open leads only,
        # a small part of all of them) instead of sorting every open lead.
        Index(
            "ix_leads_open_queue",
            "created_at",
            "id",
            postgresql_where=text(OPEN_SQL),
            sqlite_where=text(OPEN_SQL),
        ),
        NEVER_REUSED,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # The one-time token of the form that created it: a replay finds this lead.
    submission_token: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[LeadStatus] = mapped_column(
        StoredAs(LeadStatus, 20), default=LeadStatus.NEW, index=True
    )
    assigned_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    # When staff first reported contact: the dashboard's time to first contact.
    first_contacted_at: Mapped[datetime | None]
    spam_reason: Mapped[str | None] = mapped_column(String(200))

    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str] = mapped_column(String(20))  # E.164
    treatment: Mapped[str] = mapped_column(String(80))
    preferred_date: Mapped[date]
    preferred_time: Mapped[str] = mapped_column(String(12))
    contact_method: Mapped[str] = mapped_column(String(8))
    message: Mapped[str] = mapped_column(Text, default="")

    consent_at: Mapped[datetime]
    privacy_version: Mapped[str] = mapped_column(String(40))

    # Attribution the site records itself: the page the visitor came from and UTM tags.
    source_path: Mapped[str | None] = mapped_column(String(300))
    utm_source: Mapped[str | None] = mapped_column(String(100))
    utm_medium: Mapped[str | None] = mapped_column(String(100))
    utm_campaign: Mapped[str | None] = mapped_column(String(100))
    utm_term: Mapped[str | None] = mapped_column(String(100))
    utm_content: Mapped[str | None] = mapped_column(String(100))

    emails: Mapped[list["OutboxEmail"]] = relationship(
        back_populates="lead", cascade="all, delete-orphan", order_by="OutboxEmail.id"
    )
    notes: Mapped[list["LeadNote"]] = relationship(
        back_populates="lead", cascade="all, delete-orphan", order_by="LeadNote.id"
    )
    assigned_to: Mapped["StaffUser | None"] = relationship()
    appointments: Mapped[list["Appointment"]] = relationship(
        back_populates="lead",
        cascade="all, delete-orphan",
        order_by="Appointment.id",
        foreign_keys="Appointment.lead_id",
    )

    @property
    def appointment(self) -> "Appointment | None":
        """The appointment that still stands (booked, attended or missed), if any."""
        standing = [a for a in self.appointments if a.status.holds_time]
        return standing[-1] if standing else None

    @property
    def is_spam(self) -> bool:
        return self.status == LeadStatus.SPAM

    @property
    def source(self) -> LeadSource:
        return source_of(self.source_path)


# The kind of page a lead came from, by the path its form was opened from: the one
# rule both Python (source_of) and SQL (source_condition) read. (source, path,
# whether the whole path must match rather than begin with it.)
SOURCE_PAGES = (
    (LeadSource.ARTICLE, "/blog", False),
    (LeadSource.TREATMENT, "/treatments", False),
    (LeadSource.HOME, "/", True),
)


def source_of(path: str | None) -> LeadSource:
    """Name the kind of page a lead came from."""
    for source, page, whole in SOURCE_PAGES:
        if path and (path == page if whole else path.startswith(page)):
            return source
    return LeadSource.OTHER


def source_condition(source: LeadSource):
    """The SQL that picks the leads source_of names `source`."""
    column = Lead.source_path
    conditions = {
        kind: column == page if whole else column.startswith(page)
        for kind, page, whole in SOURCE_PAGES
    }
    if source in conditions:
        return conditions[source]
    return or_(column.is_(None), not_(or_(*conditions.values())))


class OutboxEmail(db.Model):
    """An email owed because of a lead, or to a member of staff about their account
    (an invitation, a reset link, a notice), delivered outside the request that
    caused it."""

    __tablename__ = "outbox_emails"
    # Senders take the oldest pending email: read in order, not sorted each time.
    __table_args__ = (
        Index("ix_outbox_emails_status_id", "status", "id"),
        # Staff pages look for a recent alert to the clinic (booking_alert).
        Index("ix_outbox_emails_kind_created_at", "kind", "created_at"),
        NEVER_REUSED,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int | None] = mapped_column(
        ForeignKey("leads.id", ondelete="CASCADE")
    )
    # Or the account (a reset link, a notice) or invitation it is about.
    staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="CASCADE"), index=True
    )
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitations.id", ondelete="CASCADE"), index=True
    )
    # The appointment a confirmation, reminder, update or cancellation is about.
    appointment_id: Mapped[int | None] = mapped_column(
        ForeignKey("appointments.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[EmailKind] = mapped_column(StoredAs(EmailKind, 30))
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    status: Mapped[EmailStatus] = mapped_column(
        StoredAs(EmailStatus, 10), default=EmailStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # While a sender holds the lease nobody else sends; if it dies, the lease runs out
    # (or, on its own machine, another sender sees it is gone: claimed_by).
    lease_until: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(120))
    last_error: Mapped[str | None] = mapped_column(String(500))
    sent_at: Mapped[datetime | None]

    # A reply staff wrote from the lead: its words, as sent (None for the others,
    # whose words come from templates when they are sent).
    subject: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[str | None] = mapped_column(Text)
    lead: Mapped[Lead | None] = relationship(back_populates="emails")
    appointment: Mapped["Appointment | None"] = relationship()
    staff: Mapped["StaffUser | None"] = relationship()
    invitation: Mapped["Invitation | None"] = relationship()


class StaffUser(db.Model):
    """A member of staff who signs in to work the leads; never deleted, deactivated."""

    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # lower case
    password_hash: Mapped[str] = mapped_column(String(200))
    is_admin: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    # Part of the session's user id: raising it signs the account out everywhere.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_sign_in_at: Mapped[datetime | None]

    # A practitioner sees patients: the booking form offers their free times.
    is_practitioner: Mapped[bool] = mapped_column(default=False)
    display_name: Mapped[str | None] = mapped_column(String(120))  # "Dr. Ana Ruiz, MD"
    # Their own weekly hours, as CLINIC_HOURS spells them ("Mo 09:00-13:00, We
    # 12:00-18:00"); None: the clinic's hours.
    working_hours: Mapped[str | None] = mapped_column(String(200))
    # Treatment slugs they offer, space-separated; None: every treatment.
    treatments: Mapped[str | None] = mapped_column(Text)
    # The secret in their calendar feed's address; a new one revokes the old.
    calendar_key: Mapped[str | None] = mapped_column(String(64), unique=True)

    # Two-step sign-in (TOTP): the shared secret (base32), enrolled once a first code
    # confirmed it; the last time step a code was accepted for, so none is used twice.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enrolled_at: Mapped[datetime | None]
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    # Changed by each password reset asked for: a link names the one it was sent
    # with, so a later request voids it.
    reset_nonce: Mapped[str | None] = mapped_column(String(32))

    recovery_codes: Mapped[list["RecoveryCode"]] = relationship(
        back_populates="staff", cascade="all, delete-orphan"
    )

    @property
    def name(self) -> str:
        """How patients and colleagues see this person."""
        return self.display_name or self.email

    @property
    def two_step(self) -> bool:
        """Signs in with a code from an authenticator app after the password."""
        return self.totp_enrolled_at is not None

    @property
    def offered(self) -> set[str] | None:
        return set(self.treatments.split()) if self.treatments else None

    def offers(self, treatment: str | None) -> bool:
        offered = self.offered
        return offered is None or not treatment or treatment in offered

    # Flask-Login's user interface.
    is_anonymous = False

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"


class RecoveryCode(db.Model):
    """One of the ten codes that stand in for an authenticator app once each; only
    a digest is kept (the codes are random, so a fast hash is enough)."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff_users.id", ondelete="CASCADE"), index=True
    )
    digest: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None]

    staff: Mapped[StaffUser] = relationship(back_populates="recovery_codes")


class Invitation(db.Model):
    """An admin's invitation to join the staff: the account is made only when the
    invitee chooses a password through the emailed link."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)  # lower case
    is_admin: Mapped[bool] = mapped_column(default=False)
    is_practitioner: Mapped[bool] = mapped_column(default=False)
    display_name: Mapped[str | None] = mapped_column(String(120))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    # Named by the link; a resend changes it, so only the newest link works.
    nonce: Mapped[str] = mapped_column(String(32))
    accepted_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    invited_by: Mapped[StaffUser | None] = relationship()

    @property
    def pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None


class SignInFailure(db.Model):
    """Recent failed sign-ins for one submitted email, known or not, so a lock-out
    looks the same whether or not the account exists."""

    __tablename__ = "sign_in_failures"

    email_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    first_failed_at: Mapped[datetime]
    locked_until: Mapped[datetime | None]


class LeadNote(db.Model):
    """A note on a lead: added, never edited or removed (except with the lead)."""

    __tablename__ = "lead_notes"
    __table_args__ = NEVER_REUSED

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(
        ForeignKey("leads.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    lead: Mapped[Lead] = relationship(back_populates="notes")
    author: Mapped[StaffUser] = relationship()


class AuditEvent(db.Model):
    """Something a member of staff did. Holds no patient data, and its lead id is a
    plain number, so the trail outlives a lead deleted on request."""

    __tablename__ = "audit_events"
    __table_args__ = NEVER_REUSED

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    lead_id: Mapped[int | None] = mapped_column(index=True)
    action: Mapped[AuditAction] = mapped_column(StoredAs(AuditAction, 30))
    detail: Mapped[str] = mapped_column(String(500), default="")

    staff: Mapped[StaffUser | None] = relationship()


class TimeOff(db.Model):
    """Whole days a practitioner is away, or (with no practitioner) the clinic is
    closed: a holiday. Days are the clinic's calendar days, first and last included."""

    __tablename__ = "time_off"

    id: Mapped[int] = mapped_column(primary_key=True)
    practitioner_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="CASCADE"), index=True
    )
    first_day: Mapped[date]
    last_day: Mapped[date] = mapped_column(index=True)
    reason: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    practitioner: Mapped[StaffUser | None] = relationship()


class Appointment(db.Model):
    """A booked consultation time with one practitioner.

    The database refuses two appointments that hold overlapping times for one
    practitioner (migration d5e6f7a8b9c0: an exclusion constraint on PostgreSQL,
    triggers on SQLite), so no race between looking and booking can double-book.
    """

    __tablename__ = "appointments"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ck_appointments_length"),
        NEVER_REUSED,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Random and never shown unsigned: the patient's link and the calendar UID.
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    lead_id: Mapped[int] = mapped_column(
        ForeignKey("leads.id", ondelete="CASCADE"), index=True
    )
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"))
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    status: Mapped[AppointmentStatus] = mapped_column(
        StoredAs(AppointmentStatus, 12), default=AppointmentStatus.BOOKED
    )
    # Raised on each change the patient's calendar must take in (RFC 5545).
    sequence: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Booked by the patient on the site (counted for the cap and the spike alert),
    # not by the front desk.
    online: Mapped[bool] = mapped_column(default=False, server_default=false())

    lead: Mapped[Lead] = relationship(back_populates="appointments")
    practitioner: Mapped[StaffUser] = relationship()

    @property
    def minutes(self) -> int:
        return (self.ends_at - self.starts_at) // timedelta(minutes=1)


class ReplyTemplate(db.Model):
    """A reply the clinic keeps ready ("We tried to call you"), edited by admins;
    {first_name}, {treatment}, {clinic_name} and {clinic_phone} are filled in."""

    __tablename__ = "reply_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
