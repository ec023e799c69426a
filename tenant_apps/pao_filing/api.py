"""Monthly returns over the API: the business files (signed in, or with its API key); officers review."""
import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from tenant_apps.businesses.api import BusinessSerializer
from tenant_apps.businesses.api import error_response as _error_response
from tenant_apps.businesses.models import Business, BusinessKind, BusinessStatus
from tenant_apps.businesses.permissions import ActsForBusiness, business_from_view
from tenant_apps.businesses.services import business_decide
from tenant_apps.officers.access import Action
from tenant_apps.hotel_fee.spec import MAX_ROOM_NIGHTS
from tenant_apps.officers.permissions import LAOActionPermission

from .models import ReturnKind, ReturnStatus
from .periods import month_start, parse_period
from .selectors import overdue_businesses, returns_of, review_queue
from .services import (SPECS, check_assessed_tax, figures_digest, return_file, return_file_additional,
                       return_preview, return_review, spec_for)

RETURN_FIELDS = ["id", "period", "kind", "original", "status", "nil", "rates", "base_amount", "tax_amount",
                 "assessed_tax_amount", "deadline", "filed_on", "months_late", "surcharge_amount", "penalty_amount",
                 "amount_due", "filed_via", "review_note"]


def return_data(ret) -> dict:
    data = {name: getattr(ret, f"{name}_id" if name == "original" else name) for name in RETURN_FIELDS}
    data["period"] = ret.period.strftime("%Y-%m")
    data["lines"] = [{k: v for k, v in line.__dict__.items() if not k.startswith("_") and not k.endswith("return_id")}
                     for line in SPECS[ret.business.kind].lines_of(ret)]
    return _plain(data)


