from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdviceConfig(AppConfig):
    name = "advice"
    verbose_name = _("Advice")

    def ready(self):
        from mailings.visibility import restrict_templates

        from . import (  # noqa: F401  register: Mein Konto, export/erasure, demo data
            account,
            demo,
            personal_data,
        )

        # Booking mails name the person, the topic and the time: for Beratung only.
        restrict_templates("emails/advice/", permission="advice.view_advicerequest")
