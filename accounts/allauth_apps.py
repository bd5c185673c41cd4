"""allauth's apps under names that say what staff find there (INSTALLED_APPS uses these).

allauth's account app is called "Accounts" like ours: two admin sections were both "Konten".
In their own module: Django picks an app's config from apps.py only if it holds exactly one.
"""

from allauth.account.apps import AccountConfig
from allauth.mfa.apps import MFAConfig
from django.utils.translation import gettext_lazy as _


class AllauthAccountConfig(AccountConfig):
    verbose_name = _("E-mail addresses")


class AllauthMfaConfig(MFAConfig):
    verbose_name = _("Two-factor authentication")

    def ready(self):
        super().ready()
        from allauth.mfa.models import Authenticator

        # allauth's model has no translatable names ("Authenticators" in the German admin).
        # Only the names used at run time change, not the options migrations compare
        # (Meta.original_attrs, Field._verbose_name): no migration in allauth's package.
        Authenticator._meta.verbose_name = _("second factor")
        Authenticator._meta.verbose_name_plural = _("second factors")
        names = {
            "user": _("user"),
            "type": _("kind"),
            "data": _("data"),
            "created_at": _("set up at"),
            "last_used_at": _("last used at"),
        }
        for field_name, verbose_name in names.items():
            Authenticator._meta.get_field(field_name).verbose_name = verbose_name
