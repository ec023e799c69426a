from django.apps import AppConfig


class DevIdpConfig(AppConfig):
    """A local OpenID provider standing in for DOPA Digital ID (development and tests only)."""

    name = "shared_apps.dev_idp"
    label = "dev_idp"
    verbose_name = "Development identity provider (D.DOPA stand-in)"

    def ready(self):
        from .keys import install_signing_key

        install_signing_key()
