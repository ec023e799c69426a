from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "shared_apps.ledger"
    label = "ledger"
    verbose_name = _("National revenue ledger")
