"""The newsletter: segments people choose, subscriptions with double opt-in and their consent
evidence, and the issues staff write and send.

A subscription is pending until confirmed (only confirmed ones receive issues), active once
confirmed, and ends with unsubscribed_at (kept, so the one-click link stays idempotent and
staff see when; Mein Konto's erasure deletes it). One random token per subscription is in
every link (confirm, manage, unsubscribe); it is never derived from the address.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

TOKEN_BYTES = 32  # 43 characters of URL-safe base64


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


class Segment(models.Model):
    """What a person wants to hear about: "Für Ehrenamtliche", "Fortbildungen", …"""

    slug = models.SlugField(_("address"), unique=True)
    name = models.CharField(_("name (German)"), max_length=120, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(
        _("offered"), default=True, help_text=_("Only offered segments can be chosen.")
    )

    class Meta:
        verbose_name = _("newsletter segment")
        verbose_name_plural = _("newsletter segments")
        ordering = ["order", "name"]

    def __str__(self):
        return self.localized_name()

    def localized_name(self) -> str:
        return self.name_en if get_language() == "en" and self.name_en else self.name


class SubscriptionQuerySet(models.QuerySet):
    def receiving(self):
        """Confirmed and not unsubscribed: the only subscriptions that get issues."""
        return self.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True)


class Subscription(models.Model):
    email = models.EmailField(_("e-mail address"), max_length=254)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="newsletter_subscriptions",
    )
    segments = models.ManyToManyField(
        Segment, verbose_name=_("segments"), blank=True, related_name="subscriptions"
    )
    amt = models.ForeignKey(
        "network.Amt",
        verbose_name=_("Amt"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("News from this Amt, where an issue is meant for some Ämter only."),
    )
    token = models.CharField(_("link key"), max_length=64, unique=True, default=new_token)
    # Consent evidence (Art. 7 (1) GDPR): when, which texts, and the confirmation.
    created_at = models.DateTimeField(_("signed up"))
    confirmation_sent_at = models.DateTimeField(
        _("confirmation mail queued"), null=True, blank=True
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    consent_text_version = models.CharField(_("version of the consent text"), max_length=40)
    privacy_notice_version = models.CharField(_("version of the privacy notice"), max_length=40)
    ip_address = models.GenericIPAddressField(
        _("IP address at sign-up"),
        null=True,
        blank=True,
        help_text=_("Only kept when the setting NEWSLETTER_KEEP_IP is on."),
    )
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)
    last_owner_notice_at = models.DateTimeField(
        _("last notice to the owner"),
        null=True,
        blank=True,
        help_text=_("When someone last signed this address up again (at most one mail a day)."),
    )

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("newsletter subscription")
        verbose_name_plural = _("newsletter subscriptions")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="newsletter_subscription_email_ci"),
        ]
        indexes = [
            models.Index(
                fields=["confirmed_at"],
                condition=Q(unsubscribed_at__isnull=True),
                name="newsletter_sub_receiving_idx",
            ),
        ]

    def __str__(self):
        return self.email

    @property
    def is_pending(self) -> bool:
        return self.confirmed_at is None and self.unsubscribed_at is None

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None

    def get_unsubscribe_url(self) -> str:
        return reverse("newsletter:unsubscribe", args=[self.token])


class Issue(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        SCHEDULED = "scheduled", _("scheduled")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        CANCELLED = "cancelled", _("cancelled")

    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(
        _("text (Markdown)"),
        max_length=50000,
        help_text=_(
            "Markdown: **bold**, *italic*, [link](https://…), lists with - , headings with ## . "
            "The salutation and the unsubscribe link are added for each recipient."
        ),
    )
    segments = models.ManyToManyField(
        Segment,
        verbose_name=_("segments"),
        blank=True,
        related_name="issues",
        help_text=_("Empty: to every subscriber."),
    )
    amts = models.ManyToManyField(
        "network.Amt",
        verbose_name=_("Ämter"),
        blank=True,
        related_name="+",
        help_text=_("Empty: wherever the subscribers live. Else only those who named one."),
    )
    include_news = models.BooleanField(_("add the newest news"), default=False)
    include_deadlines = models.BooleanField(_("add the next funding deadlines"), default=False)
    include_courses = models.BooleanField(_("add the upcoming courses"), default=False)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.DRAFT, editable=False
    )
    scheduled_at = models.DateTimeField(_("send at"), null=True, blank=True, editable=False)
    started_at = models.DateTimeField(_("sending started"), null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(_("all mails queued"), null=True, blank=True, editable=False)
    recipient_count = models.PositiveIntegerField(
        _("recipients"), null=True, blank=True, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Rendered once when sending starts; per recipient only the placeholders are filled in.
    rendered_html = models.TextField(_("rendered HTML"), blank=True, editable=False)
    rendered_text = models.TextField(_("rendered text"), blank=True, editable=False)
    web_html = models.TextField(_("archive page"), blank=True, editable=False)

    class Meta:
        verbose_name = _("newsletter issue")
        verbose_name_plural = _("newsletter issues")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="scheduled") | Q(scheduled_at__isnull=False),
                name="newsletter_issue_scheduled_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["sending", "sent"])
                | (Q(started_at__isnull=False) & ~Q(rendered_html="") & ~Q(rendered_text="")),
                name="newsletter_issue_sending_is_rendered",
            ),
            models.CheckConstraint(
                condition=~Q(state="sent") | Q(finished_at__isnull=False),
                name="newsletter_issue_sent_has_finished_at",
            ),
        ]
        indexes = [models.Index(fields=["state", "scheduled_at"], name="newsletter_issue_due")]
        permissions = [("send_issue", _("Can send newsletter issues"))]

    def __str__(self):
        return self.subject

    def get_absolute_url(self):
        return reverse("newsletter:archive_issue", args=[self.pk])

    @property
    def key_prefix(self) -> str:
        """Outbox keys of this issue's mails: newsletter:<issue>:<subscription>."""
        return f"newsletter:{self.pk}:"
