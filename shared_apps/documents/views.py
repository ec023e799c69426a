"""Checking a document on a LAO's site: upload the PDF (the page and the API) and read the verdict.

Public: anyone holding a receipt, a permit, a slip or a filing acknowledgement may check it. The answer shows
only what the public verification page already shows (number, date, amount, status), never the payer.
"""
from __future__ import annotations

from django.shortcuts import render
from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from .verification import MAX_UPLOAD_BYTES, Outcome, UploadError, document_verify, upload_read


def upload_outcome(request, *, expected_kind: str | None = None) -> tuple[Outcome | None, UploadError | None]:
    """On a POST with a `document` file: the verdict, or the reason the file could not be read."""
    if request.method != "POST":
        return None, None
    try:
        data = upload_read(request.FILES.get("document"))
        return document_verify(data, lao=request.tenant, expected_kind=expected_kind), None
    except UploadError as error:
        return None, error


def verify_page(request):
    """ตรวจสอบเอกสาร: any document this LAO issued through the platform, checked from its PDF."""
    outcome, upload_error = upload_outcome(request)
    return render(request, "documents/verify.html", {
        "outcome": outcome, "upload_error": upload_error, "upload_action": request.path,
        "max_mb": MAX_UPLOAD_BYTES // (1024 * 1024)}, status=400 if upload_error else 200)


class DocumentVerifyApi(APIView):
    """Check a signed document (PDF) issued by this LAO: signature, chain and the record it stands for."""

    permission_classes = []
    authentication_classes = []
    parser_classes = [MultiPartParser]

    @extend_schema(
        summary="Verify a signed document",
        description=("Upload a receipt, permit, pay-in slip or filing acknowledgement PDF (at most 5 MB, field "
                     "`document`). The verdict is one of valid, altered, not_ours, voided, revoked, expired, with "
                     "the message in Thai and English and the record's public facts (number, date, amount, "
                     "status)."),
        request={"multipart/form-data": inline_serializer("DocumentUpload", {
            "document": serializers.FileField(help_text="the PDF, at most 5 MB")})},
        responses={200: inline_serializer("DocumentVerdict", {
            "verdict": serializers.ChoiceField(choices=["valid", "altered", "not_ours", "voided", "revoked",
                                                        "expired"]),
            "message_th": serializers.CharField(), "message_en": serializers.CharField(),
            "kind": serializers.CharField(help_text="receipt, permit, slip or acknowledgement; empty if unknown"),
            "number": serializers.CharField(),
            "facts": serializers.DictField(help_text="what the public verification page shows"),
            "reasons": serializers.ListField(child=serializers.CharField()),
            "signer": serializers.CharField(help_text="the signing certificate's name"),
            "signed_at": serializers.DateTimeField(allow_null=True),
            "timestamped": serializers.BooleanField(help_text="an RFC 3161 timestamp is embedded (PAdES B-T)")}),
            400: inline_serializer("DocumentUploadError", {"detail": serializers.CharField(),
                                                           "detail_th": serializers.CharField()})},
        examples=[OpenApiExample("altered", response_only=True, value={
            "verdict": "altered", "message_th": "เอกสารถูกแก้ไขหลังลงนาม หรือไม่ตรงกับข้อมูลในระบบ",
            "message_en": "Altered: the document was changed after it was signed, or does not match the record.",
            "kind": "", "number": "", "facts": {}, "reasons": ["changed after signing"], "signer": "",
            "signed_at": None, "timestamped": False})],
    )
    def post(self, request):
        try:
            data = upload_read(request.FILES.get("document"))
            outcome = document_verify(data, lao=request.tenant)
        except UploadError as error:
            return Response({"detail": error.english, "detail_th": error.thai}, status=400)
        return Response(outcome.as_json())
