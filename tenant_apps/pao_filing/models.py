"""The monthly return every PAO revenue shares; each service app makes it concrete with its lines.

A filed return is never edited: a correction is an additional return
(แบบเพิ่มเติม) linked to the original, charging or crediting the difference.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReturnKind(models.TextChoices):
    ORIGINAL = "original", _("Return")
    ADDITIONAL = "additional", _("Additional return")


class ReturnStatus(models.TextChoices):
    FILED = "filed", _("Filed, waiting for review")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Sent back for correction")
    ASSESSED = "assessed", _("Assessed by the PAO")


class MonthlyReturn(models.Model):
    business = models.ForeignKey("businesses.Business", on_delete=models.PROTECT, related_name="+")
    period = models.DateField(_("month"), help_text="the first day of the month")
    kind = models.CharField(max_length=16, choices=ReturnKind.choices, default=ReturnKind.ORIGINAL)
    original = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="additionals")
    status = models.CharField(max_length=16, choices=ReturnStatus.choices, default=ReturnStatus.FILED, db_index=True)
    nil = models.BooleanField(_("nothing to declare this month"), default=False)
    rates = models.JSONField(default=dict, help_text="the ordinance rates used, by product")
    base_amount = models.DecimalField(max_digits=16, decimal_places=3, default=0,
                                      help_text="room rent in baht, or litres/kg/cigarettes")
    tax_amount = models.DecimalField(_("tax or fee"), max_digits=14, decimal_places=2)
    deadline = models.DateField(_("due by"))
    filed_on = models.DateField(_("filed on"))
    months_late = models.PositiveSmallIntegerField(default=0)
    surcharge_amount = models.DecimalField(_("surcharge"), max_digits=14, decimal_places=2, default=0)
    penalty_amount = models.DecimalField(_("penalty"), max_digits=14, decimal_places=2, default=0)
    amount_due = models.DecimalField(_("amount due"), max_digits=14, decimal_places=2,
                                     help_text="what this return charges (negative: a credit)")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, null=True, blank=True,
                                 related_name="+", db_constraint=False)
    filed_via = models.CharField(max_length=16, default="web")
    api_key_prefix = models.CharField(max_length=12, blank=True)
    filed_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, null=True, blank=True,
                                    related_name="+", db_constraint=False)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)
    assessed_tax_amount = models.DecimalField(_("assessed tax"), max_digits=14, decimal_places=2, null=True,
                                              blank=True)

    class Meta:
        abstract = True
        ordering = ["-period", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["business", "period"], condition=models.Q(kind="original"),
                                    name="%(app_label)s_one_original_return_per_month"),
            models.CheckConstraint(condition=models.Q(tax_amount__gte=0), name="%(app_label)s_tax_not_negative"),
        ]

    def __str__(self):
        return f"{self.business.name} {self.period:%Y-%m} {self.get_kind_display()}"

    @property
    def effective_tax(self):
        """The tax this return stands for: the assessed figure if the PAO assessed one."""
        return self.assessed_tax_amount if self.assessed_tax_amount is not None else self.tax_amount
