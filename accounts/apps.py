from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("User accounts")

    def ready(self):
        from allauth.mfa import signals

        from . import demo, personal_data  # noqa: F401  register demo accounts, export/erasure
        from .second_factor import on_authenticator_added, on_authenticator_removed

        # allauth announces new and removed factors only by signal.
        signals.authenticator_added.connect(on_authenticator_added, dispatch_uid="km-mfa-added")
        signals.authenticator_removed.connect(
            on_authenticator_removed, dispatch_uid="km-mfa-removed"
        )
