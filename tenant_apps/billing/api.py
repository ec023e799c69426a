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
