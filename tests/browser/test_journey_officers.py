"""A LAO administrator invites a clerk, who accepts with a password and an authenticator app and then signs
in; and the same administration in English, with the switch in the header."""
import re
from base64 import b32decode

import pytest
from django.core import mail

from tests.browser.conftest import OFFICER_1, key_page

pytestmark = pytest.mark.django_db


def totp_now(key_text: str, *, step_ahead: int = 0) -> str:
    """What the authenticator app shows for the key the page printed (a code is good once: the next
    sign-in uses the next step's, which the one-step tolerance accepts)."""
    from django_otp.oath import TOTP

    totp = TOTP(b32decode(key_text.replace(" ", "")), drift=step_ahead)
    return f"{totp.token():06d}"


def test_an_administrator_invites_a_clerk_who_accepts_with_a_password_and_an_authenticator(site):
    import secrets

    run = secrets.token_hex(3)  # the accounts the server creates are committed: a fresh name every run
    email, username = f"clerk.journey.{run}@example.invalid", f"clerk-journey-{run}"
    admin = site.sign_in(site.person(), OFFICER_1, at=site.lao("sao"))
    admin.goto(site.lao("sao") + "/officers/")
    site.check(admin, "officers")
    mail.outbox.clear()
    admin.get_by_label(re.compile("อีเมล|E-mail")).fill(email)
    admin.get_by_label(re.compile("ชื่อ|Name")).first.fill("นางสาวใจดี ทดสอบ")
    admin.get_by_role("checkbox", name=re.compile("ผู้รับผิดชอบ|Clerk")).check()
    admin.get_by_role("button", name=re.compile("ส่งคำเชิญ|Send invitation")).click()
    admin.wait_for_load_state("load")
    site.check(admin, "officers-invited")
    pending = admin.locator("main").inner_text()
    assert email in pending
    assert "clerk" not in pending.split(email, 1)[1][:80]  # the role's label, not its code

    (message,) = [m for m in mail.outbox if email in m.to]
    link = re.search(r"https?://\S+/officers/invitations/\S+/", message.body).group(0)
    clerk = site.person()
    clerk.goto(link)
    site.check(clerk, "invitation")
    clerk.get_by_label(re.compile("ชื่อผู้ใช้|Username")).fill(username)
    clerk.get_by_label(re.compile("ชื่อของท่าน|Your name")).fill("นางสาวใจดี ทดสอบ")
    clerk.get_by_label(re.compile(r"^(รหัสผ่าน|Password)$")).fill("short")
    clerk.get_by_label(re.compile("ยืนยันรหัสผ่าน|Password again")).fill("short")
    clerk.get_by_role("button", name=re.compile("ดำเนินการต่อ|Continue")).click()
    clerk.wait_for_load_state("load")
    errors = clerk.locator(".errorlist, .notice.error").all_inner_texts()
    assert errors and not any("password" in e.lower() for e in errors), errors  # the rules, in Thai
    site.check(clerk, "invitation-password-refused")
    password = "ข้าราชการ-ท้องถิ่น-2569"
    clerk.get_by_label(re.compile(r"^(รหัสผ่าน|Password)$")).fill(password)
    clerk.get_by_label(re.compile("ยืนยันรหัสผ่าน|Password again")).fill(password)
    clerk.get_by_role("button", name=re.compile("ดำเนินการต่อ|Continue")).click()
    clerk.wait_for_load_state("load")
    assert clerk.locator("main code").count(), clerk.locator(".errorlist, .notice").all_inner_texts()
    site.check(clerk, "invitation-authenticator")
    key = clerk.locator("main code").inner_text()
    clerk.get_by_label(re.compile("รหัส 6 หลัก|6-digit code")).fill(totp_now(key))
    clerk.get_by_role("button", name=re.compile("ยืนยัน|Confirm")).click()
    clerk.wait_for_url(site.lao("sao") + "/officer/")
    site.check(clerk, "officer-welcome")
    assert "ยินดีต้อนรับ" in clerk.locator("main").inner_text()  # welcomed on the officer home
    assert "นางสาวใจดี ทดสอบ" in clerk.locator("header").inner_text()

    # Next morning: signing in with the password and the app's code.
    again = site.person()
    again.goto(site.lao("sao") + "/accounts/login/")
    again.get_by_label(re.compile("ชื่อผู้ใช้|Username")).fill(username)
    again.get_by_label(re.compile(r"^(รหัสผ่าน|Password)$")).fill(password)
    again.get_by_label(re.compile("รหัส 6 หลัก|6-digit code")).fill(totp_now(key, step_ahead=1))
    again.get_by_role("button", name=re.compile("เข้าสู่ระบบในฐานะเจ้าหน้าที่|Sign in as an officer")).click()
    again.wait_for_load_state("load")
    assert "/accounts/login/" not in again.url, again.locator("main").inner_text()[:300]
    site.check(again, "officer-signed-in")


def test_the_english_switch_keeps_english_across_the_officer_pages(site):
    admin = site.sign_in(site.person(), OFFICER_1, at=site.lao("sao"))
    admin.goto(site.lao("sao") + "/officers/")
    admin.get_by_role("button", name="English").click()
    admin.wait_for_load_state("load")
    for path in ("officers/", "officers/audit/", "billing/invoices/", "billing/receipts/", "billing/exceptions/",
                 "billing/statements/", "advertising/officers/"):
        admin.goto(site.lao("sao") + "/" + path)
        assert admin.locator("html").get_attribute("lang") == "en", path
        name = f"english-{path.strip('/').replace('/', '-')}"
        if path.startswith("billing/"):  # the money pages a finance officer opens at the counter: phone too
            key_page(site, admin, name)
        else:
            site.check(admin, name)
