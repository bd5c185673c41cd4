from celery import shared_task
from django.conf import settings

from . import services


@shared_task(ignore_result=True)
def fan_out_issue(issue_id: int) -> None:
    # Started after the issue moved to "sending"; the dispatcher re-runs it if it died.
    services.fan_out(issue_id=issue_id)


@shared_task(ignore_result=True)
def dispatch_issues() -> None:
    # Beat, every minute: due scheduled issues start, unfinished fan-outs resume.
    services.dispatch()


@shared_task(ignore_result=True)
def purge_unconfirmed_subscriptions() -> None:
    services.purge_unconfirmed(days=settings.NEWSLETTER_UNCONFIRMED_DAYS)
