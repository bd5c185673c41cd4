from django.utils.translation import gettext_lazy as _


class AccountError(Exception):
    """A rule about accounts was not met; the message is shown to the person."""

    message = _("This is not possible for your account.")

    def __init__(self, message=None):
        super().__init__(message or self.message)
        self.message = message or self.message


class AuditedAccountError(AccountError):
    """A staff account (or one with admin history) is deactivated, not deleted."""

    message = _(
        "Staff accounts cannot delete themselves: the administration's change history must "
        "stay complete. Please ask an administrator to deactivate your account."
    )
