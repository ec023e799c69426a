import factory
from django.contrib.auth import get_user_model

# The demo LAOs `make run` onboards, reused by the tests (see conftest.py).
DEMO = {
    "pao": "2540101",  # องค์การบริหารส่วนจังหวัดแพร่
    "town": "4540102",  # เทศบาลเมืองแพร่
    "sao": "6540113",  # องค์การบริหารส่วนตำบลกาญจนา
    "pattaya": "3200408",  # เมืองพัทยา
}
NOT_ONBOARDED = "6540114"  # SAO Na Chak (Phrae), left registered, for the "not yet onboarded" page
PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.invalid")

    @factory.post_generation
    def password(user, create, extracted, **kwargs):
        user.set_password(extracted or PASSWORD)
        if create:
            user.save(update_fields=["password"])


def lao_forget(dla_code: str) -> None:
    """Undo a LAO a test committed for itself (its schema, registry row, domains, events, national sums), so
    nothing of it reaches another test or the next run of a reused test database."""
    from django.db import connection

    from shared_apps.ledger.models import RevenueDaily
    from tenants.models import LAO, SchemaMigrationState

    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "lao_{dla_code}" CASCADE')
    SchemaMigrationState.objects.filter(schema_name=f"lao_{dla_code}").delete()
    for lao in LAO.objects.filter(dla_code=dla_code):
        RevenueDaily.objects.filter(lao=lao).delete()
        lao.domains.all().delete()
        lao.events.all().delete()
        lao.delete()
