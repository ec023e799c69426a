"""Checking an uploaded document: its signature and chain against the platform's trust roots, its embedded
data, then (by the caller, who knows the record) the record's number, amount and status.

`pdf_inspect` knows only PDFs and certificates; the LAO side compares the embedded data with its record
(shared_apps.documents.issuing.document_verify). Offline: nothing is fetched (no OCSP, no CRL download);
revocation of a *document* (a voided receipt, a revoked permit) is the record's, not the certificate's.
"""
from __future__ import annotations

import io
import json
import logging
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
DATA_FILE_SUFFIX = ".json"


class Verdict:
    """What the verification says, in the order it is decided."""

    VALID = "valid"
    ALTERED = "altered"
    NOT_OURS = "not_ours"
    VOIDED = "voided"
    REVOKED = "revoked"
    EXPIRED = "expired"


VERDICT_TEXT = {  # Thai first, English second: both shown, whatever the page's language
    Verdict.VALID: ("เอกสารถูกต้อง ลายมือชื่ออิเล็กทรอนิกส์ใช้ได้และตรงกับข้อมูลในระบบ",
                    "Valid: the signature holds and the document matches the record."),
    Verdict.ALTERED: ("เอกสารถูกแก้ไขหลังลงนาม หรือไม่ตรงกับข้อมูลในระบบ",
                      "Altered: the document was changed after it was signed, or does not match the record."),
    Verdict.NOT_OURS: ("ไม่ใช่เอกสารที่ออกโดยหน่วยงานนี้ผ่านระบบนี้ (ไม่มีลายมือชื่อที่เชื่อถือได้)",
                       "Not ours: the document is not signed by a key this platform trusts for this LAO."),
    Verdict.VOIDED: ("ใบเสร็จนี้ถูกยกเลิกแล้ว", "Voided: this receipt was cancelled."),
    Verdict.REVOKED: ("ใบอนุญาตนี้ถูกเพิกถอนแล้ว", "Revoked: this permit was revoked."),
    Verdict.EXPIRED: ("เอกสารนี้หมดอายุแล้ว", "Expired: this document is no longer in force."),
}


class UploadError(ValueError):
    """A file that is not a PDF we can read: said in Thai and English, never a server error."""

    def __init__(self, thai: str, english: str):
        super().__init__(english)
        self.thai, self.english = thai, english


@dataclass
class Inspection:
    signed: bool = False
    intact: bool = False  # the signed bytes hash to what was signed
    whole_file: bool = False  # nothing was added after the signature
    trusted: bool = False  # the certificate chains to a platform trust root
    signer: str = ""  # the certificate's common name
    signer_serial: str = ""  # its subject serialNumber (the DLA code in the development CA)
    signed_at: object = None
    timestamped: bool = False
    data: dict | None = None  # the embedded JSON
    data_name: str = ""
    problems: list[str] = field(default_factory=list)


def upload_read(upload) -> bytes:
    """The uploaded file's bytes: at most MAX_UPLOAD_BYTES and a PDF by its first bytes, or UploadError."""
    if upload is None:
        raise UploadError("กรุณาเลือกไฟล์ PDF ของเอกสาร", "Choose the document's PDF file.")
    if upload.size > MAX_UPLOAD_BYTES:
        raise UploadError(f"ไฟล์ใหญ่เกินไป (ไม่เกิน {MAX_UPLOAD_BYTES // (1024 * 1024)} เมกะไบต์)",
                          f"The file is too large (at most {MAX_UPLOAD_BYTES // (1024 * 1024)} MB).")
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    return bytes_check(data)


def bytes_check(data: bytes) -> bytes:
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadError("ไฟล์ใหญ่เกินไป (ไม่เกิน 5 เมกะไบต์)", "The file is too large (at most 5 MB).")
    if not data.lstrip()[:5] == b"%PDF-":
        raise UploadError("ไฟล์นี้ไม่ใช่ PDF กรุณาเลือกไฟล์ PDF ที่ดาวน์โหลดจากระบบ",
                          "This file is not a PDF: choose the PDF downloaded from the platform.")
    return data


def embedded_files(reader) -> dict[str, bytes]:
    """The PDF's embedded files by name (the document's data file among them)."""
    found: dict[str, bytes] = {}
    try:
        names = reader.root["/Names"]["/EmbeddedFiles"]
    except KeyError:
        return found

    def walk(node, depth=0):
        if depth > 8:
            return
        node = node.get_object() if hasattr(node, "get_object") else node
        if "/Names" in node:
            items = node["/Names"]
            for i in range(0, len(items) - 1, 2):
                spec = items[i + 1].get_object()
                name = str(spec.get("/UF", spec.get("/F", items[i])))
                stream = spec["/EF"]["/F"].get_object()
                found[name] = stream.data
        for kid in node.get("/Kids", []):
            walk(kid, depth + 1)

    walk(names)
    return found


