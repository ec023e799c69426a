"""Settings for Local Service, read once from the environment (django-environ).

Every variable is documented in README.md and in `env.example`.
"""
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

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
    "shared_apps.accounts",  # the custom user model: before admin and auth
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Redoc served from our static files, not a CDN
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "shared_apps.geography",
    "shared_apps.calendar",
    "tenants",
    "shared_apps.ledger",
    "shared_apps.oversight",  # figures the LAOs publish, for DLA and the provinces
    "shared_apps.person_items",  # what each person must do at every LAO, published by the LAOs
    "shared_apps.notifications",  # messages to people: one interface, their channels and choices
    "shared_apps.portal",
    "shared_apps.console",  # DLA's console and the provincial offices' pages (/dla/)
    "shared_apps.documents",  # signed PDF/A-3b documents: no models (files per LAO under MEDIA_ROOT)
    "shared_apps.audit",  # also a LAO app: each schema keeps its own trail
]
LAO_COMMON_APPS = [  # every LAO's schema
    "shared_apps.audit",
    "tenant_apps.lao_profile",
    "tenant_apps.officers",
    "tenant_apps.billing",
]

# A local OpenID provider standing in for DOPA Digital ID, so development needs no
# internet. Only with DEBUG, whatever else the environment says: the test suite switches
# it on in code, after reading these (settings_test calls enable_dev_identity_provider).
DEV_IDENTITY_PROVIDER = env.bool("DEV_IDENTITY_PROVIDER", default=DEBUG)
if DEV_IDENTITY_PROVIDER and not DEBUG:
    raise ImproperlyConfigured("DEV_IDENTITY_PROVIDER is for development only: it is refused when DEBUG is off.")
DEV_IDP_APPS = ["oauth2_provider", "shared_apps.dev_idp"]
if DEV_IDENTITY_PROVIDER:
    SHARED_APPS += DEV_IDP_APPS
PAO_APPS = [  # อบจ.: hotel fee, petroleum and tobacco taxes
    "tenant_apps.ordinances",
    "tenant_apps.businesses",
    "tenant_apps.pao_filing",
    "tenant_apps.hotel_fee",
    "tenant_apps.petroleum_tax",
    "tenant_apps.tobacco_tax",
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
    # Before the tenant middleware, so its own pages (unknown host, suspended LAO) carry the headers too.
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # Static files need no LAO: served before the host is looked up, so a not-yet-onboarded or suspended
    # LAO's page has its stylesheet (the tenant middleware would answer its own page for /static/ too).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tenants.middleware.LAOTenantMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "localservice.middleware.ThaiFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "shared_apps.accounts.middleware.SessionHostMiddleware",  # a session is good on the host it was signed in on
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
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
# Persistent connections in production: a new PostgreSQL backend per request halves the
# throughput. But a backend's catalog caches grow by ≈28 KB for every LAO schema it touches
# and are never given back, so each connection is also closed after serving
# DB_CONN_MAX_REQUESTS requests or DB_CONN_MAX_SCHEMAS distinct LAO schemas
# (tenants.connections); gunicorn's max_requests recycles whole workers (deploy/).
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0 if DEBUG else 600))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", env.bool("CONN_HEALTH_CHECKS", default=True))
DB_CONN_MAX_REQUESTS = env.int("DB_CONN_MAX_REQUESTS", default=1000)
DB_CONN_MAX_SCHEMAS = env.int("DB_CONN_MAX_SCHEMAS", default=500)
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

# Signed documents issued after commit in the caller when there is no broker, at most this many at once
# (more — a bank statement's receipts — are issued on their first download instead).
DOCUMENTS_INLINE_MAX = env.int("DOCUMENTS_INLINE_MAX", default=10)

# Background tasks: Celery where a broker is configured, inline (in the caller) where not.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "Asia/Bangkok"

# --- Where the DLA reference data lives (provinces, districts, the LAO registry) ---
SHARED_DATA_DIR = Path(env("SHARED_DATA_DIR", default=str(BASE_DIR.parent / "shared" / "data")))

# --- Internationalisation: Thai first, English second ---
LANGUAGE_CODE = "th"
LANGUAGES = [("th", "ไทย"), ("en", "English")]
# The language choice on the base domain, so every LAO's site shares it — where browsers accept a domain
# cookie (not on `localhost`: there, and towards the sign-in provider, `?lang=` carries it across hosts).
LANGUAGE_COOKIE_DOMAIN = f".{BASE_DOMAIN}" if "." in BASE_DOMAIN else None
LANGUAGE_COOKIE_SAMESITE = "Lax"
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
STATEMENT_INBOX = Path(env("STATEMENT_INBOX", default=str(BASE_DIR / "inbox")))

