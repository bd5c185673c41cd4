"""Site-wide actions of the public: reporting a barrier reaches the office through the outbox."""

import uuid

from django.db import transaction

from mailings.models import Email
from mailings.services import enqueue

from .models import SiteConfiguration


def report_barrier(*, description: str, page_url: str, name: str, email: str) -> Email:
    """Mail the office a barrier report; the reporter's address becomes Reply-To."""
    office = SiteConfiguration.load()
    headers = {"Reply-To": email} if email else {}
    with transaction.atomic():
        return enqueue(
            to=office.email,
            template="emails/barrier_report",
            context={
                "description": description,
                "page_url": page_url,
                "name": name,
                "email": email,
            },
            key=f"barrier-report:{uuid.uuid4().hex}",
            language="de",
            headers=headers,
        )
