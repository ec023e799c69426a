"""Businesses over the API (a PAO's host): registration by citizens, their API keys."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.text import TextSerializerField

from .models import Business, BusinessApiKey, BusinessFiler, BusinessKind, OwnerType, TradeMode
from .permissions import ActsForBusiness, business_from_view
from .services import api_key_issue, api_key_revoke, business_register

MAX_ROOMS = 10_000  # as on the registration page: the largest hotels in the world have about 7,000 rooms


def error_response(error) -> Response:
    """Django's ValidationError / PermissionDenied from a service, as the API says them."""
    if isinstance(error, PermissionDenied):
        return Response({"detail": str(error)}, status=status.HTTP_403_FORBIDDEN)
    body = {"detail": error.messages}
    if getattr(error, "code", None):
        body["code"] = error.code
    if getattr(error, "params", None) and isinstance(error.params, dict):
        body.update({k: v for k, v in error.params.items() if isinstance(v, (int, str))})
    return Response(body, status=status.HTTP_400_BAD_REQUEST)


class BusinessSerializer(serializers.ModelSerializer):
    trade_mode = serializers.ChoiceField(choices=TradeMode.choices, allow_blank=True, read_only=True,
                                         help_text="fuel trading places; empty for the others")

    class Meta:
        model = Business
        fields = ["id", "kind", "name", "address", "owner_type", "owner_name", "licence_number", "rooms",
                  "fuel_kinds", "trade_mode", "operating_since", "status", "closed_on", "decision_note"]
        read_only_fields = fields  # an answer: every field is always there (null or "" when not set)


class ApiKeyIssuedSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    prefix = serializers.CharField(read_only=True, help_text="shown on the business's page: lsk_<prefix>_…")
    key = serializers.CharField(read_only=True, help_text="the whole key, shown this once: store it now")
    note = serializers.CharField(read_only=True)


class ApiKeyRevokedSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    revoked_at = serializers.DateTimeField(read_only=True)


class BusinessListApi(APIView):
    """GET the businesses you file for; POST to register one (then a PAO clerk approves it)."""

    permission_classes = [permissions.IsAuthenticated]

    class RegisterSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=BusinessKind.choices)
        name = TextSerializerField(max_length=200)
        address = TextSerializerField(multiline=True, max_length=1000)
        owner_type = serializers.ChoiceField(choices=OwnerType.choices)
        owner_id_number = TextSerializerField(max_length=17)
        owner_name = TextSerializerField(max_length=200)
        operating_since = serializers.DateField()
        licence_number = TextSerializerField(required=False, allow_blank=True, default="", max_length=100)
        rooms = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_ROOMS)
        fuel_kinds = serializers.ListField(child=TextSerializerField(max_length=16), required=False, default=list,
                                           max_length=10)
        trade_mode = serializers.ChoiceField(choices=TradeMode.choices, required=False, allow_blank=True, default="")
        authorised = serializers.BooleanField(required=False, default=False,
                                              help_text="for a juristic owner: it has authorised you")

    @extend_schema(responses=BusinessSerializer(many=True))
    def get(self, request):
        mine = BusinessFiler.objects.filter(business=OuterRef("pk"), user_id=request.user.pk, revoked_at__isnull=True)
        return Response(BusinessSerializer(Business.objects.filter(Exists(mine)), many=True).data)

    @extend_schema(request=RegisterSerializer, responses={201: BusinessSerializer})
    def post(self, request):
        data = self.RegisterSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            business = business_register(actor=request.user, request=request, **data.validated_data)
        except (ValidationError, PermissionDenied) as error:
            return error_response(error)
        return Response(BusinessSerializer(business).data, status=status.HTTP_201_CREATED)


class BusinessDetailApi(APIView):
    permission_classes = [ActsForBusiness]

    @extend_schema(responses=BusinessSerializer)
    def get(self, request, business_id):
        return Response(BusinessSerializer(business_from_view(self)).data)


class ApiKeyListApi(APIView):
    """POST to issue a key for the business's software (shown once); only a signed-in filer may."""

    permission_classes = [ActsForBusiness]
    api_key_allowed = False  # a key cannot make keys

    class IssueSerializer(serializers.Serializer):
        name = TextSerializerField(max_length=100)

    @extend_schema(request=IssueSerializer, responses={201: ApiKeyIssuedSerializer})
    def post(self, request, business_id):
        data = self.IssueSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            key, raw = api_key_issue(business=business_from_view(self), name=data.validated_data["name"],
                                     actor=request.user, request=request)
        except (ValidationError, PermissionDenied) as error:
            return error_response(error)
        return Response({"id": key.pk, "name": key.name, "prefix": key.prefix, "key": raw,
                         "note": "Store this key now: it is not shown again."}, status=status.HTTP_201_CREATED)


class ApiKeyRevokeApi(APIView):
    permission_classes = [ActsForBusiness]
    api_key_allowed = False

    @extend_schema(request=None, responses={200: ApiKeyRevokedSerializer})
    def post(self, request, business_id, key_id):
        key = get_object_or_404(BusinessApiKey, pk=key_id, business=business_from_view(self))
        key = api_key_revoke(key=key, actor=request.user, request=request)
        return Response({"id": key.pk, "revoked_at": key.revoked_at})
