"""Settings for the Kloormokers portal, read from the environment.

With nothing set, the portal runs on the embedded default: SQLite under var/, Celery tasks
run eagerly in-process, mail to the console and to files under var/mail/, DEBUG on.
With DATABASE_URL, REDIS_URL and EMAIL_URL set it runs on PostgreSQL, Redis and SMTP.
Every variable is documented in .env.example and the README.
"""

import re
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")  # development convenience; absent in production

DEBUG = env.bool("DEBUG", default=True)

INSECURE_DEV_KEY = "django-insecure-kloormokers-embedded-default-only"
SECRET_KEY = env.str("SECRET_KEY", default=INSECURE_DEV_KEY if DEBUG else "")
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"] if DEBUG else []
)
if not DEBUG:
    # Production must not start on guessable or missing values: no silent fallbacks.
    if not SECRET_KEY or SECRET_KEY == INSECURE_DEV_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set to a random value of at least 50 characters when DEBUG is off."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The portal's public address, for links in mails sent outside a request (reminders).
PORTAL_URL = env.str(
    "PORTAL_URL",
    default="http://127.0.0.1:8000" if DEBUG else f"https://{ALLOWED_HOSTS[0]}",
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",  # full-text and trigram search (PostgreSQL; inert on SQLite)
    "allauth",
    # allauth.account and allauth.mfa, with distinct German names in admin
    "accounts.allauth_apps.AllauthAccountConfig",
    "accounts.allauth_apps.AllauthMfaConfig",
    "crispy_forms",
    "csp",
    # project apps, bottom layer first (kloormokers itself is wiring only, not an app)
    "portal",
    "mailings",
    "accounts",
    "network",
    "advice",
    "trainings",
    "infothek",
    "newsletter",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.middleware.PortalLocaleMiddleware",
    "portal.middleware.NoStoreForPersonalPagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.StaffMfaRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "kloormokers.urls"
WSGI_APPLICATION = "kloormokers.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.site",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'kloormokers.sqlite3'}")
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    VAR_DIR.mkdir(exist_ok=True)  # the embedded default keeps its database file here
    # SQLite has no deferred unique constraints: the one on waiting-list positions is left
    # out there (the services keep positions gapless under their lock; PostgreSQL checks).
    SILENCED_SYSTEM_CHECKS = ["models.W038"]
DATABASES["default"]["ATOMIC_REQUESTS"] = False  # services own their (short) transactions
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # The planner's price of reading a page out of order: PostgreSQL's default (4) assumes
    # spinning disks; the portal's data is in memory or on SSD. At 4 the directory search scans
    # every entry for a common word instead of using its indexes (3–4× the CPU; see
    # benchmarks/directory_search.py and the README's performance section).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c random_page_cost=1.1"
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, sessions ----------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    # Shared by all web nodes: allauth's rate limits are counted here.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env.str("CACHE_URL", default=REDIS_URL),
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="kloormokers"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_ENGINE = "accounts.session_store"  # database sessions that know their person

