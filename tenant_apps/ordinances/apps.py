from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdinancesConfig(AppConfig):
    name = "tenant_apps.ordinances"
    label = "ordinances"
    verbose_name = _("PAO ordinance rates")
