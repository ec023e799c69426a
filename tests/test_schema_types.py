"""The LAO's type decides which apps its schema holds."""
import pytest
from django.db import connection

pytestmark = pytest.mark.django_db

PAO_ONLY = {"ordinances_ordinancerate", "ordinances_filingrule", "businesses_business", "businesses_businessapikey", "hotel_fee_hotelreturn", "hotel_fee_hotelguest", "petroleum_tax_petroleumreturn", "petroleum_tax_petroleumline", "tobacco_tax_tobaccoreturn", "tobacco_tax_tobaccoline"}
MUNICIPAL_ONLY = {"advertising_advertisingpolicy", "advertising_application", "advertising_applicationdocument", "advertising_permit", "advertising_permitcounter"}
EVERY_LAO = {"lao_profile_laoprofile", "lao_profile_announcement", "officers_officer", "officers_invitation"}
PUBLIC_ONLY = {"tenants_lao", "geography_province", "accounts_user", "django_session"}


def tables(schema):
    with connection.cursor() as cursor:
        cursor.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = %s", [schema])
        return {row[0] for row in cursor.fetchall()}


def test_pao_schema_has_pao_tables_and_not_municipal_ones(pao):
    found = tables(pao.schema_name)
    assert PAO_ONLY | EVERY_LAO <= found
    assert not (MUNICIPAL_ONLY & found)
    assert not (PUBLIC_ONLY & found)


@pytest.mark.parametrize("key", ["sao", "town", "pattaya"])
def test_municipal_schemas_have_advertising_and_not_pao_tables(lao, key):
    found = tables(lao(key).schema_name)
    assert MUNICIPAL_ONLY | EVERY_LAO <= found
    assert not (PAO_ONLY & found)


def test_public_schema_holds_the_registry_and_no_lao_tables():
    found = tables("public")
    assert PUBLIC_ONLY <= found
    assert not ((PAO_ONLY | MUNICIPAL_ONLY | EVERY_LAO) & found)


def test_new_schemas_record_every_migration_they_hold(sao):
    from django.db import connection

    from tenants.schema_migrations import applied_migrations, migration_graph

    with connection.cursor() as cursor:
        assert set(migration_graph().nodes) <= applied_migrations(cursor, sao.schema_name)
