from django.db import models
from django.utils.translation import gettext_lazy as _


class PublicHoliday(models.Model):
    """วันหยุดราชการ: national data kept by DLA per year; deadlines that fall on one may move."""

    date = models.DateField(_("date"), unique=True)
    name_th = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["date"]
        verbose_name = _("public holiday")
        verbose_name_plural = _("public holidays")

    def __str__(self):
        return f"{self.date} {self.name_th}"
