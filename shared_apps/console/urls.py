from django.urls import path

from . import dashboards, views

app_name = "console"
urlpatterns = [
    path("", views.home, name="home"),
    path("figures/", dashboards.national, name="figures"),
    path("figures/<str:code>/", dashboards.provincial, name="province_figures"),
    path("laos/", views.laos, name="laos"),
    path("laos/<str:dla_code>/", views.lao_detail, name="lao"),
    path("laos/<str:dla_code>/status/", views.lao_status, name="lao_status"),
    path("laos/<str:dla_code>/subdomain/", views.lao_hostname, name="lao_hostname"),
    path("onboarding/", views.onboarding, name="onboarding"),
    path("onboarding/<int:pk>/", views.job, name="job"),
    path("onboarding/<int:pk>/retry/", views.job_retry, name="job_retry"),
    path("staff/", views.staff, name="staff"),
    path("staff/<int:pk>/revoke/", views.staff_revoke, name="staff_revoke"),
]
