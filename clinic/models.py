"""Database models shared by features: consultation leads and their outgoing emails."""

from datetime import UTC, date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinic.extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC)


class Lead(db.Model):
    """A consultation request, kept from the moment it is submitted."""

    __tablename__ = "leads"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # The one-time token of the form that created it: a replay finds this lead.
    submission_token: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="new", index=True)
    is_spam: Mapped[bool] = mapped_column(default=False, index=True)
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


class OutboxEmail(db.Model):
    """An email owed because of a lead, delivered outside the request that caused it."""

    __tablename__ = "outbox_emails"

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))  # clinic_notification | patient_ack
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # While a sender holds the lease nobody else sends; if it dies, the lease runs out.
    lease_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(500))
    sent_at: Mapped[datetime | None]

    lead: Mapped[Lead] = relationship(back_populates="emails")
