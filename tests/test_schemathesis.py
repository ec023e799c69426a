"""The OpenAPI schemas hold the code to what they say: schemathesis over the central, PAO and municipal
schemas, in process (the Django WSGI application, each LAO by its Host), unauthenticated and with an
officer's session, a business's API key and a bank's signature. Any 5xx, any answer the schema does not
document (status, content type, body, headers) fails the test, listing every operation that broke.

Bounded so the suite stays fast: a few examples per operation and generation mode (positive: what the
schema allows; negative: what it does not), derandomized (the same cases every run), never shrunk.
Ids in paths are those of the fixtures' own objects, so the cases reach past the "not found".
"""
import hashlib
import hmac
import json
import time

import pytest
import schemathesis
import werkzeug.test
from django.conf import settings
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django_tenants.utils import schema_context
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (content_type_conformance, response_headers_conformance,
                                               response_schema_conformance, status_code_conformance)

from tenant_apps.officers.models import Role
from tests.factories import UserFactory
from tests.pao import citizen, officer, ordinance_settings, registered_business

pytestmark = pytest.mark.django_db
# Examples per operation and generation mode, for each way of calling: the anonymous caller mostly meets the
# same refusal, so it gets few; negative cases cost many rejected draws to make, so they get fewer.
EXAMPLES = {"positive": 6, "negative": 3}
FEW = {"positive": 2, "negative": 1}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance]
SECRET = "schemathesis-bank-secret-" + "x" * 20
KTB = {"user": "ktb-user", "password": "ktb-password-0123456789", "comcode": "12345"}


@pytest.fixture
def wsgi_app():
    """The Django application as a server runs it, answering inside the test's transaction: Django's test
    client does the same, or the end of each request would close the connection the test holds."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def signed_in(user, host) -> dict:
    client = Client(HTTP_HOST=host)
    client.force_login(user)
    session = client.session
    session["auth_method"] = "dopa"  # counts as the second factor on officer endpoints
    session.save()
    csrf = _get_new_csrf_string()
    return {"cookies": {settings.SESSION_COOKIE_NAME: session.session_key, settings.CSRF_COOKIE_NAME: csrf},
            "headers": {"X-CSRFToken": csrf}}


def browser(app, host, cookies) -> werkzeug.test.Client:
    """A client holding one way's cookies for the LAO's host (schemathesis' own sets them for localhost)."""
    client = werkzeug.test.Client(app)
    for name, value in cookies.items():
        client.set_cookie(name, value, domain=host)
    return client


def configure_bank(lao):
    from tenant_apps.billing.models import PaymentSettings

    with schema_context(lao.schema_name):
        PaymentSettings.objects.update_or_create(pk=1, defaults={
            "tax_id": "0994000165501", "biller_suffix": "00", "company_code": KTB["comcode"],
            "company_account": "1234567890", "hmac_secret": SECRET, "ktb_user": KTB["user"],
            "ktb_password": KTB["password"]})


def open_invoice(lao):
    import datetime

    from django.utils import timezone

    from tenant_apps.billing import services

    with schema_context(lao.schema_name):
        return services.invoice_issue(source="test.obligation", source_id=1, amount="200.00",
                                      due_date=timezone.localdate() + datetime.timedelta(days=7),
                                      description="ค่าธรรมเนียมทดสอบ", payer_name="นายผู้ชำระ")


def run_schema(app, host, *, ways, path_ids, bank=False) -> tuple[list[str], int]:
    """Every operation of the schema on `host`, each way of calling that applies to it (a way may name the
    paths it is for); the failures, and how many calls were made."""
    schema = schemathesis.openapi.from_wsgi("/api/schema/", app, base_url=f"http://{host}")
    failures, calls = {}, [0]
    operations = [result.ok() for result in schema.get_all_operations()]
    assert operations, host
    for operation in operations:
        # An id by "path:name" for one operation, or by name for every operation that has it.
        path_parameters = {p.name: path_ids.get(f"{operation.path}:{p.name}", path_ids.get(p.name))
                           for p in operation.path_parameters
                           if f"{operation.path}:{p.name}" in path_ids or p.name in path_ids}
        is_bank = operation.path.startswith("/api/bank/")
        for way, call_kwargs in ways.items():
            if way == "bank" and not (bank and is_bank):
                continue
            if not operation.path.startswith(call_kwargs.get("paths", "/")):
                continue
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                if mode == GenerationMode.NEGATIVE and not _negatable(operation, path_parameters):
                    continue  # nothing a caller sends could be made invalid: no case to draw
                strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters or None)
                key = f"{operation.label} [{way}, {mode.value}]"
                examples = (FEW if way == "anonymous" else EXAMPLES)[mode.value]
                cache.clear()  # each exploration starts below the throttles (tested on their own elsewhere)
                client = browser(app, host, call_kwargs.get("cookies", {}))
                _explore(strategy, examples, lambda case, key=key, way=way, call_kwargs=call_kwargs, client=client:
                         _call(case, key=key, way=way, call_kwargs=call_kwargs, host=host, failures=failures,
                               calls=calls, operation=operation, client=client))
    return [f"{key}\n{message}" for key, message in failures.items()], calls[0]


