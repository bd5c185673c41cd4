from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InfothekConfig(AppConfig):
    name = "infothek"
    verbose_name = _("Infothek")

    def ready(self):
        from . import (  # noqa: F401  register: Mein Konto, export/erasure, start page, demo
            account,
            demo,
            home,
            personal_data,
        )
