"""Bank notifications (2-way bill payment): the bank asks *verify* (is this payable?) then says *confirm*
(it was paid). One adapter per wire format; what a notification means is decided here once.

Answers use these codes (SCB's convention): 0000 success, 1001 unknown reference, 1002 wrong amount,
1003 already paid, 1004 malformed, 2001 duplicate confirmation (the first one's result stands),
9001 bad signature or credentials, 9002 address not allowed, 9003 too many refused calls from this address
(HTTP 429 with Retry-After; answered before anything is read or stored).

A *confirm* says the bank has already taken the money, so it is never refused once authenticated and
matched to one of this LAO's references: a confirm for an amount other than what is now due (the surcharge
grew between verify and confirm, the invoice was replaced), or a new bank transaction on an obligation
already settled, is recorded — the difference stays on the obligation's balance (owed, or a credit listed
for refund) and the payment is on the officers' exceptions list — and answered **0000** with
`"exception"` naming it (`overpaid`, `underpaid`, `already_settled`) and the receipt. 1002 and 1003 are
only ever answers to a *verify*, before any money moves. A repeated confirm of the same bank transaction
answers 2001 with the first one's receipt, every time.
"""
from __future__ import annotations

import datetime
import hashlib
import hmac
import ipaddress
import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.http import JsonResponse
from django.http.request import RawPostDataException
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from shared_apps.audit.services import client_address
from shared_apps.money import MoneyError, parse_amount

from .models import BankCall, Invoice, PaymentChannel, PaymentMethod, PaymentSettings
from .obligations import MAX_PAYABLE, payable_on
from .services import PaymentRefused, payment_post_result, payment_settings

OK, UNKNOWN, WRONG_AMOUNT, ALREADY_PAID, MALFORMED, DUPLICATE, BAD_AUTH, NOT_ALLOWED, THROTTLED = (
    "0000", "1001", "1002", "1003", "1004", "2001", "9001", "9002", "9003")
MESSAGES = {OK: "success", UNKNOWN: "unknown reference", WRONG_AMOUNT: "wrong amount", ALREADY_PAID: "already paid",
            MALFORMED: "malformed request", DUPLICATE: "duplicate", BAD_AUTH: "authentication failed",
            NOT_ALLOWED: "source address not allowed", THROTTLED: "too many failed calls: retry later"}
REFUSED = (BAD_AUTH, NOT_ALLOWED)  # counted per source address (THROTTLE_BANK_FAILURES)


class BankAuthError(Exception):
    pass


@dataclass
class Notification:
    command: str  # "verify" or "confirm"
    transaction_id: str
    ref1: str
    ref2: str
    amount: Decimal | None
    paid_at: datetime.datetime
    raw: dict = field(default_factory=dict)


@dataclass
class Answer:
    code: str
    amount: Decimal | None = None
    receipt: str = ""
    payer: str = ""
    exception: str = ""


class BankAdapter:
    name = ""

    def authenticate(self, request, settings: PaymentSettings) -> None:
        raise NotImplementedError

    def parse(self, request) -> Notification:
        raise NotImplementedError

    def respond(self, answer: Answer, notification: Notification | None) -> JsonResponse:
        raise NotImplementedError


def _field(data: dict, name: str, *, required: bool = True, max_length: int = 64) -> str:
    """A text field of the bank's body: printable, bounded; anything else is malformed (ValueError)."""
    if not isinstance(data, dict):
        raise ValueError("the body is not an object")
    value = data.get(name)
    if value is None or value == "":
        if required:
            raise ValueError(f"{name} is missing")
        return ""
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise ValueError(f"{name} is not text")
    value = str(value).strip()
    if len(value) > max_length or not value.isprintable():
        raise ValueError(f"{name} is too long or holds control characters")
    return value


def signature_ok(body: bytes, header: str, secrets_: list[str]) -> bool:
    """HMAC-SHA256 of the raw body; two secrets accepted so a key can be rotated without downtime."""
    presented = header.removeprefix("sha256=").strip()
    return any(secret and hmac.compare_digest(hmac.new(secret.encode(), body, hashlib.sha256).hexdigest(), presented)
               for secret in secrets_)


