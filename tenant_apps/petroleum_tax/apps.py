from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetroleumTaxConfig(AppConfig):
    """ภาษีบำรุง อบจ. จากการค้าน้ำมัน (PAO Act s.64(1), as amended 2546)."""

    name = "tenant_apps.petroleum_tax"
    label = "petroleum_tax"
    verbose_name = _("Petroleum tax")

    def ready(self):
        from tenant_apps.pao_filing.services import register

        from .spec import PetroleumTaxSpec

        register(PetroleumTaxSpec())
