"""Issuing an official document: render (PDF/A-3b with its data file), sign, store once; serve what is stored.

A document is stored under the LAO's media folder, like the uploads (`<schema>/documents/<kind>/<key>.pdf`), at
a name fixed by what it is: issuing again finds the stored file and leaves it alone, so a download is always the
same bytes (the same SHA-256) as what was signed at issue. A record changing later (a receipt voided, a permit
revoked) never touches the file: the verification reads the record.

The kinds are defined on the LAO side (tenant_apps.*.documents) and named in KINDS below, so this module imports
no LAO app's models; `issue_later` sends the work to Celery when a broker is configured (the task runs in the
LAO's schema), inline otherwise.
"""
from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from importlib import import_module

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction

from . import keys
from .pdf import BASE_CSS, PDF_VARIANT, render_pdf
from .signing import SIGNATURE_CSS, sign_pdf

logger = logging.getLogger(__name__)

DATA_FORMAT = "localservice/document/1"

# kind → the LAO-side module defining it (a `KIND` object with `spec(pk)` and `check(data)`).
KINDS = {
    "receipt": "tenant_apps.billing.documents",
    "slip": "tenant_apps.billing.documents",
    "permit": "tenant_apps.advertising.documents",
    "acknowledgement": "tenant_apps.pao_filing.documents",
}

DOCUMENT_CSS = BASE_CSS + SIGNATURE_CSS
"""Stylesheet of signed documents: the first page keeps room for the visible signature block."""


@dataclass
class DocumentSpec:
    """One document to issue: what it is, its HTML, its data, who signs the order (permits, assessments)."""

    kind: str
    key: str  # unique within the kind and the LAO; fixed by the record (its number), so re-issuing finds it
    html: str
    fields: dict
    fiscal_year: int | None
    number: str
    verification_url: str
    officer: str = ""  # the official who signed the order, named in the visible block
    reason: str = ""
    filename: str = ""
    extra: dict = field(default_factory=dict)


def kind_module(kind: str):
    if kind not in KINDS:
        raise LookupError(kind)
    module = import_module(KINDS[kind])
    return module.KINDS[kind]


def storage_path(kind: str, key: str, schema: str | None = None) -> str:
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in key)
    return f"{schema or connection.schema_name}/documents/{kind}/{safe}.pdf"


def document_data(spec: DocumentSpec, *, lao) -> dict:
    """The embedded data: the document's fields, the LAO, the fiscal year and the verification URL."""
    return {
        "format": DATA_FORMAT, "kind": spec.kind, "number": spec.number, "fiscal_year": spec.fiscal_year,
        "lao": {"dla_code": lao.dla_code, "name_th": lao.full_name_th, "site": lao.site_url},
        "verification_url": spec.verification_url, "fields": spec.fields,
    }


def _json_bytes(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1, default=str).encode("utf-8")


def render_document(spec: DocumentSpec, *, lao) -> bytes:
    """The PDF/A-3b file, not yet signed."""
    data = document_data(spec, lao=lao)
    return render_pdf(html=spec.html, variant=PDF_VARIANT,
                      data_files=[(f"{spec.kind}.json", _json_bytes(data),
                                   "Machine-readable data of this document (JSON)")])


def produce(spec: DocumentSpec, *, lao, sign: bool = True) -> bytes:
    """Render and sign (when the LAO has a signing key); nothing stored."""
    pdf = render_document(spec, lao=lao)
    key = keys.signing_key(lao) if sign else None
    if key is not None:
        pdf = sign_pdf(pdf, key=key, lao=lao, officer=spec.officer, reason=spec.reason)
    elif sign:
        logger.warning("no signing key for LAO %s: %s %s issued unsigned", lao.dla_code, spec.kind, spec.key)
    return pdf


@dataclass(frozen=True)
class Stored:
    path: str
    sha256: str
    created: bool


def store_once(path: str, content: bytes) -> Stored:
    """Save `content` at `path` unless a file is there already (whose bytes then stand)."""
    if default_storage.exists(path):
        with default_storage.open(path, "rb") as handle:
            return Stored(path, hashlib.sha256(handle.read()).hexdigest(), False)
    saved = default_storage.save(path, ContentFile(content))
    if saved != path:  # issued at the same time elsewhere: the first one stands
        default_storage.delete(saved)
        with default_storage.open(path, "rb") as handle:
            return Stored(path, hashlib.sha256(handle.read()).hexdigest(), False)
    return Stored(path, hashlib.sha256(content).hexdigest(), True)


def issue(kind: str, pk, *, lao=None) -> Stored:
    """Issue the document of record `pk` in the current LAO schema: stored once, never re-rendered."""
    from tenants.selectors import current_lao

    definition = kind_module(kind)
    key = definition.key(pk)
    path = storage_path(kind, key)
    if default_storage.exists(path):
        return store_once(path, b"")
    lao = lao or current_lao()
    spec = definition.spec(pk, lao=lao)
    return store_once(path, produce(spec, lao=lao))


def stored_bytes(kind: str, pk, *, lao=None) -> bytes:
    """The stored file (issued now when it was not yet, e.g. the background task has not run)."""
    definition = kind_module(kind)
    path = storage_path(kind, definition.key(pk))
    if not default_storage.exists(path):
        issue(kind, pk, lao=lao)
    with default_storage.open(path, "rb") as handle:
        return handle.read()


def issue_now_or_later(kind: str, pks: list) -> None:
    """After the transaction commits: a background task per batch when a broker is configured, inline
    otherwise — but only for a few (DOCUMENTS_INLINE_MAX): a 10,000-line statement must not sign 10,000 PDFs
    in the request; without a broker those are issued on first download (stored_bytes). A failure is
    logged, never raised: the record stands and its document is issued on download."""
    from django.conf import settings

    if not pks:
        return
    if not getattr(settings, "CELERY_BROKER_URL", "") and len(pks) > settings.DOCUMENTS_INLINE_MAX:
        logger.info("%d %s documents left to their first download (no broker)", len(pks), kind)
        return
    schema = connection.schema_name

    def run():
        from .tasks import issue_documents

        try:
            if getattr(settings, "CELERY_BROKER_URL", ""):
                issue_documents.delay(schema, kind, [str(pk) for pk in pks])
            else:
                issue_documents(schema, kind, [str(pk) for pk in pks])
        except Exception:  # noqa: BLE001 — a document not issued now is issued on first download
            logger.exception("issuing %s documents %s failed", kind, pks[:10])

    transaction.on_commit(run)
