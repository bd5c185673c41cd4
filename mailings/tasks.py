from celery import shared_task
from django.conf import settings

from . import services
from .exceptions import TemporaryDeliveryError


@shared_task(bind=True, max_retries=None, ignore_result=True)
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
