from django.db import models
from django.utils.translation import gettext_lazy as _

from tenant_apps.pao_filing.models import MonthlyReturn


class TobaccoReturn(MonthlyReturn):
    """The month's cigarettes (มวน) sold, per product kind."""

    class Meta(MonthlyReturn.Meta):
        verbose_name = _("tobacco return")


class TobaccoLine(models.Model):
    tobacco_return = models.ForeignKey(TobaccoReturn, on_delete=models.CASCADE, related_name="lines")
    product = models.CharField(max_length=16)
    quantity = models.PositiveBigIntegerField(help_text="cigarettes")
    rate = models.DecimalField(max_digits=7, decimal_places=4, help_text="satang per cigarette")

    class Meta:
        ordering = ["product"]
