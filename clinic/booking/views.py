"""Consultation requests."""

from flask import Blueprint, render_template, request

from clinic.treatments.views import treatments

bp = Blueprint("booking", __name__, url_prefix="/consultation")


@bp.get("")
def consultation():
    """Show how to ask for a consultation, naming the treatment asked about."""
    chosen = treatments().get(request.args.get("treatment", ""))
    return render_template("booking/consultation.html", treatment=chosen)
