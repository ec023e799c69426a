"""Money exactly once, under real concurrency: threads with their own PostgreSQL connections, each call
committing for real, through the same HTTP entry points a bank, a finance officer and a payer use.

Why not pytest-django's `transaction=True`: its teardown flushes every table of the public schema, which
holds the registry and demo LAOs the whole session shares. These tests instead commit into a LAO of their
own, onboarded for this module and dropped at its end, so nothing they write is seen by another test; the
test's own connection only reads (its transaction is rolled back), every write happens on a worker's
connection and is committed.
"""
import datetime
import hashlib
import hmac
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.db.models import Sum
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from shared_apps.ledger.models import RevenueDaily
from shared_apps.payment_formats.statement import build_statement
from tenant_apps.billing import services
from tenant_apps.billing.models import (BankCall, Invoice, InvoiceStatus, LedgerEntry, Obligation, Payment,
                                        PaymentSettings, Receipt, StatementFile)
from tenant_apps.billing.views import slip_url
from tests.factories import DEMO

pytestmark = pytest.mark.django_db
SECRET = "c" * 40
TAX_ID = "0994000165501"
ACCOUNT = "1234567890"
TODAY = timezone.localdate()
DEADLINE = TODAY - datetime.timedelta(days=40)  # two months late today: surcharge 2 × 1.5 %


@pytest.fixture(scope="module")
def money_lao(django_db_setup, django_db_blocker):
    """A SAO of our own, committed: onboarded, with its payment settings and a finance officer."""
    from tenants.models import LAO
    from tenants.services import onboard_lao

    with django_db_blocker.unblock():
        _forget(LAO)  # what an interrupted run may have left
        model = LAO.objects.get(dla_code=DEMO["sao"])
        lao = LAO.objects.create(dla_code=MONEY_LAO, lao_type=model.lao_type, name_th="ทดสอบการเงิน",
                                 province=model.province, district=model.district, hostname="sao-money-test")
        onboard_lao(lao=lao)
        lao.refresh_from_db()
        with schema_context(lao.schema_name):
            PaymentSettings.objects.update_or_create(pk=1, defaults={
                "tax_id": TAX_ID, "biller_suffix": "00", "company_code": "12345", "company_account": ACCOUNT,
                "hmac_secret": SECRET})
        from tenant_apps.officers.models import Officer
        from tests.factories import UserFactory

        finance = UserFactory(username=FINANCE_USERNAME)
        with schema_context(lao.schema_name):
            Officer.objects.create(user_id=finance.pk, roles=["finance"])
        client = Client()
        client.force_login(finance)
        session = client.session
        session["auth_method"] = "dopa"  # the second factor, as after a DOPA sign-in
        session.save()
        lao.finance_cookie = client.cookies["sessionid"].value
        lao.finance = finance
        connection.set_schema_to_public()
    yield lao
    with django_db_blocker.unblock():
        connections.close_all()
        _forget(LAO)


MONEY_LAO, FINANCE_USERNAME = "6549901", "money-test-finance"


def _forget(LAO):
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.models import Session

    from tests.factories import lao_forget

    lao_forget(MONEY_LAO)
    Session.objects.all().delete()  # this module's officer session; other tests' sessions are rolled back
    # Raw: the ORM would also cascade into LAO apps' tables, which the public schema does not have.
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {get_user_model()._meta.db_table} WHERE username = %s", [FINANCE_USERNAME])


@pytest.fixture
def world(money_lao):
    return money_lao


def concurrently(calls, workers=20):
    """Run the calls on `workers` threads at once (all released together); each thread closes its
    connection when done. Returns each call's result, or the exception it raised."""
    gate = threading.Event()

    def run(call):
        gate.wait()
        try:
            return call()
        except Exception as error:  # noqa: BLE001 — reported to the test, which fails on any
            return error
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(run, call) for call in calls]
        gate.set()
        return [future.result() for future in futures]


def committed(call):
    """Run one call on a connection of its own, committed when it returns."""
    (result,) = concurrently([call], workers=1)
    if isinstance(result, Exception):
        raise result
    return result


def in_lao(lao):
    return schema_context(lao.schema_name)


_numbers = iter(range(1, 10_000_000))


def late_obligation(lao, amount="263.00"):
    """A return filed on its deadline, 40 days ago, and never paid: its surcharge has run two months."""
    number = next(_numbers)

    def charge():
        with in_lao(lao):
            obligation = services.obligation_charge(
                source="test.late", source_id=number, part="return", amount=amount, tax=amount,
                due_date=DEADLINE, description="ภาษีทดสอบ", payer_name="ผู้ชำระ", service="test_money",
                surcharge={"percent": Decimal("1.5"), "cap": None, "from": DEADLINE, "months": 0}, today=DEADLINE)
            invoice = services.open_invoice(obligation)
            return obligation, invoice, slip_url(invoice)

    obligation, invoice, url = committed(charge)
    due = (Decimal(amount) * Decimal("1.03")).quantize(Decimal("0.01"))
    return obligation, invoice, url, due


