"""Hardening, part 6: the Content-Security-Policy and Permissions-Policy on every page, no inline script or
style in any template we serve, the fully qualified (trailing-dot) host, and ids that say nothing to
someone they do not belong to: "not yours" and "doesn't exist" are the same answer."""
import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from django_tenants.utils import schema_context

from tenant_apps.tobacco_tax.models import TobaccoReturn
from tests.factories import UserFactory
from tests.pao import citizen, officer, ordinance_settings, registered_business

pytestmark = pytest.mark.django_db
REPO = Path(settings.BASE_DIR)
LAST_MONTH = (datetime.date.today().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def as_dopa(client, user):
    client.force_login(user)
    session = client.session
    session["auth_method"] = "dopa"  # DOPA counts as the second factor for officer pages
    session.save()
    return client


# --- what "inline" means -----------------------------------------------------------------------------

# A <script> element without src (JSON data blocks are not run, and CSP leaves them alone), a <style>
# element, a style="" attribute, an on…="" event handler, a javascript: URL.
INLINE = [
    ("inline <script>", re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>",
                                   re.I)),
    ("<style> element", re.compile(r"<style\b", re.I)),
    ("style attribute", re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I)),
    ("event handler attribute", re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)),
    ("javascript: URL", re.compile(r"javascript:", re.I)),
]


def inline_in(html: str) -> list[str]:
    return [f"{what}: {match.group(0)[:120]}" for what, pattern in INLINE for match in pattern.finditer(html)]


def served_templates() -> list[Path]:
    """Every template of ours that becomes a page. The *_pdf.html ones are drawn by WeasyPrint into PDFs,
    never served as HTML, so their <style> is no concern of the browser's policy."""
    roots = [REPO / "platform", REPO / "shared_apps", REPO / "tenant_apps", REPO / "tenants"]
    return sorted(path for root in roots for path in root.rglob("templates/**/*.html")
                  if not path.name.endswith("_pdf.html"))


def test_no_template_we_serve_has_inline_script_or_style():
    templates = served_templates()
    assert len(templates) > 30, templates  # the walk found the templates
    found = {str(path.relative_to(REPO)): inline_in(path.read_text()) for path in templates}
    assert {path: hits for path, hits in found.items() if hits} == {}


def test_the_scan_recognises_what_the_policy_refuses():
    assert inline_in('<label for="x" style="display:inline">') and inline_in("<script>alert(1)</script>")
    assert inline_in('<button onclick="go()">') and inline_in("<style>p{}</style>")
    assert inline_in('<a href="javascript:go()">')
    assert not inline_in('<script src="/static/js/site.js" defer></script>')
    assert not inline_in('<script type="application/json" id="data">{"a": 1}</script>')
    assert not inline_in('<label for="x" class="check-label">') and not inline_in('<link rel="stylesheet">')


# --- every page carries the policy ---------------------------------------------------------------------

def concrete_paths(urlconf) -> list[str]:
    """Every route of a URL conf with its parameters filled in (the admin is left to its own walk below)."""
    found = []

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if not isinstance(pattern.pattern, RoutePattern):
                continue
            route = prefix + str(pattern.pattern)
            if route == "admin/":
                continue  # the DLA admin has its own walk, over its registered models
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                route = route.replace("<str:kind>", "hotel")
                found.append("/" + re.sub(r"<(int|str|path|slug):\w+>",
                                          lambda m: "1" if m.group(1) == "int" else "x", route))

    walk(get_resolver(urlconf).url_patterns)
    return sorted(set(found))


def assert_strict_policy(response, path):
    header = response.headers.get("Content-Security-Policy", "")
    assert header, (path, response.status_code)
    directives = {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}
    assert directives["default-src"] == ["'self'"], (path, header)
    assert directives["script-src"] == ["'self'"], (path, header)  # nothing inline runs, on any page
    assert directives["object-src"] == ["'none'"] and directives["frame-ancestors"] == ["'none'"], header
    assert directives["base-uri"] == ["'none'"], header
    if path != "/api/docs/":
        assert directives["style-src"] == ["'self'"], (path, header)
    else:  # Redoc alone draws its styles at run time (see localservice.api_docs)
        assert set(directives["style-src"]) == {"'self'", "'unsafe-inline'"}, header
        assert directives["worker-src"] == ["blob:"], header
    permissions = response.headers.get("Permissions-Policy", "")
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in permissions, (path, permissions)
    if "text/html" in response.headers.get("Content-Type", ""):
        assert inline_in(response.content.decode()) == [], path


