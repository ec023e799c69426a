from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from tenant_apps.businesses.api import error_response
from tenant_apps.officers.access import Action
from tenant_apps.officers.permissions import LAOActionPermission

from .models import Invoice, InvoiceStatus
from .services import counter_payment_record


class InvoiceSerializer(serializers.ModelSerializer):
    amount = serializers.CharField(read_only=True, help_text="baht as a decimal string")

    class Meta:
        model = Invoice
        fields = ["id", "source", "source_id", "description", "payer_name", "amount", "due_date", "status", "paid_at"]
        read_only_fields = fields  # an answer: every field is always there


COUNTER_PAYMENT = inline_serializer("CounterPaymentRecorded", {
    "payment": serializers.IntegerField(read_only=True), "invoice": serializers.IntegerField(read_only=True),
    "amount": serializers.CharField(read_only=True, help_text="baht as a decimal string"),
    "duplicate": serializers.BooleanField(read_only=True, help_text="this reference was recorded already")})


class OpenInvoicesApi(APIView):
    permission_classes = [LAOActionPermission]
    officer_action = Action.RECORD_PAYMENTS

    @extend_schema(responses=InvoiceSerializer(many=True))
    def get(self, request):
        return Response(InvoiceSerializer(Invoice.objects.filter(status=InvoiceStatus.OPEN), many=True).data)


