"""Error answers. Under /api/ a path that names nothing (an id the URL does not accept, a typo) answers
in JSON like every API refusal, so an API client never has to parse an HTML page; pages stay pages."""
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found


def not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return page_not_found(request, exception)
