from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdvertisingConfig(AppConfig):
    name = "tenant_apps.advertising"
    label = "advertising"
    verbose_name = _("Advertising permits")

    def seed_new_lao(self, lao):
        """Called inside a new LAO's schema at onboarding: the usual conditions until the LAO sets its own."""
        from .models import AdvertisingPolicy

        AdvertisingPolicy.objects.get_or_create(pk=1)
