from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PersonItemsConfig(AppConfig):
    name = "shared_apps.person_items"
    label = "person_items"
    verbose_name = _("What each person must do, published by the LAOs")
