"""Reads of DLA's console: the registry's onboarding progress, LAO histories, bulk onboarding jobs."""
from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, QuerySet

from shared_apps.accounts.models import StaffRole
from shared_apps.geography.models import Province
from tenants.models import LAO, LAOEvent, LAOStatus, LAOType

from .access import ConsoleAccess
from .models import OnboardingJob

STATUSES = [LAOStatus.REGISTERED, LAOStatus.ACTIVE, LAOStatus.SUSPENDED]


def onboarding_progress(*, access: ConsoleAccess) -> dict:
    """LAOs registered / active / suspended, by type and by province, for what `access` sees.

    One grouped query over the registry (7,849 rows at most)."""
    counts = access.laos(LAO.objects.all()).values("province_id", "lao_type", "status").annotate(n=Count("pk"))
    by_type = defaultdict(lambda: dict.fromkeys(STATUSES, 0))
    by_province = defaultdict(lambda: dict.fromkeys(STATUSES, 0))
    total = dict.fromkeys(STATUSES, 0)
    for row in counts:
        by_type[row["lao_type"]][row["status"]] += row["n"]
        by_province[row["province_id"]][row["status"]] += row["n"]
        total[row["status"]] += row["n"]
    provinces = access.provinces_filter(Province.objects.order_by("name_th"), "code")
    return {
        "by_type": [(value, label, by_type[value]) for value, label in LAOType.choices if value in by_type],
        "by_province": [(province, by_province[province.code]) for province in provinces],
        "total": total,
    }


def jobs(*, limit: int = 20) -> QuerySet[OnboardingJob]:
    return OnboardingJob.objects.select_related("created_by", "province")[:limit]


def lao_history(*, lao: LAO) -> QuerySet[LAOEvent]:
    return lao.events.select_related("actor")


def staff_roles() -> QuerySet[StaffRole]:
    return StaffRole.objects.select_related("user", "province", "granted_by").order_by("kind", "province__name_th",
                                                                                       "user__username")
