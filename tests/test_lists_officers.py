"""The officers' list and the audit trail as lists (issue 12): filters, sorting, exports; observers read and
export, never act; one LAO's rows only."""
import datetime

import pytest
from django.utils import translation
from django_tenants.utils import schema_context

from shared_apps.accounts.models import StaffRole
from shared_apps.audit.models import AuditEvent
from shared_apps.audit.services import audit_record
from tenant_apps.officers.models import Officer
from tests.factories import UserFactory
from tests.test_lists_pao import as_dopa, csv_rows, xlsx_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(sao):
    admin = UserFactory(name_th="นางผู้ดูแล ระบบ", email="admin@example.invalid")
    clerk = UserFactory(name_th="นายเสมียน ขยัน", email="clerk@example.invalid")
    gone = UserFactory(name_th="นายลาออก แล้ว")
    with schema_context(sao.schema_name):
        Officer.objects.create(user_id=admin.pk, roles=["lao_admin"])
        Officer.objects.create(user_id=clerk.pk, roles=["clerk", "finance"])
        Officer.objects.create(user_id=gone.pk, roles=["clerk"], is_active=False)
        audit_record(action=AuditEvent.Action.ROLE_GRANTED, actor=admin, target="นายเสมียน ขยัน", role="finance")
        audit_record(action=AuditEvent.Action.OFFICER_DEACTIVATED, actor=admin, target="นายลาออก แล้ว")
    return {"admin": admin, "clerk": clerk, "gone": gone}


def names(response):
    return [o.user.name_th for o in response.context["listing"].page]


def test_officers_filter_by_status_role_and_name_and_export(client, sao, staff):
    as_dopa(client, staff["admin"])
    page = client.get("/officers/", HTTP_HOST=sao.host)
    assert page.status_code == 200 and page.context["breadcrumbs"][-1][1] is None
    assert set(names(page)) == {"นางผู้ดูแล ระบบ", "นายเสมียน ขยัน", "นายลาออก แล้ว"}
    assert names(client.get("/officers/?status=deactivated", HTTP_HOST=sao.host)) == ["นายลาออก แล้ว"]
    assert names(client.get("/officers/?role=finance", HTTP_HOST=sao.host)) == ["นายเสมียน ขยัน"]
    assert names(client.get("/officers/?q=clerk@example", HTTP_HOST=sao.host)) == ["นายเสมียน ขยัน"]
    assert names(client.get("/officers/?status=active&sort=-name", HTTP_HOST=sao.host)) == [
        "นายเสมียน ขยัน", "นางผู้ดูแล ระบบ"]
    rows = csv_rows(client.get("/officers/?status=active&sort=name&export=csv", HTTP_HOST=sao.host))
    assert rows[0][:3] == ["ชื่อ", "ชื่อผู้ใช้", "อีเมล"]
    assert [r[0] for r in rows[1:]] == ["นางผู้ดูแล ระบบ", "นายเสมียน ขยัน"]
    assert "ผู้รับผิดชอบ" in rows[2][3]  # roles in words
    assert client.get("/officers/?role=mayor", HTTP_HOST=sao.host).status_code == 400


def test_the_audit_trail_filters_by_event_who_and_period_and_exports(client, sao, staff):
    as_dopa(client, staff["admin"])
    page = client.get("/officers/audit/?action=officer_deactivated", HTTP_HOST=sao.host)
    assert [e.target for e in page.context["listing"].page] == ["นายลาออก แล้ว"]
    found = client.get("/officers/audit/?q=เสมียน", HTTP_HOST=sao.host).context["listing"].page
    assert [e.action for e in found] == ["role_granted"]
    assert not client.get("/officers/audit/?to=01/01/2560", HTTP_HOST=sao.host).context["listing"].page
    sheet = xlsx_rows(client.get("/officers/audit/?action=role_granted&export=xlsx", HTTP_HOST=sao.host))
    assert sheet[0][:3] == ["วันและเวลา", "เหตุการณ์", "ผู้ดำเนินการ"]
    (row,) = sheet[1:]
    with translation.override("th"):
        assert row[1] == str(AuditEvent.Action.ROLE_GRANTED.label)  # the event in words, not its code
    assert row[2] == "นางผู้ดูแล ระบบ" and "การเงิน" in row[4]  # the role in words
    assert row[0].split(" ")[0].endswith(str(datetime.date.today().year + 543))  # 02/12/2569 14:05
    assert client.get("/officers/audit/?action=drop_table", HTTP_HOST=sao.host).status_code == 400


def test_an_observer_reads_and_exports_the_trail_of_its_province_only(client, sao, lao, staff):
    observer = UserFactory()
    StaffRole.objects.create(user=observer, kind=StaffRole.Kind.PROVINCIAL_OFFICE, province_id="54")
    as_dopa(client, observer)
    assert len(csv_rows(client.get("/officers/audit/?export=csv", HTTP_HOST=sao.host))) >= 3
    assert client.get("/officers/?export=csv", HTTP_HOST=sao.host).status_code == 200
    pattaya = lao("pattaya")  # Chonburi
    assert client.get("/officers/audit/?export=csv", HTTP_HOST=pattaya.host).status_code == 403


def test_another_lao_lists_none_of_these(client, town, staff):
    admin = UserFactory()
    with schema_context(town.schema_name):
        Officer.objects.create(user_id=admin.pk, roles=["lao_admin"])
    as_dopa(client, admin)
    assert "นายเสมียน" not in client.get("/officers/", HTTP_HOST=town.host).content.decode()
    assert "นายเสมียน" not in client.get("/officers/audit/", HTTP_HOST=town.host).content.decode()
