"""Signed documents: receipts, permits, pay-in slips and filing acknowledgements are PDF/A-3b, signed by the
LAO's key (checked by pyHanko and by poppler's pdfsig), carry their data, are stored once and verified from an
uploaded file: valid, altered, not ours, voided, revoked, expired."""
from __future__ import annotations

import datetime
import hashlib
import io
import json
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from django_tenants.utils import schema_context

from shared_apps.documents import keys
from shared_apps.documents.devca import dev_ca_ensure
from shared_apps.documents.issuing import issue, kind_module, produce, storage_path, stored_bytes
from shared_apps.documents.verification import embedded_files, pdf_inspect
from tenant_apps.billing import services as billing
from tests.factories import DEMO

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def dev_ca(django_db_blocker):
    from tenants.models import LAO

    with django_db_blocker.unblock():
        laos = list(LAO.objects.filter(dla_code__in=DEMO.values()))
    dev_ca_ensure(keys.keys_dir(), laos=laos, dla=True)
    return laos


def _receipt(lao, amount="1250.50"):
    from tests.test_payments import invoice

    bill = invoice(lao, amount)
    with schema_context(lao.schema_name):
        payment, _created = billing.payment_post(invoice=bill, amount=amount, channel="counter", method="cash",
                                                 reference=f"counter:{bill.pk}")
        return payment.receipts.get(), bill


def _permit(sao):
    from tests.pao import citizen, officer
    from tests.test_advertising import approved_and_issued

    people = {"applicant": citizen(email="holder@example.invalid", name_th="นางผู้ถือ ใบอนุญาต"),
              "clerk": officer(sao, "clerk"), "approver": officer(sao, "approver")}
    return approved_and_issued(sao, people), people


def _return(pao):
    from tenant_apps.pao_filing.services import return_file
    from tests.pao import ordinance_settings, registered_business

    with schema_context(pao.schema_name):
        ordinance_settings()
        business, owner = registered_business("hotel")
        ret = return_file(business=business, period=datetime.date(2026, 3, 1), actor=owner,
                          today=datetime.date(2026, 4, 5),
                          data={"room_rent_total": "125000.00", "nights_total": "300"})
    return ret, business, owner


def _document(kind, lao, pk):
    with schema_context(lao.schema_name):
        return stored_bytes(kind, pk, lao=lao)


def _cases(lao, sao, pao):
    receipt, bill = _receipt(sao)
    permit, _people = _permit(sao)
    ret, _business, _owner = _return(pao)
    slip_bill = __import__("tests.test_payments", fromlist=["invoice"]).invoice(sao, "300.00", source_id=77)
    return {"receipt": (sao, receipt.pk, "ใบเสร็จรับเงิน", "1250.50"),
            "permit": (sao, permit.pk, "ใบอนุญาต", None),
            "slip": (sao, slip_bill.pk, "ใบแจ้งชำระเงิน", "300.00"),
            "acknowledgement": (pao, f"hotel_fee-{ret.pk}", "ใบรับแบบยื่นรายการ", str(ret.amount_due))}


@pytest.mark.parametrize("kind", ["receipt", "permit", "slip", "acknowledgement"])
def test_each_document_is_signed_pdfa3b_with_its_data_and_thai_text(kind, lao, sao, pao):
    from pypdf import PdfReader

    target, pk, heading, amount = _cases(lao, sao, pao)[kind]
    pdf = _document(kind, target, pk)
    # pyHanko: intact, the whole file, chained to the platform's root
    inspection = pdf_inspect(pdf, trust_roots=keys.trust_roots())
    assert inspection.signed and inspection.intact and inspection.whole_file and inspection.trusted
    assert inspection.signer == target.full_name_th and inspection.signer_serial == target.dla_code
    # an independent tool: poppler's pdfsig checks the signature's bytes and CMS
    if shutil.which("pdfsig") is None:
        pytest.fail("pdfsig (Debian poppler-utils) is needed: apt-get install poppler-utils")
    path = Path(default_storage.path(_path(kind, target, pk)))
    report = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False)
    assert "Signature is Valid." in report.stdout and "Total document signed" in report.stdout, report.stdout
    assert target.full_name_th in report.stdout
    # PDF/A-3b by its XMP metadata
    reader = PdfReader(io.BytesIO(pdf))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    import re

    assert re.search(r'pdfaid:part(="|>)3', xmp) and re.search(r'pdfaid:conformance(="|>)B', xmp), xmp
    # the data file, associated with the document (PDF/A-3 /AF, relationship Data)
    catalog = reader.trailer["/Root"]
    assert catalog["/AF"][0].get_object()["/AFRelationship"] == "/Data"
    data = json.loads(reader.attachments[f"{kind}.json"][0])
    assert data["kind"] == kind and data["lao"]["dla_code"] == target.dla_code
    assert data["verification_url"].startswith(target.site_url) and data["fiscal_year"]
    if amount:
        assert amount in json.dumps(data)
    # Thai text extracts (embedded Sarabun with its ToUnicode map)
    def thai(value):  # pypdf reads the sara am (ำ) cluster back as sara aa, either way round
        return "".join(value.split()).replace("\u0e33", "\u0e32")

    text = thai(reader.pages[0].extract_text())
    assert thai(heading) in text and thai(target.full_name_th) in text


