"""Issue 14: the central "My account" and /api/me/obligations/ list exactly the person's items across LAOs (a
PAO's hotel they own, an SAO's advertising applications), never another person's; each item's link goes through
/accounts/me/go/, which lands the person signed in on that LAO's host on the item's page."""
import datetime
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from shared_apps.accounts.models import SignInTicket
from shared_apps.person_items.links import item_link
from shared_apps.person_items.models import ItemKind, PersonItem
from tenant_apps.advertising import services as advertising
from tenant_apps.billing import services as billing
from tenant_apps.billing.models import PaymentSettings
from tenant_apps.billing.selectors import obligation_for
from tenant_apps.businesses.services import business_decide, business_register
from tenant_apps.pao_filing.periods import month_start
from tenant_apps.pao_filing.services import return_file
from tests.pao import citizen, officer, ordinance_settings
from tests.test_hardening_inputs_sessions import as_dopa
from tests.test_person_items import _application

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
LAST_MONTH = month_start(month_start(TODAY) - datetime.timedelta(days=1))
CENTRAL = settings.BASE_DOMAIN


def _months_back(count: int) -> datetime.date:
    month = month_start(TODAY)
    for _ in range(count):
        month = month_start(month - datetime.timedelta(days=1))
    return month


def _hotel(pao, owner, *, name: str, months: int = 2):
    """A hotel of `owner`, approved, open for `months` ended months: one return to file for each."""
    with schema_context(pao.schema_name):
        business = business_register(
            actor=owner, kind="hotel", name=name, address="1 ถนนเจริญเมือง แพร่", owner_type="person",
            owner_id_number=owner.national_id, owner_name="นายเจ้าของ", licence_number="L-1",
            operating_since=_months_back(months), rooms=20)
        business_decide(business=business, approve=True, note="", actor=officer(pao, "clerk"))
    return business


@pytest.fixture
def world(pao, sao, django_capture_on_commit_callbacks):
    """The person: a hotel in the PAO (a month to file, a month filed and unpaid), two advertising applications
    in the SAO (one asked for more information, one paid with its permit running). A stranger with their own
    application in the same SAO."""
    person, stranger = citizen(name_th="นางสาวผู้ใช้ ทดสอบ"), citizen(name_th="นายคนอื่น")
    with schema_context(pao.schema_name):
        ordinance_settings()
        PaymentSettings.objects.update_or_create(pk=1, defaults={
            "tax_id": "0994000165501", "biller_suffix": "00", "company_account": "1234567890",
            "hmac_secret": "s" * 40})
    with django_capture_on_commit_callbacks(execute=True):
        business = _hotel(pao, person, name="โรงแรมสองแคว")
    with schema_context(pao.schema_name), django_capture_on_commit_callbacks(execute=True):
        filed = return_file(business=business, period=_months_back(2), actor=person, today=TODAY,
                            data={"room_rent_total": "10000", "nights_total": "10"})
    invoice_obligation = _obligation_id(pao, "hotel_fee.return", filed.pk)
    clerk, approver, finance = officer(sao, "clerk"), officer(sao, "approver"), officer(sao, "finance")
    with schema_context(sao.schema_name):
        with django_capture_on_commit_callbacks(execute=True):
            asked = _application(person, TODAY + datetime.timedelta(days=10))
            advertising.application_submit(application=asked, actor=person)
            advertising.application_request_info(application=asked, actor=clerk, note="ขอแผนที่")
            theirs = _application(stranger, TODAY + datetime.timedelta(days=10))
            advertising.application_submit(application=theirs, actor=stranger)
            advertising.application_request_info(application=theirs, actor=clerk, note="ขอแผนที่")
        with django_capture_on_commit_callbacks(execute=True):
            paid = _application(person, TODAY + datetime.timedelta(days=10))
            advertising.application_submit(application=paid, actor=person)
            advertising.application_give_opinion(application=paid, actor=clerk, opinion="ok", recommends="approve")
            advertising.application_order(application=paid, actor=approver, approve=True)
        fee = obligation_for(source="advertising.application", source_id=paid.pk)
        with django_capture_on_commit_callbacks(execute=True):
            billing.payment_post(invoice=billing.open_invoice(fee), amount=None, channel="counter", method="cash",
                                 reference="my-account-fee", received_at=timezone.now(), actor=finance)
    return {"pao": pao, "sao": sao, "person": person, "stranger": stranger, "business": business,
            "invoice_key": f"obligation:{invoice_obligation}", "asked": asked, "theirs": theirs}


