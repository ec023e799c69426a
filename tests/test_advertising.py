"""Advertising permits: the flow with each role, the other paths, numbering, verification, uploads, reminders."""
import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tenants.utils import schema_context

from tenant_apps.advertising import services
from tenant_apps.advertising.models import (Application, ApplicationDocument, ApplicationStatus, DocumentKind,
                                            Permit)
from tenant_apps.billing.models import Invoice, Payment
from tests.pao import citizen, officer

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
TODAY = timezone.localdate()
START = TODAY + datetime.timedelta(days=10)


def png(name="sample.png", data=PNG):
    return SimpleUploadedFile(name, data, content_type="image/png")


def signed_in(client, user):
    client.force_login(user)
    session = client.session
    session["auth_method"] = "dopa"
    session.save()
    return client


def draft(applicant, **overrides):
    fields = {"method": "posting", "message_gist": "ลดราคาตลาดนัดชุมชน", "width_m": "1.20", "height_m": "2.40",
              "notice_count": 5, "start_date": START, "end_date": START + datetime.timedelta(days=14),
              "undertakes_removal": True, "locations": [{"description": "ถนนเจริญเมือง หน้าตลาด",
                                                         "latitude": "18.1450", "longitude": "100.1410"}]}
    fields.update(overrides)
    application = services.application_save_draft(applicant=applicant, **fields)
    services.document_upload(application=application, kind=DocumentKind.SAMPLE, upload=png(), actor=applicant)
    return application


@pytest.fixture
def people(sao):
    from shared_apps.notifications.models import NotificationPreference

    applicant = citizen(email="applicant@example.invalid", name_th="นายผู้ขอ ทดสอบ")
    NotificationPreference.objects.create(user=applicant, email=applicant.email,  # notices go to verified addresses
                                          email_verified_at=timezone.now())
    return {"applicant": applicant,
            "clerk": officer(sao, "clerk"), "approver": officer(sao, "approver"), "finance": officer(sao, "finance")}


def test_the_whole_flow_with_each_role(client, sao, people, django_capture_on_commit_callbacks):
    with schema_context(sao.schema_name):
        application = draft(people["applicant"])
        application = services.application_submit(application=application, actor=people["applicant"])
        assert application.decision_due == TODAY + datetime.timedelta(days=15)
        with pytest.raises(PermissionDenied):
            services.application_order(application=application, actor=people["clerk"], approve=True)
        services.application_give_opinion(application=application, actor=people["clerk"],
                                          opinion="ตรวจสถานที่แล้ว ไม่อยู่ในที่ห้าม", recommends="approve")
        with pytest.raises(PermissionDenied):
            services.application_give_opinion(application=application, actor=people["approver"], opinion="x",
                                              recommends="approve")
        services.application_order(application=application, actor=people["approver"], approve=True,
                                   conditions="ปิดได้เฉพาะบอร์ดที่ อบต. จัดให้")
        invoice = Invoice.objects.get(source="advertising.application", source_id=application.pk)
        assert invoice.amount == Decimal("1000.00")  # 200 baht × 5 notices
        assert not Permit.objects.exists()  # no permit before the fee is paid

    signed_in(client, people["finance"])
    with django_capture_on_commit_callbacks(execute=True):
        paid = client.post(f"/api/billing/invoices/{invoice.pk}/counter-payment/",
                           {"method": "cash", "reference": "R-0001"}, content_type="application/json",
                           HTTP_HOST=sao.host)
    again = client.post(f"/api/billing/invoices/{invoice.pk}/counter-payment/",
                        {"method": "cash", "reference": "R-0001"}, content_type="application/json", HTTP_HOST=sao.host)
    assert paid.status_code == 201 and again.status_code == 200 and again.json()["duplicate"] is True

    with schema_context(sao.schema_name):
        assert Payment.objects.filter(invoice=invoice).count() == 1
        application.refresh_from_db()
        permit = Permit.objects.get(application=application)
        assert application.status == ApplicationStatus.ISSUED
        assert permit.display_number.endswith(f"/{TODAY.year + 543 + (1 if TODAY.month >= 10 else 0)}")
        statuses = list(application.events.values_list("to_status", flat=True))
    assert statuses == ["draft", "submitted", "opinion_given", "approved", "issued"]

    signed_in(client, people["applicant"])
    pdf = client.get(f"/advertising/applications/{application.pk}/permit.pdf", HTTP_HOST=sao.host)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert any("permit" in m.subject.lower() or "ใบอนุญาต" in m.subject for m in mail.outbox)