def _slip_key(lao, pk):
    with schema_context(lao.schema_name):
        return kind_module("slip").key(pk, lao=lao)


def _path(kind, lao, pk):
    with schema_context(lao.schema_name):
        key = _slip_key(lao, pk) if kind == "slip" else kind_module(kind).key(pk)
        return storage_path(kind, key, lao.schema_name)


def test_the_embedded_data_equals_the_record_and_issuing_stores_once(client, sao):
    receipt, _bill = _receipt(sao)
    with schema_context(sao.schema_name):
        first = issue("receipt", receipt.pk, lao=sao)
        again = issue("receipt", receipt.pk, lao=sao)
    assert first.created and not again.created and first.sha256 == again.sha256
    downloads = [client.get(f"/receipts/{receipt.token}/receipt.pdf", HTTP_HOST=sao.host).content for _ in range(2)]
    assert {hashlib.sha256(d).hexdigest() for d in downloads} == {first.sha256}
    from pypdf import PdfReader

    fields = json.loads(PdfReader(io.BytesIO(downloads[0])).attachments["receipt.json"][0])["fields"]
    assert fields["display_number"] == receipt.display_number and Decimal(fields["amount"]) == receipt.amount
    assert fields["payer_name"] == receipt.payer_name and fields["amount_words"] == receipt.amount_words
    assert fields["fiscal_year"] == receipt.fiscal_year and fields["sequence"] == receipt.sequence


