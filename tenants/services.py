"""Writes to the LAO registry: import, onboarding, suspension, subdomain changes.

Every change is recorded as a LAOEvent in the same transaction.
"""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context, schema_exists

from . import schemas
from .hostnames import derive_hostnames, is_valid_label
from .models import LAO, Domain, LAOEvent, LAOStatus, RegistryImport, schema_name_for
from .registry import (
    GeographyIndex,
    RegistryEntry,
    parse_registry_data,
    registry_format,
)
from .selectors import forget_hosts, forget_registry_facts

logger = logging.getLogger(__name__)

REGISTRY_FIELDS = ["lao_type", "name_th", "province_id", "district_id", "latitude", "longitude", "area_km2"]


class OnboardingError(Exception):
    """The LAO cannot be onboarded as asked; the message says why, in the user's language."""


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    changed_codes: list[str] = field(default_factory=list)

    def __str__(self):
        return f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}"


def _registry_values(entry: RegistryEntry) -> dict:
    return {
        "lao_type": entry.lao_type,
        "name_th": entry.name_th,
        "province_id": entry.province_code,
        "district_id": entry.district_code,
        "latitude": entry.latitude,
        "longitude": entry.longitude,
        "area_km2": entry.area_km2,
    }


@transaction.atomic
def registry_import(*, path: Path, actor=None) -> ImportReport:
    """Register or update LAOs from DLA's CSV or the JSON snapshot.

    The whole file is validated before anything is written (RegistryFileError
    otherwise). Existing LAOs keep their subdomain and status; nothing here
    builds a schema. A LAO whose type changed (an upgrade) keeps its schema:
    re-onboarding by type is a DLA decision, not an import side effect.
    """
    path = Path(path)
    data = path.read_bytes()  # read once: parsed, hashed and recorded
    entries = parse_registry_data(data, GeographyIndex.load())
    existing = {lao.dla_code: lao for lao in LAO.objects.select_for_update().all()}
    fresh = [entry for entry in entries if entry.dla_code not in existing]
    hostnames = derive_hostnames(fresh, taken=frozenset(lao.hostname for lao in existing.values()),
                                 data_dir=settings.SHARED_DATA_DIR)

    report = ImportReport()
    to_create, to_update, events = [], [], []
    for entry in entries:
        values = _registry_values(entry)
        lao = existing.get(entry.dla_code)
        if lao is None:
            to_create.append(
                LAO(dla_code=entry.dla_code, schema_name=schema_name_for(entry.dla_code),
                    hostname=hostnames[entry.dla_code], **values)
            )
            continue
        changes = {name: [str(getattr(lao, name)), str(value)] for name, value in values.items()
                   if getattr(lao, name) != value}
        if not changes:
            report.unchanged += 1
            continue
        for name, value in values.items():
            setattr(lao, name, value)
        to_update.append(lao)
        events.append(LAOEvent(lao=lao, kind=LAOEvent.Kind.UPDATED, actor=actor, detail={"changes": changes}))
        report.changed_codes.append(lao.dla_code)

    created = LAO.objects.bulk_create(to_create, batch_size=1000)
    events += [LAOEvent(lao=lao, kind=LAOEvent.Kind.IMPORTED, actor=actor, detail={"file": path.name})
               for lao in created]
    LAO.objects.bulk_update(to_update, REGISTRY_FIELDS + ["updated_at"], batch_size=1000) if to_update else None
    LAOEvent.objects.bulk_create(events, batch_size=2000)
    report.created, report.updated = len(created), len(to_update)
    transaction.on_commit(forget_registry_facts)
    if to_update:  # bulk_update sends no signals: names, provinces … of onboarded LAOs may have changed
        forget_hosts(None)
    RegistryImport.objects.create(
        file_name=path.name, sha256=hashlib.sha256(data).hexdigest(), file_format=registry_format(data),
        created=report.created, updated=report.updated, unchanged=report.unchanged, actor=actor,
    )
    return report


def _after_schema_built(lao: LAO) -> None:
    """Seed what every new LAO starts with, inside its new schema (its profile, its settings)."""
    from django.apps import apps

    with schema_context(lao.schema_name):
        for app_config in apps.get_app_configs():
            seed = getattr(app_config, "seed_new_lao", None)
            if seed and app_config.name in settings.TENANT_TYPES[lao.lao_type]["APPS"]:
                seed(lao)


def onboard_lao(*, lao: LAO, actor=None) -> bool:
    """Build the LAO's schema for its type, create its primary domain and make it active.

    Returns False when it was already onboarded (onboarding twice is harmless).
    All of it is one transaction: PostgreSQL DDL is transactional, so a failure
    part-way leaves no schema behind and the LAO still *registered*.
    """
    if lao.status == LAOStatus.SUSPENDED:
        raise OnboardingError(_("%(lao)s is suspended; reinstate it instead of onboarding it.") % {"lao": lao})
    if lao.status == LAOStatus.ACTIVE:
        return False
    template = schemas.ensure_template(lao.lao_type)  # commits on its own, before our transaction
    with transaction.atomic():
        lao = LAO.objects.select_for_update().get(pk=lao.pk)
        if lao.status != LAOStatus.REGISTERED:
            return False  # someone else onboarded it while we waited for the lock
        if schema_exists(lao.schema_name):
            # A leftover from outside this code path (e.g. a manual restore): refuse rather than guess.
            raise OnboardingError(_("Schema %(schema)s already exists; ask a DBA to check it.")
                                  % {"schema": lao.schema_name})
        schemas.clone_template(template=template, schema_name=lao.schema_name)
        _after_schema_built(lao)
        Domain.objects.update_or_create(domain=lao.host, defaults={"tenant": lao, "is_primary": True})
        lao.status = LAOStatus.ACTIVE
        lao.onboarded_at = timezone.now()
        lao.onboarded_by = actor
        lao.save(update_fields=["status", "onboarded_at", "onboarded_by", "updated_at"])
        LAOEvent.objects.create(lao=lao, kind=LAOEvent.Kind.ONBOARDED, actor=actor,
                                detail={"schema": lao.schema_name, "template": template, "domain": lao.host})
    logger.info("onboarded %s as %s", lao.dla_code, lao.host)
    return True


