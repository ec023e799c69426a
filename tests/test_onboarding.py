"""Onboarding: schema for the type, primary domain, active — once, atomically, audited."""
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_tenants.utils import schema_exists

from tenants import services
from tenants.models import LAO, Domain, LAOEvent, LAOStatus
from tenants.services import OnboardingError, lao_set_status, onboard_lao

pytestmark = pytest.mark.django_db


def test_onboarding_builds_schema_domain_and_activates(registered_lao, dla_admin, client):
    assert onboard_lao(lao=registered_lao, actor=dla_admin) is True

    registered_lao.refresh_from_db()
    assert registered_lao.status == LAOStatus.ACTIVE
    assert registered_lao.onboarded_by == dla_admin and registered_lao.onboarded_at
    assert schema_exists(registered_lao.schema_name)
    assert Domain.objects.get(tenant=registered_lao).domain == f"{registered_lao.hostname}.localhost"
    event = LAOEvent.objects.get(lao=registered_lao, kind=LAOEvent.Kind.ONBOARDED)
    assert event.actor == dla_admin
    response = client.get("/", HTTP_HOST=registered_lao.host)
    assert response.status_code == 200 and registered_lao.full_name_th in response.content.decode()


def test_onboarding_twice_is_harmless(registered_lao):
    assert onboard_lao(lao=registered_lao) is True
    registered_lao.refresh_from_db()
    assert onboard_lao(lao=registered_lao) is False
    assert Domain.objects.filter(tenant=registered_lao).count() == 1
    assert LAOEvent.objects.filter(lao=registered_lao, kind=LAOEvent.Kind.ONBOARDED).count() == 1


def test_failure_part_way_leaves_no_schema_and_the_lao_registered(registered_lao, monkeypatch):
    def break_after_the_schema_exists(lao):
        assert schema_exists(lao.schema_name)  # the clone did happen…
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_after_schema_built", break_after_the_schema_exists)

    with pytest.raises(RuntimeError, match="disk full"):
        onboard_lao(lao=registered_lao)

    registered_lao.refresh_from_db()
    assert registered_lao.status == LAOStatus.REGISTERED  # …and went with the rollback
    assert not schema_exists(registered_lao.schema_name)
    assert not Domain.objects.filter(tenant=registered_lao).exists()
    assert not LAOEvent.objects.filter(lao=registered_lao, kind=LAOEvent.Kind.ONBOARDED).exists()
    monkeypatch.undo()
    assert onboard_lao(lao=registered_lao) is True  # and it can be tried again


def test_new_lao_starts_with_its_types_defaults(registered_lao):
    from django_tenants.utils import schema_context

    from tenant_apps.advertising.models import AdvertisingPolicy
    from tenant_apps.lao_profile.models import LAOProfile

    onboard_lao(lao=registered_lao)
    with schema_context(registered_lao.schema_name):
        assert LAOProfile.objects.count() == 1
        assert str(AdvertisingPolicy.objects.get().fee_amount) == "200.00"


def test_suspended_lao_is_not_onboarded_again(town, dla_admin):
    lao_set_status(lao=town, status=LAOStatus.SUSPENDED, actor=dla_admin, reason="ผิดระเบียบ")
    town.refresh_from_db()
    with pytest.raises(OnboardingError, match=town.dla_code):
        onboard_lao(lao=town)


def test_status_changes_need_a_reason_and_a_legal_transition(town, registered_lao, dla_admin):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        lao_set_status(lao=town, status=LAOStatus.SUSPENDED, actor=dla_admin, reason="  ")
    with pytest.raises(ValidationError):
        lao_set_status(lao=registered_lao, status=LAOStatus.SUSPENDED, actor=dla_admin, reason="x")
    lao_set_status(lao=town, status=LAOStatus.SUSPENDED, actor=dla_admin, reason="ตรวจสอบ")
    lao_set_status(lao=town, status=LAOStatus.ACTIVE, actor=dla_admin, reason="ตรวจสอบแล้ว")
    kinds = list(LAOEvent.objects.filter(lao=town).values_list("kind", flat=True))
    assert kinds[:2] == [LAOEvent.Kind.REINSTATED, LAOEvent.Kind.SUSPENDED]


def test_onboard_command(registered_lao, capsys):
    call_command("onboard_lao", registered_lao.dla_code)
    assert "onboarded" in capsys.readouterr().out
    call_command("onboard_lao", registered_lao.dla_code)
    assert "already onboarded" in capsys.readouterr().out
    with pytest.raises(CommandError, match="No LAO with DLA code 9999999"):
        call_command("onboard_lao", "9999999")


def test_onboard_api_requires_a_dla_administrator(client, registered_lao, dla_admin):
    from tests.factories import UserFactory

    url = reverse("api-lao-onboard", args=[registered_lao.dla_code])
    assert client.post(url, HTTP_HOST="localhost").status_code in (401, 403)
    client.force_login(UserFactory())
    assert client.post(url, HTTP_HOST="localhost").status_code == 403
    registered_lao.refresh_from_db()
    assert registered_lao.status == LAOStatus.REGISTERED

    client.force_login(dla_admin)
    first = client.post(url, HTTP_HOST="localhost")
    second = client.post(url, HTTP_HOST="localhost")

    assert first.status_code == 201 and first.json()["onboarded"] is True
    assert first.json()["lao"]["status"] == "active"
    assert second.status_code == 200 and second.json()["onboarded"] is False


def test_onboard_api_with_a_token(client, registered_lao, dla_admin):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=dla_admin)
    url = reverse("api-lao-onboard", args=[registered_lao.dla_code])
    response = client.post(url, HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 201


def test_onboard_from_the_public_admin(client, registered_lao):
    from tests.factories import UserFactory

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(
        reverse("admin:tenants_lao_changelist"),
        {"action": "onboard_selected", "_selected_action": [registered_lao.pk]},
        HTTP_HOST="localhost", follow=True,
    )
    assert response.status_code == 200
    registered_lao.refresh_from_db()
    assert registered_lao.status == LAOStatus.ACTIVE


def test_dla_edits_the_subdomain_and_the_domain_follows(registered_lao, town, dla_admin, client):
    from django.core.exceptions import ValidationError

    onboard_lao(lao=registered_lao)
    services.lao_change_hostname(lao=registered_lao, hostname="sao-nachak", actor=dla_admin)

    assert Domain.objects.get(tenant=registered_lao).domain == "sao-nachak.localhost"
    assert client.get("/", HTTP_HOST="sao-nachak.localhost").status_code == 200
    with pytest.raises(ValidationError, match=town.hostname):
        services.lao_change_hostname(lao=registered_lao, hostname=town.hostname, actor=dla_admin)
    with pytest.raises(ValidationError):
        services.lao_change_hostname(lao=registered_lao, hostname="Bad_Name-", actor=dla_admin)
    assert LAO.objects.get(pk=registered_lao.pk).hostname == "sao-nachak"
