"""The permit queue as officers work it (issue 12): the applicant's name, masked ID and e-mail; filters,
sorting, pages and exports of exactly the filtered rows; the full ID only through an audited POST."""
import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tenants.utils import schema_context

from shared_apps.accounts.models import StaffRole
from shared_apps.audit.models import AuditEvent
from tenant_apps.advertising import lists, services
from tenant_apps.advertising.models import DocumentKind
from tests.factories import UserFactory
from tests.pao import citizen, officer
from tests.test_lists_pao import as_dopa, csv_rows, xlsx_rows

pytestmark = pytest.mark.django_db
START = timezone.localdate() + datetime.timedelta(days=10)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def submitted(lao, applicant, *, method="posting", notices=2, juristic=None):
    with schema_context(lao.schema_name):
        extra = {"applicant_type": "juristic", "juristic_tax_id": juristic[0], "juristic_name": juristic[1]} \
            if juristic else {}
        application = services.application_save_draft(
            applicant=applicant, method=method, message_gist="ตลาดนัด", width_m="1.00", height_m="1.00",
            notice_count=notices, start_date=START, end_date=START + datetime.timedelta(days=5),
            undertakes_removal=True, locations=[{"description": "หน้าตลาด"}], **extra)
        services.document_upload(application=application, kind=DocumentKind.SAMPLE,
                                 upload=SimpleUploadedFile("s.png", PNG, content_type="image/png"), actor=applicant)
        if juristic:
            services.document_upload(application=application, kind=DocumentKind.ID_DOCUMENT,
                                     upload=SimpleUploadedFile("c.png", PNG, content_type="image/png"),
                                     actor=applicant)
        services.application_submit(application=application, actor=applicant)
        return application


@pytest.fixture
def queue(sao):
    somsri = citizen(name_th="นางสมศรี ติดป้าย", email="somsri@example.invalid")
    wichai = citizen(name_th="นายวิชัย โปรยใบปลิว", email="wichai@example.invalid")
    return {"somsri": somsri, "wichai": wichai,
            "posting": submitted(sao, somsri, notices=5),
            "scattering": submitted(sao, wichai, method="scattering", notices=80)}


def test_the_queue_shows_who_applied_and_filters_by_method_name_id_and_number(client, sao, queue):
    as_dopa(client, officer(sao, "clerk"))
    page = client.get("/advertising/officers/", HTTP_HOST=sao.host)
    html = page.content.decode()
    assert page.status_code == 200 and page.context["breadcrumbs"][-1][1] is None
    pid = queue["somsri"].national_id
    assert "นางสมศรี ติดป้าย" in html and "somsri@example.invalid" in html  # name and contact
    assert pid not in html and f"{pid[0]}-{pid[1:5]}-xxxxx-xx-{pid[12]}" in html  # the ID masked
    assert "แสดงเลขเต็ม" in html  # the clerk may reveal it

    def numbers(**params):
        return [a.pk for a in client.get("/advertising/officers/", params, HTTP_HOST=sao.host)
                .context["listing"].page]

    assert numbers(service="scattering") == [queue["scattering"].pk]
    assert numbers(q="สมศรี") == [queue["posting"].pk]
    assert numbers(q=queue["wichai"].national_id) == [queue["scattering"].pk]
    assert numbers(q=f"#{queue['posting'].pk}") == [queue["posting"].pk]
    assert numbers(status="submitted", sort="notices") == [queue["posting"].pk, queue["scattering"].pk]
    assert numbers(sort="-notices") == [queue["scattering"].pk, queue["posting"].pk]
    assert numbers(status="issued") == []
    today = timezone.localdate()
    assert len(numbers(**{"from": f"{today.day}/{today.month}/{today.year + 543}"})) == 2


def test_the_export_of_the_queue_is_the_filtered_rows(client, sao, queue):
    as_dopa(client, officer(sao, "clerk"))
    rows = csv_rows(client.get("/advertising/officers/?service=posting&export=csv", HTTP_HOST=sao.host))
    assert rows[0][:4] == ["คำขอเลขที่", "วันที่ยื่นคำขอ", "ผู้ยื่นคำขอ", "เลขประจำตัวประชาชน"]
    assert [(r[0], r[2]) for r in rows[1:]] == [(str(queue["posting"].pk), "นางสมศรี ติดป้าย")]
    assert rows[1][3].count("x") == 7  # masked
    assert "somsri@example.invalid" in rows[1]
    sheet = xlsx_rows(client.get("/advertising/officers/?sort=notices&export=xlsx", HTTP_HOST=sao.host))
    assert [row[0] for row in sheet[1:]] == [queue["posting"].pk, queue["scattering"].pk]  # numbers
    assert sheet[0][sheet[0].index("จำนวนแผ่นประกาศ")] and sheet[1][sheet[0].index("จำนวนแผ่นประกาศ")] == 5


