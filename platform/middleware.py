"""Platform-wide middleware."""
from django.db import connection
from django.http import JsonResponse


class HealthCheckMiddleware:
    """GET /healthz on any host: 200 when the database answers, 503 when not.

    It sits first so a load balancer's probe needs no tenant look-up, no
    session and no allowed host.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path != "/healthz":
            return self.get_response(request)
        try:
            connection.ensure_connection()
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
        except Exception as error:  # any database failure means "not healthy"
            return JsonResponse({"status": "unavailable", "database": type(error).__name__}, status=503)
        return JsonResponse({"status": "ok", "database": "ok"})


class ThaiFirstLocaleMiddleware:
    """Thai unless the visitor chose English with the switch (a cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language, and
    many phones in Thailand are set to English: the platform speaks Thai first.

    The choice follows the person across hosts (the landing page, each LAO's site, the sign-in provider):
    a cookie on the base domain where browsers allow one (not on `localhost`), and `?lang=` — or OIDC's
    `ui_locales`, also inside a `next` address — on the links and redirects that cross from one host to
    another. A language asked for that way is kept in this host's cookie too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    @staticmethod
    def _asked(request, languages) -> str:
        from urllib.parse import parse_qs, urlsplit

        for key in ("lang", "ui_locales"):
            value = request.GET.get(key, "")[:10].split(" ")[0]
            if value in languages:
                return value
        nested = parse_qs(urlsplit(request.GET.get("next", "")[:2000]).query)
        for key in ("lang", "ui_locales"):
            value = (nested.get(key) or [""])[0][:10].split(" ")[0]
            if value in languages:
                return value
        return ""

    def __call__(self, request):
        from django.conf import settings
        from django.utils import translation

        languages = dict(settings.LANGUAGES)
        asked = self._asked(request, languages)
        chosen = asked or request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in languages else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        response.headers.setdefault("Vary", "Cookie")
        if asked and asked != request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME):
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, asked, max_age=settings.LANGUAGE_COOKIE_AGE,
                                path=settings.LANGUAGE_COOKIE_PATH, domain=settings.LANGUAGE_COOKIE_DOMAIN,
                                secure=settings.LANGUAGE_COOKIE_SECURE, httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                                samesite=settings.LANGUAGE_COOKIE_SAMESITE)
        if request.LANGUAGE_CODE != settings.LANGUAGE_CODE and response.status_code in (301, 302, 303, 307, 308):
            response["Location"] = carry_language(response["Location"], request, request.LANGUAGE_CODE)
        return response


def carry_language(location: str, request, language: str) -> str:
    """A redirect to another host keeps the language: `lang=` added to its address."""
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    parts = urlsplit(location)
    if not parts.netloc or parts.netloc == request.get_host():
        return location  # same host: the cookie is there
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "lang"]
    return urlunsplit(parts._replace(query=urlencode([*query, ("lang", language)])))
