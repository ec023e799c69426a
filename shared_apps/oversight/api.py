"""Open data: the published figures as public aggregates (JSON, documented in /api/schema/).

GET /api/reports/revenue/, /api/reports/filing/, /api/reports/permits/ — each with the same filters:
fiscal_year (Buddhist era, default the current one), province (DOPA code), lao (DLA code), lao_type, service,
month (1–12 within the fiscal year), and group_by. Every filter is typed and bounded: anything else is a 400
that says which filter and why, never a 500. No personal data: sums and counts of the public schema only.

Small groups are hidden (THRESHOLD = 3), where a figure could single out a business:
- money: a row is suppressed (amount and payments null, `suppressed` true) when it sums fewer than 3 payments,
  or, for the PAO revenues (hotel fee, petroleum and tobacco taxes, paid by registered businesses), when the
  LAOs and revenues it covers have fewer than 3 registered businesses in all;
- filing: a row is suppressed when fewer than 3 businesses should have filed in it;
- secondary suppression: when exactly one row of an answer is suppressed, the next smallest is suppressed too,
  so the total cannot give the hidden one away; a total is itself suppressed under the same rule.
- permits are counts of public acts (applications, orders, permits), not of a business's money: shown whole.
"""
from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum
from django.db.models.functions import Coalesce
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from localservice.throttling import RateThrottle
from shared_apps.geography.models import Province
from tenants.models import LAO, LAOType, Service

from . import selectors
from .models import BusinessCount, FilingMonth, PermitMonth, RevenueLaoYear, RevenueMonth

THRESHOLD = 3
ZERO = Decimal("0.00")


class OpenDataThrottle(RateThrottle):
    """Calls to the open-data reports, per caller address (THROTTLE_OPEN_DATA, default 120/min)."""

    scope = "open_data"

    def get_cache_key(self, request, view):
        from localservice.throttling import _source

        return self.key_for(_source(request))


class ReportFilters(serializers.Serializer):
    fiscal_year = serializers.IntegerField(required=False, min_value=2540, max_value=2700,
                                           help_text="Thai fiscal year, Buddhist era (2569 = Oct 2025 – Sep 2026)")
    province = serializers.RegexField(r"^\d{2}$", required=False, help_text="DOPA province code (2 digits)")
    lao = serializers.RegexField(r"^\d{7}$", required=False, help_text="DLA code of one LAO (7 digits)")
    lao_type = serializers.ChoiceField(choices=LAOType.choices, required=False)
    service = serializers.ChoiceField(choices=Service.choices, required=False)
    month = serializers.IntegerField(required=False, min_value=1, max_value=12,
                                     help_text="calendar month 1–12 within the fiscal year (10 = October)")

    def validate(self, data):
        data.setdefault("fiscal_year", selectors.current_fiscal_year())
        return data


def _parameters(groups: list[str], default: str) -> list[OpenApiParameter]:
    return [
        OpenApiParameter("fiscal_year", int, description="Buddhist era, 2540–2700; default the current one"),
        OpenApiParameter("province", str, pattern=r"^\d{2}$", description="DOPA province code"),
        OpenApiParameter("lao", str, pattern=r"^\d{7}$", description="DLA code"),
        OpenApiParameter("lao_type", str, enum=LAOType.values),
        OpenApiParameter("service", str, enum=Service.values),
        OpenApiParameter("month", int, enum=list(range(1, 13)), description="calendar month within the fiscal year"),
        OpenApiParameter("group_by", str, enum=groups, description=f"one row per …; default {default}"),
    ]


class FiltersOut(serializers.Serializer):
    fiscal_year = serializers.IntegerField()
    province = serializers.CharField(allow_null=True)
    lao = serializers.CharField(allow_null=True)
    lao_type = serializers.CharField(allow_null=True)
    service = serializers.CharField(allow_null=True)
    month = serializers.IntegerField(allow_null=True)
    group_by = serializers.CharField()


class RevenueFigures(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True,
                                      help_text="baht received, net of reversals and refunds; null if suppressed")
    payments = serializers.IntegerField(allow_null=True)
    suppressed = serializers.BooleanField()


class RevenueRow(RevenueFigures):
    key = serializers.CharField(help_text="the group: an ISO month, a province or DLA code, a type, a service")
    label = serializers.CharField()


class RevenueReport(serializers.Serializer):
    filters = FiltersOut()
    threshold = serializers.IntegerField()
    total = RevenueFigures()
    rows = RevenueRow(many=True)


class FilingFigures(serializers.Serializer):
    should_file = serializers.IntegerField(allow_null=True, help_text="business-months that should have filed")
    filed = serializers.IntegerField(allow_null=True)
    on_time = serializers.IntegerField(allow_null=True)
    late = serializers.IntegerField(allow_null=True)
    not_filed = serializers.IntegerField(allow_null=True)
    suppressed = serializers.BooleanField()


class FilingRow(FilingFigures):
    key = serializers.CharField()
    label = serializers.CharField()


