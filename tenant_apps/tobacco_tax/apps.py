from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TobaccoTaxConfig(AppConfig):
    """ภาษีบำรุง อบจ. จากการค้ายาสูบ (PAO Act s.64(2))."""

    name = "tenant_apps.tobacco_tax"
    label = "tobacco_tax"
    verbose_name = _("Tobacco tax")

    def ready(self):
        from tenant_apps.pao_filing.services import register

        from .spec import TobaccoTaxSpec

        register(TobaccoTaxSpec())