class JsonAdapter(BankAdapter):
    """Our own format (documented in the OpenAPI schema): JSON body, `X-Signature: sha256=<hex HMAC>`."""

    name = "json"

    def authenticate(self, request, settings):
        if not signature_ok(request.body, request.headers.get("X-Signature", ""),
                            [settings.hmac_secret, settings.hmac_secret_previous]):
            raise BankAuthError

    def parse(self, request):
        data = json.loads(request.body.decode("utf-8"))
        if not isinstance(data, dict):
            raise ValueError("the body is not an object")
        paid_at = parse_datetime(_field(data, "paid_at", required=False, max_length=40)) or timezone.now()
        amount = data.get("amount")
        if isinstance(amount, (float, bool)) or (amount not in (None, "") and not isinstance(amount, (str, int))):
            raise ValueError("amount is not a decimal string")
        return Notification(command=_field(data, "command", max_length=16),
                            transaction_id=_field(data, "transaction_id"), ref1=_field(data, "ref1", max_length=20),
                            ref2=_field(data, "ref2", required=False, max_length=20),
                            amount=parse_amount(amount) if amount not in (None, "") else None,
                            paid_at=paid_at if timezone.is_aware(paid_at) else timezone.make_aware(paid_at), raw=data)

    def respond(self, answer, notification):
        body = {"code": answer.code, "message": MESSAGES[answer.code]}
        if answer.amount is not None:
            body["amount"] = str(answer.amount)
        if answer.receipt:
            body["receipt"] = answer.receipt
        if answer.payer:
            body["payer"] = answer.payer
        if answer.exception:
            body["exception"] = answer.exception
        return JsonResponse(body, status=_STATUS.get(answer.code, 200))


_STATUS = {MALFORMED: 400, BAD_AUTH: 401, NOT_ALLOWED: 403, THROTTLED: 429}


class KtbAdapter(BankAdapter):
    """Krungthai's "Direct Link" fields (DOMAIN.md §8; the exact KTB contract is unverified): user,
    password, comcode, prodcode, command, bankref, tranxid, amount, ref1–ref4; form-encoded or JSON."""

    name = "ktb"

    def _data(self, request) -> dict:
        if request.content_type == "application/json":
            data = json.loads(request.body.decode("utf-8"))
            if not isinstance(data, dict):
                raise BankAuthError  # no credentials in a body that is not an object
            return data
        return request.POST.dict()

    def authenticate(self, request, settings):
        data = self._data(request)
        if not (settings.ktb_user and hmac.compare_digest(str(data.get("user", "")), settings.ktb_user)
                and hmac.compare_digest(str(data.get("password", "")), settings.ktb_password)):
            raise BankAuthError
        if settings.company_code and str(data.get("comcode", "")) != settings.company_code:
            raise BankAuthError

    def parse(self, request):
        data = self._data(request)
        command = {"verify": "verify", "inquiry": "verify", "confirm": "confirm", "payment": "confirm"}[
            _field(data, "command", max_length=16).lower()]
        return Notification(command=command, transaction_id=_field(data, "tranxid"),
                            ref1=_field(data, "ref1", max_length=20), ref2=_field(data, "ref2", required=False,
                                                                                   max_length=20),
                            amount=parse_amount(_field(data, "amount", max_length=20)),
                            paid_at=timezone.now(), raw={k: v for k, v in data.items() if k != "password"})

    def respond(self, answer, notification):
        return JsonResponse({"respcode": answer.code, "respmsg": MESSAGES[answer.code],
                             "tranxid": getattr(notification, "transaction_id", ""),
                             "amount": str(answer.amount) if answer.amount is not None else "",
                             "receipt": answer.receipt, "exception": answer.exception},
                            status=429 if answer.code == THROTTLED else 200)


ADAPTERS = {adapter.name: adapter for adapter in (JsonAdapter(), KtbAdapter())}


def _source_allowed(address: str | None, settings: PaymentSettings) -> bool:
    networks = [line.strip() for line in settings.allowed_sources.splitlines() if line.strip()]
    if not networks:
        return True
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(network, strict=False) for network in networks)


def _find_invoice(notification: Notification) -> Invoice | None:
    """The invoice a Ref1 names, in this LAO's schema only; Ref2 must agree when the bank sends one."""
    invoice = Invoice.objects.select_related("obligation").filter(ref1=notification.ref1).first()
    if invoice is not None and notification.ref2 and invoice.ref2 and notification.ref2 != invoice.ref2:
        return None
    return invoice


