"""Businesses that collect or pay a PAO's revenues: hotels, fuel trading places, tobacco traders.

Registered by their owner (a citizen, or a juristic person acting through the
citizens it authorises), approved by a clerk; changes, closure and transfer are
kept as events. Filing obligations start from the month the business operates.
"""
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _


class BusinessKind(models.TextChoices):
    HOTEL = "hotel", _("Hotel")  # โรงแรม: แบบ อบจ.รร.1
    FUEL = "fuel", _("Fuel trading place")  # สถานการค้าปลีก/ส่งน้ำมัน
    TOBACCO = "tobacco", _("Tobacco trader")  # ผู้ค้ายาสูบ


class OwnerType(models.TextChoices):
    PERSON = "person", _("A person")
    JURISTIC = "juristic", _("A juristic person")


class BusinessStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Registered")
    REJECTED = "rejected", _("Refused")
    CLOSED = "closed", _("Closed")


class TradeMode(models.TextChoices):
    RETAIL = "retail", _("Retail")
    WHOLESALE = "wholesale", _("Wholesale")


class Business(models.Model):
    kind = models.CharField(_("kind"), max_length=16, choices=BusinessKind.choices)
    name = models.CharField(_("business name"), max_length=200)
    address = models.TextField(_("address"))
    owner_type = models.CharField(_("owner"), max_length=16, choices=OwnerType.choices)
    owner_id_number = models.CharField(_("owner's national ID or tax ID"), max_length=13)
    owner_name = models.CharField(_("owner's name"), max_length=200)
    licence_number = models.CharField(_("licence number"), max_length=100, blank=True,
                                      help_text=_("hotel licence, or the energy department's licence"))
    rooms = models.PositiveIntegerField(_("rooms"), null=True, blank=True)
    fuel_kinds = ArrayField(models.CharField(max_length=16), default=list, blank=True)
    trade_mode = models.CharField(_("trade"), max_length=16, choices=TradeMode.choices, blank=True)
    operating_since = models.DateField(_("operating since"))
    status = models.CharField(_("status"), max_length=16, choices=BusinessStatus.choices,
                              default=BusinessStatus.PENDING, db_index=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="+",
                                      db_constraint=False)
    registered_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, null=True, blank=True,
                                   related_name="+", db_constraint=False)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("business")
        verbose_name_plural = _("businesses")

    def __str__(self):
        return f"{self.name} ({self.get_kind_display()})"


class BusinessFiler(models.Model):
    """A citizen who may file for the business: its owner, or someone a juristic owner authorised."""

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="filers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="+",
                             db_constraint=False)
    is_owner = models.BooleanField(default=False)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, null=True,
                                   related_name="+", db_constraint=False)
    granted_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["business", "user"], condition=models.Q(revoked_at__isnull=True),
                                               name="one_active_filer_row_per_person")]


class BusinessEvent(models.Model):
    """The business's history: registered, approved, refused, changed, transferred, closed."""

    class Kind(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Refused")
        CHANGED = "changed", _("Details changed")
        TRANSFERRED = "transferred", _("Transferred to a new owner")
        CLOSED = "closed", _("Closed")
        FILER_ADDED = "filer_added", _("Filer authorised")
        FILER_REMOVED = "filer_removed", _("Filer's authority withdrawn")
        API_KEY_ISSUED = "api_key_issued", _("API key issued")
        API_KEY_REVOKED = "api_key_revoked", _("API key revoked")

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, null=True, related_name="+",
                              db_constraint=False)
    at = models.DateTimeField(auto_now_add=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]


class BusinessApiKey(models.Model):
    """A key a business issues for its own software (a hotel's PMS, a station's POS) to file returns.

    Only a prefix (to recognise it) and the SHA-256 of the key are stored.
    """

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="+",
                                   db_constraint=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
