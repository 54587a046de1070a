"""A real SMTP server for tests (aiosmtpd on 127.0.0.1, a free port), and reading what it got."""
import re
import threading
import time
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from eigendossier.core import jobs


class _Controller(Controller):
    """aiosmtpd's Controller on port 0: the port the system chose is read back before the
    controller connects to its server to check it is up."""

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


class Mailbox:
    """What an SMTP server received, parsed; `refuse` makes it answer 451 to every mail."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.recipients: list[list[str]] = []
        self.refuse = False
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's hook
        if self.refuse:
            return "451 Try again later"
        with self._lock:
            self.recipients.append(list(envelope.rcpt_tos))
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def clear(self):
        with self._lock:
            self.messages.clear()
            self.recipients.clear()
        self.refuse = False

    def wait(self, count: int = 1, timeout: float = 10) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(self.messages) >= count, f"expected {count} mails, got {len(self.messages)}"
        return list(self.messages)

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    def last_to(self, address: str) -> EmailMessage:
        found = self.to(address)
        assert found, f"no mail to {address}"
        return found[-1]


def start_server() -> tuple[_Controller, Mailbox]:
    box = Mailbox()
    controller = _Controller(box, hostname="127.0.0.1", port=0)
    controller.start()
    return controller, box


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def token_in(message: EmailMessage, path: str) -> str:
    """The token of the link to `path` in a mail's plain text."""
    found = re.search(re.escape(path) + r"#token=([A-Za-z0-9_\-]+)", text_of(message))
    assert found, text_of(message)
    return found.group(1)


def drain(app) -> None:
    """Wait until this app's job thread has run (and sent) what it was given."""
    jobs.runner_for(app).drain()
