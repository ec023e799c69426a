"""The person's notification settings as an API (session sign-in, CSRF): GET and PUT."""
from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from . import services
from .models import LEGAL_KINDS, NotificationKind
from .selectors import preference_for


class PreferenceSerializer(serializers.Serializer):
    language = serializers.CharField(max_length=8)
    channels = serializers.ListField(child=serializers.CharField(max_length=16), max_length=5)
    muted_kinds = serializers.ListField(child=serializers.CharField(max_length=32), max_length=20)
    email = serializers.CharField(max_length=254, allow_blank=True, required=False)


def _shown(preference) -> dict:
    return {"language": preference.language, "channels": preference.channels, "muted_kinds": preference.muted_kinds,
            "email": preference.email, "email_verified": preference.email_verified_at is not None,
            "kinds": [{"value": v, "label": str(label), "legal": v in LEGAL_KINDS}
                      for v, label in NotificationKind.choices]}


class KindSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    legal = serializers.BooleanField(help_text="a notice the law requires: cannot be turned off")


class PreferenceShownSerializer(PreferenceSerializer):
    email_verified = serializers.BooleanField()
    kinds = KindSerializer(many=True)


class PreferenceApi(APIView):
    """The signed-in person's notification settings, for every LAO."""

    permission_classes = [IsAuthenticated]
    serializer_class = PreferenceSerializer

    @extend_schema(responses=PreferenceShownSerializer)
    def get(self, request):
        return Response(_shown(preference_for(request.user)))

    @extend_schema(request=PreferenceSerializer, responses=PreferenceShownSerializer)
    def put(self, request):
        data = PreferenceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            preference = services.preference_update(user=request.user, request=request, **data.validated_data)
        except ValidationError as error:
            return Response(error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages},
                            status=400)
        return Response(_shown(preference))
