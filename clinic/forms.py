"""The base of every form on the site: it reads only what a browser's form sends."""

from flask import request
from flask_wtf import FlaskForm
from flask_wtf.form import SUBMIT_METHODS


class SiteForm(FlaskForm):
    """A FlaskForm that takes text fields only. Flask-WTF would also read a JSON body
    or uploaded files into the fields, handing their rules numbers, lists and files
    they were never written for; here such a request is a form with nothing in it,
    answered with the usual messages."""

    class Meta:
        def wrap_formdata(self, form, formdata):
            # Flask-WTF's stand-in for "read the request" is no mapping.
            if formdata is not None and not hasattr(formdata, "getlist"):
                return request.form if request.method in SUBMIT_METHODS else None
            return formdata
