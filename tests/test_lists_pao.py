"""The PAO officers' lists (issue 12): registrations, returns and businesses that have not filed — filters,
sorting, pages, the CSV and XLSX of exactly the filtered rows, masked IDs revealed only through an audited
POST, and nothing of another LAO."""
import csv
import datetime
import io

import pytest
from django_tenants.utils import schema_context
from openpyxl import load_workbook

from shared_apps.accounts.models import StaffRole
from shared_apps.audit.models import AuditEvent
from tenant_apps.businesses.models import Business, BusinessStatus
from tenant_apps.pao_filing import lists
from tenant_apps.pao_filing.services import return_file
from tenants.services import onboard_lao
from tests.factories import UserFactory
from tests.pao import citizen, officer, ordinance_settings, registered_business

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 2)


@pytest.fixture
def phrae(pao):
    with schema_context(pao.schema_name):
        ordinance_settings()
    return pao


def as_dopa(client, user):
    client.force_login(user)
    session = client.session
    session["auth_method"] = "dopa"
    session.save()
    return client


def get(client, lao, path, **params):
    return client.get(path, params, HTTP_HOST=lao.host)


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode()), "a byte-order mark, so Excel reads UTF-8"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def xlsx_rows(response) -> list[list]:
    body = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(body), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def businesses(lao):
    """Three hotels and a tobacco trader: two approved, two waiting for a decision."""
    with schema_context(lao.schema_name):
        owner = citizen(name_th="นางสาวมะลิ ทดสอบ", email="mali@example.invalid")
        made = {
            "approved": registered_business("hotel", name="โรงแรมอนุมัติแล้ว", owner=owner)[0],
            "tobacco": registered_business("tobacco", name="ร้านยาสูบรอ")[0],
            "a": registered_business("hotel", name="โรงแรมกขค")[0],
            "b": registered_business("hotel", name="โรงแรมงจฉ")[0],
        }
        Business.objects.filter(pk__in=[made["tobacco"].pk, made["a"].pk, made["b"].pk]).update(
            status=BusinessStatus.PENDING)
        return {key: Business.objects.get(pk=b.pk) for key, b in made.items()}


def test_registrations_open_on_those_waiting_and_filter_by_status_kind_text_and_id(client, phrae):
    made = businesses(phrae)
    as_dopa(client, officer(phrae, "clerk"))
    page = get(client, phrae, "/pao/registrations/")
    assert page.status_code == 200
    names = [b.name for b in page.context["listing"].page]
    assert set(names) == {"ร้านยาสูบรอ", "โรงแรมกขค", "โรงแรมงจฉ"}  # pending only, oldest first
    assert page.context["breadcrumbs"][-1][1] is None
    every = [b.name for b in get(client, phrae, "/pao/registrations/", status="all").context["listing"].page]
    assert "โรงแรมอนุมัติแล้ว" in every and len(every) == 4
    hotels = get(client, phrae, "/pao/registrations/", service="hotel").context["listing"].page
    assert {b.name for b in hotels} == {"โรงแรมกขค", "โรงแรมงจฉ"}
    assert [b.name for b in get(client, phrae, "/pao/registrations/", q="กขค").context["listing"].page] == [
        "โรงแรมกขค"]
    pid = made["approved"].owner_id_number
    typed = f"{pid[0]}-{pid[1:5]}-{pid[5:10]}-{pid[10:12]}-{pid[12]}"  # as printed on the card
    found = get(client, phrae, "/pao/registrations/", q=typed, status="all").context["listing"].page
    assert [b.name for b in found] == ["โรงแรมอนุมัติแล้ว"]
    text = get(client, phrae, "/pao/registrations/", status="all").content.decode()
    assert pid not in text and f"{pid[0]}-{pid[1:5]}-xxxxx-xx-{pid[12]}" in text  # masked
    assert "mali@example.invalid" in text  # the contact the clerk needs
    today = datetime.date.today()
    be = f"{today.day:02d}/{today.month:02d}/{today.year + 543}"
    assert len(get(client, phrae, "/pao/registrations/", status="all", **{"from": be, "to": be})
               .context["listing"].page) == 4
    assert len(get(client, phrae, "/pao/registrations/", status="all", **{"to": "01/01/2560"})
               .context["listing"].page) == 0


