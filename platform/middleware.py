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
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        response.headers.setdefault("Vary", "Cookie")
        return response
