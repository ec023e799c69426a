from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LAOProfileConfig(AppConfig):
    name = "tenant_apps.lao_profile"
    label = "lao_profile"
    verbose_name = _("LAO profile")

    def ready(self):
        from django.db import transaction
        from django.db.models.signals import post_delete, post_save

        from .models import Announcement, LAOProfile
        from .selectors import forget_home_content

        def changed(sender, **kwargs):
            forget_home_content()
            transaction.on_commit(forget_home_content)  # again: a request may have cached the old row meanwhile

        for model in (LAOProfile, Announcement):
            post_save.connect(changed, sender=model, weak=False, dispatch_uid=f"lao-home-{model.__name__}")
            post_delete.connect(changed, sender=model, weak=False, dispatch_uid=f"lao-home-{model.__name__}-deleted")

    def seed_new_lao(self, lao):
        """Called inside a new LAO's schema at onboarding."""
        from .models import LAOProfile

        LAOProfile.objects.get_or_create(pk=1)
