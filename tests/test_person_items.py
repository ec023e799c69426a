"""Issue 14: what the LAOs publish about each person's open items, following their own records — filing,
paying, voiding, refunding, asking for information, expiry — in a PAO and an SAO, for a person and a business
they act for; a rolled-back change publishes nothing; the rebuild reproduces the rows."""
import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from shared_apps.person_items.models import ItemKind, PersonBusiness, PersonItem
from shared_apps.person_items.selectors import open_items_for, recently_paid_for
from tenant_apps.advertising import services as advertising
from tenant_apps.advertising.models import ApplicationStatus, DocumentKind, Permit
from tenant_apps.billing import services as billing
from tenant_apps.billing.models import PaymentSettings
from tenant_apps.billing.selectors import obligation_for
from tenant_apps.businesses.services import business_decide, business_register, filer_add
from tenant_apps.pao_filing.periods import month_start
from tenant_apps.pao_filing.services import return_file, return_review
from tenant_apps.published import person_items
from tests.pao import citizen, officer, ordinance_settings

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
LAST_MONTH = month_start(month_start(TODAY) - datetime.timedelta(days=1))
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def published(lao) -> set[tuple]:
    """The LAO's published rows, as comparable tuples."""
    return {_row(r) for r in PersonItem.objects.filter(lao=lao).values()}


def _row(r: dict) -> tuple:
    return (r["key"], r["user_id"], r["kind"], r.get("amount"), r.get("amount_after_due"), r.get("due_on"),
            r["path"], tuple(r.get("remind_on") or ()), r.get("refresh_on"), r.get("business_id"),
            bool(r.get("legal_notice")))


def assert_equals_own_state(lao):
    """The published rows are what the LAO's own records stand for today, and the rebuild reproduces them."""
    with schema_context(lao.schema_name):
        rows, businesses = person_items.computed()
    assert published(lao) == {_row(r) for r in rows}
    assert set(PersonBusiness.objects.filter(lao=lao).values_list("business_id", "user_id", "name")) == {
        (b["business_id"], b["user_id"], b["name"]) for b in businesses}


def kinds(user, lao=None) -> dict[str, str]:
    rows = PersonItem.objects.filter(user=user, **({"lao": lao} if lao else {}))
    return dict(rows.values_list("key", "kind"))


@pytest.fixture
def pao_world(pao, django_capture_on_commit_callbacks):
    with schema_context(pao.schema_name):
        ordinance_settings()
        PaymentSettings.objects.update_or_create(pk=1, defaults={
            "tax_id": "0994000165501", "biller_suffix": "00", "company_account": "1234567890",
            "hmac_secret": "s" * 40})
        owner, filer, stranger = citizen(), citizen(), citizen()
        clerk, approver, finance = officer(pao, "clerk"), officer(pao, "approver"), officer(pao, "finance")
        with django_capture_on_commit_callbacks(execute=True):
            business = business_register(
                actor=owner, kind="hotel", name="โรงแรมสองแคว", address="1 ถนนเจริญเมือง แพร่", owner_type="person",
                owner_id_number=owner.national_id, owner_name="นายเจ้าของ", licence_number="L-1",
                operating_since=LAST_MONTH, rooms=20)
        yield {"pao": pao, "business": business, "owner": owner, "filer": filer, "stranger": stranger,
               "clerk": clerk, "approver": approver, "finance": finance}


