"""Information (Infothek): practical guides, funding programmes with deadlines, news, FAQ and
the files attached to guides; and the deadline reminders people ask for ("Frist merken").

Everything staff write has a state: draft, published (public from its publish date on;
"scheduled" until then) or archived. German text is required, English optional: English
pages fall back to the German text with a note.
"""

import uuid
from datetime import timedelta
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    VOLUNTEERS = "volunteers", _("volunteers")
    BOARDS = "boards", _("association boards")
    BOTH = "both", _("volunteers and association boards")


class PublishableQuerySet(models.QuerySet):
    def public(self, now=None):
        """Published and due: what anyone may see."""
        return self.filter(
            status=Publishable.Status.PUBLISHED, publish_at__lte=now or timezone.now()
        )


class Publishable(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        ARCHIVED = "archived", _("archived")

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    publish_at = models.DateTimeField(
        _("publish on"),
        default=timezone.now,
        help_text=_("Published items are public from this moment on (scheduled until then)."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    # Kept by services.refresh_search_vectors (PostgreSQL: German full-text search).
    search_vector = SearchVectorField(null=True, editable=False)

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def state(self) -> str:
        """draft, scheduled, published or archived, as staff see it."""
        if self.status == self.Status.PUBLISHED and self.publish_at > timezone.now():
            return "scheduled"
        return self.status

    def is_public(self) -> bool:
        return self.state == self.Status.PUBLISHED

    def localized(self, field: str) -> str:
        english = getattr(self, f"{field}_en", "")
        return english if get_language() == "en" and english else getattr(self, field)

    @property
    def only_in_german(self) -> bool:
        """Shown in English without an English text: the page says so."""
        return get_language() == "en" and not getattr(self, "body_en", "")


class Topic(models.Model):
    """What information is about: Vereinsgründung, Satzung, Gemeinnützigkeit, Förderung, …"""

    slug = models.SlugField(_("address"), unique=True)
    name = models.CharField(_("name (German)"), max_length=120, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["order", "name"]

    def __str__(self):
        return self.localized_name()

    def localized_name(self) -> str:
        return self.name_en if get_language() == "en" and self.name_en else self.name


def _download_path(instance, filename: str) -> str:
    # Random names: nothing guessable, nothing from the uploader's file system.
    suffix = PurePosixPath(filename).suffix.lower()[:6]
    return f"infothek/{uuid.uuid4().hex}{suffix}"


class Download(models.Model):
    """A file to download (Mustersatzung, checklist): PDF, DOCX or ODT, checked by content."""

    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "Word (DOCX)"
        ODT = "odt", "OpenDocument (ODT)"

    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=_download_path, max_length=200)
    kind = models.CharField(_("file type"), max_length=4, choices=Kind.choices, editable=False)
    size = models.PositiveIntegerField(_("size (bytes)"), editable=False)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("download")
        verbose_name_plural = _("downloads")
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("infothek:download", args=[self.pk])

    @property
    def filename(self) -> str:
        """The name the browser saves: the title, safe for a header, with the right suffix."""
        stem = "".join(c if c.isalnum() or c in "-_" else "-" for c in self.title)[:60]
        return f"{stem.strip('-') or 'download'}.{self.kind}"


class Guide(Publishable):
    """A Ratgeber article: a practical answer to a recurring question."""

    slug = models.SlugField(_("address"), max_length=120, unique=True)
    title = models.CharField(_("title (German)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    summary = models.CharField(_("summary (German)"), max_length=300)
    summary_en = models.CharField(_("summary (English)"), max_length=300, blank=True)
    body = models.TextField(_("text (German, Markdown)"), max_length=50000)
    body_en = models.TextField(_("text (English, Markdown)"), max_length=50000, blank=True)
    audience = models.CharField(
        _("audience"), max_length=10, choices=Audience.choices, default=Audience.BOTH
    )
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), related_name="guides")
    reviewed_on = models.DateField(
        _("last reviewed on"),
        default=timezone.localdate,
        help_text=_("Shown as “zuletzt geprüft am”; after 12 months the guide is due again."),
    )
    related_guides = models.ManyToManyField(
        "self", verbose_name=_("related guides"), blank=True, symmetrical=True
    )
    advice_topics = models.ManyToManyField(
        "advice.Topic",
        verbose_name=_("related advice topics"),
        blank=True,
        related_name="guides",
    )
    course_topics = models.ManyToManyField(
        "trainings.Topic",
        verbose_name=_("related course topics"),
        blank=True,
        related_name="guides",
        help_text=_("Upcoming courses on these topics are shown with the guide."),
    )
    downloads = models.ManyToManyField(
        Download, verbose_name=_("downloads"), blank=True, related_name="guides"
    )

    class Meta:
        verbose_name = _("guide")
        verbose_name_plural = _("guides")
        ordering = ["title"]
        indexes = [models.Index(fields=["status", "publish_at"], name="guide_public_idx")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("infothek:guide", args=[self.slug])

    @property
    def review_due(self) -> bool:
        return self.reviewed_on <= timezone.localdate() - timedelta(days=365)


class FundingProgrammeQuerySet(PublishableQuerySet):
    def open_now(self, today=None):
        """Public and still open: rolling, or the deadline is today or later."""
        today = today or timezone.localdate()
        return self.public().filter(Q(deadline__isnull=True) | Q(deadline__gte=today))


class FundingProgramme(Publishable):
    """A Förderprogramm: who funds what, for whom, how much, until when."""

    class FunderType(models.TextChoices):
        FEDERAL = "federal", _("federal (e.g. DSEE)")
        STATE = "state", _("Land Schleswig-Holstein")
        COUNTY = "county", _("county")
        FOUNDATION = "foundation", _("foundation")
        BANK = "bank", _("bank or savings bank")
        EU = "eu", _("European Union")
        OTHER = "other", _("other")

    slug = models.SlugField(_("address"), max_length=120, unique=True)
    title = models.CharField(_("title (German)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    funder = models.CharField(_("funder"), max_length=200)
    funder_type = models.CharField(_("type of funder"), max_length=10, choices=FunderType.choices)
    summary = models.CharField(_("summary (German)"), max_length=300)
    summary_en = models.CharField(_("summary (English)"), max_length=300, blank=True)
    body = models.TextField(_("what is funded (German, Markdown)"), max_length=20000)
    body_en = models.TextField(
        _("what is funded (English, Markdown)"), max_length=20000, blank=True
    )
    who_may_apply = models.TextField(_("who may apply"), max_length=2000)
    amount_min = models.DecimalField(
        _("amount from (EUR)"), max_digits=10, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0)],
    )  # fmt: skip
    amount_max = models.DecimalField(
        _("amount up to (EUR)"), max_digits=10, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0)],
    )  # fmt: skip
    own_contribution = models.CharField(_("own contribution"), max_length=300, blank=True)
    deadline = models.DateField(
        _("application deadline"),
        null=True,
        blank=True,
        help_text=_("Empty: applications are possible at any time (rolling)."),
    )
    official_url = models.URLField(_("official page"), max_length=500)
    topics = models.ManyToManyField(
        Topic, verbose_name=_("topics"), related_name="funding_programmes"
    )

    objects = FundingProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("funding programme")
        verbose_name_plural = _("funding programmes")
        ordering = [models.F("deadline").asc(nulls_last=True), "title"]
        indexes = [models.Index(fields=["status", "deadline"], name="programme_deadline_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_min__isnull=True)
                | Q(amount_max__isnull=True)
                | Q(amount_min__lte=models.F("amount_max")),
                name="programme_amount_range",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("infothek:programme", args=[self.slug])

    @property
    def rolling(self) -> bool:
        return self.deadline is None

    def is_open(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.is_public() and (self.deadline is None or self.deadline >= today)


class NewsItem(Publishable):
    slug = models.SlugField(_("address"), max_length=120, unique=True)
    title = models.CharField(_("title (German)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    summary = models.CharField(_("summary (German)"), max_length=300)
    summary_en = models.CharField(_("summary (English)"), max_length=300, blank=True)
    body = models.TextField(_("text (German, Markdown)"), max_length=20000)
    body_en = models.TextField(_("text (English, Markdown)"), max_length=20000, blank=True)
    topics = models.ManyToManyField(
        Topic, verbose_name=_("topics"), blank=True, related_name="news"
    )

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news")
        ordering = ["-publish_at"]
        indexes = [models.Index(fields=["status", "publish_at"], name="news_public_idx")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("infothek:news_item", args=[self.slug])


class Question(Publishable):
    """An FAQ entry, grouped by topic on the FAQ page."""

    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.PROTECT, related_name="questions"
    )
    title = models.CharField(_("question (German)"), max_length=300)
    title_en = models.CharField(_("question (English)"), max_length=300, blank=True)
    body = models.TextField(_("answer (German, Markdown)"), max_length=10000)
    body_en = models.TextField(_("answer (English, Markdown)"), max_length=10000, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("question (FAQ)")
        verbose_name_plural = _("questions (FAQ)")
        ordering = ["topic__order", "order", "title"]

    def __str__(self):
        return self.title


class DeadlineReminder(models.Model):
    """ "Frist merken": a mail some days before a programme's deadline, once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deadline_reminders"
    )
    programme = models.ForeignKey(
        FundingProgramme, on_delete=models.CASCADE, related_name="reminders"
    )
    days_before = models.PositiveSmallIntegerField(
        _("days before the deadline"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(_("reminded on"), null=True, blank=True)

    class Meta:
        verbose_name = _("deadline reminder")
        verbose_name_plural = _("deadline reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "programme"], name="one_reminder_per_programme"
            ),
            models.CheckConstraint(
                condition=Q(days_before__gte=1, days_before__lte=90), name="reminder_days_range"
            ),
        ]

    def __str__(self):
        return f"{self.programme} ({self.days_before})"
