from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BusinessesConfig(AppConfig):
    name = "tenant_apps.businesses"
    label = "businesses"
    verbose_name = _("Businesses liable to PAO revenues")
