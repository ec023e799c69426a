from django.db import models
from django.utils.translation import gettext_lazy as _

from tenant_apps.pao_filing.models import MonthlyReturn


class PetroleumReturn(MonthlyReturn):
    """The month's litres (kg for gas) sold in the province per fuel kind, with the stock statement."""

    class Meta(MonthlyReturn.Meta):
        verbose_name = _("petroleum return")


class PetroleumLine(models.Model):
    petroleum_return = models.ForeignKey(PetroleumReturn, on_delete=models.CASCADE, related_name="lines")
    product = models.CharField(max_length=16)
    opening = models.DecimalField(max_digits=16, decimal_places=3)
    received = models.DecimalField(max_digits=16, decimal_places=3)
    sold = models.DecimalField(max_digits=16, decimal_places=3, help_text="sold in the province")
    closing = models.DecimalField(max_digits=16, decimal_places=3)
    rate = models.DecimalField(max_digits=7, decimal_places=4, help_text="satang per litre or kg")

    class Meta:
        ordering = ["product"]