def client_for(lao, officer=False):
    client = Client(HTTP_HOST=lao.host)
    if officer:
        client.cookies["sessionid"] = lao.finance_cookie
    return client


def counter(lao, invoice, slip):
    return lambda: client_for(lao, officer=True).post(
        f"/api/billing/invoices/{invoice.pk}/counter-payment/", {"method": "cash", "reference": slip},
        content_type="application/json")


def bank(lao, command, **body):
    raw = json.dumps({"command": command, **body}).encode()
    signature = "sha256=" + hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()
    return lambda: client_for(lao).post(f"/api/bank/json/{command}/", raw, content_type="application/json",
                                        HTTP_X_SIGNATURE=signature)


def statement(lao, invoice, amount, *, time=datetime.time(10, 0, 0), kind="C"):
    line = {"sequence": 2, "payment_date": TODAY, "payment_time": time, "customer_name": "ผู้ชำระ",
            "ref1": invoice.ref1, "ref2": invoice.ref2, "ref3": "", "branch": "0001", "teller": "0001", "kind": kind,
            "transaction_code": "001", "cheque_no": "", "amount": Decimal(amount), "cheque_bank_code": "",
            "biller_id": TAX_ID + "00", "payer_bank_code": "006"}
    return build_statement(bank_code="006", company_account=ACCOUNT, company_name="อบต.ทดสอบ", effective_date=TODAY,
                           lines=[line])


