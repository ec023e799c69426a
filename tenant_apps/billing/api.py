from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from tenant_apps.businesses.api import error_response
from tenant_apps.officers.access import Action
from tenant_apps.officers.permissions import LAOActionPermission

from .models import Invoice, InvoiceStatus
from .services import counter_payment_record


class InvoiceSerializer(serializers.ModelSerializer):
    amount = serializers.CharField()

    class Meta:
        model = Invoice
        fields = ["id", "source", "source_id", "description", "payer_name", "amount", "due_date", "status", "paid_at"]


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

    class InputSerializer(serializers.Serializer):
        method = serializers.CharField()
        reference = serializers.CharField(max_length=90)
        amount = serializers.CharField(required=False)

    @extend_schema(request=InputSerializer, responses={201: None, 200: None})
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
from django.utils.decorators import method_decorator  # noqa: E402
from django.views import View  # noqa: E402
from django.views.decorators.csrf import csrf_exempt  # noqa: E402
from drf_spectacular.utils import OpenApiExample, inline_serializer  # noqa: E402
from rest_framework.parsers import MultiPartParser  # noqa: E402

from localservice.throttling import StatementUploadThrottle  # noqa: E402

from .banks import ADAPTERS, handle_notification  # noqa: E402
from .models import Payment, Receipt, Refund  # noqa: E402
from .reconciliation import StatementError, statement_reconcile  # noqa: E402
from .services import refund_create, refund_set_status  # noqa: E402


@method_decorator(csrf_exempt, name="dispatch")
class BankNotificationView(View):
    """POST /api/bank/<adapter>/<verify|confirm|notify>/ — called by the bank, authenticated per LAO (HMAC secret
    or the bank's credentials, and the allowed source addresses). Refused calls are counted per source address
    (429 past THROTTLE_BANK_FAILURES); every other call is logged."""

    def post(self, request, adapter, command):
        if adapter not in ADAPTERS or command not in ("verify", "confirm", "notify"):
            raise Http404
        return handle_notification(adapter_name=adapter, request=request, url_command=command)


class BankJsonSchemaApi(APIView):
    """Documentation only: the JSON notification format of `/api/bank/json/verify/` and `/confirm/`."""

    permission_classes = []
    authentication_classes = []

    @extend_schema(
        summary="Bank notification (our JSON format)",
        description="Send to /api/bank/json/verify/ or /api/bank/json/confirm/ with the header "
                    "`X-Signature: sha256=<hex HMAC-SHA256 of the raw body with the LAO's secret>`. Answers: "
                    "0000 success, 1001 unknown reference, 1002 wrong amount and 1003 already paid (to a verify "
                    "only), 1004 malformed, 2001 duplicate confirmation (the first receipt again), 9001 bad "
                    "signature, 9002 address not allowed. A confirm is money the bank has taken: once "
                    "authenticated and matched it is always recorded and answered 0000; when it was not what "
                    "was due, `exception` says `underpaid`, `overpaid` or `already_settled` (kept as a credit "
                    "to refund) — never reverse such a payment.",
        request=inline_serializer("BankNotification", {
            "command": serializers.ChoiceField(choices=["verify", "confirm"]),
            "transaction_id": serializers.CharField(), "ref1": serializers.CharField(),
            "ref2": serializers.CharField(required=False), "amount": serializers.CharField(),
            "paid_at": serializers.DateTimeField(required=False)}),
        responses=inline_serializer("BankAnswer", {
            "code": serializers.CharField(), "message": serializers.CharField(),
            "amount": serializers.CharField(required=False), "receipt": serializers.CharField(required=False),
            "payer": serializers.CharField(required=False),
            "exception": serializers.ChoiceField(choices=["underpaid", "overpaid", "already_settled"],
                                                 required=False)}),
        examples=[OpenApiExample("confirm", value={"command": "confirm", "transaction_id": "KTB20261129000123",
                                                   "ref1": "000000000123", "ref2": "691210", "amount": "200.00",
                                                   "paid_at": "2026-11-29T10:15:00+07:00"})])
    def post(self, request):
        return Response({"detail": "see /api/bank/json/verify/ and /api/bank/json/confirm/"})


class StatementUploadApi(APIView):
    """POST multipart `file`: the bank's bill-payment file; answers the reconciliation report."""

    permission_classes = [LAOActionPermission]
    officer_action = Action.RECORD_PAYMENTS
    parser_classes = [MultiPartParser]
    throttle_classes = [StatementUploadThrottle]  # shared with the page: THROTTLE_STATEMENT_UPLOADS per officer

    @extend_schema(request={"multipart/form-data": {"type": "object", "properties": {
        "file": {"type": "string", "format": "binary"}}}}, responses={201: None, 400: None})
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

    class InputSerializer(serializers.Serializer):
        amount = serializers.CharField()
        reason = serializers.CharField()

    @extend_schema(request=InputSerializer, responses={201: None})
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

    class InputSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=Refund.Status.choices)

    @extend_schema(request=InputSerializer, responses={200: None})
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

    @extend_schema(responses={200: None, 404: None})
    def get(self, request, token):
        receipt = Receipt.objects.filter(token=token).first()
        if receipt is None:
            raise Http404
        return Response({"number": receipt.display_number, "issued_at": receipt.issued_at,
                         "amount": str(receipt.amount), "valid": receipt.voided_at is None})
