"""Writes of DLA's console: bulk onboarding jobs, and DLA's staff roles.

Suspension, reinstatement and subdomain changes are the registry's own services (tenants.services:
lao_set_status, lao_change_hostname), which write a LAOEvent with who and when; the console only calls them.
Every function here checks that the actor is a DLA administrator and records what it did in the same
transaction (the job row itself for an onboarding, the central audit trail for a staff role).
"""
from __future__ import annotations

import logging
import threading
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections, transaction
from django.db.models import Count, F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from shared_apps.accounts.models import StaffRole
from shared_apps.audit.models import AuditEvent
from shared_apps.audit.services import audit_record
from tenants.models import LAO, LAOStatus

from .access import console_access
from .models import OnboardingJob

logger = logging.getLogger(__name__)
MAX_CODES = 8000  # more than every LAO of the country (7,849)
STALLED_AFTER = timedelta(minutes=15)  # a running job with no progress for this long may be resumed


def _require_dla(actor) -> None:
    if not console_access(actor).can_act:
        raise PermissionDenied(_("Only a DLA administrator may do this."))


# --- bulk onboarding ---------------------------------------------------------------------------------

def onboarding_selection(*, province=None, lao_type: str = "", codes=()) -> QuerySet[LAO]:
    """The LAOs a bulk onboarding covers: every criterion given must hold (province, type, DLA codes)."""
    laos = LAO.objects.all()
    if province is not None:
        laos = laos.filter(province=province)
    if lao_type:
        laos = laos.filter(lao_type=lao_type)
    if codes:
        laos = laos.filter(dla_code__in=list(codes))
    return laos


def _start(job: OnboardingJob) -> None:
    """Run the job: on a Celery worker where a broker is configured, else here — in a thread of its own
    (CONSOLE_ONBOARDING_INLINE = "thread", the default: the page shows it progress) or before the answer
    ("sync": the page then shows it finished)."""
    if settings.CELERY_BROKER_URL:
        from .tasks import run_onboarding_job

        def send():
            result = run_onboarding_job.delay(job_id=job.pk)
            OnboardingJob.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])

        transaction.on_commit(send)
    elif getattr(settings, "CONSOLE_ONBOARDING_INLINE", "thread") == "thread":
        def in_thread():
            try:
                onboarding_job_run(job_id=job.pk)
            finally:
                connections.close_all()

        transaction.on_commit(lambda: threading.Thread(target=in_thread, name=f"onboarding-job-{job.pk}",
                                                       daemon=True).start())
    else:
        transaction.on_commit(lambda: onboarding_job_run(job_id=job.pk))


