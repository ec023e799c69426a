"""The officer's workplace: the home's panels per role (counts equal to what the rows add up to), the menu and
breadcrumbs per role and LAO type, "my account" on a LAO site, the guide; isolation and a bounded query count."""
import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import schema_context

from shared_apps.accounts.models import StaffRole
from tenant_apps.officers.models import Role
from tests.factories import PASSWORD, UserFactory
from tests.pao import citizen, ordinance_settings, registered_business
from tests.test_officers import code_for, officer_of, signed_in

pytestmark = pytest.mark.django_db

NOW = timezone.now()
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _in_english(client, settings):
    """The panels' labels compared in English (the pages are Thai first; the switch keeps English)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def menu_links(html: str) -> set[str]:
    nav = re.search(r'<nav class="officer-nav".*?</nav>', html, re.S)
    return set(re.findall(r'href="([^"]+)"', nav.group(0))) if nav else set()


def page(client, lao, path="/officer/"):
    response = client.get(path, HTTP_HOST=lao.host)
    assert response.status_code == 200, (path, response.status_code)
    return response.content.decode()


def panel_counts(response) -> dict:
    """{panel key: {item label: count}} from the view's context."""
    return {panel.key: {str(item.label): item.count for item in panel.items} for panel in response.context["panels"]}


# --- arranging rows -------------------------------------------------------------------------------------

def hotel_return(business, period, *, status="filed", filed_at=None):
    from tenant_apps.hotel_fee.models import HotelReturn

    ret = HotelReturn.objects.create(business=business, period=period, status=status, tax_amount=Decimal("100.00"),
                                     deadline=period + datetime.timedelta(days=40), filed_on=TODAY,
                                     amount_due=Decimal("100.00"))
    if filed_at:
        HotelReturn.objects.filter(pk=ret.pk).update(filed_at=filed_at)
    return ret


def obligation(n, *, charged="100.00", paid="0.00", refunded="0.00", source="test.home"):
    from tenant_apps.billing.models import Obligation

    return Obligation.objects.create(source=source, source_id=n, description=f"ทดสอบ {n}", payer_name="ผู้ชำระ",
                                     due_date=TODAY, charged=Decimal(charged), paid=Decimal(paid),
                                     refunded=Decimal(refunded))


def invoice(ob, *, status="open", created_at=None):
    from tenant_apps.billing.models import Invoice

    inv = Invoice.objects.create(obligation=ob, source=ob.source, source_id=ob.source_id, description=ob.description,
                                 payer_name=ob.payer_name, amount=ob.charged, due_date=TODAY, status=status)
    if created_at:
        Invoice.objects.filter(pk=inv.pk).update(created_at=created_at)
    return inv


def payment(inv, ref, *, amount="100.00", exception="", received_at=None, reversed_at=None):
    from tenant_apps.billing.models import Payment

    return Payment.objects.create(obligation=inv.obligation, invoice=inv, amount=Decimal(amount), channel="statement",
                                  method="bill_payment", reference=ref, received_at=received_at or NOW,
                                  exception=exception, reversed_at=reversed_at)