# --- Signed documents (shared_apps/documents): receipts, permits, slips, filing acknowledgements ---
# per_lao: <KEYS_DIR>/lao-<DLA code>.p12 per LAO; dla: one <KEYS_DIR>/dla.p12 signing on the LAOs' behalf; off.
# A PKCS#12's passphrase: <file>.pass sealed with FIELD_ENCRYPTION_KEYS, else DOCUMENT_SIGNING_PASSPHRASE.
# Keys live in files (or, later, an HSM through PKCS#11: README), never in the database.
DOCUMENT_SIGNING_MODE = env("DOCUMENT_SIGNING_MODE", default="per_lao")
DOCUMENT_SIGNING_KEYS_DIR = Path(env("DOCUMENT_SIGNING_KEYS_DIR", default=str(BASE_DIR / "signing-keys")))
DOCUMENT_SIGNING_PASSPHRASE = env("DOCUMENT_SIGNING_PASSPHRASE", default="")
DOCUMENT_TRUST_ROOTS = env.list("DOCUMENT_TRUST_ROOTS", default=[])  # PEM files (a Thai CA's roots)
TSA_URL = env("TSA_URL", default="")  # an RFC 3161 timestamp authority: PAdES B-T; empty: B-B
TSA_TIMEOUT = env.int("TSA_TIMEOUT", default=10)

# --- Identity: citizens through DOPA Digital ID (OpenID Connect), officers and staff by password + TOTP ---
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out sign-ins
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
# The relying party. DOPA's discovery document names the endpoints and keys; the
# redirect URI (BASE_DOMAIN/accounts/dopa/callback/) is registered with DOPA.
DEV_IDP_HOST = env("DEV_IDP_HOST", default="127.0.0.1")  # its own host: its own session cookie


def _dopa_oidc(*, dev_idp: bool, dev_idp_host: str, public_port: str) -> dict:
    return {
        "DISCOVERY_URL": env(
            "DOPA_OIDC_DISCOVERY_URL",
            default=(f"http://{dev_idp_host}{public_port}/dev-idp/.well-known/openid-configuration"
                     if dev_idp else "https://imauth.bora.dopa.go.th/.well-known/openid-configuration"),
        ),
        "CLIENT_ID": env("DOPA_OIDC_CLIENT_ID", default="localservice-dev" if dev_idp else ""),
        "CLIENT_SECRET": env("DOPA_OIDC_CLIENT_SECRET", default="localservice-dev-secret" if dev_idp else ""),
        "SCOPES": env("DOPA_OIDC_SCOPES", default="openid pid name name_en given_name family_name"),
        "TOKEN_ENDPOINT_AUTH_METHOD": env("DOPA_OIDC_TOKEN_AUTH_METHOD", default="client_secret_basic"),
        "LEEWAY_SECONDS": env.int("DOPA_OIDC_LEEWAY_SECONDS", default=60),
    }


DOPA_OIDC = _dopa_oidc(dev_idp=DEV_IDENTITY_PROVIDER, dev_idp_host=DEV_IDP_HOST, public_port=PUBLIC_PORT)


