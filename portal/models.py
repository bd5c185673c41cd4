"""Site-wide, staff-editable configuration: the county's identity and the content pages."""

import time

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, RegexValidator
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .addresses import validate_email_address

MIN_NON_TEXT_CONTRAST = 3.0
CACHE_KEY = "portal:site-configuration"
# Saved through admin, the shared cache entry is dropped at once; an edit made around admin (a
# shell update) shows after at most this long.
CACHE_SECONDS = 300
# Every page shows the configuration, so each web process keeps the row it read from the shared
# cache this long before asking again: a round trip to Redis and an unpickled model per page
# were a tenth of the base layout's time. Content pages (Page.load) are kept as long: their
# query was half of a content page's time. A save drops the copy of the process that saved at
# once; other processes (the other gunicorn workers, Celery) show the edit after at most this.
LOCAL_SECONDS = 10
_local: tuple["SiteConfiguration | None", float] = (None, 0.0)
_local_pages: dict[str, tuple["Page", float]] = {}


def contrast_with_white(hex_color: str) -> float:
    """WCAG contrast ratio of a #rrggbb colour against white."""
    channels = [int(hex_color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 1.05 / (luminance + 0.05)


class SiteConfiguration(models.Model):
    """One row: who runs this portal. Defaults come from settings.COUNTY_DEFAULTS."""

    county_name = models.CharField(_("county"), max_length=120)
    office_name = models.CharField(_("office name"), max_length=120)
    street = models.CharField(_("street and number"), max_length=120, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(
        _("e-mail address of the office"), validators=[validate_email_address]
    )
    logo = models.FileField(
        _("logo"),
        upload_to="site/",
        blank=True,
        # No SVG: an uploaded SVG can carry script that runs when the file is opened directly.
        validators=[FileExtensionValidator(["png", "jpg", "jpeg", "webp"])],
        help_text=_(
            "Shown in the page header (PNG, JPEG or WebP, square). "
            "Without a logo a neutral mark is shown."
        ),
    )
    theme_color = models.CharField(
        _("theme colour"),
        max_length=7,
        default="#005c8a",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a colour like #005c8a."))],
    )

    # Legal notices (Impressum, Datenschutz, Barrierefreiheit). The defaults come from
    # settings.COUNTY_DEFAULTS (filled in by migration 0006); staff check and edit them.
    content_responsible = models.CharField(
        _("responsible for the content"),
        max_length=200,
        help_text=_(
            "The person or office responsible for the content under § 18 (2) MStV, shown "
            "in the imprint with the address above. For a county this is usually the head of "
            "the administration (Landrat or Landrätin), who may name someone else."
        ),
    )
    dpo_name = models.CharField(
        _("data protection officer"),
        max_length=200,
        help_text=_("Name or office of the data protection officer, shown in the privacy notice."),
    )
    dpo_address = models.CharField(
        _("postal address of the data protection officer"),
        max_length=200,
        blank=True,
        help_text=_(
            "Preset to the county's address. Please enter the data protection officer's direct "
            "contact here and below, so people can reach them without going through the office."
        ),
    )
    dpo_email = models.EmailField(
        _("e-mail address of the data protection officer"),
        blank=True,
        validators=[validate_email_address],
        help_text=_("Empty until staff enter the officer's own address: none is guessed."),
    )
    conciliation_name = models.CharField(
        _("conciliation body"),
        max_length=300,
        help_text=_(
            "The conciliation body named in the accessibility statement (in Schleswig-Holstein "
            "the one under the Landesbehindertengleichstellungsgesetz). The presets are the "
            "state's published details as of 2025: please check them now and then."
        ),
    )
    conciliation_address = models.CharField(
        _("address of the conciliation body"), max_length=200, blank=True
    )
    conciliation_phone = models.CharField(
        _("phone of the conciliation body"), max_length=40, blank=True
    )
    conciliation_email = models.EmailField(
        _("e-mail address of the conciliation body"),
        blank=True,
        validators=[validate_email_address],
    )
    conciliation_url = models.URLField(
        _("web address of the conciliation body"), max_length=300, blank=True
    )

    class Meta:
        verbose_name = _("site configuration")
        verbose_name_plural = _("site configuration")
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="site_configuration_singleton")
        ]

    def __str__(self):
        return f"{self.office_name} – {self.county_name}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        cache.delete(CACHE_KEY)
        self.forget_local_copy()

    def clean(self):
        super().clean()
        # The colour marks the current page and language: it needs 3:1 against the light
        # backgrounds (WCAG 2.1, 1.4.11 non-text contrast).
        if self.theme_color and contrast_with_white(self.theme_color) < MIN_NON_TEXT_CONTRAST:
            raise ValidationError(
                {"theme_color": _("This colour is too light: it needs a contrast of 3:1 to white.")}
            )

    @classmethod
    def load(cls) -> "SiteConfiguration":
        """The single configuration row (made by the data migration), cached for every node
        and for LOCAL_SECONDS in this process. Treat it as read-only: change a fresh
        `objects.get(id=1)`, whose save() renews the caches."""
        global _local
        config, expires = _local
        now = time.monotonic()
        if config is not None and now < expires:
            return config
        config = cache.get(CACHE_KEY)
        if config is None:
            config = cls.objects.get(id=1)
            cache.set(CACHE_KEY, config, timeout=CACHE_SECONDS)
        _local = (config, now + LOCAL_SECONDS)
        return config

    @staticmethod
    def forget_local_copy() -> None:
        """Read the configuration from the shared cache (or the database) on the next load."""
        global _local
        _local = (None, 0.0)

    @cached_property
    def cache_token(self) -> int:
        """Changes with every value shown: a key for the layout's cached fragments."""
        return hash(tuple(str(getattr(self, f.attname)) for f in self._meta.concrete_fields))

    @property
    def address_line(self) -> str:
        return ", ".join(p for p in [self.street, f"{self.postal_code} {self.city}".strip()] if p)


class Page(models.Model):
    """A content page staff edit in admin (Impressum, Datenschutz, …), German and English."""

    class Slug(models.TextChoices):
        IMPRINT = "impressum", _("Imprint")
        PRIVACY = "datenschutz", _("Privacy")
        ACCESSIBILITY = "barrierefreiheit", _("Accessibility statement")
        EASY_LANGUAGE = "leichte-sprache", _("Easy Language")
        CONTACT = "kontakt", _("Contact")

    slug = models.SlugField(_("address"), choices=Slug.choices, unique=True)
    title = models.CharField(_("title (German)"), max_length=200)
    body = models.TextField(
        _("text (German)"),
        help_text=_(
            "Markdown: an empty line starts a new paragraph, a line starting with “## ” is "
            "a heading, “- ” a list item; [text](address) is a link, and web and e-mail "
            "addresses become links by themselves."
        ),
    )
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    body_en = models.TextField(_("text (English)"), blank=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        ordering = ["slug"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        _local_pages.pop(self.slug, None)

    @classmethod
    def load(cls, slug: str) -> "Page":
        """The page with this address, kept LOCAL_SECONDS in this process like the site
        configuration (a save shows at once in the saving process, in the others within
        LOCAL_SECONDS). Raises Page.DoesNotExist. Treat it as read-only."""
        page, expires = _local_pages.get(slug, (None, 0.0))
        now = time.monotonic()
        if page is None or now >= expires:
            page = cls.objects.get(slug=slug)
            _local_pages[slug] = (page, now + LOCAL_SECONDS)
        return page

    @staticmethod
    def forget_local_copies() -> None:
        _local_pages.clear()

    def localized_title(self) -> str:
        return self.title_en if get_language() == "en" and self.title_en else self.title

    def localized_body(self) -> str:
        return self.body_en if get_language() == "en" and self.body_en else self.body
