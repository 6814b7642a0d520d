"""The base of every form on the site, which reads only what a browser's form
sends, and the filters and rules every text field shares."""

import unicodedata

from flask import request
from flask_wtf import FlaskForm
from flask_wtf.form import SUBMIT_METHODS
from wtforms import SelectChoice
from wtforms.validators import StopValidation
from wtforms.widgets import HiddenInput

from clinic.vocabulary import Vocabulary

# What a refused form that holds no field of its own means: its token is gone.
PAGE_EXPIRED = "The page had expired. Please try again."


class SiteForm(FlaskForm):
    """A FlaskForm that takes text fields only. Flask-WTF would also read a JSON body
    or uploaded files into the fields, handing their rules numbers, lists and files
    they were never written for; here such a request is a form with nothing in it,
    answered with the usual messages.

    Hidden inputs are rendered without an id: nothing refers to one, and where
    several forms share a page (the appointment page, a lead's page) each would
    repeat id="csrf_token"."""

    class Meta:
        def wrap_formdata(self, form, formdata):
            # Flask-WTF's stand-in for "read the request" is no mapping.
            if formdata is not None and not hasattr(formdata, "getlist"):
                return request.form if request.method in SUBMIT_METHODS else None
            return formdata

        def render_field(self, field, render_kw):
            if isinstance(field.widget, HiddenInput):
                render_kw = {"id": False, **render_kw}
            return super().render_field(field, render_kw)


REPLACEMENT = "\ufffd"


def strip(value):
    return value.strip() if isinstance(value, str) else value


def mark_controls(value):
    """Swap NUL and other control codes for a visible mark.

    They cannot be shown back in an HTML page, and the mark shows the patient where
    the problem was; the field's rule then refuses it.
    """
    if not isinstance(value, str):
        return value
    return "".join(
        REPLACEMENT
        if unicodedata.category(c) in ("Cc", "Cs") and c not in "\r\n\t"
        else c
        for c in value
    )


class NoControlCharacters:
    """Refuse marked control codes, line breaks (unless allowed) and invisible format
    characters such as zero-width spaces, before any other rule looks at the text."""

    def __init__(self, allow_newlines: bool = False):
        self.allow_newlines = allow_newlines

    def __call__(self, form, field) -> None:
        for char in field.data or "":
            if char in "\r\n" and not self.allow_newlines:
                raise StopValidation("Please keep this on one line.")
            if char == REPLACEMENT or unicodedata.category(char) == "Cf":
                raise StopValidation(
                    "Please remove the special characters from this field."
                )


def choices(vocabulary: type[Vocabulary]) -> list[SelectChoice]:
    """A select's or radio's choices: each member's value, shown by its label."""
    return [SelectChoice(member, member.label) for member in vocabulary]


def first_error(form: FlaskForm) -> str:
    """The first thing wrong with a refused form, for a page that shows one line."""
    return next(iter(form.errors.values()))[0]
