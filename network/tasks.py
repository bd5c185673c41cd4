from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def request_confirmations() -> None:
    services.request_confirmations()


@shared_task(ignore_result=True)
def hide_stale_entries() -> None:
    services.hide_stale_entries()
