"""The clinic website: articles, treatments and consultation requests."""

from pathlib import Path

from flask import Flask
from flask_migrate.cli import db as db_cli
from werkzeug.middleware.proxy_fix import ProxyFix

from clinic import (
    config,
    errors,
    extensions,
    identity,
    page_cache,
    routing,
    security,
    static_files,
    templating,
)
from clinic.accounts import passwords
from clinic.accounts.cli import staff_cli
from clinic.appointments import emails as appointment_emails
from clinic.appointments.views import bp as appointments_bp
from clinic.backup import backup_command
from clinic.blog import bp as blog_bp
from clinic.booking import bp as booking_bp
from clinic.booking import emails as request_emails
from clinic.launch.cli import launch_check_command
from clinic.leads import retention
from clinic.leads.cli import leads_cli
from clinic.outbox import background, chores, messages
from clinic.outbox.cli import outbox_cli
from clinic.pages import bp as pages_bp
from clinic.staff import bp as staff_bp
from clinic.staff.auth import emails as account_emails
from clinic.staff.queue import emails as reply_emails
from clinic.treatments import bp as treatments_bp

ROOT = Path(__file__).resolve().parent.parent


def create_app(
    test_config: dict | None = None, instance_path: str | None = None
) -> Flask:
    """Create the app: paths, configuration, extensions, features, error pages,
    commands, and the layers in front of it."""
    app = Flask(
        __name__,
        instance_path=str(instance_path or ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config["MIGRATIONS_DIR"] = ROOT / "migrations"
    config.load(app, test_config)
    extensions.init_app(app)
    passwords.register(app)
    identity.register(app)
    templating.register(app)
    static_files.register(app)
    routing.register(app)
    register_blueprints(app)
    register_outbox(app)
    errors.register(app)
    security.register(app)
    register_commands(app)
    page_cache.register(app)
    trust_proxies(app)
    return app


def register_blueprints(app: Flask) -> None:
    """Attach each feature; registering one loads its content."""
    for blueprint in (
        pages_bp,
        blog_bp,
        treatments_bp,
        booking_bp,
        appointments_bp,
        staff_bp,
    ):
        app.register_blueprint(blueprint)


def register_outbox(app: Flask) -> None:
    """Tell the outbox how each feature's emails are written and which chores it
    runs daily, and wake its sender whenever a commit stores an email."""
    for builders in (
        messages.BUILDERS,
        request_emails.BUILDERS,
        appointment_emails.BUILDERS,
        reply_emails.BUILDERS,
        account_emails.BUILDERS,
    ):
        messages.register(app, builders)
    chores.register(app, retention.daily_purge)
    background.register()


def register_commands(app: Flask) -> None:
    """Add `flask outbox …`, `flask staff …`, `flask leads …`, `flask launch-check`
    and `flask db backup`."""
    app.cli.add_command(outbox_cli)
    app.cli.add_command(staff_cli)
    app.cli.add_command(leads_cli)
    app.cli.add_command(launch_check_command)
    # Flask-Migrate's `db` group is shared by every app; adding twice is harmless.
    db_cli.add_command(backup_command)


def trust_proxies(app: Flask) -> None:
    """Believe X-Forwarded-* only from as many proxies as are configured."""
    hops = app.config["TRUSTED_PROXIES"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
