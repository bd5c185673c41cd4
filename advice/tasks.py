from celery import shared_task

from . import services, slots


@shared_task(ignore_result=True)
def send_reminders() -> None:
    services.send_reminders()


@shared_task(ignore_result=True)
def regenerate_slots() -> None:
    slots.regenerate_all()
