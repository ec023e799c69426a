from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "shared_apps.notifications"
    label = "notifications"
    verbose_name = _("Notifications to people")
