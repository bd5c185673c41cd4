from celery import shared_task
from django.conf import settings

from . import services
from .exceptions import TemporaryDeliveryError

# Below OUTBOX_STUCK_AFTER_SECONDS (settings refuse anything else): a send is over before the
# sweeper may hand the mail to another worker. The soft limit lets the send record a temporary
# failure; the hard limit kills a worker that does not even get that far.
SEND_TIME_LIMIT = settings.OUTBOX_SEND_TIME_LIMIT_SECONDS
SEND_SOFT_TIME_LIMIT = max(SEND_TIME_LIMIT * 9 // 10, 1)


@shared_task(
    bind=True,
    max_retries=None,
    ignore_result=True,
    time_limit=SEND_TIME_LIMIT,
    soft_time_limit=SEND_SOFT_TIME_LIMIT,
)
def deliver_email(self, email_id: int) -> None:
    try:
        services.deliver(email_id=email_id)
    except TemporaryDeliveryError as exc:
        if self.request.is_eager:
            return  # in-process mode: the periodic sweep picks the mail up when it is due
        raise self.retry(countdown=exc.retry_in) from exc


@shared_task(ignore_result=True)
def sweep_outbox() -> None:
    services.sweep()


@shared_task(ignore_result=True)
def purge_old_emails() -> None:
    services.purge_old(days=settings.OUTBOX_RETENTION_DAYS)
