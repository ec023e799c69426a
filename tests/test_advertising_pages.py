"""The advertising pages as the browser journeys found them: Buddhist-era dates, submitting from the form,
no stray drafts, field-level errors, confirmation of what cannot be undone, the receipt after a counter
payment, the signer on the permit."""
import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tenants.utils import schema_context

from tenant_apps.advertising import services
from tenant_apps.advertising.forms import parse_thai_date
from tenant_apps.advertising.models import Application, ApplicationStatus, DocumentKind, Permit
from tenant_apps.billing.models import Invoice, Payment, Receipt
from tests.pao import citizen, officer

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
TODAY = timezone.localdate()
START = TODAY + datetime.timedelta(days=10)


def be(day: datetime.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year + 543}"


def signed_in(client, user):
    client.force_login(user)
    session = client.session
    session["auth_method"] = "dopa"
    session.save()
    return client


def form(**overrides):
    data = {"applicant_type": "person", "method": "posting", "message_gist": "ตลาดนัดชุมชน", "width_m": "1.00",
            "height_m": "1.50", "notice_count": "10", "start_date": be(START),
            "end_date": be(START + datetime.timedelta(days=6)), "location": "หน้าตลาด", "undertakes_removal": "on"}
    data.update(overrides)
    return data


def png(name="sample.png", data=PNG):
    return SimpleUploadedFile(name, data, content_type="image/png")


def applications(lao):
    with schema_context(lao.schema_name):
        return list(Application.objects.order_by("pk"))


@pytest.mark.parametrize("typed, day", [
    ("21/12/2569", datetime.date(2026, 12, 21)), ("๒๑/๑๒/๒๕๖๙", datetime.date(2026, 12, 21)),
    ("1.2.2570", datetime.date(2027, 2, 1)), ("21-12-69", datetime.date(2026, 12, 21)),
    ("21/12/2026", datetime.date(2026, 12, 21)), ("2026-12-21", datetime.date(2026, 12, 21)),
    ("2569-12-21", datetime.date(2026, 12, 21))])
def test_dates_are_read_in_the_buddhist_era(typed, day):
    assert parse_thai_date(typed) == day


@pytest.mark.parametrize("typed", ["31/02/2569", "21/13/2569", "2569", "21/12", "tomorrow", "1/1/99999"])
def test_what_is_not_a_date_is_refused(typed):
    with pytest.raises(ValueError):
        parse_thai_date(typed)


def test_the_form_shows_and_takes_buddhist_era_dates_and_submits(client, sao):
    applicant = citizen()
    signed_in(client, applicant)
    page = client.get("/advertising/applications/new/", HTTP_HOST=sao.host)
    html = page.content.decode()
    assert 'id="id_start_date"' in html and 'type="date"' not in html  # the browser's picker writes CE years
    assert 'aria-describedby="id_start_date_helptext"' in html and 'id="id_start_date_helptext"' in html

    response = client.post("/advertising/applications/new/", {**form(), "sample": png(), "submit": "1"},
                           HTTP_HOST=sao.host)
    [application] = applications(sao)
    assert response.status_code == 302 and response["Location"] == f"/advertising/applications/{application.pk}/"
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.start_date == START and application.end_date == START + datetime.timedelta(days=6)

    page = client.get(response["Location"], HTTP_HOST=sao.host).content.decode()
    history = re.search(r'<ol class="history">(.*?)</ol>', page, re.S).group(1)
    assert str(TODAY.year + 543) in history and f"/{TODAY.year}" not in history
    assert not re.search(r"\b(draft|submitted)\b", history)  # labels, not codes

    edit = client.get(f"/advertising/applications/{application.pk}/edit/", HTTP_HOST=sao.host)
    assert edit.status_code == 302 and edit["Location"] == f"/advertising/applications/{application.pk}/"


def test_a_wrong_file_leaves_no_draft_and_is_named_beside_its_field(client, sao):
    signed_in(client, citizen())
    for attempt in range(2):
        response = client.post("/advertising/applications/new/", {
            **form(), "sample": png("poster.png", b"MZ\x90\x00 a program"), "submit": "1"}, HTTP_HOST=sao.host)
        assert response.status_code == 400
        html = response.content.decode()
        assert re.search(r'id="id_sample_error"[^>]*>[^<]*poster\.png', html)
        assert re.search(r'<input[^>]*name="sample"[^>]*aria-invalid="true"', html)
    assert applications(sao) == []


