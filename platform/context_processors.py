from django.conf import settings


def platform(request):
    """What every page needs: the current LAO (on a LAO host) and the landing page's address."""
    from django.utils.functional import SimpleLazyObject

    tenant = getattr(request, "tenant", None)
    lao_access = officer_nav = None
    if hasattr(tenant, "dla_code"):
        from tenant_apps.officers.access import request_access

        lao_access = SimpleLazyObject(lambda: request_access(request))
        officer_nav = SimpleLazyObject(lambda: _officer_nav(request))
    from django.utils.translation import get_language

    return {
        # Links to another of our hosts carry the language chosen here (cookies do not cross hosts).
        "lang_query": "" if get_language() == settings.LANGUAGE_CODE else f"?lang={get_language()}",
        "lao_access": lao_access,
        "officer_nav": officer_nav,
        "current_lao": getattr(request, "tenant", None),
        "portal_url": f"{settings.PUBLIC_SCHEME}://{settings.BASE_DOMAIN}{settings.PUBLIC_PORT}/",
    }


def _officer_nav(request):
    """The header menu, the default breadcrumbs and the help link of an officer's page on a LAO site."""
    from types import SimpleNamespace

    from tenant_apps.officers.access import request_access
    from tenant_apps.officers.navigation import breadcrumbs_for, help_url_for, menu_for

    access = request_access(request)
    match = getattr(request, "resolver_match", None)
    view_name = match.view_name if match else ""
    if not access.roles:
        return SimpleNamespace(menu=[], breadcrumbs=[], help_url=None, account_url=None)
    from django.urls import reverse

    return SimpleNamespace(menu=menu_for(access, current=view_name), breadcrumbs=breadcrumbs_for(view_name, access),
                           help_url=help_url_for(view_name), account_url=reverse("officers:account"))
