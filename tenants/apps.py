from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

DLA_ADMINISTRATORS = "DLA administrators"


def ensure_dla_group(sender, **kwargs):
    """The group whose members may onboard LAOs and edit the registry (public schema only)."""
    from django.contrib.auth.models import Group, Permission
    from django.db import connection
    from django_tenants.utils import get_public_schema_name

    if connection.schema_name != get_public_schema_name():
        return
    # `tenants` is installed first, so auth has not made its permissions yet: make them now.
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.contenttypes.management import create_contenttypes

    create_contenttypes(apps.get_app_config("tenants"), verbosity=0)
    create_permissions(apps.get_app_config("tenants"), verbosity=0)
    group, _created = Group.objects.get_or_create(name=DLA_ADMINISTRATORS)
    group.permissions.add(*Permission.objects.filter(
        content_type__app_label="tenants",
        codename__in=["onboard_lao", "view_lao", "change_lao", "view_domain", "view_laoevent", "view_registryimport"],
    ))


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = _("LAO registry")

    def ready(self):
        from . import signals  # noqa: F401  (cache invalidation)
        import localservice.celery  # noqa: F401  (so tasks use our Celery app and its settings)

        post_migrate.connect(ensure_dla_group, sender=self)