def _obligation_id(lao, source, source_id) -> int:
    with schema_context(lao.schema_name):
        return obligation_for(source=source, source_id=source_id).pk


def _keys(user) -> dict:
    return dict(PersonItem.objects.filter(user=user).values_list("key", "kind"))


def test_my_account_lists_exactly_the_persons_items_across_laos(client, world):
    w, person = world, world["person"]
    mine = _keys(person)
    kinds = sorted(mine.values())
    assert kinds == sorted([ItemKind.RETURN_DUE, ItemKind.INVOICE_UNPAID, ItemKind.INFO_REQUESTED,
                            ItemKind.PERMIT_ENDING, ItemKind.PAID]), mine
    as_dopa(client, person)
    page = client.get("/accounts/me/", HTTP_HOST=CENTRAL)
    assert page.status_code == 200
    html = page.content.decode()
    # every open item, each under its LAO, with its button through the go link
    shown = {item.key for item in page.context["items"]}
    assert shown == {key for key, kind in mine.items() if kind != ItemKind.PAID}
    assert {item.lao_id for item in page.context["items"]} == {w["pao"].pk, w["sao"].pk}
    assert w["pao"].full_name_th in html and w["sao"].full_name_th in html
    assert w["pao"].province.name_th in html
    for item in page.context["items"]:
        assert f'href="{item.go.replace("&", "&amp;")}"' in html
        assert item.go.startswith(f"/accounts/me/go/?lao={item.lao.dla_code}&next=")
    # soonest first, the undated (more information asked) last
    dates = [item.due_on for item in page.context["items"]]
    assert dates[-1] is None and [d for d in dates if d] == sorted(d for d in dates if d)
    # the hotel's items under the hotel, the advertising ones the person's own
    [hotel] = page.context["businesses"]
    assert hotel.name == "โรงแรมสองแคว" and {i.kind for i in hotel.items} == {ItemKind.RETURN_DUE,
                                                                           ItemKind.INVOICE_UNPAID}
    assert {i.kind for i in page.context["own"].items} == {ItemKind.INFO_REQUESTED, ItemKind.PERMIT_ENDING}
    # amounts in baht with 2 decimals, the surcharge after the due date, Buddhist-era dates, labels not codes
    invoice = PersonItem.objects.get(user=person, key=w["invoice_key"])
    # 2 % of 10,000.00 room rent; filed after its deadline it carries 1.5 % a month from then on
    assert invoice.amount >= Decimal("200.00") and invoice.amount_after_due > invoice.amount
    from shared_apps.portal.templatetags.thai_dates import buddhist_date

    assert f"{invoice.amount:,.2f} บาท" in html
    assert f"หลังวันที่ {buddhist_date(invoice.due_on, 'th')}: {invoice.amount_after_due:,.2f} บาท" in html
    assert str(invoice.due_on.year + 543) in html and f"{invoice.due_on:%Y-%m-%d}" not in html
    assert "ค้างชำระ" in html and "invoice_unpaid" not in html and "return_due" not in html
    assert "ใบอนุญาตใกล้สิ้นสุด" in html and "อีก 24 วัน" in html  # the permit ends in 24 days
    # paid recently: the receipt's PDF on the SAO's host, a token link
    [receipt] = page.context["recently_paid"]
    assert receipt.link == f"{w['sao'].site_url}{receipt.path.lstrip('/')}" and receipt.link in html
    assert "วันที่ชำระ" in html and "1,000.00 บาท" in html
    # what the page showed before, and the preferences page
    assert person.masked_national_id in html and person.name_th in html
    assert 'href="/accounts/me/notifications/"' in html
    # never another person's
    theirs = set(_keys(w["stranger"]))
    assert theirs and not theirs & shown and f"/advertising/applications/{w['theirs'].pk}/" not in html


def test_english_and_the_empty_state(client, world):
    as_dopa(client, world["person"])
    english = client.get("/accounts/me/?lang=en", HTTP_HOST=CENTRAL, HTTP_ACCEPT_LANGUAGE="en")
    text = english.content.decode()
    assert english.status_code == 200 and "To pay" in text and "Paid recently" in text
    thai = as_dopa(Client(), citizen())  # someone with nothing anywhere
    page = thai.get("/accounts/me/", HTTP_HOST=CENTRAL)
    html = page.content.decode()
    assert page.status_code == 200 and "ยังไม่มีสิ่งที่ต้องทำ" in html and "ยังไม่มีการชำระเงิน" in html


