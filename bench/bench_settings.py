"""Settings for the servers bench/scale.py starts: the test settings (DEBUG off, no HTTPS redirect) with a
host cache that holds every LAO (LocMem's default keeps 300 entries; production uses Redis, CACHE_URL)."""
from localservice.settings_test import *  # noqa: F401,F403

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                      "OPTIONS": {"MAX_ENTRIES": 50_000}}}
