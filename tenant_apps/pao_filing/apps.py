from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaoFilingConfig(AppConfig):
    """What the three PAO revenues share: monthly periods, deadlines, surcharges, additional returns, review."""

    name = "tenant_apps.pao_filing"
    label = "pao_filing"
    verbose_name = _("PAO monthly returns")
