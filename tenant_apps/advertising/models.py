"""Advertising by posting, dropping or scattering notices (การโฆษณาด้วยการปิด ทิ้ง หรือโปรยแผ่นประกาศ).

Public Cleanliness and Orderliness Act B.E. 2535 s.10. Each LAO sets its own
conditions; the statute caps the permit fee at 200 baht.
"""
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

FEE_CAP = Decimal("200.00")  # the Act's annex: at most 200 baht per permit fee


class FeeBasis(models.TextChoices):
    PER_SIGN = "per_sign", _("per notice")
    PER_PERMIT = "per_permit", _("per permit")


class AdvertisingPolicy(models.Model):
    """The LAO's conditions for advertising permits: one row per LAO schema."""

    fee_basis = models.CharField(_("fee charged"), max_length=16, choices=FeeBasis.choices, default=FeeBasis.PER_SIGN)
    fee_amount = models.DecimalField(
        _("fee (baht)"), max_digits=6, decimal_places=2, default=FEE_CAP,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(FEE_CAP)],
    )
    max_width_m = models.DecimalField(_("maximum width (m)"), max_digits=5, decimal_places=2, default=Decimal("1.20"))
    max_height_m = models.DecimalField(_("maximum height (m)"), max_digits=5, decimal_places=2, default=Decimal("2.40"))
    max_days = models.PositiveIntegerField(_("maximum period (days)"), default=30)
    max_notices = models.PositiveIntegerField(_("maximum notices per application"), default=100)
    apply_days_ahead = models.PositiveIntegerField(_("apply at least (days ahead)"), default=7)
    decision_days = models.PositiveIntegerField(_("decision within (days)"), default=15)
    banned_locations = models.TextField(
        _("places where notices are not allowed"), blank=True,
        default="สะพานลอย วงเวียน เกาะกลางถนน ต้นไม้ เสาไฟฟ้า",
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", db_constraint=False)

    class Meta:
        verbose_name = _("advertising conditions")
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="advertising_policy_single_row"),
            models.CheckConstraint(condition=models.Q(fee_amount__gte=0, fee_amount__lte=FEE_CAP),
                                   name="advertising_fee_within_cap"),
        ]

    def __str__(self):
        return str(_("advertising conditions"))
