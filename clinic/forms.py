"""The base of every form on the site: it reads only what a browser's form sends."""

from flask import request
from flask_wtf import FlaskForm
from flask_wtf.form import SUBMIT_METHODS
from wtforms.widgets import HiddenInput


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
