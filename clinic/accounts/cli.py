"""`flask staff create|list|deactivate|activate|password|bootstrap`."""

import secrets
import sys

import click
from flask import current_app
from flask.cli import AppGroup

from clinic.accounts import users
from clinic.models import StaffUser
from clinic.people import practitioner_name_problem

staff_cli = AppGroup("staff", help="Manage the accounts that sign in to /staff.")


def read_password() -> str:
    """Ask twice at a terminal; read one line when a password is piped in."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


def find_or_fail(email: str) -> StaffUser:
    user = users.find(email)
    if user is None:
        raise click.ClickException(f"There is no account for {email}.")
    return user


@staff_cli.command("create")
@click.argument("email")
@click.option("--admin", is_flag=True, help="Allow deleting leads and managing staff.")
@click.option(
    "--practitioner", is_flag=True, help="Sees patients: offered on the booking form."
)
@click.option("--name", help='The name patients see, e.g. "Dr. Ana Ruiz, MD".')
def create_command(
    email: str, admin: bool, practitioner: bool, name: str | None
) -> None:
    """Add a staff account; the password comes from a prompt or stdin."""
    if name and not practitioner:
        raise click.UsageError("--name is for a practitioner: add --practitioner.")
    problem = practitioner_name_problem(name, practitioner)
    if problem:
        raise click.UsageError(f"--name: {problem}")
    try:
        user = users.create(
            email, read_password(), is_admin=admin, practitioner_name=name
        )
    except users.AccountError as error:
        raise click.ClickException(str(error)) from None
    role = "admin" if user.is_admin else "staff"
    if user.is_practitioner:
        role += f" practitioner ({user.display_name})"
    click.echo(f"Created {role} account {user.email}")


@staff_cli.command("list")
def list_command() -> None:
    """Show every account, its role and whether it can sign in."""
    members = users.everyone()
    if not members:
        click.echo("No staff accounts yet: flask --app clinic staff create EMAIL")
    for user in members:
        last = user.last_sign_in_at
        click.echo(
            f"{user.email:40} {'admin' if user.is_admin else 'staff':6} "
            f"{'active' if user.active else 'deactivated':12} "
            f"{'practitioner' if user.is_practitioner else '':13}"
            f"two-step {'on ' if user.two_step else 'off'}  "
            f"last sign-in {last.strftime('%Y-%m-%d %H:%M UTC') if last else 'never'}"
        )


@staff_cli.command("deactivate")
@click.argument("email")
def deactivate_command(email: str) -> None:
    """Stop an account signing in and end its sessions now."""
    switch(email, active=False)


@staff_cli.command("activate")
@click.argument("email")
def activate_command(email: str) -> None:
    """Let a deactivated account sign in again."""
    switch(email, active=True)


def switch(email: str, active: bool) -> None:
    user = find_or_fail(email)
    users.set_active(user, active)
    done = "Reactivated {}." if active else "Deactivated {}; its sessions have ended."
    click.echo(done.format(user.email))


@staff_cli.command("password")
@click.argument("email")
def password_command(email: str) -> None:
    """Set a new password (prompt or stdin) and end the account's sessions."""
    user = find_or_fail(email)
    try:
        users.set_password(user, read_password())
    except users.AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"New password set for {user.email}; its sessions have ended.")


@staff_cli.command("bootstrap")
def bootstrap_command() -> None:
    """In development, create a first admin when there is none and print its
    password once. `make run` calls this."""
    if not current_app.debug:
        raise click.ClickException(
            "Refusing outside development: create accounts with `staff create`."
        )
    if users.count():
        return
    domain = current_app.config["CLINIC_EMAIL"].rpartition("@")[2] or "example.com"
    email, password = f"admin@{domain}", secrets.token_urlsafe(15)
    # Also a practitioner, so the form offers free times from the first visit.
    users.create(
        email, password, is_admin=True, practitioner_name="Practitioner (development)"
    )
    click.echo(
        "\nFirst admin account for development, also a practitioner patients can\n"
        "book (shown only this once):\n"
        f"  sign in at {current_app.config['SITE_URL']}/staff/login as {email}\n"
        f"  password: {password}\n"
    )
