from celery import shared_task
from django.conf import settings

from . import bulk, services

# Below OUTBOX_STUCK_AFTER_SECONDS (settings refuse anything else): a send is over before the
# sweeper may hand the mail to another worker. The soft limit lets the send record a temporary
# failure; the hard limit kills a worker that does not even get that far.
SEND_TIME_LIMIT = settings.OUTBOX_SEND_TIME_LIMIT_SECONDS
SEND_SOFT_TIME_LIMIT = max(SEND_TIME_LIMIT * 9 // 10, 1)


@shared_task(ignore_result=True, time_limit=SEND_TIME_LIMIT, soft_time_limit=SEND_SOFT_TIME_LIMIT)
def deliver_email(email_id: int) -> None:
    # One attempt, no Celery retries: a temporary failure puts the mail back in the queue with
    # its next attempt time in the database, and the sweeper hands it out again then.
    services.deliver(email_id=email_id)


@shared_task(ignore_result=True)
def sweep_outbox() -> None:
    # The one owner of retries (beat runs it every OUTBOX_SWEEP_SECONDS).
    services.sweep()


@shared_task(ignore_result=True)
def purge_old_emails() -> None:
    services.purge_old(days=settings.OUTBOX_RETENTION_DAYS)


# Bulk mail (newsletters) runs on its own queue, "bulk" (CELERY_TASK_ROUTES), so transactional
# mail never waits behind it. A run sends batches for up to OUTBOX_BULK_TASK_SECONDS; the time
# limits leave room for the batch running when that budget ends.
BULK_SOFT_TIME_LIMIT = settings.OUTBOX_BULK_TASK_SECONDS + SEND_SOFT_TIME_LIMIT
BULK_TIME_LIMIT = settings.OUTBOX_BULK_TASK_SECONDS + SEND_TIME_LIMIT


@shared_task(
    bind=True, ignore_result=True, time_limit=BULK_TIME_LIMIT, soft_time_limit=BULK_SOFT_TIME_LIMIT
)
def deliver_bulk(self) -> None:
    wait = bulk.deliver_due()
    if wait is not None and not self.request.is_eager:
        # More is due (time budget used, or the rate limit's minute is full): continue in a new
        # run, so other bulk tasks and the worker's housekeeping get their turn. (In-process,
        # as in the embedded default, the sweeper continues instead of a recursion.)
        deliver_bulk.apply_async(countdown=wait)
