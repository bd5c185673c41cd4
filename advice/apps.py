from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdviceConfig(AppConfig):
    name = "advice"
    verbose_name = _("Advice")

    def ready(self):
        from . import demo  # noqa: F401  register the demo advisers, bookings and cases
