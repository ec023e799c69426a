"""What the PAO pages show people, checked without a browser (the journeys under tests/browser walk them):
no codes or Christian-era months, Enter that decides nothing on the officers' forms, the slip's barcode fit for
a phone under the strict CSP and its human-readable line."""
import datetime
import re
from types import SimpleNamespace

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from shared_apps.audit.templatetags.audit_labels import audit_details, audit_target, audit_when
from shared_apps.payment_formats.barcode import barcode_svg, bill_payment_barcode_data
from tenant_apps.hotel_fee.models import HotelReturn
from tenant_apps.pao_filing.services import return_file
from tests.pao import officer, ordinance_settings, registered_business

pytestmark = pytest.mark.django_db
LAST_MONTH = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def event(action, target="", **detail):
    return SimpleNamespace(action=action, target=target, detail=detail)


def test_the_audit_trail_names_products_revenues_months_roles_and_reasons_in_thai():
    assert audit_target(event("ordinance_rate_recorded", "room_rent")) == "ค่าเช่าห้องพัก"
    assert audit_target(event("filing_rule_recorded", "tobacco_tax")) == "ภาษีบำรุง อบจ. จากการค้ายาสูบ"
    assert audit_target(event("return_assess", "โรงแรมแพร่ 2026-11")) == "โรงแรมแพร่ · พฤศจิกายน 2569"
    assert audit_target(event("hotel_fee_return_filed", "Hotel 2026-11 2026-09")) == "Hotel 2026-11 · กันยายน 2569"
    assert audit_target(event("sign_in", "someone")) == "someone"  # a user name stays what it is
    assert audit_details(event("sign_in_failed", reason="wrong_totp")) == ["รหัสจากแอปยืนยันตัวตนไม่ถูกต้อง"]
    assert audit_details(event("role_granted", role="approver")) == [audit_details(event("x", role="approver"))[0]]
    assert "approver" not in audit_details(event("role_granted", role="approver"))
    assert audit_details(event("return_send_back", reason="ขาดบัญชีผู้พัก")) == ["ขาดบัญชีผู้พัก"]  # free text kept
    at = timezone.make_aware(datetime.datetime(2026, 12, 2, 14, 5, 9))
    assert audit_when(at) == "2 ธันวาคม 2569 14:05:09"


def test_the_labels_follow_the_language():
    from django.utils import translation

    with translation.override("en"):
        assert audit_target(event("return_accept", "Phrae Hotel 2026-11")) == "Phrae Hotel · November 2569 BE"
        assert audit_details(event("sign_in_failed", reason="credentials")) == ["wrong username or password"]


def test_the_barcode_scales_and_needs_no_inline_style():
    svg = barcode_svg(bill_payment_barcode_data(biller_id="099400016550100", ref1="000000000018", ref2="691210",
                                                amount_satang=520000))
    root = re.match(r"<svg[^>]*>", svg).group(0)
    assert 'viewBox="0 0 ' in root and 'width="' in root and "mm" in root  # printed size kept, scalable
    assert "style=" not in svg  # the CSP drops inline styles: colours are attributes
    assert 'fill="white"' in svg and 'fill="black"' in svg
    assert not re.search(r'(x|y|width|height)="[\d.]+mm"', svg.split(">", 1)[1]), "bars in viewBox units"


@pytest.fixture
def phrae(pao):
    with schema_context(pao.schema_name):
        ordinance_settings()
    return pao


def _as_dopa(client, user):
    client.force_login(user)
    session = client.session
    session["auth_method"] = "dopa"
    session.save()


def test_enter_on_the_review_form_decides_nothing(client, phrae):
    with schema_context(phrae.schema_name):
        business, owner = registered_business("hotel")
        ret = return_file(business=business, period=LAST_MONTH, actor=owner, data={"room_rent_total": "1000"})
    _as_dopa(client, officer(phrae, "clerk", "approver"))
    page = client.get(f"/pao/returns/hotel/{ret.pk}/", HTTP_HOST=phrae.host).content.decode()
    form = re.search(r'<form method="post" class="card">.*?</form>', page, re.S).group(0)
    first = re.search(r"<button[^>]*>", form).group(0)
    assert "disabled" in first and 'type="submit"' in first  # what Enter would press
    assert f"{business.name} {LAST_MONTH:%Y-%m}" not in page and f"{LAST_MONTH:%Y-%m}" not in page
    # A decision is still one click away (and the API and the tests post it the same way).
    assert client.post(f"/pao/returns/hotel/{ret.pk}/", {"decision": "accept"},
                       HTTP_HOST=phrae.host).status_code == 302
    with schema_context(phrae.schema_name):
        assert HotelReturn.objects.get(pk=ret.pk).status == "accepted"
    again = client.get(f"/pao/returns/hotel/{ret.pk}/", HTTP_HOST=phrae.host).content.decode()
    assert 'value="accept"' not in again  # decided once: no second accept offered


def test_the_overdue_month_picker_speaks_thai_months_and_buddhist_years(client, phrae):
    _as_dopa(client, officer(phrae, "clerk"))
    page = client.get("/pao/overdue/", HTTP_HOST=phrae.host).content.decode()
    assert 'type="month"' not in page
    be_year = LAST_MONTH.year + 543
    assert re.search(rf'<option value="{LAST_MONTH:%Y-%m}">[^<]+ {be_year}</option>', page)
    older = client.get("/pao/overdue/?from=2020-01", HTTP_HOST=phrae.host).content.decode()
    assert '<option value="2020-01" selected>มกราคม 2563</option>' in older  # a month further back stays chosen
    typed = client.get("/pao/overdue/?from=01/2563", HTTP_HOST=phrae.host).content.decode()  # BE, as typed
    assert '<option value="2020-01" selected>มกราคม 2563</option>' in typed
