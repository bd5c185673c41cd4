from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingsConfig(AppConfig):
    name = "trainings"
    verbose_name = _("Trainings")

    def ready(self):
        from mailings.visibility import restrict_templates

        from . import (  # noqa: F401  register: Mein Konto, export/erasure, demo data
            account,
            demo,
            personal_data,
        )

        # Registration mails name the person and their course: for Qualifizierung only.
        restrict_templates("emails/trainings/", permission="trainings.view_registration")
