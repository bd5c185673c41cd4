"""The newsletter section of Mein Konto: the subscription of the account's address (two
queries: the subscription with its Amt, and its segments)."""

from portal.registry import AccountSection, register_account_section


def context(user) -> dict:
    from .views import own_subscription

    subscription = own_subscription(user)
    segments = list(subscription.segments.all()) if subscription else []
    return {"subscription": subscription, "segments": segments}


register_account_section(
    AccountSection("newsletter", "newsletter/account_section.html", context, order=70)
)