def onboarding_job_request(*, actor, province=None, lao_type: str = "", codes=(), retry_of=None) -> OnboardingJob:
    """Ask for a bulk onboarding of the LAOs chosen; it starts once this commits.

    Refused (ValidationError, in words for the page) when nothing is chosen, a code is not in the registry,
    or none of the chosen LAOs is waiting to be onboarded.
    """
    _require_dla(actor)
    codes = sorted(set(codes))
    if province is None and not lao_type and not codes:
        raise ValidationError(_("Choose a province, a type or a list of DLA codes."))
    if len(codes) > MAX_CODES:
        raise ValidationError(_("At most %(max)s DLA codes at a time.") % {"max": f"{MAX_CODES:,}"})
    with transaction.atomic():
        laos = onboarding_selection(province=province, lao_type=lao_type, codes=codes)
        if codes:
            unknown = sorted(set(codes) - set(LAO.objects.filter(dla_code__in=codes).values_list("dla_code", flat=True)))
            if unknown:
                shown = ", ".join(unknown[:10]) + ("…" if len(unknown) > 10 else "")
                raise ValidationError(_("Not in the LAO registry: %(codes)s.") % {"codes": shown})
        by_status = dict(laos.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
        if not by_status:
            raise ValidationError(_("No LAO matches what you chose."))
        if not by_status.get(LAOStatus.REGISTERED):
            raise ValidationError(
                _("Nothing to onboard: of the %(total)s LAOs chosen, %(active)s are already active and "
                  "%(suspended)s suspended.") % {"total": sum(by_status.values()),
                                                 "active": by_status.get(LAOStatus.ACTIVE, 0),
                                                 "suspended": by_status.get(LAOStatus.SUSPENDED, 0)})
        dla_codes = list(laos.order_by("dla_code").values_list("dla_code", flat=True))
        job = OnboardingJob.objects.create(
            created_by=actor, province=province, lao_type=lao_type, codes_asked=codes, retry_of=retry_of,
            dla_codes=dla_codes, total=len(dla_codes))
        _start(job)
    return job


def onboarding_job_retry(*, job: OnboardingJob, actor) -> OnboardingJob:
    """A new job for what this one left behind: its LAOs still waiting to be onboarded (the failed ones,
    or — for a job stopped part-way — those it had not reached)."""
    _require_dla(actor)
    job.refresh_from_db()
    if job.is_running and job.updated_at > timezone.now() - STALLED_AFTER:
        raise ValidationError(_("This onboarding is still running; wait for it to finish."))
    left = list(LAO.objects.filter(dla_code__in=job.dla_codes, status=LAOStatus.REGISTERED)
                .order_by("dla_code").values_list("dla_code", flat=True))
    if not left:
        raise ValidationError(_("Nothing left to retry: every LAO of this onboarding is onboarded."))
    return onboarding_job_request(actor=actor, codes=left, retry_of=job)


def onboarding_job_run(*, job_id: int, workers: int | None = None) -> OnboardingJob | None:
    """Onboard a job's LAOs (tenants.services.onboard_laos), counting progress on the job's row.

    Runs once: a job is claimed from "waiting" to "onboarding", so a task delivered twice does nothing the
    second time. Each LAO is its own transaction (in onboard_lao); a LAO that fails is left registered,
    with no schema, and its reason is kept on the job.
    """
    from tenants.services import onboard_laos

    workers = workers or getattr(settings, "CONSOLE_ONBOARDING_WORKERS", 2)
    now = timezone.now()
    if not OnboardingJob.objects.filter(pk=job_id, status=OnboardingJob.Status.QUEUED).update(
            status=OnboardingJob.Status.RUNNING, started_at=now, updated_at=now):
        return OnboardingJob.objects.filter(pk=job_id).first()
    job = OnboardingJob.objects.select_related("created_by").get(pk=job_id)
    laos = LAO.objects.filter(dla_code__in=job.dla_codes)
    already = laos.exclude(status=LAOStatus.REGISTERED).count()  # skipped by onboard_laos, done from the start
    OnboardingJob.objects.filter(pk=job_id).update(done=already, updated_at=timezone.now())

    def progress(_code: str, ok: bool) -> None:  # called from the workers, each on its own connection
        OnboardingJob.objects.filter(pk=job_id).update(
            done=F("done") + (1 if ok else 0), failed=F("failed") + (0 if ok else 1), updated_at=timezone.now())

    try:
        report = onboard_laos(laos=laos, actor=job.created_by, workers=workers, on_progress=progress)
    except Exception as error:  # the run itself stopped (e.g. a template could not be built)
        logger.exception("bulk onboarding %s stopped", job_id)
        OnboardingJob.objects.filter(pk=job_id).update(
            status=OnboardingJob.Status.BROKEN, error=str(error)[:2000], finished_at=timezone.now(),
            updated_at=timezone.now())
        return OnboardingJob.objects.get(pk=job_id)
    status = OnboardingJob.Status.FINISHED_WITH_FAILURES if report.failed else OnboardingJob.Status.FINISHED
    OnboardingJob.objects.filter(pk=job_id).update(
        status=status, done=len(report.onboarded) + len(report.skipped), failed=len(report.failed),
        onboarded=len(report.onboarded), skipped=len(report.skipped),
        failures={code: reason[:500] for code, reason in sorted(report.failed.items())},
        finished_at=timezone.now(), updated_at=timezone.now())
    logger.info("bulk onboarding %s: %s", job_id, report)
    return OnboardingJob.objects.get(pk=job_id)


# --- DLA's staff roles -------------------------------------------------------------------------------

def find_person(text: str):
    """A person by username, e-mail or 13-digit national ID (exactly one), or None."""
    text = (text or "").strip()
    if not text:
        return None
    User = get_user_model()
    if text.isdigit() and len(text) == 13:
        return User.objects.filter(national_id=text).first()
    matches = list(User.objects.filter(username__iexact=text)[:2]) or list(User.objects.filter(email__iexact=text)[:2])
    return matches[0] if len(matches) == 1 else None


@transaction.atomic
def staff_role_grant(*, actor, user, kind: str, province=None, request=None) -> StaffRole:
    _require_dla(actor)
    if kind not in StaffRole.Kind.values:
        raise ValidationError(_("Choose a role."))
    if kind == StaffRole.Kind.PROVINCIAL_OFFICE and province is None:
        raise ValidationError(_("A provincial office role needs its province."))
    if kind == StaffRole.Kind.DLA_ADMINISTRATOR:
        province = None
    if not user.is_active:
        raise ValidationError(_("This account is disabled."))
    if StaffRole.objects.filter(user=user, kind=kind, province=province).exists():
        raise ValidationError(_("%(person)s already has this role.") % {"person": user.display_name})
    role = StaffRole.objects.create(user=user, kind=kind, province=province, granted_by=actor)
    audit_record(action=AuditEvent.Action.STAFF_ROLE_GRANTED, request=request, actor=actor, target=user.username,
                 role=kind, province=province.code if province else "")
    return role


@transaction.atomic
def staff_role_revoke(*, actor, role: StaffRole, request=None) -> None:
    _require_dla(actor)
    role = StaffRole.objects.select_for_update(of=("self",)).select_related("user").get(pk=role.pk)
    if role.kind == StaffRole.Kind.DLA_ADMINISTRATOR and role.user_id == actor.pk:
        raise ValidationError(_("You cannot take away your own DLA administrator role; ask another administrator."))
    audit_record(action=AuditEvent.Action.ROLE_REVOKED, request=request, actor=actor, target=role.user.username,
                 staff_role=role.kind, province=role.province_id or "")
    role.delete()
