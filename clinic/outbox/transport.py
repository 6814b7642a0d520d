"""Handing a message to the SMTP server, or to a file on a laptop with no server.

Not Flask-Mail's `mail.send`: its connection has no timeout and starts TLS without
verifying the server's certificate (tests/test_outbox.py shows both senders).
"""

import os
import smtplib
import ssl
from datetime import UTC, datetime
from email.utils import parseaddr
from pathlib import Path

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_mail import BadHeaderError, Message


class UndeliverableAddress(ValueError):
    """An address no SMTP server can be given as it stands."""


# What a failed delivery is expected to raise; anything else is a bug, logged loudly
# but still recorded against that one email.
DELIVERY_ERRORS = (smtplib.SMTPException, OSError, BadHeaderError, UndeliverableAddress)


def send(message: Message) -> str:
    """Deliver a message; return where it went."""
    if message.has_bad_headers():
        raise BadHeaderError("refusing a header with a line break")
    if not current_app.config["MAIL_SERVER"]:
        return write_file(message)
    return send_smtp(message)


def send_smtp(message: Message) -> str:
    config = current_app.config
    host, port, timeout = (
        config["MAIL_SERVER"],
        config["MAIL_PORT"],
        config["MAIL_TIMEOUT"],
    )
    # The default context verifies the certificate chain and the host name.
    context = ssl.create_default_context()
    if config["MAIL_USE_SSL"]:
        server = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
    else:
        server = smtplib.SMTP(host, port, timeout=timeout)
    with server:
        if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
            server.starttls(context=context)
        if config["MAIL_USERNAME"]:
            server.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        sender = parseaddr(message.sender)[1]
        recipients = [
            envelope_address(addr[1] if isinstance(addr, tuple) else parseaddr(addr)[1])
            for addr in message.send_to
        ]
        server.sendmail(sender, recipients, message.as_bytes())
    return f"smtp://{host}:{port}"


def envelope_address(address: str) -> str:
    """The address as SMTP carries it: an internationalised domain in its ASCII
    (IDNA) form. A local part outside ASCII would need SMTPUTF8, which the form
    refuses; one stored before that rule is refused here, for that email alone."""
    if address.isascii():
        return address
    try:
        ascii_form = validate_email(address, check_deliverability=False).ascii_email
    except EmailNotValidError as error:
        raise UndeliverableAddress(f"{address!r}: {error}") from None
    if ascii_form is None:
        raise UndeliverableAddress(f"{address!r} needs SMTPUTF8 (non-ASCII mailbox)")
    return ascii_form


def write_file(message: Message) -> str:
    folder = Path(current_app.instance_path) / "mail"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    path = folder / f"{stamp}-{_file_name(message.msgId)}.eml"
    # Owner-only, as the database: an email may carry a patient's details.
    descriptor = os.open(path, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(message.as_bytes())
    current_app.logger.warning("No MAIL_SERVER set: email written to %s", path)
    return str(path)


def _file_name(message_id: str) -> str:
    return message_id.strip("<>").replace("@", "_").replace("/", "_")


def discard_files(message_id: str) -> int:
    """Remove the files a message was written to, for a lead deleted on request."""
    folder = Path(current_app.instance_path) / "mail"
    removed = 0
    for path in folder.glob(f"*-{_file_name(message_id)}.eml"):
        path.unlink(missing_ok=True)
        removed += 1
    return removed