def test_revealing_an_applicants_id_is_audited_and_refused_to_an_observer(client, sao, queue):
    clerk = officer(sao, "clerk")
    as_dopa(client, clerk)
    application = queue["posting"]
    shown = client.post("/officers/national-id/", {"subject": f"applicant:{application.pk}",
                                                   "page": "/advertising/officers/?service=posting"},
                        HTTP_HOST=sao.host)
    pid = queue["somsri"].national_id
    assert shown.status_code == 200 and pid[5:10] in shown.content.decode()
    with schema_context(sao.schema_name):
        event = AuditEvent.objects.get(action=AuditEvent.Action.NATIONAL_ID_REVEALED)
    assert (event.actor_id, event.detail["page"]) == (clerk.pk, "/advertising/officers/?service=posting")
    assert "นางสมศรี ติดป้าย" in event.target and pid not in event.target
    trail = client.get("/officers/audit/", HTTP_HOST=sao.host).content.decode()
    assert "เจ้าหน้าที่เปิดดูเลขประจำตัวประชาชนแบบเต็ม" in trail and "/advertising/officers/?service=posting" in trail

    observer = UserFactory()
    StaffRole.objects.create(user=observer, kind=StaffRole.Kind.PROVINCIAL_OFFICE, province_id="54")
    client.logout()
    as_dopa(client, observer)
    page = client.get("/advertising/officers/", HTTP_HOST=sao.host).content.decode()
    assert "นางสมศรี ติดป้าย" in page and "แสดงเลขเต็ม" not in page  # reads, cannot reveal
    assert client.get("/advertising/officers/?export=csv", HTTP_HOST=sao.host).status_code == 200
    assert client.post("/officers/national-id/", {"subject": f"applicant:{application.pk}", "page": "/"},
                       HTTP_HOST=sao.host).status_code == 403
    with schema_context(sao.schema_name):
        assert AuditEvent.objects.filter(action=AuditEvent.Action.NATIONAL_ID_REVEALED).count() == 1


def test_another_lao_never_lists_or_reveals_these_applications(client, sao, town, queue):
    as_dopa(client, officer(town, "clerk"))
    page = client.get("/advertising/officers/", HTTP_HOST=town.host)
    assert page.status_code == 200 and "นางสมศรี" not in page.content.decode()
    assert len(csv_rows(client.get("/advertising/officers/?export=csv", HTTP_HOST=town.host))) == 1
    assert client.post("/officers/national-id/", {"subject": f"applicant:{queue['posting'].pk}", "page": "/"},
                       HTTP_HOST=town.host).status_code == 404


@pytest.mark.parametrize("query", ["status=draft", "service=billboard", "sort=applicant__national_id",
                                   "q=%00", "page=x", "from=31/02/2569", "q=" + "1" * 40])
def test_a_malformed_queue_filter_is_named_not_a_server_error(client, sao, queue, query):
    as_dopa(client, officer(sao, "clerk"))
    response = client.get(f"/advertising/officers/?{query}", HTTP_HOST=sao.host)
    if query.startswith("q=1"):  # a long number is a search that finds nothing, not an error
        assert response.status_code == 200 and not response.context["listing"].page.object_list
        return
    assert response.status_code == 400 and response.context["listing"].errors
    assert len(response.context["listing"].page) == 2  # unfiltered


def test_the_queue_pages(client, sao, queue, monkeypatch):
    monkeypatch.setattr(lists.APPLICATIONS, "page_size", 1)
    as_dopa(client, officer(sao, "clerk"))
    first = client.get("/advertising/officers/?sort=number", HTTP_HOST=sao.host).context["listing"]
    assert [a.pk for a in first.page] == [queue["posting"].pk] and first.page.paginator.num_pages == 2
    second = client.get(first.page_links()["next"], HTTP_HOST=sao.host).context["listing"]
    assert [a.pk for a in second.page] == [queue["scattering"].pk]