def money_rows(prefix=""):
    """Open invoices 3 (oldest 5 days ago), exceptions (1 short, 2 over of which one 40 days ago — outside the
    window —, 1 reversed), 2 refunds created (1 submitted), credits 2, one statement file with 2 unmatched lines
    and a reversal that matched nothing."""
    from tenant_apps.billing.models import Refund, StatementFile

    source = f"test.home{prefix}"
    obs = [obligation(i, source=source) for i in range(1, 4)]
    invoices = [invoice(ob, created_at=NOW - datetime.timedelta(days=d)) for ob, d in zip(obs, (5, 1, 0))]
    paid = [invoice(obligation(10 + i, paid="100.00", source=source), status="paid") for i in range(4)]
    payment(paid[0], f"{prefix}short", amount="90.00", exception="underpaid", received_at=NOW - datetime.timedelta(days=2))
    payment(paid[1], f"{prefix}over", amount="120.00", exception="overpaid", received_at=NOW - datetime.timedelta(days=3))
    payment(paid[2], f"{prefix}old-over", amount="120.00", exception="already_settled",
            received_at=NOW - datetime.timedelta(days=40))
    reversed_ = payment(paid[3], f"{prefix}rev", reversed_at=NOW - datetime.timedelta(days=1))
    credit_a = obligation(20, charged="100.00", paid="150.00", source=source)  # 50.00 credit
    credit_b = obligation(21, charged="100.00", paid="130.00", source=source)  # 30.00 credit
    pay_a = payment(invoice(credit_a, status="paid"), f"{prefix}ca", amount="150.00")
    Refund.objects.create(payment=pay_a, amount=Decimal("20.00"), reason="คืน", status="created")
    Refund.objects.create(payment=reversed_, amount=Decimal("5.00"), reason="คืน", status="created")
    Refund.objects.create(payment=pay_a, amount=Decimal("7.00"), reason="คืน", status="submitted")
    StatementFile.objects.create(name="a.txt", bank_code="006", sha256=f"{prefix}a".ljust(64, "0"),
                                 report={"unmatched": [{"line": 2}, {"line": 3}], "reversal_unmatched": [{"line": 4}]})
    StatementFile.objects.create(name="b.txt", bank_code="006", sha256=f"{prefix}b".ljust(64, "0"),
                                 report={"unmatched": [], "posted": [{"line": 2}]})
    return invoices, credit_b


def applications(sao_user, count_new=2):
    from tenant_apps.advertising.models import Application, ApplicationEvent

    def make(status, *, submitted_days=1, due_in=5, **extra):
        return Application.objects.create(
            applicant_id=sao_user.pk, method="posting", message_gist="ลดราคา", width_m=1, height_m=1, notice_count=2,
            start_date=TODAY + datetime.timedelta(days=10), end_date=TODAY + datetime.timedelta(days=20), status=status,
            submitted_at=NOW - datetime.timedelta(days=submitted_days), decision_due=TODAY + datetime.timedelta(days=due_in),
            **extra)

    made = [make("submitted", submitted_days=3 + i) for i in range(count_new)]
    made.append(make("submitted", due_in=1))  # due within two days
    made.append(make("submitted", due_in=-2))  # missed
    info = make("more_info")
    ApplicationEvent.objects.create(application=info, from_status="submitted", to_status="more_info")
    made.append(make("opinion_given", opinion_at=NOW - datetime.timedelta(days=2)))
    made.append(make("approved", order_at=NOW - datetime.timedelta(days=1)))
    make("draft")
    make("refused")
    return made


# --- the home's panels, per role ---------------------------------------------------------------------------

