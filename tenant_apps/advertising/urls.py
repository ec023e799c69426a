from django.urls import path

from . import api, views

app_name = "advertising"
urlpatterns = [
    path("advertising/", views.advertising_conditions, name="conditions"),
    path("advertising/applications/", views.my_applications, name="mine"),
    path("advertising/applications/new/", views.application_edit, name="new"),
    path("advertising/applications/<int:pk>/", views.application_page, name="application"),
    path("advertising/applications/<int:pk>/edit/", views.application_edit, name="edit"),
    path("advertising/applications/<int:pk>/documents/<int:document_id>/", views.document_download, name="document"),
    path("advertising/applications/<int:pk>/permit.pdf", views.permit_pdf, name="permit-pdf"),
    path("advertising/officers/", views.officer_queue, name="queue"),
    path("advertising/officers/conditions/", views.policy_page, name="policy"),
    path("permits/<int:fiscal_year>/<int:number>/", views.permit_verify, name="verify"),
    path("api/advertising/applications/", api.ApplicationListApi.as_view(), name="api-list"),
    path("api/advertising/applications/<int:pk>/", api.ApplicationDetailApi.as_view(), name="api-detail"),
    path("api/advertising/applications/<int:pk>/documents/", api.DocumentUploadApi.as_view(), name="api-documents"),
    path("api/advertising/applications/<int:pk>/actions/", api.ApplicationActionApi.as_view(), name="api-action"),
    path("api/advertising/queue/", api.OfficerQueueApi.as_view(), name="api-queue"),
    path("api/advertising/permits/<int:fiscal_year>/<int:number>/", api.PermitVerifyApi.as_view(), name="api-verify"),
]
