from django.conf import settings
from django.db import models


class DevCitizen(models.Model):
    """A demo person known to the development provider: what DOPA would assert about them."""

    account = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dev_citizen")
    pid = models.CharField(max_length=13, unique=True)
    title = models.CharField(max_length=30, blank=True)
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    given_name_en = models.CharField(max_length=100, blank=True)
    family_name_en = models.CharField(max_length=100, blank=True)

    def __str__(self):
        return f"{self.given_name} {self.family_name}"