def _plain(value):
    """Money and quantities as strings (never floats), dates as ISO text."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


def error_response(error) -> Response:
    """A service's refusal as a 400 (or 403): every message in `detail`, and by field in `fields` (each
    message names its field too), with the new amounts when the figures changed since the preview."""
    response = _error_response(error)
    if hasattr(error, "error_dict"):
        response.data["fields"] = {name: [m for e in errors for m in e.messages]
                                   for name, errors in error.error_dict.items()}
    return response


class FilingSerializer(serializers.Serializer):
    """The month and what the business declares: totals or guests for a hotel, lines for fuel and tobacco.
    Figures are strings (or numbers) read by the revenue's rules: bounded, never floats' rounding."""

    period = serializers.RegexField(r"^\d{4}-\d{2}$", help_text="YYYY-MM (Christian era)", required=False)
    preview = serializers.BooleanField(default=False, help_text="compute and show, save nothing")
    figures = serializers.CharField(required=False, max_length=500,
                                    help_text="optional: the `figures` digest of a preview; if given, filing "
                                              "refuses figures other than those previewed (code figures_changed)")
    nil = serializers.BooleanField(default=False)
    room_rent_total = serializers.CharField(required=False, max_length=40)
    nights_total = serializers.IntegerField(required=False, min_value=0, max_value=MAX_ROOM_NIGHTS)
    guests = serializers.ListField(child=serializers.DictField(), required=False)
    lines = serializers.ListField(child=serializers.DictField(), required=False)


MONEY = {"read_only": True, "help_text": "baht as a decimal string"}


class ReturnDocSerializer(serializers.Serializer):
    """A filed return as the API gives it (return_data)."""

    id = serializers.IntegerField(read_only=True)
    period = serializers.CharField(read_only=True, help_text="YYYY-MM")
    kind = serializers.ChoiceField(choices=ReturnKind.choices, read_only=True)
    original = serializers.IntegerField(read_only=True, allow_null=True,
                                        help_text="the original return an additional one corrects")
    status = serializers.ChoiceField(choices=ReturnStatus.choices, read_only=True)
    nil = serializers.BooleanField(read_only=True)
    rates = serializers.DictField(read_only=True, help_text="the ordinance rates used, by product")
    base_amount = serializers.CharField(read_only=True, help_text="what the tax is on (room rent, litres …)")
    tax_amount = serializers.CharField(**MONEY)
    assessed_tax_amount = serializers.CharField(read_only=True, allow_null=True,
                                                help_text="the tax an approver assessed instead, if any")
    deadline = serializers.DateField(read_only=True)
    filed_on = serializers.DateField(read_only=True)
    months_late = serializers.IntegerField(read_only=True)
    surcharge_amount = serializers.CharField(**MONEY)
    penalty_amount = serializers.CharField(**MONEY)
    amount_due = serializers.CharField(**MONEY)
    filed_via = serializers.CharField(read_only=True, help_text="web or api")
    review_note = serializers.CharField(read_only=True)
    lines = serializers.ListField(child=serializers.DictField(), read_only=True,
                                  help_text="the declared lines (products, quantities, guests)")


class ReturnInQueueDocSerializer(ReturnDocSerializer):
    business = inline_serializer("ReturnBusiness", {"id": serializers.IntegerField(read_only=True),
                                                    "name": serializers.CharField(read_only=True)})


class AssessmentDocSerializer(serializers.Serializer):
    """A preview (`"preview": true`): what filing these figures would charge, nothing saved."""

    figures = serializers.CharField(read_only=True, allow_null=True,
                                    help_text="send it back with the filing to refuse changed figures")
    period = serializers.CharField(read_only=True, help_text="YYYY-MM")
    deadline = serializers.DateField(read_only=True)
    filed_on = serializers.DateField(read_only=True)
    months_late = serializers.IntegerField(read_only=True)
    tax_amount = serializers.CharField(**MONEY)
    surcharge_amount = serializers.CharField(**MONEY)
    penalty_amount = serializers.CharField(**MONEY)
    amount_due = serializers.CharField(**MONEY)
    previous_tax = serializers.CharField(read_only=True, allow_null=True, help_text="an additional return's original")
    difference = serializers.CharField(read_only=True, allow_null=True, help_text="charged (+) or credited (−)")
    rates = serializers.DictField(read_only=True)


FILED = {201: OpenApiResponse(ReturnDocSerializer, description="filed"),
         200: OpenApiResponse(AssessmentDocSerializer, description="a preview: nothing saved")}


def assessment_data(assessment, *, business=None, original=None) -> dict:
    return {
        "figures": figures_digest(business=business, assessment=assessment, original=original) if business else None,
        "period": assessment.period.strftime("%Y-%m"), "deadline": assessment.deadline,
        "filed_on": assessment.filed_on, "months_late": assessment.months_late,
        "tax_amount": str(assessment.tax), "surcharge_amount": str(assessment.surcharge),
        "penalty_amount": str(assessment.penalty), "amount_due": str(assessment.amount_due),
        "previous_tax": None if assessment.previous_tax is None else str(assessment.previous_tax),
        "difference": None if assessment.difference is None else str(assessment.difference),
        "rates": assessment.computation.rates,
    }


class ReturnListApi(APIView):
    """GET the business's returns; POST to file a month (with `preview: true` to see the amounts first)."""

    permission_classes = [ActsForBusiness]

    @extend_schema(responses=ReturnDocSerializer(many=True))
    def get(self, request, business_id):
        return Response([return_data(ret) for ret in returns_of(business_from_view(self))])

    @extend_schema(request=FilingSerializer, responses=FILED)
    def post(self, request, business_id):
        business = business_from_view(self)
        data = FilingSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        try:
            period = parse_period(values.pop("period", ""))
        except ValueError as error:
            return Response({"period": [str(error)]}, status=status.HTTP_400_BAD_REQUEST)
        key = request.auth if hasattr(request.auth, "business_id") else None
        actor = None if key else request.user
        figures = values.pop("figures", None)
        try:
            if values.pop("preview"):
                return Response(assessment_data(return_preview(business=business, data=values, period=period),
                                                business=business))
            ret = return_file(business=business, data=values, period=period, actor=actor, api_key=key,
                              request=request, figures=figures)
        except (ValidationError, PermissionDenied) as error:
            response = error_response(error)
            if getattr(error, "code", None) == "already_filed":
                response.data["additional_return_url"] = (
                    f"/api/businesses/{business.pk}/returns/{error.params['original']}/additional/")
            if getattr(error, "code", None) == "figures_changed":
                response.data["preview"] = assessment_data(
                    return_preview(business=business, data=values, period=period), business=business)
            return response
        return Response(return_data(ret), status=status.HTTP_201_CREATED)


class AdditionalReturnApi(APIView):
    """POST the month's corrected figures: an additional return charging or crediting the difference."""

    permission_classes = [ActsForBusiness]

    @extend_schema(request=FilingSerializer, responses=FILED)
    def post(self, request, business_id, return_id):
        business = business_from_view(self)
        original = get_object_or_404(spec_for(business).model, pk=return_id, business=business)
        data = FilingSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values.pop("period", None)
        key = request.auth if hasattr(request.auth, "business_id") else None
        figures = values.pop("figures", None)
        try:
            if values.pop("preview"):
                return Response(assessment_data(return_preview(business=business, data=values,
                                                               period=original.period, original=original),
                                                business=business, original=original))
            ret = return_file_additional(original=original, data=values, actor=None if key else request.user,
                                         api_key=key, request=request, figures=figures)
        except (ValidationError, PermissionDenied) as error:
            response = error_response(error)
            if getattr(error, "code", None) == "figures_changed":
                response.data["preview"] = assessment_data(
                    return_preview(business=business, data=values, period=original.period, original=original),
                    business=business, original=original)
            return response
        return Response(return_data(ret), status=status.HTTP_201_CREATED)