def test_a_pao_clerk_sees_registrations_returns_and_filing_deadlines_counted_from_the_rows(client, pao):
    with schema_context(pao.schema_name):
        ordinance_settings()
        b1, _o = registered_business("hotel")
        b2, _o = registered_business("hotel")
        registered_business("hotel")  # a third, which files nothing
        from tenant_apps.businesses.models import Business
        from tenant_apps.businesses.services import business_register

        owner = citizen()
        business_register(actor=owner, kind="tobacco", name="ยาสูบรอ", address="แพร่", owner_type="person",
                          owner_id_number=owner.national_id, owner_name="เจ้าของ", operating_since=TODAY)
        last_month = (TODAY.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
        hotel_return(b1, last_month, filed_at=NOW - datetime.timedelta(days=4))
        hotel_return(b2, last_month, status="accepted")
        hotel_return(b2, last_month.replace(year=last_month.year - 1), filed_at=NOW - datetime.timedelta(days=9))
        pending = Business.objects.filter(status="pending").count()
    clerk, device = officer_of(pao, Role.CLERK)
    response = signed_in(client, clerk, device).get("/officer/", HTTP_HOST=pao.host)

    counts = panel_counts(response)
    assert set(counts) == {"registrations", "returns", "filing"}
    assert counts["registrations"] == {"Waiting for approval": pending} and pending == 1
    assert counts["returns"] == {"Hotel": 2, "Fuel trading place": 0, "Tobacco trader": 0}
    returns = next(p for p in response.context["panels"] if p.key == "returns")
    assert returns.items[0].age_days == 9  # the oldest filed return
    assert "/pao/returns/hotel/" in returns.items[0].oldest_url
    hotels = next(i for i in next(p for p in response.context["panels"] if p.key == "filing").items
                  if i.label.startswith("Hotel"))
    assert hotels.count == 1  # three registered hotels, two filed last month's return


def test_a_finance_officer_sees_the_counter_exceptions_refunds_and_credits(client, sao):
    with schema_context(sao.schema_name):
        money_rows()
    finance, device = officer_of(sao, Role.FINANCE)
    response = signed_in(client, finance, device).get("/officer/", HTTP_HOST=sao.host)

    counts = panel_counts(response)
    assert set(counts) == {"applications", "counter", "exceptions", "refunds"}
    assert counts["applications"] == {"Approved: fee due at the counter": 0}
    assert counts["counter"] == {"Open invoices": 3}
    assert counts["exceptions"] == {"Statement lines that matched nothing": 3, "Paid less than was due": 1,
                                    "Paid more than was due, or after settlement": 1, "Reversed by the bank": 1}
    assert counts["refunds"] == {"Refunds to send to the bank": 2, "Credits waiting for a refund or a set-off": 2}
    refunds = next(p for p in response.context["panels"] if p.key == "refunds")
    assert refunds.items[0].amount == Decimal("25.00") and refunds.items[1].amount == Decimal("80.00")
    counter = next(p for p in response.context["panels"] if p.key == "counter").items[0]
    assert counter.age_days == 5


def test_each_sao_role_sees_its_application_steps_and_deadlines(client, sao):
    applicant = citizen()
    with schema_context(sao.schema_name):
        applications(applicant)
    expected = {
        Role.CLERK: {"applications": {"New: waiting for the officer's opinion": 4,
                                      "More information requested from the applicant": 1},
                     "deadlines": {"Due within two days": 1, "Deadline missed": 1, "Permits ending within 7 days": 0,
                                   "Ended, removal not confirmed": 0}},
        Role.APPROVER: {"applications": {"Opinion given: waiting for the order": 1},
                        "deadlines": {"Due within two days": 1, "Deadline missed": 1}},
        Role.LAO_ADMIN: {"officers": {"Invitations not yet accepted": 0}},
    }
    for role, panels in expected.items():
        user, device = officer_of(sao, role)
        client.logout()
        client.cookies["django_language"] = "en"
        response = signed_in(client, user, device).get("/officer/", HTTP_HOST=sao.host)
        assert panel_counts(response) == panels, role
    clerk_panel = next(p for p in response.context["panels"] if p.key == "officers")
    assert not clerk_panel.read_only


def test_a_provincial_observer_sees_read_only_panels_and_no_action_links(client, sao):
    applicant = citizen()
    with schema_context(sao.schema_name):
        applications(applicant)
    observer = UserFactory()
    StaffRole.objects.create(user=observer, kind=StaffRole.Kind.PROVINCIAL_OFFICE, province=sao.province)
    signed_in(client, observer)
    response = client.get("/officer/", HTTP_HOST=sao.host)

    assert {p.key for p in response.context["panels"]} == {"applications", "deadlines"}
    assert all(p.read_only for p in response.context["panels"])
    html = response.content.decode()
    assert "Open the oldest" not in html and "เปิดรายการที่รอนานที่สุด" not in html
    assert menu_links(html) >= {"/officer/", "/advertising/officers/", "/officers/", "/officers/audit/"}
    assert not menu_links(html) & {"/billing/invoices/", "/advertising/officers/conditions/"}


def test_another_laos_rows_never_appear(client, sao, town):
    with schema_context(town.schema_name):
        money_rows(prefix="town-")
        applications(citizen())
    finance, device = officer_of(sao, Role.FINANCE, Role.CLERK)
    response = signed_in(client, finance, device).get("/officer/", HTTP_HOST=sao.host)
    assert all(item.count == 0 for panel in response.context["panels"] for item in panel.items)
    assert client.get("/officer/", HTTP_HOST=town.host).status_code == 403  # no role there


def test_the_home_queries_do_not_grow_with_the_rows(client, sao, pao, django_assert_max_num_queries):
    user, device = officer_of(sao, *Role.values)
    signed_in(client, user, device)
    with schema_context(pao.schema_name):
        from tenant_apps.officers.models import Officer

        Officer.objects.create(user_id=user.pk, roles=list(Role.values))
        ordinance_settings()

    def measure(lao):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get("/officer/", HTTP_HOST=lao.host).status_code == 200
        return len(queries)

    before = {lao.dla_code: measure(lao) for lao in (sao, pao)}
    applicant = citizen()
    with schema_context(sao.schema_name):
        for round_ in range(3):
            applications(applicant, count_new=5)
            money_rows(prefix=f"r{round_}-")
    with schema_context(pao.schema_name):
        period = (TODAY.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
        for i in range(12):
            business, _owner = registered_business("hotel")
            hotel_return(business, period)
            money_rows(prefix=f"p{i}-") if i < 3 else None
    for lao in (sao, pao):
        with django_assert_max_num_queries(before[lao.dla_code]):
            assert client.get("/officer/", HTTP_HOST=lao.host).status_code == 200


# --- who reaches the home ---------------------------------------------------------------------------------

def test_sign_in_leads_an_officer_to_the_home_and_a_person_without_a_role_is_told_why(client, sao):
    user, device = officer_of(sao, Role.CLERK)
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD,
                                                "otp_token": code_for(device)}, HTTP_HOST=sao.host)
    assert response.status_code == 302 and response["Location"] == "/officer/"
    assert client.get("/officer/", HTTP_HOST=sao.host).status_code == 200
    nobody = UserFactory()
    client.logout()
    signed_in(client, nobody)
    denied = client.get("/officer/", HTTP_HOST=sao.host)
    assert denied.status_code == 403
    client.logout()
    assert client.get("/officer/", HTTP_HOST=sao.host).status_code == 302  # to the sign-in page


