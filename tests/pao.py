"""Builders for the PAO revenue tests: ordinance settings, registered businesses, filers."""
import datetime
from decimal import Decimal

from django_tenants.utils import schema_context

from tenant_apps.businesses.models import BusinessStatus
from tenant_apps.businesses.services import business_register
from tenant_apps.officers.models import Officer, Role
from tenant_apps.ordinances.services import filing_rule_record, ordinance_rate_record
from tests.factories import UserFactory

ORDINANCE = "ข้อบัญญัติ อบจ.แพร่ เรื่อง การเก็บภาษีบำรุงและค่าธรรมเนียมบำรุง พ.ศ. 2568"
_pids = iter(range(10_000, 99_999))


def valid_pid() -> str:
    from stdnum.th import pin

    while True:
        base = f"31012{next(_pids):05d}45"
        for digit in "0123456789":
            if pin.is_valid(base + digit):
                return base + digit


def citizen(**kwargs):
    return UserFactory(national_id=valid_pid(), **kwargs)


def ordinance_settings(*, since=datetime.date(2024, 10, 1), deadline_day=10, moves=True,
                       surcharge="1.50", cap=None, penalty="0"):
    """Rates of the typical ordinances (DOMAIN.md §3–5) and a filing rule for each revenue."""
    for product, rate in [("room_rent", "2"), ("petrol", "4.54"), ("diesel", "4.54"), ("vehicle_gas", "4.54"),
                          ("cigarette", "9.30"), ("cigar", "9.30")]:
        ordinance_rate_record(product=product, rate=rate, effective_from=since, ordinance=ORDINANCE, actor=None)
    for revenue in ("hotel_fee", "petroleum_tax", "tobacco_tax"):
        filing_rule_record(revenue=revenue, deadline_day=deadline_day, moves_to_working_day=moves,
                           surcharge_percent_per_month=Decimal(surcharge), surcharge_cap_percent=cap,
                           penalty_percent=Decimal(penalty), effective_from=since, ordinance=ORDINANCE, actor=None)


def registered_business(kind="hotel", *, owner=None, operating_since=datetime.date(2025, 1, 1), **extra):
    """A business registered by its owner and approved (inside the current PAO schema)."""
    owner = owner or citizen()
    details = {"hotel": {"rooms": 40}, "fuel": {"fuel_kinds": ["petrol", "diesel", "vehicle_gas"],
                                                 "trade_mode": "retail"}, "tobacco": {}}[kind]
    business = business_register(
        actor=owner, kind=kind, name=extra.pop("name", f"{kind} of {owner.username}"), address="1 ถนนเจริญเมือง แพร่",
        owner_type="person", owner_id_number=owner.national_id, owner_name="เจ้าของ", licence_number="L-1",
        operating_since=operating_since, **details, **extra)
    business.status = BusinessStatus.APPROVED
    business.save(update_fields=["status"])
    return business, owner


def officer(lao, *roles):
    user = UserFactory()
    with schema_context(lao.schema_name):
        Officer.objects.create(user_id=user.pk, roles=list(roles or [Role.CLERK]))
    return user