def test_registrations_sort_and_pages_keep_the_filters(client, phrae, monkeypatch):
    businesses(phrae)
    monkeypatch.setattr(lists.REGISTRATIONS, "page_size", 2)
    as_dopa(client, officer(phrae, "clerk"))
    first = get(client, phrae, "/pao/registrations/", sort="-name", service="hotel", status="all")
    listing = first.context["listing"]
    assert [b.name for b in listing.page] == ["โรงแรมอนุมัติแล้ว", "โรงแรมงจฉ"]
    next_url = listing.page_links()["next"]
    assert "service=hotel" in next_url and "sort=-name" in next_url and "status=all" in next_url
    second = client.get(next_url, HTTP_HOST=phrae.host)
    assert [b.name for b in second.context["listing"].page] == ["โรงแรมกขค"]
    assert "sort=-name" in second.context["listing"].export_links[0][1]
    header = listing.headers["name"]
    assert header.aria_sort == "descending" and "sort=name" in header.url


def test_the_export_holds_exactly_the_filtered_rows_with_thai_headers(client, phrae):
    made = businesses(phrae)
    as_dopa(client, officer(phrae, "clerk"))
    response = get(client, phrae, "/pao/registrations/", service="hotel", status="all", sort="name", export="csv")
    assert response["Content-Type"].startswith("text/csv") and "attachment" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0][:3] == ["วันที่ยื่นขึ้นทะเบียน", "ชื่อสถานประกอบการ", "ประเภทกิจการ"]
    assert [row[1] for row in rows[1:]] == ["โรงแรมกขค", "โรงแรมงจฉ", "โรงแรมอนุมัติแล้ว"]
    today = datetime.date.today()
    assert rows[1][0] == f"{today.day:02d}/{today.month:02d}/{today.year + 543}"  # Buddhist era
    pid = made["approved"].owner_id_number
    assert all(pid not in cell for row in rows for cell in row), "the export carries the masked ID"

    sheet = xlsx_rows(get(client, phrae, "/pao/registrations/", service="hotel", status="all", sort="name",
                          export="xlsx"))
    assert sheet[0][:3] == ["วันที่ยื่นขึ้นทะเบียน", "ชื่อสถานประกอบการ", "ประเภทกิจการ"]
    assert [row[1] for row in sheet[1:]] == ["โรงแรมกขค", "โรงแรมงจฉ", "โรงแรมอนุมัติแล้ว"]


def test_returns_of_every_revenue_in_one_list_with_money_as_numbers(client, phrae):
    with schema_context(phrae.schema_name):
        hotel, owner = registered_business("hotel", name="โรงแรมยื่นแล้ว")
        tobacco, trader = registered_business("tobacco", name="ร้านยาสูบยื่นแล้ว")
        return_file(business=hotel, data={"room_rent_total": "100000", "nights_total": "10"},
                    period=datetime.date(2026, 9, 1), actor=owner)
        return_file(business=tobacco, data={"lines": [{"product": "cigarette", "quantity": "1000"}]},
                    period=datetime.date(2026, 10, 1), actor=trader)
    as_dopa(client, officer(phrae, "clerk"))
    page = get(client, phrae, "/pao/returns/")
    assert [r["business_name"] for r in page.context["listing"].page] == ["โรงแรมยื่นแล้ว", "ร้านยาสูบยื่นแล้ว"]
    only_hotels = get(client, phrae, "/pao/returns/", service="hotel").context["listing"].page
    assert [r["business_name"] for r in only_hotels] == ["โรงแรมยื่นแล้ว"]
    by_month = get(client, phrae, "/pao/returns/", **{"from": "10/2569"}).context["listing"].page
    assert [r["business_name"] for r in by_month] == ["ร้านยาสูบยื่นแล้ว"]
    by_amount = get(client, phrae, "/pao/returns/", sort="-amount").context["listing"].page
    assert [r["amount_due"] for r in by_amount] == sorted((r["amount_due"] for r in by_amount), reverse=True)
    assert "ยื่นแล้ว" in page.content.decode() and "hotel/" in page.content.decode()  # the review links

    sheet = xlsx_rows(get(client, phrae, "/pao/returns/", service="hotel", export="xlsx"))
    header, (row,) = sheet[0], sheet[1:]
    assert row[header.index("ภาษีหรือค่าธรรมเนียม")] == 2000  # 2 % of 100,000 baht, a number
    assert isinstance(row[header.index("ยอดที่ต้องชำระ")], (int, float))  # with the surcharge, filed late
    assert row[header.index("เดือน")] == "กันยายน 2569"
    rows = csv_rows(get(client, phrae, "/pao/returns/", service="hotel", export="csv"))
    assert rows[1][rows[0].index("ภาษีหรือค่าธรรมเนียม")] == "2000.00"


