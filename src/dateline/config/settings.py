"""Dateline's settings. Environment variables choose the deployment; nothing else does.

Embedded default (no variables set): SQLite in WAL mode under ./var/, in-process cache, a database-
backed task queue, plain http://127.0.0.1. Scaled: DATABASE_URL=postgres://…, REDIS_URL=redis://…,
DATELINE_PROFILE=production behind TLS. docs/operating.md lists every variable.
"""

import os
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from dateline.config import environment as env

PROJECT_DIR = Path(__file__).resolve().parents[3]
VAR_DIR = env.var_dir("DATELINE_VAR_DIR", PROJECT_DIR / "var")

PROFILE = os.environ.get("DATELINE_PROFILE", "embedded")
if PROFILE not in {"embedded", "production"}:
    raise ImproperlyConfigured(f"DATELINE_PROFILE={PROFILE!r}: expected 'embedded' or 'production'")
PRODUCTION = PROFILE == "production"

DEBUG = env.flag("DATELINE_DEBUG", default=False)

if PRODUCTION:
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "DATELINE_PROFILE=production needs SECRET_KEY: at least 50 random characters, "
            "the same on every web and worker process"
        )
    ALLOWED_HOSTS = env.words("DATELINE_ALLOWED_HOSTS", [])
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "DATELINE_PROFILE=production needs DATELINE_ALLOWED_HOSTS, e.g. news.example.org"
        )
else:
    SECRET_KEY = os.environ.get("SECRET_KEY") or env.kept_secret_key(VAR_DIR)
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", *env.words("DATELINE_ALLOWED_HOSTS", [])]

INSTALLED_APPS = [
    "dateline.accounts",
    "dateline.editions",
    "dateline.stories",
    "dateline.comments",
    "dateline.discovery",
    "dateline.site",
    "dateline.demo",
    "dateline.newsroom",
    "dateline.wire",
    # Django's admin with the newsroom's site: chief editors only, at /newsroom/admin/.
    "dateline.newsroom.admin_app.NewsroomAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks_db",
    "axes",
    "django_ratelimit",
]

MIDDLEWARE = [
    # First: load balancers probe with their own Host header, which ALLOWED_HOSTS refuses.
    "dateline.site.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Django's, with the site's policy written once (dateline.site.middleware).
    "dateline.site.middleware.ContentSecurityPolicyMiddleware",
    "dateline.site.middleware.PermissionsPolicyMiddleware",
    # Outside the session and CSRF middleware, to see every cookie they set (decision 0032).
    "dateline.site.middleware.CacheHeadersMiddleware",
    "dateline.site.middleware.DatabaseDownMiddleware",
    "dateline.wire.middleware.ApiRefusalsInJson",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a refused sign-in into the lock-out page (429).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dateline.config.urls"
WSGI_APPLICATION = "dateline.config.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

TEMPLATES = [
    {
        # The public site renders with Jinja2: measured about three times faster than Django
        # templates on the article page (docs/decisions/0003-jinja2-for-public-pages.md).
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "APP_DIRS": True,
        "OPTIONS": {"environment": "dateline.site.templating.environment"},
    },
    {
        # Django's admin (the newsroom's screens) keeps Django templates.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
            ],
        },
    },
]