def _negatable(operation, fixed) -> bool:
    """Whether the operation takes anything a negative case can get wrong (fixed path ids aside)."""
    free_path = [p for p in operation.path_parameters if p.name not in fixed]
    return bool(free_path or list(operation.query) or list(operation.headers) or list(operation.body))


def _explore(strategy, examples, call):
    @hypothesis_settings(max_examples=examples, derandomize=True, database=None, deadline=None,
                         phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def explore(case):
        call(case)

    try:
        explore()
    except Unsatisfiable:
        pass  # nothing to vary: e.g. no invalid request can be made of an operation whose only input is fixed


def _call(case, *, key, way, call_kwargs, host, failures, calls, operation, client):
    if key in failures:
        return  # one report per operation, way and mode is enough
    kwargs = {"headers": dict(call_kwargs.get("headers", {}))}
    if way == "bank":
        bank = bank_call(operation, case)
        kwargs["headers"].update(bank.pop("headers"))
        kwargs.update(bank)
    calls[0] += 1
    try:
        case.call_and_validate(base_url=f"http://{host}", session=client, checks=CHECKS, **kwargs)
    except FailureGroup as error:
        failures[key] = str(error)[:3000]


def bank_call(operation, case) -> dict:
    """A bank's call: the JSON format signed over the very bytes sent, KTB's with its credentials."""
    headers = {}
    if operation.path.startswith("/api/bank/json/"):
        body = b"" if _unset(case.body) else case.body
        raw = body if isinstance(body, bytes) else body.encode() if isinstance(body, str) else json.dumps(
            body).encode()
        headers["X-Signature"] = "sha256=" + hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()
        headers["Content-Type"] = "application/json"
        return {"headers": headers, "data": raw}
    if isinstance(case.body, dict):
        case.body.update(KTB)
    return {"headers": headers}


def _unset(value) -> bool:
    from schemathesis.core import NotSet

    return isinstance(value, NotSet)


@pytest.fixture
def pao_site(pao):
    with schema_context(pao.schema_name):
        ordinance_settings()
        business, owner = registered_business("hotel")
        from tenant_apps.businesses.services import api_key_issue

        _key, raw_key = api_key_issue(business=business, name="PMS", actor=owner)
    configure_bank(pao)
    bill = open_invoice(pao)
    return {"business": business, "owner": owner, "key": raw_key, "invoice": bill}


def report(failures, calls, started, host):
    elapsed, cpu = time.monotonic() - started[0], time.process_time() - started[1]
    print(f"schemathesis on {host}: {calls} calls in {elapsed:.1f} s ({cpu:.1f} s CPU), {len(failures)} failing")
    assert failures == [], "\n\n".join(failures)


def test_the_central_schema(wsgi_app):
    started = time.monotonic(), time.process_time()
    admin = UserFactory(is_staff=True, is_superuser=True)
    ways = {"anonymous": {}, "DLA administrator": signed_in(admin, settings.BASE_DOMAIN)}
    failures, calls = run_schema(wsgi_app, settings.BASE_DOMAIN, ways=ways, path_ids={"dla_code": "6540114"})
    report(failures, calls, started, settings.BASE_DOMAIN)


def test_the_pao_schema(wsgi_app, pao, pao_site):
    started = time.monotonic(), time.process_time()
    clerk = officer(pao, *Role.values)
    ways = {"anonymous": {}, "officer": signed_in(clerk, pao.host),
            "business key": {"headers": {"Authorization": f"Api-Key {pao_site['key']}"}, "paths": "/api/businesses/"},
            "filer": {**signed_in(pao_site["owner"], pao.host), "paths": "/api/businesses/"}, "bank": {}}
    path_ids = {"business_id": pao_site["business"].pk, "kind": "hotel",
                "/api/billing/invoices/{id}/counter-payment/:id": pao_site["invoice"].pk}
    failures, calls = run_schema(wsgi_app, pao.host, ways=ways, path_ids=path_ids, bank=True)
    report(failures, calls, started, pao.host)


def test_the_municipal_schema(wsgi_app, sao):
    from tests.test_advertising import draft

    started = time.monotonic(), time.process_time()
    applicant = citizen()
    with schema_context(sao.schema_name):
        application = draft(applicant)
    configure_bank(sao)
    bill = open_invoice(sao)
    clerk = officer(sao, *Role.values)
    ways = {"anonymous": {}, "officer": signed_in(clerk, sao.host),
            "applicant": {**signed_in(applicant, sao.host), "paths": "/api/advertising/applications/"},
            "bank": {}}
    path_ids = {"id": application.pk, "/api/billing/invoices/{id}/counter-payment/:id": bill.pk}
    failures, calls = run_schema(wsgi_app, sao.host, ways=ways, path_ids=path_ids, bank=True)
    report(failures, calls, started, sao.host)


# --- what the schemas say, checked directly --------------------------------------------------------------

def schema_of(client, host) -> dict:
    response = client.get("/api/schema/?format=json", HTTP_HOST=host)
    assert response.status_code == 200
    return response.json()


def component(schema, ref) -> dict:
    return schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]


