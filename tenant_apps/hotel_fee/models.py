from django.db import models
from django.utils.translation import gettext_lazy as _

from tenant_apps.pao_filing.models import MonthlyReturn


class HotelReturn(MonthlyReturn):
    """แบบ อบจ.รร.3: the month's room rent and nights, in totals or from the guest list (อบจ.รร.6)."""

    room_rent_total = models.DecimalField(_("room rent"), max_digits=14, decimal_places=2, default=0)
    nights_total = models.PositiveIntegerField(_("room nights"), default=0)
    guest_count = models.PositiveIntegerField(_("guests listed"), default=0)

    class Meta(MonthlyReturn.Meta):
        verbose_name = _("hotel return")


class HotelGuest(models.Model):
    """One line of the month's guest list (แบบ อบจ.รร.6): personal data, kept in the PAO's schema."""

    hotel_return = models.ForeignKey(HotelReturn, on_delete=models.CASCADE, related_name="guests")
    line = models.PositiveIntegerField()
    guest_name = models.CharField(max_length=200)
    check_in = models.DateField()
    nights = models.PositiveIntegerField()
    room_rate = models.DecimalField(max_digits=12, decimal_places=2)
    rent = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["line"]
