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
