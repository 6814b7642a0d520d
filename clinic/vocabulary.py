"""The values the database stores for statuses, kinds and actions, each with the words
staff read for it. Code, templates and tests name these members, never the strings."""

from enum import StrEnum

from sqlalchemy import String
from sqlalchemy.types import TypeDecorator


class Vocabulary(StrEnum):
    """A stored value that also knows its label: `LeadStatus.NEW.label == "New"`."""

    label: str

    def __new__(cls, value: str, label: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member


class PreferredTime(Vocabulary):
    """The part of the day a patient would like a call back, and what each covers
    on the time picker."""

    MORNING = "morning", "Morning"
    AFTERNOON = "afternoon", "Afternoon"
    EVENING = "evening", "Evening"


class ContactMethod(Vocabulary):
    PHONE = "phone", "Phone call"
    EMAIL = "email", "Email"
    TEXT = "text", "Text message"


class QueueView(Vocabulary):
    """The lead list's views: the work to do (open leads, the longest waiting
    first), the same for one person or nobody, and every lead by status."""

    TODO = "todo", "To do"
    MINE = "mine", "Mine"
    UNASSIGNED = "unassigned", "Unassigned"
    ALL = "all", "All leads"

    @property
    def is_queue(self) -> bool:
        """A view of the work still to do (rather than every lead)."""
        return self is not QueueView.ALL


class LeadStatus(Vocabulary):
    NEW = "new", "New"
    CONTACTED = "contacted", "Contacted"
    SCHEDULED = "scheduled", "Scheduled"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"
    NO_SHOW = "no_show", "No-show"
    CLOSED = "closed", "Closed"
    SPAM = "spam", "Spam"

    @property
    def next(self) -> tuple["LeadStatus", ...]:
        """Where a lead may go from here. Spam leaves only through the "not spam"
        release, which puts the lead back to new."""
        return NEXT_STATUSES[self]

    @property
    def ends_work(self) -> bool:
        """Nothing more is to be done with the patient (shown as a quieter button)."""
        return self in (LeadStatus.CLOSED, LeadStatus.SPAM)

    @property
    def means_contacted(self) -> bool:
        """Someone reached the patient: the first such status times the reply."""
        return self in CONTACTED


CONTACTED = frozenset(
    {
        LeadStatus.CONTACTED,
        LeadStatus.SCHEDULED,
        LeadStatus.COMPLETED,
        LeadStatus.CANCELLED,
        LeadStatus.NO_SHOW,
    }
)
NEXT_STATUSES = {
    LeadStatus.NEW: (
        LeadStatus.CONTACTED,
        LeadStatus.SCHEDULED,
        LeadStatus.CLOSED,
        LeadStatus.SPAM,
    ),
    LeadStatus.CONTACTED: (LeadStatus.SCHEDULED, LeadStatus.CLOSED, LeadStatus.SPAM),
    LeadStatus.SCHEDULED: (
        LeadStatus.COMPLETED,
        LeadStatus.CONTACTED,
        LeadStatus.CLOSED,
    ),
    LeadStatus.COMPLETED: (LeadStatus.CLOSED,),
    LeadStatus.CANCELLED: (LeadStatus.CONTACTED, LeadStatus.CLOSED),
    LeadStatus.NO_SHOW: (LeadStatus.CONTACTED, LeadStatus.CLOSED),
    LeadStatus.CLOSED: (LeadStatus.CONTACTED,),
    LeadStatus.SPAM: (),
}


class LeadSource(Vocabulary):
    """The kind of page of ours a patient came from."""

    ARTICLE = "article", "Article"
    TREATMENT = "treatment", "Treatment page"
    HOME = "home", "Home page"
    OTHER = "other", "Other"


class EmailKind(Vocabulary):
    CLINIC_NOTIFICATION = "clinic_notification", "To the clinic"
    PATIENT_ACK = "patient_ack", "Acknowledgement to the patient"
    CONFIRMATION = "appointment_confirmation", "Appointment confirmation"
    REMINDER = "appointment_reminder", "Appointment reminder"
    UPDATE = "appointment_update", "Appointment moved"
    CANCELLATION = "appointment_cancellation", "Appointment cancelled"
    REPLY = "reply", "Reply from the clinic"
    INVITATION = "staff_invitation", "Invitation to join the staff"
    PASSWORD_RESET = "staff_password_reset", "Password reset link"
    ACCOUNT_NOTICE = "staff_account_notice", "Notice of an account change"
    BOOKING_ALERT = "booking_alert", "Alert to the clinic: online bookings"
    RETENTION_REPORT = "retention_report", "Report to the clinic: leads kept long"

    @property
    def carries_event(self) -> bool:
        """The email carries the appointment as a calendar file."""
        return self in (
            EmailKind.CONFIRMATION,
            EmailKind.UPDATE,
            EmailKind.CANCELLATION,
        )


class EmailStatus(Vocabulary):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    # A reminder for an appointment cancelled or moved before it was due.
    WITHDRAWN = "withdrawn", "Not needed"


class AuditAction(Vocabulary):
    SIGN_IN = "sign_in", "signed in"
    SIGN_IN_FAILED = "sign_in_failed", "failed to sign in"
    SIGN_OUT = "sign_out", "signed out"
    LIST = "list", "viewed the lead list"
    VIEW = "view", "viewed the lead"
    STATUS = "status", "changed the status"
    NOTE = "note", "added a note"
    ASSIGN = "assign", "changed who is assigned"
    RELEASE = "release", "released from spam"
    RESEND = "resend", "sent an email again"
    EXPORT = "export", "exported leads to CSV"
    DELETE = "delete", "deleted the lead"
    MERGE = "merge", "merged a repeat request"
    REPLY = "reply", "emailed the patient"
    TEMPLATES = "templates", "changed a reply template"
    STAFF = "staff", "changed a staff account"
    SIGN_IN_LOCKED = "sign_in_locked", "was locked out of signing in"
    CODE_FAILED = "code_failed", "entered a wrong sign-in code"
    INVITE = "invite", "sent an invitation"
    INVITE_ACCEPTED = "invite_accepted", "accepted an invitation"
    INVITE_REVOKED = "invite_revoked", "revoked an invitation"
    PASSWORD_CHANGED = "password_changed", "changed a password"
    PASSWORD_RESET_ASKED = "password_reset_asked", "asked for a password reset"
    PASSWORD_RESET = "password_reset", "reset a password by email"
    TWO_STEP_ENROLLED = "two_step_enrolled", "set up two-step sign-in"
    RECOVERY_CODE_USED = "recovery_code_used", "signed in with a recovery code"
    TWO_STEP_RESET = "two_step_reset", "reset two-step sign-in"
    PURGE = "purge", "removed leads past their retention period"
    PRIVACY_EXPORT = "privacy_export", "exported a patient's data"
    AUDIT_PURGE = "audit_purge", "removed old activity records"
    APPOINTMENT = "appointment", "changed an appointment"
    AVAILABILITY = "availability", "changed when practitioners work"


class AppointmentStatus(Vocabulary):
    BOOKED = "booked", "Booked"
    CANCELLED = "cancelled", "Cancelled"
    ATTENDED = "attended", "Attended"
    NO_SHOW = "no_show", "No-show"

    @property
    def holds_time(self) -> bool:
        """The appointment occupies its practitioner's time (a cancelled one frees
        it); the database's overlap rule covers exactly these."""
        return self != AppointmentStatus.CANCELLED


class StoredAs(TypeDecorator):
    """A vocabulary column: a plain string in the database, a member in Python.

    A value outside the vocabulary is refused on the way in and on the way out.
    """

    impl = String
    cache_ok = True

    def __init__(self, vocabulary: type[Vocabulary], length: int):
        super().__init__(length)
        self.vocabulary = vocabulary

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return str(self.vocabulary(value))

    def process_result_value(self, value, dialect):
        return None if value is None else self.vocabulary(value)