def approved_and_issued(sao, people, **overrides) -> Permit:
    with schema_context(sao.schema_name):
        application = draft(people["applicant"], **overrides)
        services.application_submit(application=application, actor=people["applicant"])
        services.application_give_opinion(application=application, actor=people["clerk"], opinion="ok",
                                          recommends="approve")
        services.advertising_policy_update(actor=None, fee_amount=Decimal("0"))  # free: issued at once
        services.application_order(application=application, actor=people["approver"], approve=True)
        return Permit.objects.get(application=application)


def test_refused_path_needs_reasons(sao, people):
    with schema_context(sao.schema_name):
        application = draft(people["applicant"])
        services.application_submit(application=application, actor=people["applicant"])
        services.application_give_opinion(application=application, actor=people["clerk"], opinion="อยู่บนเกาะกลางถนน",
                                          recommends="refuse")
        with pytest.raises(ValidationError):
            services.application_order(application=application, actor=people["approver"], approve=False, reasons="")
        services.application_order(application=application, actor=people["approver"], approve=False,
                                   reasons="สถานที่อยู่ในที่ห้ามติดตั้ง")
        application.refresh_from_db()
        assert application.status == ApplicationStatus.REFUSED and not Invoice.objects.exists()
        with pytest.raises(ValidationError):  # out of order now
            services.application_order(application=application, actor=people["approver"], approve=True)


def test_more_information_path(sao, people):
    with schema_context(sao.schema_name):
        application = draft(people["applicant"])
        services.application_submit(application=application, actor=people["applicant"])
        services.application_request_info(application=application, actor=people["clerk"],
                                          note="ขอหนังสือยินยอมจากเจ้าของที่ดิน")
        services.document_upload(application=application, kind=DocumentKind.CONSENT,
                                 upload=SimpleUploadedFile("consent.pdf", b"%PDF-1.7\n..."), actor=people["applicant"])
        services.application_submit(application=application, actor=people["applicant"])
        application.refresh_from_db()
        assert application.status == ApplicationStatus.SUBMITTED
        assert list(application.events.values_list("to_status", flat=True)) == [
            "draft", "submitted", "more_info", "submitted"]


def test_revoked_path_and_verification_pages(client, sao, people):
    valid = approved_and_issued(sao, people)
    revoked = approved_and_issued(sao, people)
    expired = approved_and_issued(sao, people)
    with schema_context(sao.schema_name):
        with pytest.raises(ValidationError):
            services.permit_revoke(permit=revoked, actor=people["approver"], reasons=" ")
        services.permit_revoke(permit=revoked, actor=people["approver"], reasons="ปิดในที่ห้าม")
        Permit.objects.filter(pk=expired.pk).update(valid_from=TODAY - datetime.timedelta(days=20),
                                                    valid_to=TODAY - datetime.timedelta(days=1))
        Permit.objects.filter(pk=valid.pk).update(valid_from=TODAY - datetime.timedelta(days=1))
    client.logout()

    def page(permit, number=None):
        year, num = (permit.fiscal_year, permit.number) if permit else (2569, 9999)
        return client.get(f"/permits/{year}/{num}/", HTTP_HOST=sao.host)

    for permit, status in [(valid, "valid"), (revoked, "revoked"), (expired, "expired")]:
        response = page(permit)
        assert response.status_code == 200 and response.context["status"] == status
        text = response.content.decode()
        assert "นายผู้ขอ" not in text and "applicant@example.invalid" not in text
        assert people["applicant"].national_id not in text and "ลดราคา" not in text and "ถนนเจริญเมือง" not in text
        api = client.get(f"/api/advertising/permits/{permit.fiscal_year}/{permit.number}/", HTTP_HOST=sao.host)
        assert api.json()["status"] == status and set(api.json()) == {
            "number", "status", "valid_from", "valid_to", "notice_count", "method"}
    unknown = page(None)
    assert unknown.status_code == 404 and unknown.context["status"] == "unknown"