def test_a_pao_business_through_filing_paying_voiding_and_refunding(pao_world, django_capture_on_commit_callbacks):
    w, pao = pao_world, pao_world["pao"]
    business, owner, filer = w["business"], w["owner"], w["filer"]
    return_key = f"return:{business.pk}:{LAST_MONTH:%Y-%m}"
    assert kinds(owner) == {}  # waiting for approval: nothing to file yet
    with schema_context(pao.schema_name):
        with django_capture_on_commit_callbacks(execute=True):
            business_decide(business=business, approve=True, note="", actor=w["clerk"])
        assert kinds(owner) == {return_key: ItemKind.RETURN_DUE}
        with django_capture_on_commit_callbacks(execute=True):
            filer_add(business=business, national_id=filer.national_id, actor=owner)
        assert kinds(filer) == {return_key: ItemKind.RETURN_DUE}  # the business they act for
        item = PersonItem.objects.get(user=filer, key=return_key)
        assert item.business_name == "โรงแรมสองแคว" and item.period == LAST_MONTH
        assert item.path == f"/businesses/{business.pk}/file/?period={LAST_MONTH:%Y-%m}"
        assert item.remind_on == [item.due_on - datetime.timedelta(days=5), item.due_on - datetime.timedelta(days=1)]
        assert set(PersonBusiness.objects.filter(lao=pao).values_list("user_id", "is_owner")) == {
            (owner.pk, True), (filer.pk, False)}
        assert_equals_own_state(pao)

        # filed: the month leaves the list, its invoice arrives for both
        with django_capture_on_commit_callbacks(execute=True):
            ret = return_file(business=business, period=LAST_MONTH, actor=filer, today=TODAY,
                              data={"room_rent_total": "10000", "nights_total": "10"})
        obligation = obligation_for(source="hotel_fee.return", source_id=ret.pk)
        key = f"obligation:{obligation.pk}"
        assert kinds(owner) == kinds(filer) == {key: ItemKind.INVOICE_UNPAID}
        invoice_item = PersonItem.objects.get(user=owner, key=key)
        assert invoice_item.amount == Decimal("200.00") and invoice_item.path.startswith("/pay/")
        assert invoice_item.due_on == obligation.due_date
        # after the due date it will carry the surcharge: 1.5 % of 200.00 = 3.00
        assert invoice_item.amount_after_due == Decimal("203.00")
        assert invoice_item.refresh_on == obligation.due_date + datetime.timedelta(days=1)
        assert_equals_own_state(pao)

        # paid at the counter: nothing to pay, a receipt to keep
        with django_capture_on_commit_callbacks(execute=True):
            payment, _created = billing.payment_post(
                invoice=billing.open_invoice(obligation), amount=None, channel="counter", method="cash",
                reference="counter-1", received_at=timezone.now(), actor=w["finance"])
        receipt = payment.receipts.get()
        assert kinds(owner) == {f"receipt:{receipt.pk}": ItemKind.PAID}
        assert [i.key for i in recently_paid_for(owner, today=TODAY)] == [f"receipt:{receipt.pk}"]
        assert open_items_for(owner) == []
        assert PersonItem.objects.get(user=owner, kind=ItemKind.PAID).path == f"/receipts/{receipt.token}/receipt.pdf"

        # a spoiled receipt voided and reissued: the new one is listed, the void one is not
        with django_capture_on_commit_callbacks(execute=True):
            new_receipt = billing.receipt_void(receipt=receipt, reason="พิมพ์ผิด", actor=w["finance"])
        assert kinds(owner) == {f"receipt:{new_receipt.pk}": ItemKind.PAID}

        # assessed lower after payment: a credit to collect, then refunded
        with django_capture_on_commit_callbacks(execute=True):
            return_review(ret=ret, decision="assess", actor=w["approver"], reason="ห้องว่างบางคืน",
                          tax_amount="150.00", today=TODAY)
        assert kinds(owner)[key] == ItemKind.CREDIT
        assert PersonItem.objects.get(user=owner, key=key).amount == Decimal("50.00")
        assert_equals_own_state(pao)
        obligation.refresh_from_db()
        with django_capture_on_commit_callbacks(execute=True):
            billing.credit_refund(obligation=obligation, reason="คืนเงินส่วนเกิน", actor=w["finance"])
        assert key not in kinds(owner) and key not in kinds(filer)
        assert_equals_own_state(pao)
    assert kinds(w["stranger"]) == {}  # never another person's


def test_a_rolled_back_change_publishes_nothing(pao_world, django_capture_on_commit_callbacks):
    w, pao = pao_world, pao_world["pao"]
    with schema_context(pao.schema_name):
        with django_capture_on_commit_callbacks(execute=True):
            business_decide(business=w["business"], approve=True, note="", actor=w["clerk"])
        before = published(pao)
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            try:
                with transaction.atomic():
                    return_file(business=w["business"], period=LAST_MONTH, actor=w["owner"], today=TODAY,
                                data={"room_rent_total": "10000", "nights_total": "10"})
                    raise RuntimeError("the filer's connection dropped")
            except RuntimeError:
                pass
        assert not any(isinstance(c, person_items._Pending) for c in callbacks)
        assert published(pao) == before and len(before) == 1


