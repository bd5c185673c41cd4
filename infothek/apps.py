from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InfothekConfig(AppConfig):
    name = "infothek"
    verbose_name = _("Infothek")

    def ready(self):
        from . import home  # noqa: F401  register: the start page's news and deadlines