class CounterPaymentApi(APIView):
    """POST {"method": "cash"|"cheque"|"transfer", "reference": slip no., "amount": "200.00"}; the same
    reference twice answers 200 with `"duplicate": true` and counts nothing twice."""

    permission_classes = [LAOActionPermission]
    officer_action = Action.RECORD_PAYMENTS

    @extend_schema_serializer(component_name="CounterPayment")
    class InputSerializer(serializers.Serializer):
        method = serializers.CharField(help_text="cash, cheque or transfer")
        reference = serializers.CharField(max_length=90, help_text="the slip or cheque number")
        amount = serializers.CharField(required=False, help_text="if given, it must be what is due today")

    @extend_schema(request=InputSerializer, responses={
        201: OpenApiResponse(COUNTER_PAYMENT, description="recorded"),
        200: OpenApiResponse(COUNTER_PAYMENT, description="this reference was recorded already: nothing new")})
    def post(self, request, pk):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        invoice = get_object_or_404(Invoice, pk=pk)
        try:
            payment, created = counter_payment_record(invoice=invoice, actor=request.user, request=request,
                                                      **data.validated_data)
        except (ValidationError, PermissionDenied) as error:
            return error_response(error)
        return Response({"payment": payment.pk, "invoice": payment.invoice_id, "amount": str(payment.amount),
                         "duplicate": not created},
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


from django.http import Http404  # noqa: E402
from drf_spectacular.utils import OpenApiExample, OpenApiParameter  # noqa: E402
from rest_framework import permissions  # noqa: E402
from rest_framework.negotiation import BaseContentNegotiation  # noqa: E402
from rest_framework.parsers import MultiPartParser  # noqa: E402

from localservice.throttling import StatementUploadThrottle  # noqa: E402

from .banks import ADAPTERS, handle_notification  # noqa: E402
from .models import Payment, Receipt, Refund  # noqa: E402
from .reconciliation import StatementError, statement_reconcile  # noqa: E402
from .services import refund_create, refund_set_status  # noqa: E402


class _BankAnswersAnyAccept(BaseContentNegotiation):
    """A bank hears its own wire format whatever its Accept header says (DRF would answer 406 otherwise)."""

    def select_parser(self, request, parsers):
        return None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class BankNotificationView(APIView):
    """POST /api/bank/<adapter>/<verify|confirm|notify>/ — called by the bank, authenticated per LAO (HMAC secret
    or the bank's credentials, and the allowed source addresses). Refused calls are counted per source address
    (429 past THROTTLE_BANK_FAILURES); every other call is logged.

    An APIView only so the schema documents it (the subclasses below, at the real paths): the bank's request
    goes to handle_notification exactly as Django received it — the raw body the signature is over, the form
    or JSON fields as sent — and the adapter's own answer comes back. No DRF authentication, parsing or
    throttling takes part; like every DRF view it is exempt from CSRF (a bank has no cookie to forge)."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = []  # handle_notification counts refused calls itself, before anything is stored
    parser_classes = []
    content_negotiation_class = _BankAnswersAnyAccept
    adapter = command = ""  # the documented paths name theirs

    @extend_schema(exclude=True)  # the same endpoint under its other names (ktb/verify/, json/notify/ …)
    def post(self, request, adapter="", command=""):
        adapter, command = adapter or self.adapter, command or self.command
        if adapter not in ADAPTERS or command not in ("verify", "confirm", "notify"):
            raise Http404
        return handle_notification(adapter_name=adapter, request=request._request, url_command=command)


BANK_CODES = ["0000", "1001", "1002", "1003", "1004", "2001", "9001", "9002", "9003"]
BANK_EXCEPTIONS = ["underpaid", "overpaid", "already_settled"]
BANK_JSON_DESCRIPTION = (
    "Called by the bank, for one LAO (its host), in our JSON format, with the header `X-Signature: sha256=<hex "
    "HMAC-SHA256 of the raw body with the LAO's notification secret>` (the previous secret is accepted while "
    "it is rotated) and from one of the LAO's allowed source addresses. Answers (`code`): 0000 success, 1001 "
    "unknown reference, 1002 wrong amount and 1003 already paid (to a verify only, before any money moves), "
    "1004 malformed (a body that is not an object, a NUL or control character, an amount that is not a decimal "
    "string within a slip's limit, or the other command's URL), 2001 duplicate confirmation (the first receipt, "
    "every time), 9001 bad signature, 9002 address not allowed, 9003 too many refused calls from this address "
    "lately (retry after `Retry-After` seconds). A confirm is money the bank has taken: once authenticated and "
    "matched it is always recorded and answered 0000; when it was not what was due, `exception` says "
    "`underpaid`, `overpaid` or `already_settled` (kept as a credit to refund) — never reverse such a payment.")


def _bank_json_request(command: str):
    return inline_serializer(f"Bank{command.capitalize()}", {
        "command": serializers.ChoiceField(choices=[command], help_text="the same as the URL's"),
        "transaction_id": serializers.CharField(max_length=64, help_text="the bank's, unique per payment"),
        "ref1": serializers.CharField(max_length=20, help_text="the slip's Ref1"),
        "ref2": serializers.CharField(max_length=20, required=False, help_text="the slip's Ref2 (must agree)"),
        "amount": serializers.RegexField(
            r"^\d{1,10}(\.\d{1,2})?$", required=command == "confirm",
            help_text="baht as a decimal string, at most 2 decimals" + (
                "" if command == "confirm" else "; without it, the answer says what is due")),
        "paid_at": serializers.DateTimeField(required=False, help_text="when the bank took the money"),
    })


BANK_ANSWER = inline_serializer("BankAnswer", {
    "code": serializers.ChoiceField(choices=BANK_CODES, read_only=True),
    "message": serializers.CharField(read_only=True),
    "amount": serializers.CharField(required=False, help_text="what is due (verify) or what was recorded"),
    "receipt": serializers.CharField(required=False, help_text="the receipt's number (confirm)"),
    "payer": serializers.CharField(required=False, help_text="the payer's name (verify)"),
    "exception": serializers.ChoiceField(choices=BANK_EXCEPTIONS, required=False,
                                         help_text="a confirm recorded for another amount than was due")})
RETRY_AFTER = OpenApiResponse(BANK_ANSWER, description="9003: too many refused calls from this address lately")


def _bank_json_schema(command: str):
    return extend_schema(
        operation_id=f"bank_json_{command}", tags=["bank"], auth=[],
        summary=f"Bank notification: {command} (our JSON format)", description=BANK_JSON_DESCRIPTION,
        parameters=[OpenApiParameter("X-Signature", str, OpenApiParameter.HEADER, required=True,
                                     pattern=r"^sha256=[0-9a-f]{64}$",
                                     description="sha256=<hex HMAC-SHA256 of the raw body>")],
        request={"application/json": _bank_json_request(command)},
        responses={200: OpenApiResponse(BANK_ANSWER, description="0000, 2001, or 1001–1003 (verify)"),
                   400: OpenApiResponse(BANK_ANSWER, description="1004: malformed"),
                   401: OpenApiResponse(BANK_ANSWER, description="9001: bad signature"),
                   403: OpenApiResponse(BANK_ANSWER, description="9002: source address not allowed"),
                   429: RETRY_AFTER},
        examples=[OpenApiExample(command, request_only=True, value={
            "command": command, "transaction_id": "KTB20261129000123", "ref1": "000000000123", "ref2": "691210",
            "amount": "200.00", **({"paid_at": "2026-11-29T10:15:00+07:00"} if command == "confirm" else {})})])


class BankJsonVerifyApi(BankNotificationView):
    adapter, command = "json", "verify"

    @_bank_json_schema("verify")
    def post(self, request):
        return super().post(request)


class BankJsonConfirmApi(BankNotificationView):
    adapter, command = "json", "confirm"

    @_bank_json_schema("confirm")
    def post(self, request):
        return super().post(request)


KTB_FIELDS = {
    "user": serializers.CharField(help_text="the LAO's KTB user"),
    "password": serializers.CharField(help_text="the LAO's KTB password"),
    "comcode": serializers.CharField(required=False, help_text="company code (must be the LAO's, when set)"),
    "prodcode": serializers.CharField(required=False),
    "command": serializers.ChoiceField(choices=["verify", "inquiry", "confirm", "payment"],
                                       help_text="inquiry is a verify, payment a confirm"),
    "bankref": serializers.CharField(required=False),
    "tranxid": serializers.CharField(max_length=64, help_text="the bank's transaction, unique per payment"),
    "amount": serializers.CharField(max_length=20, help_text="baht as a decimal string, at most 2 decimals"),
    "ref1": serializers.CharField(max_length=20), "ref2": serializers.CharField(max_length=20, required=False),
    "ref3": serializers.CharField(required=False), "ref4": serializers.CharField(required=False),
}
KTB_REQUEST = inline_serializer("KtbNotification", KTB_FIELDS)
KTB_ANSWER = inline_serializer("KtbAnswer", {
    "respcode": serializers.ChoiceField(choices=BANK_CODES, read_only=True),
    "respmsg": serializers.CharField(read_only=True),
    "tranxid": serializers.CharField(read_only=True, help_text="echoed; empty when the body was not read"),
    "amount": serializers.CharField(read_only=True, help_text="what is due or was recorded; may be empty"),
    "receipt": serializers.CharField(read_only=True, help_text="the receipt's number; may be empty"),
    "exception": serializers.CharField(read_only=True, help_text="underpaid, overpaid, already_settled or empty")})


class BankKtbNotifyApi(BankNotificationView):
    adapter, command = "ktb", "notify"

    @extend_schema(
        operation_id="bank_ktb_notify", tags=["bank"], auth=[], summary="Bank notification: Krungthai (KTB)",
        description="Krungthai's bill-payment fields, form-encoded or JSON; the credentials are in the body "
                    "(the exact KTB contract is unverified). The same codes as the JSON format, in `respcode`, "
                    "always with HTTP 200 except 9003 (429, with `Retry-After`).",
        request={"application/x-www-form-urlencoded": KTB_REQUEST, "application/json": KTB_REQUEST},
        responses={200: KTB_ANSWER, 429: OpenApiResponse(KTB_ANSWER, description="9003: too many refused calls")})
    def post(self, request):
        return super().post(request)


class StatementUploadApi(APIView):
    """POST multipart `file`: the bank's bill-payment file; answers the reconciliation report."""

    permission_classes = [LAOActionPermission]
    officer_action = Action.RECORD_PAYMENTS
    parser_classes = [MultiPartParser]
    throttle_classes = [StatementUploadThrottle]  # shared with the page: THROTTLE_STATEMENT_UPLOADS per officer

    @extend_schema(request={"multipart/form-data": {"type": "object", "properties": {
        "file": {"type": "string", "format": "binary"}}, "required": ["file"]}},
        responses={201: inline_serializer("StatementReconciled", {
            "id": serializers.IntegerField(read_only=True), "lines": serializers.IntegerField(read_only=True),
            "report": serializers.DictField(read_only=True, help_text="posted, confirmed, paid twice, short or over, "
                                                                      "unmatched and reversed lines")})})
    def post(self, request):
        upload = request.FILES.get("file")
        if upload is None:
            return Response({"detail": ["Attach the file."]}, status=status.HTTP_400_BAD_REQUEST)
        try:
            record = statement_reconcile(data=upload.read(), name=upload.name, actor=request.user, request=request)
        except StatementError as error:
            return Response({"detail": error.errors}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"id": record.pk, "lines": record.line_count, "report": record.report},
                        status=status.HTTP_201_CREATED)


