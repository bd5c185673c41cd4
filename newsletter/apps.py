from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsletterConfig(AppConfig):
    name = "newsletter"
    verbose_name = _("Newsletter")

    def ready(self):
        from . import (  # noqa: F401  register: Mein Konto, export/erasure, demo data
            account,
            demo,
            personal_data,
        )
