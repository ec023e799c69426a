"""What each person must do at every LAO, published by the LAOs into the public schema (issue 14).

The LAO side (tenant_apps/published/person_items.py) computes these rows from its own records after a change
commits and replaces them here by key; the central "My account", its API and the reminders read only these
rows, never a LAO's schema. A row is one item for one person: an item of a business is published once for
each of the business's filers, so a person's items are one indexed query and nobody else's can slip in.
"""
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemKind(models.TextChoices):
    RETURN_DUE = "return_due", _("Return to file")  # แบบรายการที่ต้องยื่น
    INVOICE_UNPAID = "invoice_unpaid", _("To pay")  # ค้างชำระ
    INFO_REQUESTED = "info_requested", _("More information requested")  # ขอเอกสารเพิ่มเติม
    PERMIT_ENDING = "permit_ending", _("Permit ending")  # ใบอนุญาตใกล้สิ้นสุด
    REMOVAL_NOTICE = "removal_notice", _("Notices to remove")  # แจ้งให้เก็บป้าย/ประกาศ
    CREDIT = "credit", _("Credit to collect")  # เงินชำระเกินรอรับคืน
    PAID = "paid", _("Paid")  # ชำระแล้ว (ใบเสร็จ)


# What the person must act on (PAID rows are the recent receipts, shown apart).
OPEN_KINDS = [k for k in ItemKind.values if k != ItemKind.PAID]
RECENTLY_PAID_DAYS = 90


class PersonItem(models.Model):
    lao = models.ForeignKey(settings.TENANT_MODEL, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="person_items")
    key = models.CharField(max_length=80, help_text="the LAO's item, e.g. obligation:12, return:hotel_fee:5:2026-11")
    kind = models.CharField(max_length=16, choices=ItemKind.choices)
    service = models.CharField(max_length=32, blank=True, help_text="hotel_fee, petroleum_tax, tobacco_tax, advertising")
    business_id = models.PositiveBigIntegerField(null=True, blank=True, help_text="the LAO's business id, if for one")
    business_name = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=300, help_text="what the LAO calls it (its own words, in Thai)")
    period = models.DateField(null=True, blank=True, help_text="a return's month (first day)")
    amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True,
                                 help_text="what settles it today (a credit: what is owed back)")
    amount_after_due = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True,
                                           help_text="what it will be once the due date has passed (with surcharge)")
    due_on = models.DateField(null=True, blank=True, help_text="deadline, due date, permit end; a receipt's day")
    path = models.CharField(max_length=300, help_text="the page on the LAO's site that does it")
    remind_on = ArrayField(models.DateField(), default=list, blank=True, help_text="days a reminder is due")
    refresh_on = models.DateField(null=True, blank=True,
                                  help_text="the day the LAO must recompute it (an amount grows, a month opens)")
    legal_notice = models.BooleanField(default=False, help_text="a notice the law requires: reminders cannot be muted")
    published_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("published item")
        verbose_name_plural = _("published items")
        constraints = [models.UniqueConstraint(fields=["lao", "key", "user"], name="one_person_item_per_key")]
        indexes = [
            models.Index(fields=["user", "due_on"], name="person_items_by_user"),
            GinIndex(fields=["remind_on"], name="person_items_remind_on"),
            models.Index(fields=["refresh_on"], name="person_items_refresh_on", condition=models.Q(refresh_on__isnull=False)),
        ]

    def __str__(self):
        return f"{self.lao_id} {self.key} → {self.user_id}"


class PersonBusiness(models.Model):
    """A business a person may act for at a LAO (its owner or an authorised filer), for grouping and for the
    monthly roll-over: on `refresh_on` (the day a new month's return falls due) the LAO republishes it."""

    lao = models.ForeignKey(settings.TENANT_MODEL, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="person_businesses")
    business_id = models.PositiveBigIntegerField()
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, help_text="hotel, fuel, tobacco")
    is_owner = models.BooleanField(default=False)
    path = models.CharField(max_length=300)
    refresh_on = models.DateField(null=True, blank=True)
    published_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["lao", "business_id", "user"], name="one_person_business_row")]
        indexes = [models.Index(fields=["refresh_on"], name="person_business_refresh_on")]

