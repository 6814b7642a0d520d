"""The empty consultation form, rendered once per preselected treatment and day.

Only its two per-visitor values, the CSRF token and the one-time form token, are
made for each visitor and put into the stored page; rendering the form's dozens of
fields is what made this page ten times slower than the others.
"""

from flask import current_app, render_template, request
from flask_wtf.csrf import generate_csrf

from clinic.booking import tokens
from clinic.booking.forms import ConsultationForm, bookable_range

CSRF_SLOT = "__csrf_token_for_this_visitor__"
TOKEN_SLOT = "__form_token_for_this_visitor__"
MAX_STORED = 64  # each treatment plus none, for a day or two


def render(selected: str, form_token: str) -> str:
    form = ConsultationForm(formdata=None)
    form.treatment.data = selected or None
    form.form_token.data = form_token
    first, last = bookable_range()
    return render_template(
        "booking/consultation.html", form=form, first_date=first, last_date=last
    )


def page(selected: str) -> str:
    """The form for this visitor, with the treatment chosen when one was named."""
    csrf, form_token = generate_csrf(), tokens.issue(*tokens.attribution())
    if current_app.debug:
        return render(selected, form_token)
    store = current_app.extensions.setdefault("blank_forms", {})
    # The date picker's bounds move with the clinic's day, so the day is in the key;
    # the site's root shapes every link and the form's action.
    key = (request.root_url, selected, bookable_range())
    shell = store.get(key)
    if shell is None:
        html = render(selected, form_token)
        if html.count(csrf) != 1 or html.count(form_token) != 1:
            return html  # a token also appears elsewhere: never guess, just serve it
        shell = html.replace(csrf, CSRF_SLOT).replace(form_token, TOKEN_SLOT)
        if len(store) >= MAX_STORED:
            store.clear()
        store[key] = shell
    return shell.replace(CSRF_SLOT, csrf).replace(TOKEN_SLOT, form_token)
