from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "network"
    verbose_name = _("Networking")

    def ready(self):
        from . import demo  # noqa: F401  registers the municipalities for seed_demo
