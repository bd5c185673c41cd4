"""A real local SMTP server (aiosmtpd) that can refuse the first messages temporarily, refuse
given recipients, and counts the SMTP sessions (connections) it served."""

import socket
from email import message_from_bytes

from aiosmtpd.controller import Controller


class SinkHandler:
    def __init__(self):
        self.messages = []
        self.replies = []  # e.g. ["451 4.3.0 Try again later"], used up one per message
        self.refuse = {}  # recipient -> reply, e.g. {"weg@beispiel.de": "550 5.1.1 unknown"}
        self.sessions = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.sessions += 1  # smtplib greets once per connection
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.replies:
            return self.replies.pop(0)
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpSink:
    def __init__(self):
        self.handler = SinkHandler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()

    @property
    def messages(self):
        return self.handler.messages
