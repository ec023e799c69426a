"""The server computes every figure from what the filer typed; the figures filed are the figures previewed.

Pages (the Django test client) and the API: a forged hidden guest list, forged and stale digests, changed
figures after a preview, Enter on the form, broken guest lists.
"""
import io
import json
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.core import signing
from django_tenants.utils import schema_context

from tenant_apps.hotel_fee.models import HotelReturn
from tenant_apps.pao_filing.services import FIGURES_SALT, return_file
from tenant_apps.petroleum_tax.models import PetroleumReturn
from tenant_apps.tobacco_tax.models import TobaccoReturn
from tests.pao import registered_business
from tests.test_pao_api_and_pages import LAST_MONTH, PERIOD, api, as_dopa, issue_key, phrae  # noqa: F401

pytestmark = pytest.mark.django_db
FIGURES_CHANGED_TH = "ตัวเลขมีการเปลี่ยนแปลง โปรดตรวจสอบจำนวนเงินใหม่"
CHECK_IN = LAST_MONTH.replace(day=2).isoformat()


def guest_csv(*rows) -> io.BytesIO:
    upload = io.BytesIO(("guest_name,check_in,nights,room_rate\n" + "".join(f"{r}\n" for r in rows)).encode())
    upload.name = "guests.csv"
    return upload


def form_url(business, return_id=None):
    if return_id:
        return f"/businesses/{business.pk}/returns/{return_id}/additional/"
    return f"/businesses/{business.pk}/file/"


def post(client, lao, business, data, return_id=None):
    return client.post(form_url(business, return_id), data, HTTP_HOST=lao.host)


class SubmitButtons(HTMLParser):
    """The submit buttons of the return form (the multipart one), in DOM order."""

    def __init__(self):
        super().__init__()
        self.in_form, self.buttons = False, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("enctype") == "multipart/form-data":
            self.in_form = True
        elif self.in_form and (tag == "button" and attrs.get("type", "submit") == "submit"
                               or tag == "input" and attrs.get("type") == "submit"):
            self.buttons.append((attrs.get("name"), attrs.get("value")))

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False


def submit_buttons(response) -> list:
    parser = SubmitButtons()
    parser.feed(response.content.decode())
    return parser.buttons


def errors_of(response) -> str:
    return " ".join(response.context.get("errors") or [])


# --- A forged hidden guest list ------------------------------------------------------------------------

def test_a_forged_hidden_guest_list_files_the_tax_of_the_list_the_server_read(client, phrae):  # noqa: F811
    """30 nights × 5,000.00 = 150,000.00 rent → 2 % = 3,000.00, whatever a hidden field says."""
    with schema_context(phrae.schema_name):
        business, owner = registered_business("hotel")
    as_dopa(client, owner)
    preview = post(client, phrae, business, {"period": PERIOD, "step": "preview",
                                             "guest_list": guest_csv(f"สมชาย ใจดี,{CHECK_IN},30,5000.00")})
    assert preview.status_code == 200, errors_of(preview)
    assert preview.context["assessment"].tax == Decimal("3000.00")
    assert "guests_json" not in preview.content.decode()  # no list travels through the browser
    forged = json.dumps([{"guest_name": "x", "check_in": CHECK_IN, "nights": 30, "room_rate": "5000.00",
                          "rent": "1.00", "line": 2}])

    filed = post(client, phrae, business, {"period": PERIOD, "step": "confirm", "guests_json": forged,
                                           "figures": preview.context["figures"]})

    assert filed.status_code == 302, errors_of(filed)
    with schema_context(phrae.schema_name):
        ret = HotelReturn.objects.get(business=business)
        assert ret.tax_amount == Decimal("3000.00") and ret.room_rent_total == Decimal("150000.00")
        assert [(g.nights, g.room_rate, g.rent) for g in ret.guests.all()] == [
            (30, Decimal("5000.00"), Decimal("150000.00"))]


def test_a_hidden_guest_list_alone_is_never_filed_and_missing_keys_do_not_break_the_page(client, phrae):  # noqa: F811
    with schema_context(phrae.schema_name):
        business, owner = registered_business("hotel")
    as_dopa(client, owner)
    for forged in ([{"guest_name": "x", "rent": "1.00"}], [{}], "not json", [{"check_in": CHECK_IN}]):
        response = post(client, phrae, business, {"period": PERIOD, "step": "confirm",
                                                  "guests_json": json.dumps(forged)})
        assert response.status_code == 400  # the totals were not given: refused with a message, not a 500
        assert response.context["errors"]
    with schema_context(phrae.schema_name):
        assert not HotelReturn.objects.exists()


