from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    """The one path money takes: an obligation becomes an invoice; every channel posts payments here."""

    name = "tenant_apps.billing"
    label = "billing"
    verbose_name = _("Billing")

    def ready(self):
        from . import lookups  # noqa: F401 — registers field__any for the statement file's many ids
