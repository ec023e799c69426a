"""Common fixtures: the test database is reused, and the demo LAOs' schemas are built once.

The session fixture commits geography, the four demo LAOs (onboarded) and one
LAO left registered; every test then runs in a transaction that is rolled back,
so schemas a test builds (onboarding inside a test) vanish with it.
"""
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from tests.factories import DEMO, NOT_ONBOARDED

SHARED_DATA = Path(settings.SHARED_DATA_DIR)
TEST_DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from shared_apps.geography.services import geography_load
    from tenants.models import LAO
    from tenants.services import onboard_lao, registry_import

    with django_db_blocker.unblock():
        geography_load(provinces_path=SHARED_DATA / "provinces.json", districts_path=SHARED_DATA / "districts.json")
        registry_import(path=TEST_DATA / "test-registry.json")
        for code in DEMO.values():
            onboard_lao(lao=LAO.objects.get(dla_code=code))
        from tenants.schemas import ensure_template

        for lao_type in ("provincial_admin_org", "subdistrict_admin_org"):  # committed, so tests only copy them
            ensure_template(lao_type)
        connection.set_schema_to_public()


@pytest.fixture(autouse=True)
def _public_schema_and_empty_cache():
    """Each test starts in the public schema with no cached host look-ups."""
    connection.set_schema_to_public()
    cache.clear()
    yield
    connection.set_schema_to_public()
    cache.clear()


@pytest.fixture
def lao(db):
    from tenants.models import LAO

    def get(key: str) -> LAO:
        return LAO.objects.select_related("province", "district").get(dla_code=DEMO.get(key, key))

    return get


@pytest.fixture
def pao(lao):
    return lao("pao")


@pytest.fixture
def sao(lao):
    return lao("sao")


@pytest.fixture
def town(lao):
    return lao("town")


@pytest.fixture
def registered_lao(db):
    from tenants.models import LAO

    return LAO.objects.get(dla_code=NOT_ONBOARDED)


@pytest.fixture
def dla_admin(db):
    from django.contrib.auth.models import Group

    from tenants.apps import DLA_ADMINISTRATORS
    from tests.factories import UserFactory

    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=DLA_ADMINISTRATORS))
    return user


@pytest.fixture(scope="session")
def _live_server(django_db_setup, django_db_blocker):
    from shared_apps.dev_idp.services import dev_idp_setup
    from tests.live import start_server

    server, site = start_server()
    with django_db_blocker.unblock():
        dev_idp_setup(redirect_uris=[f"{site.central}/accounts/dopa/callback/"])  # committed
    yield site
    server.shutdown()
    server.server_close()


@pytest.fixture
def live(_live_server, db, settings, monkeypatch):
    """The live site, with the relying party and the provider pointed at its port.

    Rows the server writes are committed by its own connections (citizens
    created by sign-ins, tickets, audit events); the test reads them from its own.
    """
    import socket

    from shared_apps.accounts import dopa
    from tests import live as live_module

    site = _live_server
    settings.PUBLIC_PORT = f":{site.port}"
    settings.DOPA_OIDC = {**settings.DOPA_OIDC,
                          "DISCOVERY_URL": f"{site.idp}/dev-idp/.well-known/openid-configuration"}
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "OIDC_ISS_ENDPOINT": f"{site.idp}/dev-idp"}
    monkeypatch.setattr(socket, "getaddrinfo", live_module._loopback_for_localhost_names)
    monkeypatch.setattr(dopa, "_clients", {})  # fresh discovery and keys for every test
    return site


@pytest.fixture
def committed_sql():
    """Run SQL outside the test's transaction, so the live server's threads see it at once."""
    from django.db import connections

    connection = connections.create_connection("default")
    connection.set_autocommit(True)

    def run(sql, params=None):
        with connection.cursor() as cursor:
            cursor.execute(sql, params or [])

    yield run
    connection.close()


@pytest.fixture
def browser():
    from tests.live import Browser

    with Browser() as session:
        yield session
