"""Advertising permits over the API: the same services as the pages."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.text import TextSerializerField
from tenant_apps.businesses.api import error_response
from tenant_apps.officers.access import Action
from tenant_apps.officers.permissions import LAOActionPermission

from . import services
from .models import Application, ApplicantType, DocumentKind, Method
from .selectors import applications_for_officers, applications_of, deadline_flag, permit_by_number
from .views import MAX_NOTICES, MAX_TEXT, _visible_application


class LocationSerializer(serializers.Serializer):
    description = TextSerializerField(max_length=300)
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True)


class ApplicationInputSerializer(serializers.Serializer):
    applicant_type = serializers.ChoiceField(choices=ApplicantType.choices, default=ApplicantType.PERSON)
    juristic_name = TextSerializerField(required=False, allow_blank=True, max_length=200)
    juristic_tax_id = TextSerializerField(required=False, allow_blank=True, max_length=13)
    method = serializers.ChoiceField(choices=Method.choices)
    message_gist = TextSerializerField(multiline=True, max_length=MAX_TEXT)
    width_m = serializers.DecimalField(max_digits=5, decimal_places=2)
    height_m = serializers.DecimalField(max_digits=5, decimal_places=2)
    notice_count = serializers.IntegerField(max_value=MAX_NOTICES)
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    undertakes_removal = serializers.BooleanField(default=False)
    locations = LocationSerializer(many=True)


def application_data(application: Application) -> dict:
    permit = getattr(application, "permit", None)
    return {
        "id": application.pk, "status": application.status, "method": application.method,
        "message_gist": application.message_gist, "width_m": str(application.width_m),
        "height_m": str(application.height_m), "notice_count": application.notice_count,
        "start_date": application.start_date, "end_date": application.end_date,
        "decision_due": application.decision_due, "info_request": application.info_request,
        "order_conditions": application.order_conditions, "order_reasons": application.order_reasons,
        "fee_amount": None if application.fee_amount is None else str(application.fee_amount),
        "locations": [{"description": loc.description, "latitude": loc.latitude, "longitude": loc.longitude}
                      for loc in application.locations.all()],
        "documents": [{"id": doc.pk, "kind": doc.kind, "name": doc.original_name} for doc in application.documents.all()],
        "permit": None if permit is None else {"number": permit.display_number,
                                               "status": permit.status_on(timezone.localdate()),
                                               "valid_from": permit.valid_from, "valid_to": permit.valid_to},
    }


class ApplicationListApi(APIView):
    """GET your applications; POST a new draft (with `"submit": true` to submit it at once)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: None})
    def get(self, request):
        return Response([application_data(a) for a in applications_of(request.user)])

    @extend_schema(request=ApplicationInputSerializer, responses={201: None})
    def post(self, request):
        data = ApplicationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            application = services.application_save_draft(applicant=request.user, request=request,
                                                          **data.validated_data)
        except (ValidationError, PermissionDenied) as error:
            return error_response(error)
        return Response(application_data(application), status=status.HTTP_201_CREATED)


class ApplicationDetailApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: None})
    def get(self, request, pk):
        application, _as_officer = _visible_application(request, pk)
        return Response(application_data(application))

    @extend_schema(request=ApplicationInputSerializer, responses={200: None})
    def put(self, request, pk):
        application, _as_officer = _visible_application(request, pk)
        data = ApplicationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            application = services.application_save_draft(applicant=request.user, application=application,
                                                          request=request, **data.validated_data)
        except (ValidationError, PermissionDenied) as error:
            return error_response(error)
        return Response(application_data(application))


class DocumentUploadApi(APIView):
    """POST multipart `kind` + `file`: JPEG, PNG (or PDF for consent and ID documents), at most 5 MB."""

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [MultiPartParser]

    @extend_schema(request={"multipart/form-data": {"type": "object", "properties": {
        "kind": {"type": "string", "enum": DocumentKind.values}, "file": {"type": "string", "format": "binary"}}}},
        responses={201: None})
    def post(self, request, pk):
        application, _as_officer = _visible_application(request, pk)
        upload = request.FILES.get("file")
        if upload is None:
            return Response({"detail": ["Attach a file."]}, status=status.HTTP_400_BAD_REQUEST)
        try:
            document = services.document_upload(application=application, kind=request.data.get("kind", ""),
                                                upload=upload, actor=request.user, request=request)
        except (ValidationError, PermissionDenied) as error:
            return error_response(error)
        return Response({"id": document.pk, "kind": document.kind, "size": document.size},
                        status=status.HTTP_201_CREATED)


class ApplicationActionApi(APIView):
    """POST {"action": …, "note": …}: submit, withdraw (applicant); request_info, opinion (+ "recommends"),
    approve, refuse, revoke, removed (officers as their roles allow; the holder confirms removal with a photo
    on the page)."""

    permission_classes = [permissions.IsAuthenticated]

    class ActionSerializer(serializers.Serializer):
        action = serializers.ChoiceField(choices=services.ACTIONS)
        note = TextSerializerField(required=False, allow_blank=True, default="", multiline=True, max_length=MAX_TEXT)
        recommends = serializers.ChoiceField(choices=["approve", "refuse"], required=False)

    @extend_schema(request=ActionSerializer, responses={200: None})
    def post(self, request, pk):
        application, _as_officer = _visible_application(request, pk)
        data = self.ActionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.application_act(application=application, actor=request.user, request=request,
                                     action=data.validated_data["action"], note=data.validated_data["note"],
                                     recommends=data.validated_data.get("recommends", ""))
        except (ValidationError, PermissionDenied) as error:
            return error_response(error)
        application.refresh_from_db()
        return Response(application_data(Application.objects.select_related("permit").get(pk=application.pk)))


class OfficerQueueApi(APIView):
    """GET applications for officers, with the decision-deadline flag ("soon", "late")."""

    permission_classes = [LAOActionPermission]
    officer_action = Action.VIEW_APPLICATIONS

    @extend_schema(responses={200: None})
    def get(self, request):
        today = timezone.localdate()
        return Response([{**application_data(a), "deadline_flag": deadline_flag(a, today)}
                         for a in applications_for_officers(status=request.query_params.get("status", ""))[:500]])


class PermitVerifyApi(APIView):
    """GET a permit's status by its number: public, and nothing personal."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []

    @extend_schema(responses={200: None, 404: None})
    def get(self, request, fiscal_year, number):
        permit = permit_by_number(fiscal_year=fiscal_year, number=number)
        if permit is None:
            raise Http404
        return Response({"number": permit.display_number, "status": permit.status_on(timezone.localdate()),
                         "valid_from": permit.valid_from, "valid_to": permit.valid_to,
                         "notice_count": permit.notice_count, "method": permit.method})
