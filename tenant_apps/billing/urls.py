from django.urls import path

from . import api, views

app_name = "billing"
urlpatterns = [
    path("billing/invoices/", views.invoices, name="invoices"),
    path("api/billing/invoices/", api.OpenInvoicesApi.as_view(), name="api-invoices"),
    path("api/billing/invoices/<int:pk>/counter-payment/", api.CounterPaymentApi.as_view(), name="api-counter"),
]