def test_a_guest_list_with_missing_keys_or_columns_answers_400(client, phrae):  # noqa: F811
    with schema_context(phrae.schema_name):
        business, owner = registered_business("hotel")
    key, _key_id = issue_key(client, phrae, business, owner)
    for guests in ([{"guest_name": "สมชาย"}], [{}], [{"nights": 2, "room_rate": "1000"}],
                   [{"guest_name": "x", "check_in": CHECK_IN, "nights": None, "room_rate": None}]):
        response = api(client, phrae, "post", f"/api/businesses/{business.pk}/returns/",
                       {"period": PERIOD, "guests": guests}, key=key)
        assert response.status_code == 400, guests
        assert response.json()["detail"] and "guests" in response.json()["fields"]
    as_dopa(client, owner)
    missing_column = io.BytesIO(b"guest_name,check_in,nights\nx,2026-01-02,1\n")
    missing_column.name = "guests.csv"
    page = post(client, phrae, business, {"period": PERIOD, "step": "preview", "guest_list": missing_column})
    assert page.status_code == 400 and "room_rate" in errors_of(page)
    assert 'aria-invalid="true" aria-describedby="e-guest_list"' in page.content.decode()
    with schema_context(phrae.schema_name):
        assert not HotelReturn.objects.exists()


def test_the_uploaded_guest_list_is_kept_server_side_between_the_steps_and_can_be_forgotten(client, phrae):  # noqa: F811,E501
    with schema_context(phrae.schema_name):
        business, owner = registered_business("hotel")
    as_dopa(client, owner)
    preview = post(client, phrae, business, {"period": PERIOD, "step": "preview",
                                             "guest_list": guest_csv(f"สมชาย,{CHECK_IN},2,1000.00")})
    assert preview.context["assessment"].tax == Decimal("40.00")
    assert "guests.csv" in preview.content.decode()
    again = post(client, phrae, business, {"period": PERIOD, "step": "preview"})  # read again, not re-uploaded
    assert again.context["assessment"].tax == Decimal("40.00")
    totals = post(client, phrae, business, {"period": PERIOD, "step": "preview", "forget_guest_list": "1",
                                            "room_rent_total": "500.00", "nights_total": "1"})
    assert totals.context["assessment"].tax == Decimal("10.00")
    client.get(form_url(business), HTTP_HOST=phrae.host)  # a fresh form forgets it too
    fresh = post(client, phrae, business, {"period": PERIOD, "step": "preview", "room_rent_total": "100.00"})
    assert fresh.context["assessment"].tax == Decimal("2.00")


# --- the figures filed are the figures previewed --------------------------------------------------------

def test_a_forged_or_foreign_digest_is_refused_and_nothing_is_filed(client, phrae):  # noqa: F811
    with schema_context(phrae.schema_name):
        business, owner = registered_business("hotel")
        other, _other_owner = registered_business("hotel")
    as_dopa(client, owner)
    form = {"period": PERIOD, "room_rent_total": "125000.00", "nights_total": "300"}
    preview = post(client, phrae, business, {**form, "step": "preview"})
    token = preview.context["figures"]
    payload = signing.loads(token, salt=FIGURES_SALT)
    forged = [
        "forged",
        token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB"),  # tampered signature
        signing.dumps(payload, salt="another.salt"),  # signed for something else
        signing.dumps({**payload, "sha256": "0" * 64}, key="not-our-secret-key", salt=FIGURES_SALT),
    ]
    for digest in forged:
        refused = post(client, phrae, business, {**form, "step": "confirm", "figures": digest})
        assert refused.status_code == 400
        assert FIGURES_CHANGED_TH in errors_of(refused)
        assert refused.context["assessment"].tax == Decimal("2500.00")  # the preview is shown again
    # the digest of another business's identical figures does not file this one
    with schema_context(phrae.schema_name):
        from tenant_apps.pao_filing.services import figures_digest, return_preview

        theirs = figures_digest(business=other, assessment=return_preview(business=other, data=form, period=LAST_MONTH))
    refused = post(client, phrae, business, {**form, "step": "confirm", "figures": theirs})
    assert refused.status_code == 400 and FIGURES_CHANGED_TH in errors_of(refused)
    with schema_context(phrae.schema_name):
        assert not HotelReturn.objects.exists()