def upload(lao, data, name="ktb.txt"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return lambda: client_for(lao, officer=True).post("/api/billing/statements/",
                                                      {"file": SimpleUploadedFile(name, data)})


def no_server_errors(results):
    for result in results:
        assert not isinstance(result, Exception), repr(result)
        assert result.status_code < 500, (result.status_code, result.content[:300])


def books_agree(lao):
    """Every payment has one valid receipt and one ledger line; the LAO's ledger equals the national sum."""
    with in_lao(lao):
        payments = Payment.objects.filter(reversed_at__isnull=True)
        assert Receipt.objects.filter(voided_at__isnull=True).count() == payments.count()
        ledger = LedgerEntry.objects.aggregate(total=Sum("amount"))["total"] or Decimal("0")
        assert ledger == (payments.aggregate(total=Sum("amount"))["total"] or Decimal("0"))
    connection.set_schema_to_public()
    national = RevenueDaily.objects.filter(lao=lao).aggregate(total=Sum("amount"))["total"] or Decimal("0")
    assert national == ledger


def test_ten_counter_payments_on_a_late_invoice_pay_it_once(world):
    obligation, invoice, _url, due = late_obligation(world)
    results = concurrently([counter(world, invoice, f"SLIP-{i}") for i in range(10)], workers=10)
    no_server_errors(results)
    assert sorted(r.status_code for r in results) == [201] + [400] * 9
    refused = [r.json() for r in results if r.status_code == 400]
    assert all(r["detail"] for r in refused), refused  # each says why (already paid)
    with in_lao(world):
        obligation.refresh_from_db()
        assert obligation.payments.count() == 1 and obligation.paid == due == Decimal("270.89")
        assert obligation.balance == 0 and not obligation.invoices.filter(status=InvoiceStatus.OPEN).exists()
    books_agree(world)


def test_counter_bank_statement_and_slip_opens_interleaved_settle_a_late_obligation_once(world):
    for round_ in range(20):
        obligation, invoice, url, due = late_obligation(world, amount=f"{200 + round_}.00")
        body = {"transaction_id": f"TXN-R{round_}", "ref1": invoice.ref1, "ref2": invoice.ref2, "amount": str(due)}
        calls = [counter(world, invoice, f"C-{round_}"), bank(world, "verify", **body), bank(world, "confirm", **body),
                 upload(world, statement(world, invoice, due), name=f"r{round_}.txt"),
                 lambda: client_for(world).get(url), lambda: client_for(world).get(url)]
        results = concurrently(calls, workers=len(calls))
        no_server_errors(results)
        counter_answer, _verify, confirm = results[0], results[1], results[2]
        assert confirm.json()["code"] == "0000"  # the bank's money is always taken in
        with in_lao(world):
            obligation.refresh_from_db()
            payments = list(obligation.payments.all())
            settling = [p for p in payments if not p.exception]
            assert len(settling) == 1, [(p.channel, p.exception) for p in payments]
            # The confirm and the statement line are the same bank money: posted once, matched once.
            bank_money = [p for p in payments if p.channel in ("bank", "statement")]
            assert len(bank_money) == 1 and bank_money[0].matched_reference
            if counter_answer.status_code == 201:  # paid at the counter too: the bank's money is a credit
                assert obligation.credit == due and bank_money[0].exception == "already_settled"
            else:
                assert obligation.balance == 0
            assert not obligation.invoices.filter(status=InvoiceStatus.OPEN).exists()  # never reopened
        connection.set_schema_to_public()
    books_agree(world)


def test_a_hundred_identical_confirms_answer_0000_once_and_2001_with_the_same_receipt(world):
    obligation, invoice, _url, due = late_obligation(world)
    body = {"transaction_id": "TXN-SAME", "ref1": invoice.ref1, "ref2": invoice.ref2, "amount": str(due)}
    results = concurrently([bank(world, "confirm", **body) for _ in range(100)])
    no_server_errors(results)
    answers = [r.json() for r in results]
    assert sorted(a["code"] for a in answers) == ["0000"] + ["2001"] * 99
    assert len({a["receipt"] for a in answers}) == 1 and answers[0]["receipt"]
    with in_lao(world):
        assert obligation.payments.count() == 1
        assert BankCall.objects.filter(transaction_id="TXN-SAME").count() == 100
    books_agree(world)


def test_a_hundred_confirms_with_new_transactions_record_one_payment_and_99_credits(world):
    obligation, invoice, _url, due = late_obligation(world)
    results = concurrently([bank(world, "confirm", transaction_id=f"TXN-N{i}", ref1=invoice.ref1, ref2=invoice.ref2,
                                 amount=str(due)) for i in range(100)])
    no_server_errors(results)
    answers = [r.json() for r in results]
    assert all(a["code"] == "0000" and a["receipt"] for a in answers)  # never a refusal after the money moved
    assert sorted(a.get("exception", "") for a in answers) == [""] + ["already_settled"] * 99
    with in_lao(world):
        obligation.refresh_from_db()
        assert obligation.payments.filter(exception="").count() == 1
        assert obligation.payments.filter(exception="already_settled").count() == 99
        assert obligation.credit == due * 99  # listed for refund
        assert not obligation.invoices.filter(status=InvoiceStatus.OPEN).exists()
    books_agree(world)


def test_twenty_slip_opens_of_a_late_invoice_at_once_change_nothing(world):
    obligation, invoice, url, due = late_obligation(world)
    results = concurrently([lambda: client_for(world).get(url) for _ in range(20)])
    no_server_errors(results)
    assert {r.status_code for r in results} == {200}
    assert {r.context["amount"] for r in results} == {due}
    with in_lao(world):
        assert list(obligation.invoices.values_list("pk", "status")) == [(invoice.pk, "open")]
        obligation.refresh_from_db()
        assert obligation.charged == Decimal("263.00") and obligation.surcharge_months == 0  # a GET never writes


def test_one_file_uploaded_twice_at_once_has_one_report_and_counts_the_money_once(world):
    obligation, invoice, _url, due = late_obligation(world)
    data = statement(world, invoice, due, time=datetime.time(11, 11, 11))
    results = concurrently([upload(world, data, name=f"copy-{i}.txt") for i in range(2)], workers=2)
    no_server_errors(results)
    reports = [r.json() for r in results]
    assert reports[0]["id"] == reports[1]["id"] and reports[0]["report"] == reports[1]["report"]
    assert reports[0]["report"]["totals"]["posted"] == 1 and reports[0]["report"]["totals"]["duplicates"] == 0
    with in_lao(world):
        assert StatementFile.objects.filter(sha256=hashlib.sha256(data).hexdigest()).count() == 1
        assert obligation.payments.count() == 1
    books_agree(world)


def test_a_reversal_racing_a_confirm_leaves_the_books_balanced(world):
    """The bank confirms, then its file takes the money back while the payer's slip is opened."""
    obligation, invoice, url, due = late_obligation(world)
    body = {"transaction_id": "TXN-REV", "ref1": invoice.ref1, "ref2": invoice.ref2, "amount": str(due)}
    assert committed(bank(world, "confirm", **body)).json()["code"] == "0000"
    reversal = statement(world, invoice, due, time=datetime.time(12, 0, 0), kind="D")
    results = concurrently([upload(world, reversal, name="reversal.txt"), lambda: client_for(world).get(url),
                            bank(world, "confirm", **body)], workers=3)
    no_server_errors(results)
    assert results[2].json()["code"] == "2001"
    with in_lao(world):
        obligation.refresh_from_db()
        assert obligation.balance == due  # owed again
        assert obligation.invoices.filter(status=InvoiceStatus.OPEN).count() == 1
        assert Invoice.objects.filter(obligation=obligation, status=InvoiceStatus.OPEN).get().amount == due
    books_agree(world)


def test_obligations_of_this_module_stay_in_its_lao(world):
    sao = world.__class__.objects.get(dla_code=DEMO["sao"])
    with schema_context(sao.schema_name):
        assert not Obligation.objects.filter(source="test.late").exists()
