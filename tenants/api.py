"""The registry over HTTP: search LAOs (public) and onboard one (DLA administrators)."""
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import LAO, LAOType
from .selectors import lao_search
from .services import OnboardingError, onboard_lao


class CanOnboardLAO(permissions.BasePermission):
    message = "Only DLA administrators with the “onboard LAO” permission may onboard a LAO."

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.has_perm("tenants.onboard_lao"))


class LAOOutputSerializer(serializers.ModelSerializer):
    type = serializers.CharField(source="lao_type")
    type_label = serializers.CharField(source="get_lao_type_display")
    full_name_th = serializers.CharField()
    province = serializers.SerializerMethodField()
    district = serializers.SerializerMethodField()
    services = serializers.SerializerMethodField()
    url = serializers.CharField(source="site_url")

    class Meta:
        model = LAO
        fields = ["dla_code", "name_th", "full_name_th", "name_en", "type", "type_label", "province", "district",
                  "status", "hostname", "url", "services"]

    def get_province(self, lao) -> dict:
        return {"code": lao.province_id, "name_th": lao.province.name_th, "name_en": lao.province.name_en}

    def get_district(self, lao) -> dict | None:
        if lao.district is None:
            return None
        return {"code": lao.district_id, "name_th": lao.district.name_th, "name_en": lao.district.name_en}

    def get_services(self, lao) -> list[str]:
        return [service.value for service in lao.services]


class LAOListApi(APIView):
    """GET /api/laos/?q=&province=&district=&type=&status= — the registry, paginated."""

    permission_classes = [permissions.AllowAny]

    class FilterSerializer(serializers.Serializer):
        q = serializers.CharField(required=False, allow_blank=True, max_length=100)
        province = serializers.RegexField(r"^\d{2}$", required=False, allow_blank=True)
        district = serializers.RegexField(r"^\d{4}$", required=False, allow_blank=True)
        type = serializers.ChoiceField(choices=LAOType.choices, required=False, allow_blank=True)
        status = serializers.CharField(required=False, allow_blank=True)

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Thai or English name, subdomain or DLA code"),
            OpenApiParameter("province", str, description="DOPA province code (2 digits)"),
            OpenApiParameter("district", str, description="DOPA district code (4 digits)"),
            OpenApiParameter("type", str, enum=LAOType.values),
            OpenApiParameter("page", int),
        ],
        responses=LAOOutputSerializer(many=True),
    )
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        laos = lao_search(q=data.get("q", ""), province=data.get("province", ""), district=data.get("district", ""),
                          lao_type=data.get("type", ""), status=data.get("status", ""))
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(laos, request, view=self)
        return paginator.get_paginated_response(LAOOutputSerializer(page, many=True).data)


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
        onboarded = serializers.BooleanField(help_text="false when it was already onboarded")
        lao = LAOOutputSerializer()

    @extend_schema(request=None, responses={200: OutputSerializer, 201: OutputSerializer})
    def post(self, request, dla_code):
        lao = get_object_or_404(LAO, dla_code=dla_code)
        try:
            created = onboard_lao(lao=lao, actor=request.user)
        except OnboardingError as error:
            return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)
        lao = LAO.objects.select_related("province", "district").get(pk=lao.pk)
        body = self.OutputSerializer({"onboarded": created, "lao": lao}).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
