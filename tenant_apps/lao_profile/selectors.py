from django.utils import timezone

from .models import Announcement, LAOProfile


def profile_get() -> LAOProfile:
    """The LAO's profile (an empty one if it was never filled in)."""
    return LAOProfile.objects.filter(pk=1).first() or LAOProfile(pk=1)


def announcements_published(*, limit: int = 5):
    return Announcement.objects.filter(published_at__lte=timezone.now())[:limit]


HOME_SECONDS = 60  # a scheduled announcement shows within a minute of its time


def _home_key() -> str:
    from django.db import connection

    return f"lao-home:{connection.schema_name}"


def home_content() -> dict:
    """What the LAO's home page shows (its profile and latest announcements), kept in the shared cache per LAO
    and dropped when either changes (signals, now and after commit): the most visited LAO page then reads none
    of the LAO's tables, so requests roaming over thousands of LAOs cost what requests to one LAO cost."""
    from django.core.cache import cache

    key = _home_key()
    content = cache.get(key)
    if content is None:
        content = {"profile": profile_get(), "announcements": list(announcements_published())}
        cache.set(key, content, HOME_SECONDS)
    return content


def forget_home_content() -> None:
    from django.core.cache import cache

    cache.delete(_home_key())
