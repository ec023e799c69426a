from django.urls import path

from tenant_apps.businesses import api as business_api

from . import api, views

app_name = "pao"
urlpatterns = [
    # filers
    path("businesses/", views.my_businesses, name="businesses"),
    path("businesses/register/", views.business_register_page, name="business-register"),
    path("businesses/<int:business_id>/", views.business_page, name="business"),
    path("businesses/<int:business_id>/file/", views.file_return, name="file"),
    path("businesses/<int:business_id>/returns/<int:return_id>/", views.return_page, name="return"),
    path("businesses/<int:business_id>/returns/<int:return_id>/additional/", views.file_return, name="additional"),
    path("businesses/<int:business_id>/returns/<int:return_id>/acknowledgement.pdf", views.acknowledgement_pdf,
         name="acknowledgement-pdf"),
    # officers
    path("pao/registrations/", views.registration_queue, name="registrations"),
    path("pao/returns/", views.review_queue_page, name="queue"),
    path("pao/returns/<str:kind>/<int:return_id>/", views.review_page, name="review"),
    path("pao/overdue/", views.overdue_page, name="overdue"),
    path("pao/ordinances/", views.ordinance_settings_page, name="ordinance-settings"),
    # API
    path("api/businesses/", business_api.BusinessListApi.as_view(), name="api-businesses"),
    path("api/businesses/<int:business_id>/", business_api.BusinessDetailApi.as_view(), name="api-business"),
    path("api/businesses/<int:business_id>/api-keys/", business_api.ApiKeyListApi.as_view(), name="api-keys"),
    path("api/businesses/<int:business_id>/api-keys/<int:key_id>/revoke/", business_api.ApiKeyRevokeApi.as_view(),
         name="api-key-revoke"),
    path("api/businesses/<int:business_id>/returns/", api.ReturnListApi.as_view(), name="api-returns"),
    path("api/businesses/<int:business_id>/returns/<int:return_id>/additional/", api.AdditionalReturnApi.as_view(),
         name="api-additional"),
    path("api/pao/registrations/", api.RegistrationQueueApi.as_view(), name="api-registrations"),
    path("api/pao/registrations/<int:business_id>/decide/", api.RegistrationDecisionApi.as_view(),
         name="api-decide"),
    path("api/pao/returns/<str:kind>/", api.ReviewQueueApi.as_view(), name="api-queue"),
    path("api/pao/returns/<str:kind>/<int:return_id>/review/", api.ReturnReviewApi.as_view(), name="api-review"),
    path("api/pao/overdue/", api.OverdueApi.as_view(), name="api-overdue"),
]
