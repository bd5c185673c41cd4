from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InfothekConfig(AppConfig):
    name = "infothek"
    verbose_name = _("Infothek")