def enable_dev_identity_provider(namespace: dict) -> None:
    """Switch the D.DOPA stand-in on in a settings namespace (a settings module's globals()): its apps and
    host, the relying party's development client, the provider's own settings. Called here with DEBUG,
    and by settings_test; nothing in the environment reaches it otherwise."""
    namespace["DEV_IDENTITY_PROVIDER"] = True
    if DEV_IDP_APPS[0] not in namespace["INSTALLED_APPS"]:
        namespace["SHARED_APPS"].extend(DEV_IDP_APPS)  # in place: TENANT_TYPES["public"] holds this list
        namespace["INSTALLED_APPS"] = namespace["INSTALLED_APPS"] + DEV_IDP_APPS
    host, port = namespace["DEV_IDP_HOST"], namespace["PUBLIC_PORT"]
    if host not in namespace["ALLOWED_HOSTS"]:
        namespace["ALLOWED_HOSTS"].append(host)  # its own host: its own session cookie
    namespace["DOPA_OIDC"] = _dopa_oidc(dev_idp=True, dev_idp_host=host, public_port=port)
    namespace["OAUTH2_PROVIDER"] = {
        "OIDC_ENABLED": True,
        "PKCE_REQUIRED": True,
        "OIDC_RSA_PRIVATE_KEY": "",  # filled by shared_apps.dev_idp.keys at start-up
        "OIDC_ISS_ENDPOINT": f"http://{host}{port}/dev-idp",
        "OAUTH2_VALIDATOR_CLASS": "shared_apps.dev_idp.validators.DevDopaValidator",
        "SCOPES": {
            "openid": "OpenID Connect", "pid": "National ID", "name": "Thai name", "name_en": "English name",
            "given_name": "Given name", "family_name": "Family name",
        },
        "ACCESS_TOKEN_EXPIRE_SECONDS": 300,
        "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
        "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
        "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
        "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
        "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
        # Like a provider that follows RFC 9700 §4.4: `iss` on every answer, advertised in discovery.
        "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
        "REFRESH_TOKEN_REUSE_PROTECTION": True,
        "ID_TOKEN_EXPIRE_SECONDS": 300,
    }
    namespace["OAUTH2_PROVIDER_APPLICATION_MODEL"] = "oauth2_provider.Application"


if DEV_IDENTITY_PROVIDER:
    enable_dev_identity_provider(globals())
SIGN_IN_TICKET_SECONDS = 60  # the hop that carries a central sign-in to a LAO's host

# --- The client address (django-ipware) ---
# PROXY_COUNT reverse proxies stand in front, each appending the address it was called from to
# X-Forwarded-For (nginx's $proxy_add_x_forwarded_for): the client is the PROXY_COUNT-th address from the
# right; anything further left was sent by the client and is ignored. 0: the socket's address only.
PROXY_COUNT = env.int("PROXY_COUNT", default=0)
if PROXY_COUNT < 0:
    raise ImproperlyConfigured("PROXY_COUNT is the number of proxies in front (0 or more).")
# The nearest proxy's addresses or networks: X-Forwarded-For is read only on requests coming from one of
# them, so a request reaching the application around the proxy cannot choose its address.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])

# django-axes: lock an account/address pair after repeated failures, so an attacker elsewhere
# cannot lock the real officer out.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "shared_apps.accounts.views.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Axes asks the same function as the audit trail and the bank allow-list (django-ipware with the settings
# above, TRUSTED_PROXIES included); the AXES_IPWARE_* values say the same in ipware's terms, where the
# nearest proxy is REMOTE_ADDR and not counted in the header.
AXES_CLIENT_IP_CALLABLE = "shared_apps.audit.services.client_address"
AXES_IPWARE_PROXY_ORDER = "left-most"
AXES_IPWARE_PROXY_COUNT = PROXY_COUNT - 1 if PROXY_COUNT else None
AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if PROXY_COUNT else ("REMOTE_ADDR",)
OTP_TOTP_ISSUER = "Local Service"
ADMIN_OTP_REQUIRED = env.bool("ADMIN_OTP_REQUIRED", default=not DEBUG)
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))  # e.g. smtp+tls://user:pass@host:587
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default=f"Local Service <no-reply@{BASE_DOMAIN}>")
# Messages to people (shared_apps/notifications): channels by name (an SMS or LINE adapter is one more entry),
# and the quiet hours (local time) in which messages are held until the morning.
NOTIFICATION_CHANNELS = {"email": "shared_apps.notifications.channels.EmailChannel"}
NOTIFICATION_QUIET_HOURS = (21, 7)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "localservice.openapi.AutoSchema",  # drf-spectacular's, with the refusals
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # First, so a refused key answers 401 with its WWW-Authenticate scheme.
        "tenant_apps.businesses.authentication.BusinessApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
}
# DRF's parsers, the JSON one refusing lone surrogates and too-deep nesting with a 400 (see shared_apps.text).
REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"] = ["shared_apps.text.JSONParser", "rest_framework.parsers.FormParser",
                                            "rest_framework.parsers.MultiPartParser"]
