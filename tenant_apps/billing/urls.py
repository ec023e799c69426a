from django.urls import path

from . import api, finance_views, views

app_name = "billing"
urlpatterns = [
    path("billing/invoices/", views.invoices, name="invoices"),
    path("billing/statements/", views.statements, name="statements"),
    path("billing/exceptions/", views.exceptions, name="exceptions"),
    path("billing/receipts/", views.receipts, name="receipts"),
    path("billing/refunds/", views.refunds, name="refunds"),
    path("billing/settings/", views.settings_page, name="settings"),
    # the money pages (issue 12): at a glance, the finance registers, e-LAAS
    path("billing/overview/", finance_views.overview, name="overview"),
    path("billing/daily-summary/", finance_views.daily_summary, name="daily_summary"),
    path("billing/receipt-register/", finance_views.receipt_register, name="receipt_register"),
    path("billing/receivables/", finance_views.receivables, name="receivables"),
    path("billing/e-laas/", finance_views.elaas_export, name="elaas_export"),
    path("billing/revenue-codes/", finance_views.revenue_codes, name="revenue_codes"),
    path("pay/<str:token>/", views.slip, name="slip"),
    path("pay/<str:token>/slip.pdf", views.slip_pdf, name="slip-pdf"),
    path("receipts/<str:token>/receipt.pdf", views.receipt_pdf, name="receipt-pdf"),
    path("receipts/<str:token>/", views.receipt_verify, name="receipt-verify"),
    path("api/billing/invoices/", api.OpenInvoicesApi.as_view(), name="api-invoices"),
    path("api/billing/invoices/<int:pk>/counter-payment/", api.CounterPaymentApi.as_view(), name="api-counter"),
    path("api/billing/statements/", api.StatementUploadApi.as_view(), name="api-statements"),
    path("api/billing/payments/<int:pk>/refunds/", api.RefundApi.as_view(), name="api-refund"),
    path("api/billing/refunds/<int:pk>/status/", api.RefundStatusApi.as_view(), name="api-refund-status"),
    path("api/receipts/<str:token>/", api.ReceiptVerifyApi.as_view(), name="api-receipt-verify"),
    # The bank's documented endpoints, then the same view under the adapters' other names.
    path("api/bank/json/verify/", api.BankJsonVerifyApi.as_view(), name="bank-json-verify"),
    path("api/bank/json/confirm/", api.BankJsonConfirmApi.as_view(), name="bank-json-confirm"),
    path("api/bank/ktb/notify/", api.BankKtbNotifyApi.as_view(), name="bank-ktb-notify"),
    path("api/bank/<str:adapter>/<str:command>/", api.BankNotificationView.as_view(), name="bank-notification"),
]