# --- Celery -------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True  # tasks are idempotent (outbox keys), so a lost worker re-runs them
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "Europe/Berlin"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# Bulk mail (newsletters) has its own queue: a worker for "celery" alone keeps transactional
# mail (bookings, password resets) from ever waiting behind a newsletter (docker-compose.yml).
CELERY_TASK_ROUTES = {"mailings.tasks.deliver_bulk": {"queue": "bulk"}}
# Celery's Django fixup closes the database connection before and after every task unless this
# is set (celery/fixups/django.py: close_database). With it the fixup closes only every
# that-many tasks, and kloormokers/celery.py does what Django does around a request instead:
# close_old_connections(), which honours CONN_MAX_AGE and drops broken connections.
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=1_000_000)
CELERY_BEAT_SCHEDULE = {
    "mailings-sweep-outbox": {
        "task": "mailings.tasks.sweep_outbox",
        "schedule": env.int("OUTBOX_SWEEP_SECONDS", default=60),
    },
    "mailings-purge-old": {
        "task": "mailings.tasks.purge_old_emails",
        "schedule": 24 * 60 * 60,
    },
    # Expired sessions (and those of deleted people) leave the database: clearsessions.
    # Directory: ask representatives to confirm old entries; hide what stays unconfirmed.
    "network-request-confirmations": {
        "task": "network.tasks.request_confirmations",
        "schedule": 6 * 60 * 60,
    },
    "network-hide-stale-entries": {
        "task": "network.tasks.hide_stale_entries",
        "schedule": 6 * 60 * 60,
    },
    # Beratung: reminders the day before (hourly; the outbox key sends each once) and the
    # nightly re-cut of bookable slots up to the horizon.
    "advice-send-reminders": {
        "task": "advice.tasks.send_reminders",
        "schedule": 60 * 60,
    },
    "advice-regenerate-slots": {
        "task": "advice.tasks.regenerate_slots",
        "schedule": 24 * 60 * 60,
    },
    # Qualifizierung: reminders a few days before a course (hourly; the outbox key sends each
    # once) and the thank-you with the feedback link after it.
    "trainings-send-reminders": {
        "task": "trainings.tasks.send_reminders",
        "schedule": 60 * 60,
    },
    "trainings-send-thank-yous": {
        "task": "trainings.tasks.send_thank_yous",
        "schedule": 6 * 60 * 60,
    },
    # Infothek: "Frist merken" reminders before funding deadlines (daily; each sent once).
    "infothek-send-deadline-reminders": {
        "task": "infothek.tasks.send_deadline_reminders",
        "schedule": 6 * 60 * 60,
    },
    # Newsletter: start scheduled issues that are due and resume fan-outs a dead worker left.
    "newsletter-dispatch-issues": {
        "task": "newsletter.tasks.dispatch_issues",
        "schedule": 60,
    },
    # Newsletter: delete sign-ups not confirmed within NEWSLETTER_UNCONFIRMED_DAYS.
    "newsletter-purge-unconfirmed": {
        "task": "newsletter.tasks.purge_unconfirmed_subscriptions",
        "schedule": 6 * 60 * 60,
    },
    "accounts-clear-expired-sessions": {
        "task": "accounts.tasks.clear_expired_sessions",
        "schedule": 6 * 60 * 60,
    },
}

# --- E-mail -------------------------------------------------------------------------------
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "mailings.backends.ConsoleAndFileBackend"
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="De Kloormokers <kloormokers@kreis-rd.de>"
)
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=6)
OUTBOX_STUCK_AFTER_SECONDS = env.int("OUTBOX_STUCK_AFTER_SECONDS", default=600)
# A delivery task is stopped before the sweeper counts its claim as stuck and hands the mail to
# another worker: at the soft limit (90 %) the send counts as a temporary failure, at this limit
# the worker process is killed. A hanging mail server must time out (EMAIL_TIMEOUT) before.
OUTBOX_SEND_TIME_LIMIT_SECONDS = env.int(
    "OUTBOX_SEND_TIME_LIMIT_SECONDS", default=OUTBOX_STUCK_AFTER_SECONDS // 2
)
if not 0 < OUTBOX_SEND_TIME_LIMIT_SECONDS < OUTBOX_STUCK_AFTER_SECONDS:
    raise ImproperlyConfigured(
        f"OUTBOX_SEND_TIME_LIMIT_SECONDS ({OUTBOX_SEND_TIME_LIMIT_SECONDS}) must be above 0 and "
        f"below OUTBOX_STUCK_AFTER_SECONDS ({OUTBOX_STUCK_AFTER_SECONDS}): a delivery still "
        "running when the sweeper hands its mail to another worker can send it twice."
    )
if not 0 < EMAIL_TIMEOUT < OUTBOX_SEND_TIME_LIMIT_SECONDS:
    raise ImproperlyConfigured(
        f"EMAIL_TIMEOUT ({EMAIL_TIMEOUT}) must be above 0 and below "
        f"OUTBOX_SEND_TIME_LIMIT_SECONDS ({OUTBOX_SEND_TIME_LIMIT_SECONDS}), itself below "
        f"OUTBOX_STUCK_AFTER_SECONDS ({OUTBOX_STUCK_AFTER_SECONDS}): a hanging mail server must "
        "time out before the delivery task is stopped and long before the mail counts as stuck."
    )
# The sweeper does not hand out a queued mail again until this long after its last delivery task
# was published: that task may still be waiting in the broker behind others.
OUTBOX_DISPATCH_GRACE_SECONDS = env.int("OUTBOX_DISPATCH_GRACE_SECONDS", default=120)
if OUTBOX_DISPATCH_GRACE_SECONDS < 0:
    raise ImproperlyConfigured(
        f"OUTBOX_DISPATCH_GRACE_SECONDS ({OUTBOX_DISPATCH_GRACE_SECONDS}) must not be negative."
    )