def test_a_draft_the_conditions_refuse_is_kept_once_with_its_problems_by_field(client, sao):
    signed_in(client, citizen())
    too_long = form(end_date=be(START + datetime.timedelta(days=60)), notice_count="500")
    response = client.post("/advertising/applications/new/", {**too_long, "sample": png(), "submit": "1"},
                           HTTP_HOST=sao.host)
    [application] = applications(sao)
    assert application.status == ApplicationStatus.DRAFT
    assert response.status_code == 302
    assert response["Location"] == f"/advertising/applications/{application.pk}/edit/?check=1"

    page = client.get(response["Location"], HTTP_HOST=sao.host)
    assert page.context["form"].errors.keys() >= {"end_date", "notice_count"}
    html = page.content.decode()
    assert f'action="/advertising/applications/{application.pk}/edit/"' in html  # a retry changes this draft
    assert re.search(r'id="id_end_date"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="id_end_date"', html)

    fixed = client.post(f"/advertising/applications/{application.pk}/edit/", {**form(), "submit": "1"},
                        HTTP_HOST=sao.host)
    assert fixed.status_code == 302
    assert [a.status for a in applications(sao)] == [ApplicationStatus.SUBMITTED]  # still one application


@pytest.fixture
def issued(sao):
    """An application approved by a named approver, its fee paid: a permit."""
    applicant, clerk = citizen(), officer(sao, "clerk")
    approver = officer(sao, "approver")
    approver.name_th = "นางสาวผู้ลงนาม ทดสอบ"
    approver.save()
    with schema_context(sao.schema_name):
        application = services.application_save_draft(
            applicant=applicant, method="posting", message_gist="ตลาดนัด", width_m="1.00", height_m="1.00",
            notice_count=2, start_date=START, end_date=START + datetime.timedelta(days=5), undertakes_removal=True,
            locations=[{"description": "หน้าตลาด"}])
        services.document_upload(application=application, kind=DocumentKind.SAMPLE, upload=png(), actor=applicant)
        services.application_submit(application=application, actor=applicant)
        services.application_give_opinion(application=application, actor=clerk, opinion="ควรอนุญาต",
                                          recommends="approve")
        services.application_order(application=application, actor=approver, approve=True, conditions="ตามที่ขอ",
                                   signer_title="ปลัดองค์การบริหารส่วนตำบล ปฏิบัติราชการแทน")
        invoice = Invoice.objects.get(source=services.INVOICE_SOURCE, source_id=application.pk)
    return {"application": application, "applicant": applicant, "approver": approver, "invoice": invoice}


def test_paid_at_the_counter_asks_first_then_links_the_receipt(client, sao, issued,
                                                               django_capture_on_commit_callbacks):
    finance = officer(sao, "finance")
    signed_in(client, finance)
    invoice = issued["invoice"]
    ask = client.post("/billing/invoices/", {"invoice": invoice.pk, "method": "cash", "reference": "S-1"},
                      HTTP_HOST=sao.host)
    assert ask.status_code == 200 and 'name="confirmed" value="1"' in ask.content.decode()
    with schema_context(sao.schema_name):
        assert not Payment.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):  # the permit is issued once the payment commits
        done = client.post("/billing/invoices/", {"invoice": invoice.pk, "method": "cash", "reference": "S-1",
                                                  "confirmed": "1"}, HTTP_HOST=sao.host)
    with schema_context(sao.schema_name):
        payment = Payment.objects.get()
        receipt = Receipt.objects.get(payment=payment)
        assert Permit.objects.filter(application=issued["application"]).exists()
    assert done.status_code == 302 and done["Location"] == f"/billing/invoices/?paid={payment.pk}"
    page = client.get(done["Location"], HTTP_HOST=sao.host).content.decode()
    assert f"/receipts/{receipt.token}/receipt.pdf" in page