def test_the_lao_front_page_leads_officers_to_their_home(client, sao):
    assert "/officer/" in page(client, sao, "/")  # the footer's "for officers"
    user, device = officer_of(sao, Role.CLERK)
    signed_in(client, user, device)
    html = page(client, sao, "/")
    assert 'class="button" href="/officer/"' in html


# --- the menu and the breadcrumbs --------------------------------------------------------------------------

PAO_PAGES = ["/officer/", "/officers/", "/officers/audit/", "/pao/registrations/", "/pao/returns/", "/pao/overdue/",
             "/pao/ordinances/", "/billing/invoices/", "/billing/statements/", "/billing/exceptions/",
             "/billing/receipts/", "/billing/settings/", "/officer/account/", "/officer/guide/"]
SAO_PAGES = ["/officer/", "/officers/", "/officers/audit/", "/advertising/officers/", "/advertising/officers/conditions/",
             "/billing/invoices/", "/billing/statements/", "/billing/exceptions/", "/billing/receipts/",
             "/billing/settings/", "/officer/account/", "/officer/guide/"]


@pytest.mark.parametrize("role, pao_menu, sao_menu", [
    (Role.CLERK, {"/pao/registrations/", "/pao/returns/", "/pao/overdue/", "/officers/audit/"},
     {"/advertising/officers/", "/officers/audit/"}),
    (Role.FINANCE, {"/pao/returns/", "/pao/overdue/", "/billing/invoices/", "/billing/statements/",
                    "/billing/exceptions/", "/billing/receipts/", "/pao/ordinances/", "/billing/settings/",
                    "/officers/audit/"},
     {"/advertising/officers/", "/billing/invoices/", "/billing/statements/", "/billing/exceptions/",
      "/billing/receipts/", "/billing/settings/", "/officers/audit/"}),
    (Role.APPROVER, {"/pao/returns/", "/pao/overdue/", "/officers/audit/"},
     {"/advertising/officers/", "/officers/audit/"}),
    (Role.LAO_ADMIN, {"/pao/registrations/", "/pao/returns/", "/pao/overdue/", "/pao/ordinances/", "/billing/settings/",
                      "/officers/", "/officers/audit/"},
     {"/advertising/officers/", "/advertising/officers/conditions/", "/billing/settings/", "/officers/",
      "/officers/audit/"}),
])
def test_each_role_gets_exactly_the_sections_it_opens_on_a_pao_and_an_sao(client, pao, sao, role, pao_menu, sao_menu):
    from django.urls import NoReverseMatch, reverse

    def others_pages(urlconf):  # the pages other parts of the workplace add appear once they exist
        found = set()
        names = {Role.FINANCE: ["billing:overview", "billing:daily_summary", "billing:receipt_register",
                                "billing:receivables", "billing:elaas_export", "billing:revenue_codes"],
                 Role.APPROVER: ["billing:overview"],
                 Role.LAO_ADMIN: ["billing:overview", "billing:daily_summary", "billing:receipt_register",
                                  "billing:receivables", "billing:revenue_codes"]}.get(role, [])
        for name in names:
            try:
                found.add(reverse(name, urlconf=urlconf))
            except NoReverseMatch:
                pass
        return found

    user, device = officer_of(pao, role)
    with schema_context(sao.schema_name):
        from tenant_apps.officers.models import Officer

        Officer.objects.create(user_id=user.pk, roles=[role])
    signed_in(client, user, device)
    always = {"/officer/", "/officer/guide/"}
    assert menu_links(page(client, pao)) == always | pao_menu | others_pages("localservice.urls_pao")
    assert menu_links(page(client, sao)) == always | sao_menu | others_pages("localservice.urls_municipal")


