"""DLA's console keeps one row per bulk onboarding it started: who asked for what, and how it went.

A job's LAOs are fixed when it is asked for (`dla_codes`); the workers of `tenants.services.onboard_laos`
count each LAO done or failed on the row as they go (on their own connections, so the page sees it at
once), and the runner writes the final counts and each failure's reason when it ends. A job is never
edited afterwards: retrying its failures is a new job that points back at it.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.models import LAOType


class OnboardingJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Onboarding")
        FINISHED = "finished", _("Finished")
        FINISHED_WITH_FAILURES = "failures", _("Finished, some failed")
        BROKEN = "broken", _("Stopped by an error")

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("asked by"))
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True, db_index=True)
    # what was asked for (any combination; at least one)
    province = models.ForeignKey("geography.Province", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("province"))
    lao_type = models.CharField(_("type"), max_length=32, choices=LAOType.choices, blank=True)
    codes_asked = models.JSONField(_("DLA codes asked for"), default=list, blank=True)
    retry_of = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="retries",
                                 verbose_name=_("retry of"))
    # the LAOs it covers, fixed when asked for
    dla_codes = models.JSONField(default=list)
    total = models.PositiveIntegerField(_("LAOs"), default=0)
    # progress
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED,
                              db_index=True)
    done = models.PositiveIntegerField(_("done"), default=0)
    failed = models.PositiveIntegerField(_("failed"), default=0)
    onboarded = models.PositiveIntegerField(_("onboarded now"), default=0)
    skipped = models.PositiveIntegerField(_("already onboarded"), default=0)
    failures = models.JSONField(_("failures"), default=dict, blank=True, help_text="DLA code → reason")
    error = models.TextField(blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("bulk onboarding")
        verbose_name_plural = _("bulk onboardings")

    def __str__(self):
        return f"#{self.pk} {self.total} LAOs {self.status}"

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def progressed(self) -> int:
        return min(self.done + self.failed, self.total)

    @property
    def percent(self) -> int:
        return round(100 * self.progressed / self.total) if self.total else 100
