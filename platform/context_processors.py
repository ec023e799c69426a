from django.conf import settings


def platform(request):
    """What every page needs: the current LAO (on a LAO host) and the landing page's address."""
    from django.utils.functional import SimpleLazyObject

    tenant = getattr(request, "tenant", None)
    lao_access = None
    if hasattr(tenant, "dla_code"):
        from tenant_apps.officers.access import request_access

        lao_access = SimpleLazyObject(lambda: request_access(request))
    from django.utils.translation import get_language

    return {
        # Links to another of our hosts carry the language chosen here (cookies do not cross hosts).
        "lang_query": "" if get_language() == settings.LANGUAGE_CODE else f"?lang={get_language()}",
        "lao_access": lao_access,
        "current_lao": getattr(request, "tenant", None),
        "portal_url": f"{settings.PUBLIC_SCHEME}://{settings.BASE_DOMAIN}{settings.PUBLIC_PORT}/",
    }
