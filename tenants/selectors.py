"""Reads of the LAO registry: search for the landing page and the API, and host look-ups."""
from __future__ import annotations

import re

from django.conf import settings
from django.core.cache import cache
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from .models import LAO, LAOStatus
from .registry import parse_lao_type

# Words people type before a name ("อบต.กาญจนา", "เทศบาลเมืองแพร่") that mean a type filter.
_TYPE_PREFIX_RE = re.compile(
    r"^(องค์การบริหารส่วนจังหวัด|องค์การบริหารส่วนตำบล|เทศบาลนคร|เทศบาลเมือง|เทศบาลตำบล|อบจ\.?|อบต\.?|ทน\.|ทม\.|ทต\.)\s*"
)


def lao_search(*, q: str = "", province: str = "", district: str = "", lao_type: str = "",
               status: str = "") -> QuerySet[LAO]:
    """LAOs matching a free-text query and filters, best matches first.

    `q` matches the Thai or English name, the subdomain or the 7-digit DLA code;
    a leading type word (อบต., เทศบาลเมือง …) narrows the type instead.
    """
    laos = LAO.objects.select_related("province", "district")
    q = " ".join((q or "").split())
    match = _TYPE_PREFIX_RE.match(q)
    if match:
        lao_type = lao_type or (parse_lao_type(match.group(1)) or "")
        q = q[match.end():].strip()
    if province:
        laos = laos.filter(province_id=province)
    if district:
        laos = laos.filter(district_id=district)
    if lao_type:
        laos = laos.filter(lao_type=lao_type)
    if status:
        laos = laos.filter(status=status)
    if not q:
        return laos.order_by("province__name_th", "name_th", "dla_code")
    if re.fullmatch(r"\d{7}", q):
        return laos.filter(dla_code=q)
    # Thai has no case: a plain LIKE on name_th spares UPPER() over every row.
    laos = laos.filter(Q(name_th__contains=q) | Q(hostname__contains=q.lower()) | Q(name_en__icontains=q))
    rank = Case(
        When(name_th=q, then=Value(0)),
        When(name_th__startswith=q, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return laos.annotate(rank=rank).order_by("rank", "name_th", "dla_code")


REGISTRY_FACTS_KEY = "registry-facts"


def registry_facts() -> dict:
    """Figures the landing page shows on every visit; they change only when the registry is imported."""
    facts = cache.get(REGISTRY_FACTS_KEY)
    if facts is None:
        from shared_apps.geography.models import Province

        facts = {
            "total": LAO.objects.count(),
            "provinces": list(Province.objects.filter(laos__isnull=False).distinct().order_by("name_th")),
        }
        cache.set(REGISTRY_FACTS_KEY, facts, 3600)
    return facts


def forget_registry_facts() -> None:
    cache.delete(REGISTRY_FACTS_KEY)


def lao_for_host(host: str) -> LAO | None:
    """The onboarded LAO (active or suspended) whose domain this is: from the process's map of every host.

    django-tenants looks the domain up on every request; here no request queries for it — the map is
    read once per process and kept true through a version in the shared cache (tenants.host_map).
    """
    from .host_map import host_map

    return host_map.lookup(host)


def forget_hosts(hosts) -> None:
    """These hosts' LAOs or domains changed (None: any of them): every process reads them again."""
    from .host_map import hosts_changed

    hosts_changed(hosts)


def registered_lao_for_host(host: str) -> LAO | None:
    """A LAO that has this subdomain but is not onboarded yet (so it has no domain row)."""
    suffix = f".{settings.BASE_DOMAIN}"
    if not host.endswith(suffix):
        return None
    label = host[: -len(suffix)]
    return LAO.objects.filter(hostname=label, status=LAOStatus.REGISTERED).select_related("province").first()


def current_lao() -> LAO | None:
    """The LAO whose schema is in use: the request's tenant, or the one a schema_context selected."""
    from django.db import connection

    tenant = getattr(connection, "tenant", None)
    if isinstance(tenant, LAO):
        return tenant
    schema = getattr(connection, "schema_name", "")
    return LAO.objects.select_related("province").filter(schema_name=schema).first() if schema else None