def response_schema(schema, path, method, status="200") -> dict:
    return schema["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"]


def test_the_registry_list_is_documented_as_the_page_it_returns(client):
    schema = schema_of(client, settings.BASE_DOMAIN)
    page = component(schema, response_schema(schema, "/api/laos/", "get")["$ref"])
    assert page["type"] == "object" and set(page["required"]) == {"count", "next", "previous", "results"}
    lao = component(schema, page["properties"]["results"]["items"]["$ref"])
    assert set(lao["required"]) == set(lao["properties"])  # every field of an LAO is always there
    body = client.get("/api/laos/?q=แพร่", HTTP_HOST=settings.BASE_DOMAIN).json()
    assert set(body) == set(page["required"]) and body["results"]
    assert set(body["results"][0]) == set(lao["properties"])


@pytest.mark.parametrize("key", ["pao", "sao"])
def test_the_bank_endpoints_are_documented_at_their_real_paths(client, lao, key):
    schema = schema_of(client, lao(key).host)
    bank_paths = {path for path in schema["paths"] if path.startswith("/api/bank/")}
    assert bank_paths == {"/api/bank/json/verify/", "/api/bank/json/confirm/", "/api/bank/ktb/notify/"}
    for command in ("verify", "confirm"):
        operation = schema["paths"][f"/api/bank/json/{command}/"]["post"]
        signature = [p for p in operation["parameters"] if p["name"] == "X-Signature"]
        assert signature and signature[0]["in"] == "header" and signature[0]["required"] is True
        body = component(schema, operation["requestBody"]["content"]["application/json"]["schema"]["$ref"])
        assert "command" in body["properties"]
        assert {"command", "transaction_id", "ref1"} <= set(body["required"])
        assert ("amount" in body["required"]) == (command == "confirm")
        assert set(operation["responses"]) == {"200", "400", "401", "403", "429"}
        answer = component(schema, response_schema(schema, f"/api/bank/json/{command}/", "post")["$ref"])
        assert {"code", "message"} <= set(answer["required"]) and "exception" in answer["properties"]
        assert operation.get("security") in ([], [{}], None) or operation["security"] == []
    ktb = schema["paths"]["/api/bank/ktb/notify/"]["post"]
    assert set(ktb["requestBody"]["content"]) == {"application/x-www-form-urlencoded", "application/json"}
    ktb_answer = component(schema, response_schema(schema, "/api/bank/ktb/notify/", "post")["$ref"])
    assert set(ktb_answer["required"]) == {"respcode", "respmsg", "tranxid", "amount", "receipt", "exception"}


def test_answers_mark_what_they_always_carry_as_required(client, pao, sao):
    pao_schema, sao_schema = schema_of(client, pao.host), schema_of(client, sao.host)
    for schema, names in ((pao_schema, ["Business", "ReturnDoc", "AssessmentDoc", "Invoice", "Officer",
                                        "AuditEvent", "ApiKeyIssued", "CounterPaymentRecorded"]),
                          (sao_schema, ["ApplicationDoc", "QueuedApplicationDoc", "PermitVerified",
                                        "DocumentUploaded", "ReceiptVerified", "InvitationSent"])):
        for name in names:
            shape = schema["components"]["schemas"][name]
            assert set(shape.get("required", [])) == set(shape["properties"]), name
    # one name per request component: no two serializers share "Input" any more
    assert "Input" not in pao_schema["components"]["schemas"]
    assert {"CounterPaymentRequest", "RefundRequest", "RefundStatusChangeRequest", "OfficerRoleChangeRequest"} <= set(
        pao_schema["components"]["schemas"])


def test_the_bank_answers_in_its_own_format_whatever_it_accepts_and_needs_no_csrf(sao):
    from tests.test_payments import configure, invoice

    configure(sao)
    bill = invoice(sao)
    raw = json.dumps({"command": "verify", "transaction_id": "T-1", "ref1": bill.ref1}).encode()
    signature = "sha256=" + hmac.new(b"s" * 40, raw, hashlib.sha256).hexdigest()
    client = Client(enforce_csrf_checks=True)
    for accept in ("text/xml", "application/json", "*/*"):
        response = client.post("/api/bank/json/verify/", raw, content_type="application/json", HTTP_HOST=sao.host,
                               HTTP_X_SIGNATURE=signature, HTTP_ACCEPT=accept)
        assert response.status_code == 200 and response["Content-Type"] == "application/json"
        assert response.json()["code"] == "0000" and response.json()["amount"] == "200.00"
    wrong = client.post("/api/bank/json/verify/", raw + b" ", content_type="application/json", HTTP_HOST=sao.host,
                        HTTP_X_SIGNATURE=signature)  # the signature is over the very bytes sent
    assert wrong.status_code == 401 and wrong.json()["code"] == "9001"
    assert client.post("/api/bank/nobank/verify/", raw, content_type="application/json",
                       HTTP_HOST=sao.host).status_code == 404