@pytest.mark.parametrize("urlconf, key", [
    ("localservice.urls_public", None),
    ("localservice.urls_pao", "pao"),
    ("localservice.urls_municipal", "sao"),
])
def test_every_page_carries_the_policy_anonymous_and_signed_in(client, lao, urlconf, key):
    site = lao(key) if key else None
    host = site.host if site else settings.BASE_DOMAIN
    paths = concrete_paths(urlconf)
    assert len(paths) >= 15, paths
    statuses = set()
    for who in ("anonymous", "officer"):
        if who == "officer":
            if site is None:
                user = UserFactory(is_staff=True, is_superuser=True)
            else:
                user = officer(site, "clerk", "finance", "approver", "lao_admin")
            as_dopa(client, user)
        for path in paths:
            response = client.get(path, HTTP_HOST=host)
            statuses.add(response.status_code)
            assert response.status_code != 500, (who, path)  # 503: DOPA unreachable from the test
            assert_strict_policy(response, path)
    assert 200 in statuses and {302, 404} & statuses  # pages were served, and refusals carry it too


def test_the_api_reference_page_is_served_without_inline_script(client, pao):
    response = client.get("/api/docs/", HTTP_HOST=pao.host)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<redoc spec-url=\"/api/schema/\"" in html and "redoc.standalone.js" in html
    assert "fonts.googleapis.com" not in html  # nothing from another origin
    assert_strict_policy(response, "/api/docs/")


