from django.conf import settings


def platform(request):
    """What every page needs: the current LAO (on a LAO host) and the landing page's address."""
    return {
        "current_lao": getattr(request, "tenant", None),
        "portal_url": f"{settings.PUBLIC_SCHEME}://{settings.BASE_DOMAIN}{settings.PUBLIC_PORT}/",
    }