def test_numbering_restarts_on_1_october(sao, people, monkeypatch):
    moments = iter([datetime.datetime(2026, 9, 30, 16, 59, tzinfo=datetime.timezone.utc),   # 23:59 in Bangkok
                    datetime.datetime(2026, 9, 30, 16, 59, 30, tzinfo=datetime.timezone.utc),
                    datetime.datetime(2026, 9, 30, 17, 0, 1, tzinfo=datetime.timezone.utc)])  # 00:00 on 1 Oct
    real_now = timezone.now
    permits = []
    for _ in range(3):
        moment = next(moments)
        monkeypatch.setattr(services.timezone, "now", lambda m=moment: m)
        with schema_context(sao.schema_name):
            application = draft(people["applicant"], start_date=datetime.date(2026, 10, 20),
                                end_date=datetime.date(2026, 10, 30))
            Application.objects.filter(pk=application.pk).update(status=ApplicationStatus.APPROVED)
            application.refresh_from_db()
            permits.append(services.permit_issue(application=application))
        monkeypatch.setattr(services.timezone, "now", real_now)
    assert [p.display_number for p in permits] == ["1/2569", "2/2569", "1/2570"]


@pytest.mark.parametrize("overrides, fragment", [
    ({"end_date": START - datetime.timedelta(days=1)}, "end date"),
    ({"end_date": START + datetime.timedelta(days=45)}, "at most 30"),
    ({"start_date": TODAY - datetime.timedelta(days=1)}, "passed"),
    ({"start_date": TODAY + datetime.timedelta(days=2), "end_date": TODAY + datetime.timedelta(days=5)}, "days before"),
    ({"notice_count": 500}, "at most 100"),
    ({"width_m": "3.00"}, "larger than"),
    ({"undertakes_removal": False}, "remove"),
])
def test_bad_applications_are_refused_with_a_message(sao, people, overrides, fragment):
    from django.utils import translation

    with schema_context(sao.schema_name), translation.override("en"):
        application = draft(people["applicant"], **overrides)
        with pytest.raises(ValidationError) as caught:
            services.application_submit(application=application, actor=people["applicant"])
        application.refresh_from_db()
        assert application.status == ApplicationStatus.DRAFT
    assert any(fragment in message for message in caught.value.messages), caught.value.messages


def test_wrong_files_are_refused_and_nothing_is_stored(sao, people, settings):
    media = Path(settings.MEDIA_ROOT)
    with schema_context(sao.schema_name):
        application = draft(people["applicant"])
        before_rows, before_files = ApplicationDocument.objects.count(), sorted(media.rglob("*"))
        for upload in (SimpleUploadedFile("virus.png", b"MZ\x90\x00 not an image"),  # named png, is not
                       SimpleUploadedFile("doc.pdf", b"%PDF-1.7"),  # a PDF is not a sample image
                       png("huge.png", PNG + b"\x00" * (5 * 1024 * 1024))):
            with pytest.raises(ValidationError):
                services.document_upload(application=application, kind=DocumentKind.SAMPLE, upload=upload,
                                         actor=people["applicant"])
        assert ApplicationDocument.objects.count() == before_rows
        with pytest.raises(PermissionDenied):
            services.document_upload(application=application, kind=DocumentKind.SAMPLE, upload=png(),
                                     actor=people["clerk"])
    assert sorted(media.rglob("*")) == before_files


def test_actions_out_of_order_or_by_the_wrong_person(sao, people):
    with schema_context(sao.schema_name):
        application = draft(people["applicant"])
        with pytest.raises(ValidationError):  # approving before submission and opinion
            services.application_order(application=application, actor=people["approver"], approve=True)
        services.application_submit(application=application, actor=people["applicant"])
        services.application_withdraw(application=application, actor=people["applicant"], reason="ยกเลิกงาน")
        with pytest.raises(ValidationError):  # approving a withdrawn application
            services.application_give_opinion(application=application, actor=people["clerk"], opinion="x",
                                              recommends="approve")
        other = citizen()
        with pytest.raises(PermissionDenied):
            services.application_withdraw(application=draft(people["applicant"]), actor=other)
        with pytest.raises(PermissionDenied):  # a clerk cannot take money
            from tenant_apps.billing.services import counter_payment_record

            from tenant_apps.billing.services import invoice_issue

            invoice = invoice_issue(source="x", source_id=1, description="x", payer_name="x",
                                    amount=Decimal("10"), due_date=TODAY)
            counter_payment_record(invoice=invoice, method="cash", reference="1", actor=people["clerk"])