def test_the_api_lists_the_same_items(client, world):
    w, person = world, world["person"]
    assert client.get("/api/me/obligations/", HTTP_HOST=CENTRAL).status_code in (401, 403)
    as_dopa(client, person)
    answer = client.get("/api/me/obligations/", HTTP_HOST=CENTRAL)
    assert answer.status_code == 200
    body = answer.json()
    open_keys = {k for k, kind in _keys(person).items() if kind != ItemKind.PAID}
    assert len(body["items"]) == len(open_keys)
    by_kind = {item["kind"]: item for item in body["items"]}
    invoice = by_kind[ItemKind.INVOICE_UNPAID]
    assert invoice["lao"] == {"code": w["pao"].dla_code, "name": w["pao"].full_name_th, "host": w["pao"].host}
    item = PersonItem.objects.get(user=person, key=w["invoice_key"])
    assert invoice["amount"] == f"{item.amount:.2f}" and invoice["amount_after_due"] == f"{item.amount_after_due:.2f}"
    assert invoice["business"] == {"id": w["business"].pk, "name": "โรงแรมสองแคว"}
    assert invoice["kind_label"] == "ค้างชำระ" and invoice["legal_notice"] is False
    assert invoice["due_on"] == item.due_on.isoformat() and invoice["link"] == item_link(item)
    assert invoice["link"].startswith(f"{settings.PUBLIC_SCHEME}://{CENTRAL}{settings.PUBLIC_PORT}/accounts/me/go/")
    assert by_kind[ItemKind.INFO_REQUESTED]["business"] is None and body["items"][-1]["due_on"] is None
    [paid] = body["recently_paid"]
    assert paid["kind"] == ItemKind.PAID and paid["amount"] == "1000.00" and paid["lao"]["code"] == w["sao"].dla_code
    assert paid["link"].startswith(w["sao"].site_url) and paid["link"].endswith("/receipt.pdf")
    [business] = body["businesses"]
    assert business["id"] == w["business"].pk and business["is_owner"] is True and business["kind"] == "hotel"
    # another person sees only theirs
    as_dopa(client, w["stranger"])
    theirs = client.get("/api/me/obligations/", HTTP_HOST=CENTRAL).json()
    assert [i["kind"] for i in theirs["items"]] == [ItemKind.INFO_REQUESTED]
    assert theirs["recently_paid"] == [] and theirs["businesses"] == []
    assert f"/advertising/applications/{w['theirs'].pk}/" in theirs["items"][0]["link"].replace("%2F", "/")


def test_the_api_is_in_the_openapi_schema(client):
    schema = client.get("/api/schema/?format=json", HTTP_HOST=CENTRAL).json()
    operation = schema["paths"]["/api/me/obligations/"]["get"]
    assert {"200", "403"} <= set(operation["responses"])


def test_the_go_link_signed_out_goes_to_sign_in(client, pao):
    before = SignInTicket.objects.count()  # (the live server's tests commit theirs)
    answer = client.get(f"/accounts/me/go/?lao={pao.dla_code}&next=/pay/x/", HTTP_HOST=CENTRAL)
    assert answer.status_code == 302
    location = urlsplit(answer["Location"])
    assert location.path == "/accounts/login/"
    assert parse_qs(location.query)["next"] == [f"/accounts/me/go/?lao={pao.dla_code}&next=/pay/x/"]
    assert SignInTicket.objects.count() == before


@pytest.mark.parametrize("query, words", [
    ("lao=0000000&next=/", "ไม่ได้ระบุหน่วยงานท้องถิ่น"),
    ("lao=abc&next=/", "ไม่ได้ระบุหน่วยงานท้องถิ่น"),
    ("next=/", "ไม่ได้ระบุหน่วยงานท้องถิ่น"),
    ("lao={registered}&next=/", "ไม่ได้ระบุหน่วยงานท้องถิ่น"),  # in the registry, not onboarded
    ("lao={code}&next=https://evil.example/", "ไม่ได้นำไปยังหน้าของ"),
    ("lao={code}&next=//evil.example/", "ไม่ได้นำไปยังหน้าของ"),
    ("lao={code}&next=/\\evil.example/", "ไม่ได้นำไปยังหน้าของ"),
    ("lao={code}&next=", "ไม่ได้นำไปยังหน้าของ"),
    ("lao={code}&next=/%0d%0aSet-Cookie:x", "ไม่ได้นำไปยังหน้าของ"),
    ("lao={code}&next=/" + "a" * 300, "ไม่ได้นำไปยังหน้าของ"),
])
def test_a_bad_go_link_is_refused_and_issues_nothing(client, pao, registered_lao, query, words):
    person = citizen()
    as_dopa(client, person)
    answer = client.get(f"/accounts/me/go/?{query.format(code=pao.dla_code, registered=registered_lao.dla_code)}",
                        HTTP_HOST=CENTRAL)
    assert answer.status_code == 400
    assert words in answer.content.decode()
    assert not SignInTicket.objects.filter(user=person).exists()


