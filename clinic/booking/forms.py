"""The consultation request form and its rules."""

from datetime import date, datetime

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from flask import current_app, request
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, ValidationError

from clinic import identity
from clinic.appointments import availability
from clinic.appointments.availability import NotBookable
from clinic.appointments.picker import check_day, read_day
from clinic.booking import tokens
from clinic.forms import NoControlCharacters, SiteForm, choices, mark_controls, strip
from clinic.identity import DAYS
from clinic.leads import intake
from clinic.pages import privacy
from clinic.treatments import catalog
from clinic.vocabulary import ContactMethod, PreferredTime

MESSAGE_MAX = 2000


class FriendlyChoice:
    """A choice field that names what is wrong in the patient's terms."""

    def __init__(self, *args, message: str, **kwargs):
        super().__init__(*args, validate_choice=False, **kwargs)
        self.message = message

    def pre_validate(self, form):
        if not self.data or self.data not in {c.value for c in self.iter_choices()}:
            raise ValidationError(self.message)


class ChoiceRadio(FriendlyChoice, RadioField):
    pass


class ChoiceSelect(FriendlyChoice, SelectField):
    pass


def text_field(label: str, missing: str, max_length: int, too_long: str) -> StringField:
    """A required one-line field, trimmed, with control codes made visible."""
    return StringField(
        label,
        filters=[mark_controls, strip],
        validators=[
            DataRequired(missing),
            NoControlCharacters(),
            Length(max=max_length, message=too_long),
        ],
    )


