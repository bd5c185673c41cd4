from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def send_reminders() -> None:
    services.send_reminders()


@shared_task(ignore_result=True)
def send_thank_yous() -> None:
    services.send_thank_yous()
