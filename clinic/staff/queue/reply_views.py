"""Replying to a patient from the lead's page, and the admin page of reply
templates."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from clinic.leads import queries, replies
from clinic.models import ReplyTemplate
from clinic.staff.blueprint import bp
from clinic.staff.forms import ActionForm
from clinic.staff.guard import admin_only
from clinic.staff.queue.page import back_to, render_lead
from clinic.staff.queue.reply_forms import ReplyForm, TemplateForm


@bp.post("/leads/<id:lead_id>/reply")
def reply(lead_id: int):
    """Start from a template, preview, or send: one form, three buttons."""
    found = queries.get_or_404(lead_id)
    form = ReplyForm()
    step = request.form.get("step", "send")
    if step == "use":
        chosen = replies.chosen(form.template.data)
        if chosen is not None:
            form.subject.data, form.message.data = chosen.subject, chosen.body
        return render_lead(found, 200, reply_form=form)
    if not form.validate_on_submit():
        return render_lead(found, 400, reply_form=form)
    if step == "preview":
        preview = (
            replies.fill(form.subject.data, found),
            replies.fill(form.message.data, found),
        )
        return render_lead(found, 200, reply_form=form, reply_preview=preview)
    sent = replies.send(
        found, current_user._get_current_object(), form.subject.data, form.message.data
    )
    flash(
        f"Reply to {found.email} on its way."
        if sent
        else "That reply was already sent.",
        "success",
    )
    return back_to(found)


@bp.route("/replies", methods=["GET", "POST"])
@admin_only
def reply_templates():
    """The clinic's ready replies: list, add."""
    form = TemplateForm()
    if request.method == "GET":
        return templates_page(form), 200
    if form.validate_on_submit() and saved(ReplyTemplate(), form, "added"):
        return redirect(url_for("staff.reply_templates"), 303)
    return templates_page(form), 400


@bp.post("/replies/<id:template_id>")
@admin_only
def edit_reply_template(template_id: int):
    """Change a template's name, subject or words; replies already sent keep theirs."""
    template = replies.get_or_404(template_id)
    form = TemplateForm()
    if form.validate_on_submit() and saved(template, form, "saved"):
        return redirect(url_for("staff.reply_templates"), 303)
    page = templates_page(
        TemplateForm(formdata=None), editing=template_id, edit_form=form
    )
    return page, 400


def saved(template: ReplyTemplate, form: TemplateForm, done: str) -> bool:
    """Store the form's words in the template; False, with the form told why, when
    another template already has its name."""
    try:
        replies.save(template, form.name.data, form.subject.data, form.body.data, done)
    except replies.NameTaken as refusal:
        form.name.errors.append(str(refusal))
        return False
    flash(f"Template {template.name!r} {done}.", "success")
    return True


def templates_page(form: TemplateForm, **editing) -> str:
    return render_template(
        "staff/queue/replies.html",
        templates=replies.templates(),
        form=form,
        delete_form=ActionForm(formdata=None),
        **editing,
    )


@bp.post("/replies/<id:template_id>/delete")
@admin_only
def delete_reply_template(template_id: int):
    template = replies.get_or_404(template_id)
    if ActionForm().validate_on_submit():
        replies.remove(template)
        flash(f"Template {template.name!r} removed.", "success")
    return redirect(url_for("staff.reply_templates"), 303)
