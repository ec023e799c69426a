from django.urls import path

from . import api, views, workplace_views

app_name = "officers"
urlpatterns = [
    path("officer/", workplace_views.home, name="home"),  # the officer home: where sign-in leads an officer
    path("officer/account/", workplace_views.account, name="account"),
    path("officer/guide/", workplace_views.guide, name="guide"),
    path("officers/", views.officer_list, name="list"),
    path("officers/<int:pk>/change/", views.officer_change, name="change"),
    path("officers/audit/", views.audit_list, name="audit"),
    path("officers/national-id/", views.reveal_national_id, name="reveal-id"),
    path("officers/invitations/<str:token>/", views.invitation, name="invitation"),
    path("api/officers/", api.OfficerListApi.as_view(), name="api-list"),
    path("api/officers/<int:pk>/roles/", api.OfficerRoleApi.as_view(), name="api-roles"),
    path("api/audit/", api.AuditTrailApi.as_view(), name="api-audit"),
]
