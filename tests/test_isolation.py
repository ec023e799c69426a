"""A citizen's or business's pages and documents at one LAO are not reachable through another LAO's site."""
import datetime
from decimal import Decimal

import pytest
from django_tenants.utils import schema_context

from tenant_apps.billing import services as billing
from tests.pao import ordinance_settings, registered_business

pytestmark = pytest.mark.django_db


def signed_in(client, user):
    client.force_login(user)
    session = client.session
    session["auth_method"] = "dopa"
    session.save()


def test_business_return_and_receipt_pages_stay_in_their_pao(client, pao, lao):
    from tenants.services import onboard_lao

    other = lao("2200101")
    onboard_lao(lao=other)
    other.refresh_from_db()
    with schema_context(pao.schema_name):
        ordinance_settings()
        business, owner = registered_business("hotel")
        from tenant_apps.pao_filing.services import return_file

        ret = return_file(business=business, period=datetime.date(2026, 3, 1), actor=owner,
                          today=datetime.date(2026, 4, 5), data={"room_rent_total": "1000", "nights_total": "2"})
        from tenant_apps.billing.models import Invoice

        bill = Invoice.objects.get(source="hotel_fee.return", source_id=ret.pk, status="open")
        payment, _created = billing.payment_post(invoice=bill, amount=None, channel="counter", method="cash",
                                                 reference="counter:ISO")  # what is due today, surcharge included
        receipt = payment.receipts.get()
    with schema_context(other.schema_name):
        ordinance_settings()
        registered_business("hotel")  # ids 1, 2 … exist there too
    signed_in(client, owner)
    pages = [f"/businesses/{business.pk}/", f"/businesses/{business.pk}/returns/{ret.pk}/",
             f"/businesses/{business.pk}/file/", f"/receipts/{receipt.token}/", f"/receipts/{receipt.token}/receipt.pdf",
             f"/api/businesses/{business.pk}/returns/"]
    for page in pages:
        assert client.get(page, HTTP_HOST=pao.host).status_code == 200, page
        assert client.get(page, HTTP_HOST=other.host).status_code in (403, 404), page
    assert Decimal(receipt.amount) == payment.amount >= bill.amount  # the surcharge ran since April


def test_application_and_permit_pages_stay_in_their_lao(client, sao, town):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tenant_apps.advertising import services
    from tests.pao import citizen

    applicant = citizen()
    with schema_context(sao.schema_name):
        application = services.application_save_draft(
            applicant=applicant, method="posting", message_gist="x", width_m="1", height_m="1", notice_count=1,
            start_date=datetime.date.today() + datetime.timedelta(days=10),
            end_date=datetime.date.today() + datetime.timedelta(days=12), undertakes_removal=True,
            locations=[{"description": "ตลาด"}])
        services.document_upload(application=application, kind="sample", actor=applicant,
                                 upload=SimpleUploadedFile("s.png", b"\x89PNG\r\n\x1a\n" + b"0" * 10))
    with schema_context(town.schema_name):
        services.application_save_draft(applicant=applicant, method="posting", message_gist="y", width_m="1",
                                        height_m="1", notice_count=1, start_date=datetime.date.today(),
                                        end_date=datetime.date.today())
    signed_in(client, applicant)
    page = f"/advertising/applications/{application.pk}/"
    assert "ตลาด" in client.get(page, HTTP_HOST=sao.host).content.decode()
    assert "ตลาด" not in client.get(page, HTTP_HOST=town.host).content.decode()
    api = client.get(f"/api/advertising/applications/{application.pk}/", HTTP_HOST=town.host)
    assert api.status_code == 404 or api.json()["message_gist"] == "y"
