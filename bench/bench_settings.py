"""Settings for the servers bench/scale.py starts: the test settings (DEBUG off, no HTTPS redirect) with the
cache production has — Redis through CACHE_URL, shared by the workers — when the bench could start one, else
local memory that holds every LAO (LocMem's default keeps 300 entries)."""
import os

from localservice.settings_test import *  # noqa: F401,F403

if os.environ.get("CACHE_URL"):
    import environ

    CACHES = {"default": environ.Env.cache_url_config(os.environ["CACHE_URL"])}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                          "OPTIONS": {"MAX_ENTRIES": 50_000}}}
