"""The outbox: every e-mail the portal sends is a row here, written in the business transaction."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower, Now, Upper
from django.utils.translation import gettext_lazy as _


class Email(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        CANCELLED = "cancelled", _("cancelled")

    key = models.CharField(
        _("idempotency key"),
        max_length=255,
        unique=True,
        help_text=_("Identifies the message, e.g. reminder:advice:42:24h. Sent at most once."),
    )
    to = models.EmailField(_("recipient"))
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sensitive = models.BooleanField(
        _("contains a personal link or code"),
        default=False,
        help_text=_("Its text is hidden in admin and removed once the mail has been sent."),
    )
    language = models.CharField(_("language"), max_length=10)
    template = models.CharField(_("template"), max_length=200)
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"))
    headers = models.JSONField(_("extra headers"), default=dict, blank=True)
    attachments = models.JSONField(
        _("attachments"),
        default=list,
        blank=True,
        help_text=_("Small text files sent with the mail, e.g. a calendar entry."),
    )
    reply_to = models.EmailField(
        _("reply to"),
        blank=True,
        help_text=_("The person on whose behalf the mail went out (e.g. a barrier report)."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    # Times the outbox compares come from the database's clock (Now()), never a worker's.
    created_at = models.DateTimeField(_("created"), db_default=Now())
    next_attempt_at = models.DateTimeField(_("next attempt"), db_default=Now())
    claimed_at = models.DateTimeField(_("sending since"), null=True, blank=True)
    claim_token = models.UUIDField(
        _("claim"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set by the worker sending the mail; only that worker may record the result."),
    )
    dispatched_at = models.DateTimeField(
        _("waiting for a worker since"),
        null=True,
        blank=True,
        help_text=_("When a delivery task was put into the queue; cleared when a worker takes it."),
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    bulk = models.BooleanField(
        _("bulk mail"),
        default=False,
        help_text=_("Sent in batches on the bulk queue (newsletters), after transactional mail."),
    )

    class Meta:
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="email_due_idx"),
            # A person's mails are found by address (export, erasure), in any letter case.
            models.Index(Upper("to"), name="email_to_upper_idx"),
            models.Index(Upper("reply_to"), name="email_reply_to_upper_idx"),
            # The bulk worker's claim: the oldest due bulk rows, without reading the rest.
            models.Index(
                fields=["next_attempt_at", "id"],
                condition=models.Q(bulk=True, status="queued"),
                name="email_bulk_due_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False),
                name="email_sent_has_sent_at",
            ),
            models.CheckConstraint(
                condition=models.Q(status="sending") | models.Q(claim_token__isnull=True),
                name="email_claim_only_while_sending",
            ),
        ]

    def __str__(self):
        return f"{self.subject} → {self.to}"


class AddressHealth(models.Model):
    """Permanent delivery failures (5xx) of one address; after OUTBOX_BULK_BLOCK_AFTER of them
    the address gets no bulk mail (newsletters) until staff reset it. Transactional mail
    (bookings, password resets) is still sent."""

    address = models.EmailField(
        _("address"), max_length=254, unique=True, help_text=_("Stored in lower case.")
    )
    permanent_failures = models.PositiveIntegerField(_("permanent failures"), default=0)
    last_failure_at = models.DateTimeField(_("last failure"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    blocked_since = models.DateTimeField(
        _("no bulk mail since"),
        null=True,
        blank=True,
        help_text=_("Set when the failures reached the threshold; cleared by a reset."),
    )

    class Meta:
        verbose_name = _("address health")
        verbose_name_plural = _("address health")
        ordering = ["-last_failure_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(address=Lower("address")), name="addresshealth_lower_case"
            ),
        ]

    def __str__(self):
        return self.address
