"""Embedded-default mail backend: print to the console and keep one .eml file per message."""

import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.console import EmailBackend as ConsoleBackend
from django.utils import timezone


class ConsoleAndFileBackend(ConsoleBackend):
    def send_messages(self, email_messages):
        sent = super().send_messages(email_messages)
        folder = Path(settings.EMAIL_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            name = f"{timezone.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:8]}.eml"
            (folder / name).write_bytes(message.message().as_bytes())
        return sent
