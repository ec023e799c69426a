"""Officer management over the API, on a LAO's host: the same services as the pages."""
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_serializer, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.audit.models import AuditEvent
from shared_apps.audit.selectors import audit_trail
from shared_apps.text import TextSerializerField

from .access import Action
from .models import Officer, Role
from .permissions import LAOActionPermission
from .services import officer_grant_role, officer_invite, officer_revoke_role


class OfficerSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()

    class Meta:
        model = Officer
        fields = ["id", "name", "roles", "is_active", "created_at"]
        read_only_fields = fields  # an answer: every field is always there

    def get_name(self, officer) -> str:
        # The list view passes every officer's user in one query (users live in the public schema).
        users = self.context.get("users")
        user = users.get(officer.user_id) if users is not None else get_user_model().objects.filter(
            pk=officer.user_id).first()
        return user.display_name if user else ""


def _validation_response(error: ValidationError) -> Response:
    return Response({"detail": " ".join(error.messages)}, status=status.HTTP_400_BAD_REQUEST)


class OfficerListApi(APIView):
    """GET the LAO's officers; POST an invitation (LAO administrators)."""

    permission_classes = [LAOActionPermission]

    @property
    def officer_action(self):
        return Action.MANAGE_OFFICERS if self.request.method == "POST" else Action.VIEW_OFFICERS

    class InviteSerializer(serializers.Serializer):
        email = serializers.EmailField()
        name = TextSerializerField(required=False, allow_blank=True, max_length=200)
        roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices), allow_empty=False)

    @extend_schema(responses=OfficerSerializer(many=True))
    def get(self, request):
        officers = list(Officer.objects.all())
        users = get_user_model().objects.in_bulk([officer.user_id for officer in officers])
        return Response(OfficerSerializer(officers, many=True, context={"users": users}).data)

    @extend_schema(request=InviteSerializer, responses={201: inline_serializer("InvitationSent", {
        "invitation": serializers.IntegerField(read_only=True), "email": serializers.EmailField(read_only=True),
        "expires_at": serializers.DateTimeField(read_only=True)})})
    def post(self, request):
        data = self.InviteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            invitation, _token = officer_invite(actor=request.user, request=request, **data.validated_data)
        except ValidationError as error:
            return _validation_response(error)
        return Response({"invitation": invitation.pk, "email": invitation.email, "expires_at": invitation.expires_at},
                        status=status.HTTP_201_CREATED)


class OfficerRoleApi(APIView):
    """POST {"operation": "grant"|"revoke", "role": …} for one officer (LAO administrators)."""

    permission_classes = [LAOActionPermission]
    officer_action = Action.MANAGE_OFFICERS

    @extend_schema_serializer(component_name="OfficerRoleChange")
    class InputSerializer(serializers.Serializer):
        operation = serializers.ChoiceField(choices=["grant", "revoke"])
        role = serializers.ChoiceField(choices=Role.choices)

    @extend_schema(request=InputSerializer, responses=OfficerSerializer)
    def post(self, request, pk):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        officer = get_object_or_404(Officer, pk=pk)
        change = officer_grant_role if data.validated_data["operation"] == "grant" else officer_revoke_role
        try:
            officer = change(officer=officer, role=data.validated_data["role"], actor=request.user, request=request)
        except ValidationError as error:
            return _validation_response(error)
        return Response(OfficerSerializer(officer).data)


class AuditEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = ["at", "action", "actor_label", "lao_code", "ip_address", "target", "detail"]
        read_only_fields = fields


class AuditTrailApi(APIView):
    """GET the LAO's audit trail, newest first (officers and the provincial office)."""

    permission_classes = [LAOActionPermission]
    officer_action = Action.VIEW_AUDIT

    @extend_schema(responses=AuditEventSerializer(many=True))
    def get(self, request):
        return Response(AuditEventSerializer(audit_trail(limit=500), many=True).data)