def test_the_rebuild_reproduces_the_rows_and_removes_strays(pao_world, django_capture_on_commit_callbacks):
    w, pao = pao_world, pao_world["pao"]
    with schema_context(pao.schema_name):
        with django_capture_on_commit_callbacks(execute=True):
            business_decide(business=w["business"], approve=True, note="", actor=w["clerk"])
            return_file(business=w["business"], period=LAST_MONTH, actor=w["owner"], today=TODAY,
                        data={"room_rent_total": "10000", "nights_total": "10"})
        before = published(pao)
        PersonItem.objects.filter(lao=pao).delete()
        PersonItem.objects.create(lao=pao, user=w["stranger"], key="obligation:999999", kind=ItemKind.INVOICE_UNPAID,
                                  title="stray", path="/")
        person_items.rebuild()
        assert published(pao) == before
        assert_equals_own_state(pao)


# --- an SAO: an applicant's advertising permit ---------------------------------------------------------------------

@pytest.fixture
def sao_world(sao):
    return {"sao": sao, "applicant": citizen(name_th="นายผู้ขอ"), "clerk": officer(sao, "clerk"),
            "approver": officer(sao, "approver"), "finance": officer(sao, "finance")}


def _application(applicant, start):
    from django.core.files.uploadedfile import SimpleUploadedFile

    application = advertising.application_save_draft(
        applicant=applicant, method="posting", message_gist="ลดราคาตลาดนัดชุมชน", width_m="1.20", height_m="2.40",
        notice_count=5, start_date=start, end_date=start + datetime.timedelta(days=14), undertakes_removal=True,
        locations=[{"description": "ถนนเจริญเมือง หน้าตลาด", "latitude": "18.1450", "longitude": "100.1410"}])
    advertising.document_upload(application=application, kind=DocumentKind.SAMPLE, actor=applicant,
                                upload=SimpleUploadedFile("sample.png", PNG, content_type="image/png"))
    return application


def test_an_sao_application_information_fee_permit_and_expiry(sao_world, django_capture_on_commit_callbacks):
    w, sao = sao_world, sao_world["sao"]
    applicant = w["applicant"]
    with schema_context(sao.schema_name):
        with django_capture_on_commit_callbacks(execute=True):
            application = _application(applicant, TODAY + datetime.timedelta(days=10))
            advertising.application_submit(application=application, actor=applicant)
        assert kinds(applicant) == {}
        with django_capture_on_commit_callbacks(execute=True):
            advertising.application_request_info(application=application, actor=w["clerk"], note="ขอแผนที่")
        key = f"application:{application.pk}"
        assert kinds(applicant) == {key: ItemKind.INFO_REQUESTED}
        asked = PersonItem.objects.get(user=applicant, key=key)
        assert asked.path == f"/advertising/applications/{application.pk}/"
        assert asked.remind_on == [TODAY + datetime.timedelta(days=d) for d in (2, 5, 9)]
        assert_equals_own_state(sao)

        with django_capture_on_commit_callbacks(execute=True):
            advertising.application_submit(application=application, actor=applicant)  # resubmitted
            advertising.application_give_opinion(application=application, actor=w["clerk"], opinion="ok",
                                                 recommends="approve")
            advertising.application_order(application=application, actor=w["approver"], approve=True)
        obligation = obligation_for(source="advertising.application", source_id=application.pk)
        fee_key = f"obligation:{obligation.pk}"
        assert kinds(applicant) == {fee_key: ItemKind.INVOICE_UNPAID}  # the fee due
        assert PersonItem.objects.get(user=applicant, key=fee_key).amount == Decimal("1000.00")

        with django_capture_on_commit_callbacks(execute=True):
            billing.payment_post(invoice=billing.open_invoice(obligation), amount=None, channel="counter",
                                 method="cash", reference="sao-fee-1", received_at=timezone.now(),
                                 actor=w["finance"])
        permit = Permit.objects.get(application=application)
        permit_key = f"permit:{permit.pk}"
        application.refresh_from_db()
        assert application.status == ApplicationStatus.ISSUED
        mine = kinds(applicant)
        assert mine[permit_key] == ItemKind.PERMIT_ENDING and mine.pop(permit_key) and \
            set(mine.values()) == {ItemKind.PAID}
        ending = PersonItem.objects.get(user=applicant, key=permit_key)
        assert ending.due_on == permit.valid_to and not ending.legal_notice
        assert ending.refresh_on == permit.valid_to + datetime.timedelta(days=1)
        assert_equals_own_state(sao)

        # the day after it ends, the daily roll-over turns it into the notice to remove (a legal notice)
        after = permit.valid_to + datetime.timedelta(days=1)
        person_items.refresh(today=after)
        notice = PersonItem.objects.get(user=applicant, key=permit_key)
        assert notice.kind == ItemKind.REMOVAL_NOTICE and notice.legal_notice and notice.refresh_on is None
        assert after in notice.remind_on

        with django_capture_on_commit_callbacks(execute=True):
            advertising.removal_confirm(permit=permit, actor=applicant,
                                        photo=__import__("django.core.files.uploadedfile", fromlist=["x"])
                                        .SimpleUploadedFile("removed.png", PNG, content_type="image/png"))
        assert permit_key not in kinds(applicant)