# Sent mails are kept this long (proof of delivery for staff), then deleted.
OUTBOX_RETENTION_DAYS = env.int("OUTBOX_RETENTION_DAYS", default=180)
# Bulk mail (mailings.bulk): rows claimed at once, rows recorded at once (a worker killed
# mid-batch sends at most a chunk twice), the time one task run sends before it re-queues
# itself, messages per minute across all workers (0: no limit), the longest wait for the next
# minute inside a task (longer: the task is re-queued), permanent failures that block an address.
OUTBOX_BULK_BATCH = env.int("OUTBOX_BULK_BATCH", default=100)
OUTBOX_BULK_CHUNK = env.int("OUTBOX_BULK_CHUNK", default=20)
OUTBOX_BULK_TASK_SECONDS = env.int("OUTBOX_BULK_TASK_SECONDS", default=50)
OUTBOX_BULK_RATE_PER_MINUTE = env.int("OUTBOX_BULK_RATE_PER_MINUTE", default=6000)
OUTBOX_BULK_RATE_MAX_SLEEP_SECONDS = env.int("OUTBOX_BULK_RATE_MAX_SLEEP_SECONDS", default=5)
OUTBOX_BULK_BLOCK_AFTER = env.int("OUTBOX_BULK_BLOCK_AFTER", default=3)
for _name in ("OUTBOX_BULK_BATCH", "OUTBOX_BULK_CHUNK", "OUTBOX_BULK_BLOCK_AFTER"):
    if vars()[_name] < 1:
        raise ImproperlyConfigured(f"{_name} must be at least 1.")
if OUTBOX_BULK_RATE_PER_MINUTE < 0 or OUTBOX_BULK_RATE_MAX_SLEEP_SECONDS < 0:
    raise ImproperlyConfigured(
        "OUTBOX_BULK_RATE_PER_MINUTE and OUTBOX_BULK_RATE_MAX_SLEEP_SECONDS must not be negative."
    )

# --- Production needs its shared services ------------------------------------------------
# Without Redis every gunicorn process would count rate limits on its own, tasks would run
# inside the web request (temporary SMTP failures never retried); without EMAIL_URL mails
# (password-reset links!) would be printed into the server log. Production refuses both
# unless explicitly told otherwise.
ALLOW_LOCAL_SERVICES = env.bool("ALLOW_LOCAL_SERVICES", default=False)
if not DEBUG and not ALLOW_LOCAL_SERVICES:
    missing = [
        name for name, value in (("REDIS_URL", REDIS_URL), ("EMAIL_URL", EMAIL_URL)) if not value
    ]
    if missing:
        raise ImproperlyConfigured(
            f"Production (DEBUG=false) needs {' and '.join(missing)}: a shared cache and broker "
            "(redis://…) and a mail server (smtp://…). To run a single process with a "
            "per-process cache, in-process tasks or mails printed to the console on purpose, "
            "set ALLOW_LOCAL_SERVICES=true (and EMAIL_URL=consolemail:// to print mails)."
        )

# --- Accounts (django-allauth) ------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "account_overview"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
# Confirming the address in the browser that signed up logs the person in and takes them
# where they were going (e.g. the advice slot they chose). allauth does this only while the
# sign-up is pending in that same session; a link opened elsewhere leads to the login page.
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"signup": "accounts.forms.SignupForm"}
ACCOUNT_RATE_LIMITS = {  # allauth's defaults, stated so they are visible and tunable
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
    "barrier_report": "5/10m/ip",  # our own: the public barrier-report form
    # Our own, per person: each of these sends mail (to the office, to an association's
    # published address, to an invited address, to the representatives).
    "network_proposal": "10/d/user",
    "network_claim": "5/h/user,20/d/user",
    "network_invitation": "10/h/user",
    "opportunity_interest": "5/h/user,20/d/user",
    # Beratung: each booking and question mails the person and the office.
    "advice_booking": "10/h/user,30/d/user",
    "advice_question": "5/h/user,20/d/user",
    # Infothek: "Frist merken" writes a row (the mail comes later, once).
    "infothek_reminder": "30/h/user,100/d/user",
    # Newsletter sign-up: each may send a confirmation mail to the address typed in.
    "newsletter_subscribe": "10/h/ip",
    # Qualifizierung: each registration mails the person; a wish may mail them later.
    "training_registration": "10/h/user,30/d/user",
    "training_wish": "10/h/user,30/d/user",
    # Qualifizierung: anyone may check a certificate's code; not by trying codes in bulk.
    "training_certificate_check": "20/m/ip,200/h/ip",
    "training_certificate_pdf": "20/h/user",  # each download renders a PDF (about 0.4 s)
}
# Behind a reverse proxy the client's address is in X-Forwarded-For; without this every
# visitor would share one rate-limit bucket (the proxy's address).
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env.str("MFA_TOTP_ISSUER", default="Kloormokers")
# Version of the privacy notice a person consents to at sign-up; bump when the text changes.
PRIVACY_NOTICE_VERSION = env.str("PRIVACY_NOTICE_VERSION", default="2026-11")

