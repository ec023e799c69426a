"""The signed-in person's obligations at every LAO, as JSON (GET /api/me/obligations/): the same published rows
and the same order as the central "My account"; session sign-in, their own items only."""
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .links import go_link, item_link
from .models import ItemKind
from .selectors import account_for


class LaoSerializer(serializers.Serializer):
    code = serializers.CharField(source="dla_code", help_text="the LAO's 7-digit DLA code")
    name = serializers.CharField(source="full_name_th", help_text="its full Thai name")
    host = serializers.CharField(help_text="its site's host name")


class BusinessRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="business_id", help_text="the business's id at that LAO")
    name = serializers.CharField(source="business_name")


class ItemSerializer(serializers.Serializer):
    lao = LaoSerializer()
    kind = serializers.ChoiceField(choices=ItemKind.choices)
    kind_label = serializers.CharField(source="get_kind_display", help_text="the kind, in the person's language")
    title = serializers.CharField()
    business = serializers.SerializerMethodField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True,
                                      help_text="baht: what settles it today (a credit: what is owed back)")
    amount_after_due = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True,
                                                help_text="baht, once the due date has passed (with surcharge)")
    due_on = serializers.DateField(allow_null=True, help_text="deadline, due date or permit end (a receipt: the "
                                                              "day it was paid)")
    legal_notice = serializers.BooleanField(help_text="a notice the law requires")
    link = serializers.SerializerMethodField(help_text="opens the page that does it, signed in on the LAO's "
                                                       "host (a receipt: its PDF)")

    @extend_schema_field(BusinessRefSerializer(allow_null=True))
    def get_business(self, item) -> dict | None:
        return BusinessRefSerializer(item).data if item.business_id is not None else None

    def get_link(self, item) -> str:
        return item_link(item)


class BusinessSerializer(serializers.Serializer):
    lao = LaoSerializer()
    id = serializers.IntegerField(source="business_id")
    name = serializers.CharField()
    kind = serializers.CharField(help_text="hotel, fuel, tobacco")
    is_owner = serializers.BooleanField()
    link = serializers.SerializerMethodField(help_text="the business's page, signed in on the LAO's host")

    def get_link(self, business) -> str:
        return go_link(dla_code=business.lao.dla_code, path=business.path)


class ObligationsSerializer(serializers.Serializer):
    items = ItemSerializer(many=True, help_text="what the person must do, soonest first (undated last)")
    recently_paid = ItemSerializer(many=True, help_text="receipts of the last 90 days, newest first")
    businesses = BusinessSerializer(many=True, help_text="the businesses the person acts for")


class ObligationsApi(APIView):
    """Everything the signed-in person must do at every LAO, what they paid recently, and the businesses they
    act for."""

    authentication_classes = [SessionAuthentication]
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ObligationsSerializer)
    def get(self, request):
        account = account_for(request.user, today=timezone.localdate())
        businesses = [group.business for group in account["businesses"] if group.business is not None]
        return Response(ObligationsSerializer({"items": account["items"], "recently_paid": account["recently_paid"],
                                               "businesses": businesses}).data)
