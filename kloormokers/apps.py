from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KloormokersConfig(AppConfig):
    name = "kloormokers"
    verbose_name = _("Portal")
