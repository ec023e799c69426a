from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("accounts/login/", views.login_page, name="login"),
    path("accounts/logout/", views.logout_view, name="logout"),
    path("accounts/me/", views.me, name="me"),
    path("accounts/me/go/", views.me_go, name="me-go"),
    path("accounts/dopa/", views.dopa_login, name="dopa-login"),
    path("accounts/dopa/start/", views.dopa_start, name="dopa-start"),
    path("accounts/dopa/callback/", views.dopa_callback, name="dopa-callback"),
    path("accounts/sso/", views.sso_complete, name="sso"),
    path("accounts/link-dopa/", views.link_dopa, name="link-dopa"),
]