def test_revoking_asks_first_and_the_permit_names_its_signer(client, sao, issued):
    with schema_context(sao.schema_name):
        services.permit_issue(application=issued["application"])
        permit = Permit.objects.get(application=issued["application"])
    application = issued["application"]
    with schema_context(sao.schema_name):
        application.refresh_from_db()
    assert application.order_signer_name == "นางสาวผู้ลงนาม ทดสอบ"
    assert application.order_signer_title == "ปลัดองค์การบริหารส่วนตำบล ปฏิบัติราชการแทน"

    signed_in(client, issued["applicant"])
    pdf = client.get(f"/advertising/applications/{application.pk}/permit.pdf", HTTP_HOST=sao.host)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"

    signed_in(client, issued["approver"])
    ask = client.post(f"/advertising/applications/{application.pk}/", {"operation": "revoke", "note": "ผิดเงื่อนไข"},
                      HTTP_HOST=sao.host)
    html = ask.content.decode()
    assert ask.status_code == 200 and 'name="confirmed" value="1"' in html and "ผิดเงื่อนไข" in html
    with schema_context(sao.schema_name):
        permit.refresh_from_db()
        assert permit.revoked_at is None
    done = client.post(f"/advertising/applications/{application.pk}/", {
        "operation": "revoke", "note": "ผิดเงื่อนไข", "confirmed": "1"}, HTTP_HOST=sao.host)
    assert done.status_code == 302
    with schema_context(sao.schema_name):
        permit.refresh_from_db()
        assert permit.revoked_at is not None and permit.revoke_reasons == "ผิดเงื่อนไข"
    verify = client.get(f"/permits/{permit.fiscal_year}/{permit.number}/", HTTP_HOST=sao.host)
    assert verify.context["status"] == "revoked"


def test_an_action_refused_keeps_the_note_and_marks_it(client, sao, issued):
    signed_in(client, issued["approver"])
    application = issued["application"]
    with schema_context(sao.schema_name):
        Application.objects.filter(pk=application.pk).update(status=ApplicationStatus.OPINION_GIVEN)
    response = client.post(f"/advertising/applications/{application.pk}/", {
        "operation": "refuse", "note": "   ", "confirmed": "1"}, HTTP_HOST=sao.host)
    assert response.status_code == 400
    assert 'aria-invalid="true" aria-describedby="action-error"' in response.content.decode()


def test_the_signer_title_defaults_to_this_laos_head(sao, town):
    with schema_context(sao.schema_name):
        assert services.signer_title_default(sao) == "นายก" + sao.full_name_th
    with schema_context(town.schema_name):
        assert services.signer_title_default(town).startswith("นายกเทศมนตรี")
        services.advertising_policy_update(actor=None, signer_title="นายกเทศมนตรีเมืองทดสอบ")
        assert services.signer_title_default(town) == "นายกเทศมนตรีเมืองทดสอบ"


def test_the_api_refuses_a_buddhist_era_year_instead_of_keeping_it(client, sao):
    signed_in(client, citizen())
    response = client.post("/api/advertising/applications/", {
        "method": "posting", "message_gist": "x", "width_m": "1.00", "height_m": "1.00", "notice_count": 1,
        "start_date": "2569-12-21", "end_date": "2569-12-25", "locations": [{"description": "x"}]},
        content_type="application/json", HTTP_HOST=sao.host)
    assert response.status_code == 400 and "2569-12-21" in " ".join(response.json()["detail"])
    assert applications(sao) == []


def test_withdrawing_asks_first(client, sao, issued):
    application = issued["application"]  # approved, its fee due
    signed_in(client, issued["applicant"])
    ask = client.post(f"/advertising/applications/{application.pk}/", {"operation": "withdraw"}, HTTP_HOST=sao.host)
    assert ask.status_code == 200 and 'name="confirmed" value="1"' in ask.content.decode()
    with schema_context(sao.schema_name):
        application.refresh_from_db()
        assert application.status == ApplicationStatus.APPROVED
    done = client.post(f"/advertising/applications/{application.pk}/", {"operation": "withdraw", "confirmed": "1"},
                       HTTP_HOST=sao.host)
    assert done.status_code == 302
    with schema_context(sao.schema_name):
        application.refresh_from_db()
        assert application.status == ApplicationStatus.WITHDRAWN