def test_a_citizen_gets_no_officer_menu_and_no_advertising_applications_link(client, sao):
    signed_in(client, citizen())
    html = page(client, sao, "/")
    assert not menu_links(html) and "/advertising/officers/" not in html and 'class="breadcrumbs"' not in html


@pytest.mark.parametrize("key, pages", [("pao", PAO_PAGES), ("sao", SAO_PAGES)])
def test_every_officer_page_has_breadcrumbs_home_first_and_a_help_link(client, lao, key, pages):
    the_lao = lao(key)
    user, device = officer_of(the_lao, *Role.values)
    signed_in(client, user, device)
    for path in pages:
        html = page(client, the_lao, path)
        trail = re.search(r'<nav class="breadcrumbs".*?</nav>', html, re.S)
        assert trail, path
        assert 'aria-current="page"' in trail.group(0), path
        if path != "/officer/":
            assert 'href="/officer/"' in trail.group(0), path
        assert 'class="help-link" href="/officer/guide/' in html, path


# --- my account and the guide ------------------------------------------------------------------------------

def test_my_account_shows_the_roles_here_and_sets_up_an_authenticator_on_post_only(client, sao):
    from django_otp.oath import totp

    user, _device = officer_of(sao, Role.CLERK, Role.FINANCE)
    TOTPDevice.objects.filter(user=user).delete()
    signed_in(client, user)  # with DOPA
    html = page(client, sao)
    assert 'href="/officer/account/"' in html  # the header's "my account" stays on this site
    html = page(client, sao, "/officer/account/")
    assert "Clerk" in html or "ผู้รับผิดชอบ" in html
    assert "record payments taken at the counter" in html or "รับชำระ" in html
    assert not TOTPDevice.objects.filter(user=user).exists()  # a GET writes nothing
    assert client.post("/officer/account/", {"step": "start"}, HTTP_HOST=sao.host).status_code == 302
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert "<svg" in page(client, sao, "/officer/account/")
    wrong = client.post("/officer/account/", {"step": "confirm", "code": "000000"}, HTTP_HOST=sao.host)
    assert wrong.status_code == 400
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    assert client.post("/officer/account/", {"step": "confirm", "code": code}, HTTP_HOST=sao.host).status_code == 302
    device.refresh_from_db()
    assert device.confirmed


