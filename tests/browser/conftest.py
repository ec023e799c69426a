"""Browser journeys: Playwright for Python driving Debian's Chromium against the live test server.

- The browser is the machine's own Chromium (`CHROMIUM_PATH`, else `chromium` / `chromium-browser` /
  `google-chrome` on the PATH) — never `playwright install`, which downloads a browser.
- Without a Chromium the journeys are skipped and the run says so; with `REQUIRE_BROWSER_TESTS=1`
  (set by .ci/run) a missing browser, or a run in which no journey passed, fails the suite.
- The journeys use LAOs of their own (a PAO, an SAO and a special area like Pattaya), onboarded once per
  session and committed, so the live server's threads see them; they are dropped at the end, so nothing
  a journey writes reaches another test or the next run.
- Every page a journey visits is checked (`site.check(page)`): axe-core (vendored under vendor/) with no
  critical or serious violation, a page title that names the page, a visible focus on the first tab
  stops, and on the phone viewport no horizontal scrolling at 390 px.
- `SCREENSHOTS=1` (`make screenshots`) saves a PNG of each checked step under screenshots/ (git-ignored), and a small
  copy of the steps the officer's guide shows under platform/static/guide/ (committed).
"""
from __future__ import annotations

import itertools
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
AXE = HERE / "vendor" / "axe.min.js"
SHOTS = HERE.parent.parent / "screenshots"
REQUIRED = os.environ.get("REQUIRE_BROWSER_TESTS") == "1"
_SHOT_NUMBERS = itertools.count(1)  # one sequence for the whole run, so no journey overwrites another's


def _axe_source() -> str:
    global _AXE_SOURCE
    if _AXE_SOURCE is None:
        _AXE_SOURCE = AXE.read_text(encoding="utf-8")
    return _AXE_SOURCE


_AXE_SOURCE = None