# --- Database: SQLite under var/ unless DATABASE_URL names another ------------------------------
DATABASES = {
    "default": env.database(
        "DATABASE_URL",
        f"sqlite:///{VAR_DIR / 'dateline.sqlite3'}",
        conn_max_age=600,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend, checking a kept connection only after it was idle (decision 0063).
    DATABASES["default"]["ENGINE"] = "dateline.config.postgresql"
    # A database host that is down answers 503 within seconds, not after the OS's TCP timeout.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 3
    # The compiled queries' statements prepared on their first run, once per connection
    # (decision 0065); off (None, Django's default) for a pooler that cannot keep them.
    DATABASES["default"]["OPTIONS"]["prepare_threshold"] = (
        0 if env.flag("DATELINE_PREPARED_STATEMENTS", default=True) else None
    )
    # No parallel workers for a query of a few milliseconds: starting them cost a middling
    # tag's page 10 ms at a million stories, and search gained nothing (decision 0066).
    DATABASES["default"]["OPTIONS"]["options"] = " ".join(
        filter(
            None,
            [
                DATABASES["default"]["OPTIONS"].get("options"),
                "-c max_parallel_workers_per_gather=0",
            ],
        )
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's backend, converting each statement's placeholders once (decision 0060).
    DATABASES["default"]["ENGINE"] = "dateline.config.sqlite3"
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers go on while one writer writes; IMMEDIATE takes the write lock at BEGIN,
        # so two writers queue on busy_timeout instead of failing with "database is locked".
        # cache_size (in KiB when negative) and mmap keep the hot pages of a large story table
        # in memory; the defaults (2 MB, no mmap) are sized for small embedded databases.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
            " PRAGMA foreign_keys=ON; PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456;"
            " PRAGMA temp_store=MEMORY;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: in-process unless REDIS_URL is set -------------------------------------------------
REDIS_URL = env.redis_url("REDIS_URL")
# Redis is an accelerator, not a dependency: when it is down pages are rendered without it
# (site/resilient_cache.py), and a request waits at most this long to find out.
_REDIS_TIMEOUTS = {"socket_connect_timeout": 0.25, "socket_timeout": 0.5}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "dateline.site.resilient_cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("DATELINE_CACHE_PREFIX", "dateline"),
            "OPTIONS": _REDIS_TIMEOUTS,
        },
        # Counters of comment posts (django-ratelimit): the same Redis, their own prefix.
        "limits": {
            "BACKEND": "dateline.site.resilient_cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("DATELINE_CACHE_PREFIX", "dateline") + ":limits",
            "OPTIONS": _REDIS_TIMEOUTS,
        },
    }
else:
    # Files, not process memory: the web processes, the worker and commands such as
    # `dateline import` must all see one cache, or a purge in one leaves the others stale.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": VAR_DIR / "cache",
            # Each write lists the directory to decide whether to cull, so the bound is also
            # the cost of a cache miss: 5,000 files list in a few milliseconds.
            "OPTIONS": {"MAX_ENTRIES": 5_000},
        },
        # Counters of comment posts (django-ratelimit): a SQLite file of their own, shared by
        # every process, counted atomically, never culled while they count (decision 0022).
        "limits": {
            "BACKEND": "dateline.comments.counters.SQLiteCounterCache",
            "LOCATION": VAR_DIR / "limits.sqlite3",
        },
    }
# Whole public pages are cached until a story they show changes (site/page_cache.py and
# site/invalidation.py, decision 0032), fresh this long at most, then kept this much longer
# to be served stale while the database is down.
PAGE_CACHE_SECONDS = env.integer("DATELINE_PAGE_CACHE_SECONDS", 60, least=0)
PAGE_STALE_SECONDS = env.integer("DATELINE_PAGE_STALE_SECONDS", 3600, least=0)
# Page-cache hits each web process remembers whole, to answer them before Django's middleware
# and URLs (site/fast_path.py, decision 0035); 0 turns that off. About 40 KB each.
PAGE_FAST_PATH_ENTRIES = env.integer("DATELINE_PAGE_FAST_PATH_ENTRIES", 256)
# How long, in milliseconds, a web process answers remembered pages on its last read of the
# change ids before reading them again: a change by another process reaches its remembered
# pages this much later at most; 0 reads them for every answer (decision 0035).
PAGE_FAST_PATH_RECHECK_MS = env.integer("DATELINE_PAGE_FAST_PATH_RECHECK_MS", 100)
# More changes than this at once (an import) retire every page instead of their scopes.
PAGE_CACHE_TARGETED_LIMIT = 2_000
# HTTP caching of public pages (decision 0032): seconds browsers keep a page, seconds shared
# caches (nginx, a CDN) keep it — they are purged when what it shows changes —, seconds they
# may serve it stale while fetching it again, and while the site answers errors.
HTTP_MAX_AGE = env.integer("DATELINE_HTTP_MAX_AGE", 30, least=0)
HTTP_SHARED_MAX_AGE = env.integer("DATELINE_HTTP_SHARED_MAX_AGE", 300, least=0)
HTTP_STALE_WHILE_REVALIDATE = env.integer("DATELINE_HTTP_STALE_WHILE_REVALIDATE", 30, least=0)
HTTP_STALE_IF_ERROR = env.integer("DATELINE_HTTP_STALE_IF_ERROR", 86_400, least=0)
# While the database is down, what a 503 tells clients to wait before trying again.
DATABASE_RETRY_AFTER_SECONDS = 5
# The HTTP caches in front (Varnish, deploy/): each is sent a BAN for the pages that show a story
# when it changes (site/purge.py). Empty: no cache in front, nothing sent.
HTTP_CACHE_PURGE_URLS = env.words("DATELINE_HTTP_CACHE_PURGE_URL", [])
# Each ban is sent again this many seconds later, for a page whose rendering began before the
# change committed and reached the cache after the first ban (decision 0033).
HTTP_CACHE_BAN_REPEAT_SECONDS = env.integer("DATELINE_HTTP_CACHE_BAN_REPEAT_SECONDS", 2)
# Related News: how much nearness in time counts. Two stories this many days apart score 3/4
# of two published together; 0 turns the decay off (discovery/related.py).
RELATED_RECENCY_DAYS = env.integer("DATELINE_RELATED_RECENCY_DAYS", 30)

