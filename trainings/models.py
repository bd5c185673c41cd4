"""Qualifizierung: topics, venues, speakers, courses with their dates, registrations with the
waiting list, certificates, course wishes and feedback.

Seats are counted, never stored: a course's confirmed registrations are counted under a lock
on the course row (see services). The database backs the rules the services keep: one
registration per person and course, waiting positions only on the waiting list, each
position once per course.
"""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Deferrable, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Localized:
    """German is required, English optional: show English only when it is there."""

    def _localized(self, field: str) -> str:
        english = getattr(self, f"{field}_en", "")
        return english if get_language() == "en" and english else getattr(self, field)


class Topic(Localized, models.Model):
    """What a course is about: Vereinsrecht, Finanzen, Erste Hilfe, Jugendarbeit, …"""

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
        return self._localized("name")


class Venue(models.Model):
    """A place where courses take place, with what people need to know to get in."""

    name = models.CharField(_("name"), max_length=200)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    town = models.CharField(_("town"), max_length=120, blank=True)
    municipality = models.ForeignKey(
        "network.Municipality",
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="training_venues",
    )
    step_free = models.BooleanField(_("step-free access"), default=False)
    hearing_loop = models.BooleanField(_("hearing loop"), default=False)
    accessible_toilet = models.BooleanField(_("accessible toilet"), default=False)
    accessibility_notes = models.TextField(_("notes on accessibility"), max_length=1000, blank=True)
    directions = models.TextField(_("directions"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name}, {self.town}" if self.town else self.name

    @property
    def address(self) -> str:
        place = " ".join(part for part in (self.postcode, self.town) if part)
        return ", ".join(part for part in (self.street, place) if part)


class Speaker(models.Model):
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role or organisation"), max_length=200, blank=True)
    bio = models.TextField(_("about the speaker"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        ordering = ["name"]

    def __str__(self):
        return self.name


class CourseQuerySet(models.QuerySet):
    def public(self):
        return self.filter(status=Course.Status.PUBLISHED)

    def with_seats(self):
        """Annotate the confirmed count and the waiting list length (counted, never stored)."""
        return self.annotate(
            confirmed_count=models.Count(
                "registrations", filter=Q(registrations__status=Registration.Status.CONFIRMED)
            ),
            waitlist_count=models.Count(
                "registrations", filter=Q(registrations__status=Registration.Status.WAITLISTED)
            ),
        )


class Course(Localized, models.Model):
    """A course of one or more dates, for a number of seats."""

    class Format(models.TextChoices):
        ON_SITE = "on_site", _("in person")
        ONLINE = "online", _("online")
        HYBRID = "hybrid", _("hybrid")

    class Audience(models.TextChoices):
        VOLUNTEERS = "volunteers", _("volunteers")
        BOARDS = "boards", _("association boards")
        ALL = "all", _("volunteers and association boards")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        CANCELLED = "cancelled", _("cancelled")

    slug = models.SlugField(_("address"), max_length=120, unique=True)
    title = models.CharField(_("title (German)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    summary = models.CharField(_("summary (German)"), max_length=300)
    summary_en = models.CharField(_("summary (English)"), max_length=300, blank=True)
    description = models.TextField(_("description (German)"), max_length=10000)
    description_en = models.TextField(_("description (English)"), max_length=10000, blank=True)
    target_group = models.CharField(_("target group"), max_length=300, blank=True)
    audience = models.CharField(
        _("audience"), max_length=12, choices=Audience.choices, default=Audience.ALL
    )
    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.PROTECT, related_name="courses"
    )
    speakers = models.ManyToManyField(
        Speaker, verbose_name=_("speakers"), blank=True, related_name="courses"
    )
    format = models.CharField(_("format"), max_length=8, choices=Format.choices)
    venue = models.ForeignKey(
        Venue,
        verbose_name=_("venue"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="courses",
    )
    online_info = models.TextField(
        _("online access"),
        max_length=1000,
        blank=True,
        help_text=_("Link and instructions; mailed to confirmed participants only."),
    )
    fee = models.DecimalField(
        _("fee (EUR)"),
        max_digits=7,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    fee_note = models.CharField(_("note on the fee"), max_length=200, blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("seats"), validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    registration_deadline = models.DateTimeField(_("registration until"), null=True, blank=True)
    cancellation_deadline = models.DateTimeField(
        _("free cancellation until"),
        null=True,
        blank=True,
        help_text=_("Empty: until the course begins."),
    )
    what_to_bring = models.TextField(_("what to bring"), max_length=1000, blank=True)
    certificate = models.BooleanField(_("certificate of attendance"), default=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("published on"), null=True, blank=True)
    # Denormalised from the dates so the catalogue sorts and filters without a join; kept in
    # step by services.refresh_course_dates whenever dates change.
    starts_at = models.DateTimeField(_("first date"), null=True, blank=True, editable=False)
    ends_at = models.DateTimeField(_("last date ends"), null=True, blank=True, editable=False)
    # Kept by services.refresh_search_vector (PostgreSQL: German full-text search).
    search_vector = SearchVectorField(null=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CourseQuerySet.as_manager()

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["starts_at", "title"]
        # The GIN index on search_vector is made by a PostgreSQL-only migration.
        indexes = [models.Index(fields=["status", "starts_at"], name="course_status_start")]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="course_capacity_positive"),
            models.CheckConstraint(condition=Q(fee__gte=0), name="course_fee_not_negative"),
        ]
        permissions = [
            ("view_statistics", _("Can view training statistics")),
        ]

    def __str__(self):
        return self.localized_title()

    def get_absolute_url(self):
        return reverse("trainings:course", args=[self.slug])

    def localized_title(self) -> str:
        return self._localized("title")

    def localized_summary(self) -> str:
        return self._localized("summary")

    def localized_description(self) -> str:
        return self._localized("description")

    @property
    def is_free(self) -> bool:
        return self.fee == 0

    @property
    def needs_venue(self) -> bool:
        return self.format in (self.Format.ON_SITE, self.Format.HYBRID)

    def registration_open(self, now=None) -> bool:
        now = now or timezone.now()
        if self.status != self.Status.PUBLISHED or self.starts_at is None:
            return False
        deadline = self.registration_deadline or self.starts_at
        return now < deadline

    def cancellation_open(self, now=None) -> bool:
        now = now or timezone.now()
        deadline = self.cancellation_deadline or self.starts_at
        return deadline is not None and now < deadline

    def seat_status(self) -> dict:
        """For the catalogue: needs with_seats(). "noch 3 Plätze", "Warteliste", "ausgebucht"."""
        free = max(self.capacity - self.confirmed_count, 0)
        if free:
            return {"code": "free", "free": free}
        if self.registration_open():
            return {"code": "waitlist", "free": 0}
        return {"code": "full", "free": 0}


class CourseDate(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="dates")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("date")
        verbose_name_plural = _("dates")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="course_date_ends_after_start"
            ),
        ]

    def __str__(self):
        start = timezone.localtime(self.starts_at)
        end = timezone.localtime(self.ends_at)
        return f"{start:%d.%m.%Y %H:%M}–{end:%H:%M}"

    @property
    def duration(self) -> timedelta:
        return self.ends_at - self.starts_at


class Registration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("confirmed")
        WAITLISTED = "waitlisted", _("on the waiting list")
        CANCELLED = "cancelled", _("cancelled")

    class Attendance(models.TextChoices):
        UNKNOWN = "", _("not recorded")
        ATTENDED = "attended", _("attended")
        NO_SHOW = "no_show", _("did not come")

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="registrations"
    )
    # Null once the person erased their account: the row stays for the statistics.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="training_registrations",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    position = models.PositiveIntegerField(_("waiting list position"), null=True, blank=True)
    attendance = models.CharField(
        _("attendance"), max_length=8, choices=Attendance.choices, default="", blank=True
    )
    association = models.ForeignKey(
        "network.Association",
        verbose_name=_("association"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="training_registrations",
    )
    needs = models.TextField(_("needs (accessibility, food, …)"), max_length=1000, blank=True)
    registered_at = models.DateTimeField(_("registered on"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed on"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled on"), null=True, blank=True)
    cancelled_by_office = models.BooleanField(_("cancelled by the office"), default=False)
    # Raised on every re-registration so the mails of the new round get new outbox keys.
    round = models.PositiveSmallIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["course", "status", "position", "registered_at"]
        constraints = [
            models.UniqueConstraint(fields=["course", "user"], name="registration_once_per_course"),
            # Deferred: closing a gap moves every later position up in one UPDATE.
            models.UniqueConstraint(
                fields=["course", "position"],
                name="registration_position_once",
                deferrable=Deferrable.DEFERRED,
            ),
            models.CheckConstraint(
                condition=(Q(status="waitlisted", position__gte=1))
                | (~Q(status="waitlisted") & Q(position__isnull=True)),
                name="registration_position_only_on_waitlist",
            ),
            models.CheckConstraint(
                condition=Q(attendance="") | Q(status="confirmed"),
                name="registration_attendance_only_confirmed",
            ),
        ]
        indexes = [models.Index(fields=["course", "status"], name="registration_course_status")]

    def __str__(self):
        return f"{self.course} – {self.user or _('erased person')}"

    @property
    def active(self) -> bool:
        return self.status != self.Status.CANCELLED


class Certificate(models.Model):
    """A Teilnahmebescheinigung: what was certified is kept as issued, so the public check
    shows it even if the course is edited later."""

    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="certificate"
    )
    code = models.CharField(_("verification code"), max_length=20, unique=True)
    holder_name = models.CharField(_("name"), max_length=300)
    course_title = models.CharField(_("course"), max_length=200)
    dates_text = models.CharField(_("dates"), max_length=500)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    issued_at = models.DateTimeField(_("issued on"), default=timezone.now)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at"]

    def __str__(self):
        return self.code


class CourseWish(models.Model):
    """A suggestion or a "tell me when there is a course on …": the office plans from these."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="course_wishes"
    )
    topic = models.ForeignKey(
        Topic,
        verbose_name=_("topic"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="wishes",
    )
    text = models.TextField(_("what would you like to learn?"), max_length=2000, blank=True)
    notify = models.BooleanField(_("notify me of a new course on this topic"), default=True)
    created_at = models.DateTimeField(_("sent on"), auto_now_add=True)
    notified_at = models.DateTimeField(_("notified on"), null=True, blank=True)
    notified_course = models.ForeignKey(
        Course, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("course wish")
        verbose_name_plural = _("course wishes")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(topic__isnull=False) | ~Q(text=""), name="wish_has_topic_or_text"
            ),
        ]

    def __str__(self):
        return str(self.topic) if self.topic_id else self.text[:60]


class Feedback(models.Model):
    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="feedback"
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), max_length=3000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_to_5"
            ),
        ]

    def __str__(self):
        return f"{self.registration.course}: {self.rating}"
