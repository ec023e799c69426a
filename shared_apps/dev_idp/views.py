from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.views import LoginView
from django.utils.translation import gettext_lazy as _
from oauth2_provider.views import AuthorizationView

from .models import DevCitizen

LOGIN_URL = "/dev-idp/login/"


class DevAuthorizationView(AuthorizationView):
    login_url = LOGIN_URL


class DevDopaSignInForm(forms.Form):
    """As in the D.DOPA app: the national ID and an 8-digit passcode."""

    pid = forms.RegexField(label=_("National ID"), regex=r"^\d{13}$")
    passcode = forms.CharField(label=_("Passcode (8 digits)"), widget=forms.PasswordInput, max_length=8)

    def __init__(self, request=None, *args, **kwargs):
        self.request = request
        self.user_cache = None
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("pid") and data.get("passcode"):
            self.user_cache = authenticate(self.request, username=f"dopa-dev-{data['pid']}",
                                           password=data["passcode"])
            if self.user_cache is None:
                raise forms.ValidationError(_("National ID or passcode is wrong."))
        return data

    def get_user(self):
        return self.user_cache


class DevDopaLoginView(LoginView):
    template_name = "dev_idp/login.html"
    authentication_form = DevDopaSignInForm

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "citizens": DevCitizen.objects.order_by("pid")}
