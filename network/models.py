import uuid

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal.addresses import validate_email_address


class Amt(models.Model):
    """An Amt: the administration shared by several small municipalities."""

    code = models.CharField(
        _("official code"),
        max_length=9,
        blank=True,
        validators=[RegexValidator(r"^\d{9}$", _("Nine digits."))],
    )
    name = models.CharField(_("name"), max_length=120, unique=True)
    seat = models.CharField(_("seat"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("Amt")
        verbose_name_plural = _("Ämter")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=~models.Q(code=""), name="amt_code_unique"
            )
        ]

    def __str__(self):
        return self.name


class Municipality(models.Model):
    """A Gemeinde or Stadt of the county, identified by its official key (AGS) where known."""

    class Kind(models.TextChoices):
        TOWN = "stadt", _("town")
        MUNICIPALITY = "gemeinde", _("municipality")

    class Source(models.TextChoices):
        VERIFIED = "verified", _("verified")
        KEY_ONLY = "key-only", _("key only")
        UNVERIFIED = "unverified", _("unverified")

    ags = models.CharField(
        _("official municipality key (AGS)"),
        max_length=8,
        blank=True,
        validators=[RegexValidator(r"^\d{8}$", _("Eight digits."))],
    )
    name = models.CharField(_("name"), max_length=120, unique=True)
    amt = models.ForeignKey(
        Amt,
        verbose_name=_("Amt"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="municipalities",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    latitude = models.FloatField(
        _("latitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.FloatField(
        _("longitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    source = models.CharField(_("data quality"), max_length=12, choices=Source.choices, blank=True)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["ags"], condition=~models.Q(ags=""), name="municipality_ags_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(latitude__isnull=False, longitude__isnull=False),
                name="municipality_coordinates_both_or_none",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None


class Category(models.Model):
    """A field of activity (Sport & Bewegung, Freiwillige Feuerwehr, …); a real-world list."""

    slug = models.SlugField(_("address"), unique=True)
    name = models.CharField(_("name (German)"), max_length=80, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=80, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["order", "name"]

    def __str__(self):
        return self.localized_name()

    def localized_name(self) -> str:
        return self.name_en if get_language() == "en" and self.name_en else self.name


def logo_path(instance, filename: str) -> str:
    # A random name: an uploaded file's name says nothing and cannot be guessed or collide.
    return f"logos/{uuid.uuid4().hex}.webp"


class Association(models.Model):
    """A Verein or group in the directory, kept current by its representatives and the office."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed, waiting for the office")
        PUBLISHED = "published", _("published")
        HIDDEN = "hidden", _("hidden")
        REJECTED = "rejected", _("proposal rejected")

    class HiddenReason(models.TextChoices):
        NONE = "", _("–")
        STAFF = "staff", _("hidden by the office")
        STALE = "stale", _("not confirmed in time")
        MERGED = "merged", _("merged into another entry")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("address"), max_length=220, unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PUBLISHED
    )
    hidden_reason = models.CharField(
        _("why hidden"), max_length=10, choices=HiddenReason.choices, blank=True
    )
    description = models.TextField(_("description"), max_length=5000)
    categories = models.ManyToManyField(
        Category, verbose_name=_("categories"), related_name="associations"
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="associations",
    )
    street = models.CharField(_("street and number"), max_length=120, blank=True)
    postal_code = models.CharField(
        _("postal code"),
        max_length=5,
        blank=True,
        validators=[RegexValidator(r"^\d{5}$", _("Five digits."))],
    )
    meeting_place = models.CharField(_("meeting place"), max_length=200, blank=True)
    meeting_times = models.CharField(_("meeting times"), max_length=200, blank=True)
    # Contact details are published exactly as far as they are filled in.
    contact_name = models.CharField(_("contact person"), max_length=120, blank=True)
    email = models.EmailField(
        _("public e-mail address"), blank=True, validators=[validate_email_address]
    )
    phone = models.CharField(_("public phone number"), max_length=40, blank=True)
    website = models.URLField(_("website"), max_length=300, blank=True)
    logo = models.FileField(_("logo"), upload_to=logo_path, blank=True, editable=False)
    # A precise point set by staff or a representative; without it, the municipality's.
    latitude = models.FloatField(
        _("latitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.FloatField(
        _("longitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    seeks_volunteers = models.BooleanField(_("looking for volunteers"), default=False)
    register_number = models.CharField(
        _("register number"),
        max_length=40,
        blank=True,
        help_text=_("E.g. the Vereinsregister number (VR 1234 KI); matches entries on import."),
    )
    verified = models.BooleanField(_("checked by the office"), default=False)
    last_confirmed_at = models.DateTimeField(_("last confirmed as current"), null=True, blank=True)
    confirmation_requested_at = models.DateTimeField(
        _("asked to confirm at"), null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    # Kept by services.refresh_search_vector (PostgreSQL: German full-text search).
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = _("association")
        verbose_name_plural = _("associations")
        ordering = ["name"]
        indexes = [models.Index(fields=["status", "municipality"], name="association_list_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(latitude__isnull=False, longitude__isnull=False),
                name="association_coordinates_both_or_none",
            ),
            models.UniqueConstraint(
                fields=["register_number"],
                condition=~models.Q(register_number=""),
                name="association_register_number_unique",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def coordinates(self) -> tuple[float, float, bool] | None:
        """(lat, lon, precise): the entry's own point, else its municipality's, else None."""
        if self.latitude is not None:
            return (self.latitude, self.longitude, True)
        if self.municipality.latitude is not None:
            return (self.municipality.latitude, self.municipality.longitude, False)
        return None


class Representative(models.Model):
    """A person who keeps an association's entry current."""

    association = models.ForeignKey(
        Association,
        verbose_name=_("association"),
        on_delete=models.CASCADE,
        related_name="representatives",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="representations",
    )
    created_at = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        verbose_name = _("representative")
        verbose_name_plural = _("representatives")
        constraints = [
            models.UniqueConstraint(
                fields=["association", "user"], name="representative_once_per_association"
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.association}"


class Claim(models.Model):
    """A person asks to represent an existing entry; staff confirm, or a mailed code does."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        CONFIRMED = "confirmed", _("confirmed")
        REJECTED = "rejected", _("rejected")

    association = models.ForeignKey(
        Association, verbose_name=_("association"), on_delete=models.CASCADE, related_name="claims"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="association_claims",
    )
    message = models.TextField(_("message to the office"), max_length=1000, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    # The one-time code mailed to the association's public address (only its hash is kept).
    code_hash = models.CharField(max_length=128, blank=True, editable=False)
    code_sent_at = models.DateTimeField(_("code sent at"), null=True, blank=True, editable=False)
    code_attempts = models.PositiveSmallIntegerField(_("wrong codes"), default=0, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reason"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("asked at"), default=timezone.now)

    class Meta:
        verbose_name = _("request to represent")
        verbose_name_plural = _("requests to represent")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["association", "user"],
                condition=models.Q(status="pending"),
                name="claim_one_pending_per_person",
            )
        ]

    def __str__(self):
        return f"{self.user} → {self.association}"


class ChangeRequest(models.Model):
    """Changes to name, categories, municipality or logo wait for the office's review."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    association = models.ForeignKey(
        Association,
        verbose_name=_("association"),
        on_delete=models.CASCADE,
        related_name="change_requests",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # {"name": "…", "categories": [ids], "municipality": id}; the new logo is the file below.
    changes = models.JSONField(_("proposed changes"), default=dict)
    logo = models.FileField(_("proposed logo"), upload_to=logo_path, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reason"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.association} ({self.get_status_display()})"


class AssociationChange(models.Model):
    """The history of an entry: who changed what, when, from what to what."""

    class Source(models.TextChoices):
        REPRESENTATIVE = "representative", _("representative")
        STAFF = "staff", _("office")
        IMPORT = "import", _("import")
        MERGE = "merge", _("merge")
        SYSTEM = "system", _("portal")

    association = models.ForeignKey(
        Association, verbose_name=_("association"), on_delete=models.CASCADE, related_name="history"
    )
    # A deleted person's changes stay recorded, without their name.
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    field = models.CharField(_("field"), max_length=60)
    old_value = models.TextField(_("before"), blank=True)
    new_value = models.TextField(_("after"), blank=True)

    class Meta:
        verbose_name = _("change")
        verbose_name_plural = _("history of changes")
        ordering = ["-changed_at", "-id"]

    def __str__(self):
        return f"{self.association}: {self.field}"


class Invitation(models.Model):
    """A representative invites a co-representative by e-mail (a one-time link)."""

    association = models.ForeignKey(
        Association,
        verbose_name=_("association"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    email = models.EmailField(_("invited address"), validators=[validate_email_address])
    token_hash = models.CharField(max_length=128, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("invited at"), default=timezone.now)
    expires_at = models.DateTimeField(_("valid until"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self):
        return f"{self.email} → {self.association}"


class Opportunity(models.Model):
    """Engagement gesucht: something an association needs volunteers for."""

    class Commitment(models.TextChoices):
        ONE_OFF = "one-off", _("one-off")
        REGULAR = "regular", _("regular")

    association = models.ForeignKey(
        Association,
        verbose_name=_("association"),
        on_delete=models.CASCADE,
        related_name="opportunities",
    )
    title = models.CharField(_("title"), max_length=150)
    description = models.TextField(_("what to do"), max_length=3000)
    commitment = models.CharField(_("commitment"), max_length=10, choices=Commitment.choices)
    hours_per_month = models.PositiveSmallIntegerField(
        _("hours per month"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(200)],
        help_text=_("About how many hours a month (regular) or in all (one-off)."),
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    remote = models.BooleanField(_("possible from home"), default=False)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="opportunities",
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opportunities",
    )
    starts_on = models.DateField(_("from"), null=True, blank=True)
    ends_on = models.DateField(_("until"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = _("volunteer opportunity")
        verbose_name_plural = _("volunteer opportunities")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_on__isnull=True)
                | models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="opportunity_ends_after_it_starts",
            )
        ]

    def __str__(self):
        return self.title


class Interest(models.Model):
    """A volunteer said "I am interested" to an opportunity (their address went to the
    association's representatives by that act)."""

    opportunity = models.ForeignKey(
        Opportunity,
        verbose_name=_("opportunity"),
        on_delete=models.CASCADE,
        related_name="interests",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="opportunity_interests",
    )
    message = models.TextField(_("message"), max_length=1000)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("interest")
        verbose_name_plural = _("interests")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user} → {self.opportunity}"
