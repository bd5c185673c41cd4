"""Beratung: topics, advisers and their availability, bookable slots, cases and their history."""

from django.conf import settings
from django.core.cache import cache
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Format(models.TextChoices):
    ON_SITE = "on_site", _("on site")
    PHONE = "phone", _("by phone")
    VIDEO = "video", _("by video")


class Topic(models.Model):
    """What people ask about: Vereinsrecht & Satzung, Steuern & Gemeinnützigkeit, …"""

    slug = models.SlugField(_("address"), unique=True)
    name = models.CharField(_("name (German)"), max_length=120, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    description = models.TextField(_("description (German)"), max_length=1000, blank=True)
    description_en = models.TextField(_("description (English)"), max_length=1000, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("offered"), default=True)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["order", "name"]

    def __str__(self):
        return self.localized_name()

    def localized_name(self) -> str:
        return self.name_en if get_language() == "en" and self.name_en else self.name

    def localized_description(self) -> str:
        english = get_language() == "en" and self.description_en
        return self.description_en if english else self.description


class BookingRules(models.Model):
    """How appointments are cut and booked; one row, edited by staff."""

    slot_minutes = models.PositiveSmallIntegerField(
        _("length of an appointment (minutes)"),
        default=45,
        validators=[MinValueValidator(15), MaxValueValidator(240)],
    )
    buffer_minutes = models.PositiveSmallIntegerField(
        _("break between appointments (minutes)"),
        default=15,
        validators=[MaxValueValidator(120)],
    )
    notice_hours = models.PositiveSmallIntegerField(
        _("minimum notice (hours)"),
        default=24,
        validators=[MaxValueValidator(24 * 14)],
        help_text=_("Appointments can be booked at the earliest this many hours ahead."),
    )
    horizon_weeks = models.PositiveSmallIntegerField(
        _("bookable ahead (weeks)"),
        default=8,
        validators=[MinValueValidator(1), MaxValueValidator(26)],
    )
    max_open_bookings = models.PositiveSmallIntegerField(
        _("open bookings per person"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("How many future appointments one person may hold at once."),
    )
    cancel_cutoff_hours = models.PositiveSmallIntegerField(
        _("cancel or move until (hours before)"),
        default=12,
        validators=[MaxValueValidator(24 * 7)],
    )

    class Meta:
        verbose_name = _("booking rules")
        verbose_name_plural = _("booking rules")
        constraints = [models.CheckConstraint(condition=Q(id=1), name="booking_rules_singleton")]

    CACHE_KEY = "advice:booking-rules"

    def __str__(self):
        return str(_("Booking rules"))

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        cache.delete(self.CACHE_KEY)

    @classmethod
    def load(cls) -> "BookingRules":
        rules = cache.get(cls.CACHE_KEY)
        if rules is None:
            rules = cls.objects.get(id=1)
            cache.set(cls.CACHE_KEY, rules, timeout=300)
        return rules


class Advisor(models.Model):
    """A member of staff who gives advice, on certain topics and in certain formats."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff account"),
        on_delete=models.PROTECT,
        related_name="advisor",
        limit_choices_to={"is_staff": True},
    )
    display_name = models.CharField(
        _("name shown to volunteers"), max_length=120, help_text=_("E.g. Bernd Berater.")
    )
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), related_name="advisors")
    daily_cap = models.PositiveSmallIntegerField(
        _("appointments per day at most"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    location = models.CharField(
        _("place for appointments on site"),
        max_length=200,
        blank=True,
        help_text=_("Address and room, e.g. Kaiserstraße 8, 24768 Rendsburg, Raum 1.12."),
    )
    phone_instructions = models.CharField(
        _("how phone appointments work"),
        max_length=300,
        blank=True,
        help_text=_("E.g. We will call you at the number in your request."),
    )
    video_instructions = models.CharField(
        _("how video appointments work"),
        max_length=300,
        blank=True,
        help_text=_("E.g. You will get the link to the video room by e-mail the day before."),
    )
    active = models.BooleanField(_("takes bookings"), default=True)

    class Meta:
        verbose_name = _("adviser")
        verbose_name_plural = _("advisers")
        ordering = ["display_name"]

    def __str__(self):
        return self.display_name


class WeeklyAvailability(models.Model):
    """A time range on a weekday in which the adviser offers appointments in one format."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    advisor = models.ForeignKey(
        Advisor, verbose_name=_("adviser"), on_delete=models.CASCADE, related_name="availability"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("until"))
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    place = models.CharField(
        _("place"),
        max_length=200,
        blank=True,
        help_text=_("For appointments on site; empty: the adviser's usual place."),
    )

    class Meta:
        verbose_name = _("weekly availability")
        verbose_name_plural = _("weekly availability")
        ordering = ["advisor", "weekday", "starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="availability_ends_after_start"
            )
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"


class Absence(models.Model):
    """Holidays, illness, training: no appointments in this time."""

    advisor = models.ForeignKey(
        Advisor, verbose_name=_("adviser"), on_delete=models.CASCADE, related_name="absences"
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="absence_ends_after_start"
            )
        ]

    def __str__(self):
        return f"{self.advisor}: {self.starts_at:%d.%m.%Y}–{self.ends_at:%d.%m.%Y}"


