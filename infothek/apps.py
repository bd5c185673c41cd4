from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InfothekConfig(AppConfig):
    name = "infothek"
    verbose_name = _("Infothek")

    def ready(self):
        from . import demo  # noqa: F401  register the demo data (seed_demo)