@pytest.mark.parametrize("key, service, other", [("pao", "registrations", "advertising"),
                                                 ("sao", "advertising", "registrations")])
def test_the_guide_is_per_lao_type_in_thai_with_english_and_text_without_pictures(client, lao, key, service, other):
    the_lao = lao(key)
    user, device = officer_of(the_lao, Role.CLERK)
    signed_in(client, user, device)
    html = page(client, the_lao, "/officer/guide/")
    assert f'id="{service}"' in html and f'id="{other}"' not in html
    assert "คู่มือเจ้าหน้าที่" in html and "Officer's guide" in html and 'lang="en"' in html
    for src in re.findall(r'<img src="([^"]+)"', html):
        assert src.startswith("/static/guide/"), src
    assert "/officer/guide/" in page(client, the_lao)  # linked from the home


def test_a_refund_sent_to_the_bank_from_the_exceptions_page_leaves_the_home_count(client, sao):
    from tenant_apps.billing.models import Refund

    with schema_context(sao.schema_name):
        money_rows()
        oldest = Refund.objects.filter(status="created").order_by("created_at", "id").first()
    finance, device = officer_of(sao, Role.FINANCE)
    signed_in(client, finance, device)
    before = panel_counts(client.get("/officer/", HTTP_HOST=sao.host))["refunds"]["Refunds to send to the bank"]
    html = page(client, sao, "/billing/exceptions/")
    assert 'id="refunds-h"' in html and f'name="refund" value="{oldest.pk}"' in html
    response = client.post("/billing/exceptions/", {"action": "refund_status", "refund": oldest.pk,
                                                    "status": "submitted"}, HTTP_HOST=sao.host)
    assert response.status_code == 302
    after = panel_counts(client.get("/officer/", HTTP_HOST=sao.host))["refunds"]["Refunds to send to the bank"]
    assert (before, after) == (2, 1)
    with schema_context(sao.schema_name):
        assert Refund.objects.get(pk=oldest.pk).status == "submitted"


def test_the_demo_gives_the_pao_officer_every_role_and_every_panel_something_to_show(client, pao, sao):
    from io import StringIO

    from tenants.management.commands.setup_demo import Command

    command = Command(stdout=StringIO())
    command._demo_pao()
    command._demo_payment_settings()
    officer = command._demo_pao_officer()
    command._demo_pao_workload(officer)
    command._demo_pao_workload(officer)  # twice: nothing more
    command._demo_sao_applications()
    printed = command.stdout.getvalue()
    assert "officer-phrae / phrae-demo-2569, authenticator key" in printed
    device = TOTPDevice.objects.get(user=officer, confirmed=True)
    signed_in(client, officer, device)
    response = client.get("/officer/", HTTP_HOST=pao.host)
    counts = panel_counts(response)
    assert set(counts) == {"registrations", "returns", "filing", "counter", "exceptions", "refunds", "officers"}
    for key in ("registrations", "returns", "counter", "exceptions", "refunds"):
        assert sum(counts[key].values()) > 0, (key, counts[key])
    assert counts["exceptions"]["Reversed by the bank"] == 1
    assert counts["exceptions"]["Statement lines that matched nothing"] == 1
    assert counts["refunds"]["Refunds to send to the bank"] == 1
    with schema_context(sao.schema_name):
        from tenant_apps.advertising.models import Application

        assert Application.objects.filter(status="submitted").count() >= 2
