from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


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
