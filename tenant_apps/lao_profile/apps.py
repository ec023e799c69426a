from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LAOProfileConfig(AppConfig):
    name = "tenant_apps.lao_profile"
    label = "lao_profile"
    verbose_name = _("LAO profile")

    def ready(self):
        from . import signals

        signals.connect()

    def seed_new_lao(self, lao):
        """Called inside a new LAO's schema at onboarding."""
        from .models import LAOProfile

        LAOProfile.objects.get_or_create(pk=1)
