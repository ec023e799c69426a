from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotelFeeConfig(AppConfig):
    """ค่าธรรมเนียมบำรุง อบจ. จากผู้พักในโรงแรม (PAO Act B.E. 2540 s.65)."""

    name = "tenant_apps.hotel_fee"
    label = "hotel_fee"
    verbose_name = _("Hotel-guest fee")

    def ready(self):
        from tenant_apps.pao_filing.services import register

        from .spec import HotelFeeSpec

        register(HotelFeeSpec())
