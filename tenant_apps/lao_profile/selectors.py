import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Subquery
from django.utils import timezone

from .models import Announcement, LAOProfile

HOME_VERSION_KEY = "lao-home-version:{schema}"
_HOME_KEY = "lao-home:{schema}:{onboarded}:{version}"


def profile_get() -> LAOProfile:
    """The LAO's profile (an empty one if it was never filled in)."""
    return LAOProfile.objects.filter(pk=1).first() or LAOProfile(pk=1)


def announcements_published(*, limit: int = 5):
    return Announcement.objects.filter(published_at__lte=timezone.now())[:limit]


def home_content(lao) -> dict:
    """What the LAO's home page shows of its own schema (profile, latest announcements), cached per LAO.

    A backend opening a LAO's tables for the first time reads their definitions from a catalog of
    1.5 million relations (≈1 ms) and keeps them (≈28 KB a schema): requests roaming over 7,849 LAO homes
    would pay that on almost every request. The content is cached under the LAO's version, which a change
    to its profile or announcements increments on commit (signals.py): a request that read the old rows
    while the change was open stored them under the old version, which nobody asks for again. An
    announcement scheduled for later ends the cached copy's life when it falls due.
    """
    schema = connection.schema_name
    key = _HOME_KEY.format(schema=schema, onboarded=lao.onboarded_at.timestamp() if lao.onboarded_at else "",
                           version=_home_version(schema))
    now = timezone.now()
    content = cache.get(key)
    if content is not None and (content["valid_until"] is None or now < content["valid_until"]):
        return content
    # The next scheduled announcement comes with the profile row: two queries, not three.
    due = Announcement.objects.filter(published_at__gt=now).order_by("published_at").values("published_at")[:1]
    profile = LAOProfile.objects.filter(pk=1).annotate(next_due=Subquery(due)).first()
    if profile is None:
        profile, next_due = LAOProfile(pk=1), due.values_list("published_at", flat=True).first()
    else:
        next_due = profile.next_due
    content = {"profile": profile, "announcements": list(announcements_published()), "valid_until": next_due}
    cache.set(key, content, settings.TENANT_CACHE_SECONDS)
    return content


def _home_version(schema: str) -> int:
    key = HOME_VERSION_KEY.format(schema=schema)
    version = cache.get(key)
    if version is None:
        cache.add(key, time.time_ns(), timeout=None)  # a new epoch, never equal to one evicted
        version = cache.get(key)
    return version


def home_changed(schema: str) -> None:
    """The LAO's home content changed: the next request reads it again."""
    key = HOME_VERSION_KEY.format(schema=schema)
    try:
        cache.incr(key)
    except ValueError:  # evicted or never read: any new epoch differs from the versions cached
        cache.set(key, time.time_ns(), timeout=None)
