"""Settings for KyphoQuiz: one module, configured through the environment (django-environ).

Development: `make install` writes a git-ignored `.env` (`DJANGO_DEBUG=true` and a generated
secret key), read here, so every `manage.py` command works as typed; a SQLite file is the
default database. Production: set `DJANGO_SECRET_KEY`, `DJANGO_ALLOWED_HOSTS` and
`DATABASE_URL=postgres://...` in the environment and have no `.env`; `check --deploy` warns
(kyphoquiz.W001) when settings were read from one.
"""

from pathlib import Path

import environ
import xstatic.pkg.bootstrap
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

# DEVELOPMENT FILE
# Variables already in the environment win over the file. DJANGO_ENV_FILE names another file,
# or "" for none (the test run uses none, so it exercises the production defaults).
ENV_FILE = env.str("DJANGO_ENV_FILE", default=str(BASE_DIR / ".env"))
ENV_FILE_READ = bool(ENV_FILE) and Path(ENV_FILE).is_file()
if ENV_FILE_READ:
    environ.Env.read_env(ENV_FILE)

# CORE

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random string in production, "
            "or set DJANGO_DEBUG=true for local development."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105 - debug only

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# The site's public address, for links printed outside a request (enrol_patient, demo_setup).
SITE_URL = env.str("DJANGO_SITE_URL", default="http://127.0.0.1:8000")
# Printed on the patient's access sheet, so they know whom to call.
CLINIC_NAME = env.str("DJANGO_CLINIC_NAME", default="")
CLINIC_PHONE = env.str("DJANGO_CLINIC_PHONE", default="")

INSTALLED_APPS = [
    "kyphoquiz.admin_site.SiteAdminConfig",  # django.contrib.admin, history behind its permission
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "csp",
    "quizzes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "kyphoquiz.sessions.AuthenticationMiddleware",  # Django's, given the user read with the session
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "kyphoquiz.middleware.CSPMiddleware",  # django-csp's; JSON answers get default-src 'none'
    # Axes must come last: it turns a locked-out login into its own response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kyphoquiz.urls"
WSGI_APPLICATION = "kyphoquiz.wsgi.application"

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
            ],
        },
    },
]

# DATABASES

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work at once; the busy timeout makes a second writer wait
    # instead of failing with "database is locked" when a class submits together.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend, with a health check that asks the socket instead of the server: no
    # `SELECT 1` in front of every request's first query (kyphoquiz/postgres/base.py).
    DATABASES["default"]["ENGINE"] = "kyphoquiz.postgres"
# Keep connections between requests instead of opening one (and re-running its set-up) each time.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("DJANGO_CONN_HEALTH_CHECKS", default=True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# CACHES

# Rendered quiz pages are cached here. The default needs nothing running; in production point
# CACHE_URL at Redis (redis://127.0.0.1:6379/1) to share the cache between workers.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://kyphoquiz")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # Survives Redis being away (every call then misses) and reuses its Redis client.
    CACHES["default"]["BACKEND"] = "kyphoquiz.redis_cache.RedisCache"
    # A Redis that has gone must cost a page a fraction of a second, not a hung worker.
    CACHES["default"].setdefault("OPTIONS", {}).update(
        {
            "socket_connect_timeout": env.float("CACHE_CONNECT_TIMEOUT", default=0.25),
            "socket_timeout": env.float("CACHE_TIMEOUT", default=0.5),
        }
    )
# Each worker's own memory, in front of the default cache, for small values that never change
# once written (a self-test's answer sheet): read without a round trip to Redis.
CACHES["local"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "kyphoquiz-local",
    "OPTIONS": {"MAX_ENTRIES": 2000},
}

# SESSIONS

# With a shared cache, sessions are read through it (one query less per page), together with
# the signed-in user (one round trip, kyphoquiz/sessions.py). A per-process memory cache must
# not hold sessions: a logout in one worker would not reach the others.
CACHE_IS_SHARED = env.str("CACHE_URL", default="").startswith(("redis://", "rediss://"))
SESSION_ENGINE = "kyphoquiz.sessions" if CACHE_IS_SHARED else "django.contrib.sessions.backends.db"

# AUTHENTICATION

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "quizzes.backends.ModelBackend",
    "quizzes.backends.EnrolmentBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "quizzes:home"
LOGOUT_REDIRECT_URL = "quizzes:home"

# Five wrong passwords for one username from one address lock it for 15 minutes. Every wrong
# patient code counts under one name (`axes_username`), so five wrong codes from one address
# pause codes from it, whatever was typed. Links never go through django-axes: a 256-bit token
# cannot be guessed, and someone else's wrong codes must not lock it (README, "Patient access").
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "quizzes.backends.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "quizzes.consent.patient_views.locked_out"  # patients get a page of their own

# INTERNATIONALIZATION

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# STATIC FILES

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static", ("bootstrap", xstatic.pkg.bootstrap.BASE_DIR)]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# FORMS

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# SECURITY

# Production is served over HTTPS behind a TLS proxy that sets X-Forwarded-Proto (README,
# "Deploy"): redirect plain HTTP, send HSTS, mark cookies secure. DJANGO_HTTPS=false is the one
# opt-out for a plain-HTTP intranet (it turns all of these off, and `check --deploy` says so);
# each can also be set on its own.
HTTPS = env.bool("DJANGO_HTTPS", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_FAILURE_VIEW = "kyphoquiz.views.csrf_failure"  # the site's own 403 page, saying what to do
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=HTTPS)
# A load balancer's health probe talks plain HTTP to each app server directly.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Everything is served from this site: no CDN, no inline scripts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# ITEM ANALYSIS

# Flag thresholds of the question statistics, in percent (quizzes/rules/item_stats/flags.py has
# the defaults): e.g. KYPHOQUIZ_ITEM_FLAGS=too_easy_above=95,reliability_below=off
KYPHOQUIZ_ITEM_FLAGS = env.dict("KYPHOQUIZ_ITEM_FLAGS", default={})

# LOGGING

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="WARNING")},
}