# --- Throttling (DRF throttles on the default cache: Redis through CACHE_URL in production, local memory
# in development). "N/period", period s, min, hour or day; empty: no limit.
REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = ["localservice.throttling.ApiKeyThrottle"]
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {
    "api_key": env("THROTTLE_API_KEY", default="300/min") or None,  # calls per business key
    "api_key_failures": env("THROTTLE_API_KEY_FAILURES", default="20/min") or None,  # refused keys per address
    "bank_failures": env("THROTTLE_BANK_FAILURES", default="20/min") or None,  # refused bank calls per address
    "statement_upload": env("THROTTLE_STATEMENT_UPLOADS", default="30/hour") or None,  # per officer
    "sign_in": env("THROTTLE_SIGN_IN", default="30/min") or None,  # officer password sign-ins per address
    "dopa_callback": env("THROTTLE_DOPA_CALLBACK", default="60/min") or None,  # DOPA returns per address
    "open_data": env("THROTTLE_OPEN_DATA", default="120/min") or None,  # open-data reports per address
}
# What a refused bank call leaves in the log (BankCall.body), in bytes.
BANK_UNAUTHENTICATED_BODY_LIMIT = 2048

# --- Secrets sealed at rest (bank notification secrets, the KTB password): Fernet keys, comma-separated;
# the first seals, every one unseals (add a new key first, run `manage.py rotate_secrets`, then drop the
# old one). With DEBUG and none set, a development key derived from SECRET_KEY.
FIELD_ENCRYPTION_KEYS = [key.strip() for key in env.list("FIELD_ENCRYPTION_KEYS", default=[]) if key.strip()]
if not FIELD_ENCRYPTION_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured("Set FIELD_ENCRYPTION_KEYS (a Fernet key: python -c 'from cryptography.fernet "
                                   "import Fernet; print(Fernet.generate_key().decode())'), or DEBUG=true.")
    import base64
    import hashlib

    FIELD_ENCRYPTION_KEYS = [base64.urlsafe_b64encode(
        hashlib.sha256(b"localservice.sealing:" + SECRET_KEY.encode()).digest()).decode()]
else:
    from cryptography.fernet import Fernet

    try:
        [Fernet(key) for key in FIELD_ENCRYPTION_KEYS]
    except ValueError:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS holds a value that is not a Fernet key "
                                   "(32 url-safe base64-encoded bytes).") from None

SPECTACULAR_SETTINGS = {
    "TITLE": "Local Service API",
    "DESCRIPTION": "The platform on which Thailand's local administrative organizations serve citizens.",
    "VERSION": "0.1.0",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Requests and responses get components of their own: a response marks what it always carries as required.
    "COMPONENT_SPLIT_REQUEST": True,
    # One name per choice set, wherever it appears.
    "ENUM_NAME_OVERRIDES": {
        "LAOStatusEnum": "tenants.models.LAOStatus",
        "BusinessStatusEnum": "tenant_apps.businesses.models.BusinessStatus",
        "BusinessKindEnum": "tenant_apps.businesses.models.BusinessKind",
        "ReturnStatusEnum": "tenant_apps.pao_filing.models.ReturnStatus",
        "ReturnKindEnum": "tenant_apps.pao_filing.models.ReturnKind",
        "ApplicationStatusEnum": "tenant_apps.advertising.models.ApplicationStatus",
        "PermitStatusEnum": "tenant_apps.advertising.models.PermitStatus",
        "DocumentKindEnum": "tenant_apps.advertising.models.DocumentKind",
        "InvoiceStatusEnum": "tenant_apps.billing.models.InvoiceStatus",
        "RefundStatusEnum": "tenant_apps.billing.models.Refund.Status",
        "RoleEnum": "tenant_apps.officers.models.Role",
        "BankCodeEnum": "tenant_apps.billing.api.BANK_CODES",
    },
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

# Content-Security-Policy (django-csp): no inline script or style anywhere, nothing from another origin.
# Pages keep their styles in static/css and their behaviour in static/js. One view widens it: the API
# reference (Redoc, see localservice.api_docs), and only as far as Redoc needs.
# form-action is left out on purpose: signing in and linking DOPA Digital ID are form posts that redirect
# to the central site and on to DOPA, and browsers check form-action on every hop of those redirects.
from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
    },
}
# Permissions-Policy (django-permissions-policy): no page needs these (the advertising map point is typed
# as coordinates, never read from the device), so a page that is ever injected cannot ask for them.
PERMISSIONS_POLICY = {feature: [] for feature in (
    "accelerometer", "autoplay", "browsing-topics", "camera", "display-capture", "encrypted-media", "fullscreen",
    "geolocation", "gyroscope", "hid", "idle-detection", "magnetometer", "microphone", "midi", "payment",
    "picture-in-picture", "publickey-credentials-get", "screen-wake-lock", "serial", "usb", "xr-spatial-tracking",
)}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"pgserver": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
