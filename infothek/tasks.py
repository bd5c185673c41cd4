from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def send_deadline_reminders() -> None:
    services.send_deadline_reminders()