def test_the_overdue_list_shows_every_missed_month_since_the_business_started(phrae):
    with schema_context(phrae.schema_name):
        hotel, owner = registered_business("hotel", name="โรงแรมไม่ยื่นตั้งแต่ธันวา",
                                           operating_since=datetime.date(2025, 12, 1))  # December 2568
        return_file(business=hotel, data={"nil": True}, period=datetime.date(2026, 2, 1), actor=owner)
        rows = {row["name"]: row for row in lists.overdue(today=TODAY)}
    row = rows["โรงแรมไม่ยื่นตั้งแต่ธันวา"]
    # December 2568 to October 2569 (November's deadline, 10 December, has not passed), but February.
    expected = [datetime.date(2025, 12, 1)] + [datetime.date(2026, m, 1) for m in range(1, 11) if m != 2]
    assert row["missed"] == expected and row["count"] == 10 and row["oldest"] == datetime.date(2025, 12, 1)
    with schema_context(phrae.schema_name):
        after_deadline = {r["name"]: r for r in lists.overdue(today=datetime.date(2026, 12, 11))}
    assert after_deadline["โรงแรมไม่ยื่นตั้งแต่ธันวา"]["latest"] == datetime.date(2026, 11, 1)


def test_the_overdue_page_opens_on_the_late_months_and_filters_them(client, phrae):
    with schema_context(phrae.schema_name):
        registered_business("hotel", name="โรงแรมค้างยื่น", operating_since=datetime.date(2026, 6, 1))
        registered_business("tobacco", name="ร้านยาสูบค้างยื่น", operating_since=datetime.date(2026, 9, 1))
    as_dopa(client, officer(phrae, "clerk"))
    page = get(client, phrae, "/pao/overdue/")
    names = {row["name"]: row for row in page.context["listing"].page}
    assert {"โรงแรมค้างยื่น", "ร้านยาสูบค้างยื่น"} <= set(names)
    assert names["โรงแรมค้างยื่น"]["missed"][0] == datetime.date(2026, 6, 1)
    assert "มิถุนายน 2569" in page.content.decode()
    tobacco = get(client, phrae, "/pao/overdue/", service="tobacco").context["listing"].page
    assert [row["name"] for row in tobacco] == ["ร้านยาสูบค้างยื่น"]
    july = get(client, phrae, "/pao/overdue/", **{"from": "2026-07", "to": "2026-07"}).context["listing"].page
    assert [(row["name"], row["missed"]) for row in july] == [("โรงแรมค้างยื่น", [datetime.date(2026, 7, 1)])]
    rows = csv_rows(get(client, phrae, "/pao/overdue/", service="hotel", export="csv"))
    assert rows[0][0] == "สถานประกอบการ" and [r[0] for r in rows[1:]] == ["โรงแรมค้างยื่น"]
    assert rows[1][rows[0].index("เดือนที่ยังไม่ได้ยื่น")].startswith("มิถุนายน 2569, กรกฎาคม 2569")


