"""The lead queue's forms: filters and search, status, assignment, notes, deletion."""

from datetime import date

from wtforms import (
    BooleanField,
    DateField,
    Form,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from clinic.forms import NoControlCharacters, SiteForm, choices, mark_controls, strip
from clinic.vocabulary import LeadSource, LeadStatus, QueueView

NOTE_MAX = 5000
# The columns the list sorts by (a header link each).
SORTS = ("received", "name", "treatment", "status", "assignee", "source")


class FilterFields:
    """The lead list's filters, shared by the query-string form and the search
    form (WTForms collects fields from a plain base class too)."""

    view = SelectField(
        "Show",
        choices=choices(QueueView),
        default=QueueView.TODO,
    )
    sort = SelectField(
        "Sort by",
        choices=[SelectChoice("", "Default"), *(SelectChoice(k, k) for k in SORTS)],
        default="",
    )
    order = SelectField(
        "Order",
        choices=[SelectChoice("asc", "asc"), SelectChoice("desc", "desc")],
        default="asc",
    )
    status = SelectField(
        "Status",
        choices=[SelectChoice("", "All but spam"), *choices(LeadStatus)],
        validate_choice=True,
        default="",
    )
    treatment = SelectField("Treatment", default="")
    source = SelectField(
        "Source",
        choices=[SelectChoice("", "Any source"), *choices(LeadSource)],
        default="",
    )
    received_from = DateField("Received from", validators=[Optional()])
    received_to = DateField("Received to", validators=[Optional()])
    q = StringField(
        "Search name, email or phone",
        filters=[mark_controls, strip],
        validators=[
            NoControlCharacters(),
            Length(max=100, message="Search for at most 100 characters."),
        ],
    )

    # Dates far outside these fall off the calendar once turned into clinic time.
    EARLIEST, LATEST = date(2000, 1, 1), date(2999, 12, 31)

    def offer_treatments(self, treatments: dict) -> None:
        self.treatment.choices = [
            SelectChoice("", "Any treatment"),
            *(SelectChoice(t.slug, t.title) for t in treatments.values()),
        ]

    def validate_received_from(self, field):
        self.within_reason(field.data)

    def validate_received_to(self, field):
        self.within_reason(field.data)
        start = self.received_from.data
        if field.data and start and field.data < start:
            raise ValidationError("The end date must not be before the start date.")

    def within_reason(self, day: date | None) -> None:
        if day and not self.EARLIEST <= day <= self.LATEST:
            raise ValidationError(
                f"Choose a date between {self.EARLIEST.year} and {self.LATEST.year}."
            )

    def valid_values(self) -> dict:
        """Each filter's value, None where it could not be used."""
        return {f.name: None if f.errors else f.data for f in self}


class LeadFilters(FilterFields, Form):
    """The filters as the list's URL carries them, so every view has an address;
    a search's words are not among them but kept in the session (`search`)."""

    page = IntegerField(
        "Page", default=1, validators=[Optional(), NumberRange(min=1, max=100_000)]
    )
    search = StringField("Search", filters=[strip])

    def __init__(self, formdata, treatments: dict, searches: dict, **kwargs):
        super().__init__(formdata, **kwargs)
        self.offer_treatments(treatments)
        self.searches = searches

    def validate_search(self, field):
        """Put back the words a search key stands for (after q's own rules)."""
        if not field.data:
            return
        if field.data not in self.searches:
            raise ValidationError("That search has ended. Please search again.")
        self.q.data = self.searches[field.data]


class LeadSearchForm(FilterFields, SiteForm):
    """The filter form as sent (POST), so that the words of a search, often a
    patient's name or phone, never stand in a URL: logs, history, `next=`."""

    def __init__(self, treatments: dict, **kwargs):
        super().__init__(**kwargs)
        self.offer_treatments(treatments)


class StatusForm(SiteForm):
    status = SelectField("New status", choices=choices(LeadStatus), coerce=LeadStatus)
    # Written with the change, saved with it: "Called, booked Tuesday".
    note = TextAreaField(
        "Note with this change (optional)",
        filters=[mark_controls],
        validators=[
            NoControlCharacters(allow_newlines=True),
            Length(max=NOTE_MAX, message=f"Keep a note under {NOTE_MAX:,} characters."),
        ],
    )
    # The status the page showed: a change made meanwhile by someone else wins.
    current = HiddenField()

    def validate_current(self, field):
        try:
            field.data = LeadStatus(field.data)
        except ValueError:
            raise ValidationError(
                "Reload the page: it does not say the lead's status."
            ) from None


class AssignForm(SiteForm):
    assignee = SelectField("Assigned to", coerce=str)


class NoteForm(SiteForm):
    body = TextAreaField(
        "Add a note",
        filters=[mark_controls],
        validators=[
            InputRequired("Write the note first."),
            NoControlCharacters(allow_newlines=True),
            Length(max=NOTE_MAX, message=f"Keep a note under {NOTE_MAX:,} characters."),
        ],
    )

    def validate_body(self, field):
        if not field.data.strip():
            raise ValidationError("Write the note first.")


class DeleteForm(SiteForm):
    confirm = BooleanField(
        "I confirm the patient asked for their data to be deleted",
        validators=[DataRequired("Tick the box to confirm the deletion.")],
    )