def chromium_path() -> str | None:
    if os.environ.get("CHROMIUM_PATH"):
        return os.environ["CHROMIUM_PATH"]
    return next(filter(None, (shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome"))),
                None)


CHROMIUM = chromium_path()
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
# What a headless Chromium needs on these machines (root, no GPU, a closed network).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-features=Translate,MediaRouter,OptimizationHints"]


def _is_browser_test(item) -> bool:
    return HERE in Path(str(item.fspath)).resolve().parents


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    # Last of all (after pytest-django's own ordering): the journeys' LAOs exist, committed, from the first
    # journey to the end of the session, and no other test should see them.
    items[:] = [item for item in items if not _is_browser_test(item)] + [
        item for item in items if _is_browser_test(item)]
    if CHROMIUM:
        return
    if REQUIRED and any(_is_browser_test(item) for item in items):
        raise pytest.UsageError("REQUIRE_BROWSER_TESTS=1 but no Chromium was found (set CHROMIUM_PATH or "
                                "install Debian's chromium).")
    skip = pytest.mark.skip(reason="no Chromium found: install it to walk the journeys (Debian/Ubuntu: "
                                   "apt-get install chromium; macOS: brew install --cask chromium)")
    for item in items:
        if _is_browser_test(item):
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    passed = [r for r in terminalreporter.stats.get("passed", []) if "tests/browser/" in r.nodeid]
    if not CHROMIUM:
        terminalreporter.write_line("Browser journeys: SKIPPED — no Chromium on this machine (see README).")
    else:
        terminalreporter.write_line(f"Browser journeys: {len(passed)} passed in {CHROMIUM}.")
    if REQUIRED and not passed and exitstatus == 0:
        terminalreporter.write_line("REQUIRE_BROWSER_TESTS=1 and no browser journey passed: failing the run.")
        terminalreporter._session.exitstatus = 1


# --- the LAOs the journeys use ------------------------------------------------------------------------

JOURNEY_LAOS = {  # dla code: (LAO type of the demo LAO copied, its DLA code, hostname, Thai name)
    "pao": ("2549990", "2540101", "pao-journey", "ทดสอบเส้นทาง"),
    "sao": ("6549990", "6540113", "sao-journey", "ทดสอบเส้นทาง"),
    "special": ("3209990", "3200408", "pattaya-journey", "ทดสอบเส้นทาง"),
}
# The D.DOPA stand-in's demo citizens (shared_apps.dev_idp): a payer, and two officers.
CITIZEN, OFFICER_1, OFFICER_2 = "1101700230708", "3540100123457", "1209900012344"
PASSCODE = "24681357"


def _drop_journey_laos():
    from tests.factories import lao_forget

    for code, _model, _host, _name in JOURNEY_LAOS.values():
        lao_forget(code)


def _person(pid: str):
    """The account a DOPA sign-in of this national ID lands on (created now, so roles can be given)."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    user = User.objects.filter(national_id=pid).first()
    if user is None:  # as a DOPA sign-in makes it: no password (the sign-in tests expect exactly that)
        user = User(username=f"citizen-journey-{pid}", national_id=pid)
        user.set_unusable_password()
        user.save()
    return user


@pytest.fixture(scope="session")
def journey_laos(_live_server, django_db_blocker):
    """The journeys' LAOs, committed; the two demo officers hold every role in each."""
    from django.db import connection
    from django_tenants.utils import schema_context

    from tenant_apps.billing.models import PaymentSettings
    from tenant_apps.officers.models import Officer
    from tenants.models import LAO
    from tenants.services import onboard_lao
    from tests.pao import ordinance_settings

    laos = {}
    with django_db_blocker.unblock():
        _drop_journey_laos()
        officers = [_person(OFFICER_1), _person(OFFICER_2)]
        _person(CITIZEN)
        for key, (code, model_code, hostname, name) in JOURNEY_LAOS.items():
            model = LAO.objects.get(dla_code=model_code)
            lao = LAO.objects.create(dla_code=code, lao_type=model.lao_type, name_th=name, name_en="Journey test",
                                     province=model.province, district=model.district, hostname=hostname)
            onboard_lao(lao=lao)
            lao.refresh_from_db()
            with schema_context(lao.schema_name):
                PaymentSettings.objects.update_or_create(pk=1, defaults={
                    "tax_id": "0994000165501", "biller_suffix": "00", "company_code": "12345",
                    "company_account": "1234567890", "hmac_secret": "j" * 40})
                for officer in officers:
                    Officer.objects.update_or_create(user_id=officer.pk, defaults={
                        "roles": ["clerk", "finance", "approver", "lao_admin"]})
                if key == "pao":
                    ordinance_settings()
            laos[key] = lao
        connection.set_schema_to_public()
    yield laos
    with django_db_blocker.unblock():
        from django.db import connections

        connections.close_all()
        _drop_journey_laos()


# --- the browser ----------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def _playwright():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; Django's ORM, used to arrange data, refuses
    # to run beside one unless told it is safe (it is: the loop never runs Django code). Only while the
    # journeys run, so no other test (or subprocess it starts) inherits it.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            yield playwright
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def chromium(_playwright):
    browser = _playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@dataclass
class Site:
    """The live site as the journeys see it, and the checks every visited page must pass."""

    live: object
    laos: dict
    chromium: object
    shots: list = field(default_factory=list)
    contexts: list = field(default_factory=list)

    @property
    def central(self) -> str:
        return self.live.central

    def lao(self, key: str) -> str:
        """The LAO site's address, without a trailing slash: site.lao("sao") + "/officers/"."""
        return self.live.lao(self.laos[key])

    def person(self, *, phone: bool = False, locale: str = "th-TH"):
        """A fresh browser profile (its own cookies) on a desktop or a phone."""
        # The site's Content-Security-Policy stays on: axe is evaluated through the DevTools protocol,
        # which the policy does not govern, and any violation the page itself causes fails the check.
        context = self.chromium.new_context(
            viewport=PHONE if phone else DESKTOP, locale=locale,
            is_mobile=phone, has_touch=phone, device_scale_factor=2 if phone else 1)
        context.set_default_timeout(15_000)
        self.contexts.append(context)
        page = context.new_page()
        page.phone = phone
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" and (
            "Content Security Policy" in message.text or "Refused to" in message.text) else None)
        page.js_errors = errors
        return page

    def sign_in(self, page, pid: str, *, at: str):
        """From a LAO's (or the central) site: the header's sign-in, then the D.DOPA stand-in's form."""
        page.goto(at)
        page.locator("header").get_by_role("link", name=re.compile("เข้าสู่ระบบ|Sign in")).first.click()
        page.wait_for_url(re.compile(r"/accounts/login/"))
        self.check(page, "sign-in-choice")
        page.get_by_role("link", name=re.compile("DOPA Digital ID")).click()
        page.wait_for_url(re.compile(r"/dev-idp/login/"))
        self.check(page, "dopa-sign-in")
        page.locator("#id_pid").fill(pid)
        page.locator("#id_passcode").fill(PASSCODE)
        page.get_by_role("button", name=re.compile("เข้าสู่ระบบ|Sign in")).click()
        try:
            page.wait_for_url(lambda url: "/dev-idp/" not in url and "/accounts/dopa/" not in url)
        except Exception as error:
            raise AssertionError(f"sign-in stopped at {page.url}: {page.locator('main').inner_text()[:500]}") \
                from error
        return page

    def check(self, page, name: str, *, focus_stops: int = 12):
        """axe-core: no critical or serious violation; a title naming the page; a visible focus; on a
        phone, nothing wider than the screen. Saves a screenshot with SCREENSHOTS=1."""
        page.wait_for_load_state("load")
        assert page.title().strip() and page.title().strip() not in ("Local Service",), (name, page.title())
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.evaluate(_axe_source())
        result = page.evaluate("""async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.filter(v => v.impact === 'critical' || v.impact === 'serious')
                .map(v => ({id: v.id, impact: v.impact, help: v.help,
                            nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
        }""")
        assert not result, (name, page.url, result)
        if page.phone:
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, (name, page.url, f"{overflow}px wider than the screen")
        self._check_focus(page, name, focus_stops)
        assert not page.js_errors, (name, page.js_errors)
        if os.environ.get("SCREENSHOTS"):
            SHOTS.mkdir(exist_ok=True)
            path = SHOTS / f"{next(_SHOT_NUMBERS):03d}-{name}{'-phone' if page.phone else ''}.png"
            page.screenshot(path=str(path), full_page=True)
            self.shots.append(path)
            _guide_picture(path, f"{name}{'-phone' if page.phone else ''}")

    @staticmethod
    def _check_focus(page, name: str, stops: int):
        page.evaluate("document.activeElement && document.activeElement.blur()")
        page.evaluate("window.scrollTo(0, 0)")
        for _ in range(stops):
            page.keyboard.press("Tab")
            seen = page.evaluate("""() => {
                const e = document.activeElement;
                if (!e || e === document.body) return null;
                const s = getComputedStyle(e);
                const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
                const ring = s.boxShadow && s.boxShadow !== 'none';
                return {tag: e.tagName, text: (e.innerText || e.value || e.name || '').slice(0, 40),
                        visible: outline || ring};
            }""")
            if seen is None:
                break
            assert seen["visible"], (name, page.url, "no visible focus on", seen)