def test_uploads_of_one_lao_are_unreachable_from_another(client, sao, town, people):
    with schema_context(sao.schema_name):
        application = draft(people["applicant"])
        document = application.documents.get()
        assert document.file.name.startswith(f"{sao.schema_name}/advertising/")
    url = f"/advertising/applications/{application.pk}/documents/{document.pk}/"
    signed_in(client, people["applicant"])
    assert client.get(url, HTTP_HOST=sao.host).status_code == 200
    assert client.get(url, HTTP_HOST=town.host).status_code == 404  # not in that LAO's schema
    town_officer = officer(town, "clerk", "approver", "lao_admin")
    signed_in(client, town_officer)
    assert client.get(url, HTTP_HOST=town.host).status_code == 404
    assert client.get(url, HTTP_HOST=sao.host).status_code == 404  # no role at Kanchana
    client.logout()
    assert client.get(url, HTTP_HOST=sao.host).status_code == 302  # to sign-in


def test_reminders_before_and_after_expiry_until_removal(sao, people, django_capture_on_commit_callbacks):
    permit = approved_and_issued(sao, people)
    end = permit.valid_to
    mail.outbox.clear()

    def send(day):  # in the morning: none are sent at night
        now = datetime.datetime.combine(day, datetime.time(9), tzinfo=datetime.timezone(datetime.timedelta(hours=7)))
        return services.permit_reminders_send(today=day, now=now)

    with schema_context(sao.schema_name):
        with django_capture_on_commit_callbacks(execute=True):
            assert send(end - datetime.timedelta(days=3)) == 1
            assert send(end - datetime.timedelta(days=3)) == 0  # once a day
            assert send(end - datetime.timedelta(days=2)) == 0
            assert send(end + datetime.timedelta(days=1)) == 1
            assert send(end + datetime.timedelta(days=4)) == 1
        photo = png("removed.png")
        services.removal_confirm(permit=permit, actor=people["applicant"], photo=photo)
        with django_capture_on_commit_callbacks(execute=True):
            assert send(end + datetime.timedelta(days=7)) == 0
        permit.refresh_from_db()
        assert permit.removal_evidence == "photo" and permit.removal_confirmed_by == people["applicant"]
    assert len(mail.outbox) == 3 and all(m.to == ["applicant@example.invalid"] for m in mail.outbox)


def test_application_pages_and_api(client, sao, people):
    signed_in(client, people["applicant"])
    response = client.post("/api/advertising/applications/", {
        "method": "scattering", "message_gist": "แจกใบปลิวงานวัด", "width_m": "0.21", "height_m": "0.30",
        "notice_count": 50, "start_date": START.isoformat(), "end_date": (START + datetime.timedelta(days=3)).isoformat(),
        "undertakes_removal": True, "locations": [{"description": "ลานวัดกาญจนา"}]}, content_type="application/json",
        HTTP_HOST=sao.host)
    assert response.status_code == 201
    pk = response.json()["id"]
    upload = client.post(f"/api/advertising/applications/{pk}/documents/", {"kind": "sample", "file": png()},
                         HTTP_HOST=sao.host)
    assert upload.status_code == 201
    submitted = client.post(f"/api/advertising/applications/{pk}/actions/", {"action": "submit"},
                            content_type="application/json", HTTP_HOST=sao.host)
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    page = client.get(f"/advertising/applications/{pk}/", HTTP_HOST=sao.host)
    assert page.status_code == 200 and "แจกใบปลิวงานวัด" in page.content.decode()

    signed_in(client, people["clerk"])
    queue = client.get("/api/advertising/queue/", HTTP_HOST=sao.host)
    assert pk in [a["id"] for a in queue.json()]
    opinion = client.post(f"/advertising/applications/{pk}/", {"operation": "opinion", "note": "เห็นควรอนุญาต",
                                                                "recommends": "approve"}, HTTP_HOST=sao.host)
    assert opinion.status_code == 302
    assert client.get("/advertising/officers/", HTTP_HOST=sao.host).status_code == 200
    new_form = client.get("/advertising/applications/new/", HTTP_HOST=sao.host)
    assert new_form.status_code == 200
