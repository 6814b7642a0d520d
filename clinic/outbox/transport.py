"""Handing messages to the SMTP server, or to files on a laptop with no server.

Not Flask-Mail's `mail.send`: its connection has no timeout and starts TLS without
verifying the server's certificate (tests/test_outbox.py shows both senders).
"""

import os
import smtplib
import socket
import ssl
from datetime import UTC, datetime
from email.utils import parseaddr
from pathlib import Path

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_mail import BadHeaderError, Message


class UndeliverableAddress(ValueError):
    """An address no SMTP server can be given as it stands."""


class ServerUnavailable(smtplib.SMTPException):
    """The mail server could not be reached, or the connection broke: the emails
    behind this one wait until it is back."""


# What a failed delivery is expected to raise; anything else is a bug, logged loudly
# but still recorded against that one email.
DELIVERY_ERRORS = (smtplib.SMTPException, OSError, BadHeaderError, UndeliverableAddress)
# "Service not available, closing transmission channel" (RFC 5321, 3.8).
CLOSING = 421


class PatientAtDataEnd:
    """Wait for the reply to the end of DATA as long as RFC 5321 (4.5.3.2.6) lets a
    server take, ten minutes, not the short timeout of other commands: a sender that
    gave up sooner would later send again an email the server had kept."""

    data_timeout: float = 600

    def data(self, msg):
        self.sock.settimeout(self.data_timeout)
        try:
            return super().data(msg)
        finally:
            if self.sock is not None:
                self.sock.settimeout(self.timeout)


class SMTP(PatientAtDataEnd, smtplib.SMTP):
    pass


class SMTP_SSL(PatientAtDataEnd, smtplib.SMTP_SSL):  # noqa: N801 - smtplib's name
    pass


def connect() -> smtplib.SMTP:
    """Open a connection, start TLS and sign in, as configured."""
    config = current_app.config
    host, port, timeout = (
        config["MAIL_SERVER"],
        config["MAIL_PORT"],
        config["MAIL_TIMEOUT"],
    )
    # The default context verifies the certificate chain and the host name.
    context = ssl.create_default_context()
    if config["MAIL_USE_SSL"]:
        server = SMTP_SSL(host, port, timeout=timeout, context=context)
    else:
        server = SMTP(host, port, timeout=timeout)
    server.data_timeout = config["MAIL_DATA_TIMEOUT"]
    keep_alive(server.sock)
    try:
        if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
            server.starttls(context=context)
        if config["MAIL_USERNAME"]:
            server.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
    except BaseException:
        server.close()
        raise
    return server


def keep_alive(sock: socket.socket | None) -> None:
    """Probe an idle connection, so a relay that vanished without closing it (a
    black hole) is found in about a minute, not after MAIL_DATA_TIMEOUT."""
    if sock is None:
        return
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    for option, value in (
        ("TCP_KEEPIDLE", 30),
        ("TCP_KEEPINTVL", 10),
        ("TCP_KEEPCNT", 3),
    ):
        if hasattr(socket, option):  # Linux; other systems keep their defaults
            sock.setsockopt(socket.IPPROTO_TCP, getattr(socket, option), value)


class Courier:
    """Carries messages to the mail server over one connection, opened for the first
    and kept for the next (a fresh one every MAIL_MESSAGES_PER_CONNECTION, a number
    some servers cap), or writes them to files when no MAIL_SERVER is set."""

    def __init__(self):
        self.server: smtplib.SMTP | None = None
        self.carried = 0

    def __enter__(self) -> "Courier":
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def send(self, message: Message) -> str:
        """Deliver a message; return where it went."""
        if message.has_bad_headers():
            raise BadHeaderError("refusing a header with a line break")
        config = current_app.config
        if not config["MAIL_SERVER"]:
            return write_file(message)
        sender = parseaddr(message.sender)[1]
        recipients = [
            envelope_address(addr[1] if isinstance(addr, tuple) else parseaddr(addr)[1])
            for addr in message.send_to
        ]
        if self.carried >= config["MAIL_MESSAGES_PER_CONNECTION"]:
            self.close()
        try:
            if self.server is None:
                self.server = connect()
            self.server.sendmail(sender, recipients, message.as_bytes())
        except smtplib.SMTPResponseException as error:
            if error.smtp_code != CLOSING:
                raise  # this message refused; the connection is still good
            self.close()
            reply = f"{error.smtp_code} {error.smtp_error!r}"
            raise ServerUnavailable(reply) from error
        except (OSError, smtplib.SMTPException) as error:
            self.close()
            raise ServerUnavailable(f"{type(error).__name__}: {error}") from error
        self.carried += 1
        return f"smtp://{config['MAIL_SERVER']}:{config['MAIL_PORT']}"

    def close(self) -> None:
        server, self.server, self.carried = self.server, None, 0
        if server is None:
            return
        try:
            server.quit()
        except (OSError, smtplib.SMTPException):
            server.close()


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