class ConsultationForm(SiteForm):
    first_name = text_field(
        "First name",
        "Enter your first name.",
        80,
        "Please shorten your first name to 80 characters.",
    )
    last_name = text_field(
        "Last name",
        "Enter your last name.",
        80,
        "Please shorten your last name to 80 characters.",
    )
    email = text_field(
        "Email address",
        "Enter your email address.",
        254,
        "That email address is too long.",
    )
    phone = text_field(
        "Phone number",
        "Enter a phone number we can reach you on.",
        40,
        "That phone number is too long.",
    )
    treatment = ChoiceSelect(
        "Treatment you are interested in",
        message="Choose a treatment from the list.",
    )
    preferred_date = StringField(
        "Day",
        filters=[mark_controls, strip],
        validators=[DataRequired("Choose a day.")],
    )
    # A free time from the list (the clinic's wall clock); empty: call me instead.
    appointment_start = StringField(
        "Choose a time",
        filters=[mark_controls, strip],
        validators=[NoControlCharacters()],
        default="",
    )
    preferred_time = ChoiceRadio(
        "If we call you, what time of day suits you?",
        choices=choices(PreferredTime),
        message="Choose morning, afternoon or evening.",
    )
    contact_method = ChoiceRadio(
        "How should we contact you?",
        choices=choices(ContactMethod),
        message="Choose how we should contact you.",
    )
    message = TextAreaField(
        "Anything you would like us to know (optional)",
        filters=[mark_controls],
        validators=[
            NoControlCharacters(allow_newlines=True),
            Length(
                max=MESSAGE_MAX,
                message=f"Please shorten your message to {MESSAGE_MAX:,} characters.",
            ),
        ],
    )
    consent = BooleanField("Consent")  # the template words the label, with its link
    # Hidden from people by CSS; bots that fill every field fill this one too.
    website = StringField("Leave this field empty", filters=[mark_controls, strip])
    form_token = HiddenField()

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.treatment.choices = [
            SelectChoice("", "Choose a treatment"),
            *(
                SelectChoice(t.slug, t.title, optgroup=group)
                for group, items in catalog.by_group()
                for t in items
            ),
        ]
        self.token: tokens.FormToken | None = None
        self.start: datetime | None = None  # the time chosen, once valid

    def shown_days(self) -> set[date]:
        """The days the page showed beside the time chosen: its day field, and
        `date` (what the other pickers post) when a client sends it too."""
        posted = [
            self.preferred_date.raw_data[0] if self.preferred_date.raw_data else None
        ]
        posted.append(request.form.get("date"))
        return {day for day in map(read_day, posted) if day is not None}

    def validate(self, extra_validators=None) -> bool:
        # A chosen time names the day and the part of it: a patient who picks one
        # is not asked for either again (unless it is not on the day shown, which
        # validate_appointment_start refuses, keeping the day the patient sees).
        value = self.appointment_start.data
        if value:
            try:
                moment = availability.parse_local(value)
            except NotBookable:
                pass  # validate_appointment_start says what is wrong
            else:
                if self.shown_days() <= {moment.date()}:
                    self.preferred_date.data = moment.date().isoformat()
                    self.preferred_time.data = availability.part_of_day(moment.time())
        return super().validate(extra_validators)

    def validate_appointment_start(self, field):
        if not field.data:
            return
        if len(field.data) > 16:
            raise ValidationError("Choose one of the times listed.")
        try:
            moment = availability.parse_local(field.data)
            for day in self.shown_days():
                check_day(moment, day)
            availability.check_offered(moment, self.treatment.data or None)
        except NotBookable as refusal:
            raise ValidationError(str(refusal)) from None
        self.start = moment

    def validate_email(self, field):
        try:
            result = validate_email(field.data, check_deliverability=False)
        except EmailNotValidError:
            raise ValidationError(
                "Enter an email address like name@example.com."
            ) from None
        if result.ascii_email is None:
            # Only a mail server offering SMTPUTF8 could take it; ours may not.
            raise ValidationError(
                "We cannot send email to an address with accents or non-Latin "
                "letters before the @. Please enter another address."
            )
        # An internationalised domain is kept in the form every server accepts.
        field.data = result.ascii_email

    def validate_phone(self, field):
        region = current_app.config["CLINIC_COUNTRY"]
        try:
            number = phonenumbers.parse(field.data, region)
        except phonenumbers.NumberParseException:
            number = None
        if number is None or not phonenumbers.is_valid_number(number):
            raise ValidationError("Enter a phone number like (714) 555-0123.")
        field.data = phonenumbers.format_number(
            number, phonenumbers.PhoneNumberFormat.E164
        )

    def validate_preferred_date(self, field):
        try:
            chosen = date.fromisoformat(field.data)
        except (TypeError, ValueError):
            raise ValidationError(
                "Enter the date as year-month-day, e.g. 2027-03-14."
            ) from None
        first, last = bookable_range()
        if chosen < first:
            raise ValidationError("Choose today or a later date.")
        if chosen > last:
            raise ValidationError(f"Choose a date before {last:%B %-d, %Y}.")
        if chosen.weekday() not in identity.current().open_weekdays:
            day = list(DAYS.values())[chosen.weekday()]
            raise ValidationError(
                f"We are closed on {day}s. Please choose another day."
            )
        field.data = chosen

    def validate_consent(self, field):
        # Only the box's own value counts: "n", "off" or nothing is not consent.
        if field.raw_data != ["y"]:
            raise ValidationError("Please tick the box so that we may contact you.")

    def validate_form_token(self, field):
        self.token = tokens.read(field.data)
        max_age = current_app.config["BOOKING_TOKEN_MAX_AGE"]
        if self.token is None or self.token.age() > max_age:
            # Give the patient a fresh token so that sending again works.
            field.data = (
                tokens.reissue(self.token) if self.token else tokens.issue(None, {})
            )
            raise ValidationError(
                "This form has expired. Please check your details and send it again."
            )

    def spam_reason(self) -> str | None:
        """Say why a submission looks automated, or None for a person."""
        if self.website.data:
            return "hidden honeypot field was filled in"
        minimum = current_app.config["BOOKING_MIN_SECONDS"]
        age = self.token.age()
        # Below zero the form was shown "in the future": this machine's clock stepped
        # back since, which says nothing about who filled it in.
        if 0 <= age < minimum:
            return f"sent {age:.1f} s after the form was shown (minimum {minimum} s)"
        return None

    def as_request(self) -> intake.ConsultationRequest:
        """The valid form as the request the lead is stored from."""
        fields = {
            name: getattr(self, name).data
            for name in (
                "first_name",
                "last_name",
                "email",
                "phone",
                "treatment",
                "preferred_date",
                "preferred_time",
                "contact_method",
            )
        }
        return intake.ConsultationRequest(
            fields={
                **fields,
                "message": self.message.data or "",
                "privacy_version": privacy.version(),
                "source_path": self.token.source_path,
                **self.token.utm,
            },
            nonce=self.token.nonce,
            spam_reason=self.spam_reason(),
            start=self.start,
        )


bookable_range = availability.bookable_range