# --- officers ---------------------------------------------------------------------------------------

class RegistrationQueueApi(APIView):
    """GET registrations waiting for a decision (clerks)."""

    permission_classes = [LAOActionPermission]
    officer_action = Action.REVIEW_BUSINESSES

    @extend_schema(responses=BusinessSerializer(many=True))
    def get(self, request):
        pending = Business.objects.filter(status=BusinessStatus.PENDING).order_by("registered_at")
        return Response(BusinessSerializer(pending, many=True).data)


class RegistrationDecisionApi(APIView):
    """POST {"approve": true|false, "note": …} on a registration."""

    permission_classes = [LAOActionPermission]
    officer_action = Action.REVIEW_BUSINESSES

    class DecisionSerializer(serializers.Serializer):
        approve = serializers.BooleanField()
        note = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(request=DecisionSerializer, responses=BusinessSerializer)
    def post(self, request, business_id):
        data = self.DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        business = get_object_or_404(Business, pk=business_id)
        try:
            business = business_decide(business=business, actor=request.user, request=request, **data.validated_data)
        except (ValidationError, PermissionDenied) as error:
            return error_response(error)
        return Response(BusinessSerializer(business).data)


class ReviewQueueApi(APIView):
    """GET new returns of one kind of business, oldest first."""

    permission_classes = [LAOActionPermission]
    officer_action = Action.VIEW_RETURNS

    @extend_schema(parameters=[OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=BusinessKind.values)],
                   responses=ReturnInQueueDocSerializer(many=True))
    def get(self, request, kind):
        if kind not in SPECS:
            return Response({"detail": "unknown kind"}, status=status.HTTP_404_NOT_FOUND)
        return Response([{**return_data(ret), "business": {"id": ret.business_id, "name": ret.business.name}}
                         for ret in review_queue(business_kind=kind)])


class ReturnReviewApi(APIView):
    """POST {"decision": "accept"|"send_back"|"assess", "reason": …, "tax_amount": …} on one return."""

    permission_classes = [LAOActionPermission]
    officer_action = Action.REVIEW_RETURNS

    class ReviewSerializer(serializers.Serializer):
        decision = serializers.ChoiceField(choices=["accept", "send_back", "assess"])
        reason = serializers.CharField(required=False, allow_blank=True, default="")
        tax_amount = serializers.CharField(required=False, allow_blank=True, default="", max_length=40)

    @extend_schema(parameters=[OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=BusinessKind.values)],
                   request=ReviewSerializer, responses=ReturnDocSerializer)
    def post(self, request, kind, return_id):
        if kind not in SPECS:
            return Response({"detail": "unknown kind"}, status=status.HTTP_404_NOT_FOUND)
        data = self.ReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ret = get_object_or_404(SPECS[kind].model, pk=return_id)
        try:
            if data.validated_data["decision"] == "assess":
                check_assessed_tax(data.validated_data["tax_amount"], ret=ret)
            ret = return_review(ret=ret, actor=request.user, request=request, **data.validated_data)
        except (ValidationError, PermissionDenied) as error:
            return error_response(error)
        return Response(return_data(ret))


class OverdueApi(APIView):
    """GET ?kind=hotel&period=YYYY-MM: registered businesses that have not filed once the deadline passed."""

    permission_classes = [LAOActionPermission]
    officer_action = Action.VIEW_RETURNS

    @extend_schema(parameters=[OpenApiParameter("kind", str, enum=BusinessKind.values, required=True),
                               OpenApiParameter("period", str, required=True, pattern=r"^\d{4}-\d{2}$",
                                                description="YYYY-MM")],
                   responses=BusinessSerializer(many=True))
    def get(self, request):
        kind = request.query_params.get("kind", "")
        try:
            period = parse_period(request.query_params.get("period", ""))
        except ValueError as error:
            return Response({"period": [str(error)]}, status=status.HTTP_400_BAD_REQUEST)
        if kind not in SPECS:
            return Response({"kind": ["unknown kind"]}, status=status.HTTP_400_BAD_REQUEST)
        today = timezone.localdate()
        if period >= month_start(today):
            return Response([])
        return Response(BusinessSerializer(overdue_businesses(business_kind=kind, period=period, today=today),
                                           many=True).data)
