"""Open-data reports under /api/reports/ on the central site (see api.py for the suppression rule)."""
from django.urls import path

from . import api

urlpatterns = [
    path("revenue/", api.RevenueReportApi.as_view(), name="api-report-revenue"),
    path("filing/", api.FilingReportApi.as_view(), name="api-report-filing"),
    path("permits/", api.PermitReportApi.as_view(), name="api-report-permits"),
]