def test_receipts_are_issued_when_the_payment_commits(sao, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        receipt, _bill = _receipt(sao, "99.00")
    with schema_context(sao.schema_name):
        assert default_storage.exists(storage_path("receipt", kind_module("receipt").key(receipt.pk)))


def _verify(client, lao, pdf, path="/documents/verify/", name="document.pdf"):
    return client.post(path, {"document": SimpleUploadedFile(name, pdf, content_type="application/pdf")},
                       HTTP_HOST=lao.host)


def test_verification_page_valid_altered_not_ours_voided(client, sao, tmp_path, settings):
    receipt, _bill = _receipt(sao)
    pdf = _document("receipt", sao, receipt.pk)
    valid = _verify(client, sao, pdf, path=f"/receipts/{receipt.token}/")
    assert valid.status_code == 200 and valid.context["outcome"].verdict == "valid"
    text = valid.content.decode()
    assert "เอกสารถูกต้อง" in text and "Valid" in text and receipt.payer_name not in text
    # one byte changed in the signed range
    at = pdf.index(b"/Producer") + 3
    altered = pdf[:at] + bytes([pdf[at] ^ 0x01]) + pdf[at + 1:]
    page = _verify(client, sao, altered)
    assert page.context["outcome"].verdict == "altered" and "ถูกแก้ไข" in page.content.decode()
    # bytes added after the signature (an incremental update) are an alteration too
    assert _verify(client, sao, pdf + b"\n% appended\n").context["outcome"].verdict == "altered"
    # the same document signed by another CA's key
    other = tmp_path / "other-ca"
    dev_ca_ensure(other, laos=[sao])
    original = settings.DOCUMENT_SIGNING_KEYS_DIR
    settings.DOCUMENT_SIGNING_KEYS_DIR = str(other)
    with schema_context(sao.schema_name):
        foreign = produce(kind_module("receipt").spec(receipt.pk, lao=sao), lao=sao)
    settings.DOCUMENT_SIGNING_KEYS_DIR = original
    page = _verify(client, sao, foreign)
    assert page.context["outcome"].verdict == "not_ours" and "ไม่ใช่เอกสาร" in page.content.decode()
    # an unsigned render of the same receipt: not ours either
    with schema_context(sao.schema_name):
        unsigned = produce(kind_module("receipt").spec(receipt.pk, lao=sao), lao=sao, sign=False)
    assert _verify(client, sao, unsigned).context["outcome"].verdict == "not_ours"
    # voided: the signed file is untouched, the verification says void
    with schema_context(sao.schema_name):
        from tests.pao import officer

        billing.receipt_void(receipt=receipt, reason="พิมพ์ผิด", actor=officer(sao, "finance"))
        assert stored_bytes("receipt", receipt.pk, lao=sao) == pdf
    voided = _verify(client, sao, pdf)
    assert voided.context["outcome"].verdict == "voided" and "ยกเลิก" in voided.content.decode()


def test_another_laos_document_is_not_ours_here(client, sao, town):
    receipt, _bill = _receipt(sao)
    pdf = _document("receipt", sao, receipt.pk)
    outcome = _verify(client, town, pdf).context["outcome"]
    assert outcome.verdict == "not_ours" and "issued by another LAO" in outcome.reasons


def test_permit_revoked_and_expired(client, sao, monkeypatch):
    from tenant_apps.advertising import services as advertising
    from tenant_apps.advertising.models import Permit

    permit, people = _permit(sao)
    pdf = _document("permit", sao, permit.pk)
    page = _verify(client, sao, pdf, path=f"/permits/{permit.fiscal_year}/{permit.number}/")
    assert page.status_code == 200 and page.context["outcome"].verdict in ("valid",)
    text = page.content.decode()
    assert "นางผู้ถือ" not in text and "holder@example.invalid" not in text and "ลดราคา" not in text
    with schema_context(sao.schema_name):  # the record's dates changed since: the file no longer matches
        Permit.objects.filter(pk=permit.pk).update(notice_count=permit.notice_count + 1)
    assert _verify(client, sao, pdf).context["outcome"].verdict == "altered"
    with schema_context(sao.schema_name):
        Permit.objects.filter(pk=permit.pk).update(notice_count=permit.notice_count)
    after_expiry = permit.valid_to + datetime.timedelta(days=1)
    monkeypatch.setattr("tenant_apps.advertising.documents.timezone.localdate", lambda *a: after_expiry)
    assert _verify(client, sao, pdf).context["outcome"].verdict == "expired"
    monkeypatch.undo()
    with schema_context(sao.schema_name):
        advertising.permit_revoke(permit=Permit.objects.get(pk=permit.pk), actor=people["approver"],
                                  reasons="ปิดในที่ห้าม")
    revoked = _verify(client, sao, pdf)
    assert revoked.context["outcome"].verdict == "revoked" and "เพิกถอน" in revoked.content.decode()
    with schema_context(sao.schema_name):  # the stored file is the one signed at issue
        assert stored_bytes("permit", permit.pk, lao=sao) == pdf


def test_the_visible_signature_names_the_lao_and_the_officer_who_signed_the_order(sao):
    from pyhanko.pdf_utils.reader import PdfFileReader

    permit, _people = _permit(sao)
    pdf = _document("permit", sao, permit.pk)
    with schema_context(sao.schema_name):
        officer_line = kind_module("permit").spec(permit.pk, lao=sao).officer
    assert officer_line
    reader = PdfFileReader(io.BytesIO(pdf))
    field = reader.embedded_signatures[0].sig_field
    assert [float(v) for v in field["/Rect"]] != [0, 0, 0, 0]  # a visible widget
    appearance = field["/AP"]["/N"].get_object()
    assert appearance.data  # drawn with the embedded Sarabun
    data = json.loads(embedded_files(reader)["permit.json"])
    assert data["fields"]["order_signed_by"] == officer_line


@pytest.mark.parametrize("content, fragment", [
    (b"hello, not a pdf", "ไม่ใช่ PDF"),
    (b"%PDF-1.7\n" + b"0" * (5 * 1024 * 1024), "ใหญ่เกินไป"),
])
def test_a_bad_file_gets_a_clear_thai_message_never_a_500(client, sao, content, fragment):
    page = _verify(client, sao, content)
    assert page.status_code == 400 and fragment in page.content.decode()
    api = client.post("/api/documents/verify/", {"document": SimpleUploadedFile("x.pdf", content)},
                      HTTP_HOST=sao.host)
    assert api.status_code == 400 and fragment in api.json()["detail_th"]
    junk = _verify(client, sao, b"%PDF-1.7\n%garbage that is not a pdf body\n")
    assert junk.status_code == 200 and junk.context["outcome"].verdict in ("altered", "not_ours")
    assert client.post("/documents/verify/", {}, HTTP_HOST=sao.host).status_code == 400


def test_the_api_says_the_same_and_is_documented(client, sao):
    receipt, _bill = _receipt(sao)
    pdf = _document("receipt", sao, receipt.pk)
    answer = client.post("/api/documents/verify/", {"document": SimpleUploadedFile("r.pdf", pdf)},
                         HTTP_HOST=sao.host).json()
    assert answer["verdict"] == "valid" and answer["kind"] == "receipt" and answer["number"] == receipt.display_number
    assert answer["facts"] == {"number": receipt.display_number, "issued_on": timezone.localdate(
        receipt.issued_at).isoformat(), "amount": "1250.50", "status": "valid"}
    assert "message_th" in answer and receipt.payer_name not in json.dumps(answer, ensure_ascii=False)
    schema = client.get("/api/schema/", HTTP_HOST=sao.host)
    assert "/api/documents/verify/" in schema.content.decode()


def test_the_command_verifies_a_folder_offline(sao, tmp_path):
    receipt, _bill = _receipt(sao)
    pdf = _document("receipt", sao, receipt.pk)
    (tmp_path / "good.pdf").write_bytes(pdf)
    (tmp_path / "bad.pdf").write_bytes(pdf[:2000] + b"X" + pdf[2001:])
    (tmp_path / "note.pdf").write_bytes(b"not a pdf")
    out = io.StringIO()
    call_command("documents_verify", str(tmp_path), stdout=out)
    lines = {line.split()[0]: line for line in out.getvalue().splitlines() if line.endswith(".pdf") or ".pdf" in line}
    assert "valid" in lines["good.pdf"] and receipt.display_number in lines["good.pdf"]
    assert "altered" in lines["bad.pdf"] and "not a PDF" in lines["note.pdf"]