# --- Background tasks: Django's tasks framework, queued in the database ------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Each worker also sweeps for scheduled stories and embargoes that are due, at start and then
# this often: the safety net under each story's own queued release task.
RELEASE_SWEEP_SECONDS = env.integer("DATELINE_RELEASE_SWEEP_SECONDS", 15)
# Webhook deliveries (wire/webhooks.py): the waits before each retry, then a dead letter; and
# whether targets may be on private, loopback or link-local addresses (never, in production).
WEBHOOK_RETRY_SCHEDULE = env.delays("DATELINE_WEBHOOK_RETRY_SCHEDULE", "5s,30s,2m,10m,1h")
WEBHOOK_ALLOW_PRIVATE = env.flag("DATELINE_WEBHOOK_ALLOW_PRIVATE", False)
WEBHOOK_TIMEOUT_SECONDS = 5

# --- Internationalisation ----------------------------------------------------------------------
LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# The public site's interface words (editions/labels.py): one catalogue per language, compiled
# to .mo by `make setup`. They come before Django's own catalogues for the same words.
LOCALE_PATHS = [Path(__file__).resolve().parents[1] / "locale"]

# --- Static files: served by WhiteNoise from var/static, hashed names, compressed --------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# What `make setup` installs rather than the repository holds (the Persian web font); without
# npm it is absent, and then not looked for (a missing directory would be a check warning).
INSTALLED_STATIC_DIR = PROJECT_DIR / ".tools" / "static"
STATICFILES_DIRS = [INSTALLED_STATIC_DIR] if INSTALLED_STATIC_DIR.is_dir() else []
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Security ----------------------------------------------------------------------------------
# Every page carries a Content Security Policy; the site has no inline scripts or styles.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", "https:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# What Django reads of a form's fields (files apart) before refusing it with the "too large"
# page (413, newsroom.views.refused.bad_request). A story's body at its limit
# (stories.content.MAX_BODY_BYTES, 1,000,000 bytes) is up to three times that as the browser
# sends it, percent-encoded (%D8%B3 for the two bytes of one Persian letter), and the rest of
# the form needs room: above that, so the body's own check, with its message, speaks first.
DATA_UPLOAD_MAX_MEMORY_SIZE = 4_000_000
# A form whose token no longer counts (signed in again in another tab, a page older than the
# session): a newsroom screen that says so and gives a story's typed text back, not Django's
# bare English page.
CSRF_FAILURE_VIEW = "dateline.newsroom.views.refused.csrf_failure"

if PRODUCTION:
    # Behind TLS: the proxy terminates HTTPS and says so in X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.flag("DATELINE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.integer("DATELINE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_TRUSTED_ORIGINS = [f"https://{host.lstrip('.')}" for host in ALLOWED_HOSTS]
    SECURE_CSP["upgrade-insecure-requests"] = True

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Sign-in throttling: django-axes, by account and by address (decision 0011) ----------------
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out sign-in before any password is checked. It needs the request,
    # so tests call client.login(request=HttpRequest(), ...) or use client.force_login().
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failures are rows in the database: one shared count for every process and machine, on SQLite
# and PostgreSQL alike, that survives restarts and cache clears.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
# Each on its own: failures for one account from any addresses lock the account; failures from
# one address for any accounts lock the address.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = env.integer("DATELINE_LOGIN_FAILURE_LIMIT", 5)
if AXES_FAILURE_LIMIT < 1:
    raise ImproperlyConfigured("DATELINE_LOGIN_FAILURE_LIMIT: expected a whole number, 1 or more")
_cool_off_minutes = env.integer("DATELINE_LOGIN_COOLOFF_MINUTES", 15)
if _cool_off_minutes < 1:
    raise ImproperlyConfigured("DATELINE_LOGIN_COOLOFF_MINUTES: expected a whole number, 1 or more")
