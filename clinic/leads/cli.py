"""`flask leads purge`: apply the retention periods now."""

import click
from flask import current_app
from flask.cli import AppGroup

from clinic.leads import retention

leads_cli = AppGroup("leads", help="Look after the stored leads.")


@leads_cli.command("purge")
@click.option(
    "--dry-run", is_flag=True, help="List what would be removed; remove nothing."
)
def purge_command(dry_run: bool) -> None:
    """Remove the personal data of closed, cancelled, completed, no-show and spam
    leads past their retention period (LEAD_RETENTION_DAYS, SPAM_RETENTION_DAYS),
    and activity records past AUDIT_RETENTION_DAYS; list (and email the clinic)
    the leads kept past it because they are still open. The outbox worker does
    this daily."""
    config = current_app.config
    found = retention.purge(dry_run=dry_run)
    if found.refused:
        raise click.ClickException(f"Purge refused: {found.refused}")
    verb = "Would remove" if dry_run else "Removed"
    click.echo(
        f"{verb} {len(found.leads)} leads (closed, cancelled, completed or "
        f"no-show after {config['LEAD_RETENTION_DAYS']} days, spam after "
        f"{config['SPAM_RETENTION_DAYS']} days) and {found.audit_events} activity "
        f"records (after {config['AUDIT_RETENTION_DAYS']} days)."
    )
    for lead_id, status, created in found.leads:
        click.echo(f"  #{lead_id} {status.label}, received {created:%Y-%m-%d}")
    if found.kept:
        click.echo(
            f"Kept {len(found.kept)} leads past {config['LEAD_RETENTION_DAYS']} days "
            "that are still open or have an appointment to come: close or delete them."
        )
        for lead_id, status, created in found.kept:
            click.echo(f"  #{lead_id} {status.label}, received {created:%Y-%m-%d}")
