"""Advertising permits over the API: the same services as the pages."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.text import TextSerializerField
from tenant_apps.businesses.api import error_response
from tenant_apps.officers.access import Action
from tenant_apps.officers.permissions import LAOActionPermission

from . import services
from .models import Application, ApplicantType, ApplicationStatus, DocumentKind, Method, PermitStatus
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


class ApplicationDocSerializer(serializers.Serializer):
    """An application as the API gives it (application_data)."""

    id = serializers.IntegerField(read_only=True)
    status = serializers.ChoiceField(choices=ApplicationStatus.choices, read_only=True)
    method = serializers.ChoiceField(choices=Method.choices, read_only=True)
    message_gist = serializers.CharField(read_only=True)
    width_m = serializers.CharField(read_only=True, help_text="metres as a decimal string")
    height_m = serializers.CharField(read_only=True, help_text="metres as a decimal string")
    notice_count = serializers.IntegerField(read_only=True)
    start_date = serializers.DateField(read_only=True)
    end_date = serializers.DateField(read_only=True)
    decision_due = serializers.DateField(read_only=True, allow_null=True, help_text="once submitted")
    info_request = serializers.CharField(read_only=True)
    order_conditions = serializers.CharField(read_only=True)
    order_reasons = serializers.CharField(read_only=True)
    fee_amount = serializers.CharField(read_only=True, allow_null=True, help_text="baht, once approved")
    locations = inline_serializer("ApplicationPlace", {
        "description": serializers.CharField(read_only=True),
        "latitude": serializers.FloatField(read_only=True, allow_null=True),
        "longitude": serializers.FloatField(read_only=True, allow_null=True)}, many=True)
    documents = inline_serializer("ApplicationDocumentListed", {
        "id": serializers.IntegerField(read_only=True),
        "kind": serializers.ChoiceField(choices=DocumentKind.choices, read_only=True),
        "name": serializers.CharField(read_only=True)}, many=True)
    permit = inline_serializer("ApplicationPermit", {
        "number": serializers.CharField(read_only=True, help_text="number/fiscal year, e.g. 12/2569"),
        "status": serializers.ChoiceField(choices=PermitStatus.choices, read_only=True),
        "valid_from": serializers.DateField(read_only=True),
        "valid_to": serializers.DateField(read_only=True)}, allow_null=True)


class QueuedApplicationDocSerializer(ApplicationDocSerializer):
    deadline_flag = serializers.ChoiceField(choices=["", "soon", "late"], read_only=True,
                                            help_text="soon: within 2 days of the decision deadline; late: past it")


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

    @extend_schema(responses=ApplicationDocSerializer(many=True))
    def get(self, request):
        return Response([application_data(a) for a in applications_of(request.user)])

    @extend_schema(request=ApplicationInputSerializer, responses={201: ApplicationDocSerializer})
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

    @extend_schema(responses=ApplicationDocSerializer)
    def get(self, request, pk):
        application, _as_officer = _visible_application(request, pk)
        return Response(application_data(application))

    @extend_schema(request=ApplicationInputSerializer, responses=ApplicationDocSerializer)
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
        "kind": {"type": "string", "enum": DocumentKind.values}, "file": {"type": "string", "format": "binary"}},
        "required": ["kind", "file"]}},
        responses={201: inline_serializer("DocumentUploaded", {
            "id": serializers.IntegerField(read_only=True),
            "kind": serializers.ChoiceField(choices=DocumentKind.choices, read_only=True),
            "size": serializers.IntegerField(read_only=True, help_text="bytes")})})
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

    @extend_schema(request=ActionSerializer, responses=ApplicationDocSerializer)
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

    @extend_schema(parameters=[OpenApiParameter("status", str, enum=ApplicationStatus.values)],
                   responses=QueuedApplicationDocSerializer(many=True))
    def get(self, request):
        today = timezone.localdate()
        return Response([{**application_data(a), "deadline_flag": deadline_flag(a, today)}
                         for a in applications_for_officers(status=request.query_params.get("status", ""))[:500]])


class PermitVerifyApi(APIView):
    """GET a permit's status by its number: public, and nothing personal."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []

    @extend_schema(responses={200: inline_serializer("PermitVerified", {
        "number": serializers.CharField(read_only=True, help_text="number/fiscal year, e.g. 12/2569"),
        "status": serializers.ChoiceField(choices=PermitStatus.choices, read_only=True),
        "valid_from": serializers.DateField(read_only=True), "valid_to": serializers.DateField(read_only=True),
        "notice_count": serializers.IntegerField(read_only=True),
        "method": serializers.ChoiceField(choices=Method.choices, read_only=True)})})
    def get(self, request, fiscal_year, number):
        permit = permit_by_number(fiscal_year=fiscal_year, number=number)
        if permit is None:
            raise Http404
        return Response({"number": permit.display_number, "status": permit.status_on(timezone.localdate()),
                         "valid_from": permit.valid_from, "valid_to": permit.valid_to,
                         "notice_count": permit.notice_count, "method": permit.method})