@pytest.mark.parametrize("query", [
    "page=abc", "page=0", "page=99999999999", "sort=password", "sort=name;drop", "from=32/13/2569",
    "from=2569-13", "from=01/12/2569&to=01/11/2569", "status=nope", "service=%00", "q=%1b%5b31m",
    "q=" + "x" * 500, "export=pdf", "export=csv&page=-1", "from=" + "9" * 50,
])
def test_a_malformed_filter_says_so_and_shows_the_list_unfiltered(client, phrae, query):
    businesses(phrae)
    as_dopa(client, officer(phrae, "clerk"))
    for path in ("/pao/registrations/", "/pao/returns/", "/pao/overdue/"):
        response = client.get(f"{path}?{query}", HTTP_HOST=phrae.host)
        if path == "/pao/overdue/" and query.startswith("status"):  # a filter a list has not is not read
            assert response.status_code == 200
            continue
        assert response.status_code == 400, (path, query, response.status_code)
        assert response.context["listing"].errors and not response.context["listing"].filtered
        assert 'role="alert"' in response.content.decode()


def test_revealing_a_national_id_is_a_post_recorded_in_the_audit_trail(client, phrae):
    made = businesses(phrae)
    clerk = officer(phrae, "clerk")
    as_dopa(client, clerk)
    business = made["approved"]
    assert client.get("/officers/national-id/", HTTP_HOST=phrae.host).status_code == 405
    shown = client.post("/officers/national-id/", {"subject": f"business:{business.pk}",
                                                   "page": "/pao/registrations/?status=all"}, HTTP_HOST=phrae.host)
    assert shown.status_code == 200
    pid = business.owner_id_number
    assert f"{pid[0]}-{pid[1:5]}-{pid[5:10]}-{pid[10:12]}-{pid[12]}" in shown.content.decode()
    assert "no-store" in shown["Cache-Control"]
    with schema_context(phrae.schema_name):
        event = AuditEvent.objects.get(action=AuditEvent.Action.NATIONAL_ID_REVEALED)
    assert event.actor_id == clerk.pk and event.detail["page"] == "/pao/registrations/?status=all"
    assert event.detail["subject"] == f"business:{business.pk}" and business.owner_name in event.target
    assert pid not in event.target  # the trail names whose ID, masked
    assert client.post("/officers/national-id/", {"subject": "business:999999", "page": "/"},
                       HTTP_HOST=phrae.host).status_code == 404
    assert client.post("/officers/national-id/", {"subject": "applicant:1", "page": "/"},
                       HTTP_HOST=phrae.host).status_code == 404  # a PAO has no advertising applicants


def test_an_observer_reads_and_exports_but_cannot_reveal(client, phrae):
    made = businesses(phrae)
    observer = UserFactory()
    StaffRole.objects.create(user=observer, kind=StaffRole.Kind.PROVINCIAL_OFFICE, province_id="54")  # Phrae
    as_dopa(client, observer)
    page = get(client, phrae, "/pao/returns/")
    assert page.status_code == 200 and "Show the full ID" not in page.content.decode()
    assert get(client, phrae, "/pao/overdue/", export="xlsx").status_code == 200  # may export what it reads
    refused = client.post("/officers/national-id/", {"subject": f"business:{made['approved'].pk}", "page": "/"},
                          HTTP_HOST=phrae.host)
    assert refused.status_code == 403
    with schema_context(phrae.schema_name):
        assert not AuditEvent.objects.filter(action=AuditEvent.Action.NATIONAL_ID_REVEALED).exists()
    assert get(client, phrae, "/pao/registrations/").status_code == 403  # deciding is not an observer's


def test_one_pao_never_lists_or_reveals_another_paos_businesses(client, phrae, lao):
    made = businesses(phrae)
    other = lao("2200101")
    onboard_lao(lao=other)
    other.refresh_from_db()
    with schema_context(other.schema_name):
        ordinance_settings()
    as_dopa(client, officer(other, "clerk"))
    for path in ("/pao/registrations/?status=all", "/pao/overdue/", "/pao/returns/?status=all"):
        page = client.get(path, HTTP_HOST=other.host)
        assert page.status_code == 200 and "โรงแรมกขค" not in page.content.decode()
    exported = csv_rows(client.get("/pao/registrations/?status=all&export=csv", HTTP_HOST=other.host))
    assert len(exported) == 1  # the headers alone
    assert client.post("/officers/national-id/", {"subject": f"business:{made['approved'].pk}", "page": "/"},
                       HTTP_HOST=other.host).status_code == 404
