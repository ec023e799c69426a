"""Settings for Local Service, read once from the environment (django-environ).

Every variable is documented in README.md and in `env.example`.
"""
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent  # the repository root
PLATFORM_DIR = BASE_DIR / "platform"

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=true for local development).")
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"

# --- Hosts: the landing page on BASE_DOMAIN, each LAO on <hostname>.BASE_DOMAIN ---
BASE_DOMAIN = env("BASE_DOMAIN", default="localhost").lower().strip(".")
# Port shown in the links we print and render (":8000" in development, "" behind nginx).
PUBLIC_PORT = env("PUBLIC_PORT", default="")
PUBLIC_SCHEME = env("PUBLIC_SCHEME", default="http" if DEBUG else "https")
ALLOWED_HOSTS = [BASE_DOMAIN, f".{BASE_DOMAIN}"] + env.list("EXTRA_ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list(
    "CSRF_TRUSTED_ORIGINS",
    default=[f"{PUBLIC_SCHEME}://{BASE_DOMAIN}", f"{PUBLIC_SCHEME}://*.{BASE_DOMAIN}"],
)

# --- Applications: django-tenants, one schema per LAO, apps chosen by LAO type ---
SHARED_APPS = [
    "django_tenants",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "shared_apps.geography",
    "tenants",
    "shared_apps.portal",
]
LAO_COMMON_APPS = [  # every LAO's schema
    "tenant_apps.lao_profile",
]
PAO_APPS = [  # อบจ.: hotel fee, petroleum and tobacco taxes
    "tenant_apps.ordinances",
]
MUNICIPAL_APPS = [  # municipalities, SAOs, Pattaya City: advertising permits
    "tenant_apps.advertising",
]

_PAO = {"APPS": LAO_COMMON_APPS + PAO_APPS, "URLCONF": "localservice.urls_pao"}
_MUNICIPAL = {"APPS": LAO_COMMON_APPS + MUNICIPAL_APPS, "URLCONF": "localservice.urls_municipal"}
# Keys are the values of LAO.lao_type (tenants.models.LAOType).
TENANT_TYPES = {
    "public": {"APPS": SHARED_APPS, "URLCONF": "localservice.urls_public"},
    "provincial_admin_org": _PAO,
    "city_municipality": _MUNICIPAL,
    "town_municipality": _MUNICIPAL,
    "subdistrict_municipality": _MUNICIPAL,
    "subdistrict_admin_org": _MUNICIPAL,
    "special_admin_area": _MUNICIPAL,
}
HAS_MULTI_TYPE_TENANTS = True
MULTI_TYPE_DATABASE_FIELD = "lao_type"
TENANT_MODEL = "tenants.LAO"
TENANT_DOMAIN_MODEL = "tenants.Domain"
# `tenants` comes before django_tenants so its migrate/migrate_schemas commands win
# (they migrate onboarded LAOs only; registered ones have no schema yet).
INSTALLED_APPS = list(dict.fromkeys(["tenants"] + SHARED_APPS + LAO_COMMON_APPS + PAO_APPS + MUNICIPAL_APPS))

# The landing host is recognised without a query; LAO hosts are cached this long.
TENANT_CACHE_SECONDS = env.int("TENANT_CACHE_SECONDS", default=300)

MIDDLEWARE = [
    "localservice.middleware.HealthCheckMiddleware",  # first: answers even when the DB is down
    "django.middleware.security.SecurityMiddleware",
    "tenants.middleware.LAOTenantMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "localservice.middleware.ThaiFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "localservice.urls_public"
PUBLIC_SCHEMA_URLCONF = "localservice.urls_public"
WSGI_APPLICATION = "localservice.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PLATFORM_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "localservice.context_processors.platform",
            ],
        },
    },
]

# --- Database: DATABASE_URL, or an embedded PostgreSQL under .pgdata/ ---
if env("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
else:
    from localservice import embedded_db

    DATABASES = {"default": embedded_db.database_settings(BASE_DIR / ".pgdata")}
DATABASES["default"]["ENGINE"] = "django_tenants.postgresql_backend"
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

# --- Where the DLA reference data lives (provinces, districts, the LAO registry) ---
SHARED_DATA_DIR = Path(env("SHARED_DATA_DIR", default=str(BASE_DIR.parent / "shared" / "data")))

# --- Internationalisation: Thai first, English second ---
LANGUAGE_CODE = "th"
LANGUAGES = [("th", "ไทย"), ("en", "English")]
LOCALE_PATHS = [PLATFORM_DIR / "locale"]
TIME_ZONE = "Asia/Bangkok"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [PLATFORM_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Local Service API",
    "DESCRIPTION": "The platform on which Thailand's local administrative organizations serve citizens.",
    "VERSION": "0.1.0",
}

# --- Security: strict unless DEBUG; behind nginx the proxy sets X-Forwarded-Proto ---
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"pgserver": {"level": "WARNING"}},
}