def pdf_inspect(data: bytes, *, trust_roots: list) -> Inspection:
    """Signature, chain and embedded data of a PDF (bytes already checked to start as a PDF)."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    result = Inspection()
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except (PdfError, ValueError, KeyError, TypeError, IndexError, AttributeError) as error:
        # A damaged PDF: one whose signed bytes were changed is usually read, but not always.
        result.problems.append(f"unreadable: {type(error).__name__}")
        return result
    if signatures:
        signature = signatures[0]
        result.signed = True
        try:
            context = ValidationContext(trust_roots=trust_roots, allow_fetching=False, revocation_mode="soft-fail")
            status = validate_pdf_signature(signature, context)
            result.intact = bool(status.intact and status.valid)
            result.trusted = bool(status.trusted)
            from pyhanko.sign.validation.status import SignatureCoverageLevel

            result.whole_file = status.coverage == SignatureCoverageLevel.ENTIRE_FILE and len(signatures) == 1
            cert = status.signing_cert
            subject = cert.subject.native if cert is not None else {}
            result.signer = subject.get("common_name", "")
            result.signer_serial = subject.get("serial_number", "")
            result.signed_at = status.signer_reported_dt
            result.timestamped = status.timestamp_validity is not None
        except Exception as error:  # noqa: BLE001 — whatever pyHanko finds broken, the file is not valid
            logger.info("signature check failed: %s", error)
            result.problems.append(f"signature: {type(error).__name__}")
    try:
        files = embedded_files(reader)
    except Exception as error:  # noqa: BLE001 — a damaged name tree: no data
        result.problems.append(f"data: {type(error).__name__}")
        files = {}
    for name, content in files.items():
        if name.endswith(DATA_FILE_SUFFIX):
            try:
                result.data, result.data_name = json.loads(content.decode("utf-8")), name
            except (UnicodeDecodeError, ValueError):
                result.problems.append("data: not JSON")
            break
    return result


@dataclass
class Outcome:
    """What the verification page and API say about one uploaded document."""

    verdict: str
    kind: str = ""
    number: str = ""
    facts: dict = field(default_factory=dict)  # what the public page already shows, nothing more
    reasons: list[str] = field(default_factory=list)
    signer: str = ""
    signed_at: object = None
    timestamped: bool = False

    @property
    def thai(self) -> str:
        return VERDICT_TEXT[self.verdict][0]

    @property
    def english(self) -> str:
        return VERDICT_TEXT[self.verdict][1]

    @property
    def ok(self) -> bool:
        return self.verdict == Verdict.VALID

    @property
    def kind_label(self):
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def dates(self) -> dict:
        """The facts' ISO dates as dates, for the page to show in the Buddhist era."""
        import datetime

        found = {}
        for name in ("issued_on", "valid_from", "valid_to", "filed_on"):
            try:
                found[name] = datetime.date.fromisoformat(str(self.facts.get(name, "")))
            except ValueError:
                pass
        return found

    def as_json(self) -> dict:
        return {"verdict": self.verdict, "message_th": self.thai, "message_en": self.english, "kind": self.kind,
                "number": self.number, "facts": self.facts, "reasons": self.reasons, "signer": self.signer,
                "signed_at": self.signed_at.isoformat() if self.signed_at else None,
                "timestamped": self.timestamped}


KIND_LABELS = {"receipt": _("Receipt"), "permit": _("Permit"), "slip": _("Pay-in slip"),
               "acknowledgement": _("Filing acknowledgement")}


def document_verify(data: bytes, *, lao, expected_kind: str | None = None) -> Outcome:
    """The verdict on an uploaded document for this LAO's site: signature and chain, then the embedded data
    against the record. Raises UploadError for a file that is not a PDF (or too large)."""
    from . import keys
    from .issuing import KINDS, kind_module

    data = bytes_check(data)
    inspection = pdf_inspect(data, trust_roots=keys.trust_roots())
    outcome = Outcome(verdict=Verdict.NOT_OURS, signer=inspection.signer, signed_at=inspection.signed_at,
                      timestamped=inspection.timestamped)
    if not inspection.signed:
        outcome.verdict = Verdict.ALTERED if any(p.startswith("unreadable") for p in inspection.problems) \
            else Verdict.NOT_OURS
        outcome.reasons = inspection.problems or ["not signed"]
        return outcome
    if not inspection.intact or not inspection.whole_file:
        outcome.verdict, outcome.reasons = Verdict.ALTERED, ["changed after signing"]
        return outcome
    if not inspection.trusted:
        outcome.reasons = ["signed by a key this platform does not trust"]
        return outcome
    payload = inspection.data or {}
    kind = payload.get("kind", "")
    if kind not in KINDS or (expected_kind and kind != expected_kind):
        outcome.reasons = ["not a document of this kind"]
        return outcome
    issuer = (payload.get("lao") or {}).get("dla_code")
    if issuer != lao.dla_code or (keys.mode() == "per_lao" and inspection.signer_serial
                                  and inspection.signer_serial != lao.dla_code):
        outcome.reasons = ["issued by another LAO"]
        return outcome
    outcome.kind, outcome.number = kind, str(payload.get("number", ""))
    outcome.verdict, outcome.facts, outcome.reasons = kind_module(kind).check(payload)
    return outcome
