"""Figures the LAO side publishes to the public schema, for DLA's and the provincial offices' oversight.

Every row is an aggregate (a sum or a count) of one LAO's own records; nothing here names a person or a
business. The LAO side writes them after its own transaction commits (`publishing.py`), so a rolled-back
payment or decision publishes nothing; `rebuild_published_figures` recomputes them from a LAO's schema.

- money: `RevenueChannelDay` (per LAO, service, channel and day, as received in the LAO's ledger) and its
  monthly roll-up `RevenueMonth` (the same key by month, with the Thai fiscal year): the dashboards read the
  roll-up, never the daily rows. `shared_apps.ledger.RevenueDaily` (per LAO, service and day) is kept as it
  was for its callers.
- filing: `FilingMonth` per PAO, revenue and month: the registered businesses that should file, how many
  filed (original returns), on time and late.
- permits: `PermitMonth` per LAO and month: applications received, decided (approved / refused, within the
  decision deadline or not) and permits issued.
- businesses: `BusinessCount` per PAO and revenue: registered (in business), waiting for approval, closed.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

SET_OFF = "set_off"  # a credit set off between two services: money moved, not received through a channel


class RevenueChannelDay(models.Model):
    lao = models.ForeignKey(settings.TENANT_MODEL, on_delete=models.CASCADE, related_name="oversight_revenue_days")
    service = models.CharField(max_length=32)
    channel = models.CharField(max_length=16, help_text="counter, bank, statement, or set_off")
    day = models.DateField()
    amount = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    payments = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("daily revenue by channel")
        verbose_name_plural = _("daily revenue by channel")
        constraints = [models.UniqueConstraint(fields=["lao", "service", "channel", "day"],
                                               name="oversight_one_revenue_row_per_day")]
        indexes = [models.Index(fields=["day"], name="oversight_revenue_day")]


class RevenueMonth(models.Model):
    """The monthly roll-up of RevenueChannelDay (kept in the same transaction as the daily row)."""

    lao = models.ForeignKey(settings.TENANT_MODEL, on_delete=models.CASCADE, related_name="oversight_revenue")
    service = models.CharField(max_length=32)
    channel = models.CharField(max_length=16)
    month = models.DateField(help_text="the first day of the month")
    fiscal_year = models.PositiveSmallIntegerField(help_text="Buddhist era, October to September")
    amount = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    payments = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("monthly revenue")
        verbose_name_plural = _("monthly revenue")
        constraints = [models.UniqueConstraint(fields=["lao", "service", "channel", "month"],
                                               name="oversight_one_revenue_row_per_month")]
        indexes = [models.Index(fields=["fiscal_year", "month"], name="oversight_revenue_fy",
                                include=["lao", "service", "channel", "amount", "payments"])]


class FilingMonth(models.Model):
    lao = models.ForeignKey(settings.TENANT_MODEL, on_delete=models.CASCADE, related_name="oversight_filing_months")
    service = models.CharField(max_length=32, help_text="the revenue: hotel_fee, petroleum_tax, tobacco_tax")
    period = models.DateField(help_text="the month the returns are for (its first day)")
    fiscal_year = models.PositiveSmallIntegerField()
    deadline = models.DateField(null=True, blank=True)
    should_file = models.IntegerField(default=0, help_text="registered businesses operating in the month")
    filed = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)
    late = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("monthly filing")
        verbose_name_plural = _("monthly filing")
        constraints = [models.UniqueConstraint(fields=["lao", "service", "period"],
                                               name="oversight_one_filing_row_per_month")]
        indexes = [models.Index(fields=["fiscal_year", "period"], name="oversight_filing_fy")]


class PermitMonth(models.Model):
    lao = models.ForeignKey(settings.TENANT_MODEL, on_delete=models.CASCADE, related_name="oversight_permit_months")
    month = models.DateField()
    fiscal_year = models.PositiveSmallIntegerField()
    received = models.IntegerField(default=0, help_text="applications submitted (first time) in the month")
    approved = models.IntegerField(default=0)
    refused = models.IntegerField(default=0)
    decided_in_time = models.IntegerField(default=0, help_text="decided on or before the decision deadline")
    decided_late = models.IntegerField(default=0)
    issued = models.IntegerField(default=0, help_text="permits issued in the month")

    class Meta:
        verbose_name = _("monthly permits")
        verbose_name_plural = _("monthly permits")
        constraints = [models.UniqueConstraint(fields=["lao", "month"], name="oversight_one_permit_row_per_month")]
        indexes = [models.Index(fields=["fiscal_year", "month"], name="oversight_permit_fy")]

    @property
    def decided(self) -> int:
        return self.approved + self.refused


class BusinessCount(models.Model):
    lao = models.ForeignKey(settings.TENANT_MODEL, on_delete=models.CASCADE, related_name="oversight_business_counts")
    service = models.CharField(max_length=32)
    registered = models.IntegerField(default=0, help_text="approved and not closed")
    pending = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("registered businesses")
        verbose_name_plural = _("registered businesses")
        constraints = [models.UniqueConstraint(fields=["lao", "service"], name="oversight_one_business_row")]


class RevenueAreaMonth(models.Model):
    """The national roll-up: RevenueMonth without the LAO — per province, LAO type, service, channel and month
    (the LAO's province and type when the money was published). Kept by the same deltas, in the same
    transaction; what the national pages sum."""

    province = models.CharField(max_length=2)
    lao_type = models.CharField(max_length=32)
    service = models.CharField(max_length=32)
    channel = models.CharField(max_length=16)
    month = models.DateField()
    fiscal_year = models.PositiveSmallIntegerField()
    amount = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    payments = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("monthly revenue by province")
        verbose_name_plural = _("monthly revenue by province")
        constraints = [models.UniqueConstraint(fields=["province", "lao_type", "service", "channel", "month"],
                                               name="oversight_one_area_row_per_month")]
        indexes = [models.Index(fields=["fiscal_year", "province"], name="oversight_area_fy")]


class RevenueLaoYear(models.Model):
    """Per LAO, service and fiscal year: what the rankings and the per-LAO tables sum."""

    lao = models.ForeignKey(settings.TENANT_MODEL, on_delete=models.CASCADE, related_name="oversight_revenue_years")
    service = models.CharField(max_length=32)
    fiscal_year = models.PositiveSmallIntegerField()
    amount = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    payments = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("yearly revenue")
        verbose_name_plural = _("yearly revenue")
        constraints = [models.UniqueConstraint(fields=["lao", "service", "fiscal_year"],
                                               name="oversight_one_revenue_row_per_year")]
        indexes = [models.Index(fields=["fiscal_year", "lao"], name="oversight_lao_year_fy",
                                include=["service", "amount", "payments"])]
