from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsoleConfig(AppConfig):
    """DLA's console and the provincial offices' pages on the central site (/dla/)."""

    name = "shared_apps.console"
    label = "console"
    verbose_name = _("DLA's console")
