"""What a LAO tells citizens about itself: office, contacts, hours and announcements (every LAO)."""
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _


def default_reminder_days() -> list[int]:
    return [5, 1]


class LAOProfile(models.Model):
    """The LAO's office and contacts: one row per LAO schema."""

    office_address = models.TextField(_("office address"), blank=True)
    postal_code = models.CharField(_("postal code"), max_length=5, blank=True)
    phone = models.CharField(_("telephone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    opening_hours = models.CharField(
        _("opening hours"), max_length=200, blank=True, default="จันทร์–ศุกร์ 08:30–16:30 น. (เว้นวันหยุดราชการ)"
    )
    # Reminders before a return's deadline (issue 14): days before it, to the filers who have not filed.
    return_reminder_days = ArrayField(models.PositiveSmallIntegerField(), size=5, default=default_reminder_days,
                                      blank=True, verbose_name=_("remind filers this many days before a deadline"))
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", db_constraint=False)

    class Meta:
        verbose_name = _("LAO profile")
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="lao_profile_single_row")]

    def __str__(self):
        return str(_("LAO profile"))


class Announcement(models.Model):
    """ประกาศ: news the LAO publishes on its site."""

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", db_constraint=False)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")

    def __str__(self):
        return self.title
