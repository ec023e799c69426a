"""An officer works a list: the businesses that have not filed, filtered to one business, downloaded as CSV and
as XLSX (the browser's own downloads: exactly the filtered rows, Thai headers), and the owner's full national
ID revealed (a POST the audit trail records) — every page checked with axe, on a desktop and at 390 px."""
import datetime
import io
import re
import secrets

import pytest

from tests.browser.conftest import CITIZEN, OFFICER_1, in_schema, key_page

pytestmark = pytest.mark.django_db


def _arrange_late_hotel(lao, name: str) -> int:
    """An approved hotel of the demo citizen operating for five months, which has filed nothing."""
    from django.contrib.auth import get_user_model

    from tests.pao import registered_business

    owner = get_user_model().objects.get(national_id=CITIZEN)
    since = (datetime.date.today().replace(day=1) - datetime.timedelta(days=140)).replace(day=1)
    business, _owner = registered_business("hotel", name=name, owner=owner, operating_since=since)
    return business.pk


def _download(page, link_name: str) -> bytes:
    with page.expect_download() as download:
        page.get_by_role("link", name=link_name, exact=True).click()
    return open(download.value.path(), "rb").read()


def test_an_officer_filters_the_overdue_list_downloads_it_and_reveals_an_id(site):
    from openpyxl import load_workbook

    lao = site.laos["pao"]
    name = f"โรงแรมค้างยื่นรายการ {secrets.token_hex(3)}"
    in_schema(lao, lambda: _arrange_late_hotel(lao, name))
    officer = site.sign_in(site.person(), OFFICER_1, at=site.lao("pao") + "/")
    officer.goto(site.lao("pao") + "/pao/overdue/")
    key_page(site, officer, "lists-overdue")

    officer.locator("#filter-q").fill(name)
    officer.get_by_role("button", name=re.compile("^(แสดง|Show)$")).click()
    officer.wait_for_url(re.compile(r"/pao/overdue/\?.*q="))
    rows = officer.locator("main tbody tr")
    assert rows.count() == 1 and name in rows.first.inner_text()
    assert officer.locator("#filter-q").input_value() == name  # the filter stays in the box and the address
    months = rows.first.locator(".tag").all_inner_texts()
    assert len(months) >= 4 and all(re.search(r" 25\d\d$", month) for month in months), months  # BE years
    masked = f"{CITIZEN[0]}-{CITIZEN[1:5]}-xxxxx-xx-{CITIZEN[12]}"
    assert masked in rows.first.inner_text() and CITIZEN not in officer.locator("main").inner_text()
    key_page(site, officer, "lists-overdue-filtered")

    body = _download(officer, "CSV")
    assert body.startswith("\ufeff".encode())
    lines = body.decode("utf-8-sig").strip().splitlines()
    assert lines[0].startswith("สถานประกอบการ,") and len(lines) == 2 and name in lines[1]
    sheet = load_workbook(io.BytesIO(_download(officer, "Excel (XLSX)")), read_only=True).active
    table = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert table[0][0] == "สถานประกอบการ" and [row[0] for row in table[1:]] == [name]
    assert table[1][table[0].index("จำนวนเดือนที่ยังไม่ได้ยื่น")] == len(months)

    rows.first.get_by_role("button", name=re.compile("แสดงเลขเต็ม|Show the full ID")).click()
    officer.wait_for_url(re.compile(r"/officers/national-id/$"))
    full = f"{CITIZEN[0]}-{CITIZEN[1:5]}-{CITIZEN[5:10]}-{CITIZEN[10:12]}-{CITIZEN[12]}"
    assert officer.locator("#revealed-id").inner_text() == full
    key_page(site, officer, "lists-national-id")
    officer.get_by_role("link", name=re.compile("กลับไปที่รายการ|Back to the list")).click()
    officer.wait_for_url(re.compile(r"/pao/overdue/\?.*q="))  # back to the list as it was filtered

    officer.goto(site.lao("pao") + "/officers/audit/?action=national_id_revealed")
    trail = officer.locator("main tbody").inner_text()
    assert masked in trail and "/pao/overdue/?" in trail and CITIZEN not in trail
    key_page(site, officer, "lists-audit-revealed")
