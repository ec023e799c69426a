"""Reads for the officers app."""
from django.db.models import Count, Min
from django.utils import timezone

from .models import Invitation


def invitations_waiting() -> dict:
    """Invitations sent and not yet accepted, revoked or expired: how many, and when the oldest was sent."""
    return Invitation.objects.filter(accepted_at__isnull=True, revoked_at__isnull=True,
                                     expires_at__gt=timezone.now()).aggregate(count=Count("id"),
                                                                               oldest=Min("created_at"))