def test_a_bad_go_link_in_english(client, pao):
    as_dopa(client, citizen())
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    answer = client.get("/accounts/me/go/?lao=0000000&next=/", HTTP_HOST=CENTRAL, HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 400 and "names no local administration" in answer.content.decode()


def test_the_go_link_lands_signed_in_on_the_laos_host(client, world):
    w, person, pao = world, world["person"], world["pao"]
    item = PersonItem.objects.get(user=person, key=w["invoice_key"])
    as_dopa(client, person)
    page = client.get("/accounts/me/", HTTP_HOST=CENTRAL)
    go = next(i.go for i in page.context["items"] if i.key == w["invoice_key"])
    answer = client.get(go, HTTP_HOST=CENTRAL)
    assert answer.status_code == 302
    location = urlsplit(answer["Location"])
    assert f"{location.scheme}://{location.netloc}/" == pao.site_url and location.path == "/accounts/sso/"
    query = parse_qs(location.query)
    assert query["next"] == [item.path] and query["ticket"]
    ticket = SignInTicket.objects.get(user=person)
    assert ticket.user == person and ticket.host == f"{pao.host}{settings.PUBLIC_PORT}" and ticket.auth_method == "dopa"

    there = Client()  # the LAO's host: a browser session of its own
    landed = there.get(f"{location.path}?{location.query}", HTTP_HOST=pao.host)
    assert landed.status_code == 302 and landed["Location"] == item.path
    assert int(there.session["_auth_user_id"]) == person.pk and there.session["auth_method"] == "dopa"
    slip = there.get(item.path, HTTP_HOST=pao.host)
    assert slip.status_code == 200 and slip.context["user"] == person
    assert there.get(f"{location.path}?{location.query}", HTTP_HOST=pao.host).status_code == 403  # used once


def test_on_a_laos_host_my_account_and_the_go_link_send_to_the_central_site(client, pao):
    before = SignInTicket.objects.count()
    central = f"{settings.PUBLIC_SCHEME}://{CENTRAL}{settings.PUBLIC_PORT}"
    me = client.get("/accounts/me/", HTTP_HOST=pao.host)
    assert me.status_code == 302 and me["Location"] == f"{central}/accounts/me/"
    go = client.get(f"/accounts/me/go/?lao={pao.dla_code}&next=/pay/x/", HTTP_HOST=pao.host)
    assert go.status_code == 302 and go["Location"] == f"{central}/accounts/me/go/?lao={pao.dla_code}&next=/pay/x/"
    assert SignInTicket.objects.count() == before
    assert client.get("/api/me/obligations/", HTTP_HOST=pao.host).status_code == 404  # central only


def test_the_page_makes_the_same_queries_whatever_the_number_of_items(client, pao, sao,
                                                                      django_capture_on_commit_callbacks,
                                                                      django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    person = citizen()
    with schema_context(pao.schema_name):
        ordinance_settings()
    with django_capture_on_commit_callbacks(execute=True):
        _hotel(pao, person, name="โรงแรมหนึ่ง", months=1)
    as_dopa(client, person)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/accounts/me/", HTTP_HOST=CENTRAL).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            _hotel(pao, person, name=f"โรงแรม {n}", months=6)
        with schema_context(sao.schema_name):
            for _ in range(3):
                application = _application(person, TODAY + datetime.timedelta(days=10))
                advertising.application_submit(application=application, actor=person)
                advertising.application_request_info(application=application, actor=officer(sao, "clerk"),
                                                     note="ขอแผนที่")
    assert PersonItem.objects.filter(user=person).count() >= 20
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/accounts/me/", HTTP_HOST=CENTRAL)
    assert page.status_code == 200 and len(page.context["items"]) >= 20
    assert len(few.captured_queries) <= 14, [q["sql"][:80] for q in few.captured_queries]
