"""The empty consultation form, rendered once per preselected treatment and day.

Only its per-visitor values, the CSRF token and the one-time form token, and the
free times (which change with every booking) are made for each request and put
into the stored page; rendering the form's dozens of fields is what made this page
ten times slower than the others.
"""

from datetime import date

from flask import current_app, render_template, request
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from clinic.appointments.picker import times_for
from clinic.booking import tokens
from clinic.booking.forms import ConsultationForm, bookable_range

CSRF_SLOT = "__csrf_token_for_this_visitor__"
TOKEN_SLOT = "__form_token_for_this_visitor__"
TIMES_SLOT = "<!--free times of the day-->"
MAX_STORED = 256  # each treatment plus none, for the days patients look at


def blank(selected: str, day: date | None) -> ConsultationForm:
    form = ConsultationForm(formdata=None)
    form.treatment.data = selected or None
    form.preferred_date.data = day.isoformat() if day else ""
    return form


def render(selected: str, form_token: str, day: date | None, times_slot=None) -> str:
    form = blank(selected, day)
    form.form_token.data = form_token
    first, last = bookable_range()
    return render_template(
        "booking/consultation.html",
        form=form,
        first_date=first,
        last_date=last,
        times=free_times(selected, day),
        times_slot=times_slot,
    )


def free_times(selected: str, day: date | None) -> dict:
    return times_for(day, selected or None)


def times_html(selected: str, day: date | None) -> str:
    return render_template(
        "booking/_times.html",
        form=blank(selected, day),
        times=free_times(selected, day),
    )


def page(selected: str, day: date | None = None) -> str:
    """The form for this visitor, with the treatment chosen when one was named and
    that day's free times."""
    csrf, form_token = generate_csrf(), tokens.issue(*tokens.attribution())
    if current_app.debug:
        return render(selected, form_token, day)
    store = current_app.extensions.setdefault("blank_forms", {})
    # The date picker's bounds move with the clinic's day, so the day is in the key;
    # the site's root shapes every link and the form's action.
    key = (request.root_url, selected, bookable_range(), day)
    shell = store.get(key)
    if shell is None:
        html = render(selected, form_token, day, Markup(TIMES_SLOT))
        if html.count(csrf) != 1 or html.count(form_token) != 1:
            return html  # a token also appears elsewhere: never guess, just serve it
        shell = html.replace(csrf, CSRF_SLOT).replace(form_token, TOKEN_SLOT)
        if len(store) >= MAX_STORED:
            store.clear()
        store[key] = shell
    return (
        shell.replace(CSRF_SLOT, csrf)
        .replace(TOKEN_SLOT, form_token)
        .replace(TIMES_SLOT, times_html(selected, day), 1)
    )
