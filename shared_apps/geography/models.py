"""Provinces and districts with DOPA codes: national data in the public schema."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Province(models.Model):
    """จังหวัด, keyed by its 2-digit DOPA code."""

    code = models.CharField(_("DOPA code"), max_length=2, primary_key=True)
    name_th = models.CharField(_("Thai name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)

    class Meta:
        ordering = ["name_th"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self):
        return self.name_th


class District(models.Model):
    """อำเภอ / เขต, keyed by its 4-digit DOPA code (province code + 2 digits)."""

    code = models.CharField(_("DOPA code"), max_length=4, primary_key=True)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="districts")
    name_th = models.CharField(_("Thai name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)

    class Meta:
        ordering = ["province_id", "name_th"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        constraints = [
            models.UniqueConstraint(fields=["province", "name_th"], name="district_unique_thai_name_per_province"),
        ]

    def __str__(self):
        return self.name_th
