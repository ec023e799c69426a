from django.utils import timezone

from .models import Announcement, LAOProfile


def profile_get() -> LAOProfile:
    """The LAO's profile (an empty one if it was never filled in)."""
    return LAOProfile.objects.filter(pk=1).first() or LAOProfile(pk=1)


def announcements_published(*, limit: int = 5):
    return Announcement.objects.filter(published_at__lte=timezone.now())[:limit]
