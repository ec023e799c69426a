"""The registry over HTTP: search LAOs (public) and onboard one (DLA administrators)."""
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, permissions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import LAO, LAOStatus, LAOType, Service
from .selectors import lao_search
from .services import OnboardingError, onboard_lao


class CanOnboardLAO(permissions.BasePermission):
    message = "Only DLA administrators with the “onboard LAO” permission may onboard a LAO."

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.has_perm("tenants.onboard_lao"))


class PlaceSerializer(serializers.Serializer):
    """A province or district, by its DOPA code."""

    code = serializers.CharField(read_only=True)
    name_th = serializers.CharField(read_only=True)
    name_en = serializers.CharField(read_only=True)


class LAOOutputSerializer(serializers.ModelSerializer):
    type = serializers.ChoiceField(source="lao_type", choices=LAOType.choices, read_only=True)
    type_label = serializers.CharField(source="get_lao_type_display", read_only=True)
    full_name_th = serializers.CharField(read_only=True)
    province = PlaceSerializer(read_only=True)
    district = PlaceSerializer(read_only=True, allow_null=True)
    services = serializers.ListField(child=serializers.ChoiceField(choices=[s.value for s in Service]),
                                     read_only=True)
    url = serializers.CharField(source="site_url", read_only=True)

    class Meta:
        model = LAO
        fields = ["dla_code", "name_th", "full_name_th", "name_en", "type", "type_label", "province", "district",
                  "status", "hostname", "url", "services"]
        read_only_fields = fields  # an answer: every field is always there


class RegistryPage(PageNumberPagination):
    def get_paginated_response_schema(self, schema):
        # DRF's own leaves next/previous optional; they are always there (null on the first or last page).
        return {**super().get_paginated_response_schema(schema), "required": ["count", "next", "previous", "results"]}


class LAOListApi(generics.ListAPIView):
    """GET /api/laos/?q=&province=&district=&type=&status= — the registry, a page at a time (`count`, `next`,
    `previous`, `results`)."""

    permission_classes = [permissions.AllowAny]
    serializer_class = LAOOutputSerializer
    pagination_class = RegistryPage

    class FilterSerializer(serializers.Serializer):
        q = serializers.CharField(required=False, allow_blank=True, max_length=100)
        province = serializers.RegexField(r"^\d{2}$", required=False, allow_blank=True)
        district = serializers.RegexField(r"^\d{4}$", required=False, allow_blank=True)
        type = serializers.ChoiceField(choices=LAOType.choices, required=False, allow_blank=True)
        status = serializers.ChoiceField(choices=LAOStatus.choices, required=False, allow_blank=True)

    @extend_schema(parameters=[
        OpenApiParameter("q", str, description="Thai or English name, subdomain or DLA code"),
        OpenApiParameter("province", str, pattern=r"^\d{2}$", description="DOPA province code (2 digits)"),
        OpenApiParameter("district", str, pattern=r"^\d{4}$", description="DOPA district code (4 digits)"),
        OpenApiParameter("type", str, enum=LAOType.values),
        OpenApiParameter("status", str, enum=LAOStatus.values),
    ])  # `page` comes with the pagination
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        filters = self.FilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        return lao_search(q=data.get("q", ""), province=data.get("province", ""), district=data.get("district", ""),
                          lao_type=data.get("type", ""), status=data.get("status", ""))


class LAODetailApi(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=LAOOutputSerializer)
    def get(self, request, dla_code):
        lao = get_object_or_404(LAO.objects.select_related("province", "district"), dla_code=dla_code)
        return Response(LAOOutputSerializer(lao).data)


class LAOOnboardApi(APIView):
    """POST /api/laos/<dla_code>/onboard/ — build the LAO's schema and domain; harmless if done already."""

    permission_classes = [CanOnboardLAO]

    class OutputSerializer(serializers.Serializer):
        onboarded = serializers.BooleanField(help_text="false when it was already onboarded", read_only=True)
        lao = LAOOutputSerializer(read_only=True)

    class ConflictSerializer(serializers.Serializer):
        detail = serializers.CharField(read_only=True, help_text="why it cannot be onboarded (yet)")

    @extend_schema(request=None, responses={200: OutputSerializer, 201: OutputSerializer, 409: ConflictSerializer})
    def post(self, request, dla_code):
        lao = get_object_or_404(LAO, dla_code=dla_code)
        try:
            created = onboard_lao(lao=lao, actor=request.user)
        except OnboardingError as error:
            return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)
        lao = LAO.objects.select_related("province", "district").get(pk=lao.pk)
        body = self.OutputSerializer({"onboarded": created, "lao": lao}).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
