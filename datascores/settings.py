"""Django settings: every value comes from the environment, with embedded defaults.

With no environment at all the app runs on one machine: SQLite, a filesystem blob
store, the embedded (tantivy) search index and an embedded Celery broker, all under
``DATASCORES_HOME`` (default ``./var``).
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_SECRET_KEY = "datascores-insecure-default-secret-key-change-me"  # noqa: S105
MIN_SECRET_KEY_CHARS = 50  # as the README and docker-compose.yml ask

env = environ.Env()

HOME = Path(env.str("DATASCORES_HOME", default="var")).resolve()  # ./var by default

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=DEFAULT_SECRET_KEY)
PRODUCTION = env.bool("DATASCORES_PRODUCTION", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])


def check_production(debug: bool, secret_key: str) -> None:
    """Refuse to run in production with DEBUG on or the shipped secret key."""
    if debug:
        raise ImproperlyConfigured("DATASCORES_PRODUCTION is set: DJANGO_DEBUG must be off.")
    if (
        not secret_key
        or secret_key == DEFAULT_SECRET_KEY
        or len(secret_key) < MIN_SECRET_KEY_CHARS
        or len(set(secret_key)) < 8
    ):
        raise ImproperlyConfigured(
            "DATASCORES_PRODUCTION is set: DJANGO_SECRET_KEY must be a private value "
            f"of at least {MIN_SECRET_KEY_CHARS} characters, not the default."
        )


if PRODUCTION:
    check_production(DEBUG, SECRET_KEY)
    SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"
    # One year. Sent only on HTTPS responses, so harmless where TLS is not in front;
    # DJANGO_HSTS_SECONDS=0 turns it off.
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31_536_000)
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SSL_REDIRECT", default=False)
    if env.bool("DJANGO_BEHIND_TLS_PROXY", default=False):
        # The proxy terminates TLS and says so in this header.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "datascores.documents",
    "datascores.entities",
    "datascores.jobs",
    "scrapers",
    "foi",
    "search",
    "web",
    "django_celery_beat",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "datascores.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "datascores.urls"
WSGI_APPLICATION = "datascores.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "web.context.limits",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{HOME / 'datascores.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Worker processes and the web server write concurrently: wait for the lock rather
    # than failing at once; take the write lock when a transaction starts (a deferred
    # transaction that upgrades to a write fails at once with "database is locked"
    # instead of waiting); and use WAL so readers never block the writer.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": env.float("DATASCORES_SQLITE_TIMEOUT", default=60),
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = HOME / "static"
MEDIA_ROOT = HOME / "media"

# --- documents -------------------------------------------------------------------------
BLOB_ROOT = Path(env.str("DATASCORES_BLOB_ROOT", default=str(HOME / "blobs")))
MAX_FILE_SIZE = env.int("DATASCORES_MAX_FILE_SIZE", default=100 * 1024 * 1024)
MAX_TEXT_CHARS = env.int("DATASCORES_MAX_TEXT_CHARS", default=5_000_000)
MAX_PAGES = env.int("DATASCORES_MAX_PAGES", default=2000)
ZIP_MAX_MEMBERS = env.int("DATASCORES_ZIP_MAX_MEMBERS", default=1000)
ZIP_MAX_TOTAL_BYTES = env.int("DATASCORES_ZIP_MAX_TOTAL_BYTES", default=200 * 1024 * 1024)
MAX_NESTING_DEPTH = env.int("DATASCORES_MAX_NESTING_DEPTH", default=3)
# Each extraction runs in a child process with these limits, so a hostile file
# can exhaust only its own child, never the worker.
EXTRACT_TIME_LIMIT = env.int("DATASCORES_EXTRACT_TIME_LIMIT", default=300)
EXTRACT_MEMORY_LIMIT_MB = env.int("DATASCORES_EXTRACT_MEMORY_LIMIT_MB", default=2048)
OCR_ENABLED = env.bool("DATASCORES_OCR", default=True)
OCR_PAGE_TIME_LIMIT = env.float("DATASCORES_OCR_PAGE_TIME_LIMIT", default=60.0)
OCR_DPI = env.int("DATASCORES_OCR_DPI", default=300)
OCR_LANGUAGE = env.str("DATASCORES_OCR_LANGUAGE", default="eng")
TESSDATA_PREFIX = env.str("TESSDATA_PREFIX", default="")
# Recovery: a worker holds a document it works on by a lease that its heartbeat renews;
# a lease that runs out (a killed worker) is swept up and the document queued again.
# Each claim counts an attempt; after PROCESSING_MAX_ATTEMPTS the document is failed.
PROCESSING_LEASE_SECONDS = env.float("DATASCORES_LEASE_SECONDS", default=30.0)
PROCESSING_MAX_ATTEMPTS = env.int("DATASCORES_MAX_ATTEMPTS", default=5)
PROCESSING_QUEUE_GRACE = env.float("DATASCORES_QUEUE_GRACE", default=30.0)
RECOVERY_SWEEP_INTERVAL = env.float("DATASCORES_SWEEP_INTERVAL", default=30.0)

# --- search ----------------------------------------------------------------------------
SEARCH_BACKEND = env.str("DATASCORES_SEARCH_BACKEND", default="embedded")
SEARCH_INDEX_DIR = Path(env.str("DATASCORES_INDEX_DIR", default=str(HOME / "index")))
ELASTICSEARCH_URL = env.str("ELASTICSEARCH_URL", default="")
ELASTICSEARCH_INDEX = env.str("ELASTICSEARCH_INDEX", default="datascores")
ELASTICSEARCH_SHARDS = env.int("ELASTICSEARCH_SHARDS", default=1)
ELASTICSEARCH_REPLICAS = env.int("ELASTICSEARCH_REPLICAS", default=0)
# The cost budget (search/backends/budget.py): seconds one page of results, a count or
# an API call may take, and one whole export; how many expensive queries (fuzzy words,
# short prefixes, partial matches) run at once on this machine, how long one waits for
# a free slot (0: refused at once with 429, so no web worker is held waiting), and the
# folder of the slots' lock files (default: beside the embedded index).
SEARCH_SECONDS = env.float("DATASCORES_SEARCH_SECONDS", default=2.0)
SEARCH_EXPORT_SECONDS = env.float("DATASCORES_SEARCH_EXPORT_SECONDS", default=120.0)
SEARCH_EXPENSIVE_SLOTS = env.int("DATASCORES_SEARCH_EXPENSIVE_SLOTS", default=1)
SEARCH_SLOT_WAIT = env.float("DATASCORES_SEARCH_SLOT_WAIT", default=0.0)
SEARCH_SLOTS_DIR = Path(
    env.str("DATASCORES_SEARCH_SLOTS_DIR", default=str(SEARCH_INDEX_DIR / "slots"))
)

# --- fetcher ---------------------------------------------------------------------------
FETCHER_USER_AGENT = env.str(
    "DATASCORES_USER_AGENT", default="DataScoresBot/0.1 (+https://data-scores.org/about)"
)
FETCHER_ALLOW_PRIVATE = env.bool("DATASCORES_FETCHER_ALLOW_PRIVATE", default=False)
FETCHER_MIN_INTERVAL = env.float("DATASCORES_FETCHER_MIN_INTERVAL", default=1.0)
FETCHER_TIMEOUT = env.float("DATASCORES_FETCHER_TIMEOUT", default=30.0)
FETCHER_MAX_DURATION = env.float("DATASCORES_FETCHER_MAX_DURATION", default=300.0)
# Private networks the fetcher may reach even with private addresses refused (CIDRs),
# e.g. an intranet mirror of a council site.
FETCHER_ALLOWED_NETWORKS = env.list("DATASCORES_FETCHER_ALLOWED_NETWORKS", default=[])
# Connections at once to one host (shared through Redis when Redis is the broker), and
# pages one scrape run fetches at once.
FETCHER_HOST_CONCURRENCY = env.int("DATASCORES_FETCHER_HOST_CONCURRENCY", default=2)
SCRAPER_CONCURRENCY = env.int("DATASCORES_SCRAPER_CONCURRENCY", default=4)

# --- WhatDoTheyKnow / Alaveteli importer (foi/) ------------------------------------------
# Any Alaveteli site works (AskTheEU, FYI.org.nz, ...). WhatDoTheyKnow's house rules ask
# automated users to go slowly, identify themselves and ask mySociety for approval.
WDTK_BASE_URL = env.str("DATASCORES_WDTK_BASE_URL", default="https://www.whatdotheyknow.com")
# An address mySociety can reach you at, added to the User-Agent (e.g. mailto:you@example.org).
WDTK_CONTACT = env.str("DATASCORES_WDTK_CONTACT", default="")
WDTK_DELAY = env.float("DATASCORES_WDTK_DELAY", default=5.0)  # seconds between requests
WDTK_REIMPORT_HOURS = env.float("DATASCORES_WDTK_REIMPORT_HOURS", default=24.0)

# --- Celery ----------------------------------------------------------------------------
# Without CELERY_BROKER_URL the tasks go through kombu's filesystem transport in the
# home folder: no server needed; `datascores serve` starts a worker beside the site.
BROKER_DIR = HOME / "broker"
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
EMBEDDED_BROKER = CELERY_BROKER_URL.startswith("filesystem://")
if EMBEDDED_BROKER:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "in"),
        "data_folder_out": str(BROKER_DIR / "in"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
else:
    # Redis redelivers a message not acknowledged within this time; it must outlast the
    # longest task (OCR: 3,700 s hard limit) or a running task would be run twice. A killed
    # worker's documents come back sooner, through their leases.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3900)
    }
# Folders the app writes to. Importing the settings creates nothing: the documents app
# makes these when Django starts (the database, WhiteNoise -- which warns about a missing
# static root on every request -- and the embedded broker need them before first use).
FOLDERS = [HOME, STATIC_ROOT]
if EMBEDDED_BROKER:
    FOLDERS += [BROKER_DIR / sub for sub in ("in", "processed", "control")]
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=600)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=660)
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int(
    "CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=1_500_000
)  # KiB
CELERY_TASK_DEFAULT_QUEUE = "extract"
CELERY_TASK_ROUTES = {
    "datascores.documents.tasks.ocr_document": {"queue": "ocr"},
    "search.tasks.*": {"queue": "index"},
    "datascores.entities.tasks.*": {"queue": "extract"},
}
CELERY_BEAT_SCHEDULE = {
    "sweep-stalled-documents": {
        "task": "datascores.documents.tasks.sweep_stalled",
        "schedule": RECOVERY_SWEEP_INTERVAL,
    },
    "sweep-dirty-index": {"task": "search.tasks.sweep_dirty", "schedule": 60.0},
    # Requests still awaiting a response or clarification are asked about again.
    "reimport-open-foi-requests": {
        "task": "foi.tasks.reimport_open",
        "schedule": WDTK_REIMPORT_HOURS * 3600,
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = str(HOME / "celerybeat-schedule")
# Beat reads its schedules from the database (django-celery-beat), so admins edit a web
# source's cron schedule in the admin; the entries above are synced into it at start.
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# --- site: page pictures, alerts, bulk download ------------------------------------------
PAGE_CACHE_DIR = Path(env.str("DATASCORES_PAGE_CACHE_DIR", default=str(HOME / "cache" / "pages")))
PAGE_RENDER_WAIT = env.float("DATASCORES_PAGE_RENDER_WAIT", default=5.0)  # s for a worker
BULK_MAX_DOCUMENTS = env.int("DATASCORES_BULK_MAX_DOCUMENTS", default=500)
BULK_MAX_BYTES = env.int("DATASCORES_BULK_MAX_BYTES", default=1024 * 1024 * 1024)
SIGNUP_OPEN = env.bool("DATASCORES_SIGNUP_OPEN", default=False)  # else by invitation
SITE_URL = env.str("DATASCORES_SITE_URL", default="http://localhost:8000")  # links in e-mail
# consolemail:// (default), filemail:///path, smtp+tls://user:password@host:587
_email = env.email_url("DATASCORES_EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_FILE_PATH = _email["EMAIL_FILE_PATH"] or str(HOME / "mail")
EMAIL_HOST = _email["EMAIL_HOST"] or "localhost"
EMAIL_PORT = _email["EMAIL_PORT"] or 25
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"] or ""
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"] or ""
EMAIL_USE_TLS = bool(_email.get("EMAIL_USE_TLS"))
EMAIL_USE_SSL = bool(_email.get("EMAIL_USE_SSL"))
DEFAULT_FROM_EMAIL = env.str("DATASCORES_FROM_EMAIL", default="Data Scores <alerts@localhost>")
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "saved_searches"
LOGOUT_REDIRECT_URL = "home"
CELERY_BEAT_SCHEDULE["send-alert-digests"] = {
    "task": "web.tasks.send_alert_digests",
    "schedule": 3600.0,  # each saved search is sent when its day or week is up
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DATASCORES_LOG_LEVEL", default="INFO")},
    "loggers": {"pdfminer": {"level": "WARNING"}, "PIL": {"level": "WARNING"}},
}

# Serve static files through WhiteNoise from the app folders too, so `datascores serve`
# needs no collectstatic step.
WHITENOISE_USE_FINDERS = True