AXES_COOLOFF_TIME = timedelta(minutes=_cool_off_minutes)
# A try while locked out counts and starts the cool-off again (the page says so).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = True
# Axes' own reset on success would also wipe the signing-in address's failures against *other*
# accounts; dateline.accounts.throttling forgets only that account's failures from that address.
AXES_RESET_ON_SUCCESS = False
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_CALLABLE = "dateline.accounts.throttling.locked_out"
AXES_CLIENT_IP_CALLABLE = "dateline.accounts.throttling.client_address"
AXES_CLIENT_STR_CALLABLE = "dateline.accounts.throttling.describe_client"
# Logged and stored in clear: the username and the address. Masked: the password (always).
AXES_SENSITIVE_PARAMETERS = ["csrfmiddlewaretoken"]
# How many proxies in front of Dateline append to X-Forwarded-For (production only: the
# embedded server is reached directly, and a header any client can write is never trusted).
TRUSTED_PROXIES = env.integer("DATELINE_TRUSTED_PROXIES", 1 if PRODUCTION else 0)
if TRUSTED_PROXIES < 0:
    raise ImproperlyConfigured("DATELINE_TRUSTED_PROXIES: expected a whole number, 0 or more")
if TRUSTED_PROXIES and not PRODUCTION:
    raise ImproperlyConfigured(
        "DATELINE_TRUSTED_PROXIES applies only with DATELINE_PROFILE=production"
    )

# Staff sessions (HttpOnly and SameSite=Lax above; Secure in production): a session lasts a
# long shift, then the desk signs in again. Django's default, two weeks, is long for shared
# newsroom machines.
SESSION_COOKIE_AGE = env.integer("DATELINE_SESSION_HOURS", 12) * 3600
if SESSION_COOKIE_AGE <= 0:
    raise ImproperlyConfigured(
        "DATELINE_SESSION_HOURS: expected a whole number of hours, 1 or more"
    )

# --- Reader comments (docs/comments.md) -------------------------------------------------------
# Seconds a reader must spend between being shown the form and sending it (bots are faster).
COMMENT_MIN_SECONDS = env.integer("DATELINE_COMMENT_MIN_SECONDS", 3)
# Posts allowed per address and, separately, per email: comma-separated COUNT/PERIOD rules,
# each of which must hold, e.g. "1/15s,5/min"; units s, min (or m), h, d.
COMMENT_RATE = env.rates("DATELINE_COMMENT_RATE", "1/15s,5/min")
COMMENT_MAX_DEPTH = env.integer("DATELINE_COMMENT_DEPTH", 3)
if COMMENT_MAX_DEPTH < 1:
    raise ImproperlyConfigured("DATELINE_COMMENT_DEPTH: expected a whole number, 1 or more")
# Where links in mail sent outside a request (a moderator's command) point.
SITE_URL = os.environ.get("DATELINE_SITE_URL", "http://localhost:8000")
COMMENT_MAX_LENGTH = 5_000  # characters of comment text
COMMENT_MAX_LINKS = 2  # more than this and a comment waits for a moderator
# django-ratelimit warns of every cache backend it does not list, Django's own Redis one and
# our SQLite counters among them; both count atomically (decision 0022).
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
RATELIMIT_USE_CACHE = "limits"
# With the counters unreachable (Redis down), comments are taken unlimited, not refused: the
# form token's delay, the link rule and moderation still hold (decision 0032).
RATELIMIT_FAIL_OPEN = True

# --- Mail: what readers asked for (comment published, answered, delete link) ------------------
# Embedded: each message is a file under var/mail ("console" prints them); production: SMTP.
_mail_backend = os.environ.get("DATELINE_EMAIL_BACKEND", "smtp" if PRODUCTION else "file")
_MAILER_MODULES = {"file": "filebased", "console": "console", "smtp": "smtp"}
_MAILER_OPTIONS = {
    "file": {"file_path": str(VAR_DIR / "mail")},
    "console": {},
    "smtp": {
        "host": os.environ.get("DATELINE_EMAIL_HOST", "localhost"),
        "port": env.integer("DATELINE_EMAIL_PORT", 25),
    },
}
if _mail_backend not in _MAILER_OPTIONS:
    raise ImproperlyConfigured(
        f"DATELINE_EMAIL_BACKEND={_mail_backend!r}: expected one of {', '.join(_MAILER_OPTIONS)}"
    )
MAILERS = {
    "default": {
        "BACKEND": f"django.core.mail.backends.{_MAILER_MODULES[_mail_backend]}.EmailBackend",
        "OPTIONS": _MAILER_OPTIONS[_mail_backend],
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("DATELINE_EMAIL_FROM", "Dateline <comments@localhost>")

# --- Serving -----------------------------------------------------------------------------------
PORT = env.integer("PORT", 8000, least=1, most=65535)
WEB_WORKERS = env.integer("DATELINE_WEB_WORKERS", 2, least=1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.log_level("DATELINE_LOG_LEVEL", "INFO")},
    # Each failed sign-in and each lock-out is a WARNING with the username and the address, on
    # the console; axes' INFO lines (start-up banner, clean-ups) are chatter.
    "loggers": {"axes": {"level": "WARNING"}},
}
