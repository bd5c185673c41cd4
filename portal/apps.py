from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The bottom app: the county's identity, content pages, language, shared registries."""

    name = "portal"
    verbose_name = _("Portal")