CRISPY_ALLOWED_TEMPLATE_PACKS = ("kern",)
CRISPY_TEMPLATE_PACK = "kern"

# --- Internationalisation -----------------------------------------------------------------
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
# Our catalog first; then overrides of third-party texts (django-allauth): formal "Sie" German,
# and English in the portal's words ("Log in", "e-mail address").
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_overrides"]
# British English dates ("26 November 2026", "26/11/2026") instead of Django's American ones.
FORMAT_MODULE_PATH = ["portal.formats"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

# --- Static and media ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files served at the site's root by whitenoise, before any view: /favicon.ico for browsers
# that ask for it without reading the page's <link rel="icon"> (scripts/make_favicons.py).
WHITENOISE_ROOT = BASE_DIR / "public"
MEDIA_URL = "/media/"
MEDIA_ROOT = env.str("MEDIA_ROOT", default=str(VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_STORAGE",
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

# --- Directory map (network) -------------------------------------------------------------
# Leaflet loads map tiles from this server (Leaflet's URL template: {z}/{x}/{y}, optionally {s}
# for subdomains and {r} for retina). Empty: the markers on a plain background, nothing loaded
# from another host (the tests run so). The CSP allows images from exactly this host.
MAP_TILE_URL = env.str("MAP_TILE_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env.str("MAP_TILE_ATTRIBUTION", default="© OpenStreetMap-Mitwirkende")
MAP_CENTER_LAT = env.float("MAP_CENTER_LAT", default=54.3)
MAP_CENTER_LON = env.float("MAP_CENTER_LON", default=9.75)
MAP_CENTER_ZOOM = env.int("MAP_CENTER_ZOOM", default=9)


def _tile_hosts(url: str) -> list[str]:
    """The CSP source of the tile server: scheme and host ({s} subdomains as a wildcard)."""
    if not url:
        return []
    parsed = urlsplit(url)
    host = parsed.netloc.replace("{s}", "*")
    if (
        parsed.scheme not in ("https", "http")
        or not host
        or re.search(r"[{}\s'\";,@]", host)
        or ("*" in host and not (host.startswith("*.") and "*" not in host[1:]))
    ):
        raise ImproperlyConfigured(
            f"MAP_TILE_URL ({url!r}) must be an http(s) address of a tile server, e.g. "
            "https://tile.openstreetmap.org/{z}/{x}/{y}.png, or empty for a map without tiles."
        )
    if not DEBUG and parsed.scheme != "https":
        raise ImproperlyConfigured(f"MAP_TILE_URL ({url!r}) must use https in production.")
    return [f"{parsed.scheme}://{host}"]


MAP_TILE_HOSTS = _tile_hosts(MAP_TILE_URL)
if not -90 <= MAP_CENTER_LAT <= 90 or not -180 <= MAP_CENTER_LON <= 180:
    raise ImproperlyConfigured(
        f"MAP_CENTER_LAT ({MAP_CENTER_LAT}) and MAP_CENTER_LON ({MAP_CENTER_LON}) must be "
        "a latitude (-90 … 90) and a longitude (-180 … 180)."
    )
if not 0 <= MAP_CENTER_ZOOM <= 19:
    raise ImproperlyConfigured(f"MAP_CENTER_ZOOM ({MAP_CENTER_ZOOM}) must be between 0 and 19.")

# --- Security -----------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^health/$"]  # the container healthcheck speaks plain HTTP
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_NAME = "sessionid" if DEBUG else "__Host-sessionid"
CSRF_COOKIE_NAME = "csrftoken" if DEBUG else "__Host-csrftoken"
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_NAME = "django_language"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "portal.views.csrf_failure"  # in the portal's layout and language
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # The map's tile server and nothing else (MAP_TILE_URL, below).
        "img-src": [SELF, "data:", *MAP_TILE_HOSTS],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# --- Logging ------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# --- Directory (network) ------------------------------------------------------------------
# Entries are confirmed as current at least this often; unconfirmed ones are hidden after
# the grace period; the confirmation link in the mail is valid this long.
NETWORK_CONFIRMATION_INTERVAL_DAYS = env.int("NETWORK_CONFIRMATION_INTERVAL_DAYS", default=365)
NETWORK_CONFIRMATION_GRACE_DAYS = env.int("NETWORK_CONFIRMATION_GRACE_DAYS", default=42)
NETWORK_CONFIRMATION_LINK_DAYS = env.int("NETWORK_CONFIRMATION_LINK_DAYS", default=60)

# --- Infothek -------------------------------------------------------------------------------
# Files to download (PDF, DOCX, ODT) are refused above this size.
INFOTHEK_MAX_UPLOAD_MB = env.int("INFOTHEK_MAX_UPLOAD_MB", default=10)

# --- Newsletter ----------------------------------------------------------------------------
# Version of the consent text on the sign-up form, stored with each subscription; bump it when
# the text changes.
NEWSLETTER_CONSENT_VERSION = env.str("NEWSLETTER_CONSENT_VERSION", default="2026-11")
# Sign-ups not confirmed within this many days are deleted (beat task).
NEWSLETTER_UNCONFIRMED_DAYS = env.int("NEWSLETTER_UNCONFIRMED_DAYS", default=7)
# Keep the IP address of a sign-up as consent evidence (off: data minimisation).
NEWSLETTER_KEEP_IP = env.bool("NEWSLETTER_KEEP_IP", default=False)
# An address for unsubscribing by mail, added to the List-Unsubscribe header (empty: none).
NEWSLETTER_UNSUBSCRIBE_MAILTO = env.str("NEWSLETTER_UNSUBSCRIBE_MAILTO", default="")
if NEWSLETTER_UNCONFIRMED_DAYS < 1:
    raise ImproperlyConfigured(
        f"NEWSLETTER_UNCONFIRMED_DAYS ({NEWSLETTER_UNCONFIRMED_DAYS}) must be at least 1."
    )

# --- County ---------------------------------------------------------------------------------
# Defaults for the staff-editable site configuration (admin → Portal → Site configuration).
# Another county sets these (or edits the record in admin); nothing county-specific is in code.
_office_street = env.str("OFFICE_STREET", default="Kaiserstraße 8")
_office_postal_code = env.str("OFFICE_POSTAL_CODE", default="24768")
_office_city = env.str("OFFICE_CITY", default="Rendsburg")
COUNTY_DEFAULTS = {
    "county_name": env.str("COUNTY_NAME", default="Kreis Rendsburg-Eckernförde"),
    "office_name": env.str("OFFICE_NAME", default="De Kloormokers"),
    "street": _office_street,
    "postal_code": _office_postal_code,
    "city": _office_city,
    "phone": env.str("OFFICE_PHONE", default="04331 202-0"),
    "email": env.str("OFFICE_EMAIL", default="kloormokers@kreis-rd.de"),
    "theme_color": env.str("THEME_COLOR", default="#005c8a"),
    # Impressum: responsible for the content under § 18 (2) MStV (the county's legal
    # representative unless the county names someone else).
    "content_responsible": env.str(
        "CONTENT_RESPONSIBLE", default="Landrat des Kreises Rendsburg-Eckernförde"
    ),
    # Datenschutz: the data protection officer. No e-mail address is preset: the office's
    # postal address stands in until staff enter the officer's direct contact.
    "dpo_name": env.str(
        "DPO_NAME",
        default="Behördliche Datenschutzbeauftragte des Kreises Rendsburg-Eckernförde",
    ),
    "dpo_address": env.str(
        "DPO_ADDRESS",
        default=", ".join(
            p for p in [_office_street, f"{_office_postal_code} {_office_city}"] if p.strip()
        ),
    ),
    "dpo_email": env.str("DPO_EMAIL", default=""),
    # Barrierefreiheit: the conciliation body under Schleswig-Holstein's disability equality
    # law (LBGG), as the state published it in 2024/25.
    "conciliation_name": env.str(
        "CONCILIATION_NAME",
        default=(
            "Schlichtungsstelle nach dem Landesbehindertengleichstellungsgesetz (LBGG) bei der "
            "Landesbeauftragten für Menschen mit Behinderungen Schleswig-Holstein"
        ),
    ),
    "conciliation_address": env.str("CONCILIATION_ADDRESS", default="Karolinenweg 1, 24105 Kiel"),
    "conciliation_phone": env.str("CONCILIATION_PHONE", default="0431 988-1272"),
    "conciliation_email": env.str("CONCILIATION_EMAIL", default="schlichtung@landtag.ltsh.de"),
    "conciliation_url": env.str(
        "CONCILIATION_URL", default="https://www.inklusion.sh/lb-und-aufgaben/schlichtungsstelle/"
    ),
}
