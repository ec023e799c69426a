"""URLs of the public schema: the landing page, the national API, DLA's admin."""
from django.conf import settings
from django.contrib import admin
from django_otp.admin import OTPAdminSite
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from localservice.api_docs import redoc_view

if settings.ADMIN_OTP_REQUIRED:
    admin.site.__class__ = OTPAdminSite  # DLA's admin asks for the authenticator code too

urlpatterns = [
    path("", include("shared_apps.portal.urls")),
    path("", include("shared_apps.accounts.urls")),
    path("", include("shared_apps.notifications.urls")),  # the person's notification settings
    path("dla/", include("shared_apps.console.urls")),  # DLA's console and the provincial offices' pages
    path("api/reports/", include("shared_apps.oversight.urls")),  # open data: published aggregates only
    path("api/", include("tenants.urls_api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", redoc_view("api-schema"), name="api-docs"),  # Redoc under the CSP
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
handler404 = "localservice.errors.not_found"  # JSON under /api/