def test_two_laos_two_types_one_person(pao_world, sao_world, django_capture_on_commit_callbacks):
    """The same citizen owns a hotel in the PAO and applies in the SAO: both LAOs' items are theirs, each
    under its LAO."""
    w, pao, sao = pao_world, pao_world["pao"], sao_world["sao"]
    owner = w["owner"]
    with schema_context(pao.schema_name):
        with django_capture_on_commit_callbacks(execute=True):
            business_decide(business=w["business"], approve=True, note="", actor=w["clerk"])
    with schema_context(sao.schema_name):
        with django_capture_on_commit_callbacks(execute=True):
            application = _application(owner, TODAY + datetime.timedelta(days=10))
            advertising.application_submit(application=application, actor=owner)
            advertising.application_request_info(application=application, actor=sao_world["clerk"], note="ขอแผนที่")
    items = open_items_for(owner)
    assert {(i.lao_id, i.kind) for i in items} == {(pao.pk, ItemKind.RETURN_DUE), (sao.pk, ItemKind.INFO_REQUESTED)}
    assert items[0].due_on is not None and items[-1].due_on is None  # dated first, soonest first
    assert open_items_for(sao_world["applicant"]) == [] and open_items_for(w["filer"]) == []


def test_the_rebuild_command(pao_world, django_capture_on_commit_callbacks, capsys):
    from django.core.management import CommandError, call_command

    w, pao = pao_world, pao_world["pao"]
    with schema_context(pao.schema_name):
        with django_capture_on_commit_callbacks(execute=True):
            business_decide(business=w["business"], approve=True, note="", actor=w["clerk"])
    before = published(pao)
    PersonItem.objects.filter(lao=pao).delete()
    call_command("rebuild_person_items", "--lao", pao.dla_code, "--workers", "1")
    assert published(pao) == before and "1 item row(s), 1 business row(s)" in capsys.readouterr().out
    with pytest.raises(CommandError, match="Not in the registry"):
        call_command("rebuild_person_items", "--lao", "0000000")


def test_the_pao_sets_its_reminder_days_and_the_items_follow(client, pao_world, django_capture_on_commit_callbacks):
    from tenant_apps.lao_profile.models import LAOProfile
    from tests.test_hardening_inputs_sessions import as_dopa

    w, pao = pao_world, pao_world["pao"]
    with schema_context(pao.schema_name):
        with django_capture_on_commit_callbacks(execute=True):
            business_decide(business=w["business"], approve=True, note="", actor=w["clerk"])
    item = PersonItem.objects.get(user=w["owner"], kind=ItemKind.RETURN_DUE)
    as_dopa(client, officer(pao, "finance"))
    page = client.get("/pao/ordinances/", HTTP_HOST=pao.host)
    assert 'name="return_reminder_days"' in page.content.decode() and 'value="5, 1"' in page.content.decode()
    for bad in ("abc", "0", "31", "1,2,3,4,5,6", "๕", "-1", "1" * 50):
        refused = client.post("/pao/ordinances/", {"form": "reminders", "return_reminder_days": bad},
                              HTTP_HOST=pao.host)
        assert refused.status_code == 200 and refused.context["field_errors"]["return_reminder_days"], bad
        assert 'aria-describedby="h-reminder-days e-reminder-days" aria-invalid="true"' in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        saved = client.post("/pao/ordinances/", {"form": "reminders", "return_reminder_days": "7, 2, 7"},
                            HTTP_HOST=pao.host)
    assert saved.status_code == 302
    with schema_context(pao.schema_name):
        assert LAOProfile.objects.get(pk=1).return_reminder_days == [7, 2]
    item = PersonItem.objects.get(user=w["owner"], kind=ItemKind.RETURN_DUE)
    assert item.remind_on == [item.due_on - datetime.timedelta(days=7), item.due_on - datetime.timedelta(days=2)]
    assert_equals_own_state(pao)