class FilingReport(serializers.Serializer):
    filters = FiltersOut()
    threshold = serializers.IntegerField()
    total = FilingFigures()
    rows = FilingRow(many=True)


class PermitFigures(serializers.Serializer):
    received = serializers.IntegerField()
    approved = serializers.IntegerField()
    refused = serializers.IntegerField()
    decided_in_time = serializers.IntegerField()
    decided_late = serializers.IntegerField()
    issued = serializers.IntegerField()


class PermitRow(PermitFigures):
    key = serializers.CharField()
    label = serializers.CharField()


class PermitReport(serializers.Serializer):
    filters = FiltersOut()
    total = PermitFigures()
    rows = PermitRow(many=True)


GROUPS = {"month": "month", "province": "lao__province_id", "lao_type": "lao__lao_type", "service": "service",
          "lao": "lao__dla_code"}
PAO_SERVICES = set(selectors.PAO_SERVICES)


def _filters(request, groups: list[str], default: str) -> dict:
    serializer = ReportFilters(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    data = dict(serializer.validated_data)
    group_by = request.query_params.get("group_by", default)
    if group_by not in groups:
        raise serializers.ValidationError({"group_by": [f"One of: {', '.join(groups)}."]})
    data["group_by"] = group_by
    return data


def _scoped(queryset, data, *, month_field="month", service=True, lao_type=True):
    queryset = queryset.filter(fiscal_year=data["fiscal_year"])
    if data.get("province"):
        queryset = queryset.filter(lao__province_id=data["province"])
    if data.get("lao"):
        queryset = queryset.filter(lao__dla_code=data["lao"])
    if lao_type and data.get("lao_type"):
        queryset = queryset.filter(lao__lao_type=data["lao_type"])
    if service and data.get("service"):
        queryset = queryset.filter(service=data["service"])
    if data.get("month"):
        queryset = queryset.filter(**{month_field: selectors.month_of(data["fiscal_year"], data["month"])})
    return queryset


def _labels(group_by: str, keys) -> dict:
    keys = [k for k in keys]
    if group_by == "province":
        return {p.code: f"{p.name_th} ({p.name_en})" for p in Province.objects.filter(code__in=keys)}
    if group_by == "lao":
        return {lao.dla_code: lao.full_name_th for lao in LAO.objects.filter(dla_code__in=keys)}
    if group_by == "lao_type":
        return {t.value: str(t.label) for t in LAOType}
    if group_by == "service":
        return {s.value: str(s.label) for s in Service}
    return {}


def _key(value) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _secondary(rows: list[dict], size) -> None:
    """Exactly one row hidden: hide the next smallest too (its value and the total would reveal it)."""
    hidden = [r for r in rows if r["suppressed"]]
    shown = [r for r in rows if not r["suppressed"] and size(r) > 0]  # an empty row hides nothing
    if len(hidden) == 1 and shown:
        smallest = min(shown, key=size)
        smallest["suppressed"] = True


def _echo(data) -> dict:
    return {name: data.get(name) for name in ("fiscal_year", "province", "lao", "lao_type", "service", "month",
                                              "group_by")}


class RevenueReportApi(APIView):
    """Money received (net of reversals and refunds), from the LAOs' published figures, in one group at a time."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    throttle_classes = [OpenDataThrottle]
    groups = ["month", "province", "lao_type", "service", "lao"]

    @extend_schema(parameters=_parameters(groups, "month"), responses=RevenueReport)
    def get(self, request):
        data = _filters(request, self.groups, "month")
        group_by = data["group_by"]
        # The yearly rows per LAO unless a month is asked for (or is the grouping): the same sums, fewer rows.
        by_year = not data.get("month") and group_by != "month"
        queryset = _scoped((RevenueLaoYear if by_year else RevenueMonth).objects.all(), data)
        parts = (queryset.values(GROUPS[group_by], "lao_id", "service")
                 .annotate(total=Coalesce(Sum("amount"), ZERO), count=Coalesce(Sum("payments"), 0)).order_by())
        businesses = {(r["lao_id"], r["service"]): r["n"] for r in BusinessCount.objects.filter(
            service__in=PAO_SERVICES).values("lao_id", "service").annotate(n=Sum("registered") + Sum("closed"))}
        groups: dict = {}

        def add(figures, part):
            figures["amount"] += part["total"]
            figures["payments"] += part["count"]
            if part["service"] in PAO_SERVICES:
                figures["pao"] = True
                figures["businesses"] += businesses.get((part["lao_id"], part["service"]), 0)

        total = {"amount": ZERO, "payments": 0, "businesses": 0, "pao": False}
        for part in parts:
            key = _key(part[GROUPS[group_by]])
            add(groups.setdefault(key, {"amount": ZERO, "payments": 0, "businesses": 0, "pao": False}), part)
            add(total, part)
        if group_by == "month":
            for month in selectors.fiscal_months(data["fiscal_year"]):
                if not data.get("month") or month == selectors.month_of(data["fiscal_year"], data["month"]):
                    groups.setdefault(month.isoformat(), {"amount": ZERO, "payments": 0, "businesses": 0,
                                                          "pao": False})

        def small(figures) -> bool:
            return (0 < figures["payments"] < THRESHOLD or (figures["payments"] == 0 and figures["amount"] != 0)
                    or (figures["pao"] and figures["businesses"] < THRESHOLD))

        labels = _labels(group_by, groups)
        rows = [{"key": key, "label": labels.get(key, key), **figures, "suppressed": small(figures)}
                for key, figures in sorted(groups.items())]
        _secondary(rows, size=lambda r: r["payments"])
        total["suppressed"] = small(total)

        def out(figures):
            hidden = figures["suppressed"]
            return {"amount": None if hidden else figures["amount"], "payments": None if hidden else figures["payments"],
                    "suppressed": hidden}

        body = {"filters": _echo(data), "threshold": THRESHOLD, "total": out(total),
                "rows": [{"key": r["key"], "label": r["label"], **out(r)} for r in rows]}
        return Response(RevenueReport(body).data)


FILING_GROUPS = {"month": "period", "province": "lao__province_id", "service": "service", "lao": "lao__dla_code"}
FILING_COUNTS = ["should_file", "filed", "on_time", "late"]


class FilingReportApi(APIView):
    """PAO returns filed, on time and late, against the registered businesses that should file (months whose
    deadline has passed)."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    throttle_classes = [OpenDataThrottle]
    groups = ["month", "province", "service", "lao"]

    @extend_schema(parameters=_parameters(groups, "lao"), responses=FilingReport)
    def get(self, request):
        from django.utils import timezone

        data = _filters(request, self.groups, "lao")
        group_by = data["group_by"]
        queryset = _scoped(FilingMonth.objects.filter(deadline__lt=timezone.localdate()), data,
                           month_field="period", lao_type=False)
        if data.get("lao_type") and data["lao_type"] != LAOType.PAO:
            queryset = queryset.none()
        rows = list(queryset.values(FILING_GROUPS[group_by]).annotate(
            **{f"sum_{n}": Coalesce(Sum(n), 0) for n in FILING_COUNTS}).order_by())
        labels = _labels(group_by, [_key(r[FILING_GROUPS[group_by]]) for r in rows])
        shaped = []
        total = dict.fromkeys(FILING_COUNTS, 0)
        for r in rows:
            figures = {n: r[f"sum_{n}"] for n in FILING_COUNTS}
            for n in FILING_COUNTS:
                total[n] += figures[n]
            key = _key(r[FILING_GROUPS[group_by]])
            shaped.append({"key": key, "label": labels.get(key, key), **figures,
                           "suppressed": figures["should_file"] < THRESHOLD})
        shaped.sort(key=lambda r: r["key"])
        _secondary(shaped, size=lambda r: r["should_file"])
        total["suppressed"] = 0 < total["should_file"] < THRESHOLD

        def out(figures):
            hidden = figures["suppressed"]
            values = {n: None if hidden else figures[n] for n in FILING_COUNTS}
            values["not_filed"] = None if hidden else max(figures["should_file"] - figures["filed"], 0)
            return {**values, "suppressed": hidden}

        body = {"filters": _echo(data), "threshold": THRESHOLD, "total": out(total),
                "rows": [{"key": r["key"], "label": r["label"], **out(r)} for r in shaped]}
        return Response(FilingReport(body).data)


PERMIT_GROUPS = {"month": "month", "province": "lao__province_id", "lao_type": "lao__lao_type", "lao": "lao__dla_code"}
PERMIT_COUNTS = ["received", "approved", "refused", "decided_in_time", "decided_late", "issued"]


class PermitReportApi(APIView):
    """Advertising permits: applications received, decided (approved, refused; within the decision deadline or
    late) and permits issued, per municipality, SAO and Pattaya."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    throttle_classes = [OpenDataThrottle]
    groups = ["month", "province", "lao_type", "lao"]

    @extend_schema(parameters=_parameters(groups, "lao"), responses=PermitReport)
    def get(self, request):
        data = _filters(request, self.groups, "lao")
        group_by = data["group_by"]
        queryset = _scoped(PermitMonth.objects.all(), data, service=False)
        if data.get("service") and data["service"] != Service.ADVERTISING:
            queryset = queryset.none()
        rows = list(queryset.values(PERMIT_GROUPS[group_by]).annotate(
            **{f"sum_{n}": Coalesce(Sum(n), 0) for n in PERMIT_COUNTS}).order_by())
        labels = _labels(group_by, [_key(r[PERMIT_GROUPS[group_by]]) for r in rows])
        shaped = sorted(({"key": _key(r[PERMIT_GROUPS[group_by]]),
                          "label": labels.get(_key(r[PERMIT_GROUPS[group_by]]), _key(r[PERMIT_GROUPS[group_by]])),
                          **{n: r[f"sum_{n}"] for n in PERMIT_COUNTS}} for r in rows), key=lambda r: r["key"])
        total = {n: sum(r[n] for r in shaped) for n in PERMIT_COUNTS}
        return Response(PermitReport({"filters": _echo(data), "total": total, "rows": shaped}).data)