def test_figures_changed_after_the_preview_are_refused_with_the_new_amount_shown(client, phrae):  # noqa: F811
    with schema_context(phrae.schema_name):
        business, owner = registered_business("hotel")
    as_dopa(client, owner)
    preview = post(client, phrae, business, {"period": PERIOD, "room_rent_total": "125000.00", "nights_total": "300",
                                             "step": "preview"})
    seen = preview.context["assessment"].amount_due

    changed = post(client, phrae, business, {"period": PERIOD, "room_rent_total": "150000.00", "nights_total": "300",
                                             "step": "confirm", "figures": preview.context["figures"]})

    assert changed.status_code == 400 and FIGURES_CHANGED_TH in errors_of(changed)
    new = changed.context["assessment"]
    assert new.tax == Decimal("3000.00")  # 150,000 × 2 %
    page = changed.content.decode()
    assert f"{new.amount_due:,.2f}" in page and f"{seen:,.2f}" in page  # what was seen, and what it comes to now
    assert changed.context["figures"] != preview.context["figures"]
    with schema_context(phrae.schema_name):
        assert not HotelReturn.objects.exists()
    # the new figures, once seen, can be submitted
    filed = post(client, phrae, business, {"period": PERIOD, "room_rent_total": "150000.00", "nights_total": "300",
                                           "step": "confirm", "figures": changed.context["figures"]})
    assert filed.status_code == 302
    with schema_context(phrae.schema_name):
        assert HotelReturn.objects.get(business=business).tax_amount == Decimal("3000.00")


def test_a_stale_digest_from_an_earlier_preview_is_refused(client, phrae):  # noqa: F811
    with schema_context(phrae.schema_name):
        business, owner = registered_business("tobacco")
    as_dopa(client, owner)
    first = post(client, phrae, business, {"period": PERIOD, "cigarette_quantity": "1000", "step": "preview"})
    post(client, phrae, business, {"period": PERIOD, "cigarette_quantity": "2000", "step": "preview"})
    stale = post(client, phrae, business, {"period": PERIOD, "cigarette_quantity": "2000", "step": "confirm",
                                           "figures": first.context["figures"]})
    assert stale.status_code == 400 and FIGURES_CHANGED_TH in errors_of(stale)
    with schema_context(phrae.schema_name):
        assert not TobaccoReturn.objects.exists()


def test_submitting_without_any_preview_is_refused(client, phrae):  # noqa: F811
    with schema_context(phrae.schema_name):
        business, owner = registered_business("hotel")
    as_dopa(client, owner)
    response = post(client, phrae, business, {"period": PERIOD, "room_rent_total": "1000", "nights_total": "2",
                                              "step": "confirm"})
    assert response.status_code == 400 and FIGURES_CHANGED_TH in errors_of(response)
    assert response.context["assessment"].tax == Decimal("20.00")  # shown, to be checked and submitted
    with schema_context(phrae.schema_name):
        assert not HotelReturn.objects.exists()


def test_the_additional_return_form_checks_its_digest_too(client, phrae):  # noqa: F811
    with schema_context(phrae.schema_name):
        business, owner = registered_business("fuel")
        original = return_file(business=business, period=LAST_MONTH, actor=owner, data={"lines": [
            {"product": "diesel", "opening": "1000", "received": "500", "sold": "300", "closing": "1200"}]})
    as_dopa(client, owner)
    figures = {"diesel_opening": "1000", "diesel_received": "500", "diesel_sold": "400", "diesel_closing": "1100"}
    preview = post(client, phrae, business, {**figures, "step": "preview"}, return_id=original.pk)
    assert preview.status_code == 200, errors_of(preview)
    assert preview.context["assessment"].difference == Decimal("4.54")  # 100 L more × 4.54 satang
    changed = post(client, phrae, business, {**figures, "diesel_sold": "500", "diesel_closing": "1000",
                                             "step": "confirm", "figures": preview.context["figures"]},
                   return_id=original.pk)
    assert changed.status_code == 400 and FIGURES_CHANGED_TH in errors_of(changed)
    assert changed.context["assessment"].difference == Decimal("9.08")
    with schema_context(phrae.schema_name):
        assert PetroleumReturn.objects.filter(business=business).count() == 1
    filed = post(client, phrae, business, {**figures, "step": "confirm", "figures": preview.context["figures"]},
                 return_id=original.pk)
    assert filed.status_code == 302
    with schema_context(phrae.schema_name):
        assert PetroleumReturn.objects.filter(business=business).count() == 2


