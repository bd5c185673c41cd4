from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailingsConfig(AppConfig):
    name = "mailings"
    verbose_name = _("E-mail outbox")

    def ready(self):
        from . import personal_data  # noqa: F401  registers the outbox's export/erase part