GUIDE_PICTURES = HERE.parent.parent / "platform" / "static" / "guide"
_GUIDE_DONE: set[str] = set()


def _guide_picture(shot: Path, name: str) -> None:
    """The officer's guide shows some of the journeys' steps (tenant_apps/officers/guide.py PICTURES): a small
    copy of the first screenshot of each — its top, 800 px wide, in 64 colours — under platform/static/guide/."""
    from tenant_apps.officers.guide import PICTURES

    if name not in PICTURES or name in _GUIDE_DONE:
        return
    from PIL import Image

    _GUIDE_DONE.add(name)
    GUIDE_PICTURES.mkdir(parents=True, exist_ok=True)
    with Image.open(shot) as image:
        image = image.convert("RGB")
        width = 800 if image.width > 900 else 390
        image = image.resize((width, round(image.height * width / image.width)), Image.LANCZOS)
        image = image.crop((0, 0, width, min(image.height, 900 if width == 800 else 1200)))
        image.quantize(colors=64, method=Image.Quantize.MEDIANCUT).save(GUIDE_PICTURES / f"{name}.png", optimize=True)


@pytest.fixture
def site(live, journey_laos, chromium):
    journey = Site(live=live, laos=journey_laos, chromium=chromium)
    yield journey
    for context in journey.contexts:
        context.close()


# --- helpers the journeys share -----------------------------------------------------------------------

def on_own_connection(call):
    """Run `call` on a thread of its own: what it writes is committed (the live server sees it) and what it
    reads includes what the server committed — the test's own connection is inside a transaction that is
    rolled back."""
    import threading

    from django.db import connections

    box = {}

    def run():
        try:
            box["result"] = call()
        except Exception as error:  # noqa: BLE001 — raised again in the test's thread
            box["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box.get("result")


def in_schema(lao, work):
    """`on_own_connection` inside a journey LAO's schema: read (or arrange) its rows."""
    from django_tenants.utils import schema_context

    def run():
        with schema_context(lao.schema_name):
            return work()

    return on_own_connection(run)


def key_page(site, page, name):
    """A page people often open on a phone: checked at the desktop size and at 390 px."""
    site.check(page, name)
    if not page.phone:
        size = page.viewport_size
        page.set_viewport_size(PHONE)
        page.phone = True
        try:
            site.check(page, name)
        finally:
            page.phone = False
            page.set_viewport_size(size)


def menu_click(page, name):
    """The header's officer menu: open the group (a <details>) that holds the link, then follow it."""
    group = page.locator("nav.officer-nav details").filter(has=page.locator("a", has_text=name)).first
    if not group.evaluate("details => details.open"):
        group.locator("summary").click()
    group.get_by_role("link", name=name).click()


def fetch_pdf(page, href) -> bytes:
    """What the browser gets for a PDF link, fetched by the page itself (its cookies, its name resolution:
    headless Chromium would download it rather than show it)."""
    import base64
    from urllib.parse import urljoin

    answer = page.evaluate("""async (href) => {
        const response = await fetch(href, {credentials: 'same-origin'});
        const bytes = new Uint8Array(await response.arrayBuffer());
        let binary = '';
        for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
        return {status: response.status, type: response.headers.get('content-type'), body: btoa(binary)};
    }""", urljoin(page.url, href))
    assert answer["status"] == 200, (href, answer["status"])
    assert answer["type"] == "application/pdf", answer["type"]
    body = base64.b64decode(answer["body"])
    assert body.startswith(b"%PDF-")
    return body