class Slot(models.Model):
    """A concrete bookable time, made from the weekly availability (advice.slots)."""

    advisor = models.ForeignKey(
        Advisor, verbose_name=_("adviser"), on_delete=models.CASCADE, related_name="slots"
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    place = models.CharField(_("place"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("appointment slot")
        verbose_name_plural = _("appointment slots")
        ordering = ["starts_at", "advisor"]
        constraints = [
            models.UniqueConstraint(fields=["advisor", "starts_at"], name="slot_once_per_time"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="slot_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["starts_at"], name="slot_starts_idx")]

    def __str__(self):
        local = timezone.localtime(self.starts_at)
        return f"{local:%d.%m.%Y %H:%M} – {self.advisor}"


class AdviceRequest(models.Model):
    """A case: a booked appointment or a written question, worked on by staff."""

    class Kind(models.TextChoices):
        APPOINTMENT = "appointment", _("appointment")
        QUESTION = "question", _("written question")

    class Status(models.TextChoices):
        NEW = "new", _("new")
        IN_PROGRESS = "in_progress", _("in progress")
        WAITING = "waiting", _("waiting for the requester")
        CLOSED = "closed", _("closed")

    class Outcome(models.TextChoices):
        NONE = "", _("–")
        ADVISED = "advised", _("advice given")
        REFERRED = "referred", _("referred elsewhere")
        FOLLOW_UP = "follow_up", _("follow-up agreed")
        CANCELLED = "cancelled", _("cancelled")
        NO_SHOW = "no_show", _("did not come")
        OTHER = "other", _("other")

    number = models.CharField(_("reference number"), max_length=12, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    # Erasing the person keeps the case for the statistics, without them (SET_NULL).
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requester"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="advice_requests",
    )
    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.PROTECT, related_name="requests"
    )
    format = models.CharField(_("format"), max_length=10, choices=Format.choices, blank=True)
    slot = models.ForeignKey(
        Slot,
        verbose_name=_("appointment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bookings",
    )
    association = models.ForeignKey(
        "network.Association",
        verbose_name=_("association"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="advice_requests",
    )
    municipality = models.ForeignKey(
        "network.Municipality",
        verbose_name=_("municipality"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("For the statistics only."),
    )
    concern = models.TextField(_("concern"), max_length=3000)
    phone = models.CharField(_("phone for the appointment"), max_length=40, blank=True)
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NEW
    )
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_advice_requests",
        limit_choices_to={"is_staff": True},
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("appointment cancelled at"), null=True, blank=True)
    no_show = models.BooleanField(_("did not come"), default=False)
    booked_by_staff = models.BooleanField(_("booked by the office"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("advice case")
        verbose_name_plural = _("advice cases")
        ordering = ["-created_at"]
        constraints = [
            # One booking per slot, whatever the concurrency: a cancelled booking frees it.
            models.UniqueConstraint(
                fields=["slot"],
                condition=Q(slot__isnull=False, cancelled_at__isnull=True),
                name="one_active_booking_per_slot",
            ),
            models.CheckConstraint(
                condition=Q(kind="question") | Q(slot__isnull=False),
                name="appointment_has_a_slot",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "assignee"], name="case_queue_idx"),
            models.Index(fields=["requester", "cancelled_at"], name="case_requester_idx"),
        ]

    def __str__(self):
        return f"{self.number} – {self.topic}"

    @property
    def is_active_booking(self) -> bool:
        return self.kind == self.Kind.APPOINTMENT and self.cancelled_at is None


class CaseNote(models.Model):
    """An internal note on a case; never shown to the volunteer."""

    request = models.ForeignKey(
        AdviceRequest, verbose_name=_("case"), on_delete=models.CASCADE, related_name="notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(_("note"), max_length=5000)
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.request.number}: {self.text[:40]}"


class CaseEvent(models.Model):
    """The history of a case: status, assignee and appointment changes (who, when, what)."""

    class Kind(models.TextChoices):
        CREATED = "created", _("created")
        STATUS = "status", _("status")
        ASSIGNEE = "assignee", _("assigned to")
        DUE = "due", _("due date")
        RESCHEDULED = "rescheduled", _("appointment moved")
        CANCELLED = "cancelled", _("appointment cancelled")
        NO_SHOW = "no_show", _("did not come")
        OUTCOME = "outcome", _("outcome")
        ASSOCIATION = "association", _("association")

    request = models.ForeignKey(
        AdviceRequest, verbose_name=_("case"), on_delete=models.CASCADE, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("what"), max_length=12, choices=Kind.choices)
    old_value = models.CharField(_("before"), max_length=200, blank=True)
    new_value = models.CharField(_("after"), max_length=200, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case history")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.request.number}: {self.get_kind_display()}"