def test_the_dla_admin_pages_carry_the_policy_with_no_inline_style(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    pages = ["/admin/", "/admin/login/", "/admin/password_change/"]
    for model in admin.site._registry:
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        pages += [base, base + "add/", f"/admin/{model._meta.app_label}/"]
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            pages.append(f"{base}{first.pk}/change/")
    for path in pages:
        response = client.get(path, HTTP_HOST=settings.BASE_DOMAIN)
        assert response.status_code in (200, 302, 403), (path, response.status_code)
        assert_strict_policy(response, path)


def test_the_host_pages_of_the_tenant_middleware_carry_the_policy(client, registered_lao):
    for host in ("no-such-lao.localhost", registered_lao.host):
        response = client.get("/", HTTP_HOST=host)
        assert response.status_code == 404
        assert_strict_policy(response, "/")


# --- the trailing-dot host ------------------------------------------------------------------------------

def test_a_fully_qualified_host_with_its_trailing_dot_reaches_the_lao(client, pao, sao):
    for site in (pao, sao):
        response = client.get("/", HTTP_HOST=f"{site.host}.")
        assert response.status_code == 200
        assert response.context["current_lao"].dla_code == site.dla_code
        assert site.full_name_th in response.content.decode()
    with_port = client.get("/", HTTP_HOST=f"{pao.host}.:8000")
    assert with_port.status_code == 200 and pao.full_name_th in with_port.content.decode()
    central = client.get("/", HTTP_HOST=f"{settings.BASE_DOMAIN}.")
    assert "portal/landing.html" in [t.name for t in central.templates]


# --- "not yours" and "doesn't exist" are one answer -------------------------------------------------------

def same_answer(first, second):
    assert (first.status_code, first.content) == (second.status_code, second.content), (
        first.status_code, first.content[:200], second.status_code, second.content[:200])
    return first.status_code


def call(client, host, method, path, body=None, key=None):
    headers = {"HTTP_HOST": host}
    if key:
        headers["HTTP_AUTHORIZATION"] = f"Api-Key {key}"
    if method == "get":
        return client.get(path, **headers)
    return getattr(client, method)(path, body or {}, content_type="application/json", **headers)


MISSING = 987_654


@pytest.fixture
def phrae_business(pao):
    with schema_context(pao.schema_name):
        ordinance_settings()
        business, owner = registered_business("tobacco")
        other, other_owner = registered_business("tobacco")
    return business, owner, other, other_owner


def business_calls(business_id, return_id=1, key_id=1):
    body = {"period": LAST_MONTH.strftime("%Y-%m"), "nil": True}
    return [
        ("get", f"/api/businesses/{business_id}/", None),
        ("get", f"/api/businesses/{business_id}/returns/", None),
        ("post", f"/api/businesses/{business_id}/returns/", body),
        ("post", f"/api/businesses/{business_id}/returns/", {**body, "preview": True}),
        ("post", f"/api/businesses/{business_id}/returns/{return_id}/additional/", body),
        ("post", f"/api/businesses/{business_id}/api-keys/", {"name": "PMS"}),
        ("post", f"/api/businesses/{business_id}/api-keys/{key_id}/revoke/", None),
    ]


def test_business_ids_answer_the_same_for_not_yours_and_missing_on_the_api(client, pao, phrae_business):
    business, owner, other, _ = phrae_business
    as_dopa(client, owner)
    issued = call(client, pao.host, "post", f"/api/businesses/{business.pk}/api-keys/", {"name": "PMS"})
    key = issued.json()["key"]
    client.logout()

    seen = set()
    for who in ("anonymous", "someone else", "another business's key"):
        if who == "someone else":
            as_dopa(client, citizen())
        use_key = key if who == "another business's key" else None
        if use_key:
            client.logout()
        for (method, path, body), (_m, missing_path, _b) in zip(business_calls(other.pk), business_calls(MISSING)):
            status = same_answer(call(client, pao.host, method, path, body, use_key),
                                 call(client, pao.host, method, missing_path, body, use_key))
            seen.add((who, status))
    assert {status for who, status in seen if who == "anonymous"} == {401}  # nothing is looked up
    assert {status for who, status in seen if who != "anonymous"} <= {404, 403}
    assert ("someone else", 404) in seen and ("another business's key", 404) in seen
    with schema_context(pao.schema_name):
        assert not TobaccoReturn.objects.filter(business=other).exists()
        assert not other.api_keys.exists()
    # … while the owner and the business's own key are served as before
    assert call(client, pao.host, "get", f"/api/businesses/{business.pk}/", key=key).status_code == 200


def test_business_ids_answer_the_same_for_not_yours_and_missing_on_the_pages(client, pao, phrae_business):
    business, owner, other, _ = phrae_business
    pages = ["/businesses/{}/", "/businesses/{}/file/", "/businesses/{}/returns/1/",
             "/businesses/{}/returns/1/additional/"]
    for who in ("anonymous", "someone else"):
        if who == "someone else":
            as_dopa(client, citizen())
        for page in pages:
            theirs = client.get(page.format(other.pk), HTTP_HOST=pao.host)
            missing = client.get(page.format(MISSING), HTTP_HOST=pao.host)
            if who == "anonymous":  # to the sign-in page, saying nothing about the id
                assert theirs.status_code == missing.status_code == 302
                assert theirs["Location"].startswith("/accounts/login/")
                assert theirs["Location"].replace(str(other.pk), "ID") == missing["Location"].replace(
                    str(MISSING), "ID")
            else:
                assert same_answer(theirs, missing) == 404
        posted = client.post(f"/businesses/{other.pk}/", {"operation": "add_filer", "national_id": "x"},
                             HTTP_HOST=pao.host)
        posted_missing = client.post(f"/businesses/{MISSING}/", {"operation": "add_filer", "national_id": "x"},
                                     HTTP_HOST=pao.host)
        if who != "anonymous":
            same_answer(posted, posted_missing)
    as_dopa(client, owner)
    assert client.get(f"/businesses/{business.pk}/", HTTP_HOST=pao.host).status_code == 200


@pytest.fixture
def sao_application(sao):
    from tests.test_advertising import draft

    applicant = citizen()
    with schema_context(sao.schema_name):
        application = draft(applicant)
    return application, applicant


def test_application_ids_answer_the_same_for_not_yours_and_missing(client, sao, sao_application):
    application, applicant = sao_application
    body = {"method": "posting", "message_gist": "x", "width_m": "1.00", "height_m": "1.00", "notice_count": 1,
            "start_date": "2030-01-01", "end_date": "2030-01-02", "locations": [{"description": "x"}]}
    api_calls = [("get", "/api/advertising/applications/{}/", None),
                 ("put", "/api/advertising/applications/{}/", body),
                 ("post", "/api/advertising/applications/{}/actions/", {"action": "withdraw"}),
                 ("post", "/api/advertising/applications/{}/documents/", {})]
    pages = ["/advertising/applications/{}/", "/advertising/applications/{}/edit/",
             "/advertising/applications/{}/permit.pdf", "/advertising/applications/{}/documents/1/"]
    with schema_context(sao.schema_name):
        document = application.documents.first()
    pages.append("/advertising/applications/{}/documents/%d/" % document.pk)

    for who in ("anonymous", "someone else"):
        if who == "someone else":
            as_dopa(client, citizen())
        for method, path, data in api_calls:
            status = same_answer(call(client, sao.host, method, path.format(application.pk), data),
                                 call(client, sao.host, method, path.format(MISSING), data))
            assert status == (401 if who == "anonymous" else 404), (who, path, status)
        for page in pages:
            theirs = client.get(page.format(application.pk), HTTP_HOST=sao.host)
            missing = client.get(page.format(MISSING), HTTP_HOST=sao.host)
            if who == "anonymous":
                assert theirs.status_code == missing.status_code == 302
            else:
                assert same_answer(theirs, missing) == 404
    with schema_context(sao.schema_name):
        application.refresh_from_db()
        assert application.status == "draft" and application.message_gist != "x"
    as_dopa(client, applicant)
    assert client.get(f"/advertising/applications/{application.pk}/", HTTP_HOST=sao.host).status_code == 200
    assert call(client, sao.host, "get", f"/api/advertising/applications/{application.pk}/").status_code == 200
