"""One silent relay cannot stop all email: the worker sends over several connections
(OUTBOX_CONNECTIONS), so while one waits for a reply to DATA that does not come,
new emails go out over the others; when the reply comes at last, nothing is sent
twice."""

import asyncio
import signal
import threading

from aiosmtpd.controller import Controller

from tests.helpers import Inbox, outbox_command, parsed, rows, submit


class SilentOnce(Inbox):
    """Keeps the first message without answering its DATA until released."""

    def __init__(self):
        super().__init__()
        self.holding = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        if not self.holding.is_set():
            self.holding.set()
            # Waits in a thread, so the server goes on serving other connections.
            await asyncio.get_running_loop().run_in_executor(
                None, self.release.wait, 120
            )
        self.keep(envelope)
        return "250 OK"


def test_other_emails_flow_while_one_waits_on_a_silent_relay(
    mail_app,  # noqa: F811 - the fixture imported above
    smtp_port,
):
    app = mail_app(MAIL_DATA_TIMEOUT=120, OUTBOX_LEASE_SECONDS=300)
    inbox = SilentOnce()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    client = app.test_client()
    worker = outbox_command(
        app,
        smtp_port,
        "worker",
        "--interval",
        "0.2",
        OUTBOX_CONNECTIONS="3",
        MAIL_DATA_TIMEOUT="120",
        OUTBOX_LEASE_SECONDS="300",
    )
    try:
        submit(client, email="first@example.com")  # two emails; one is held
        assert inbox.holding.wait(60)
        for n in range(4):
            submit(client, email=f"later{n}@example.com")
        # The held email's sender waits; the others deliver everything else.
        assert inbox.wait_for(9), len(inbox.envelopes)
        inbox.release.set()
        assert inbox.wait_for(10)
    finally:
        inbox.release.set()
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=60)
        controller.stop()
    ids = [parsed(e)["Message-ID"].strip() for e in inbox.envelopes]
    assert len(ids) == len(set(ids)) == 10, output
    assert {r.status for r in rows(app)} == {"sent"}
    assert "3 senders" in output
