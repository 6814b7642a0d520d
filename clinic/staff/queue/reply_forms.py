"""The reply form on a lead's page, and the admin's form for a reply template."""

from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

from clinic.forms import NoControlCharacters, SiteForm, mark_controls, strip

SUBJECT_MAX, BODY_MAX, NAME_MAX = 200, 5000, 80


def subject_field(label: str) -> StringField:
    return StringField(
        label,
        filters=[mark_controls, strip],
        validators=[
            InputRequired("Write a subject."),
            NoControlCharacters(),
            Length(max=SUBJECT_MAX, message=f"Keep the subject under {SUBJECT_MAX}."),
        ],
    )


def body_field(label: str) -> TextAreaField:
    return TextAreaField(
        label,
        filters=[mark_controls],
        validators=[
            InputRequired("Write the message."),
            NoControlCharacters(allow_newlines=True),
            Length(max=BODY_MAX, message=f"Keep the message under {BODY_MAX:,}."),
        ],
    )


class ReplyForm(SiteForm):
    template = SelectField("Start from a template", default="", validate_choice=False)
    subject = subject_field("Subject")
    # Not "body": the note form on the same page has that field, and so its id.
    message = body_field("Message")

    def validate_message(self, field):
        if not (field.data or "").strip():
            raise ValidationError("Write the message.")


class TemplateForm(SiteForm):
    name = StringField(
        "Name (staff see it)",
        filters=[mark_controls, strip],
        validators=[
            InputRequired("Give the template a name."),
            NoControlCharacters(),
            Length(max=NAME_MAX, message=f"Keep the name under {NAME_MAX}."),
        ],
    )
    subject = subject_field("Subject")
    body = body_field("Message")