class RefundApi(APIView):
    """POST {"amount", "reason"} on a payment: a refund of an overpayment (finance officers)."""

    permission_classes = [LAOActionPermission]
    officer_action = Action.RECORD_PAYMENTS

    @extend_schema_serializer(component_name="Refund")
    class InputSerializer(serializers.Serializer):
        amount = serializers.CharField()
        reason = serializers.CharField()

    @extend_schema(request=InputSerializer, responses={201: inline_serializer("RefundCreated", {
        "id": serializers.IntegerField(read_only=True), "amount": serializers.CharField(read_only=True),
        "status": serializers.ChoiceField(choices=Refund.Status.choices, read_only=True)})})
    def post(self, request, pk):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        payment = get_object_or_404(Payment, pk=pk)
        try:
            refund = refund_create(payment=payment, actor=request.user, request=request, **data.validated_data)
        except (ValidationError, PermissionDenied) as error:
            return error_response(error)
        return Response({"id": refund.pk, "amount": str(refund.amount), "status": refund.status},
                        status=status.HTTP_201_CREATED)


class RefundStatusApi(APIView):
    permission_classes = [LAOActionPermission]
    officer_action = Action.RECORD_PAYMENTS

    @extend_schema_serializer(component_name="RefundStatusChange")
    class InputSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=Refund.Status.choices)

    @extend_schema(request=InputSerializer, responses={200: inline_serializer("RefundStatus", {
        "id": serializers.IntegerField(read_only=True),
        "status": serializers.ChoiceField(choices=Refund.Status.choices, read_only=True)})})
    def post(self, request, pk):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        refund = get_object_or_404(Refund, pk=pk)
        try:
            refund = refund_set_status(refund=refund, status=data.validated_data["status"], actor=request.user,
                                       request=request)
        except (ValidationError, PermissionDenied) as error:
            return error_response(error)
        return Response({"id": refund.pk, "status": refund.status})


class ReceiptVerifyApi(APIView):
    permission_classes = []
    authentication_classes = []

    @extend_schema(responses={200: inline_serializer("ReceiptVerified", {
        "number": serializers.CharField(read_only=True, help_text="book/number, e.g. 1/23"),
        "issued_at": serializers.DateTimeField(read_only=True),
        "amount": serializers.CharField(read_only=True, help_text="baht as a decimal string"),
        "valid": serializers.BooleanField(read_only=True, help_text="false once voided")})})
    def get(self, request, token):
        receipt = Receipt.objects.filter(token=token).first()
        if receipt is None:
            raise Http404
        return Response({"number": receipt.display_number, "issued_at": receipt.issued_at,
                         "amount": str(receipt.amount), "valid": receipt.voided_at is None})