# --- Enter previews ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind, fields", [
    ("hotel", {"room_rent_total": "1000", "nights_total": "2"}),
    ("fuel", {"diesel_opening": "1000", "diesel_received": "500", "diesel_sold": "300", "diesel_closing": "1200"}),
    ("tobacco", {"cigarette_quantity": "1000"}),
])
def test_enter_previews_on_every_return_form(client, phrae, kind, fields):  # noqa: F811
    """Implicit submission (Enter in a field) uses the form's first submit button: it must be the preview."""
    with schema_context(phrae.schema_name):
        business, owner = registered_business(kind)
    as_dopa(client, owner)
    empty = client.get(form_url(business), HTTP_HOST=phrae.host)
    previewed = post(client, phrae, business, {"period": PERIOD, "step": "preview", **fields})
    assert previewed.status_code == 200, errors_of(previewed)
    assert submit_buttons(empty) == [("step", "preview")]
    assert submit_buttons(previewed)[0] == ("step", "preview")
    assert ("step", "confirm") in submit_buttons(previewed)
    with schema_context(phrae.schema_name):
        original = return_file(business=business, period=LAST_MONTH, actor=owner,
                               data={"room_rent_total": "1000"} if kind == "hotel" else
                               {"lines": [{"product": "cigarette", "quantity": "1"}]} if kind == "tobacco" else
                               {"lines": [{"product": "diesel", "opening": "1", "received": "0", "sold": "1",
                                           "closing": "0"}]})
    additional = post(client, phrae, business, {"step": "preview", **fields}, return_id=original.pk)
    assert additional.status_code == 200, errors_of(additional)
    assert submit_buttons(additional)[0] == ("step", "preview")


def test_enter_after_changing_a_figure_previews_and_files_nothing(client, phrae):  # noqa: F811
    """The browser sends the default button's name and value: step=preview."""
    with schema_context(phrae.schema_name):
        business, owner = registered_business("hotel")
    as_dopa(client, owner)
    preview = post(client, phrae, business, {"period": PERIOD, "room_rent_total": "1000", "step": "preview"})
    name, value = submit_buttons(preview)[0]
    enter = post(client, phrae, business, {"period": PERIOD, "room_rent_total": "9000",
                                           "figures": preview.context["figures"], name: value})
    assert enter.status_code == 200 and enter.context["assessment"].tax == Decimal("180.00")
    with schema_context(phrae.schema_name):
        assert not HotelReturn.objects.exists()


# --- the API: an optional digest --------------------------------------------------------------------------

def test_the_api_accepts_an_optional_digest_and_refuses_changed_figures(client, phrae):  # noqa: F811
    with schema_context(phrae.schema_name):
        business, owner = registered_business("tobacco")
    key, _ = issue_key(client, phrae, business, owner)
    url = f"/api/businesses/{business.pk}/returns/"
    body = {"period": PERIOD, "lines": [{"product": "cigarette", "quantity": 200000}]}
    preview = api(client, phrae, "post", url, {**body, "preview": True}, key=key)
    assert preview.status_code == 200 and preview.json()["figures"]

    changed = api(client, phrae, "post", url, {**body, "lines": [{"product": "cigarette", "quantity": 300000}],
                                               "figures": preview.json()["figures"]}, key=key)
    forged = api(client, phrae, "post", url, {**body, "figures": "forged"}, key=key)

    assert changed.status_code == 400 and changed.json()["code"] == "figures_changed"
    assert changed.json()["preview"]["tax_amount"] == "27900.00"  # 300,000 × 9.30 satang
    assert changed.json()["previewed_amount_due"] == preview.json()["amount_due"]
    assert forged.status_code == 400 and forged.json()["code"] == "figures_changed"
    with schema_context(phrae.schema_name):
        assert not TobaccoReturn.objects.exists()
    filed = api(client, phrae, "post", url, {**body, "figures": preview.json()["figures"]}, key=key)
    assert filed.status_code == 201 and filed.json()["tax_amount"] == "18600.00"


def test_the_api_files_without_a_digest(client, phrae):  # noqa: F811
    with schema_context(phrae.schema_name):
        business, owner = registered_business("hotel")
    key, _ = issue_key(client, phrae, business, owner)
    filed = api(client, phrae, "post", f"/api/businesses/{business.pk}/returns/",
                {"period": PERIOD, "guests": [{"guest_name": "สมชาย", "check_in": CHECK_IN, "nights": 30,
                                                "room_rate": "5000.00", "rent": "1.00"}]}, key=key)
    assert filed.status_code == 201 and filed.json()["tax_amount"] == "3000.00"  # the rent it sent is recomputed

