"""A PAO's ordinance rates (ข้อบัญญัติ) for its three revenues, kept as history by effective date.

Rates differ by PAO and change by ordinance, so they are data, never constants;
a period is always computed with the rate in force for it.
"""
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Revenue(models.TextChoices):
    HOTEL_FEE = "hotel_fee", _("Hotel-guest fee")  # ค่าธรรมเนียมบำรุง อบจ. จากผู้พักในโรงแรม
    PETROLEUM_TAX = "petroleum_tax", _("Petroleum tax")  # ภาษีบำรุง อบจ. จากการค้าน้ำมัน
    TOBACCO_TAX = "tobacco_tax", _("Tobacco tax")  # ภาษีบำรุง อบจ. จากการค้ายาสูบ


class Product(models.TextChoices):
    ROOM_RENT = "room_rent", _("Room rent")
    PETROL = "petrol", _("Petrol and similar oils")
    DIESEL = "diesel", _("Diesel and similar oils")
    VEHICLE_GAS = "vehicle_gas", _("Petroleum gas used as vehicle fuel")
    CIGARETTE = "cigarette", _("Cigarettes")
    CIGAR = "cigar", _("Cigars")


class Basis(models.TextChoices):
    # xgettext:no-python-format
    PERCENT_OF_RENT = "percent_of_rent", _("% of room rent")
    SATANG_PER_LITRE = "satang_per_litre", _("satang per litre")
    SATANG_PER_KG = "satang_per_kg", _("satang per kg")
    SATANG_PER_CIGARETTE = "satang_per_cigarette", _("satang per cigarette")


# What each product is charged on, and the legal cap (PAO Act B.E. 2540 s.64, s.65).
PRODUCT_RULES = {
    Product.ROOM_RENT: (Revenue.HOTEL_FEE, Basis.PERCENT_OF_RENT, Decimal("3")),
    Product.PETROL: (Revenue.PETROLEUM_TAX, Basis.SATANG_PER_LITRE, Decimal("10")),
    Product.DIESEL: (Revenue.PETROLEUM_TAX, Basis.SATANG_PER_LITRE, Decimal("10")),
    Product.VEHICLE_GAS: (Revenue.PETROLEUM_TAX, Basis.SATANG_PER_KG, Decimal("10")),
    Product.CIGARETTE: (Revenue.TOBACCO_TAX, Basis.SATANG_PER_CIGARETTE, Decimal("10")),
    Product.CIGAR: (Revenue.TOBACCO_TAX, Basis.SATANG_PER_CIGARETTE, Decimal("10")),
}


class OrdinanceRate(models.Model):
    """One rate from one ordinance, in force from `effective_from` until a later rate for the same product."""

    revenue = models.CharField(_("revenue"), max_length=32, choices=Revenue.choices)
    product = models.CharField(_("product"), max_length=32, choices=Product.choices)
    basis = models.CharField(_("basis"), max_length=32, choices=Basis.choices)
    rate = models.DecimalField(_("rate"), max_digits=7, decimal_places=4)
    effective_from = models.DateField(_("in force from"))
    ordinance = models.CharField(_("ordinance"), max_length=300, help_text=_("e.g. ข้อบัญญัติ อบจ. … พ.ศ. 2548"))
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", db_constraint=False)

    class Meta:
        ordering = ["revenue", "product", "-effective_from"]
        verbose_name = _("ordinance rate")
        verbose_name_plural = _("ordinance rates")
        constraints = [
            models.UniqueConstraint(fields=["product", "effective_from"], name="one_rate_per_product_and_date"),
            models.CheckConstraint(condition=models.Q(rate__gte=0), name="rate_not_negative"),
        ]

    def __str__(self):
        return f"{self.get_product_display()} {self.rate} {self.get_basis_display()} ({self.effective_from})"


class FilingRule(models.Model):
    """When a revenue's monthly return is due and what late filing costs, per ordinance, by effective date.

    The surcharge (เงินเพิ่ม) and penalty (เบี้ยปรับ) differ by PAO and are unverified
    in general (DOMAIN.md §3): they are data here, never constants.
    """

    revenue = models.CharField(_("revenue"), max_length=32, choices=Revenue.choices)
    deadline_day = models.PositiveSmallIntegerField(
        _("due by day of the following month"), validators=[MinValueValidator(1), MaxValueValidator(28)])
    moves_to_working_day = models.BooleanField(
        _("a deadline on a weekend or public holiday moves to the next working day"), default=True)
    surcharge_percent_per_month = models.DecimalField(
        # xgettext:no-python-format
        _("surcharge, % of the tax per month or part of a month late"), max_digits=5, decimal_places=2,
        default=Decimal("0"), validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))])
    surcharge_cap_percent = models.DecimalField(
        # xgettext:no-python-format
        _("surcharge cap, % of the tax"), max_digits=6, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0"))])
    penalty_percent = models.DecimalField(
        # xgettext:no-python-format
        _("penalty for late filing, % of the tax"), max_digits=5, decimal_places=2, default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))])
    effective_from = models.DateField(_("in force from"))
    ordinance = models.CharField(_("ordinance"), max_length=300)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", db_constraint=False)

    class Meta:
        ordering = ["revenue", "-effective_from"]
        verbose_name = _("filing rule")
        verbose_name_plural = _("filing rules")
        constraints = [models.UniqueConstraint(fields=["revenue", "effective_from"],
                                               name="one_filing_rule_per_revenue_and_date")]

    def __str__(self):
        return f"{self.get_revenue_display()}: day {self.deadline_day} ({self.effective_from})"