def _answer(notification: Notification) -> tuple[Answer, object]:
    invoice = _find_invoice(notification)
    if invoice is None:
        return Answer(UNKNOWN), None
    if notification.amount is not None and not (0 < notification.amount <= MAX_PAYABLE):
        return Answer(MALFORMED), None
    if notification.command == "confirm":
        if notification.amount is None:
            return Answer(MALFORMED), None
        try:
            result = payment_post_result(
                invoice=invoice, amount=notification.amount, channel=PaymentChannel.BANK_NOTIFICATION,
                method=PaymentMethod.BILL_PAYMENT, reference=f"bank:{notification.transaction_id}",
                received_at=notification.paid_at)
        except PaymentRefused:
            return Answer(MALFORMED), None
        payment, created = result.payment, result.created or result.matched
        receipt = payment.receipts.filter(voided_at__isnull=True).order_by("id").first() or \
            payment.receipts.order_by("id").first()
        return Answer(OK if created else DUPLICATE, amount=payment.amount,
                      receipt=receipt.display_number if receipt else "", exception=payment.exception), payment
    # verify: what is due now, read without writing anything
    due = payable_on(invoice.obligation, timezone.localdate(notification.paid_at))
    if due <= 0:
        return Answer(ALREADY_PAID), None
    if notification.amount is not None and notification.amount != due:
        return Answer(WRONG_AMOUNT, amount=due), None
    return Answer(OK, amount=due, payer=invoice.payer_name), None


def _raw_body(request) -> bytes:
    try:
        return request.body
    except RawPostDataException:  # already read as a form
        return b""


def _logged_body(request, adapter: BankAdapter, notification: Notification | None, answer: Answer) -> str:
    """What the log keeps of the call. An authenticated call: the body as received (JSON) or its fields
    without the password (KTB). A refused one: at most BANK_UNAUTHENTICATED_BODY_LIMIT bytes, and never a
    KTB body, which carries the password that was tried."""
    from django.conf import settings as django_settings

    if answer.code in REFUSED:
        if adapter.name != "json":
            return json.dumps({"body": "(refused: not kept)", "bytes": request.META.get("CONTENT_LENGTH") or ""})
        limit, raw = django_settings.BANK_UNAUTHENTICATED_BODY_LIMIT, _raw_body(request)
        marker = f"… ({len(raw)} bytes, cut)" if len(raw) > limit else ""
        budget = limit - len(marker.encode())
        # Replacement characters are longer than the bytes they stand for: cut again, on a character boundary.
        text = raw[:budget].decode("utf-8", errors="replace").encode()[:budget].decode("utf-8", errors="ignore")
        return text + marker
    if adapter.name == "json":
        return _raw_body(request).decode("utf-8", errors="replace")[:10000]
    return json.dumps(getattr(notification, "raw", {}) or {"body": "(not parsed)"}, default=str)[:10000]


def handle_notification(*, adapter_name: str, request, url_command: str = ""):
    """Throttle, authenticate, parse, answer, and log the call whatever happens (except a throttled one).

    An address with too many refused calls lately is answered 429 before anything else: nothing is read,
    checked or stored for it. In the JSON format the URL's command (verify/confirm) must be the body's."""
    from localservice.throttling import BankFailureThrottle

    adapter = ADAPTERS[adapter_name]
    failures = BankFailureThrottle()
    if failures.blocked(request):
        response = adapter.respond(Answer(THROTTLED), None)
        response["Retry-After"] = str(failures.retry_after())
        return response
    settings = payment_settings()
    address = client_address(request)
    notification, payment = None, None
    if not _source_allowed(address, settings):
        answer = Answer(NOT_ALLOWED)
    else:
        try:
            adapter.authenticate(request, settings)
            notification = adapter.parse(request)
        except BankAuthError:
            answer = Answer(BAD_AUTH)
        # JSONDecodeError is a ValueError; a body nested too deep for the parser raises RecursionError.
        except (ValueError, KeyError, TypeError, MoneyError, UnicodeDecodeError, RecursionError):
            answer = Answer(MALFORMED)
        else:
            if adapter.name == "json" and url_command in ("verify", "confirm") and notification.command != url_command:
                answer = Answer(MALFORMED)  # a confirm sent to the verify URL, or the reverse
            else:
                answer, payment = _answer(notification)
    if answer.code in REFUSED:
        failures.failed(request)
    response = adapter.respond(answer, notification)
    with transaction.atomic():
        BankCall.objects.create(
            bank=adapter.name, command=getattr(notification, "command", "") or "?",
            transaction_id=getattr(notification, "transaction_id", "").replace("\x00", "")[:64],
            source_address=address,
            # PostgreSQL text holds no NUL: what the bank sent is kept with NULs made visible.
            body=_logged_body(request, adapter, notification, answer).replace("\x00", "\\u0000"),
            result_code=answer.code, response=json.loads(response.content), payment=payment)
    return response
