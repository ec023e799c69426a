from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RevenueDaily(models.Model):
    """Money received by each LAO per service per day, published by the LAO side on commit.

    Provincial and national reports read this; they never loop over 7,849 schemas.
    """

    lao = models.ForeignKey(settings.TENANT_MODEL, on_delete=models.PROTECT, related_name="+")
    service = models.CharField(max_length=32)
    day = models.DateField()
    amount = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    payments = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("daily revenue")
        verbose_name_plural = _("daily revenue")
        constraints = [models.UniqueConstraint(fields=["lao", "service", "day"], name="one_revenue_row_per_day")]
