"""Settings for the test suite: the real settings with fast, local choices."""
import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("DEBUG", "false")
# Secrets are sealed with a fixed test key (DEBUG is off here, so one must be given).
os.environ.setdefault("FIELD_ENCRYPTION_KEYS", "dGVzdC1vbmx5LWZpZWxkLWVuY3J5cHRpb24ta2V5LTE=")
# The D.DOPA stand-in is switched on below, in code: the real settings refuse it without DEBUG whatever
# the environment says (a .env asking for it must not stop the suite either).
os.environ["DEV_IDENTITY_PROVIDER"] = "false"

from localservice.settings import *  # noqa: E402,F401,F403
from localservice.settings import enable_dev_identity_provider  # noqa: E402

enable_dev_identity_provider(globals())  # the OIDC flow is tested against it

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # the live server serves the CSS without collectstatic: the browser journeys need it
PUBLIC_SCHEME = "http"
ADMIN_OTP_REQUIRED = False  # one test switches it on
AXES_FAILURE_LIMIT = 3
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
NOTIFICATION_QUIET_HOURS = (0, 0)  # none: a test sends at whatever hour it runs (tests of the quiet hours set them)
import tempfile  # noqa: E402

MEDIA_ROOT = tempfile.mkdtemp(prefix="localservice-test-media-")
DOCUMENT_SIGNING_KEYS_DIR = tempfile.mkdtemp(prefix="localservice-test-keys-")  # the development CA's, per run