@dataclass
class BulkOnboardingReport:
    onboarded: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # already active or suspended: nothing to do
    failed: dict[str, str] = field(default_factory=dict)  # DLA code → why (each left registered, no schema)
    seconds: float = 0.0

    def __str__(self):
        return (f"onboarded {len(self.onboarded)}, already onboarded {len(self.skipped)}, "
                f"failed {len(self.failed)} in {self.seconds:.1f} s")


def onboard_laos(*, laos, actor=None, workers: int = 2, on_progress=None) -> BulkOnboardingReport:
    """Onboard many LAOs (a queryset of the registry) in parallel workers, a database connection each.

    Resumable: LAOs already onboarded are skipped, so running it again after a failure or an
    interruption onboards only what is left. Each LAO is its own onboarding transaction, so a
    failure leaves that LAO registered with no schema and does not stop the others; failures
    are returned with their reasons. The templates are brought up to date once, first.
    `on_progress(dla_code, ok)` is called from the workers after each LAO.
    """
    import time

    from .workers import run_in_workers

    started = time.perf_counter()
    report = BulkOnboardingReport()
    rows = list(laos.order_by("dla_code").values_list("pk", "dla_code", "lao_type", "status"))
    report.skipped = [code for _pk, code, _type, status in rows if status != LAOStatus.REGISTERED]
    todo = [(pk, code) for pk, code, _type, status in rows if status == LAOStatus.REGISTERED]
    for lao_type in sorted({lao_type for _pk, _code, lao_type, status in rows if status == LAOStatus.REGISTERED}):
        schemas.ensure_template(lao_type)  # here, once, not raced for by the workers

    def onboard(item):
        pk, _code = item
        return onboard_lao(lao=LAO.objects.get(pk=pk), actor=actor)

    def done(outcome):
        if on_progress is not None:
            on_progress(outcome.item[1], outcome.error is None)

    for outcome in run_in_workers(todo, onboard, workers=workers, on_done=done):
        code = outcome.item[1]
        if outcome.error is not None:
            report.failed[code] = str(outcome.error)
        elif outcome.result:
            report.onboarded.append(code)
        else:
            report.skipped.append(code)  # onboarded meanwhile by someone else
    report.onboarded.sort()
    report.seconds = time.perf_counter() - started
    return report


# Allowed status changes after onboarding; anything else is refused.
STATUS_TRANSITIONS = {
    (LAOStatus.ACTIVE, LAOStatus.SUSPENDED): LAOEvent.Kind.SUSPENDED,
    (LAOStatus.SUSPENDED, LAOStatus.ACTIVE): LAOEvent.Kind.REINSTATED,
}


@transaction.atomic
def lao_set_status(*, lao: LAO, status: str, actor, reason: str) -> LAO:
    """Suspend or reinstate an onboarded LAO; a reason is required and recorded."""
    lao = LAO.objects.select_for_update().get(pk=lao.pk)
    kind = STATUS_TRANSITIONS.get((lao.status, status))
    if kind is None:
        raise ValidationError(_("A LAO cannot go from “%(old)s” to “%(new)s”.")
                              % {"old": lao.get_status_display(), "new": LAOStatus(status).label})
    if not reason.strip():
        raise ValidationError(_("Give a reason."))
    lao.status = status
    lao.save(update_fields=["status", "updated_at"])
    LAOEvent.objects.create(lao=lao, kind=kind, actor=actor, detail={"reason": reason.strip()})
    return lao


@transaction.atomic
def lao_change_hostname(*, lao: LAO, hostname: str, actor) -> LAO:
    """Give a LAO another subdomain; an onboarded LAO's primary domain follows it."""
    hostname = hostname.strip().lower()
    if not is_valid_label(hostname):
        raise ValidationError(_("Use 1–63 lowercase letters a–z, digits and hyphens, "
                                "not starting or ending with a hyphen."))
    lao = LAO.objects.select_for_update().get(pk=lao.pk)
    if hostname == lao.hostname:
        return lao
    if LAO.objects.filter(hostname=hostname).exclude(pk=lao.pk).exists():
        raise ValidationError(_("The subdomain “%(hostname)s” is already used by another LAO.") % {"hostname": hostname})
    old_host = lao.host
    old = lao.hostname
    lao.hostname = hostname
    lao.save(update_fields=["hostname", "updated_at"])
    Domain.objects.filter(tenant=lao, domain=old_host).update(domain=lao.host)
    LAOEvent.objects.create(lao=lao, kind=LAOEvent.Kind.HOSTNAME_CHANGED, actor=actor,
                            detail={"old": old, "new": hostname})
    return lao
