from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfficersConfig(AppConfig):
    name = "tenant_apps.officers"
    label = "officers"
    verbose_name = _("Officers")
