"""Anyone holding a receipt checks its PDF on the LAO's verification page: a signed file is valid, a file changed
by one byte is altered, a file that is not a PDF gets a Thai message — axe-clean, at 390 px too."""
import re

import pytest

from tests.browser.conftest import in_schema, key_page

pytestmark = pytest.mark.django_db


def test_the_public_verification_page_checks_an_uploaded_receipt(site, journey_laos, tmp_path):
    import datetime

    from django.utils import timezone

    from shared_apps.documents import keys
    from shared_apps.documents.devca import dev_ca_ensure
    from shared_apps.documents.issuing import stored_bytes
    from tenant_apps.billing import services

    lao = journey_laos["sao"]
    dev_ca_ensure(keys.keys_dir(), laos=[lao])

    def pay():
        bill = services.invoice_issue(source="journey.fee", source_id=4242, amount="200.00",
                                      due_date=timezone.localdate() + datetime.timedelta(days=7),
                                      description="ค่าธรรมเนียมทดสอบ", payer_name="นายผู้ชำระ เอกสาร")
        payment, _created = services.payment_post(invoice=bill, amount="200.00", channel="counter", method="cash",
                                                  reference="journey:documents")
        receipt = payment.receipts.get()
        return receipt.token, receipt.display_number, stored_bytes("receipt", receipt.pk, lao=lao)

    token, number, pdf = in_schema(lao, pay)
    good, bad, text = tmp_path / "receipt.pdf", tmp_path / "changed.pdf", tmp_path / "note.pdf"
    good.write_bytes(pdf)
    at = pdf.index(b"/Producer") + 3
    bad.write_bytes(pdf[:at] + bytes([pdf[at] ^ 1]) + pdf[at + 1:])
    text.write_bytes(b"just some text")

    page = site.person()
    page.goto(site.lao("sao") + f"/receipts/{token}/")
    key_page(site, page, "receipt-verify")
    for path, verdict, words in [(good, "valid", "เอกสารถูกต้อง"), (bad, "altered", "ถูกแก้ไข")]:
        page.locator("#document").set_input_files(str(path))
        page.get_by_role("button", name=re.compile("ตรวจสอบไฟล์|Check the file")).click()
        page.wait_for_load_state("load")
        status = page.locator(f"[data-verdict='{verdict}']")
        assert words in status.inner_text() and "นายผู้ชำระ" not in page.content()
        if verdict == "valid":
            assert number in page.content()
        key_page(site, page, f"receipt-verify-{verdict}")
    page.locator("#document").set_input_files(str(text))
    page.get_by_role("button", name=re.compile("ตรวจสอบไฟล์|Check the file")).click()
    assert "ไม่ใช่ PDF" in page.get_by_role("alert").last.inner_text()
    key_page(site, page, "receipt-verify-not-a-pdf")
